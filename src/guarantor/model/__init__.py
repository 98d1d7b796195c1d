"""Domain types (pydantic v2): nations, capabilities, pledges, requirements, forces, scenarios."""

from guarantor.model.capabilities import (
    AirDefenceLayer,
    CapabilityType,
    Domain,
    SustainmentClass,
)
from guarantor.model.forces import (
    AirDefenceAsset,
    Axis,
    Front,
    InterceptorSupply,
    RussianForces,
    UkrainianForces,
)
from guarantor.model.nations import Contributor, ContributorKind, Harmony, Nation
from guarantor.model.pledges import Caveats, Condition, Pledge, PledgeStatus, Sustainment
from guarantor.model.policy import CommitmentForm, USRole
from guarantor.model.provenance import Assumption, Confidence, Figure, Provenance
from guarantor.model.requirements import Requirement
from guarantor.model.scenario import Scenario, Site
from guarantor.model.threat import Raid, Tempo, ThreatPicture
from guarantor.model.whatif import WhatIf
from guarantor.model.zones import MissionSet, Role, Zone

__all__ = [
    "AirDefenceAsset",
    "AirDefenceLayer",
    "Assumption",
    "Axis",
    "CapabilityType",
    "Caveats",
    "CommitmentForm",
    "Condition",
    "Confidence",
    "Contributor",
    "ContributorKind",
    "Domain",
    "Figure",
    "Front",
    "Harmony",
    "InterceptorSupply",
    "MissionSet",
    "Nation",
    "Pledge",
    "PledgeStatus",
    "Provenance",
    "Raid",
    "Requirement",
    "Role",
    "RussianForces",
    "Scenario",
    "Site",
    "Sustainment",
    "SustainmentClass",
    "Tempo",
    "ThreatPicture",
    "USRole",
    "UkrainianForces",
    "WhatIf",
    "Zone",
]
