"""Job kinds: what ``POST /api/runs`` can start, each a callable on a stored scenario.

A job function takes ``(scenario, params, progress)`` and returns a JSON-serialisable dict;
``progress(fraction, message)`` reports how far it is (0 to 1).

The server's kinds are the registry's (:mod:`guarantor.kinds`), under the web API's names:
``summary``, ``assessment`` (the registry's ``assess``), ``sourcing`` (``source``), ``raid``,
``campaign``, ``deployment`` and ``comparison`` (options side by side, as ``guarantor compare``;
:mod:`guarantor.web.comparison`). :func:`registry_job` validates ``params`` against the kind's parameters
(an invalid or unknown one is an :class:`InputError`), runs it, and turns its result into
JSON. Jobs, the pipeline and the CLI share one progress protocol
(:class:`guarantor.progress.Progress`), so a job hands its callback to the model as it is.

Tests and embedders can pass their own kinds to :func:`guarantor.web.create_app`;
:func:`model_adapter` makes one from a model function whose first parameter is the scenario.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from guarantor.errors import InputError, Problem
from guarantor.model import Scenario
from guarantor.progress import Progress as Progress

JobFunction = Callable[[Scenario, dict[str, Any], Progress], dict[str, Any]]


def to_jsonable(value: Any) -> Any:
    """A model result as plain JSON values: pydantic models, dataclasses, tables, arrays."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a pandas DataFrame
        return to_jsonable(value.to_dict(orient="records"))
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return to_jsonable(value.tolist())
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    return str(value)


def _as_result(value: Any) -> dict[str, Any]:
    out = to_jsonable(value)
    return out if isinstance(out, dict) else {"result": out}


def summary_job(scenario: Scenario, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Pledged against required units by capability class (no model)."""
    return registry_job("summary")(scenario, params, progress)


def _options_model(func: Callable[..., Any]) -> tuple[str, type[BaseModel]] | None:
    """The name and pydantic type of ``func``'s second parameter, if it is an options model."""
    params = list(inspect.signature(func).parameters.values())
    if len(params) < 2 or params[1].kind not in (params[1].POSITIONAL_OR_KEYWORD,):
        return None
    try:
        hint = typing.get_type_hints(func).get(params[1].name)
    except Exception:  # unresolvable annotations: fall back to keywords
        return None
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return params[1].name, candidate
    return None


def model_adapter(func: Callable[..., Any], name: str) -> JobFunction:
    """A job calling a model function on the scenario with ``params`` as its arguments.

    If the function's second parameter is a pydantic options model (``options:
    SourcingOptions | None``), ``params`` is validated as that model; otherwise ``params``
    are its keyword arguments, checked against its signature. Unknown or invalid parameters
    are input errors. A function with a ``progress`` keyword gets the job's callback.
    """
    sig = inspect.signature(func)
    names = list(sig.parameters)
    accepts = {
        n
        for n, p in list(sig.parameters.items())[1:]
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and n != "progress"
    }
    takes_any = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    options = _options_model(func)
    wants_progress = "progress" in names

    def job(scenario: Scenario, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if options is not None:
            try:
                kwargs[options[0]] = options[1].model_validate(params)
            except ValidationError as exc:
                from guarantor.kinds import params_problems

                raise InputError(params_problems(exc)) from None
        else:
            unknown = [k for k in params if k not in accepts]
            if unknown and not takes_any:
                allowed = ", ".join(sorted(accepts)) or "none"
                raise InputError(
                    [
                        Problem(where="params", path=k, reason=f"unknown parameter ({allowed})")
                        for k in unknown
                    ]
                )
            kwargs.update(params)
        if wants_progress:
            kwargs["progress"] = progress
        progress(0.05, f"running {name}")
        return _as_result(func(scenario, **kwargs))

    doc = (inspect.getdoc(func) or name).splitlines()[0]
    job.__doc__ = f"{doc} ({name})"
    return job


#: The web API's kind names and the registry's kinds they run.
WEB_KINDS: dict[str, str] = {
    "summary": "summary",
    "assessment": "assess",
    "sourcing": "source",
    "raid": "raid",
    "campaign": "campaign",
    "deployment": "deploy",
}

#: Defaults of the web runs where they differ from the models' (fewer trials, for speed).
WEB_DEFAULTS: dict[str, dict[str, Any]] = {
    "assessment": {"raid_trials": 5000, "campaign_trials": 500},
    "raid": {"trials": 1000},
    "campaign": {"trials": 500},
}


def registry_job(name: str) -> JobFunction:
    """The job running the registry's kind behind the web API's kind ``name``."""
    from guarantor.kinds import get_kind

    kind = get_kind(WEB_KINDS.get(name, name))
    defaults = WEB_DEFAULTS.get(name, {})

    def job(scenario: Scenario, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
        p = kind.validate(params)
        unset = {k: v for k, v in defaults.items() if k not in p.model_fields_set}
        if unset:
            p = p.model_copy(update=unset)
        return _as_result(kind.to_json(kind.run(scenario, p, progress)))

    job.__doc__ = kind.description
    job.__name__ = f"{name}_job"
    job.params_schema = _form_schema(kind.params, defaults)  # type: ignore[attr-defined]
    job.check_params = lambda params: _check(kind, params)  # type: ignore[attr-defined]
    return job


def _check(kind: Any, params: dict[str, Any]) -> None:
    """Raise an :class:`InputError` naming each bad parameter (``body.params.trials``)."""
    try:
        kind.validate(params)
    except InputError as exc:
        raise InputError(
            [
                Problem("body", p.reason, None, f"params.{p.path}" if p.path else "params")
                for p in exc.problems
            ]
        ) from None


def check_params(func: JobFunction, params: dict[str, Any]) -> None:
    """Check a run's parameters before it is queued, where the job says how (registry kinds);
    other jobs check theirs when they run."""
    check = getattr(func, "check_params", None)
    if callable(check):
        check(params)


def _form_schema(params: type[BaseModel], defaults: dict[str, Any]) -> dict[str, Any]:
    """A kind's parameters as JSON Schema, with the web's own defaults shown (for the form)."""
    schema = params.model_json_schema()
    for key, value in defaults.items():
        if key in schema.get("properties", {}):
            schema["properties"][key]["default"] = value
    return schema


def params_schema(func: JobFunction) -> dict[str, Any]:
    """The JSON Schema of a job's parameters, if it publishes one (else an empty object)."""
    schema = getattr(func, "params_schema", None)
    return schema if isinstance(schema, dict) else {}


def default_kinds() -> dict[str, JobFunction]:
    """Every job kind the server runs, by its web API name (the comparison included)."""
    from guarantor.web.comparison import ComparisonJob

    kinds: dict[str, JobFunction] = {name: registry_job(name) for name in WEB_KINDS}
    kinds["comparison"] = ComparisonJob()
    return kinds
