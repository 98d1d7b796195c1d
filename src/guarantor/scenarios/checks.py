"""Cross-reference checks on a scenario: names that must exist, ids that must be unique,
caveats that cannot be met. Each problem comes with its field path so users can find it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from guarantor.data import ReferenceData
from guarantor.model import Scenario
from guarantor.model.capabilities import DOMAIN_ZONES

Loc = tuple[str | int, ...]
Issue = tuple[Loc, str]


def _duplicates(section: str, keys: Iterable[str], field: str) -> list[Issue]:
    seen: Counter[str] = Counter()
    issues: list[Issue] = []
    for i, key in enumerate(keys):
        seen[key] += 1
        if seen[key] == 2:
            issues.append(((section, i, field), f"duplicate {field} {key!r}"))
    return issues


def check_references(scenario: Scenario, ref: ReferenceData) -> list[Issue]:
    """Every cross-reference problem in a scenario, in file order."""
    issues: list[Issue] = []
    codes = {c.code for c in scenario.contributors}
    issues += _duplicates("contributors", (c.code for c in scenario.contributors), "code")
    for i, c in enumerate(scenario.contributors):
        if c.code not in ref.nations:
            issues.append((("contributors", i, "code"), f"unknown contributor {c.code!r}"))
    issues += _duplicates("pledges", (p.id for p in scenario.pledges), "id")
    for i, p in enumerate(scenario.pledges):
        if p.nation not in codes:
            issues.append(
                (("pledges", i, "nation"), f"{p.nation!r} is not among the scenario's contributors")
            )
        cap = ref.capabilities.get(p.capability)
        if cap is None:
            issues.append((("pledges", i, "capability"), f"unknown capability {p.capability!r}"))
            continue
        possible = DOMAIN_ZONES[cap.domain]
        if not set(p.caveats.zones) & possible:
            zones = ", ".join(z.value for z in p.caveats.zones)
            issues.append(
                (
                    ("pledges", i, "caveats", "zones"),
                    f"impossible caveat: a {cap.domain.value} unit cannot operate in {zones}",
                )
            )
    classes = {c.capability_class for c in ref.capabilities.values()}
    issues += _duplicates("requirements", (r.id for r in scenario.requirements), "id")
    for i, r in enumerate(scenario.requirements):
        if r.capability_class not in classes:
            issues.append(
                (
                    ("requirements", i, "capability_class"),
                    f"unknown capability class {r.capability_class!r}",
                )
            )
    names = [r.name for r in scenario.threat.raids]
    issues += _duplicates("threat.raids", names, "name")
    issues += _duplicates("front.axes", (a.name for a in scenario.front.axes), "name")
    issues += _duplicates("sites", (s.name for s in scenario.sites), "name")
    for i, raid in enumerate(scenario.threat.raids):
        for model in raid.weapons:
            if model not in ref.weapons:
                issues.append(
                    (("threat", "raids", i, "weapons", model), f"unknown weapon {model!r}")
                )
    if scenario.threat.design_raid not in names:
        issues.append(
            (
                ("threat", "design_raid"),
                f"names no raid in threat.raids: {scenario.threat.design_raid!r}",
            )
        )
    for i, site in enumerate(scenario.sites):
        for code in site.nations:
            if code not in ref.nations:
                issues.append((("sites", i, "nations"), f"unknown contributor {code!r}"))
    return issues
