"""A transparent expected-payoff model of Moscow's choice to renew the war.

    payoff = p_s G - C_war - (1 - p_s) C_fail - p_n C_nato

``p_s`` is the chance the offensive succeeds (one minus the denial score), ``p_n`` the chance
that renewed war means war with NATO states:

    p_n = floor + (ceiling - floor) x tripwire
    tripwire = s E + (1 - s) / 2 x (commitment + US backstop)      (all on 0..1)

with E the entanglement score. Renewed war pays when the payoff is above zero (the ceasefire's
status quo). The payoff is linear in every quantity, so each break-even threshold has a closed
form. Values and their low/high bounds live in ``data/deterrence/assumptions.toml``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from guarantor.data import read_toml
from guarantor.deterrence.scorecard import Scorecard
from guarantor.errors import InputError, Problem
from guarantor.ground.params import ParamSet, merge_tables, parse_params, read_params_file


def load_assumptions(path: Path | None = None) -> ParamSet:
    """The decision model's assumptions, overlaid by a user's file."""
    raw = read_toml("deterrence", "assumptions.toml")
    where = "data/deterrence/assumptions.toml"
    if path is not None:
        raw = merge_tables(raw, read_params_file(path))
        where = str(path)
    return parse_params(raw, where)


@dataclass(frozen=True)
class DecisionInputs:
    """What the model takes from the other results, all on 0..1."""

    p_success: float
    entanglement: float
    commitment: float
    us_backstop: float

    def __post_init__(self) -> None:
        bad = [k for k, v in asdict(self).items() if not 0 <= v <= 1]
        if bad:
            raise InputError([Problem("decision inputs", f"must lie in [0, 1]: {', '.join(bad)}")])

    @classmethod
    def from_scorecard(cls, card: Scorecard) -> DecisionInputs:
        """Chance of success from the denial score; tripwire parts from their scores."""
        return cls(
            p_success=1.0 - card.component("denial").score / 100.0,
            entanglement=card.component("entanglement").score / 100.0,
            commitment=card.component("commitment").score / 100.0,
            us_backstop=card.component("us_backstop").score / 100.0,
        )


@dataclass(frozen=True)
class Assumptions:
    """The payoff model's numbers."""

    gain_success: float
    cost_war: float
    cost_failure: float
    cost_nato_war: float
    floor: float
    ceiling: float
    entanglement_share: float

    @classmethod
    def from_params(cls, params: ParamSet) -> Assumptions:
        """From the assumptions file."""
        a = cls(
            gain_success=params.num("payoffs", "gain_success"),
            cost_war=params.num("payoffs", "cost_war"),
            cost_failure=params.num("payoffs", "cost_failure"),
            cost_nato_war=params.num("payoffs", "cost_nato_war"),
            floor=params.num("nato_war", "floor"),
            ceiling=params.num("nato_war", "ceiling"),
            entanglement_share=params.num("nato_war", "entanglement_share"),
        )
        problems = []
        if not 0 <= a.floor < a.ceiling <= 1:
            problems.append(Problem(params.where, "needs 0 <= floor < ceiling <= 1 [nato_war]"))
        if not 0 < a.entanglement_share <= 1:
            problems.append(Problem(params.where, "entanglement_share must lie in (0, 1]"))
        if a.cost_nato_war <= 0 or a.gain_success + a.cost_failure <= 0:
            problems.append(
                Problem(params.where, "cost_nato_war and gain + failure cost must be > 0")
            )
        if problems:
            raise InputError(problems)
        return a


def tripwire(i: DecisionInputs, a: Assumptions) -> float:
    """Tripwire index on 0..1."""
    s = a.entanglement_share
    return s * i.entanglement + (1.0 - s) / 2.0 * (i.commitment + i.us_backstop)


def p_nato_war(i: DecisionInputs, a: Assumptions) -> float:
    """Chance that renewed war means war with NATO states."""
    return a.floor + (a.ceiling - a.floor) * tripwire(i, a)


def payoff(p_success: float, p_nato: float, a: Assumptions) -> float:
    """Expected payoff of renewed war against the status quo (0)."""
    return (
        p_success * a.gain_success
        - a.cost_war
        - (1.0 - p_success) * a.cost_failure
        - p_nato * a.cost_nato_war
    )


def _verdict(x: float, lo_word: str, hi_word: str) -> str:
    if x < 0:
        return lo_word
    if x > 1:
        return hi_word
    return "within range"


