"""Single-pledge writes: the checks a write can break, in few statements, never lost.

The repository writes one pledge with a versioned ``UPDATE`` and an audit ``INSERT`` and
checks only what the change can break; these tests hold it to the full scenario checks'
answers, to its statement count, and to its guarantees under concurrent writers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text

from guarantor.data import reference
from guarantor.errors import ConflictError, InputError, NotFoundError
from guarantor.model import Pledge, Scenario
from guarantor.scenarios.checks import check_references
from guarantor.store import ForbiddenError, PledgeInput, StaleVersionError, Store
from guarantor.store.pledge_rows import pledge_reference_issues

SC = "mnf-u-2026-01"
PID = "GBR-training"


@pytest.fixture()
def loaded(store: Store, default_scenario: Scenario) -> Store:
    with store.transaction("loader") as repo:
        repo.import_scenario(default_scenario)
    return store


@pytest.fixture()
def statements(loaded: Store) -> Iterator[list[str]]:
    """The SQL statements the store's engine runs while the test records them."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.strip().split()[0].upper())

    event.listen(loaded.engine, "before_cursor_execute", record)
    yield seen
    event.remove(loaded.engine, "before_cursor_execute", record)


def _pledge(default_scenario: Scenario, **changes: Any) -> Pledge:
    base = next(p for p in default_scenario.pledges if p.id == PID).model_dump(mode="json")
    return Pledge.model_validate({**base, **changes})


BAD = [
    {},
    {"nation": "ZZZ"},
    {"capability": "frigat"},
    {"capability": "frigate"},  # a naval unit in land zones: impossible caveat
    {"caveats": {"zones": ["black-sea"]}},
    {"nation": "ZZZ", "capability": "frigat"},
]


@pytest.mark.parametrize("changes", BAD)
def test_pledge_checks_give_the_full_checks_answers(
    default_scenario: Scenario, changes: dict[str, Any]
) -> None:
    pledge = _pledge(default_scenario, **changes)
    full = check_references(default_scenario.model_copy(update={"pledges": [pledge]}), reference())
    expected = [
        (".".join(map(str, loc[2:])), reason) for loc, reason in full if loc[0] == "pledges"
    ]
    codes = {c.code for c in default_scenario.contributors}
    assert pledge_reference_issues(pledge, reference(), codes) == expected


def test_an_update_rechecks_only_what_it_changes(default_scenario: Scenario) -> None:
    old = _pledge(default_scenario)
    codes: set[str] = set()  # as if no contributor were known: only a new nation is looked up
    same_refs = _pledge(default_scenario, quantity=old.quantity + 1, notes="more")
    assert pledge_reference_issues(same_refs, reference(), codes, old) == []
    moved = _pledge(default_scenario, nation="ZZZ")
    assert [p for p, _ in pledge_reference_issues(moved, reference(), codes, old)] == ["nation"]


def test_a_change_is_written_with_its_audit_entry_in_one_or_two_statements(
    loaded: Store, statements: list[str]
) -> None:
    read = loaded.find_pledge(SC, PID)
    statements.clear()
    with loaded.transaction("alice", write=True) as repo:
        new = repo.update_pledge(SC, PID, read.version, {"notes": "re-checked"}, read=read)
    one_statement = loaded.engine.dialect.name == "postgresql"  # WITH ... UPDATE ... INSERT
    expected = ["WITH"] if one_statement else ["UPDATE", "INSERT"]
    assert [s for s in statements if s not in ("BEGIN", "COMMIT", "RELEASE")] == expected
    assert new.version == read.version + 1 and new.pledge.notes == "re-checked"
    with loaded.transaction("x") as repo:
        assert repo.get_pledge(SC, PID) == new
        [entry] = repo.audit(entity_id=PID)
    assert entry.before is not None and entry.after is not None
    assert (entry.before["version"], entry.after["version"]) == (read.version, new.version)
    assert entry.after["notes"] == "re-checked"


def test_bad_changes_are_refused_with_the_field(loaded: Store) -> None:
    cases: list[tuple[dict[str, object], str, str]] = [
        ({"nation": "ZZZ"}, "nation", "not among the scenario's contributors"),
        ({"capability": "frigat"}, "capability", "unknown capability"),
        ({"caveats": {"zones": ["black-sea"]}}, "caveats.zones", "impossible caveat"),
        ({"quantity": 0}, "quantity", "greater than 0"),
    ]
    for changes, path, reason in cases:
        with pytest.raises(InputError) as err, loaded.transaction("x", write=True) as repo:
            repo.update_pledge(SC, PID, 1, changes)
        assert err.value.problems[0].path == path and reason in err.value.problems[0].reason
    with loaded.transaction("x") as repo:
        assert repo.get_pledge(SC, PID).version == 1 and repo.audit(entity="pledge") == []


def test_a_write_after_someone_elses_is_refused(loaded: Store) -> None:
    read = loaded.find_pledge(SC, PID)
    with loaded.transaction("bob", write=True) as repo:
        repo.update_pledge(SC, PID, read.version, {"quantity": 3})
    # Alice read before Bob wrote: her write, from her read, must not overwrite his.
    with pytest.raises(StaleVersionError) as err, loaded.transaction("alice", write=True) as repo:
        repo.update_pledge(SC, PID, read.version, {"notes": "alice"}, read=read)
    assert (err.value.given, err.value.current) == (read.version, read.version + 1)
    with loaded.transaction("x") as repo:
        now = repo.get_pledge(SC, PID)
        assert (now.pledge.quantity, now.pledge.notes) == (3, read.pledge.notes)
        assert [e.actor for e in repo.audit(entity_id=PID)] == ["bob"]


