"""The credibility scorecard: six components, each with its rule, its inputs and its score.

Scores run from 0 to 100; the total is the weighted mean of the components, with weights from
``data/deterrence/weights.toml`` (or a user's file). The rules' targets are in
``data/deterrence/rules.toml``. Inputs are plain numbers so that ground and air results, and
sustainment figures, can be supplied by hand; :meth:`ScorecardInputs.from_scenario` derives
them from a scenario and a ground result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from guarantor.data import load_capabilities, load_nations
from guarantor.errors import InputError, Problem
from guarantor.model import AirDefenceLayer, Domain, PledgeStatus, Scenario
from guarantor.model.zones import UKRAINE_ZONES
from guarantor.params import DAYS_PER_MONTH, ParamSet, load_params

COMPONENTS = (
    "denial",
    "entanglement",
    "commitment",
    "us_backstop",
    "sustainability",
    "readiness",
)


def load_weights(path: Path | None = None) -> ParamSet:
    """Scorecard weights: the packaged ones, overlaid by a user's file."""
    params = load_params("deterrence", "weights.toml", path=path)
    where = params.where
    problems = []
    for name in COMPONENTS:
        w = params.num("weights", name)
        if w < 0:
            problems.append(Problem(where, f"weight must be >= 0, got {w}", path=f"weights.{name}"))
    unknown = set(params.sections.get("weights", {})) - set(COMPONENTS)
    if unknown:
        problems.append(Problem(where, f"unknown components: {', '.join(sorted(unknown))}"))
    if not problems and sum(params.num("weights", n) for n in COMPONENTS) <= 0:
        problems.append(Problem(where, "weights must not all be zero"))
    if problems:
        raise InputError(problems)
    return params


def load_rules() -> ParamSet:
    """The scorecard's rules (targets, scores of legal forms and US roles)."""
    return load_params("deterrence", "rules.toml")


@dataclass(frozen=True)
class Entanglement:
    """Which NATO states have forces where an attack would hit them."""

    states_present: tuple[str, ...]
    states_pledged: tuple[str, ...]  # pledged into Ukraine, not (yet) at a site there
    personnel: float
    nearest_km: float | None


def pledged_states(scenario: Scenario, members: Iterable[str], present: Iterable[str]) -> list[str]:
    """NATO states with usable pledges allowed into Ukraine that are not present there."""
    usable = {PledgeStatus.COMMITTED, PledgeStatus.READY, PledgeStatus.DEPLOYED}
    states, here = set(members), set(present)
    return sorted(
        {
            p.nation
            for p in scenario.pledges
            if p.nation in states
            and p.status in usable
            and UKRAINE_ZONES & set(p.caveats.zones)
            and p.nation not in here
        }
    )


