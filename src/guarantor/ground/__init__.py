"""Ground deterrence by denial: front model, attrition engines and historical fits."""

from guarantor.ground.front import AxisInput, FrontInputs, FrontResult, Hub, assess_front
from guarantor.ground.history import HistoryFit, fit_history, load_battles
from guarantor.ground.lanchester import Engagement, Law, Outcome, Reinforcement, simulate, solve
from guarantor.ground.params import ParamSet, load_ground_params

__all__ = [
    "AxisInput",
    "Engagement",
    "FrontInputs",
    "FrontResult",
    "HistoryFit",
    "Hub",
    "Law",
    "Outcome",
    "ParamSet",
    "Reinforcement",
    "assess_front",
    "fit_history",
    "load_battles",
    "load_ground_params",
    "simulate",
    "solve",
]
