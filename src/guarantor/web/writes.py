"""The REST API's writes: pledges (add, change, remove) and model runs. Authorisation first.
The writes of a scenario's sections, in the same order, are in :mod:`guarantor.web.sections`.

Every write answers in this order, whatever the body holds: 401 (no valid token; 429 after
too many failures from one address), 403 for a role that may not write at all, 404 and 403
for a pledge that does not exist or belongs to another nation (looked up before the body is
read), then 422 for a body that is not JSON or does not fit the schema, then 409 for a stale
version. Bodies are therefore read here, after those checks, not by FastAPI before them;
the OpenAPI document still describes them (:mod:`guarantor.web.openapi`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from guarantor.errors import InputError, NotFoundError, Problem
from guarantor.store import PledgeState, StoredPledge
from guarantor.store.limits import text_problems
from guarantor.store.users import User
from guarantor.web.api import (
    ERRORS,
    SCENARIO_MAX,
    SCENARIO_Q,
    _changed,
    _etag,
    _run_out,
    _runner,
    _scenario,
)
from guarantor.web.auth import planner, store_of, writer
from guarantor.web.schemas import (
    IF_MATCH_PATTERN,
    ErrorOut,
    InvalidOut,
    PledgeIn,
    PledgeOut,
    PledgePatch,
    RunCreate,
    RunOut,
)

router = APIRouter(prefix="/api")
M = TypeVar("M", bound=BaseModel)

WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    413: {"model": ErrorOut, "description": "The request body is too large."},
    422: {"model": InvalidOut, "description": "The body or a parameter does not fit."},
}
VERSIONED = {**WRITE_ERRORS, 409: {"model": ErrorOut, "description": "Stale version."}}
IF_MATCH = Header(
    default=None,
    description='The version read, e.g. "3" (W/"3" and 3 are accepted too). If the body or '
    "the query gives `version` as well, both must agree.",
    json_schema_extra={"pattern": IF_MATCH_PATTERN},
)


def _safe(text: str) -> str:
    """Text from a request, fit for a JSON reply (lone surrogates shown escaped)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def may_edit(user: User, nation: str) -> None:
    """403 unless ``user`` may write pledges of ``nation``."""
    if not user.may_edit_nation(nation):
        if user.role.value == "viewer":
            raise HTTPException(403, "viewers may not change pledges")
        raise HTTPException(
            403, f"{user.name} edits {user.nation}'s pledges only, not {_safe(nation)}'s"
        )


async def json_body(request: Request) -> Any:
    """The request's JSON body (422 if there is none or it is not JSON)."""
    return parse_json(await request.body())


def parse_json(raw: bytes) -> Any:
    """A request body as JSON (422 if there is none or it is not JSON)."""
    if not raw.strip():
        raise InputError([Problem(where="body", reason="a JSON body is required")])
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        reason = f"not valid JSON: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else None
        raise InputError(
            [Problem(where="body", reason=reason or "not valid JSON (UTF-8)")]
        ) from None


def validated(model: type[M], data: Any) -> M:
    """``data`` as ``model``, or 422 with each problem located in the body."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False)
        ]
        raise RequestValidationError(errors) from None


def version_of(body_version: int | None, if_match: str | None) -> int:
    """The version a write is based on, from the body (or query) or the If-Match header."""
    header: int | None = None
    if if_match is not None:
        m = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', if_match)
        if m is None:
            raise InputError(
                [Problem(where="header", path="If-Match", reason='a version, e.g. "3"')]
            )
        header = int(m.group(1))
    if body_version is not None and header is not None and body_version != header:
        raise InputError(
            [Problem(where="body", path="version", reason="differs from the If-Match header")]
        )
    version = body_version if body_version is not None else header
    if version is None:
        reason = "required: the version you read, as a field or an If-Match header"
        raise InputError([Problem(where="body", path="version", reason=reason)])
    return version


@dataclass(frozen=True)
class Target:
    """A stored pledge the current user may change."""

    user: User
    scenario: str
    read: PledgeState


def _find(request: Request, user: User, pledge_id: str, scenario: str | None) -> Target:
    store = store_of(request)
    if not scenario:
        with store.transaction(user.name) as repo:
            scenario = _scenario(repo, scenario)
    return Target(user, scenario, store.find_pledge(scenario, pledge_id, user.name))


async def editable_pledge(request: Request, user: User = Depends(writer)) -> Target:
    """The pledge named in the path, if it exists (404) and the user may edit it (403).

    It reads the path and the query itself, so that it runs before FastAPI validates them.
    """
    pledge_id = str(request.path_params.get("pledge_id", ""))
    scenario = request.query_params.get("scenario") or None
    target = await run_in_threadpool(_find, request, user, pledge_id, scenario)
    may_edit(user, target.read.pledge.nation)
    return target


def _add(request: Request, user: User, scenario: str | None, pledge: PledgeIn) -> StoredPledge:
    with store_of(request).transaction(user.name, write=True) as repo:
        return repo.add_pledge(_scenario(repo, scenario), pledge.model_dump(mode="json"))


@router.post(
    "/pledges",
    response_model=PledgeOut,
    status_code=201,
    responses={**WRITE_ERRORS, 409: {"model": ErrorOut, "description": "The id exists already."}},
    tags=["pledges"],
)
async def add_pledge(
    request: Request,
    response: Response,
    user: User = Depends(writer),
    scenario: str | None = SCENARIO_Q,
) -> dict[str, Any]:
    """Add a pledge (version 1); body: a pledge. A nation-editor adds only its own nation's."""
    data = await json_body(request)
    if isinstance(data, dict) and isinstance(data.get("nation"), str):
        may_edit(user, data["nation"])
    pledge = validated(PledgeIn, data)
    may_edit(user, pledge.nation)
    stored = await run_in_threadpool(_add, request, user, scenario, pledge)
    _changed(request)
    response.headers["ETag"] = _etag(stored.version)
    return stored.to_json()


