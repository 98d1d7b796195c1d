"""Scenario sections through the API, on SQLite and PostgreSQL: read, replace at a version
(409 when stale), checked as a scenario file (422 naming the field), audited, planners only,
and read by the models afterwards."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guarantor.scenarios import default_scenario_name
from guarantor.store.scenario_edits import GENERAL_FIELDS, SECTIONS
from tests.web.conftest import Tokens

H = Tokens.header
NAME = default_scenario_name()


def _url(section: str, name: str = NAME) -> str:
    return f"/api/scenarios/{name}/{section}"


def _read(client: TestClient, tokens: Tokens, section: str) -> dict[str, Any]:
    r = client.get(_url(section), headers=H(tokens.viewer))
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{r.json()["version"]}"'
    return dict(r.json())


def _put(client: TestClient, token: str, section: str, value: Any, version: int | None) -> Any:
    body: dict[str, Any] = {section: value}
    if version is not None:
        body["version"] = version
    return client.put(_url(section), json=body, headers=H(token))


def test_every_section_reads_as_the_stored_scenario_holds_it(
    client: TestClient, tokens: Tokens
) -> None:
    full = client.get(f"/api/scenarios/{NAME}", headers=H(tokens.viewer)).json()
    for section in SECTIONS:
        got = _read(client, tokens, section)
        assert got["scenario"] == NAME and got["version"] == 1
        if section == "general":
            assert got[section] == {k: full[k] for k in GENERAL_FIELDS}
        else:
            assert got[section] == full[section], section
    assert client.get(_url("pledges"), headers=H(tokens.viewer)).status_code in (404, 405)
    assert client.get(_url("threat", "nope"), headers=H(tokens.viewer)).status_code == 404
    assert client.get(_url("threat")).status_code == 401


def test_writing_back_what_was_read_changes_nothing(client: TestClient, tokens: Tokens) -> None:
    """Each section round-trips: the same value keeps the version and writes no audit."""
    for section in SECTIONS:
        got = _read(client, tokens, section)
        r = _put(client, tokens.planner, section, got[section], got["version"])
        assert r.status_code == 200, (section, r.text)
        assert r.json()["version"] == 1 and r.json()[section] == got[section]
    audit = client.get(f"/api/audit?scenario={NAME}&entity=scenario", headers=H(tokens.planner))
    assert [e["action"] for e in audit.json()] == ["import"]


def test_only_planners_and_admins_replace_a_section(client: TestClient, tokens: Tokens) -> None:
    """Every role on every section, with a body the server would accept: the role decides."""
    for section in SECTIONS:
        value = _read(client, tokens, section)[section]
        for token, code in [
            ("", 401),
            ("bad", 401),
            (tokens.viewer, 403),
            (tokens.fra, 403),
            (tokens.gbr, 403),
        ]:
            r = client.put(_url(section), json={"version": 1, section: value}, headers=H(token))
            assert r.status_code == code, (section, token, r.text)
    reqs = _read(client, tokens, "requirements")["requirements"]
    reqs[0]["quantity"] += 1
    assert _put(client, tokens.admin, "requirements", reqs, 1).json()["version"] == 2
    reqs[0]["quantity"] += 1
    assert _put(client, tokens.planner, "requirements", reqs, 2).json()["version"] == 3


def test_a_change_is_stored_audited_and_seen_by_the_summary(
    client: TestClient, tokens: Tokens
) -> None:
    got = _read(client, tokens, "requirements")
    before = copy.deepcopy(got["requirements"])
    reqs = got["requirements"]
    cls = reqs[0]["capability_class"]
    reqs[0]["quantity"] += 5
    reqs.append({**reqs[0], "id": "extra-slot", "quantity": 2, "description": "A new slot"})
    required = {
        c["capability_class"]: c["required"]
        for c in client.get(f"/api/summary?scenario={NAME}", headers=H(tokens.viewer)).json()[
            "classes"
        ]
    }
    r = _put(client, tokens.planner, "requirements", reqs, got["version"])
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"' and r.json()["requirements"][-1]["id"] == "extra-slot"
    full = client.get(f"/api/scenarios/{NAME}", headers=H(tokens.viewer)).json()
    assert full["requirements"] == r.json()["requirements"]
    summary = client.get(f"/api/summary?scenario={NAME}", headers=H(tokens.viewer)).json()
    now = {c["capability_class"]: c["required"] for c in summary["classes"]}
    assert now[cls] == required[cls] + 7
    entries = client.get(
        f"/api/audit?scenario={NAME}&entity=scenario", headers=H(tokens.planner)
    ).json()
    last = entries[-1]
    assert (last["actor"], last["action"], last["entity_id"]) == ("pat", "update", NAME)
    assert last["before"] == {"section": "requirements", "requirements": before, "version": 1}
    assert last["after"]["requirements"] == r.json()["requirements"]
    assert last["after"]["version"] == 2


def test_a_stale_version_is_refused_and_if_match_is_accepted(
    client: TestClient, tokens: Tokens
) -> None:
    threat = _read(client, tokens, "threat")["threat"]
    threat["campaign_days"] = 120
    first = _put(client, tokens.planner, "threat", threat, 1)
    assert first.status_code == 200 and first.json()["version"] == 2
    threat["campaign_days"] = 30
    stale = _put(client, tokens.admin, "threat", threat, 1)
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert _read(client, tokens, "threat")["threat"]["campaign_days"] == 120
    r = client.put(
        _url("threat"), json={"threat": threat}, headers={**H(tokens.admin), "If-Match": '"2"'}
    )
    assert r.status_code == 200 and r.json()["threat"]["campaign_days"] == 30
    both = client.put(
        _url("threat"),
        json={"version": 3, "threat": threat},
        headers={**H(tokens.admin), "If-Match": '"2"'},
    )
    assert both.status_code == 422 and both.json()["detail"][0]["loc"] == ["body", "version"]
    missing = _put(client, tokens.admin, "threat", threat, None)
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "version"]
    # Another section's version is the scenario's: a write to the front now needs 3.
    front = _read(client, tokens, "front")
    assert front["version"] == 3
    assert _put(client, tokens.planner, "front", front["front"], 2).status_code == 409


BAD_EDITS: list[tuple[str, Any, list[Any], str]] = [
    ("requirements", lambda v: v[2].update(quantity=0), [2, "quantity"], "greater than 0"),
    (
        "requirements",
        lambda v: v[1].update(capability_class="hovercraft"),
        [1, "capability_class"],
        "unknown capability class",
    ),
    ("requirements", lambda v: v.append(dict(v[0])), [len, "id"], "duplicate id"),
    ("threat", lambda v: v.update(design_raid="nope"), ["design_raid"], "names no raid"),
    (
        "threat",
        lambda v: v["raids"][0]["weapons"].update({"death-ray": 3}),
        ["raids", 0, "weapons", "death-ray"],
        "unknown weapon",
    ),
    (
        "threat",
        lambda v: v["tempo"].update(raid_probability=1.5),
        ["tempo", "raid_probability"],
        "1",
    ),
    ("front", lambda v: v["axes"].append(dict(v["axes"][0])), ["axes", len, "name"], "duplicate"),
    ("front", lambda v: v.update(axes=[]), ["axes"], "at least 1"),
    ("sites", lambda v: v[0].update(nations=["ATLANTIS"]), [0, "nations"], "unknown contributor"),
    ("sites", lambda v: v[0].update(lat=91), [0, "lat"], "90"),
    ("general", lambda v: v.update(as_of="2026-02-30"), ["as_of"], "not a date"),
    ("general", lambda v: v.update(title="a\u0000b"), ["title"], "NUL"),
    ("russia", lambda v: v.update(personnel_in_theatre=-1), ["personnel_in_theatre"], "0"),
    ("assumptions", lambda v: v.append({"id": "x"}), [len, "text"], "required"),
]


@pytest.mark.parametrize(
    ("section", "change", "where", "words"),
    BAD_EDITS,
    ids=[f"{s}-{i}" for i, (s, *_rest) in enumerate(BAD_EDITS)],
)
def test_a_bad_edit_gets_422_naming_the_field_and_writes_nothing(
    client: TestClient,
    tokens: Tokens,
    section: str,
    change: Any,
    where: list[Any],
    words: str,
) -> None:
    got = _read(client, tokens, section)
    value = copy.deepcopy(got[section])
    size = len(value) if isinstance(value, list) else len(value.get("axes", []))
    change(value)
    r = _put(client, tokens.planner, section, value, got["version"])
    assert r.status_code == 422, r.text
    loc = ["body", section, *[size if part is len else part for part in where]]
    found = [d for d in r.json()["detail"] if d["loc"] == loc]
    assert found, (loc, r.json())
    assert words in found[0]["msg"], found
    assert _read(client, tokens, section) == got


def test_bodies_that_do_not_fit_are_422_after_the_scenario_is_found(
    client: TestClient, tokens: Tokens
) -> None:
    h = {**H(tokens.planner), "Content-Type": "application/json"}
    assert client.put(_url("front", "nope"), content=b"{x", headers=h).status_code == 404
    for body in (b"{x", b"[]", b'{"version": 1, "front": {}, "colour": 1}', b""):
        r = client.put(_url("front"), content=body, headers=h)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][0] == "body", body
    r = client.put(_url("general"), json={"version": 1, "general": {"title": "x"}}, headers=h)
    assert r.status_code == 422
    assert {tuple(d["loc"]) for d in r.json()["detail"]} >= {("body", "general", "as_of")}
    long_name = "n" * 300
    assert client.put(_url("front", long_name), content=b"{}", headers=h).status_code == 404
    assert client.get(_url("front", "a%00b"), headers=h).status_code == 404


def test_concurrent_section_writes_lose_no_update(app: FastAPI, tokens: Tokens) -> None:
    """Six planners each add one assumption at once, retrying from every 409: all six are
    stored, the version rose by six, and the audit holds one entry per winning write."""
    with TestClient(app) as c:
        start = c.get(_url("assumptions"), headers=H(tokens.viewer)).json()
    barrier = threading.Barrier(6)
    outcomes: list[int] = []
    lock = threading.Lock()

    def planner(n: int) -> None:
        with TestClient(app) as c:
            barrier.wait()
            while True:
                got = c.get(_url("assumptions"), headers=H(tokens.viewer)).json()
                item = {
                    "id": f"race-{n}",
                    "text": f"Assumption added by planner {n}",
                    "provenance": {"source": "test", "date": "2026", "confidence": "low"},
                }
                value = [*got["assumptions"], item]
                r = _put(c, tokens.planner, "assumptions", value, got["version"])
                with lock:
                    outcomes.append(r.status_code)
                if r.status_code != 409:
                    return

    threads = [threading.Thread(target=planner, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcomes.count(200) == 6 and set(outcomes) <= {200, 409}, outcomes
    with TestClient(app) as c:
        now = c.get(_url("assumptions"), headers=H(tokens.viewer)).json()
        audit = c.get(
            f"/api/audit?scenario={NAME}&entity=scenario&limit=1000", headers=H(tokens.planner)
        ).json()
    assert now["version"] == start["version"] + 6
    ids = [a["id"] for a in now["assumptions"]]
    assert sorted(ids[-6:]) == [f"race-{n}" for n in range(6)]
    updates = [e for e in audit if e["action"] == "update"]
    assert len(updates) == 6
    assert [e["after"]["version"] for e in updates] == list(range(2, 8))


def test_every_stored_scenario_round_trips_through_its_sections(
    client: TestClient, tokens: Tokens
) -> None:
    """Reading each section of each stored scenario and writing it back changes nothing."""
    names = [s["name"] for s in client.get("/api/scenarios", headers=H(tokens.viewer)).json()]
    for name in names:
        full = client.get(f"/api/scenarios/{name}", headers=H(tokens.viewer)).json()
        for section in SECTIONS:
            got = client.get(_url(section, name), headers=H(tokens.viewer)).json()
            r = client.put(
                _url(section, name),
                json={"version": got["version"], section: got[section]},
                headers=H(tokens.planner),
            )
            assert r.status_code == 200 and r.json()["version"] == 1, (name, section, r.text)
        assert client.get(f"/api/scenarios/{name}", headers=H(tokens.viewer)).json() == full


def test_the_schema_states_what_section_writes_require(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for section in SECTIONS:
        op = doc["paths"]["/api/scenarios/{name}/" + section]
        ref = op["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schemas[ref.rsplit("/", 1)[-1]]
        assert sorted(body["required"]) == sorted(["version", section]), section
        assert body["additionalProperties"] is False
        assert {"401", "403", "404", "409", "422"} <= set(op["put"]["responses"]), section
        assert "get" in op


def test_a_write_between_read_and_flush_is_a_conflict(app: FastAPI) -> None:
    """The revision is checked again by the UPDATE itself: a writer that read revision 1
    before another committed revision 2 writes nothing (409, or the store's busy answer on
    SQLite, whose older snapshot cannot write)."""
    from sqlalchemy.exc import OperationalError

    from guarantor.store.repository import Repository
    from guarantor.store.scenario_edits import StaleRevisionError, read_section, update_section

    store = app.state.store
    with store.sessions() as slow_session:
        slow = Repository(slow_session, "slow")
        value = read_section(slow, NAME, "russia").value
        with store.transaction("fast", write=True) as fast:
            update_section(fast, NAME, "russia", 1, {**value, "reinforcement_per_month": 1})
        try:
            update_section(slow, NAME, "russia", 1, {**value, "reinforcement_per_month": 2})
        except (StaleRevisionError, OperationalError) as exc:
            refused: Exception = exc
        else:
            raise AssertionError("the stale write was accepted")
        slow_session.rollback()
    assert store.engine.dialect.name != "postgresql" or isinstance(refused, StaleRevisionError)
    with store.transaction("check") as repo:
        now = read_section(repo, NAME, "russia")
    assert (now.revision, now.value["reinforcement_per_month"]) == (2, 1)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(quantities=st.lists(st.integers(-3, 10_003), min_size=1, max_size=6))
def test_quantities_are_stored_exactly_when_valid_and_named_when_not(
    app: FastAPI, quantities: list[int]
) -> None:
    """Any change of slot quantities: stored as sent when every one is 1-10,000, else
    refused with one problem per bad slot, naming it, and nothing written."""
    from guarantor.errors import InputError
    from guarantor.store.scenario_edits import read_section, update_section

    store = app.state.store
    with store.transaction("read") as repo:
        before = read_section(repo, NAME, "requirements")
    value = copy.deepcopy(before.value)
    for i, q in enumerate(quantities):
        value[i]["quantity"] = q
    bad = [i for i, q in enumerate(quantities) if not 1 <= q <= 10_000]
    try:
        with store.transaction("prop", write=True) as repo:
            after = update_section(repo, NAME, "requirements", before.revision, value)
    except InputError as exc:
        assert bad and [p.path for p in exc.problems] == [
            f"requirements[{i}].quantity" for i in bad
        ]
        with store.transaction("read") as repo:
            assert read_section(repo, NAME, "requirements") == before
        return
    assert not bad
    assert after.value == value
    changed = value != before.value
    assert after.revision == before.revision + (1 if changed else 0)
