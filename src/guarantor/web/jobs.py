"""Background jobs: model runs on stored scenarios, in a thread pool, recorded in the store.

The runner writes each run's status, progress and result to the ``runs`` table, so that any
request (in this process or another) can report it. Progress writes are throttled.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, Protocol, TypeGuard

from guarantor.errors import InputError, NotFoundError, Problem
from guarantor.model import Scenario
from guarantor.progress import Progress
from guarantor.store import Store
from guarantor.store.runs import (
    Run,
    create_run,
    fail_interrupted,
    fail_run,
    finish_run,
    get_run,
    mark_running,
    set_progress,
)
from guarantor.web.kinds import JobFunction, check_params, default_kinds

log = logging.getLogger(__name__)

#: Seconds between progress writes to the store.
PROGRESS_INTERVAL_S = 0.2


def _many(func: JobFunction) -> TypeGuard[MultiScenarioJob]:
    """Whether a job reads several stored scenarios (see :class:`MultiScenarioJob`)."""
    return callable(getattr(func, "run_many", None)) and callable(
        getattr(func, "scenario_names", None)
    )


class MultiScenarioJob(Protocol):
    """A job on several stored scenarios: the run's own first, then those its params name."""

    def __call__(
        self, scenario: Scenario, params: dict[str, Any], progress: Progress
    ) -> dict[str, Any]: ...

    def scenario_names(self, first: str, params: dict[str, Any]) -> list[str]:
        """Every scenario the run reads, ``first`` first (its params checked)."""
        ...

    def run_many(
        self, scenarios: list[Scenario], params: dict[str, Any], progress: Progress
    ) -> dict[str, Any]:
        """The job on those scenarios, loaded from the store."""
        ...


class JobRunner:
    """Starts registered job kinds in a thread pool and records them in the store."""

    def __init__(
        self, store: Store, kinds: dict[str, JobFunction] | None = None, workers: int = 2
    ) -> None:
        self.store = store
        self.kinds = default_kinds() if kinds is None else dict(kinds)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="guarantor-job")
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def recover(self) -> int:
        """Mark runs a previous server left unfinished as failed."""
        with self.store.sessions.begin() as session:
            return fail_interrupted(session)

    def submit(self, kind: str, scenario: str, params: dict[str, Any], actor: str) -> Run:
        """Queue a run; unknown kinds and scenarios are input errors (and, for a job on
        several scenarios, its parameters and every scenario it names)."""
        if kind not in self.kinds:
            known = ", ".join(sorted(self.kinds))
            raise InputError([Problem(where="run", path="kind", reason=f"one of {known}")])
        func = self.kinds[kind]
        check_params(func, params)
        others = func.scenario_names(scenario, params)[1:] if _many(func) else []
        with self.store.transaction(actor) as repo:
            stored = set(repo.scenario_names())
            missing = [
                Problem(where="run", path=path, reason=f"no stored scenario {name!r}")
                for path, name in [("scenario", scenario)]
                + [(f"params.others[{i}]", n) for i, n in enumerate(others)]
                if name not in stored
            ]
            if missing:
                raise InputError(missing)
            run = create_run(repo.session, kind, scenario, params, actor)
        future = self._pool.submit(self._execute, run.id, kind, scenario, params)
        with self._lock:
            self._futures[run.id] = future
        future.add_done_callback(partial(self._forget, run.id))
        return run

    def _forget(self, run_id: str, _future: Future[None] | None = None) -> None:
        with self._lock:
            self._futures.pop(run_id, None)

    def wait(self, run_id: str, timeout: float | None = None) -> Run:
        """Block until a run ends (for tests and scripts) and return it."""
        with self._lock:
            future = self._futures.get(run_id)
        if future is not None:
            future.result(timeout=timeout)
        with self.store.sessions.begin() as session:
            return get_run(session, run_id)

    def _progress(self, run_id: str) -> Any:
        last = [0.0]

        def report(fraction: float, message: str | None = None) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_INTERVAL_S and fraction < 1.0:
                return
            last[0] = now
            with self.store.sessions.begin() as session:
                set_progress(session, run_id, fraction, message)

        return report

    def _execute(self, run_id: str, kind: str, scenario_name: str, params: dict[str, Any]) -> None:
        func = self.kinds[kind]
        try:
            names = func.scenario_names(scenario_name, params) if _many(func) else [scenario_name]
            with self.store.transaction("jobs") as repo:
                scenarios = [repo.export_scenario(n, checked=True) for n in names]
                revisions = {s.name: s.revision for s in repo.list_scenarios() if s.name in names}
                mark_running(repo.session, run_id)
            progress = self._progress(run_id)
            if _many(func):
                result = func.run_many(scenarios, dict(params), progress)
                result["store_revisions"] = revisions
            else:
                result = func(scenarios[0], dict(params), progress)
            json.dumps(result, allow_nan=False)
        except InputError as exc:
            self._fail(run_id, str(exc))
        except NotFoundError as exc:
            self._fail(run_id, str(exc))
        except Exception as exc:
            log.exception("run %s (%s) failed", run_id, kind)
            self._fail(run_id, f"internal error in {kind}: {type(exc).__name__}: {exc}")
        else:
            with self.store.sessions.begin() as session:
                finish_run(session, run_id, result)

    def _fail(self, run_id: str, error: str) -> None:
        with self.store.sessions.begin() as session:
            fail_run(session, run_id, error)

    def shutdown(self) -> None:
        """Stop taking jobs and wait for those running."""
        self._pool.shutdown(wait=True, cancel_futures=True)
