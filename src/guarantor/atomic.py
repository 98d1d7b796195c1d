"""Files written whole or not at all: a partial file never replaces a good one.

Every writer of a result file (assessment JSON, report, workbook, PDF, sweep manifests and
parts, the on-disk cache) goes through :func:`atomic_path`: it writes a hidden temporary file
beside the target (same folder, so the rename never crosses file systems) and renames it over
the target only once the writing has finished; on any failure the temporary file is removed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "write_bytes_atomic", "write_text_atomic"]


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it replaces ``path`` when the block ends
    without an error, and is removed when it raises."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (flushed to disk before the rename)."""
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in UTF-8, line endings as given."""
    write_bytes_atomic(path, text.encode("utf-8"))
