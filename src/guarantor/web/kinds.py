"""Job kinds: what ``POST /api/runs`` can start, each a callable on a stored scenario.

A job function takes ``(scenario, params, progress)`` and returns a JSON-serialisable dict;
``progress(fraction, message)`` reports how far it is (0 to 1). Adding a kind:

- a model function whose first parameter is the scenario (``source(scenario, options)``,
  ``assess(scenario, ...)``): add ``kind: (module, (function names...))`` to
  :data:`OPTIONAL_KINDS`; :func:`model_adapter` validates ``params`` against its options model
  (or its keyword arguments) and turns the result into JSON;
- anything else (a model taking other inputs, like the raid Monte Carlo): write a small job
  function like :func:`raid_job` and register it in :func:`default_kinds`.

Models are imported lazily, and only kinds whose model imports are registered, so a model
that is missing or broken leaves the other kinds working. Tests and embedders can pass their
own kinds to :func:`guarantor.web.create_app`.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import logging
import typing
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guarantor.errors import InputError, Problem
from guarantor.model import Scenario
from guarantor.web.summary import pledge_summary

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Reports how far a job is: a fraction from 0 to 1 and an optional message."""

    def __call__(self, fraction: float, message: str | None = None) -> None: ...


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
    """Pledged against required units by capability class (no model; always available)."""
    if params:
        raise InputError(
            [Problem(where="params", path=k, reason="summary takes no parameters") for k in params]
        )
    progress(0.5, "counting pledges and requirements")
    return pledge_summary(scenario)


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


def _params_problems(exc: ValidationError) -> list[Problem]:
    return [
        Problem(
            where="params",
            path=".".join(str(p) for p in e["loc"]) or None,
            reason="unknown parameter" if e["type"] == "extra_forbidden" else e["msg"],
        )
        for e in exc.errors(include_url=False)
    ]


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
                raise InputError(_params_problems(exc)) from None
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


#: Optional model functions: job kind -> (module, function name). Registered if they import.
#: The first name that exists is used.
OPTIONAL_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sourcing": ("guarantor.sourcing", ("source",)),
    "raid": ("guarantor.airdefence", ("raid", "simulate_raid", "run_raid")),
}


def _optional(module: str, attrs: tuple[str, ...]) -> tuple[str, Callable[..., Any]] | None:
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # a model being written or broken must not stop the server
        log.info("job kinds from %s not available: %s", module, exc)
        return None
    for attr in attrs:
        func = getattr(mod, attr, None)
        if callable(func) and not isinstance(func, type) and _takes_scenario(func):
            return attr, func
    return None


def _takes_scenario(func: Callable[..., Any]) -> bool:
    """Whether a function's first parameter is the scenario (by name or annotation)."""
    try:
        first = next(iter(inspect.signature(func).parameters.values()), None)
    except (TypeError, ValueError):
        return False
    if first is None:
        return False
    return first.name == "scenario" or first.annotation in (Scenario, "Scenario")


class RaidParams(BaseModel):
    """Parameters of a raid run: which of the scenario's raids, how many trials, the seed."""

    model_config = ConfigDict(extra="forbid")

    raid: str | None = Field(default=None, description="Raid name; default: the design raid.")
    runs: int = Field(default=1000, ge=1, le=100_000, description="Monte Carlo trials.")
    seed: int = Field(default=0, ge=0, description="Same seed, same result.")


def raid_job(scenario: Scenario, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """One raid of the scenario's threat picture against its air defence (Monte Carlo)."""
    from guarantor.airdefence.defence import build_defence
    from guarantor.airdefence.raid import simulate_raid

    try:
        p = RaidParams.model_validate(params)
    except ValidationError as exc:
        raise InputError(_params_problems(exc)) from None
    name = p.raid or scenario.threat.design_raid
    raid = next((r for r in scenario.threat.raids if r.name == name), None)
    if raid is None:
        known = ", ".join(r.name for r in scenario.threat.raids)
        raise InputError([Problem(where="params", path="raid", reason=f"one of {known}")])
    progress(0.1, f"simulating raid {name}, {p.runs} trials")
    result = simulate_raid(build_defence(scenario), raid, p.runs, p.seed)
    return {"raid": name, **_as_result(result.to_dict())}


class AssessParams(BaseModel):
    """Parameters of an assessment run (fewer trials than the CLI's defaults, for speed)."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=0, ge=0, description="Same scenario and seed, same assessment.")
    raid_trials: int = Field(default=5000, ge=100, le=100_000)
    campaign_trials: int = Field(default=500, ge=10, le=20_000)


def assessment_job(
    scenario: Scenario, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """The whole assessment (guarantor assess); its result renders as the report."""
    from guarantor.assessment import AssessOptions, assess

    try:
        p = AssessParams.model_validate(params)
    except ValidationError as exc:
        raise InputError(_params_problems(exc)) from None
    options = AssessOptions(raid_trials=p.raid_trials, campaign_trials=p.campaign_trials)
    result = assess(
        scenario, seed=p.seed, options=options, progress=lambda step, frac: progress(frac, step)
    )
    return result.data


class CampaignParams(BaseModel):
    """Parameters of a campaign run: nights, trials, seed."""

    model_config = ConfigDict(extra="forbid")

    days: int | None = Field(default=None, ge=1, le=3650, description="Default: the scenario's.")
    trials: int = Field(default=500, ge=1, le=20_000)
    seed: int = Field(default=0, ge=0)


def campaign_job(scenario: Scenario, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A campaign drawn from the scenario's tempo: interceptor stocks and leakage by night."""
    from guarantor.airdefence.campaign import run_campaign, scenario_tempo
    from guarantor.airdefence.defence import build_defence

    try:
        p = CampaignParams.model_validate(params)
    except ValidationError as exc:
        raise InputError(_params_problems(exc)) from None
    tempo = scenario_tempo(scenario.threat.tempo)
    days = p.days or scenario.threat.campaign_days
    progress(0.1, f"campaign of {days} nights, {p.trials} trials")
    result = run_campaign(
        build_defence(scenario).national(),
        days,
        p.trials,
        p.seed,
        tempo=tempo,
        progress=lambda done, total: progress(0.1 + 0.9 * done / max(total, 1), None),
    )
    return _as_result(result.to_dict())


def _raid_available() -> bool:
    try:
        from guarantor.airdefence.defence import build_defence  # noqa: F401
        from guarantor.airdefence.raid import RaidResult, simulate_raid  # noqa: F401
    except Exception as exc:  # the model being written or broken must not stop the server
        log.info("raid job kind not available: %s", exc)
        return False
    return hasattr(RaidResult, "to_dict")


def default_kinds() -> dict[str, JobFunction]:
    """Every job kind available in this installation."""
    kinds: dict[str, JobFunction] = {
        "summary": summary_job,
        "assessment": assessment_job,
        "campaign": campaign_job,
    }
    for kind, (module, attrs) in OPTIONAL_KINDS.items():
        found = _optional(module, attrs)
        if found is not None:
            kinds[kind] = model_adapter(found[1], f"{module}.{found[0]}")
    if "raid" not in kinds and _raid_available():
        kinds["raid"] = raid_job
    return kinds
