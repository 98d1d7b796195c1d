"""What a sweep worker loads before its first point: the models and the reference data.

Local sweeps fork their worker processes from one process that has imported this module
(:func:`guarantor.sweep.runner.start_local_cluster`), so the models are imported once for
all workers, while the driver plans the sweep, and no worker pays for imports on its first
point. For workers of a cluster of your own, preload it the same way::

    dask worker tcp://scheduler:8786 --preload guarantor.sweep.worker

"""

from __future__ import annotations

from typing import Any

import guarantor.sweep.point_runners  # noqa: F401  (the import is the point: every model kind)
from guarantor.data import reference

reference()  # parsed once here, shared by every forked worker


def dask_setup(_worker: Any) -> None:
    """Dask's preload hook: the work is done at import."""
