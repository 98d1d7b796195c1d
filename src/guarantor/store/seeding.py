"""Every bundled scenario in the store: a new store starts with all of them.

A planning cell compares options; a store holding one scenario has nothing to compare it
with. Seeding imports each bundled scenario the store lacks (audited like any import) and
leaves stored ones as they are, edits included, so it can run any number of times.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from guarantor.scenarios import list_scenarios, load_scenario
from guarantor.store import Store
from guarantor.store.repository import Repository

#: Who the audit names for seeding that no user asked for.
SYSTEM = "system"


def bundled_names() -> list[str]:
    """The names of the scenarios shipped with the package, sorted."""
    return [s.name for s in list_scenarios() if s.bundled]


def seed_bundled(repo: Repository) -> list[str]:
    """Import every bundled scenario the store lacks; the names imported (none the 2nd time).

    Stored scenarios of those names are kept as they are: seeding never overwrites edits.
    """
    stored = set(repo.scenario_names())
    added = []
    for info in list_scenarios():
        if info.bundled and info.name not in stored:
            repo.import_scenario(load_scenario(info.path))
            added.append(info.name)
    return added


def seed_empty_store(store: Store) -> list[str]:
    """Give a store with no scenarios every bundled one, in one transaction; the names imported.

    A store that holds any scenario is left alone. When another process seeds the same
    store at the same moment, its import stands and this one writes nothing.
    """
    try:
        with store.transaction(SYSTEM, write=True) as repo:
            if repo.scenario_names():
                return []
            return seed_bundled(repo)
    except IntegrityError:
        return []
