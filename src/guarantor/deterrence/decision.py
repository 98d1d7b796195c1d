"""A transparent expected-payoff model of Moscow's choice to renew the war.

    payoff = p_s G - C_war - (1 - p_s) C_fail - p_n C_nato

``p_s`` is the chance the offensive succeeds (one minus the denial score), ``p_n`` the chance
that renewed war means war with NATO states:

    p_n = floor + (ceiling - floor) x tripwire
    tripwire = s E + (1 - s) / 2 x (commitment + US backstop)      (all on 0..1)

with E the entanglement score. Renewed war pays when the payoff is above zero (the ceasefire's
status quo). The payoff is linear in every quantity, so each break-even threshold has a closed
form; it is reported only where it lies in the quantity's domain (probabilities 0..1, scores
0..100), otherwise "none in range" with the reason. Values and their low/high bounds live in
``data/deterrence/assumptions.toml``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from guarantor.deterrence.scorecard import Scorecard
from guarantor.errors import InputError, Problem
from guarantor.params import ParamSet, load_params


def load_assumptions(path: Path | None = None) -> ParamSet:
    """The decision model's assumptions, overlaid by a user's file."""
    return load_params("deterrence", "assumptions.toml", path=path)


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


@dataclass(frozen=True)
class _Param:
    """One quantity the payoff is linear in, with its domain and the words for its ends."""

    key: str
    label: str
    now: float
    lo: float
    hi: float
    digits: int
    at_lo: str
    at_hi: str
    payoff_at: Callable[[float], float]


def _crossing(p: _Param) -> float | None:
    """Where renewed war turns from paying to not paying inside [lo, hi], if it does."""
    f_lo, f_hi = p.payoff_at(p.lo), p.payoff_at(p.hi)
    if (f_lo > 0) == (f_hi > 0):
        return None
    return p.lo + (p.hi - p.lo) * f_lo / (f_lo - f_hi)


def _num(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def _move(p: _Param, pays: bool) -> str:
    """'rose above' or 'fell below': the way the parameter must move to flip the verdict."""
    rising = p.payoff_at(p.hi) > p.payoff_at(p.lo)  # the payoff rises with the parameter
    return "fell below" if rising == pays else "rose above"


def _note(p: _Param, x: float | None, pays: bool) -> str:
    """What the threshold means, in the sense of the current verdict, or why there is none."""
    if x is not None:
        verb = "would stop paying if" if pays else "would pay only if"
        return (
            f"war {verb} {p.label} {_move(p, pays)} {_num(x, p.digits)} "
            f"(now {_num(p.now, p.digits)})"
        )
    f_lo, f_hi = p.payoff_at(p.lo), p.payoff_at(p.hi)
    rng = f"{p.lo:g}-{p.hi:g}"
    if f_lo > 0:  # pays at both ends
        worst, end = (f_lo, p.at_lo) if f_lo <= f_hi else (f_hi, p.at_hi)
        return f"none in range {rng}: war pays even {end} (payoff {worst:+.1f})"
    best, end = (f_lo, p.at_lo) if f_lo >= f_hi else (f_hi, p.at_hi)
    return f"none in range {rng}: war does not pay even {end} (payoff {best:+.1f})"


def _statement(value: float, params: list[_Param], found: dict[str, float | None]) -> str:
    pays = value > 0
    head = (
        f"Renewed war {'pays' if pays else 'does not pay'} on these assumptions "
        f"(expected payoff {value:+.1f})."
    )
    moves = [
        f"{p.label} {_move(p, pays)} {_num(x, p.digits)} (now {_num(p.now, p.digits)})"
        for p in params
        if (x := found[p.key]) is not None
    ]
    stuck = [p.label for p in params if found[p.key] is None]
    if moves:
        head += f" It would {'stop paying' if pays else 'pay only'} if {' or '.join(moves)}."
    if stuck:
        head += (
            f" No value of {' or of '.join(stuck)} between 0 and 1 would "
            f"{'stop it' if pays else 'make it pay'}, the rest held."
        )
    return head


def _params(i: DecisionInputs, a: Assumptions) -> list[_Param]:
    pn = p_nato_war(i, a)
    return [
        _Param(
            key="p_nato_war",
            label="the chance of war with NATO states",
            now=pn,
            lo=0.0,
            hi=1.0,
            digits=2,
            at_lo="with no chance of war with NATO states",
            at_hi="if war with NATO states is certain",
            payoff_at=lambda x: payoff(i.p_success, x, a),
        ),
        _Param(
            key="entanglement_score",
            label="the entanglement score",
            now=100.0 * i.entanglement,
            lo=0.0,
            hi=100.0,
            digits=1,
            at_lo="with no entanglement",
            at_hi="with full entanglement",
            payoff_at=lambda x: payoff(
                i.p_success, p_nato_war(replace(i, entanglement=x / 100.0), a), a
            ),
        ),
        _Param(
            key="p_success",
            label="the chance of success",
            now=i.p_success,
            lo=0.0,
            hi=1.0,
            digits=2,
            at_lo="if the offensive surely fails",
            at_hi="if it surely succeeds",
            payoff_at=lambda x: payoff(x, pn, a),
        ),
        _Param(
            key="denial_score",
            label="the denial score",
            now=100.0 * (1.0 - i.p_success),
            lo=0.0,
            hi=100.0,
            digits=1,
            at_lo="with no denial",
            at_hi="with full denial",
            payoff_at=lambda x: payoff(1.0 - x / 100.0, pn, a),
        ),
    ]


def thresholds(i: DecisionInputs, a: Assumptions) -> dict[str, Any]:
    """Break-even values inside each parameter's domain, others held; None if none there.

    Each ``<key>`` is the value at which the expected payoff crosses zero within the domain
    (probabilities 0..1, scores 0..100), and ``<key>_note`` says what it means given today's
    verdict, or, for None, why there is none. ``statement`` matches the current payoff's sign.
    """
    params = _params(i, a)
    value = payoff(i.p_success, p_nato_war(i, a), a)
    pays = value > 0
    found = {p.key: _crossing(p) for p in params}
    out: dict[str, Any] = {}
    for p in params:
        out[p.key] = found[p.key]
        out[f"{p.key}_note"] = _note(p, found[p.key], pays)
    x = found["p_nato_war"]
    if x is not None and not a.floor <= x <= a.ceiling:
        out["p_nato_war_note"] += (
            f"; the tripwire reaches only {a.floor:.2f}-{a.ceiling:.2f} on these assumptions"
        )
    out["statement"] = _statement(value, [params[0], params[2]], found)
    return out


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
    """Payoff at the low and high end of each assumption and input, largest swing first.

    The ranges come from the assumption file (``params``: each assumption's low and high, the
    inputs' swing); without it there is no tornado."""
    base = payoff(i.p_success, p_nato_war(i, a), a)
    rows = []
    ranges: dict[str, tuple[float, float]] = {}
    if params is not None:
        for section in ("payoffs", "nato_war"):
            for name, p in params.sections.get(section, {}).items():
                if p.low is not None and p.high is not None:
                    ranges[name] = (p.low, p.high)
        swing = params.num("tornado", "input_swing")
        for name in ("p_success", "entanglement"):
            v = getattr(i, name)
            ranges[name] = (max(0.0, v - swing), min(1.0, v + swing))
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
