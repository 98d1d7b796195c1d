"""The web app: the REST API, the pages and their static assets, on one FastAPI server.

Every response carries the security headers and a body limit guards every request
(:mod:`guarantor.web.security`). The interactive API docs (``/docs``, ``/redoc``) are off:
they would load their scripts from other sites; ``/openapi.json`` describes the API.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from guarantor import __version__
from guarantor.errors import ConflictError, InputError, NotFoundError
from guarantor.store import ForbiddenError, Store
from guarantor.store.seeding import seed_empty_store
from guarantor.web import api, openapi, pages, sections, writes
from guarantor.web.cache import PledgeListings
from guarantor.web.jobs import JobRunner
from guarantor.web.kinds import JobFunction
from guarantor.web.security import AuthThrottle, BodyLimit, SecurityHeaders, max_body_bytes

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"


def ensure_data(store: Store) -> list[str]:
    """Give an empty store every bundled scenario (so options can be compared at once);
    returns the names imported (none when the store holds any scenario)."""
    added = seed_empty_store(store)
    if added:
        log.info("empty store: imported the bundled scenarios %s", ", ".join(added))
    return added


def _loc(where: str, path: str | None) -> list[str | int]:
    """A FastAPI-style error location from a problem's field path (``caveats.zones[0]``)."""
    section = where if where in ("body", "query", "header", "path") else "body"
    parts: list[str | int] = [section]
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path or ""):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return parts


def input_error_body(exc: InputError) -> dict[str, Any]:
    """422 body for a user's mistake: one entry per problem, with its field location."""
    return {
        "detail": [
            {"loc": _loc(p.where, p.path), "msg": p.reason, "type": "value_error"}
            for p in exc.problems
        ]
    }


class SafeJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: text echoed from a request (a lone
    surrogate, say) can never make the reply itself fail."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False).encode("ascii")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ForbiddenError)
    async def _forbidden(_: Request, exc: ForbiddenError) -> JSONResponse:
        return SafeJSONResponse(status_code=403, content={"detail": str(exc)})

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return SafeJSONResponse(status_code=422, content=input_error_body(exc))

    @app.exception_handler(ConflictError)
    async def _conflict(_: Request, exc: ConflictError) -> JSONResponse:
        content: dict[str, Any] = {"detail": str(exc)}
        current = getattr(exc, "current", None)
        if current is not None:
            content["current_version"] = current
        return SafeJSONResponse(status_code=409, content=content)

    @app.exception_handler(NotFoundError)
    async def _missing(_: Request, exc: NotFoundError) -> JSONResponse:
        return SafeJSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return SafeJSONResponse(
            status_code=exc.status_code, content={"detail": exc.detail}, headers=exc.headers
        )

    @app.exception_handler(OperationalError)
    async def _busy(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("store unavailable: %s", exc)
        return SafeJSONResponse(
            status_code=503,
            content={"detail": "the store is busy or unreachable; nothing was written, retry"},
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return SafeJSONResponse(status_code=422, content={"detail": detail})


def create_app(
    store: Store,
    *,
    kinds: dict[str, JobFunction] | None = None,
    workers: int = 2,
    bootstrap: bool = True,
    max_body: int | None = None,
    throttle: AuthThrottle | None = None,
) -> FastAPI:
    """The app over an open (migrated) store; an empty store first gets the default scenario.

    ``max_body`` is the largest request body in bytes (default: ``GUARANTOR_MAX_BODY_BYTES``,
    else 1 MB); ``throttle`` limits failed authentication per client address.
    """
    if bootstrap:
        ensure_data(store)
    jobs = JobRunner(store, kinds, workers=workers)
    jobs.recover()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        title="guarantor",
        version=__version__,
        description="Shared planning of a multinational security guarantee for Ukraine: "
        "pledges (versioned, audited), scenarios, reference data and model runs.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.jobs = jobs
    app.state.listings = PledgeListings()
    app.state.auth_throttle = throttle or AuthThrottle()
    _handlers(app)
    app.include_router(api.router)
    app.include_router(writes.router)
    app.include_router(sections.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodyLimit, limit=max_body_bytes(max_body))
    app.add_middleware(SecurityHeaders)
    openapi.install(app, lambda: sorted(jobs.kinds))
    return app
