"""``guarantor sweep report``: sensitivity.json and a self-contained sweep.html.

The report reads the sweep folder only (manifest and part files) and renders through the
assessment report's page (inlined plotly.js, no network): a tornado of rank correlations,
Sobol bars (Sobol designs), response surfaces (binned means over the two most influential
parameters) and the tables behind them.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from guarantor.report.blocks import Chart, Kpis, Note, Section, Table, fmt
from guarantor.report.html import render_html
from guarantor.sweep.design import Design
from guarantor.sweep.sensitivity import analyse, numeric_matrix
from guarantor.sweep.store import read_manifest, read_rows

SENSITIVITY_SCHEMA = "guarantor-sweep-sensitivity/1"
#: Outputs drawn in the report (all are in sensitivity.json).
MAX_CHARTED = 6
BINS = 8


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sensitivity(out: Path) -> dict[str, Any]:
    """The sensitivity analysis of a sweep folder (the sensitivity.json contract)."""
    manifest = read_manifest(out)
    if manifest is None:
        from guarantor.errors import InputError, Problem

        raise InputError([Problem(where=str(out), reason="not a sweep folder (no manifest.json)")])
    design = Design.from_dict(manifest["design"])
    cols: dict[str, str] = manifest["columns"]
    params = [p.path for p in design.params]
    table = read_rows(out)
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    errors = [e for e in columns["error"] if e]
    outputs = [
        c
        for c, kind in cols.items()
        if kind in ("int", "float") and c not in params and c not in ("point", "seed")
    ]
    outputs = [o for o in outputs if len({v for v in columns[o] if v is not None}) > 1]
    complete = table.num_rows == design.size and not errors
    notes = []
    sobol = None
    if design.kind == "sobol":
        if complete:
            sobol = {"problem": design.problem(), "second_order": design.second_order}
        else:
            notes.append(
                "Sobol indices need every point of the design: "
                f"{table.num_rows - len(errors)} of {design.size} done without error."
            )
    if any(p.kind == "str" for p in design.params):
        notes.append("Text parameters enter the correlations by the order of their values.")
    return {
        "schema": SENSITIVITY_SCHEMA,
        "scenario": manifest["scenario"],
        "model": manifest["model"],
        "design": design.to_dict(),
        "points": design.size,
        "points_done": table.num_rows,
        "failed": len(errors),
        "parameters": params,
        "outputs": analyse(columns, params, outputs, sobol),
        "notes": notes,
        "_columns": columns,
    }


def _tornado(name: str, entry: dict[str, Any]) -> Chart:
    rho = {p: v for p, v in entry["rank_correlation"].items() if v is not None}
    order = sorted(rho, key=lambda p: abs(rho[p]))
    return Chart(
        f"tornado-{_slug(name)}",
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": "Spearman rho",
                "y": order,
                "x": [rho[p] for p in order],
                "marker": {"color": ["#b2182b" if rho[p] < 0 else "#2166ac" for p in order]},
            }
        ],
        {
            "title": {"text": f"Tornado: {name}"},
            "xaxis": {"title": {"text": "rank correlation with the output"}, "range": [-1, 1]},
            "margin": {"l": 240, "r": 20, "t": 50, "b": 50},
            "height": 120 + 40 * len(order),
        },
        caption=f"Spearman's rho of each parameter with {name}, largest at the top.",
    )


def _sobol_bars(name: str, s: dict[str, Any]) -> Chart:
    params = list(s["S1"])

    def trace(key: str) -> dict[str, Any]:
        return {
            "type": "bar",
            "name": key,
            "x": params,
            "y": [s[key][p] for p in params],
            "error_y": {"type": "data", "array": [s[f"{key}_conf"][p] for p in params]},
        }

    return Chart(
        f"sobol-{_slug(name)}",
        [trace("S1"), trace("ST")],
        {
            "title": {"text": f"Sobol indices: {name}"},
            "barmode": "group",
            "yaxis": {"title": {"text": "share of variance"}},
            "margin": {"l": 60, "r": 20, "t": 50, "b": 120},
        },
        caption="First-order (S1) and total (ST) indices with 95% bootstrap intervals.",
    )


def _surface(name: str, params: list[str], columns: dict[str, list[Any]]) -> Chart:
    """Binned mean of the output over two parameters (a heatmap), or over one (a line)."""
    x = numeric_matrix(columns, params)
    y = np.asarray([math.nan if v is None else float(v) for v in columns[name]])
    if len(params) == 1:
        xs = x[:, 0]
        order = np.argsort(xs)
        return Chart(
            f"surface-{_slug(name)}",
            [
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": xs[order].tolist(),
                    "y": y[order].tolist(),
                }
            ],
            {
                "title": {"text": f"Response: {name}"},
                "xaxis": {"title": {"text": params[0]}},
                "yaxis": {"title": {"text": name}},
            },
            caption=f"{name} at every point against {params[0]}.",
        )
    grids = []
    for j in range(2):
        vals = np.unique(x[:, j][np.isfinite(x[:, j])])
        grids.append(vals if len(vals) <= BINS else np.linspace(vals[0], vals[-1], BINS + 1))
    z = np.full((len(grids[1]), len(grids[0])), np.nan)
    centres = []
    for j in range(2):
        g = grids[j]
        exact = len(np.unique(x[:, j])) <= BINS
        centres.append(g if exact else (g[:-1] + g[1:]) / 2)
    idx = []
    for j in range(2):
        g = grids[j]
        if len(np.unique(x[:, j])) <= BINS:
            idx.append(np.searchsorted(g, x[:, j]))
        else:
            idx.append(np.clip(np.searchsorted(g, x[:, j], side="right") - 1, 0, len(g) - 2))
    z = np.full((len(centres[1]), len(centres[0])), np.nan)
    for a in range(len(centres[0])):
        for b in range(len(centres[1])):
            sel = (idx[0] == a) & (idx[1] == b) & np.isfinite(y)
            if sel.any():
                z[b, a] = float(y[sel].mean())
    return Chart(
        f"surface-{_slug(name)}",
        [
            {
                "type": "heatmap",
                "x": centres[0].tolist(),
                "y": centres[1].tolist(),
                "z": [[None if not math.isfinite(v) else v for v in row] for row in z.tolist()],
                "colorbar": {"title": {"text": name}},
            }
        ],
        {
            "title": {"text": f"Response surface: {name}"},
            "xaxis": {"title": {"text": params[0]}},
            "yaxis": {"title": {"text": params[1]}},
            "margin": {"l": 80, "r": 20, "t": 50, "b": 60},
        },
        caption=f"Mean {name} over the points in each cell of {params[0]} x {params[1]}.",
    )


def sections(s: dict[str, Any]) -> list[Section]:
    """The report's sections from the sensitivity analysis."""
    d = s["design"]
    columns = s["_columns"]
    kpis = Kpis(
        [
            ("scenario", s["scenario"]),
            ("model", s["model"]["name"]),
            ("design", f"{d['kind']} ({fmt(d['points'])} points, seed {d['seed']})"),
            ("points done / failed", f"{fmt(s['points_done'])} / {fmt(s['failed'])}"),
        ]
    )
    ptable = Table(
        ["parameter", "kind", "values or bounds"],
        [
            [
                p["path"],
                p["kind"],
                ", ".join(map(str, p["values"]))
                if p["bounds"] is None
                else f"{p['bounds'][0]:g} to {p['bounds'][1]:g}",
            ]
            for p in d["params"]
        ],
        caption="Swept parameters",
    )
    summary: list[Any] = [kpis, ptable, *[Note(n, "warning") for n in s["notes"]]]
    out = [Section("summary", "Sweep", summary)]
    charted = list(s["outputs"])[:MAX_CHARTED]
    tornado: list[Any] = [_tornado(o, s["outputs"][o]) for o in charted]
    params = s["parameters"]
    tornado.append(
        Table(
            ["output", "R^2 of the linear fit", *params],
            [
                [o, fmt(e["src_r2"], 2)]
                + [f"{fmt(e['rank_correlation'][p], 2)} / {fmt(e['src'][p], 2)}" for p in params]
                for o, e in s["outputs"].items()
            ],
            caption="Spearman rho / standardised regression coefficient, per output",
        )
    )
    if not s["outputs"]:
        tornado = [Note("No output varies over the points done.", "warning")]
    out.append(Section("tornado", "Tornado: what moves each output", tornado))
    sobol: list[Any] = [
        _sobol_bars(o, s["outputs"][o]["sobol"])
        for o in charted
        if s["outputs"][o].get("sobol") is not None
    ]
    if sobol:
        out.append(Section("sobol", "Sobol indices", sobol))
    surfaces: list[Any] = []
    for o in charted:
        rho = s["outputs"][o]["rank_correlation"]
        top = sorted(params, key=lambda p: -abs(rho[p] or 0.0))[:2]
        surfaces.append(_surface(o, top, columns))
    if surfaces:
        out.append(Section("surfaces", "Response surfaces", surfaces))
    return out


def write_report(out: Path) -> dict[str, Any]:
    """Write DIR/sensitivity.json and DIR/sweep.html; return the sensitivity data."""
    s = sensitivity(out)
    public = {k: v for k, v in s.items() if not k.startswith("_")}
    tmp = out / "sensitivity.json.tmp"
    tmp.write_text(json.dumps(public, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    tmp.replace(out / "sensitivity.json")
    html = render_html(
        sections(s),
        title=f"guarantor sweep: {s['scenario']}",
        subtitle=(
            f"{s['design']['kind']} design, {s['points']} points, model {s['model']['name']}, "
            f"seed {s['design']['seed']}"
        ),
        footer="Each point reruns alone with `guarantor sweep point DIR INDEX`.",
    )
    (out / "sweep.html").write_text(html, encoding="utf-8")
    return public
