"""A quick picture of a scenario for the dashboard: pledged against required, by class.

This is raw arithmetic (units pledged against units to keep deployed), before sustainment,
rotation and caveats; the sourcing run gives the real gaps.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from guarantor.data import load_capabilities
from guarantor.model import Scenario


def pledge_summary(scenario: Scenario) -> dict[str, Any]:
    """Pledged and required units per capability class, and pledges per nation and domain."""
    catalogue = load_capabilities()
    pledged: dict[str, int] = defaultdict(int)
    by_nation: dict[str, dict[str, Any]] = {}
    by_domain: dict[str, int] = defaultdict(int)
    for p in scenario.pledges:
        cap = catalogue.get(p.capability)
        cls = cap.capability_class if cap else p.capability
        pledged[cls] += p.quantity
        domain = cap.domain.value if cap else "unknown"
        by_domain[domain] += p.quantity
        entry = by_nation.setdefault(p.nation, {"nation": p.nation, "pledges": 0, "personnel": 0})
        entry["pledges"] += 1
        entry["personnel"] += p.quantity * (cap.personnel if cap else 0)
    required: dict[str, int] = defaultdict(int)
    mission: dict[str, str] = {}
    for r in scenario.requirements:
        required[r.capability_class] += r.quantity
        mission.setdefault(r.capability_class, r.mission_set.value)
    classes = sorted(set(required) | set(pledged))
    rows: list[dict[str, Any]] = [
        {
            "capability_class": c,
            "mission_set": mission.get(c),
            "required": required.get(c, 0),
            "pledged": pledged.get(c, 0),
            "shortfall": max(required.get(c, 0) - pledged.get(c, 0), 0),
        }
        for c in classes
    ]
    return {
        "scenario": scenario.name,
        "title": scenario.title,
        "as_of": scenario.as_of,
        "us_role": scenario.us_role.value,
        "pledges": len(scenario.pledges),
        "contributors": len(scenario.contributors),
        "classes": rows,
        "short_classes": sum(1 for c in classes if required.get(c, 0) > pledged.get(c, 0)),
        "nations": sorted(by_nation.values(), key=lambda e: -int(e["personnel"])),
        "by_domain": dict(sorted(by_domain.items())),
        "note": "Units pledged against units to keep deployed, before sustainment, rotation "
        "and caveats; run 'sourcing' for the real gaps.",
    }
