"""What the fuzz tests share: how many examples to draw, hostile values, and one guarded
in-process ``guarantor`` invocation that tallies its outcome.

The short run (``make test``) draws a few examples per test; ``HYPOTHESIS_PROFILE=fuzz``
(``make fuzz``) draws thousands. Every invocation must end with exit code 0 or 2, with no
exception other than ``SystemExit`` and no traceback text, within :data:`HANG_S` seconds.
"""

from __future__ import annotations

import math
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from guarantor.cli.app import app

#: True in the long run (``make fuzz``).
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"

#: Scales the long run's counts (``GUARANTOR_FUZZ_SCALE=0.1`` for a quicker look).
SCALE = float(os.environ.get("GUARANTOR_FUZZ_SCALE", "1"))

#: Seconds one invocation may take before it counts as a hang (the machine is shared).
HANG_S = 120.0


def budget(short: int, long: int) -> settings:
    """Hypothesis settings drawing ``short`` examples in ``make test``, ``long`` in ``make fuzz``."""
    return settings(
        max_examples=max(1, round(long * SCALE)) if LONG else short,
        deadline=None,
        database=None,
        # no "explain" phase: its line tracing slows a command tenfold and fakes a hang
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


@dataclass
class Tally:
    """Outcomes of every invocation in this session, by test."""

    runs: Counter[str] = field(default_factory=Counter)
    codes: dict[str, Counter[int]] = field(default_factory=dict)
    slowest: dict[str, float] = field(default_factory=dict)

    def record(self, test: str, code: int, seconds: float) -> None:
        """Count one invocation."""
        self.runs[test] += 1
        self.codes.setdefault(test, Counter())[code] += 1
        self.slowest[test] = max(self.slowest.get(test, 0.0), seconds)

    def to_dict(self) -> dict[str, object]:
        """The tally as JSON-ready data."""
        return {
            "inputs": sum(self.runs.values()),
            "by_test": {
                t: {
                    "inputs": n,
                    "exit_codes": {str(c): k for c, k in sorted(self.codes[t].items())},
                    "slowest_s": round(self.slowest[t], 2),
                }
                for t, n in sorted(self.runs.items())
            },
        }


TALLY = Tally()


class Hang(Exception):
    """An invocation ran past :data:`HANG_S`."""


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def ring(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def invoke(test: str, args: Sequence[str], input_text: str | None = None) -> Result:
    """Run ``guarantor ARGS`` in-process and assert a clean end: exit 0 or 2, no traceback."""
    start = time.perf_counter()
    with _alarm(HANG_S):
        res = CliRunner().invoke(app, list(args), input=input_text, catch_exceptions=True)
    TALLY.record(test, res.exit_code, time.perf_counter() - start)
    exc = res.exception
    where = f"guarantor {' '.join(repr(a) for a in args)}"
    if exc is not None and not isinstance(exc, SystemExit):
        raise AssertionError(f"{where}: {type(exc).__name__}: {exc}") from exc
    assert res.exit_code in (0, 2), f"{where}: exit {res.exit_code}\n{res.output[-2000:]}"
    assert "Traceback (most recent call last)" not in res.output, f"{where}\n{res.output}"
    return res


# --- hostile values -----------------------------------------------------------------------

#: Integers at and far beyond any bound a count or day could have.
EDGE_INTS: tuple[int, ...] = (
    0,
    1,
    -1,
    2,
    30,
    365,
    3650,
    3651,
    100_000,
    1_000_001,
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    -(2**63),
    10**40,
    -(10**40),
)

#: Floats that break naive arithmetic: non-finite, huge, tiny, negative.
EDGE_FLOATS: tuple[float, ...] = (
    0.0,
    -0.0,
    0.5,
    1.0,
    -1.0,
    1e-300,
    5e-324,
    1e30,
    -1e30,
    1e308,
    math.inf,
    -math.inf,
    math.nan,
)

#: Text that Rich would read as markup, or that a store or terminal could trip over.
HOSTILE_TEXT: tuple[str, ...] = (
    "",
    " ",
    "[/x]",
    "[bold]x[/bold]",
    "bad[bold]x",
    "[link=file:///etc/passwd]x[/link]",
    "\x00",
    "a\x00b",
    "\ud800",
    "=cmd|' /C calc'!A0",
    "..",
    "../../etc/passwd",
    "x" * 5000,
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "GBR",
    "frigate",
)


def small_ints() -> st.SearchStrategy[int]:
    """Integers: mostly small, often at an edge."""
    return st.one_of(st.integers(min_value=-5, max_value=60), st.sampled_from(EDGE_INTS))


def any_ints() -> st.SearchStrategy[int]:
    """Integers of any size, edges weighted in."""
    return st.one_of(small_ints(), st.integers())


def any_floats() -> st.SearchStrategy[float]:
    """Floats of any kind, edges weighted in."""
    return st.one_of(st.sampled_from(EDGE_FLOATS), st.floats(), st.floats(-10, 100))


def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Short text of any code points, or a known troublemaker."""
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=max_size))


def number_text() -> st.SearchStrategy[str]:
    """What a user might type where a number is wanted (a number, or not quite)."""
    return st.one_of(
        any_ints().map(str),
        any_floats().map(repr),
        st.sampled_from(["inf", "-inf", "nan", "1e400", "1_000", "0x10", "1,5", "", "ten", "[1]"]),
    )
