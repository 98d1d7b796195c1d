"""``guarantor pledges``: list, add, update, remove, import and export stored pledges.

Every change is audited and made against a version: a stale version is refused with exit
code 2 and a message naming the current version. On a store with users, the writer is one of
them (``--as USER``, default: the login name) and their role applies (a viewer changes
nothing, a nation-editor only its nation's pledges); a personal store records the login name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guarantor.cli.common import PlainTable, console, new_app, print_json, say
from guarantor.cli.option_groups import options_of, with_option_groups
from guarantor.cli.store import (
    AS_HELP,
    DATABASE_HELP,
    require_nation,
    transaction,
    write_text,
    writing,
)
from guarantor.errors import InputError, Problem
from guarantor.model.numbers import MAX_LISTED
from guarantor.params import deep_merge
from guarantor.scenarios import default_scenario_name, load_scenario
from guarantor.user_files import read_text

if TYPE_CHECKING:
    from guarantor.store import PledgeInput, Repository, StoredPledge
    from guarantor.store.users import User

app = new_app("Stored pledges: list, add, update, remove, import, export, audit.")

SCENARIO_HELP = "Stored scenario (default: the default scenario, imported first if missing)."


#: Largest pledge file read (100,000 rows of CSV are about 30 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024


def ensure_scenario(repo: Repository, name: str | None) -> str:
    """The scenario's name; a scenario missing from the store is imported from its file first
    (audited as "system", as the web app seeds an empty store)."""
    from guarantor.store import Repository

    name = name or default_scenario_name()
    if not repo.has_scenario(name):
        Repository(repo.session, "system", repo.ref).import_scenario(load_scenario(name))
    return name


def _read(path: Path) -> str:
    """A file's text, exactly (no newline translation: cells may hold line breaks)."""
    return read_text(path, MAX_FILE_BYTES)


def _json_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise InputError([Problem(str(path), f"not valid JSON: {exc.msg}", exc.lineno)]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), "expected a JSON object of pledge fields")])
    data.pop("version", None)
    data.pop("scenario", None)
    data.pop("updated_at", None)
    return data


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


#: Flags named other than the pledge file's column for the same field (shorter on a command
#: line); every other flag is named as its column.
_FLAG_COLUMNS = {
    "sustainment": "sustainment_mode",
    "tour_months": "sustainment_tour_months",
    "note": "provenance_note",
}


def _fields(**options: Any) -> dict[str, Any]:
    """Pledge fields (nested) from the options that were given, through the pledge files'
    one field map (:data:`guarantor.store.tabular.CSV_FIELDS`)."""
    from guarantor.store.tabular import CSV_FIELDS, LIST_COLUMNS, nest

    flat: dict[str, Any] = {}
    for key, value in options.items():
        column = _FLAG_COLUMNS.get(key, key)
        if column in LIST_COLUMNS:
            value = _split(value)
        if value is not None:
            flat[CSV_FIELDS[column]] = value
    return nest(flat)


def _print_pledge(verb: str, sp: StoredPledge, as_json: bool) -> None:
    if as_json:
        print_json(sp.to_json())
    else:
        say(verb + " pledge {} in {} (version {})", sp.pledge.id, sp.scenario, sp.version)


def _check_import(repo: Repository, user: User | None, name: str, items: list[PledgeInput]) -> None:
    """A nation-editor's import touches only its nation's pledges (new and stored)."""
    if user is None or user.can_plan:
        return
    stored = repo.pledge_nations(name)
    for item in items:
        nation, pid = item.data.get("nation"), item.data.get("id")
        if isinstance(nation, str):
            require_nation(user, nation)
        if isinstance(pid, str) and pid in stored:
            require_nation(user, stored[pid])


SCENARIO_OPT = typer.Option(None, "--scenario", help=SCENARIO_HELP)
DATABASE_OPT = typer.Option(None, "--database", help=DATABASE_HELP)
AS_OPT = typer.Option(None, "--as", "--actor", help=AS_HELP)
JSON_OPT = typer.Option(False, "--json", help="Print JSON.")


@dataclass(frozen=True)
class PledgeEdit:
    """What ``add`` and ``update`` are given: pledge fields, a JSON file of them, and where
    and as whom to write."""

    fields: dict[str, Any]  #: the field options given, nested as a pledge's fields
    from_json: Path | None
    scenario: str | None
    database: str | None
    as_user: str | None
    as_json: bool

    def data(self) -> dict[str, Any]:
        """The fields asked for: the options over the ``--from-json`` file."""
        return deep_merge(_json_object(self.from_json) if self.from_json else {}, self.fields)


