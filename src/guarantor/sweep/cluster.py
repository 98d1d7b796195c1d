"""Where sweep points run: a local Dask cluster started fast, or a scheduler of your own.

Local worker processes are forked from one process (``forkserver``) that imports the models
first (:mod:`guarantor.sweep.worker`): the imports are paid once, not once per worker, and no
worker pays them on its first point. :func:`start_local_cluster` starts all this in the
background, so that the workers get ready while the caller still imports and plans; a whole
``guarantor sweep`` command then costs little more than its points.

This module imports nothing heavy (Dask is imported in the background thread), so that a
command can start the workers before anything else.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from guarantor.errors import InputError, Problem

#: What the process local workers fork from imports first: Dask, the models with the
#: reference data, and the command line's module (a worker started by ``guarantor sweep``
#: runs the ``guarantor`` script's imports again, as a worker of any main module does).
WORKER_PRELOAD = ("distributed", "guarantor.sweep.worker", "guarantor.cli.app")

#: Dask settings of local sweep clusters: workers forked from the preloaded process; no
#: statistical profiler sampling each worker's stack every 10 ms, and the health, system and
#: memory monitors every second or few rather than every 20, 500 and 100 ms (nobody watches
#: a dashboard of a sweep, and each check takes the CPU, and a worker's GIL, from points).
LOCAL_CONFIG: dict[str, Any] = {
    "distributed.worker.multiprocessing-method": "forkserver",
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@dataclass(frozen=True)
class ClusterOptions:
    """Where points run: a new LocalCluster, or an existing scheduler by address."""

    scheduler: str | None = None
    workers: int = 2
    processes: bool = True
    in_flight: int | None = None
    batch: int = 100
    connect_timeout: float = 10.0
    task_seconds: float = 0.5  # points are grouped into tasks of about this length
    max_chunk: int = 64


def forkserver_available() -> bool:
    """Whether worker processes can be forked from a preloaded server here (POSIX)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def start_forkserver() -> None:
    """Start the process local workers fork from; it imports :data:`WORKER_PRELOAD` while
    this process goes on. Idempotent: one server per process, for its lifetime."""
    if not forkserver_available():
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(WORKER_PRELOAD))
    forkserver.ensure_running()


def _dask_keeps_its_preload(dist_utils: Any) -> None:
    """Dask, when it first forks a worker from a forkserver, imports its own list of packages
    here to preload them (pandas among them, which a sweep never uses); our forkserver is
    already running with the sweep's list, so that import would only cost this process."""
    if getattr(dist_utils, "_forkserver_preload_set", None) is False:
        dist_utils._forkserver_preload_set = True


def new_local_cluster(options: ClusterOptions) -> tuple[Any, Any]:
    """A new LocalCluster and a client of it: worker processes forked from the preloaded
    server (threads in this process with ``processes=False``)."""
    if options.workers < 1:
        raise InputError([Problem(where="--workers", reason="need at least one worker")])
    dask: Any = importlib.import_module("dask")
    dist: Any = importlib.import_module("distributed")
    forked = options.processes and forkserver_available()
    config = LOCAL_CONFIG if forked else {}
    if forked:
        start_forkserver()
        _dask_keeps_its_preload(importlib.import_module("distributed.utils"))
    with dask.config.set(config):
        cluster = dist.LocalCluster(
            n_workers=options.workers,
            threads_per_worker=1,
            processes=options.processes,
            dashboard_address=":0",  # any free port: never clashes with another cluster
            silence_logs=logging.ERROR,
        )
    try:
        client = dist.Client(cluster)
    except BaseException:
        cluster.close()
        raise
    return client, cluster


def close_cluster(client: Any, cluster: Any) -> None:
    """Close a client and then its local cluster."""
    try:
        client.close()
    finally:
        cluster.close()


def connect(options: ClusterOptions) -> Any:
    """A client of an existing scheduler (:class:`InputError` if it cannot be reached)."""
    dist: Any = importlib.import_module("distributed")
    try:
        return dist.Client(options.scheduler, timeout=options.connect_timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            [Problem(where="--scheduler", reason=f"cannot reach {options.scheduler}: {exc}")]
        ) from None


@contextmanager
def dask_client(options: ClusterOptions) -> Iterator[Any]:
    """A Dask client on a new LocalCluster (closed afterwards) or on an existing scheduler."""
    if options.scheduler:
        client = connect(options)
        try:
            yield client
        finally:
            client.close()
        return
    client, cluster = new_local_cluster(options)
    try:
        yield client
    finally:
        close_cluster(client, cluster)


class StartingCluster:
    """A local cluster being started in a background thread (:func:`start_local_cluster`)."""

    def __init__(self, options: ClusterOptions) -> None:
        self.options = options
        self._made: tuple[Any, Any] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._start, name="guarantor-sweep-cluster", daemon=True
        )
        self._thread.start()

    def _start(self) -> None:
        try:
            self._made = new_local_cluster(self.options)
        except BaseException as exc:  # handed to whoever asks for the client
            self._error = exc

    def client(self) -> Any:
        """The client, once the cluster is up (its start's error, if it failed)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._made is not None
        return self._made[0]

    def close(self) -> None:
        """Close the client and the cluster (after waiting for the start to end)."""
        self._thread.join()
        made, self._made = self._made, None
        if made is not None:
            close_cluster(*made)


def start_local_cluster(options: ClusterOptions) -> StartingCluster:
    """Start a LocalCluster in the background, workers forked from a server that imports
    the models meanwhile; ``.client()`` waits for it, ``.close()`` ends it."""
    if options.processes:
        start_forkserver()  # at once: its imports are the longest part of the start
    return StartingCluster(options)
