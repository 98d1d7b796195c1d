"""The REST API's reads: reference data, scenarios, pledges, audit, and runs.

The writes are in :mod:`guarantor.web.writes`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse

from guarantor.data import load_capabilities, load_nations
from guarantor.errors import NotFoundError
from guarantor.model import CapabilityType, Nation, Requirement
from guarantor.scenarios import default_scenario_name
from guarantor.store import Repository, Store, StoredPledge
from guarantor.store.records import AuditEntry, StoredScenario
from guarantor.store.runs import Run, get_run, list_runs, run_result
from guarantor.store.users import User
from guarantor.web.auth import current_user, planner, store_of
from guarantor.web.cache import Listing, PledgeListings
from guarantor.web.jobs import JobRunner
from guarantor.web.kinds import params_schema
from guarantor.web.schemas import (
    ErrorOut,
    Health,
    Kind,
    PledgeOut,
    RunOut,
    RunResult,
    UserOut,
)
from guarantor.web.summary import pledge_summary

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid token."},
    403: {"model": ErrorOut, "description": "The role does not allow it."},
    404: {"model": ErrorOut, "description": "No such thing."},
    429: {"model": ErrorOut, "description": "Too many failed sign-ins from this address."},
}
#: The longest scenario name the store holds (``scenarios.name``).
SCENARIO_MAX = 128
SCENARIO_Q = Query(
    default=None, max_length=SCENARIO_MAX, description="Stored scenario; default: the dashboard's."
)

router = APIRouter(prefix="/api")

#: The bundled default scenario's name (finding it reads every scenario file: do it once).
PREFERRED = default_scenario_name()


@router.get("/health", response_model=Health, tags=["meta"])
def health() -> Health:
    """Liveness: 200 without a token."""
    return Health()


def _scenario(repo: Repository, name: str | None) -> str:
    """The scenario a request means: the one named, else the default one, else the first."""
    if name:
        return name
    names = repo.scenario_names()
    if PREFERRED in names:
        return PREFERRED
    if not names:
        raise NotFoundError("the store holds no scenario")
    return names[0]


def _listing(store: Store, listings: PledgeListings, scenario: str | None, actor: str) -> Listing:
    """A scenario's pledge listing, rebuilt if it changed (404 if there is no such scenario)."""
    with store.transaction(actor) as repo:
        name = _scenario(repo, scenario)
    listing = listings.get(store, name)
    if listing is None:
        raise NotFoundError(f"no scenario {name!r} in the store")
    return listing


def _changed(request: Request) -> None:
    """After a committed write: drop cached listings so this server shows it at once."""
    listings: PledgeListings = request.app.state.listings
    listings.invalidate()


def _pledge_out(p: StoredPledge) -> dict[str, Any]:
    return p.to_json()


def _etag(version: int) -> str:
    return f'"{version}"'


@router.get("/me", response_model=UserOut, responses=ERRORS, tags=["users"])
def me(user: User = Depends(current_user)) -> UserOut:
    """The user the token belongs to."""
    return UserOut(name=user.name, role=user.role.value, nation=user.nation, can_plan=user.can_plan)


@router.get("/nations", response_model=list[Nation], responses=ERRORS, tags=["reference"])
def nations(_: User = Depends(current_user)) -> list[Nation]:
    """Every contributor in the reference data (states with GDP, and organisations)."""
    return list(load_nations().values())


@router.get(
    "/capabilities", response_model=list[CapabilityType], responses=ERRORS, tags=["reference"]
)
def capabilities(_: User = Depends(current_user)) -> list[CapabilityType]:
    """The capability catalogue."""
    return list(load_capabilities().values())


@router.get("/scenarios", response_model=list[StoredScenario], responses=ERRORS, tags=["scenarios"])
def scenarios(request: Request, user: User = Depends(current_user)) -> list[StoredScenario]:
    """The stored scenarios."""
    with store_of(request).transaction(user.name) as repo:
        return repo.list_scenarios()


@router.get("/scenarios/{name}", responses=ERRORS, tags=["scenarios"])
def scenario(name: str, request: Request, user: User = Depends(current_user)) -> dict[str, Any]:
    """A stored scenario in full (the same structure as a scenario file)."""
    with store_of(request).transaction(user.name) as repo:
        return repo.export_scenario(name).model_dump(mode="json")


@router.get("/map", responses=ERRORS, tags=["scenarios"])
def theatre_map(
    request: Request, scenario: str | None = SCENARIO_Q, user: User = Depends(current_user)
) -> dict[str, str]:
    """The scenario's theatre map as SVG: sites, and what defends each air-defence zone."""
    from guarantor.report.scenario_map import scenario_theatre_map

    with store_of(request).transaction(user.name) as repo:
        sc = repo.export_scenario(_scenario(repo, scenario))
    return {"scenario": sc.name, "svg": scenario_theatre_map(sc)}


@router.get("/summary", responses=ERRORS, tags=["scenarios"])
def summary(
    request: Request, scenario: str | None = SCENARIO_Q, user: User = Depends(current_user)
) -> dict[str, Any]:
    """Pledged against required units by capability class, and pledges by nation and domain."""
    with store_of(request).transaction(user.name) as repo:
        return pledge_summary(repo.export_scenario(_scenario(repo, scenario)))


