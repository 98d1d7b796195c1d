"""How the headline figures read: a label and a number format for each, intervals and changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guarantor.assessment.intervals import Difference, Interval
from guarantor.report.blocks import fmt, span, with_interval

Format = Callable[[float], str]


def _prob(v: float) -> str:
    return f"{v:.2f}"


def _one(v: float) -> str:
    return f"{v:,.1f}"


def _count(v: float) -> str:
    return f"{v:,.0f}"


def _pct(v: float) -> str:
    return f"{v:.1f}%"


def _usd(v: float) -> str:
    return f"USD {fmt(float(v))}"


#: Label and format of each headline figure, in the order the document gives them.
FIGURES: dict[str, tuple[str, Format]] = {
    "strength_score": ("strength of the guarantee (0-100)", _one),
    "coverage_pct": ("requirements covered, priority-weighted", _pct),
    "deployed_personnel": ("personnel deployed", _count),
    "rotation_pool_personnel": ("rotation pool (personnel)", _count),
    "annual_cost_usd": ("annual cost of the force", _usd),
    "design_raid_leakers_mean": ("design raid: leakers (mean), with the coalition", _one),
    "design_raid_leakers_mean_ukraine_alone": ("design raid: leakers (mean), Ukraine alone", _one),
    "p_front_holds": ("chance the front holds, with the force", _prob),
    "p_front_holds_ukraine_alone": ("chance the front holds, Ukraine alone", _prob),
    "p_nato_war": ("adversary's chance of war with NATO states", _prob),
    "expected_payoff": ("adversary's expected payoff of renewed war", _one),
}


def label(key: str) -> str:
    """The reader's name of a figure."""
    return FIGURES[key][0] if key in FIGURES else key.replace("_", " ")


def number(key: str, value: float | None) -> str:
    """A figure's value, formatted for its kind."""
    if value is None:
        return "–"
    return FIGURES[key][1](value) if key in FIGURES else fmt(float(value))


def figure(key: str, value: float | None, interval: Interval | None) -> str:
    """``0.69 (90% interval 0.67-0.71)``, ``(exact)`` for a figure without sampling error."""
    if value is None:
        return "–"
    if interval is None:
        return number(key, value)
    return with_interval(number(key, value), number(key, interval.low), number(key, interval.high))


def bounds(key: str, interval: Interval | None) -> str:
    """Just the interval: ``0.67-0.71``, or ``exact``."""
    if interval is None:
        return "–"
    low, high = number(key, interval.low), number(key, interval.high)
    return "exact" if low == high else span(low, high)


def signed(key: str, value: float) -> str:
    """A change, with its sign: ``+0.61``, ``-7,050``, ``±0``."""
    text = number(key, abs(value))
    if value == 0:
        return f"±{text}"
    return ("+" if value > 0 else "-") + text


def change(key: str, d: Difference) -> str:
    """A change from the base with its 90% interval."""
    if d.change is None:
        return "–"
    text = signed(key, d.change)
    if d.interval is None:
        return text
    low, high = signed(key, d.interval.low), signed(key, d.interval.high)
    if low == high:
        return f"{text} (exact)"
    return f"{text} (90% interval {low} to {high})"


def setting(value: Any) -> str:
    """A what-if's setting in words: lists joined, mappings as ``key: value``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set):
        return ", ".join(setting(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {setting(v)}" for k, v in value.items()) or "none"
    return fmt(value)
