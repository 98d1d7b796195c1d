"""Zones where forces operate and the mission sets and roles that requirements and caveats use."""

from __future__ import annotations

from enum import StrEnum


class Zone(StrEnum):
    """Where a unit operates. Ukraine's regions match the air-defence zones of the raid model."""

    KYIV = "kyiv"
    WEST = "ukraine-west"
    CENTRE = "ukraine-centre"
    SOUTH = "ukraine-south"
    EAST = "ukraine-east"
    CONTACT_LINE = "contact-line"
    NEIGHBOURING_NATO = "neighbouring-nato"
    BLACK_SEA = "black-sea"
    HOME = "home"


#: Zones inside Ukraine, the contact line included.
UKRAINE_ZONES: frozenset[Zone] = frozenset(
    {Zone.KYIV, Zone.WEST, Zone.CENTRE, Zone.SOUTH, Zone.EAST, Zone.CONTACT_LINE}
)
#: Zones "away from the contact line" (a common caveat): Ukraine less the line and the east.
AWAY_FROM_CONTACT_LINE: frozenset[Zone] = frozenset(
    {
        Zone.KYIV,
        Zone.WEST,
        Zone.CENTRE,
        Zone.SOUTH,
        Zone.NEIGHBOURING_NATO,
        Zone.BLACK_SEA,
        Zone.HOME,
    }
)
#: Zones the raid model defends.
AIR_DEFENCE_ZONES: tuple[Zone, ...] = (Zone.KYIV, Zone.WEST, Zone.CENTRE, Zone.SOUTH, Zone.EAST)


class MissionSet(StrEnum):
    """The mission sets into which a force's requirements are grouped."""

    LAND_REASSURANCE = "land-reassurance"
    AIR_POLICING = "air-policing"
    INTEGRATED_AIR_DEFENCE = "integrated-air-defence"
    MARITIME = "maritime-security"
    TRAINING = "training-regeneration"
    MONITORING = "ceasefire-monitoring"
    ENABLERS = "enablers"


class Role(StrEnum):
    """A role a pledge may refuse: any mission set, or combat itself."""

    COMBAT = "combat"
    LAND_REASSURANCE = "land-reassurance"
    AIR_POLICING = "air-policing"
    INTEGRATED_AIR_DEFENCE = "integrated-air-defence"
    MARITIME = "maritime-security"
    TRAINING = "training-regeneration"
    MONITORING = "ceasefire-monitoring"
    ENABLERS = "enablers"
