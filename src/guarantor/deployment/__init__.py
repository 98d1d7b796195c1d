"""Force flow in time: when each placed unit stands where the plan puts it, what holds it up,
and how fast the reinforcement echelon reaches each front axis (HiGHS)."""

from guarantor.deployment.api import (
    check_closed,
    days_to_reinforce,
    deploy,
    entry_points,
    reinforcement_days,
)
from guarantor.deployment.data import DeploymentData, load_data
from guarantor.deployment.result import (
    AxisReinforcement,
    Bottleneck,
    DayBuildUp,
    DeploymentResult,
    LiftUse,
    Reinforcement,
    UnitMovement,
)

__all__ = [
    "AxisReinforcement",
    "Bottleneck",
    "DayBuildUp",
    "DeploymentData",
    "DeploymentResult",
    "LiftUse",
    "Reinforcement",
    "UnitMovement",
    "check_closed",
    "days_to_reinforce",
    "deploy",
    "entry_points",
    "load_data",
    "reinforcement_days",
]
