"""Typed records of the credibility models as the assessment keeps them: the scorecard's
components with their inputs (:class:`ScorecardComponent`), the adversary's decision
(:class:`DecisionSummary`) and its break-even thresholds (:class:`Thresholds`).

The deterrence package computes them as dataclasses; these hold the same fields in the same
order, so assessment.json keeps its bytes while readers get attributes instead of keys.
"""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field

from guarantor.deterrence.decision import DecisionResult
from guarantor.deterrence.scorecard import Component

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class DenialInputs(BaseModel):
    """Inputs of the denial component."""

    model_config = _FROZEN

    p_hold_ground: float = Field(description="Chance the ground holds.")
    air_denial: float | None = Field(
        description="Share of the design raid defeated (None: no air result)."
    )


class EntanglementInputs(BaseModel):
    """Inputs of the entanglement component."""

    model_config = _FROZEN

    states_present: list[str] = Field(description="NATO states at stations in Ukraine.")
    states_pledged: list[str] = Field(
        description="NATO states pledged into Ukraine but not at a station there."
    )
    personnel: float = Field(description="Personnel at stations in Ukraine.")
    nearest_km: float | None = Field(description="Km from the nearest station to the line.")


class CommitmentInputs(BaseModel):
    """Input of the commitment component."""

    model_config = _FROZEN

    form: str = Field(description="The guarantee's legal form.")


class UsBackstopInputs(BaseModel):
    """Input of the US-backstop component."""

    model_config = _FROZEN

    us_role: str = Field(description="The United States' role.")


class SustainabilityInputs(BaseModel):
    """Inputs of the sustainability component."""

    model_config = _FROZEN

    rotation_depth: float = Field(description="Rotation pool per person deployed.")
    interceptor_days: float | None = Field(
        description="Days until the first interceptor type runs dry (None: not given)."
    )


class ReadinessInputs(BaseModel):
    """Input of the readiness component."""

    model_config = _FROZEN

    days_to_reinforce: float | None = Field(
        description="Days to reinforce the line (None: nothing can)."
    )


#: Each component's inputs: the six shapes have distinct fields, so a record matches one.
ComponentInputs = (
    DenialInputs
    | EntanglementInputs
    | CommitmentInputs
    | UsBackstopInputs
    | SustainabilityInputs
    | ReadinessInputs
)


class ScorecardComponent(BaseModel):
    """One row of the credibility scorecard."""

    model_config = _FROZEN

    name: str = Field(description="The component.")
    score: float = Field(description="Its score, 0-100.")
    weight: float = Field(description="Its weight in the total.")
    inputs: ComponentInputs = Field(description="The numbers it scored.")
    rule: str = Field(description="How the score follows from the inputs.")

    @classmethod
    def of(cls, component: Component) -> ScorecardComponent:
        """The record of a scorecard component."""
        return cls.model_validate(asdict(component))


class Thresholds(BaseModel):
    """Break-even values of the adversary's payoff, others held (None: none in the domain),
    each with a note saying what it means given today's verdict."""

    model_config = _FROZEN

    p_nato_war: float | None = Field(description="Chance of war with NATO states.")
    p_nato_war_note: str
    entanglement_score: float | None = Field(description="Entanglement score (0-100).")
    entanglement_score_note: str
    p_success: float | None = Field(description="Chance the offensive succeeds.")
    p_success_note: str
    denial_score: float | None = Field(description="Denial score (0-100).")
    denial_score_note: str
    statement: str = Field(description="The verdict and what would flip it, in words.")

    def crossings(self) -> list[tuple[str, float | None, str]]:
        """(name, break-even value, note) of each quantity, in order."""
        return [
            ("p_nato_war", self.p_nato_war, self.p_nato_war_note),
            ("entanglement_score", self.entanglement_score, self.entanglement_score_note),
            ("p_success", self.p_success, self.p_success_note),
            ("denial_score", self.denial_score, self.denial_score_note),
        ]


class TornadoBar(BaseModel):
    """The payoff at the low and high end of one assumption or input."""

    model_config = _FROZEN

    name: str = Field(description="The assumption or input.")
    low: float = Field(description="Its low end.")
    high: float = Field(description="Its high end.")
    payoff_low: float = Field(description="Expected payoff at the low end.")
    payoff_high: float = Field(description="Expected payoff at the high end.")
    swing: float = Field(description="Absolute difference of the two payoffs.")
    base: float = Field(description="Expected payoff as assessed.")


class DecisionAssumptions(BaseModel):
    """The payoff model's numbers (model units)."""

    model_config = _FROZEN

    gain_success: float = Field(description="Gain of a successful offensive.")
    cost_war: float = Field(description="Cost of renewed war.")
    cost_failure: float = Field(description="Further cost of a failed offensive.")
    cost_nato_war: float = Field(description="Cost of war with NATO states.")
    floor: float = Field(description="Chance of war with NATO states with no tripwire.")
    ceiling: float = Field(description="Chance of war with NATO states with a full tripwire.")
    entanglement_share: float = Field(description="Entanglement's share of the tripwire.")


class DecisionSummary(BaseModel):
    """The adversary's decision: expected payoff of renewed war, its parts, the tornado."""

    model_config = _FROZEN

    expected_payoff: float = Field(description="Expected payoff of renewed war (> 0: it pays).")
    pays: bool = Field(description="Renewed war pays on these assumptions.")
    p_success: float = Field(description="Chance the offensive succeeds.")
    p_nato_war: float = Field(description="Chance renewed war means war with NATO states.")
    tripwire: float = Field(description="Tripwire index, 0-1.")
    tornado: list[TornadoBar] = Field(description="Largest swing first.")
    assumptions: DecisionAssumptions

    @classmethod
    def of(cls, result: DecisionResult) -> tuple[DecisionSummary, Thresholds]:
        """The decision and its thresholds, as the document keeps them."""
        d = result.to_dict()
        thresholds = Thresholds.model_validate(d.pop("thresholds"))
        return cls.model_validate(d), thresholds
