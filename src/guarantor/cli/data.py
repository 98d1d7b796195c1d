"""``guarantor data``: the packaged datasets and the provenance of every reference figure."""

from __future__ import annotations

import typer
from rich.table import Table

from guarantor.cli.common import console, new_app, print_json
from guarantor.data import dataset_sources, load_capabilities, load_nations

app = new_app("Packaged reference data and its provenance.")


@app.command()
def sources(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List every dataset shipped, its licence and attribution, and the catalogue's sources."""
    datasets = dataset_sources()
    caps = load_capabilities()
    nations = load_nations()
    if as_json:
        print_json(
            {
                "datasets": [d.model_dump(mode="json") for d in datasets],
                "capabilities": [
                    {"id": c.id, **c.provenance.model_dump(mode="json")} for c in caps.values()
                ],
                "nations": {
                    n.code: {
                        k: getattr(n, k).provenance.model_dump(mode="json")
                        for k in ("gdp_usd", "defence_pct_gdp", "kiel_aid_eur_bn")
                        if getattr(n, k) is not None
                    }
                    for n in nations.values()
                },
            }
        )
        return
    table = Table(title="Datasets shipped with guarantor")
    for col in ("id", "title", "licence", "attribution", "date"):
        table.add_column(col, overflow="fold")
    for d in datasets:
        table.add_row(d.id, d.title, d.licence, d.attribution, d.date)
    console.print(table)
    cat = Table(title="Capability catalogue: figures and their sources")
    for col in ("id", "personnel", "USD/yr", "source", "date", "confidence"):
        cat.add_column(col, overflow="fold")
    for c in caps.values():
        flag = " (assumption)" if c.provenance.assumption else ""
        cat.add_row(
            c.id,
            f"{c.personnel:,}",
            f"{c.annual_cost_usd / 1e6:,.1f}M",
            c.provenance.source,
            c.provenance.date,
            c.provenance.confidence.value + flag,
        )
    console.print(cat)
