"""Options side by side: the figures that matter for each assessment, and which differ most."""

from __future__ import annotations

from typing import Any

#: (key, label, higher is better) of the figures compared, read from each assessment. Inputs
#: (personnel, pool, cost) have no "better" direction: more buys more, so no best is marked.
METRICS: tuple[tuple[str, str, bool | None], ...] = (
    ("strength_score", "strength of the guarantee (0-100)", True),
    ("coverage_pct", "requirements covered (%)", True),
    ("deployed_personnel", "personnel deployed", None),
    ("rotation_pool_personnel", "rotation pool (personnel)", None),
    ("annual_cost_usd", "annual cost (USD)", None),
    ("design_raid_leakers_mean", "design raid: leakers (mean)", False),
    ("p_front_holds", "chance the front holds", True),
    ("p_nato_war", "adversary's chance of war with NATO states", True),
    ("expected_payoff", "adversary's expected payoff of renewed war", False),
)


def figures(a: dict[str, Any]) -> dict[str, float | None]:
    """The compared figures of one assessment."""
    h = a["headline"]
    d = a["credibility"]["decision"]
    out: dict[str, float | None] = {"strength_score": h["strength_score"], **h["figures"]}
    out["p_nato_war"] = d["p_nato_war"]
    out["expected_payoff"] = d["expected_payoff"]
    return out


def compare_assessments(assessments: list[dict[str, Any]]) -> dict[str, Any]:
    """A comparison document: one row per figure, one column per option.

    A figure is highlighted when the options' spread exceeds 10% of the largest magnitude
    among them; ``best`` names the option with the best outcome (ties: the first; none for
    inputs such as cost).
    """
    names = [a["meta"]["scenario"] for a in assessments]
    per = [figures(a) for a in assessments]
    rows = []
    for key, label, higher in METRICS:
        values = [p.get(key) for p in per]
        nums = [v for v in values if isinstance(v, int | float)]
        spread = (max(nums) - min(nums)) if nums else 0.0
        scale = max((abs(v) for v in nums), default=0.0)
        best = None
        if nums and higher is not None:
            target = max(nums) if higher else min(nums)
            best = names[values.index(target)]
        rows.append(
            {
                "key": key,
                "label": label,
                "higher_is_better": higher,
                "values": dict(zip(names, values, strict=True)),
                "best": best,
                "highlight": bool(scale and spread > 0.1 * scale),
            }
        )
    return {
        "schema": "guarantor-comparison/1",
        "options": [
            {
                "scenario": a["meta"]["scenario"],
                "title": a["meta"]["title"],
                "variant_of": a["meta"]["variant_of"],
                "seed": a["meta"]["seed"],
                "inputs_sha256": a["meta"]["inputs_sha256"],
                "gaps": a["headline"]["gaps"],
            }
            for a in assessments
        ],
        "metrics": rows,
    }
