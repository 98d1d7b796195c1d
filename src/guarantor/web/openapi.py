"""The OpenAPI document, made to say exactly what the server accepts.

FastAPI describes the routes; this adds what it cannot see: the bodies of the write routes
(read after the authorisation checks, see :mod:`guarantor.web.writes`), the version those
writes require, the job kinds this server runs, and the report's media types.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from guarantor.web.schemas import PledgeIn, PledgePatch, RunCreate
from guarantor.web.sections import SECTION_BODIES

#: (method, path) -> the model of its JSON body.
BODIES: dict[tuple[str, str], type[BaseModel]] = {
    ("post", "/api/pledges"): PledgeIn,
    ("patch", "/api/pledges/{pledge_id}"): PledgePatch,
    ("post", "/api/runs"): RunCreate,
    **SECTION_BODIES,
}
#: Bodies whose ``version`` the server requires (as a field or an If-Match header).
VERSIONED_BODIES = ("PledgePatch", *(m.__name__ for m in SECTION_BODIES.values()))
REF = "#/components/schemas/"


def _body_schemas(existing: dict[str, Any]) -> dict[str, str]:
    """Add the body models' schemas to ``existing`` (renaming any that would clash) and
    return each model's component name."""
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "validation") for m in BODIES.values()
    ]
    refs, top = models_json_schema(models, ref_template=REF + "{model}")
    defs: dict[str, Any] = top.get("$defs", {})
    renamed = {
        name: f"{name}-Input"
        for name, schema in defs.items()
        if existing.get(name, schema) != schema
    }
    text = json.dumps(defs)
    for old, new in renamed.items():
        text = text.replace(f'"{REF}{old}"', f'"{REF}{new}"')
    for name, schema in json.loads(text).items():
        existing[renamed.get(name, name)] = schema
    names = {}
    for (model, _mode), ref in refs.items():
        name = ref["$ref"].removeprefix(REF)
        names[model.__name__] = renamed.get(name, name)
    return names


def refine(doc: dict[str, Any], kinds: list[str]) -> dict[str, Any]:
    """The document FastAPI made, completed (see the module's docstring)."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    names = _body_schemas(schemas)
    for (method, path), model in BODIES.items():
        op = doc["paths"][path][method]
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF + names[model.__name__]}}},
        }
    for body in VERSIONED_BODIES:
        schema = schemas[names[body]]
        schema["required"] = sorted({*schema.get("required", []), "version"})
    run = schemas[names["RunCreate"]]
    run["properties"]["kind"] = {
        "type": "string",
        "enum": sorted(kinds),
        "description": "A kind from GET /api/kinds.",
    }
    delete = doc["paths"]["/api/pledges/{pledge_id}"]["delete"]
    for param in delete.get("parameters", []):
        if param["name"] == "version":
            param["required"] = True
            param["schema"] = {"type": "integer", "minimum": 1}
    report = doc["paths"]["/api/runs/{run_id}/report"]["get"]["responses"]
    for code, answer in report.items():
        if code != "200" and "content" in answer:
            answer["content"] = {"application/json": next(iter(answer["content"].values()))}
    return doc


def install(app: FastAPI, kinds: Callable[[], list[str]]) -> None:
    """Serve the refined document at ``/openapi.json`` (built once, on first request)."""
    base = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = refine(base(), kinds())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
