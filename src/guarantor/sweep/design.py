"""Sweep designs: full grids, Latin hypercubes and Sobol (Saltelli) samples.

``--param PATH=VALUES`` gives a parameter: VALUES is a comma list (``1,2,4`` or
``none,intelligence``) or a range ``lo:hi:n`` (n values, evenly spaced, ends included) for a
grid, and bounds ``lo:hi`` for a Latin hypercube or Sobol design.

- grid: every combination of the values, the last parameter varying fastest; points are
  decoded from their index on demand, so a grid of any size costs no memory.
- lhs: ``--samples N`` points of a Latin hypercube (``scipy.stats.qmc.LatinHypercube``).
- sobol: SALib's Saltelli-Sobol sample for ``--samples N`` base points: N x (2D + 2) points
  for D parameters (N x (D + 2) when D = 1: no second-order indices), in SALib's order, so
  that SALib's analyser can compute the Sobol indices from the outputs in point order. N
  should be a power of two.

Integer parameters take the nearest integer of a sampled value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from guarantor.errors import InputError, Problem
from guarantor.model.numbers import MAX_DESIGN_VALUES
from guarantor.sweep.paths import Kind, Scalar, coerce, infer_kind, parse_scalar, resolve

DesignKind = Literal["grid", "lhs", "sobol"]
DESIGNS: tuple[DesignKind, ...] = ("grid", "lhs", "sobol")


@dataclass(frozen=True)
class Param:
    """One swept parameter: its path, its kind, and its values (grid) or bounds (lhs/sobol)."""

    path: str
    kind: Kind
    values: tuple[Scalar, ...] = ()
    bounds: tuple[float, float] | None = None
    #: Whether the values are a range ``lo:hi:n`` (not recorded in the manifest).
    ranged: bool = field(default=False, compare=False)

    @property
    def probes(self) -> tuple[Scalar, ...]:
        """The values that stand for all of them when a sweep is checked before it runs:
        each listed value, the ends of a range, the bounds of a sampled design (numeric
        constraints are intervals: a value between two valid ends is valid)."""
        if self.bounds is not None:
            return self.bounds
        if self.ranged:
            return (self.values[0], self.values[-1])
        return self.values

    def to_dict(self) -> dict[str, Any]:
        """As recorded in the manifest."""
        return {
            "path": self.path,
            "kind": self.kind,
            "values": list(self.values) if self.bounds is None else None,
            "bounds": list(self.bounds) if self.bounds is not None else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Param:
        bounds = d.get("bounds")
        return cls(
            path=str(d["path"]),
            kind=d["kind"],
            values=tuple(d.get("values") or ()),
            bounds=(float(bounds[0]), float(bounds[1])) if bounds else None,
        )


def _bad(path: str, reason: str) -> InputError:
    return InputError([Problem(where="--param", path=path, reason=reason)])


def parse_param(spec: str, data: dict[str, Any], design: DesignKind) -> Param:
    """Parse ``PATH=VALUES`` and check the path against the scenario data."""
    path, sep, text = spec.partition("=")
    path = path.strip()
    if not sep or not text.strip():
        raise InputError(
            [Problem(where="--param", reason=f"{spec!r}: use PATH=VALUES (e.g. us_role=none)")]
        )
    found = resolve(data, path)
    parts = text.split(":")
    if design == "grid":
        if len(parts) == 3:
            kind = found.kind or "float"
            if kind not in ("int", "float"):
                raise _bad(path, f"a range lo:hi:n needs a number; {path} holds a {kind}")
            lo, hi = (float(parse_scalar(p, "float", path)) for p in parts[:2])
            n = parse_scalar(parts[2], "int", path)
            if not isinstance(n, int) or n < 1:
                raise _bad(path, f"lo:hi:n needs n >= 1, got {parts[2]!r}")
            values = tuple(coerce(v, kind) for v in np.linspace(lo, hi, n).tolist())
            return Param(path, kind, values, ranged=True)
        if len(parts) == 2:
            raise _bad(path, f"{text!r} are bounds: a grid takes a list a,b,c or a range lo:hi:n")
        texts = [t for t in text.split(",")]
        kind = found.kind or infer_kind(texts)
        return Param(path, kind, tuple(parse_scalar(t, kind, path) for t in texts))
    if len(parts) != 2:
        raise _bad(path, f"a {design} design takes bounds lo:hi, got {text!r}")
    kind = found.kind or "float"
    if kind not in ("int", "float"):
        raise _bad(path, f"a {design} design samples numbers; {path} holds a {kind}")
    lo, hi = (float(parse_scalar(p, "float", path)) for p in parts)
    if not lo < hi:
        raise _bad(path, f"bounds need lo < hi, got {text!r}")
    return Param(path, kind, (), (lo, hi))


@dataclass(frozen=True)
class Design:
    """The points of a sweep, by index: ``point(i)`` gives the values of point ``i``."""

    kind: DesignKind
    params: tuple[Param, ...]
    samples: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.params:
            raise InputError([Problem(where="--param", reason="give at least one --param")])
        paths = [p.path for p in self.params]
        dup = sorted({p for p in paths if paths.count(p) > 1})
        if dup:
            raise InputError(
                [Problem(where="--param", reason=f"parameter given twice: {', '.join(dup)}")]
            )
        if self.kind != "grid" and (self.samples is None or self.samples < 1):
            raise InputError(
                [Problem(where="--samples", reason=f"a {self.kind} design needs --samples N >= 1")]
            )
        if self.kind != "grid" and self.size * len(self.params) > MAX_DESIGN_VALUES:
            per_sample = self.size // (self.samples or 1) * len(self.params)
            reason = (
                f"a {self.kind} design of {self.samples:,} samples over {len(self.params)} "
                f"parameters draws {self.size * len(self.params):,} values at once; at most "
                f"{MAX_DESIGN_VALUES:,}: give at most {MAX_DESIGN_VALUES // per_sample:,} samples"
            )
            raise InputError([Problem(where="--samples", reason=reason)])

    @property
    def second_order(self) -> bool:
        """Whether a Sobol design carries the points for second-order indices."""
        return self.kind == "sobol" and len(self.params) > 1

    @property
    def size(self) -> int:
        """Number of points."""
        if self.kind == "grid":
            return math.prod(len(p.values) for p in self.params)
        assert self.samples is not None
        if self.kind == "lhs":
            return self.samples
        d = len(self.params)
        return self.samples * (2 * d + 2 if self.second_order else d + 2)

    def problem(self) -> dict[str, Any]:
        """The SALib problem (names and bounds) of a sampled design."""
        return {
            "num_vars": len(self.params),
            "names": [p.path for p in self.params],
            "bounds": [list(p.bounds or (0.0, 1.0)) for p in self.params],
        }

    @cached_property
    def matrix(self) -> npt.NDArray[np.float64]:
        """The sampled points (lhs and sobol), one row per point, before integer rounding."""
        if self.kind == "lhs":
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(self.params), rng=np.random.default_rng(self.seed))
            sample = unit.random(self.size)
            lo = [p.bounds[0] for p in self.params if p.bounds]
            hi = [p.bounds[1] for p in self.params if p.bounds]
            return np.asarray(qmc.scale(sample, lo, hi), dtype=np.float64)
        if self.kind == "sobol":
            from SALib.sample import sobol as sobol_sample

            assert self.samples is not None
            return np.asarray(
                sobol_sample.sample(
                    self.problem(),
                    self.samples,
                    calc_second_order=self.second_order,
                    seed=self.seed,
                ),
                dtype=np.float64,
            )
        raise ValueError("a grid has no sample matrix")

    def point(self, index: int) -> dict[str, Scalar]:
        """The parameter values of point ``index`` (0-based)."""
        if not 0 <= index < self.size:
            raise InputError(
                [Problem(where="INDEX", reason=f"no point {index}: the sweep has {self.size}")]
            )
        if self.kind == "grid":
            out: dict[str, Scalar] = {}
            rest = index
            for p in reversed(self.params):
                rest, k = divmod(rest, len(p.values))
                out[p.path] = p.values[k]
            return {p.path: out[p.path] for p in self.params}
        row = self.matrix[index]
        return {p.path: coerce(float(row[j]), p.kind) for j, p in enumerate(self.params)}

    def to_dict(self) -> dict[str, Any]:
        """As recorded in the manifest (enough to rebuild every point)."""
        return {
            "kind": self.kind,
            "samples": self.samples,
            "seed": self.seed,
            "points": self.size,
            "second_order": self.second_order,
            "params": [p.to_dict() for p in self.params],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Design:
        return cls(
            kind=d["kind"],
            params=tuple(Param.from_dict(p) for p in d["params"]),
            samples=d.get("samples"),
            seed=int(d.get("seed", 0)),
        )


def point_seed(seed: int, index: int) -> int:
    """The seed of point ``index``: from ``SeedSequence([seed, index])``, 63 bits (fits int64)."""
    state = np.random.SeedSequence([seed, index]).generate_state(1, np.uint64)
    return int(state[0]) >> 1
