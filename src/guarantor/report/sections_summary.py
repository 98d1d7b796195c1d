"""The executive summary and, for a what-if, the what-if against its base case."""

from __future__ import annotations

from guarantor.assessment.document import AssessmentDocument, Headline
from guarantor.report.blocks import Block, Kpis, Note, Section, Table, fmt
from guarantor.report.figures import bounds, change, figure, label, number, setting


def _kpis(doc: AssessmentDocument) -> Kpis:
    h = doc.headline
    f, iv = h.figures, h.intervals
    air = doc.air
    leak, alone = "design_raid_leakers_mean", "design_raid_leakers_mean_ukraine_alone"
    hold, hold_alone = "p_front_holds", "p_front_holds_ukraine_alone"
    return Kpis(
        [
            (
                "strength of the guarantee (0-100)",
                f"{h.strength_score:.0f} ({h.strength})",
                f"90% interval {bounds('strength_score', iv.get('strength_score'))}",
            ),
            ("requirements covered (priority-weighted)", f"{f.coverage_pct:.0f}%"),
            (
                "personnel deployed / rotation pool",
                f"{fmt(f.deployed_personnel)} / {fmt(f.rotation_pool_personnel)}",
            ),
            ("annual cost of the force", f"USD {fmt(float(f.annual_cost_usd))}"),
            (
                f"design raid ({air.design_raid}, {air.design_raid_size}) leakers: "
                "with coalition / Ukraine alone",
                f"{air.leakers_mean:.0f} / {air.leakers_mean_ukraine_alone:.0f}",
                f"90% intervals {bounds(leak, iv.get(leak))} / {bounds(alone, iv.get(alone))}",
            ),
            (
                f"front holds {doc.ground.days} days: with force / Ukraine alone",
                f"{number(hold, f.p_front_holds)} / {number(hold_alone, f.p_front_holds_ukraine_alone)}",
                f"90% intervals {bounds(hold, iv.get(hold))} / "
                f"{bounds(hold_alone, iv.get(hold_alone))}",
            ),
        ]
    )


def figures_table(h: Headline) -> Table:
    """Every headline figure with its 90% interval."""
    values = h.figures.model_dump()
    return Table(
        ["figure", "value (90% interval)"],
        [[label(k), figure(k, v, h.intervals.get(k))] for k, v in values.items()],
        caption="Headline figures with their 90% intervals (exact: no sampling error)",
    )


def store_note(doc: AssessmentDocument) -> Note | None:
    """Which store, stored scenario and store version the assessment read; None for a file.

    A planner who edits the shared store needs to see which state of it a report shows: the
    store version rises with every write to the scenario or its pledges.
    """
    s = doc.store
    if s is None:
        return None
    return Note(
        f"Read from the store {s.url}: stored scenario {s.scenario} at store version "
        f"{s.version} (scenario revision {s.revision}, last changed {s.changed_at})."
    )


def summary_section(doc: AssessmentDocument) -> Section:
    """Strength, key figures with intervals, the biggest gaps, the break-even statement."""
    h = doc.headline
    sc = doc.scenario
    blocks: list[Block] = [
        _kpis(doc),
        Note(
            f"{sc.title}. US role: {sc.us_role}; commitment: {sc.commitment}; "
            f"{len(sc.contributors)} contributors, {sc.pledges} pledges, "
            f"{sc.requirements} requirements. Picture as of {sc.as_of}; newest cited figure "
            f"dated {sc.newest_figure or 'not given'}."
        ),
    ]
    stored = store_note(doc)
    if stored is not None:
        blocks.append(stored)
    if doc.whatif.applied:
        what = "; ".join(f"{k}: {setting(v)}" for k, v in doc.whatif.applied.items())
        blocks.append(Note(f"What-if applied: {what}.", "warning"))
    blocks += [
        figures_table(h),
        Table(
            ["#", "biggest gaps", "severity"],
            [[i + 1, g.text, f"{g.severity:.2f}"] for i, g in enumerate(h.gaps)],
            caption="The three biggest gaps",
        ),
    ]
    statement = doc.credibility.thresholds.statement
    if statement:
        blocks.append(Note(statement, "warning"))
    return Section("summary", "Executive summary", blocks)


def _change_table(h: Headline) -> Table:
    assert h.base is not None and h.change is not None
    base = h.base.figures.model_dump()
    rows, hl = [], set()
    for i, (k, v) in enumerate(h.figures.model_dump().items()):
        d = h.change.get(k)
        if d is not None and d.real:
            hl.add(i)
        rows.append(
            [
                label(k),
                figure(k, base.get(k), h.base.intervals.get(k)),
                figure(k, v, h.intervals.get(k)),
                "–" if d is None else change(k, d),
                "–" if d is None else ("yes" if d.real else "no: within noise"),
            ]
        )
    return Table(
        ["figure", "base case", "this case", "change (90% interval)", "real change"],
        rows,
        caption="Headline figures: base case and what-if (highlighted: a real change)",
        highlight=hl,
    )


def whatif_section(doc: AssessmentDocument) -> Section | None:
    """The what-ifs applied and each headline figure against the base case; None without a
    base case."""
    h = doc.headline
    if h.base is None or h.change is None:
        return None
    w = doc.whatif
    applied = Table(
        ["what-if", "setting"],
        [[k.replace("_", " "), setting(v)] for k, v in w.applied.items()],
        caption="What-ifs applied",
    )
    blocks: list[Block] = [applied]
    if w.from_scenario:
        blocks.append(
            Note(
                "Defined by the scenario file itself: "
                + "; ".join(f"{k}: {setting(v)}" for k, v in w.from_scenario.items())
                + "."
            )
        )
    blocks += [
        Note(
            f"Strength: {h.base.figures.strength_score:.0f} ({h.base.strength}) in the base case, "
            f"{h.strength_score:.0f} ({h.strength}) with the what-if. The base case runs on the "
            "same random numbers, so each change is the what-if's; a change is real when its 90% "
            "interval excludes zero."
        ),
        _change_table(h),
    ]
    return Section("whatif", "What-if against the base case", blocks)
