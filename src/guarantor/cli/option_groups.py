"""Options declared once and taken by several commands.

Typer reads a command's options from its signature, so options that several commands share
(the what-if flags, a pledge's fields) would be spelled out on each, with a long call
gathering them again in each body. Here a group of options is one function: its parameters
are the options, as a command declares them, and it returns the one value the commands use.
A command marks where the group's options stand with a parameter whose default is
:func:`options_of` (``whatif: WhatIfFlags = options_of(whatif_flags)``), and the
:func:`with_option_groups` decorator puts the group's options there in the signature Typer
reads, then hands the command the group function's return value. The options, their order,
help and defaults are exactly those of the group function, so every command shows and parses
them alike.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from typer.models import ParameterInfo

R = TypeVar("R")


@dataclass(frozen=True)
class _Slot:
    """Where a command takes a group's options, and which of them it leaves out."""

    group: Callable[..., Any]
    omit: frozenset[str]

    def parameters(self) -> tuple[list[inspect.Parameter], dict[str, Any]]:
        """The group's options the command takes, in the group's order, and the values the
        group gets for those it leaves out (their defaults)."""
        declared = inspect.signature(self.group, eval_str=True).parameters
        unknown = self.omit - set(declared)
        if unknown:
            raise TypeError(f"{self.group.__name__} has no option {sorted(unknown)}")
        left_out = {}
        for name in self.omit:
            default = declared[name].default
            value = default.default if isinstance(default, ParameterInfo) else default
            if value is ... or value is inspect.Parameter.empty:
                raise TypeError(f"{self.group.__name__}: option {name} is required")
            left_out[name] = value
        return [p for p in declared.values() if p.name not in self.omit], left_out


def options_of(group: Callable[..., Any], *, omit: Collection[str] = ()) -> Any:
    """The default of the command parameter that takes ``group``'s options (less ``omit``,
    by parameter name); the command must be decorated with :func:`with_option_groups`."""
    return _Slot(group, frozenset(omit))


def with_option_groups(command: Callable[..., R]) -> Callable[..., R]:
    """``command`` with each parameter defaulting to :func:`options_of` replaced, in the
    signature Typer reads, by the group's options; the command gets the group's value."""
    signature = inspect.signature(command, eval_str=True)
    slots: dict[str, tuple[_Slot, list[str], dict[str, Any]]] = {}
    parameters: list[inspect.Parameter] = []
    for p in signature.parameters.values():
        if isinstance(p.default, _Slot):
            taken, left_out = p.default.parameters()
            slots[p.name] = (p.default, [q.name for q in taken], left_out)
            parameters.extend(taken)
        else:
            parameters.append(p)
    names = [p.name for p in parameters]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise TypeError(f"{command.__name__}: options declared twice: {clashes}")

    @functools.wraps(command)
    def run(**kwargs: Any) -> R:
        for name, (slot, taken, left_out) in slots.items():
            kwargs[name] = slot.group(**{n: kwargs.pop(n) for n in taken}, **left_out)
        return command(**kwargs)

    spliced = signature.replace(parameters=parameters)
    run.__signature__ = spliced  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    run.__annotations__["return"] = signature.return_annotation
    return run
