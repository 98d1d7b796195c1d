"""Work run aside in a forked child gives what running it here gives, or runs here."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from guarantor import forked
from guarantor.errors import InputError, Problem
from guarantor.forked import Aside, can_fork


@pytest.fixture
def fork_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip where forking is off by platform or cores; threads other tests left running (a
    test server's, a cluster's) are ignored here: these children only compute and exit."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.delenv(forked.PARALLEL_ENV, raising=False)
    if not can_fork():
        pytest.skip("forking is off here (platform or cores)")


def _draws() -> np.ndarray:
    return np.random.default_rng(7).normal(size=1000)


@pytest.mark.usefixtures("fork_ok")
def test_a_forked_result_equals_the_one_computed_here() -> None:
    with Aside(_draws) as job:
        assert job.forked
        got = job.result()
    np.testing.assert_array_equal(got, _draws())


@pytest.mark.usefixtures("fork_ok")
def test_an_error_in_the_child_is_raised_here() -> None:
    def bad() -> None:
        raise InputError([Problem("x", "broken")])

    with Aside(bad) as job, pytest.raises(InputError, match="broken"):
        job.result()


@pytest.mark.usefixtures("fork_ok")
def test_a_child_that_dies_is_answered_by_computing_here() -> None:
    def die() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 42

    parent = os.getpid()
    with Aside(die) as job:
        assert job.result() == 42


@pytest.mark.usefixtures("fork_ok")
def test_closing_stops_an_unwanted_child() -> None:
    job = Aside(lambda: threading.Event().wait(60))
    pid = job._pid
    assert pid is not None
    job.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_no_fork_when_switched_off_or_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(forked.PARALLEL_ENV, "0")
    assert not can_fork()
    assert not Aside(_draws).forked
    monkeypatch.delenv(forked.PARALLEL_ENV)
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not can_fork()
        job = Aside(_draws)
        assert not job.forked
        np.testing.assert_array_equal(job.result(), _draws())
    finally:
        stop.set()
        worker.join()