def pledge_edit(
    nation: str = typer.Option(None, "--nation", help="Contributor code, e.g. GBR."),
    capability: str = typer.Option(None, "--capability", help="Catalogue id, e.g. frigate."),
    quantity: int = typer.Option(None, "--quantity", help="Units pledged."),
    status: str = typer.Option(None, "--status", help="announced, committed, ready or deployed."),
    readiness_days: int = typer.Option(None, "--readiness-days", help="Days to deploy."),
    sustainment: str = typer.Option(None, "--sustainment", help="one-tour or rotational."),
    tour_months: float = typer.Option(None, "--tour-months", help="Tour length in months."),
    zones: str = typer.Option(None, "--zones", help="Zones it may operate in, comma-separated."),
    excluded_roles: str = typer.Option(
        None, "--excluded-roles", help="Roles it refuses, comma-separated."
    ),
    conditions: str = typer.Option(None, "--conditions", help="Conditions, comma-separated."),
    source: str = typer.Option(None, "--source", help="Who reported the pledge, and where."),
    date: str = typer.Option(None, "--date", help="Date of the source (add: default today)."),
    confidence: str = typer.Option(None, "--confidence", help="high, medium or low."),
    assumption: bool = typer.Option(None, "--assumption/--reported", help="A planning assumption?"),
    note: str = typer.Option(None, "--note", help="How the figure was derived (provenance note)."),
    notes: str = typer.Option(None, "--notes", help="Free notes on the pledge."),
    from_json: Path = typer.Option(None, "--from-json", help="JSON object of pledge fields."),
    scenario: str = SCENARIO_OPT,
    database: str = DATABASE_OPT,
    as_user: str = AS_OPT,
    as_json: bool = JSON_OPT,
) -> PledgeEdit:
    """The options ``add`` and ``update`` share, declared once (see :mod:`.option_groups`)."""
    given = dict(locals())  # the options alone: no other local name is bound yet
    for key in ("from_json", "scenario", "database", "as_user", "as_json"):
        del given[key]
    return PledgeEdit(_fields(**given), from_json, scenario, database, as_user, as_json)


@app.command("list")
def list_cmd(
    scenario: str = SCENARIO_OPT,
    nation: str = typer.Option(None, "--nation", help="Only this contributor's pledges."),
    as_json: bool = JSON_OPT,
    database: str = DATABASE_OPT,
) -> None:
    """List a scenario's stored pledges with their versions."""
    with transaction(database) as repo:
        name = ensure_scenario(repo, scenario)
        rows = repo.list_pledges(name, nation)
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    table = PlainTable(title=f"Pledges in {name} ({len(rows)})")
    for col in ("id", "nation", "capability", "qty", "status", "ready (d)", "conditions", "ver"):
        table.add_column(col)
    for r in rows:
        p = r.pledge
        table.add_row(
            p.id,
            p.nation,
            p.capability,
            str(p.quantity),
            p.status.value,
            str(p.readiness_days),
            ", ".join(c.value for c in p.caveats.conditions),
            str(r.version),
        )
    console.print(table)


@app.command()
@with_option_groups
def add(
    pledge_id: str = typer.Option(None, "--id", help="Pledge id (add: default NATION-capability)."),
    edit: PledgeEdit = options_of(pledge_edit),
) -> None:
    """Add a pledge (fields as options, or --from-json FILE; options override the file)."""
    data = edit.data()
    if pledge_id is not None:
        data["id"] = pledge_id
    prov = data.setdefault("provenance", {})
    if isinstance(prov, dict):
        if "source" not in prov:
            raise InputError(
                [Problem("add", "required: who reported the pledge", None, "--source")]
            )
        prov.setdefault("date", datetime.now(UTC).date().isoformat())
    with writing(edit.database, edit.as_user) as (repo, user):
        if isinstance(data.get("nation"), str):
            require_nation(user, data["nation"])
        name = ensure_scenario(repo, edit.scenario)
        if "id" not in data and isinstance(data.get("nation"), str):
            taken = {sp.pledge.id for sp in repo.list_pledges(name)}
            base = f"{data['nation']}-{data.get('capability', 'pledge')}"
            data["id"] = next(
                c
                for c in (base if n == 1 else f"{base}-{n}" for n in range(1, 10_000))
                if c not in taken
            )
        sp = repo.add_pledge(name, data)
    _print_pledge("added", sp, edit.as_json)


@app.command()
@with_option_groups
def update(
    pledge_id: str = typer.Argument(..., help="Id of the pledge to change."),
    version: int = typer.Option(..., "--version", help="The version you read (see `list`)."),
    edit: PledgeEdit = options_of(pledge_edit),
) -> None:
    """Change a pledge made at --version; a stale version is refused (exit 2)."""
    changes = edit.data()
    changes.pop("id", None)
    if not changes:
        raise InputError(
            [Problem("update", "nothing to change: give a field option or --from-json")]
        )
    with writing(edit.database, edit.as_user) as (repo, user):
        name = ensure_scenario(repo, edit.scenario)
        require_nation(user, repo.get_pledge(name, pledge_id).pledge.nation)
        if isinstance(changes.get("nation"), str):
            require_nation(user, changes["nation"])
        sp = repo.update_pledge(name, pledge_id, version, changes)
    _print_pledge("updated", sp, edit.as_json)


