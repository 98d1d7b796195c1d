"""Reference data of the force-flow model (``data/deployment/*.toml``), validated.

Nodes, links, mode speeds and capacities (``nodes.toml``, ``links.toml``), strategic lift
(``lift.toml``), how each unit type moves (``movement.toml``), the front axes and the
reinforcement assumptions (``theatre.toml``) and the Montreux limits (``montreux.toml``).
Every number is a cited figure; a bad entry is one :class:`InputError` naming the file and
the item (an unknown node, a negative capacity, a unit type with no movement data).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from guarantor.cache import parse_toml
from guarantor.data import load_capabilities, read_toml
from guarantor.deployment.schema import (
    CAPACITY_UNITS,
    AssetType,
    AxisSpec,
    Cited,
    DeploymentData,
    LiftDefault,
    LiftSpec,
    LinkSpec,
    Mode,
    Montreux,
    MoveClass,
    NodeSpec,
    UnitMove,
)
from guarantor.errors import InputError, Problem, validation_problems
from guarantor.user_files import read_text

FILES = ("nodes.toml", "links.toml", "lift.toml", "movement.toml", "theatre.toml", "montreux.toml")
__all__ = [
    "FILES",
    "DeploymentData",
    "Mode",
    "MoveClass",
    "load_data",
    "packaged_raw",
    "parse_data",
]

M = TypeVar("M", bound=BaseModel)


class _Checker:
    """Collects problems while parsing, each naming its file and item."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, path: str, reason: str) -> None:
        self.problems.append(Problem(where=where, path=path, reason=reason))

    def model(self, cls: type[M], raw: Any, where: str, path: str) -> M | None:
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            self.problems.extend(validation_problems(exc, where, prefix=path))
            return None

    def figures(self, raw: Any, where: str, path: str) -> dict[str, Cited]:
        out: dict[str, Cited] = {}
        if not isinstance(raw, dict):
            self.add(where, path, "must be a table of figures")
            return out
        for k, v in raw.items():
            fig = self.model(Cited, v, where, f"{path}.{k}")
            if fig is not None:
                out[str(k)] = fig
        return out

    def items(self, cls: type[M], raw: Any, where: str, key: str) -> list[M]:
        out: list[M] = []
        for i, entry in enumerate(raw.get(key, []) if isinstance(raw, dict) else []):
            item = self.model(cls, entry, where, f"{key}[{i}]")
            if item is not None:
                out.append(item)
        return out


def _grouped(raw: dict[str, Any], item: str) -> dict[str, list[Any]]:
    """The items of a file written in groups (``[[group]]`` with a ``provenance`` and
    ``[[group.<item>]]`` entries), each with its group's provenance unless it has its own."""
    out: list[Any] = []
    for group in raw.get("group", []):
        shared = group.get("provenance") if isinstance(group, dict) else None
        for entry in group.get(item, []) if isinstance(group, dict) else []:
            if isinstance(entry, dict) and "provenance" not in entry and shared is not None:
                entry = {**entry, "provenance": shared}
            out.append(entry)
    return {item: out}


def _nodes(
    ck: _Checker, raw: dict[str, Any], caps: dict[str, Cited], hand: dict[str, Cited]
) -> dict[str, NodeSpec]:
    where = "nodes.toml"
    nodes: dict[str, NodeSpec] = {}
    for i, n in enumerate(ck.items(NodeSpec, _grouped(raw, "node"), where, "node")):
        path = f"node[{i}] ({n.id})"
        if n.id in nodes:
            ck.add(where, path, f"duplicate node id {n.id!r}")
        nodes[n.id] = n
        if n.capacity is not None:
            fig = caps.get(n.capacity)
            unit = CAPACITY_UNITS["sea" if n.pod else "air" if n.apod else n.mode or "rail"]
            if fig is None:
                ck.add(
                    where, path, f"unknown capacity {n.capacity!r} (not in links.toml [capacity])"
                )
            elif fig.unit != unit:
                ck.add(where, path, f"capacity {n.capacity!r} is in {fig.unit}, needs {unit}")
        if n.handling is not None and n.handling not in hand:
            ck.add(where, path, f"unknown handling {n.handling!r} (not in links.toml [handling])")
        if n.kind == "crossing" and n.mode not in ("rail", "road"):
            ck.add(where, path, "a crossing needs mode 'rail' or 'road'")
        if n.kind == "home" and not n.nation:
            ck.add(where, path, "a home node needs 'nation'")
    for i, n in enumerate(nodes.values()):
        if n.port is not None and (n.port not in nodes or nodes[n.port].kind != "port"):
            ck.add(where, f"node[{i}] ({n.id})", f"port {n.port!r} is not a port node")
    nations = [n.nation for n in nodes.values() if n.kind == "home"]
    for code in {c for c in nations if nations.count(c) > 1}:
        ck.add(where, "node", f"nation {code!r} has more than one home")
    return nodes