@dataclass(frozen=True)
class PledgeRef:
    """A pledge a write names (path and query), not looked up yet."""

    user: User
    pledge_id: str
    scenario: str | None


async def named_pledge(request: Request, user: User = Depends(writer)) -> PledgeRef:
    """The pledge the path names, looked up later in the write's own transaction (still
    before the body is read, so 404 and 403 come before 422).

    It reads the path and the query itself, before FastAPI validates them; a scenario name
    longer than any the store can hold is a 404 here, as the lookup would find.
    """
    pledge_id = str(request.path_params.get("pledge_id", ""))
    scenario = request.query_params.get("scenario") or None
    if scenario is not None and len(scenario) > SCENARIO_MAX:
        raise NotFoundError(f"no scenario {_safe(scenario)!r} in the store")
    return PledgeRef(user, pledge_id, scenario)


def _update(ref: PledgeRef, raw: bytes, if_match: str | None, request: Request) -> StoredPledge:
    """The whole of a change in one transaction, its answers in the documented order: the
    pledge looked up (404) and its nation checked (403), then the body (422), then the
    version (409) and the new content (422)."""
    user = ref.user
    with store_of(request).transaction(user.name, write=True) as repo:
        name = _scenario(repo, ref.scenario)
        read = repo.find_pledge(name, ref.pledge_id)
        may_edit(user, read.pledge.nation)
        body = validated(PledgePatch, parse_json(raw))
        version = version_of(body.version, if_match)
        changes = body.model_dump(exclude_unset=True, exclude={"version"}, mode="json")
        if changes.get("id", ref.pledge_id) != ref.pledge_id:
            reason = "a pledge's id cannot change"
            raise InputError([Problem(where="body", path="id", reason=reason)])
        if isinstance(changes.get("nation"), str):
            may_edit(user, changes["nation"])
        return repo.update_pledge(
            name,
            ref.pledge_id,
            version,
            changes,
            allowed=lambda nation: may_edit(user, nation),
            read=read,
        )


@router.patch(
    "/pledges/{pledge_id}", response_model=PledgeOut, responses=VERSIONED, tags=["pledges"]
)
async def update_pledge(
    pledge_id: str,
    request: Request,
    response: Response,
    ref: PledgeRef = Depends(named_pledge),
    scenario: str | None = SCENARIO_Q,
    if_match: str | None = IF_MATCH,
) -> dict[str, Any]:
    """Change a pledge at the version read (``version`` field, or an ``If-Match`` header)."""
    raw = await request.body()
    stored = await run_in_threadpool(_update, ref, raw, if_match, request)
    _changed(request)
    response.headers["ETag"] = _etag(stored.version)
    return stored.to_json()


def _remove(target: Target, version: int, request: Request) -> None:
    with store_of(request).transaction(target.user.name, write=True) as repo:
        repo.remove_pledge(
            target.scenario,
            target.read.pledge.id,
            version,
            allowed=lambda nation: may_edit(target.user, nation),
        )


@router.delete("/pledges/{pledge_id}", status_code=204, responses=VERSIONED, tags=["pledges"])
async def remove_pledge(
    pledge_id: str,
    request: Request,
    target: Target = Depends(editable_pledge),
    scenario: str | None = SCENARIO_Q,
    version: int | None = Query(default=None, ge=1, description="The version read."),
    if_match: str | None = IF_MATCH,
) -> Response:
    """Remove a pledge at the version read (``version`` query, or an ``If-Match`` header)."""
    await run_in_threadpool(_remove, target, version_of(version, if_match), request)
    _changed(request)
    return Response(status_code=204)


def _start(request: Request, user: User, body: RunCreate) -> RunOut:
    problems = text_problems(
        body.params, {}, lambda path, reason: Problem("body", reason, None, f"params.{path}")
    )
    if problems:
        raise InputError(problems)
    with store_of(request).transaction(user.name) as repo:
        name = _scenario(repo, body.scenario)
    return _run_out(_runner(request).submit(body.kind, name, body.params, user.name))


@router.post("/runs", response_model=RunOut, status_code=202, responses=WRITE_ERRORS, tags=["runs"])
async def start_run(request: Request, user: User = Depends(planner)) -> RunOut:
    """Start a model run in the background (planners); poll GET /api/runs/{id}."""
    body = validated(RunCreate, await json_body(request))
    return await run_in_threadpool(_start, request, user, body)