@dataclass(frozen=True)
class ScorecardInputs:
    """The numbers the scorecard scores; any may be supplied by hand."""

    p_hold_ground: float
    entanglement: Entanglement
    commitment: str
    us_role: str
    rotation_depth: float
    air_denial: float | None = None
    interceptor_days: float | None = None
    days_to_reinforce: float | None = None
    derived: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        for name in ("p_hold_ground", "air_denial"):
            v = getattr(self, name)
            if v is not None and not 0 <= v <= 1:
                problems.append(Problem(name, f"must be a probability in [0, 1], got {v}"))
        for name in ("rotation_depth", "interceptor_days", "days_to_reinforce"):
            v = getattr(self, name)
            if v is not None and v < 0:
                problems.append(Problem(name, f"must be >= 0, got {v}"))
        if self.entanglement.personnel < 0:
            problems.append(Problem("entanglement.personnel", "must be >= 0"))
        if problems:
            raise InputError(problems)

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        p_hold_ground: float,
        rules: ParamSet,
        air_denial: float | None = None,
        interceptor_days: float | None = None,
        nato: Iterable[str] | None = None,
    ) -> ScorecardInputs:
        """Entanglement, commitment, US role, rotation depth and readiness from a scenario."""
        members = (
            frozenset(nato)
            if nato is not None
            else frozenset(c for c, n in load_nations().items() if n.nato and n.is_state)
        )
        derived: dict[str, str] = {}
        in_ukraine = [s for s in scenario.sites if s.zone in UKRAINE_ZONES]
        present = sorted({n for s in in_ukraine for n in s.nations if n in members})
        pledged = pledged_states(scenario, members, present)
        personnel = float(sum(s.personnel for s in in_ukraine))
        nearest = min((s.distance_to_line_km for s in in_ukraine), default=None)
        h = scenario.default_harmony
        depth = (h.tour_months + h.dwell_months) / h.tour_months
        derived["rotation_depth"] = "(tour + dwell) / tour of the scenario's default harmony"
        days: float | None = None
        if in_ukraine and personnel > 0:
            days = sum(s.reaction_hours / 24.0 * s.personnel for s in in_ukraine) / personnel
            derived["days_to_reinforce"] = "personnel-weighted reaction time of sites in Ukraine"
        else:
            caps = load_capabilities()
            land = [
                p.readiness_days
                for p in scenario.pledges
                if caps.get(p.capability) is not None
                and caps[p.capability].domain is Domain.LAND
                and UKRAINE_ZONES & set(p.caveats.zones)
            ]
            if land:
                days = float(min(land))
                derived["days_to_reinforce"] = "fastest land pledge allowed into Ukraine"
        if interceptor_days is None:
            interceptor_days = _interceptor_days(scenario, rules)
            derived["interceptor_days"] = (
                "crude default: long-range and medium SAM interceptors held over the tempo's "
                "daily missiles x shots per missile, net of supply; supply the air-defence "
                "campaign result instead"
            )
        return cls(
            p_hold_ground=p_hold_ground,
            entanglement=Entanglement(tuple(present), tuple(pledged), personnel, nearest),
            commitment=scenario.commitment.value,
            us_role=scenario.us_role.value,
            rotation_depth=depth,
            air_denial=air_denial,
            interceptor_days=interceptor_days,
            days_to_reinforce=days,
            derived=derived,
        )


def _interceptor_days(scenario: Scenario, rules: ParamSet) -> float:
    layers = {AirDefenceLayer.LONG_RANGE_SAM, AirDefenceLayer.MEDIUM_SAM}
    stock = sum(a.interceptors or 0 for a in scenario.ukraine.air_defence if a.layer in layers)
    supply = sum(s.per_month for s in scenario.ukraine.interceptor_supply if s.layer in layers)
    tempo = scenario.threat.tempo
    use = (
        tempo.raid_probability
        * tempo.mean_missiles
        * rules.num("sustainability", "shots_per_missile")
    )
    net = use - supply / DAYS_PER_MONTH
    target = rules.num("sustainability", "target_interceptor_days")
    if net <= 0:
        return target * rules.num("sustainability", "unlimited_interceptor_days_factor")
    return stock / net


@dataclass(frozen=True)
class Component:
    """One row of the scorecard."""

    name: str
    score: float
    weight: float
    inputs: dict[str, Any]
    rule: str


@dataclass(frozen=True)
class Scorecard:
    """The components and their weighted total."""

    score: float
    components: list[Component]

    def component(self, name: str) -> Component:
        """A component by name."""
        return next(c for c in self.components if c.name == name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {"score": self.score, "components": [asdict(c) for c in self.components]}


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))


