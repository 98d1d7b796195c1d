"""The reference data of the allocation: what a unit of each use costs, when it arrives, how
many Ukraine can absorb, and what it changes in a scenario; each figure with its provenance.

Read from ``data/allocation/*.toml`` (packaged). A figure without a public source is flagged
``assumption = true`` with low confidence there, and the report lists it as such.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guarantor.errors import InputError, Problem
from guarantor.model import AirDefenceLayer, Zone
from guarantor.model.provenance import Provenance
from guarantor.model.zones import MissionSet


class Mode(StrEnum):
    """How the money is spent."""

    BUY = "buy"
    FINANCE = "finance"
    DEPLOY = "deploy"
    STOCKPILE = "stockpile"


class Effect(BaseModel):
    """What one unit of a use changes in the scenario.

    - ``air-units``: Ukraine gains ``units`` of ``layer`` (dealt over ``zones`` in turn) with
      ``interceptors`` in their magazines and ``supply_per_month`` more of them each month;
    - ``interceptors``: Ukraine's ``layer`` magazines gain ``interceptors`` (shared over the
      zones in proportion to the layer's units);
    - ``brigades``: Ukraine gains ``brigades`` combat brigades (its reserve grows);
    - ``coalition-unit``: the coalition keeps one more unit of the use's capability deployed
      (a requirement and a pledge are added, so the plan places it).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["air-units", "interceptors", "brigades", "coalition-unit"]
    layer: AirDefenceLayer | None = None
    units: int = Field(default=0, ge=0, le=1000)
    interceptors: int = Field(default=0, ge=0, le=100_000)
    supply_per_month: float = Field(default=0.0, ge=0, le=1_000_000)
    brigades: int = Field(default=0, ge=0, le=100)
    zones: list[Zone] = Field(default_factory=list)
    provenance: Provenance | None = Field(
        default=None, description="Where the unit's definition comes from (numbers above)."
    )

    @model_validator(mode="after")
    def _complete(self) -> Effect:
        if self.kind in ("air-units", "interceptors") and self.layer is None:
            raise ValueError(f"a {self.kind} effect needs a layer")
        if self.kind == "air-units" and (not self.zones or self.units <= 0):
            raise ValueError("an air-units effect needs units > 0 and at least one zone")
        if self.kind == "interceptors" and self.interceptors <= 0:
            raise ValueError("an interceptors effect needs interceptors > 0")
        if self.kind == "brigades" and self.brigades <= 0:
            raise ValueError("a brigades effect needs brigades > 0")
        return self


class UseSpec(BaseModel):
    """One use of money: a purchasable unit, its price, lead time, limits and effect."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    mode: Mode
    name: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    unit_cost_usd: float = Field(ge=0)
    annual_cost_usd: float = Field(default=0.0, ge=0)
    lead_months: float = Field(ge=0, le=120)
    max_units_per_year: float | None = Field(default=None, gt=0)
    max_units: int | None = Field(default=None, gt=0)
    capability: str | None = None
    zone: Zone | None = None
    mission_set: MissionSet | None = None
    effect: Effect
    sources: dict[str, Provenance]

    @model_validator(mode="after")
    def _consistent(self) -> UseSpec:
        if self.mode is Mode.DEPLOY:
            if self.effect.kind != "coalition-unit":
                raise ValueError("a deploy use must have a coalition-unit effect")
            if None in (self.capability, self.zone, self.mission_set, self.max_units):
                raise ValueError("a deploy use needs capability, zone, mission_set, max_units")
        elif self.max_units_per_year is None:
            raise ValueError("a use bought for Ukraine needs max_units_per_year")
        needed = {"unit_cost_usd", "lead_months"}
        needed |= {"max_units"} if self.mode is Mode.DEPLOY else {"max_units_per_year"}
        if self.annual_cost_usd > 0:
            needed.add("annual_cost_usd")
        missing = sorted(needed - set(self.sources))
        if missing:
            raise ValueError(f"figures without a source entry: {', '.join(missing)}")
        if self.unit_cost_usd + self.annual_cost_usd <= 0:
            raise ValueError("a use must cost something")
        return self

    def cost_per_unit(self, horizon_months: float) -> float:
        """Price plus running cost from arrival up to the horizon (nothing if it arrives later)."""
        running = max(0.0, horizon_months - self.lead_months) / 12.0
        return self.unit_cost_usd + self.annual_cost_usd * running

    def cap(self, horizon_months: float) -> int:
        """Most units that can be absorbed (or made available) and arrive by the horizon."""
        if self.max_units is not None:
            return self.max_units if self.lead_months <= horizon_months else 0
        assert self.max_units_per_year is not None  # checked in _consistent
        return int(self.max_units_per_year * horizon_months / 12.0 + 1e-9)


class ContextFigure(BaseModel):
    """A reference figure shown beside the allocation (not an optimiser input)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    value: float
    unit: str
    provenance: Provenance


class Settings(BaseModel):
    """The optimiser's assumed settings (horizon, grid)."""

    model_config = ConfigDict(frozen=True)

    horizon_months: float = Field(gt=0, le=240)
    grid_points: int = Field(ge=1, le=20)
    provenance: dict[str, Provenance]


def _read(name: str) -> dict[str, Any]:
    text = (files("guarantor.data") / "allocation" / name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _problems(name: str, exc: ValidationError) -> InputError:
    return InputError(
        [
            Problem(f"data/allocation/{name}", e["msg"], path=".".join(map(str, e["loc"])))
            for e in exc.errors(include_url=False)
        ]
    )


#: Figures of a use given as inline tables: ``{ value = ..., source = ..., date = ..., ... }``.
FIGURES = ("unit_cost_usd", "annual_cost_usd", "lead_months", "max_units_per_year", "max_units")


def _split_figures(raw: dict[str, Any]) -> dict[str, Any]:
    """A use with each inline figure split into its value and its provenance (``sources``)."""
    out = dict(raw)
    sources: dict[str, Any] = {}
    for key in FIGURES:
        figure = out.get(key)
        if isinstance(figure, dict):
            rest = dict(figure)
            out[key] = rest.pop("value", None)
            sources[key] = rest
    out["sources"] = sources
    return out


@cache
def load_uses() -> tuple[UseSpec, ...]:
    """The packaged uses, in file order."""
    raw = _read("uses.toml").get("use", [])
    try:
        uses = tuple(UseSpec.model_validate(_split_figures(u)) for u in raw)
    except ValidationError as exc:
        raise _problems("uses.toml", exc) from None
    ids = [u.id for u in uses]
    if len(set(ids)) != len(ids):
        raise InputError([Problem("data/allocation/uses.toml", "duplicate use ids")])
    return uses


@cache
def load_context() -> tuple[ContextFigure, ...]:
    """Reference figures shown beside the allocation."""
    raw = _read("context.toml").get("figure", [])
    try:
        return tuple(ContextFigure.model_validate(f) for f in raw)
    except ValidationError as exc:
        raise _problems("context.toml", exc) from None


@cache
def load_settings() -> Settings:
    """The optimiser's assumed settings."""
    raw = _read("settings.toml")
    horizon, grid = raw["horizon"], raw["grid"]
    try:
        return Settings(
            horizon_months=horizon["months"],
            grid_points=grid["points"],
            provenance={
                "horizon": Provenance.model_validate(horizon["provenance"]),
                "grid": Provenance.model_validate(grid["provenance"]),
            },
        )
    except ValidationError as exc:
        raise _problems("settings.toml", exc) from None