def _statement(pn_star: float, pn: float, ps_star: float, ps: float) -> str:
    if pn_star < 0:
        return (
            f"Renewed war does not pay on these assumptions even with no chance of war with "
            f"NATO states (chance of success {ps:.2f}; it would need {ps_star:.2f})."
        )
    if pn_star > 1:
        return "Renewed war pays on these assumptions even if war with NATO states is certain."
    return (
        f"Renewed war stops paying once the chance of war with NATO states exceeds "
        f"{pn_star:.2f} (now {pn:.2f}), or the chance of success falls below {ps_star:.2f} "
        f"(now {ps:.2f})."
    )


def thresholds(i: DecisionInputs, a: Assumptions) -> dict[str, Any]:
    """Break-even values, each the one that makes the payoff exactly zero, others held."""
    pn = p_nato_war(i, a)
    pn_star = (
        i.p_success * a.gain_success - a.cost_war - (1.0 - i.p_success) * a.cost_failure
    ) / a.cost_nato_war
    ps_star = (a.cost_war + a.cost_failure + pn * a.cost_nato_war) / (
        a.gain_success + a.cost_failure
    )
    s = a.entanglement_share
    rest = (1.0 - s) / 2.0 * (i.commitment + i.us_backstop)
    e_star = ((pn_star - a.floor) / (a.ceiling - a.floor) - rest) / s
    return {
        "p_nato_war": pn_star,
        "p_nato_war_note": _verdict(
            pn_star,
            "war does not pay even with no NATO risk",
            "war pays even if war with NATO is certain",
        ),
        "entanglement_score": 100.0 * e_star,
        "entanglement_note": _verdict(
            e_star,
            "war does not pay even with no entanglement",
            "no entanglement is enough on its own",
        ),
        "p_success": ps_star,
        "p_success_note": _verdict(
            ps_star,
            "war pays even if it surely fails",
            "war does not pay even if it surely succeeds",
        ),
        "denial_score": 100.0 * (1.0 - ps_star),
        "statement": _statement(pn_star, pn, ps_star, i.p_success),
    }


@dataclass(frozen=True)
class DecisionResult:
    """Payoff, its parts, the break-even thresholds and the tornado."""

    expected_payoff: float
    pays: bool
    p_success: float
    p_nato_war: float
    tripwire: float
    thresholds: dict[str, Any]
    tornado: list[dict[str, Any]]
    assumptions: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def tornado(i: DecisionInputs, a: Assumptions, params: ParamSet | None) -> list[dict[str, Any]]:
    """Payoff at the low and high end of each assumption and input, largest swing first."""
    base = payoff(i.p_success, p_nato_war(i, a), a)
    rows = []
    ranges: dict[str, tuple[float, float]] = {}
    if params is not None:
        for section in ("payoffs", "nato_war"):
            for name, p in params.sections.get(section, {}).items():
                if p.low is not None and p.high is not None:
                    ranges[name] = (p.low, p.high)
    for name in ("p_success", "entanglement"):
        v = getattr(i, name)
        ranges[name] = (max(0.0, v - 0.2), min(1.0, v + 0.2))
    for name, (lo, hi) in ranges.items():
        vals = []
        for v in (lo, hi):
            if name in asdict(i):
                ii, aa = replace(i, **{name: v}), a
            else:
                ii, aa = i, replace(a, **{name: v})
            vals.append(payoff(ii.p_success, p_nato_war(ii, aa), aa))
        rows.append(
            {
                "name": name,
                "low": lo,
                "high": hi,
                "payoff_low": vals[0],
                "payoff_high": vals[1],
                "swing": abs(vals[1] - vals[0]),
                "base": base,
            }
        )
    return sorted(rows, key=lambda r: -r["swing"])


def decision(
    inputs: DecisionInputs, assumptions: Assumptions, params: ParamSet | None = None
) -> DecisionResult:
    """Expected payoff of renewed war, thresholds and tornado."""
    pn = p_nato_war(inputs, assumptions)
    value = payoff(inputs.p_success, pn, assumptions)
    return DecisionResult(
        expected_payoff=value,
        pays=value > 0,
        p_success=inputs.p_success,
        p_nato_war=pn,
        tripwire=tripwire(inputs, assumptions),
        thresholds=thresholds(inputs, assumptions),
        tornado=tornado(inputs, assumptions, params),
        assumptions=asdict(assumptions),
    )
