"""One progress protocol: ``progress(fraction, message)`` everywhere.

A long computation (the assessment pipeline, a campaign's nights, a sweep's points, a web run)
reports how far it is as a fraction from 0 to 1 and, optionally, what it is doing. The CLI's
progress bars, the web runs (stored with the run) and the sweeps all take this one callable;
:func:`scaled` maps a part of the work onto its share of the whole, :func:`counted` turns
"``done`` of ``total``" counts into the protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    """Reports how far a computation is: a fraction from 0 to 1 and an optional message."""

    def __call__(self, fraction: float, message: str | None = None) -> None: ...


def quiet(fraction: float, message: str | None = None) -> None:
    """A progress callback that reports nothing."""
    return None


def scaled(progress: Progress, start: float, end: float, prefix: str | None = None) -> Progress:
    """``progress`` for a part of the work that runs from ``start`` to ``end`` of the whole
    (its messages prefixed with ``prefix: `` where given)."""

    def report(fraction: float, message: str | None = None) -> None:
        text = message if prefix is None else (f"{prefix}: {message}" if message else prefix)
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0), text)

    return report


def counted(progress: Progress, total: int, what: str) -> Callable[[int], None]:
    """A callback taking the number of ``what`` done out of ``total``."""

    def report(done: int) -> None:
        progress(done / total if total > 0 else 1.0, f"{done:,} of {total:,} {what}")

    return report
