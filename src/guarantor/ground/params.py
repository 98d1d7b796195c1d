"""Parameters of the front model, read from ``data/ground/params.toml`` (or a user's file).

Each entry is ``{ value, unit, source, date, confidence, assumption, note }``; the model sees
plain numbers, the reports see the provenance. The kernel (:mod:`guarantor.params`) reads and
validates them; the names below are kept for the ground package's callers.
"""

from __future__ import annotations

from pathlib import Path

from guarantor.params import Param, ParamSet, load_params, parse_params, read_user_toml

__all__ = ["Param", "ParamSet", "load_ground_params", "parse_params", "read_params_file"]

#: A user's TOML file, or an input error naming it.
read_params_file = read_user_toml


def load_ground_params(path: Path | None = None) -> ParamSet:
    """The packaged front parameters, overlaid by a user's file if one is given."""
    return load_params("ground", "params.toml", path=path)
