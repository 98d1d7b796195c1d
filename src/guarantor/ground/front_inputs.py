"""The front's inputs: axes, reassurance hubs and both sides' totals, by hand or from a scenario.

Plain dataclasses so that an analyst can state them by hand; :meth:`FrontInputs.from_scenario`
takes them from a scenario and :meth:`FrontInputs.resolved` works out the reserves from the
totals. :mod:`.front` runs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from guarantor.errors import InputError, Problem
from guarantor.model import Scenario
from guarantor.model.zones import UKRAINE_ZONES
from guarantor.params import DAYS_PER_MONTH


@dataclass(frozen=True)
class AxisInput:
    """One sector of the contact line and the forces on it."""

    name: str
    length_km: float
    terrain: str
    fortification: float
    defender_brigades: float
    attacker_personnel: float


@dataclass(frozen=True)
class Hub:
    """A reassurance-force site whose troops can reinforce the line."""

    name: str
    personnel: float
    reaction_days: float
    nations: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrontInputs:
    """Everything the front model needs, in plain numbers."""

    axes: tuple[AxisInput, ...]
    brigade_personnel: float
    reserve_brigades: float = 0.0
    attacker_reinforcement_per_day: float = 0.0
    hubs: tuple[Hub, ...] = ()
    attacker_air_factor: float = 1.0
    #: Russian personnel in the theatre beyond the axes', committed to the axes by threat.
    attacker_reserve_personnel: float = 0.0
    #: Ukraine's combat brigades in all (``ukraine.combat_brigades``). Where given, the
    #: brigades beyond those on the axes are the reserve (``reserve_brigades`` is then not
    #: used); fewer than the axes hold scale every axis down in proportion.
    combat_brigades: float | None = None
    #: Russia's personnel in the theatre (``russia.personnel_in_theatre``). Where given, those
    #: beyond the axes' are the attacker's reserve, committed to the axes by threat; fewer than
    #: the axes' scale every axis down in proportion.
    attacker_personnel_in_theatre: float | None = None

    def __post_init__(self) -> None:
        problems = []
        if not self.axes:
            problems.append(Problem("front", "needs at least one axis"))
        for i, a in enumerate(self.axes):
            where = f"front.axes[{i}] ({a.name})"
            if a.length_km <= 0:
                problems.append(Problem(where, "length_km must be > 0"))
            if a.defender_brigades < 0 or a.attacker_personnel < 0:
                problems.append(Problem(where, "forces must be >= 0"))
            if a.fortification <= 0:
                problems.append(Problem(where, "fortification must be > 0"))
        if self.brigade_personnel <= 0:
            problems.append(Problem("brigade_personnel", "must be > 0"))
        if (
            self.reserve_brigades < 0
            or self.attacker_reinforcement_per_day < 0
            or self.attacker_reserve_personnel < 0
        ):
            problems.append(Problem("reinforcements", "must be >= 0"))
        if self.attacker_air_factor < 0:
            problems.append(Problem("attacker_air_factor", "must be >= 0"))
        for name in ("combat_brigades", "attacker_personnel_in_theatre"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                problems.append(Problem(name, f"must be a number >= 0, got {value}"))
        for h in self.hubs:
            if h.personnel < 0 or h.reaction_days < 0:
                problems.append(
                    Problem(f"hub {h.name}", "personnel and reaction time must be >= 0")
                )
        if problems:
            raise InputError(problems)

    @classmethod
    def from_scenario(cls, scenario: Scenario, attacker_air_factor: float = 1.0) -> FrontInputs:
        """The scenario's axes and forces; hubs are its sites inside Ukraine."""
        return cls(
            axes=tuple(
                AxisInput(
                    a.name,
                    a.length_km,
                    a.terrain,
                    a.fortification,
                    a.ukrainian_brigades,
                    a.russian_personnel,
                )
                for a in scenario.front.axes
            ),
            brigade_personnel=scenario.ukraine.brigade_personnel,
            reserve_brigades=scenario.ukraine.reserve_brigades,
            attacker_reinforcement_per_day=(
                scenario.russia.reinforcement_per_month / DAYS_PER_MONTH
            ),
            hubs=tuple(
                Hub(s.name, s.personnel, s.reaction_hours / 24.0, tuple(s.nations))
                for s in scenario.sites
                if s.zone in UKRAINE_ZONES and s.personnel > 0
            ),
            attacker_air_factor=attacker_air_factor,
            combat_brigades=float(scenario.ukraine.combat_brigades),
            attacker_personnel_in_theatre=float(scenario.russia.personnel_in_theatre),
        )

    def resolved(self) -> FrontInputs:
        """The inputs with the totals applied (reserves set, axes scaled where need be).

        The rule, the same for both sides: the axes state where the forces stand; a total
        larger than the axes' sum is a reserve (Ukraine's reinforces the axes from
        ``reserve_start_day``, Russia's from ``attacker_reserve_start_day``, each in
        proportion to the threat on each axis); a total smaller than the axes' sum scales
        every axis down in proportion. So more Ukrainian brigades never leave an axis or the
        reserve smaller, nor do more Russian personnel leave Russia's smaller.
        """
        axes = self.axes
        reserve, f = _beyond_line(
            self.combat_brigades, sum(a.defender_brigades for a in axes), self.reserve_brigades
        )
        if f < 1.0:
            axes = tuple(replace(a, defender_brigades=a.defender_brigades * f) for a in axes)
        red_reserve, f = _beyond_line(
            self.attacker_personnel_in_theatre,
            sum(a.attacker_personnel for a in axes),
            self.attacker_reserve_personnel,
        )
        if f < 1.0:
            axes = tuple(replace(a, attacker_personnel=a.attacker_personnel * f) for a in axes)
        return replace(
            self,
            axes=axes,
            reserve_brigades=reserve,
            attacker_reserve_personnel=red_reserve,
            combat_brigades=None,
            attacker_personnel_in_theatre=None,
        )


def _beyond_line(total: float | None, line: float, reserve: float) -> tuple[float, float]:
    """A side's reserve given its total (``reserve`` as stated where no total is given), and
    the factor that scales its axes down to the total (1 where they fit)."""
    if total is None:
        return reserve, 1.0
    return max(total - line, 0.0), (total / line if line > total else 1.0)
