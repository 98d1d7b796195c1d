"""The registry of model kinds: every kind by its name and aliases (see :mod:`guarantor.kinds`)."""

from __future__ import annotations

from typing import Any

from guarantor.errors import InputError, Problem
from guarantor.kinds.air import CAMPAIGN, RAID
from guarantor.kinds.assessment import ASSESS, DETER, GROUND
from guarantor.kinds.base import ModelKind
from guarantor.kinds.force import DEPLOY, SOURCE, SUMMARY

__all__ = ["KINDS", "get_kind", "kind_names"]

_ALL: tuple[ModelKind[Any, Any], ...] = (
    SUMMARY,
    SOURCE,
    DEPLOY,
    RAID,
    CAMPAIGN,
    GROUND,
    DETER,
    ASSESS,
)

#: Every model kind by its name.
KINDS: dict[str, ModelKind[Any, Any]] = {k.name: k for k in _ALL}
_BY_NAME: dict[str, ModelKind[Any, Any]] = {n: k for k in _ALL for n in (k.name, *k.aliases)}


def kind_names() -> tuple[str, ...]:
    """The kinds' names (aliases aside)."""
    return tuple(KINDS)


def get_kind(name: str, where: str = "kind") -> ModelKind[Any, Any]:
    """The kind called ``name`` (or one of its aliases); an unknown name is an input error."""
    found = _BY_NAME.get(name)
    if found is None:
        known = ", ".join(sorted(_BY_NAME))
        raise InputError([Problem(where=where, reason=f"unknown kind {name!r}; one of {known}")])
    return found