@app.command()
def remove(
    pledge_id: str = typer.Argument(..., help="Id of the pledge to remove."),
    version: int = typer.Option(..., "--version", help="The version you read (see `list`)."),
    scenario: str = SCENARIO_OPT,
    database: str = DATABASE_OPT,
    as_user: str = AS_OPT,
) -> None:
    """Remove a pledge at --version; a stale version is refused (exit 2)."""
    with writing(database, as_user) as (repo, user):
        name = ensure_scenario(repo, scenario)
        require_nation(user, repo.get_pledge(name, pledge_id).pledge.nation)
        repo.remove_pledge(name, pledge_id, version)
    say("removed pledge {} from {}", pledge_id, name)


def _write_bytes(data: bytes, out: Path | None) -> None:
    """A binary file written whole (a temporary file renamed over it), or to a non-terminal
    standard output."""
    if out is None or str(out) == "-":
        stream = typer.get_binary_stream("stdout")
        if stream.isatty():
            reason = "a workbook is binary: give --out FILE.xlsx or redirect the output"
            raise InputError([Problem(where="export", reason=reason)])
        stream.write(data)
        stream.flush()
        return
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError([Problem(where=str(out), reason=exc.strerror or str(exc))]) from None
    say("wrote {}", out)


@app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="CSV, JSON or Excel (.xlsx) file of pledges."),
    fmt: str = typer.Option(None, "--format", help="csv, json or xlsx (default: by extension)."),
    scenario: str = SCENARIO_OPT,
    database: str = DATABASE_OPT,
    as_user: str = AS_OPT,
) -> None:
    """Add and update pledges from a file, all or nothing; every bad row or cell is reported."""
    from guarantor.store.tabular import format_for, parse_pledges

    kind = format_for(str(path), fmt)
    if kind == "xlsx":
        from guarantor.store.pledge_workbook import parse_pledges_xlsx

        items = parse_pledges_xlsx(path)
    else:
        items = parse_pledges(_read(path), str(path), kind)
    with writing(database, as_user) as (repo, user):
        name = ensure_scenario(repo, scenario)
        _check_import(repo, user, name, items)
        summary = repo.import_pledges(name, items)
    say(
        "imported into {}: {} added, {} updated, {} unchanged",
        name,
        len(summary.added),
        len(summary.updated),
        len(summary.unchanged),
    )


@app.command()
def export(
    out: Path = typer.Option(None, "--out", help="File to write (default: standard output)."),
    fmt: str = typer.Option(
        None, "--format", help="csv, json or xlsx (default: by extension; json)."
    ),
    scenario: str = SCENARIO_OPT,
    database: str = DATABASE_OPT,
) -> None:
    """Export a scenario's pledges, with their versions, as CSV or Excel (both
    spreadsheet-safe) or JSON."""
    from guarantor.store.tabular import format_for, pledges_to_csv, pledges_to_json

    kind = format_for(str(out), fmt) if out and str(out) != "-" else format_for("-", fmt or "json")
    with transaction(database) as repo:
        name = ensure_scenario(repo, scenario)
        rows = repo.list_pledges(name)
    if kind == "xlsx":
        from guarantor.store.pledge_workbook import pledges_to_xlsx

        _write_bytes(pledges_to_xlsx(rows), out)
        return
    write_text(pledges_to_csv(rows) if kind == "csv" else pledges_to_json(rows), out)


@app.command()
def audit(
    scenario: str = typer.Option(None, "--scenario", help="Only this scenario's entries."),
    pledge_id: str = typer.Option(None, "--pledge", help="Only this pledge's entries."),
    limit: int = typer.Option(50, "--limit", min=1, max=MAX_LISTED, help="The latest N entries."),
    as_json: bool = JSON_OPT,
    database: str = DATABASE_OPT,
) -> None:
    """Show the audit trail: who changed what, when (UTC), before and after."""
    with transaction(database) as repo:
        entries = repo.audit(
            scenario=scenario,
            entity="pledge" if pledge_id else None,
            entity_id=pledge_id,
            limit=limit,
        )
    if as_json:
        print_json([e.to_json() for e in entries])
        return
    table = PlainTable(title=f"Audit ({len(entries)} latest)")
    for col in ("when (UTC)", "who", "action", "entity", "scenario", "changed"):
        table.add_column(col)
    for e in entries:
        before, after = e.before or {}, e.after or {}
        keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
        changed = ", ".join(k for k in keys if k != "version") if e.action == "update" else ""
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            e.actor,
            e.action,
            f"{e.entity} {e.entity_id}",
            e.scenario or "",
            changed,
        )
    console.print(table)
