"""The assessment is one typed document: it round-trips through its JSON, its schema leaves no
section untyped, and each typed summary holds exactly what its model writes (same keys, same
order, same number types), so typing changed no byte of assessment.json."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.airdefence.campaign import scenario_tempo
from guarantor.assessment import Assessment
from guarantor.assessment.air_results import CampaignSummary, RaidSummary, TempoSummary
from guarantor.assessment.compare import Comparison
from guarantor.assessment.credibility_results import DecisionSummary, ScorecardComponent
from guarantor.assessment.document import AssessmentDocument, assessment_schema
from guarantor.deterrence import (
    Assumptions,
    DecisionInputs,
    Entanglement,
    ScorecardInputs,
    scorecard,
)
from guarantor.deterrence import decision as run_decision
from guarantor.deterrence.decision import load_assumptions
from guarantor.deterrence.scorecard import load_rules, load_weights
from guarantor.kinds import get_kind
from guarantor.scenarios import load_scenario

#: Objects still keyed freely, and why: they echo what the user asked for (options, what-ifs)
#: or belong to sections outside the typed results (the force flow's and sourcing's options).
ECHOES = {
    "Meta.options",
    "WhatIfSection.applied",
    "WhatIfSection.from_scenario",
    "OptionSummary.whatif",
    "DeploymentResult.model",
    "SourcingResult.options",
}


def _free(node: Any) -> bool:
    """Whether a schema, not following references, allows free keys or any value."""
    if isinstance(node, list):
        return any(_free(item) for item in node)
    if not isinstance(node, dict):
        return False
    if node == {} or (
        node.get("type") == "object"
        and "properties" not in node
        and node.get("additionalProperties", True) is True
    ):
        return True
    return any(_free(v) for k, v in node.items() if k not in ("default", "examples"))


def _untyped(schema: dict[str, Any], top: str) -> set[str]:
    """``Model.field`` of every field, in the schema and its definitions, that is free."""
    models = {top: schema, **schema.get("$defs", {})}
    return {
        f"{name}.{field}"
        for name, model in models.items()
        for field, sub in model.get("properties", {}).items()
        if _free(sub)
    }


def test_document_round_trips_through_its_json(small_assessment: Assessment) -> None:
    doc = small_assessment.document
    text = doc.to_json()
    again = AssessmentDocument.model_validate(json.loads(text))
    if doc.deployment is not None:  # the force flow's wall clock is kept out of the JSON
        assert again.deployment is not None
        timed = doc.deployment.model_copy(update={"solve_seconds": 0.0})
        doc = doc.model_copy(update={"deployment": timed})
    assert again == doc
    assert again.to_json() == text
    # the sections read by attribute are the typed results, not dicts
    assert again.air.raid.weapons[0].model == doc.air.raid.weapons[0].model
    assert again.ground.axes[0].force_to_space.status == doc.ground.axes[0].force_to_space.status
    assert again.credibility.decision.tornado == doc.credibility.decision.tornado


def test_schema_leaves_only_the_echoes_untyped() -> None:
    untyped = _untyped(assessment_schema(), "AssessmentDocument") | _untyped(
        Comparison.model_json_schema(by_alias=True, mode="serialization"), "Comparison"
    )
    assert untyped <= ECHOES, sorted(untyped - ECHOES)
    # and the walk does find a free object where there is one
    assert "Meta.options" in untyped


def test_schema_types_the_model_sections() -> None:
    defs = assessment_schema()["$defs"]
    for section, field, target in (
        ("AirSection", "raid", "RaidSummary"),
        ("AirSection", "campaign", "CampaignSummary"),
        ("AirSection", "tempo", "TempoSummary"),
        ("GroundSection", "hubs", "HubSummary"),
        ("GroundSection", "axes", "AxisSummary"),
        ("CredibilitySection", "components", "ScorecardComponent"),
        ("CredibilitySection", "thresholds", "Thresholds"),
        ("CredibilitySection", "decision", "DecisionSummary"),
        ("ScenarioSummary", "sites", "Site"),
    ):
        assert f"#/$defs/{target}" in json.dumps(defs[section]["properties"][field]), (
            section,
            field,
        )


def _same_json(summary: Any, written: Any) -> None:
    """The summary serialises to the bytes the model's own record does."""
    assert json.dumps(summary.model_dump(mode="json")) == json.dumps(written)


def test_raid_campaign_and_tempo_summaries_are_the_models_records() -> None:
    scenario = load_scenario("mnf-u-2026-01")
    raid = get_kind("raid")(scenario, {"trials": 300, "seed": 5}).result
    _same_json(RaidSummary.of(raid), raid.to_dict())
    campaign = get_kind("campaign")(scenario, {"trials": 20, "days": 15, "seed": 5})
    _same_json(CampaignSummary.of(campaign), campaign.to_dict())
    tempo = scenario_tempo(scenario.threat.tempo)
    _same_json(TempoSummary.of(tempo), tempo.to_dict())


unit = st.floats(0.0, 1.0)
maybe_days = st.none() | st.floats(0.0, 200.0)


@settings(max_examples=60, deadline=None)
@given(
    p_hold=unit,
    air=st.none() | unit,
    states=st.lists(st.sampled_from(["FRA", "GBR", "DEU", "POL", "NOR"]), unique=True),
    personnel=st.floats(0.0, 60_000.0),
    nearest=st.none() | st.floats(0.0, 1500.0),
    depth=st.floats(0.0, 10.0),
    interceptor_days=maybe_days,
    reinforce=maybe_days,
    commitment=st.sampled_from(["political-declaration", "legally-binding"]),
    us_role=st.sampled_from(["none", "intelligence", "air-and-intelligence"]),
)
def test_scorecard_and_decision_records_keep_every_key_and_type(
    p_hold: float,
    air: float | None,
    states: list[str],
    personnel: float,
    nearest: float | None,
    depth: float,
    interceptor_days: float | None,
    reinforce: float | None,
    commitment: str,
    us_role: str,
) -> None:
    inputs = ScorecardInputs(
        p_hold_ground=p_hold,
        entanglement=Entanglement(tuple(states), (), personnel, nearest),
        commitment=commitment,
        us_role=us_role,
        rotation_depth=depth,
        air_denial=air,
        interceptor_days=interceptor_days,
        days_to_reinforce=reinforce,
    )
    card = scorecard(inputs, load_weights(), load_rules())
    for component in card.components:
        typed = ScorecardComponent.of(component)
        _same_json(typed, asdict(component))
        # each component's inputs land in the shape named after it
        assert type(typed.inputs).__name__.lower().startswith(component.name.replace("_", ""))
    params = load_assumptions()
    result = run_decision(
        DecisionInputs.from_scorecard(card), Assumptions.from_params(params), params
    )
    summary, thresholds = DecisionSummary.of(result)
    written = result.to_dict()
    _same_json(thresholds, written.pop("thresholds"))
    _same_json(summary, written)
    assert [k for k, _, _ in thresholds.crossings()] == [
        k for k in result.thresholds if k != "statement" and not k.endswith("_note")
    ]
