"""The building blocks a report section is made of: tables, charts, notes, raw SVG."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """A table: column headers and rows of cells; ``highlight`` marks rows to stand out."""

    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""
    highlight: set[int] = field(default_factory=set)


@dataclass
class Chart:
    """A Plotly figure as plain data and layout (rendered with the inlined plotly.js)."""

    id: str
    data: list[dict[str, Any]]
    layout: dict[str, Any]
    caption: str = ""


@dataclass
class Svg:
    """A ready SVG drawing (maps)."""

    svg: str
    caption: str = ""


@dataclass
class Note:
    """A paragraph; ``kind`` is info, warning or good."""

    text: str
    kind: str = "info"


@dataclass
class Kpis:
    """Key figures at a glance: (label, value) or (label, value, detail) tuples; the detail
    (a 90% interval, say) is shown small under the value."""

    items: list[tuple[str, ...]]


Block = Table | Chart | Svg | Note | Kpis


@dataclass
class Section:
    """One section of the report, with an anchor id for the table of contents."""

    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)


def fmt(value: Any, digits: int = 1) -> str:
    """Numbers for people: thousands separators, sensible decimals, blanks for None."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 1e9:
            return f"{value / 1e9:,.{digits}f}bn"
        if abs(value) >= 1e6:
            return f"{value / 1e6:,.{digits}f}M"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:,.{digits + 1}f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)


def layout(title: str, **extra: Any) -> dict[str, Any]:
    """A chart layout; axes grow their margins to fit their labels."""
    out: dict[str, Any] = {
        "title": {"text": title},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def span(low: str, high: str) -> str:
    """A range of two formatted bounds: ``0.67-0.71``, or ``-3.5 to -2.5`` around signs."""
    if low == high:
        return low
    if low.startswith(("-", "+")) or high.startswith(("-", "+")):
        return f"{low} to {high}"
    return f"{low}-{high}"


def with_interval(value: str, low: str, high: str) -> str:
    """A figure and its 90% interval: ``0.69 (90% interval 0.67-0.71)``; ``(exact)`` when the
    figure has no sampling error."""
    if low == high:
        return f"{value} (exact)"
    return f"{value} (90% interval {span(low, high)})"