def _links(
    ck: _Checker,
    raw: dict[str, Any],
    nodes: dict[str, NodeSpec],
    caps: dict[str, Cited],
    figs: dict[str, Cited],
) -> list[LinkSpec]:
    where = "links.toml"
    out = ck.items(LinkSpec, raw, where, "link")
    for i, ln in enumerate(out):
        path = f"link[{i}] ({ln.a} -> {ln.b})"
        for end in (ln.a, ln.b):
            if end not in nodes:
                ck.add(where, path, f"unknown node {end!r}")
        for mode, ref in ln.capacity.items():
            fig = caps.get(ref)
            if mode not in ln.modes:
                ck.add(where, path, f"capacity given for mode {mode!r} the link lacks")
            if fig is None:
                ck.add(where, path, f"unknown capacity {ref!r}")
            elif fig.unit != CAPACITY_UNITS[mode]:
                ck.add(
                    where, path, f"capacity {ref!r} is in {fig.unit}, needs {CAPACITY_UNITS[mode]}"
                )
        if ln.distance_km is not None and ln.distance_km not in figs:
            ck.add(where, path, f"unknown distance figure {ln.distance_km!r}")
    return out


def _positive(
    ck: _Checker, figs: Mapping[str, Cited], where: str, path: str, zero_ok: bool = True
) -> None:
    for k, f in figs.items():
        if f.value < 0 or (not zero_ok and f.value == 0):
            need = "at least 0" if zero_ok else "more than 0"
            ck.add(where, f"{path}.{k}", f"must be {need}, got {f.value:g}")


def _lift(
    ck: _Checker, raw: dict[str, Any]
) -> tuple[dict[str, AssetType], list[LiftSpec], dict[str, LiftDefault]]:
    where = "lift.toml"
    assets = {a.id: a for a in ck.items(AssetType, raw, where, "asset")}
    for a in assets.values():
        figs = {"payload_t": a.payload_t, "turnaround_days": a.turnaround_days}
        _positive(ck, figs, where, f"asset ({a.id})")
        _positive(ck, {"payload_t": a.payload_t}, where, f"asset ({a.id})", zero_ok=False)
        if (a.speed_kmh is None) == (a.speed_km_day is None) or a.km_per_day <= 0:
            ck.add(where, f"asset ({a.id})", "give one positive speed: speed_kmh or speed_km_day")
        if not 0 < a.availability.value <= 1:
            ck.add(where, f"asset ({a.id}).availability", "must be in (0, 1]")
    lifts = ck.items(LiftSpec, raw, where, "lift")
    for i, ln in enumerate(lifts):
        if ln.asset not in assets:
            ck.add(where, f"lift[{i}] ({ln.id})", f"unknown asset {ln.asset!r}")
    defaults: dict[str, LiftDefault] = {}
    for kind, v in raw.get("defaults", {}).items():
        d = ck.model(LiftDefault, v, where, f"defaults.{kind}")
        if d is not None:
            if d.asset not in assets or assets[d.asset].kind != kind:
                ck.add(where, f"defaults.{kind}", f"asset {d.asset!r} is not a {kind} asset")
            defaults[str(kind)] = d
    return assets, lifts, defaults


def _movement(ck: _Checker, raw: dict[str, Any]) -> tuple[dict[str, UnitMove], dict[str, Cited]]:
    where = "movement.toml"
    units: dict[str, UnitMove] = {}
    known = load_capabilities()
    for i, u in enumerate(ck.items(UnitMove, _grouped(raw, "unit"), where, "unit")):
        path = f"unit[{i}] ({u.capability})"
        if u.capability not in known:
            ck.add(where, path, f"unknown capability {u.capability!r}")
        if u.move_class == "ship" and u.displacement_t <= 0:
            ck.add(where, path, "a ship needs a positive displacement_t")
        units[u.capability] = u
    for cap in sorted(set(known) - set(units)):
        ck.add(where, "unit", f"no movement data for capability {cap!r}")
    rsoi = ck.figures(raw.get("rsoi_days", {}), where, "rsoi_days")
    _positive(ck, rsoi, where, "rsoi_days")
    for cls in ("heavy", "wheeled", "light", "ship"):
        if cls not in rsoi:
            ck.add(where, "rsoi_days", f"missing class {cls!r}")
    return units, rsoi


