"""Packaged geography for maps: Ukraine's outline, capitals, air-defence zones."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from guarantor.data import read_csv, read_toml


@dataclass(frozen=True)
class Place:
    """A named point."""

    key: str
    label: str
    lat: float
    lon: float


@dataclass(frozen=True)
class ZoneShape:
    """A schematic zone: centre and radius."""

    key: str
    label: str
    lat: float
    lon: float
    radius_km: float


@cache
def ukraine_outline() -> tuple[tuple[float, float], ...]:
    """Ukraine within its internationally recognised borders, as (lat, lon) vertices."""
    return tuple((float(r["lat"]), float(r["lon"])) for r in read_csv("geo", "ukraine_outline.csv"))


@cache
def capitals() -> dict[str, Place]:
    """Capitals (or seats, for organisations) by contributor code."""
    return {
        r["code"]: Place(r["code"], r["capital"], float(r["lat"]), float(r["lon"]))
        for r in read_csv("geo", "capitals.csv")
    }


@cache
def zone_shapes() -> dict[str, ZoneShape]:
    """Schematic air-defence zones by zone key."""
    return {
        k: ZoneShape(k, v["label"], float(v["lat"]), float(v["lon"]), float(v["radius_km"]))
        for k, v in read_toml("geo", "zones.toml").items()
    }