def entanglement_score(e: Entanglement, rules: ParamSet) -> tuple[float, str]:
    """Score 0-100 from states, personnel and proximity; never falls as forces are added."""
    n = len(e.states_present) + rules.num("entanglement", "pledged_only_weight") * len(
        e.states_pledged
    )
    target_n = rules.num("entanglement", "target_states")
    target_p = rules.num("entanglement", "target_personnel")
    near, far = rules.num("entanglement", "near_km"), rules.num("entanglement", "far_km")
    ws = rules.num("entanglement", "states_share")
    wp = rules.num("entanglement", "personnel_share")
    wx = rules.num("entanglement", "proximity_share")
    prox = 0.0 if e.nearest_km is None else _clip((far - e.nearest_km) / (far - near))
    total = ws + wp + wx
    score = 100.0 * (ws * _clip(n / target_n) + wp * _clip(e.personnel / target_p) + wx * prox)
    rule = (
        f"100 x ({ws:g} min(1, states / {target_n:g}) + {wp:g} min(1, personnel / {target_p:g})"
        f" + {wx:g} proximity) / {total:g}; states = NATO states at sites in Ukraine + "
        f"{rules.num('entanglement', 'pledged_only_weight'):g} x those only pledged there; "
        f"proximity = ({far:g} - nearest km) / ({far:g} - {near:g}), clipped to 0..1"
    )
    return score / total, rule


def scorecard(inputs: ScorecardInputs, weights: ParamSet, rules: ParamSet) -> Scorecard:
    """Score every component and the weighted total."""
    comps: list[Component] = []

    def add(name: str, score: float, ins: dict[str, Any], rule: str) -> None:
        comps.append(Component(name, round(score, 2), weights.num("weights", name), ins, rule))

    g = rules.num("denial", "ground_share")
    if inputs.air_denial is None:
        add(
            "denial",
            100.0 * inputs.p_hold_ground,
            {"p_hold_ground": inputs.p_hold_ground, "air_denial": None},
            "100 x chance that no axis breaks within the horizon (no air result supplied)",
        )
    else:
        add(
            "denial",
            100.0 * (g * inputs.p_hold_ground + (1 - g) * inputs.air_denial),
            {"p_hold_ground": inputs.p_hold_ground, "air_denial": inputs.air_denial},
            f"100 x ({g:g} x chance the ground holds + {1 - g:g} x share of the raid defeated)",
        )
    e = inputs.entanglement
    score, rule = entanglement_score(e, rules)
    add(
        "entanglement",
        score,
        {
            "states_present": list(e.states_present),
            "states_pledged": list(e.states_pledged),
            "personnel": e.personnel,
            "nearest_km": e.nearest_km,
        },
        rule,
    )
    try:
        commit = rules.num("commitment", inputs.commitment)
        us = rules.num("us_backstop", inputs.us_role)
    except InputError as exc:
        raise InputError([Problem("scorecard", f"no rule for {exc.problems[0].reason}")]) from None
    add(
        "commitment",
        commit,
        {"form": inputs.commitment},
        "score of the legal form (rules.toml [commitment])",
    )
    add(
        "us_backstop",
        us,
        {"us_role": inputs.us_role},
        "score of the US role (rules.toml [us_backstop])",
    )
    depth_t = rules.num("sustainability", "target_rotation_depth")
    days_t = rules.num("sustainability", "target_interceptor_days")
    depth_s = _clip(inputs.rotation_depth / depth_t)
    if inputs.interceptor_days is None:
        sus, sus_rule = 100.0 * depth_s, f"100 x min(1, rotation depth / {depth_t:g})"
    else:
        sus = 100.0 * (0.5 * depth_s + 0.5 * _clip(inputs.interceptor_days / days_t))
        sus_rule = (
            f"100 x (0.5 min(1, rotation depth / {depth_t:g}) + "
            f"0.5 min(1, interceptor days / {days_t:g}))"
        )
    add(
        "sustainability",
        sus,
        {"rotation_depth": inputs.rotation_depth, "interceptor_days": inputs.interceptor_days},
        sus_rule,
    )
    best, worst = rules.num("readiness", "best_days"), rules.num("readiness", "worst_days")
    d = inputs.days_to_reinforce
    add(
        "readiness",
        0.0 if d is None else 100.0 * _clip((worst - d) / (worst - best)),
        {"days_to_reinforce": d},
        f"100 x ({worst:g} - days) / ({worst:g} - {best:g}), clipped; 0 if nothing can reinforce",
    )
    total_w = sum(c.weight for c in comps)
    total = sum(c.weight * c.score for c in comps) / total_w
    return Scorecard(round(total, 2), comps)