@router.get("/requirements", response_model=list[Requirement], responses=ERRORS, tags=["scenarios"])
def requirements(
    request: Request, scenario: str | None = SCENARIO_Q, user: User = Depends(current_user)
) -> list[Requirement]:
    """A scenario's requirements (mission slots)."""
    with store_of(request).transaction(user.name) as repo:
        return list(repo.export_scenario(_scenario(repo, scenario)).requirements)


@router.get("/pledges", response_model=list[PledgeOut], responses=ERRORS, tags=["pledges"])
async def pledges(
    request: Request,
    scenario: str | None = SCENARIO_Q,
    nation: str | None = Query(default=None, max_length=16, description="Only this contributor."),
    user: User = Depends(current_user),
) -> Response:
    """A scenario's pledges, each with its version.

    Asynchronous for speed: the one short fingerprint query runs on the event loop, and only
    a changed listing is rebuilt, in a thread (see :mod:`guarantor.web.cache`).
    """
    listings: PledgeListings = request.app.state.listings
    store = store_of(request)
    listing = listings.cached(store, scenario or PREFERRED)
    if listing is None:
        listing = await run_in_threadpool(_listing, store, listings, scenario, user.name)
    if nation is None:
        return Response(listing.body, media_type="application/json")
    return JSONResponse([p for p in listing.pledges if p["nation"] == nation])


@router.get("/pledges/{pledge_id}", response_model=PledgeOut, responses=ERRORS, tags=["pledges"])
def pledge(
    pledge_id: str,
    request: Request,
    response: Response,
    scenario: str | None = SCENARIO_Q,
    user: User = Depends(current_user),
) -> dict[str, Any]:
    """One pledge; its ETag is its version."""
    with store_of(request).transaction(user.name) as repo:
        stored = repo.get_pledge(_scenario(repo, scenario), pledge_id)
    response.headers["ETag"] = _etag(stored.version)
    return _pledge_out(stored)


@router.get("/audit", response_model=list[AuditEntry], responses=ERRORS, tags=["audit"])
def audit(
    request: Request,
    scenario: str | None = Query(default=None, max_length=128),
    entity: str | None = Query(default=None, max_length=32, description="pledge or scenario"),
    entity_id: str | None = Query(default=None, max_length=128),
    limit: int = Query(default=100, ge=1, le=1000),
    user: User = Depends(planner),
) -> list[AuditEntry]:
    """Audited writes, oldest first: who, when, before and after (planners only)."""
    with store_of(request).transaction(user.name) as repo:
        return repo.audit(scenario=scenario, entity=entity, entity_id=entity_id, limit=limit)


def _runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


def _run_out(run: Run) -> RunOut:
    return RunOut.model_validate(run.model_dump())


@router.get("/kinds", response_model=list[Kind], responses=ERRORS, tags=["runs"])
def kinds(request: Request, _: User = Depends(current_user)) -> list[Kind]:
    """The job kinds this server can run."""
    out = []
    for name, func in sorted(_runner(request).kinds.items()):
        doc = (func.__doc__ or "").strip().splitlines()
        out.append(Kind(kind=name, description=doc[0] if doc else name, params=params_schema(func)))
    return out


@router.get("/runs", response_model=list[RunOut], responses=ERRORS, tags=["runs"])
def runs(
    request: Request,
    limit: int = Query(default=50, ge=1, le=500),
    _: User = Depends(current_user),
) -> list[RunOut]:
    """The latest runs, newest first."""
    with store_of(request).sessions() as session:
        return [_run_out(r) for r in list_runs(session, limit)]


@router.get("/runs/{run_id}", response_model=RunOut, responses=ERRORS, tags=["runs"])
def run(run_id: str, request: Request, _: User = Depends(current_user)) -> RunOut:
    """A run's status and progress."""
    with store_of(request).sessions() as session:
        return _run_out(get_run(session, run_id))


@router.get(
    "/runs/{run_id}/result",
    response_model=RunResult,
    responses={**ERRORS, 409: {"model": ErrorOut, "description": "Not finished, or failed."}},
    tags=["runs"],
)
def result(run_id: str, request: Request, _: User = Depends(current_user)) -> Any:
    """A finished run's result; 409 while it is queued or running, or when it failed."""
    found, data = _finished(request, run_id)
    if data is None:
        return _unfinished(found)
    return RunResult(run=_run_out(found), result=data)


def _finished(request: Request, run_id: str) -> tuple[Run, dict[str, Any] | None]:
    """A run and its result (None unless it succeeded); 404 if there is no such run."""
    with store_of(request).sessions() as session:
        return run_result(session, run_id)


def _unfinished(found: Run) -> JSONResponse:
    """409 for a run that has no result (yet): why, and its status."""
    why = found.error if found.status.value == "failed" else f"the run is {found.status.value}"
    return JSONResponse(status_code=409, content={"detail": why, "status": found.status.value})


@router.get(
    "/runs/{run_id}/report",
    response_class=HTMLResponse,
    responses={**ERRORS, 409: {"model": ErrorOut, "description": "Not finished, or no report."}},
    tags=["runs"],
)
def report(run_id: str, request: Request, _: User = Depends(current_user)) -> Any:
    """The report page of a finished assessment run (self-contained HTML)."""
    from guarantor.report.build import render_report

    found, data = _finished(request, run_id)
    if data is None:
        return _unfinished(found)
    if found.kind != "assessment":
        return JSONResponse(
            status_code=409,
            content={"detail": f"a {found.kind} run has no report; run an assessment"},
        )
    return HTMLResponse(render_report(data))