def test_a_change_that_changes_nothing_from_a_stale_read_is_still_a_conflict(
    loaded: Store,
) -> None:
    read = loaded.find_pledge(SC, PID)
    with loaded.transaction("bob", write=True) as repo:
        repo.update_pledge(SC, PID, read.version, {"quantity": 3})
    same = {"quantity": read.pledge.quantity}
    with pytest.raises(StaleVersionError), loaded.transaction("alice", write=True) as repo:
        repo.update_pledge(SC, PID, read.version, same, read=read)
    fresh = loaded.find_pledge(SC, PID)
    with loaded.transaction("alice", write=True) as repo:  # a no-op at the current version
        assert repo.update_pledge(SC, PID, fresh.version, {"quantity": 3}, read=fresh).version == 2


def test_a_stale_read_that_still_matches_is_written_from_the_store(loaded: Store) -> None:
    """A read older than the version the writer gives is not trusted: the row is read again."""
    read = loaded.find_pledge(SC, PID)
    with loaded.transaction("bob", write=True) as repo:
        repo.update_pledge(SC, PID, read.version, {"quantity": 3})
    with loaded.transaction("alice", write=True) as repo:
        new = repo.update_pledge(SC, PID, read.version + 1, {"notes": "alice"}, read=read)
    assert (new.pledge.quantity, new.pledge.notes, new.version) == (3, "alice", 3)


def test_a_write_to_a_removed_or_moved_pledge(loaded: Store) -> None:
    read = loaded.find_pledge(SC, PID)

    def only_gbr(nation: str) -> None:
        if nation != "GBR":
            raise ForbiddenError([])

    with loaded.transaction("x", write=True) as repo:  # moved to France meanwhile
        repo.update_pledge(SC, PID, read.version, {"nation": "FRA"})
    with pytest.raises(ForbiddenError), loaded.transaction("gwen", write=True) as repo:
        repo.update_pledge(SC, PID, read.version, {"notes": "x"}, allowed=only_gbr, read=read)
    with loaded.transaction("x", write=True) as repo:
        repo.remove_pledge(SC, PID, read.version + 1)
    with pytest.raises(NotFoundError), loaded.transaction("gwen", write=True) as repo:
        repo.update_pledge(SC, PID, read.version, {"notes": "x"}, read=read)


def test_find_pledge_names_what_is_missing(loaded: Store) -> None:
    assert loaded.find_pledge(SC, PID).pledge.id == PID
    with pytest.raises(NotFoundError, match="no pledge 'nope'"):
        loaded.find_pledge(SC, "nope")
    with pytest.raises(NotFoundError, match=r"no scenario 'nope'.*stored: mnf-u-2026-01"):
        loaded.find_pledge("nope", PID)


def test_add_checks_the_new_pledges_references(loaded: Store, default_scenario: Scenario) -> None:
    data = {**_pledge(default_scenario).model_dump(mode="json"), "id": "GBR-new"}
    with pytest.raises(InputError, match="not among"), loaded.transaction("x", write=True) as r:
        r.add_pledge(SC, {**data, "nation": "ZZZ"})
    with loaded.transaction("x", write=True) as repo:
        added = repo.add_pledge(SC, data)
        listed = repo.list_pledges(SC)
    assert added.version == 1 and listed[-1] == added
    with pytest.raises(ConflictError, match="already exists"), loaded.transaction("x") as repo:
        repo.add_pledge(SC, data)


def test_import_still_checks_every_changed_pledge(
    loaded: Store, default_scenario: Scenario
) -> None:
    data = {**_pledge(default_scenario).model_dump(mode="json"), "nation": "ZZZ"}
    with pytest.raises(InputError, match="not among"), loaded.transaction("x") as repo:
        repo.import_pledges(SC, [PledgeInput(data, "file.csv", line=2, version=1)])


def test_sqlite_runs_wal_with_normal_sync(tmp_path: Any) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    finally:
        store.close()


def test_concurrent_writers_lose_nothing(loaded: Store) -> None:
    """Threads write the same two pledges, retrying on conflict: every success is kept."""
    pids = [PID, "FRA-rafale"]
    wins: dict[str, int] = {p: 0 for p in pids}
    lock = threading.Lock()
    start = {p: loaded.find_pledge(SC, p).version for p in pids}
    barrier = threading.Barrier(6)

    def writer(n: int) -> None:
        barrier.wait()
        for i in range(8):
            pid = pids[(n + i) % 2]
            while True:
                read = loaded.find_pledge(SC, pid)
                try:
                    with loaded.transaction(f"w{n}", write=True) as repo:
                        repo.update_pledge(SC, pid, read.version, {"notes": f"{n}-{i}"}, read=read)
                except StaleVersionError:
                    continue
                with lock:
                    wins[pid] += 1
                break

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(wins.values()) == 6 * 8
    with loaded.transaction("x") as repo:
        for pid in pids:
            assert repo.get_pledge(SC, pid).version == start[pid] + wins[pid]
            assert len(repo.audit(entity_id=pid, limit=None)) == wins[pid]
