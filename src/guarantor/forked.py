"""Run one independent computation in a forked child while this process does another.

The assessment's air and ground models both read the deployed plan and neither reads the
other, so on a machine with two cores they can run side by side. A forked child inherits
every input already in memory (nothing is pickled on the way in), computes, and sends its
result back through a pipe as a pickle; the models draw from named seed streams, so the
result is the same bytes as a serial run.

Forking is used only where it is safe and pays: on Linux, with two or more cores available,
when this process runs no other Python thread (a web server, a progress bar's refresh thread
or a Dask worker means serial), and unless ``GUARANTOR_PARALLEL=0``. Whatever goes wrong in
the child (an exception that does not survive pickling, a killed process) is answered by
computing here, so a failure costs time, never a result.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

#: Set to 0 to run everything in this process.
PARALLEL_ENV = "GUARANTOR_PARALLEL"


def can_fork() -> bool:
    """Whether a computation may run in a forked child here and now."""
    if sys.platform != "linux" or os.environ.get(PARALLEL_ENV, "1").strip() == "0":
        return False
    return threading.active_count() == 1 and len(os.sched_getaffinity(0)) >= 2


class Aside(Generic[T]):
    """``fn()`` started in a forked child (or deferred to :meth:`result` when forking is not
    safe); use as a context manager so that a child is never left behind."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._pid: int | None = None
        self._read: int | None = None
        if not can_fork():
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, and leave without running exit handlers
            os.close(read)
            try:
                payload = _payload(fn)
                with os.fdopen(write, "wb") as fh:
                    fh.write(payload)
            finally:
                os._exit(0)
        os.close(write)
        self._pid, self._read = pid, read

    @property
    def forked(self) -> bool:
        """Whether the computation runs in a child."""
        return self._pid is not None

    def result(self) -> T:
        """The child's result (waiting for it), or ``fn()`` computed here."""
        if self._pid is None or self._read is None:
            return self._fn()
        with os.fdopen(self._read, "rb") as fh:
            data = fh.read()
        self._read = None
        os.waitpid(self._pid, 0)
        self._pid = None
        try:
            ok, value = pickle.loads(data)
        except Exception:  # the child died or its answer did not survive: compute here
            return self._fn()
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def close(self) -> None:
        """Stop a child whose result is no longer wanted."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None

    def __enter__(self) -> Aside[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _payload(fn: Callable[[], object]) -> bytes:
    """The pickled ``(True, result)`` or ``(False, exception)`` of ``fn()``; empty when neither
    pickles (the parent then computes it itself)."""
    try:
        outcome: tuple[bool, object] = (True, fn())
    except BaseException as exc:  # every failure goes back to the parent
        outcome = (False, exc)
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return b""
