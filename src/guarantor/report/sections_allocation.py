"""What the next billion buys: the efficient frontier (budget against the chosen figure) and the
allocation at each budget, the marginal gain of each use, the method, and the reference figures
with their sources."""

from __future__ import annotations

from guarantor.allocation.allocate import AllocationResult
from guarantor.allocation.reference import load_context, load_uses
from guarantor.data import load_nations
from guarantor.report.blocks import Chart, Kpis, Note, Section, Table, fmt, layout, with_interval
from guarantor.report.html import render_html


def _bn(usd: float) -> str:
    return f"{usd / 1e9:,.2f}"


def _frontier_chart(r: AllocationResult) -> Chart:
    x = [p.budget / 1e9 for p in r.frontier]
    return Chart(
        "chart-allocation-frontier",
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "model (best verified)",
                "x": x,
                "y": [p.value for p in r.frontier],
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [p.value_interval.high - p.value for p in r.frontier],
                    "arrayminus": [p.value - p.value_interval.low for p in r.frontier],
                },
            },
            {
                "type": "scatter",
                "mode": "lines",
                "line": {"dash": "dot"},
                "name": "surrogate",
                "x": x,
                "y": [p.value_surrogate for p in r.frontier],
            },
        ],
        layout(
            f"Efficient frontier: {r.objective_label}",
            xaxis={"title": {"text": "budget (USD bn)"}},
            yaxis={"title": {"text": r.objective_label}},
        ),
        caption="Best value found at each budget (90% intervals); dotted: the fitted surrogate.",
    )


def _mix_chart(r: AllocationResult) -> Chart:
    uses = [u.use for u in r.allocation]
    x = [p.budget / 1e9 for p in r.frontier]
    return Chart(
        "chart-allocation-mix",
        [
            {
                "type": "bar",
                "name": use,
                "x": x,
                "y": [p.allocation.get(use, 0.0) / 1e9 for p in r.frontier],
            }
            for use in uses
            if any(p.allocation.get(use, 0.0) for p in r.frontier)
        ],
        layout(
            "Allocation at each budget",
            barmode="stack",
            xaxis={"title": {"text": "budget (USD bn)"}},
            yaxis={"title": {"text": "spent (USD bn)"}},
        ),
    )


def _allocation_table(r: AllocationResult) -> Table:
    rows = []
    for u in r.allocation:
        iv = u.marginal_gain_per_bn_interval
        rows.append(
            [
                u.use,
                u.mode,
                f"{u.units} of {u.limit_units}",
                _bn(u.amount_usd),
                with_interval(f"{u.marginal_gain_per_bn:.3g}", f"{iv.low:.3g}", f"{iv.high:.3g}"),
            ]
        )
    return Table(
        ["use", "mode", "units (of the limit)", "USD bn", "gain of the next billion"],
        rows,
        caption=f"Allocation of USD {_bn(r.budget)}bn (highlighted: uses that get money)",
        highlight={i for i, u in enumerate(r.allocation) if u.units > 0},
    )


def _frontier_table(r: AllocationResult) -> Table:
    return Table(
        ["budget (USD bn)", "value (90% interval)", "surrogate", "allocation (USD bn)"],
        [
            [
                _bn(p.budget),
                with_interval(
                    f"{p.value:.3g}", f"{p.value_interval.low:.3g}", f"{p.value_interval.high:.3g}"
                ),
                f"{p.value_surrogate:.3g}",
                ", ".join(f"{k} {_bn(v)}" for k, v in p.allocation.items()) or "nothing",
            ]
            for p in r.frontier
        ],
        caption="The frontier, point by point",
    )


def _sources_table() -> Table:
    rows = []
    for u in load_uses():
        for figure, p in u.sources.items():
            flag = " (assumption)" if p.assumption else ""
            rows.append([u.id, figure, p.source, p.date, f"{p.confidence.value}{flag}"])
        e = u.effect.provenance
        if e is not None:
            flag = " (assumption)" if e.assumption else ""
            rows.append([u.id, "unit definition", e.source, e.date, f"{e.confidence.value}{flag}"])
    for c in load_context():
        p = c.provenance
        rows.append([c.id, c.text, p.source, p.date, p.confidence.value])
    return Table(
        ["use or figure", "figure", "source", "date", "confidence"],
        rows,
        caption="What a unit costs, when it arrives and how many can be absorbed: sources",
    )


def _kiel_context(r: AllocationResult) -> Table | None:
    """What the budget's donors, and the largest donors, gave so far (context, not an input)."""
    figures = {c: n.kiel_aid_eur_bn for c, n in load_nations().items() if n.kiel_aid_eur_bn}
    if not figures:
        return None
    names = {c: n.name for c, n in load_nations().items()}
    given = r.settings.get("budget_by_donor")
    donors = [c for c in (given if isinstance(given, dict) else {}) if c in figures]
    largest = sorted(figures, key=lambda c: -figures[c].value)[:5]
    rows = [
        [code, names[code], f"{figures[code].value:,.1f}"]
        for code in dict.fromkeys([*donors, *largest])
    ]
    source = next(iter(figures.values())).provenance.source
    return Table(
        ["code", "donor", "aid allocated (EUR bn)"],
        rows,
        caption=f"Context, not an input: aid to Ukraine allocated so far ({source})",
    )


def allocation_section(r: AllocationResult) -> Section:
    """The frontier, the allocation, the method and the sources."""
    gap = r.surrogate_gap
    s = r.settings
    return Section(
        "allocation",
        "What the next billion buys",
        [
            Kpis(
                [
                    (
                        r.objective_label,
                        fmt(r.value, 2),
                        f"90% interval {fmt(r.value_interval.low, 2)}-"
                        f"{fmt(r.value_interval.high, 2)}",
                    ),
                    ("without the money", fmt(r.base_value, 2)),
                    ("budget", f"USD {_bn(r.budget)}bn"),
                ]
            ),
            _frontier_chart(r),
            _mix_chart(r),
            _allocation_table(r),
            _frontier_table(r),
            Note(
                f"Method: {r.method} The surrogate put the optimiser's choice at "
                f"{r.surrogate_value:.3g}, the models at {r.model_value:.3g} (gap {gap:+.3g}). "
                f"{r.evaluations} pipeline runs; raid trials {s.get('raid_trials')}, ground "
                f"runs {s.get('ground_runs')}, campaign trials {s.get('campaign_trials')}; "
                f"horizon {s.get('horizon_months')} months; seed {s.get('seed')}.",
                "warning" if abs(gap) > abs(r.value - r.base_value) / 2 else "info",
            ),
            *[Note(n, "warning") for n in r.notes],
            _sources_table(),
            *([kiel] if (kiel := _kiel_context(r)) is not None else []),
        ],
    )


def render_allocation(r: AllocationResult) -> str:
    """A standalone HTML page with the allocation section."""
    return render_html(
        [allocation_section(r)],
        title="guarantor: what the next billion buys",
        subtitle=f"{r.settings.get('scenario', '')}: USD {_bn(r.budget)}bn, {r.objective_label}",
        footer="Unit costs, lead times and absorption limits: data/allocation/*.toml, each "
        "figure with its source; figures without one are flagged as assumptions.",
    )
