"""Credibility of the guarantee: the scorecard and the adversary decision model."""

from guarantor.deterrence.decision import (
    Assumptions,
    DecisionInputs,
    DecisionResult,
    decision,
    load_assumptions,
)
from guarantor.deterrence.run import DeterrenceResult, assess_deterrence
from guarantor.deterrence.scorecard import (
    Entanglement,
    Scorecard,
    ScorecardInputs,
    load_rules,
    load_weights,
    scorecard,
)

__all__ = [
    "Assumptions",
    "DecisionInputs",
    "DecisionResult",
    "DeterrenceResult",
    "Entanglement",
    "Scorecard",
    "ScorecardInputs",
    "assess_deterrence",
    "decision",
    "load_assumptions",
    "load_rules",
    "load_weights",
    "scorecard",
]
