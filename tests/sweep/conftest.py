"""A real Dask LocalCluster shared by the sweep tests (threads, for speed)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="package")
def client() -> Iterator[Any]:
    """Two single-threaded workers in this process."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()