def parse_data(raw: Mapping[str, Mapping[str, Any]]) -> DeploymentData:
    """Validate the six files' contents (keyed by file name); one error lists every problem."""
    ck = _Checker()
    r = {name: dict(raw.get(name, {})) for name in FILES}
    for name in FILES:
        if name not in raw:
            ck.add(name, "(file)", "missing")
    ln = r["links.toml"]
    modes = {
        m: ck.figures(ln.get("modes", {}).get(m, {}), "links.toml", f"modes.{m}")
        for m in CAPACITY_UNITS
    }
    loads = ck.figures(ln.get("loads", {}), "links.toml", "loads")
    network = ck.figures(ln.get("network", {}), "links.toml", "network")
    capacity = ck.figures(ln.get("capacity", {}), "links.toml", "capacity")
    handling = ck.figures(ln.get("handling", {}), "links.toml", "handling")
    figures = ck.figures(ln.get("figures", {}), "links.toml", "figures")
    for name, figs in (
        ("capacity", capacity),
        ("handling", handling),
        ("loads", loads),
        ("figures", figures),
    ):
        _positive(ck, figs, "links.toml", name)
    for m, figs in modes.items():
        _positive(ck, figs, "links.toml", f"modes.{m}", zero_ok=False)
    nodes = _nodes(ck, r["nodes.toml"], capacity, handling)
    links = _links(ck, ln, nodes, capacity, figures)
    assets, lifts, defaults = _lift(ck, r["lift.toml"])
    units, rsoi = _movement(ck, r["movement.toml"])
    th = r["theatre.toml"]
    axes = {a.name: a for a in ck.items(AxisSpec, th, "theatre.toml", "axis")}
    reinforcement = ck.figures(th.get("reinforcement", {}), "theatre.toml", "reinforcement")
    att = reinforcement.get("attrition")
    if att is None or not 0 <= att.value < 1:
        ck.add("theatre.toml", "reinforcement.attrition", "needs a value in [0, 1)")
    if "brigade_equivalent_personnel" not in reinforcement:
        ck.add("theatre.toml", "reinforcement", "missing brigade_equivalent_personnel")
    mt = ck.model(Montreux, r["montreux.toml"].get("montreux", {}), "montreux.toml", "montreux")
    if mt is not None and (mt.strait not in nodes or nodes[mt.strait].kind != "strait"):
        ck.add("montreux.toml", "montreux.strait", f"{mt.strait!r} is not a strait node")
    for key in ("speed_km_day",):
        for m in ("rail", "road", "sea"):
            if key not in modes[m]:
                ck.add("links.toml", f"modes.{m}", f"missing {key}")
    if ck.problems or mt is None:
        raise InputError(ck.problems or [Problem("montreux.toml", "invalid")])
    return DeploymentData(
        nodes,
        links,
        modes,
        loads,
        network,
        capacity,
        handling,
        figures,
        assets,
        lifts,
        defaults,
        units,
        rsoi,
        axes,
        reinforcement,
        mt,
    )


def packaged_raw() -> dict[str, dict[str, Any]]:
    """The packaged files' contents (a fresh copy: tests edit it)."""
    return {name: read_toml("deployment", name) for name in FILES}


@cache
def _packaged() -> DeploymentData:
    return parse_data(packaged_raw())


def load_data(directory: Path | None = None) -> DeploymentData:
    """The packaged reference data (read once), or a directory holding the same six files."""
    if directory is None:
        return _packaged()
    raw: dict[str, dict[str, Any]] = {}
    for name in FILES:
        path = directory / name
        try:
            raw[name] = parse_toml(read_text(path, 16 * 1024 * 1024))
        except tomllib.TOMLDecodeError as exc:
            raise InputError([Problem(str(path), f"not valid TOML: {exc}")]) from None
    return parse_data(raw)
