"""``guarantor scenario``: list, show, validate and print the schema of scenario files."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import typer

from guarantor.cli.common import PlainTable, console, new_app, print_json, say
from guarantor.data import dataset_sources, load_capabilities, load_nations
from guarantor.model import Scenario
from guarantor.scenarios import (
    default_scenario_name,
    list_scenarios,
    load_scenario,
    scenario_schema,
)

app = new_app("Scenario files: list, show, validate, schema.")


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the scenarios on the search path (bundled ones and GUARANTOR_SCENARIO_PATH)."""
    infos = list_scenarios()
    default = default_scenario_name()
    if as_json:
        print_json(
            [
                {
                    "name": s.name,
                    "path": str(s.path),
                    "title": s.title,
                    "as_of": s.as_of,
                    "variant_of": s.base,
                    "bundled": s.bundled,
                    "default": s.name == default,
                }
                for s in infos
            ]
        )
        return
    table = PlainTable(title="Scenarios")
    for col in ("name", "as of", "variant of", "title"):
        table.add_column(col)
    for s in infos:
        name = f"{s.name} [bold](default)[/]" if s.name == default else s.name
        table.add_row(name, s.as_of, s.base or "", s.title)
    console.print(table)


@app.command()
def validate(path: Path = typer.Argument(..., help="Scenario file to check.")) -> None:
    """Check a scenario file; exit 2 and name every problem if it is not valid."""
    scenario = load_scenario(path)
    console.print(
        f"{path}: valid scenario {scenario.name!r} v{scenario.version} "
        f"({len(scenario.pledges)} pledges, {len(scenario.requirements)} requirements)"
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    print_json(scenario_schema())


@app.command()
def show(
    scenario: str = typer.Argument(None, help="Scenario name or file (default: the newest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the resolved scenario as JSON."),
) -> None:
    """Summarise a scenario: contributors, pledges by domain, requirements, sources."""
    sc = load_scenario(scenario or default_scenario_name())
    if as_json:
        print_json(json.loads(sc.model_dump_json()))
        return
    print_summary(sc)


def print_summary(sc: Scenario) -> None:
    """A readable summary of a scenario, and where its data came from."""
    nations = load_nations()
    caps = load_capabilities()
    say("[bold]{}[/] ({} v{}, as of {})", sc.title, sc.name, sc.version, sc.as_of)
    if sc.variant_of:
        say("Option varying [bold]{}[/].", sc.variant_of)
    console.print(
        f"US role: {sc.us_role.value}; commitment: {sc.commitment.value}; "
        f"ceasefire in force: {'yes' if sc.ceasefire else 'no'}"
    )
    pledged: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for p in sc.pledges:
        cap = caps[p.capability]
        cell = pledged[p.nation][cap.domain.value]
        cell[0] += p.quantity
        cell[1] += p.quantity * cap.personnel
    domains = ["land", "air", "air-defence", "sea", "enabler"]
    table = PlainTable(title=f"Contributors ({len(sc.contributors)}) and pledges by domain")
    table.add_column("contributor")
    for d in domains:
        table.add_column(d, justify="right")
    table.add_column("personnel", justify="right")
    for c in sc.contributors:
        cells = pledged.get(c.code, {})
        units = [str(cells[d][0]) if d in cells else "" for d in domains]
        pers = sum(v[1] for v in cells.values())
        table.add_row(f"{nations[c.code].name} ({c.code})", *units, f"{pers:,}" if pers else "")
    console.print(table)
    req = PlainTable(title=f"Requirements ({len(sc.requirements)})")
    for col in ("mission set", "id", "class", "qty", "zone", "from day", "priority"):
        req.add_column(col)
    for mission, reqs in sc.mission_sets().items():
        for r in reqs:
            req.add_row(
                mission.value,
                r.id,
                r.capability_class,
                str(r.quantity),
                r.zone.value,
                str(r.phase_start_day),
                str(r.priority),
            )
    console.print(req)
    ua = sc.ukraine
    console.print(
        f"Ukraine: {ua.personnel:,} personnel, {ua.combat_brigades} combat brigades; "
        f"Russia in theatre: {sc.russia.personnel_in_theatre:,}; "
        f"front {sc.front.length_km:,.0f} km on {len(sc.front.axes)} axes."
    )
    raid = next(r for r in sc.threat.raids if r.name == sc.threat.design_raid)
    say("Design raid: {}, {} weapons ({}).", raid.name, raid.size, raid.provenance.source)
    assumed = sum(1 for a in sc.assumptions) + sum(1 for p in sc.pledges if p.provenance.assumption)
    console.print(f"Assumptions flagged: {assumed} (see `guarantor scenario show --json`).")
    say("Scenario source: {} ({}).", sc.provenance.source, sc.provenance.date)
    say("Reference data: {}", "; ".join(d.attribution for d in dataset_sources()[:6]))
