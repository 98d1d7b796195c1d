"""The REST API for a stored scenario's sections: read any, replace one (planners).

``GET /api/scenarios/{name}/{section}`` returns the section under its own name with the
scenario's revision as ``version`` (and as the ETag); ``PUT`` replaces it at that version
(``version`` field or ``If-Match``). Sections: :data:`guarantor.store.scenario_edits.SECTIONS`.

Writes answer in the same order as the pledge writes (:mod:`guarantor.web.writes`): 401,
403 for any role but planner and admin (sections are the whole coalition's, not one
nation's), 404 for no such scenario, then 422 for a body that is not JSON or does not fit
the section's schema, then 409 for a stale version, then 422 for a section that breaks the
scenario (the checks a scenario file passes, cross-references included), each problem
located in the body (``["body", "requirements", 2, "quantity"]``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, create_model

from guarantor.errors import NotFoundError
from guarantor.model import Front, Requirement, Scenario, ThreatPicture
from guarantor.model.forces import RussianForces, UkrainianForces
from guarantor.model.provenance import Assumption
from guarantor.model.scenario import Site
from guarantor.store.limits import NAME_MAX, text_problem
from guarantor.store.scenario_edits import (
    GENERAL_FIELDS,
    SECTIONS,
    SectionState,
    read_section,
    update_section,
)
from guarantor.store.users import User
from guarantor.web.api import ERRORS, _changed, _etag
from guarantor.web.auth import current_user, planner, store_of
from guarantor.web.schemas import Omittable, Whole
from guarantor.web.writes import IF_MATCH, VERSIONED, parse_json, validated, version_of

router = APIRouter(prefix="/api")

#: The general settings as one object (the scenario's own fields and limits).
GeneralSettings: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "GeneralSettings",
    __config__=ConfigDict(extra="forbid", allow_inf_nan=False),
    __doc__=SECTIONS["general"],
    **{k: (Scenario.model_fields[k].annotation, Scenario.model_fields[k]) for k in GENERAL_FIELDS},
)

#: Each section's type, as the scenario holds it.
SECTION_TYPES: dict[str, Any] = {
    "general": GeneralSettings,
    "requirements": list[Requirement],
    "threat": ThreatPicture,
    "front": Front,
    "sites": list[Site],
    "ukraine": UkrainianForces,
    "russia": RussianForces,
    "assumptions": list[Assumption],
}


def _title(section: str) -> str:
    return section.capitalize()


def _write_model(section: str) -> type[BaseModel]:
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        f"{_title(section)}Write",
        __config__=ConfigDict(extra="forbid", allow_inf_nan=False),
        __doc__=f"A new {section} section, at the version read: {SECTIONS[section]}",
        version=(Whole | None, Omittable(ge=1, description="The scenario version read.")),
        **{section: (SECTION_TYPES[section], Field(description=SECTIONS[section]))},
    )
    return model


def _read_model(section: str) -> type[BaseModel]:
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        f"{_title(section)}Section",
        __doc__=f"A stored scenario's {section}: {SECTIONS[section]}",
        scenario=(str, Field(description="The stored scenario.")),
        version=(int, Field(description="The scenario's revision: send it back to write.")),
        updated_at=(datetime, Field(description="When the scenario last changed.")),
        **{section: (SECTION_TYPES[section], Field(description=SECTIONS[section]))},
    )
    return model


#: (method, path) -> the model of its JSON body, for the OpenAPI document.
SECTION_BODIES: dict[tuple[str, str], type[BaseModel]] = {
    ("put", f"/api/scenarios/{{name}}/{s}"): _write_model(s) for s in SECTIONS
}


def _known(name: str) -> str:
    """A scenario name the store could hold (else 404, as the lookup would find)."""
    if text_problem(name, NAME_MAX) is not None:
        raise NotFoundError(f"no scenario {name.encode('utf-8', 'backslashreplace')!r} stored")
    return name


def _read(request: Request, user: User, name: str, section: str) -> SectionState:
    with store_of(request).transaction(user.name) as repo:
        return read_section(repo, _known(name), section)


def _write(
    request: Request, user: User, name: str, section: str, raw: bytes, if_match: str | None
) -> SectionState:
    """The whole write in one transaction, its answers in the documented order."""
    model = SECTION_BODIES[("put", f"/api/scenarios/{{name}}/{section}")]
    with store_of(request).transaction(user.name, write=True) as repo:
        read_section(repo, _known(name), section)  # 404 before the body is read
        body = validated(model, parse_json(raw))
        version = version_of(getattr(body, "version", None), if_match)
        value = body.model_dump(mode="json")[section]
        return update_section(repo, name, section, version, value)


def _reader(section: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def read(
        name: str, request: Request, response: Response, user: User = Depends(current_user)
    ) -> dict[str, Any]:
        state = await run_in_threadpool(_read, request, user, name, section)
        response.headers["ETag"] = _etag(state.revision)
        return state.to_json()

    read.__doc__ = f"A stored scenario's {section}, with its version. {SECTIONS[section]}"
    read.__name__ = f"read_{section}"
    return read


def _writer(section: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def write(
        name: str,
        request: Request,
        response: Response,
        user: User = Depends(planner),
        if_match: str | None = IF_MATCH,
    ) -> dict[str, Any]:
        raw = await request.body()
        state = await run_in_threadpool(_write, request, user, name, section, raw, if_match)
        _changed(request)
        response.headers["ETag"] = _etag(state.revision)
        return state.to_json()

    write.__doc__ = (
        f"Replace a stored scenario's {section} at the version read (``version`` field or "
        "``If-Match``); planners and admins. Checked as a scenario file is, cross-references "
        "included."
    )
    write.__name__ = f"replace_{section}"
    return write


for _section in SECTIONS:
    _path = f"/scenarios/{{name}}/{_section}"
    _model = _read_model(_section)
    router.add_api_route(
        _path,
        _reader(_section),
        methods=["GET"],
        response_model=_model,
        responses=ERRORS,
        tags=["scenarios"],
    )
    router.add_api_route(
        _path,
        _writer(_section),
        methods=["PUT"],
        response_model=_model,
        responses=VERSIONED,
        tags=["scenarios"],
    )
