"""The user's own copies of the datasets they can update, kept beside the shipped ones.

Two shipped datasets age: the Air Force's reports and the Kiel tracker's allocations.
``guarantor data import-reports`` and ``import-kiel`` validate a newer file and write the
user's copy into the data folder (``$GUARANTOR_DATA_HOME``, else ``$XDG_DATA_HOME/guarantor/
data``, else ``~/.local/share/guarantor/data``); while it exists, the loaders read it instead
of the shipped file. A copy is written atomically (a temporary file in the same folder,
flushed to disk, then renamed over the old one), so a failed import leaves the previous copy
as it was. A small JSON file beside each copy records where it came from; it is trusted only
while its checksum matches the copy's bytes.

Every loader keys its in-memory cache on :func:`copy_key` (path, size, modification time), and
the calibration's on-disk cache on the copy's SHA-256, so a new import is read at once.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from guarantor.errors import InputError, Problem

DATA_HOME_ENV = "GUARANTOR_DATA_HOME"


@dataclass(frozen=True)
class Updatable:
    """A dataset the user can update: its id (as in ``sources.toml``), the shipped file and
    the user's copy (relative to the data folder)."""

    id: str
    shipped: tuple[str, ...]
    user: tuple[str, ...]


REPORTS = Updatable(
    "air-attacks",
    ("air_attacks", "national_reports_2022-09-28_to_2025-06-30.csv"),
    ("air_attacks", "national_reports.csv"),
)
KIEL = Updatable(
    "kiel",
    ("economy", "kiel_ukraine_support_allocations_release30.csv"),
    ("economy", "kiel_ukraine_support_allocations.csv"),
)
UPDATABLE: dict[str, Updatable] = {REPORTS.id: REPORTS, KIEL.id: KIEL}


def data_home() -> Path:
    """The folder of the user's copies."""
    given = os.environ.get(DATA_HOME_ENV, "").strip()
    if given:
        return Path(given)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "guarantor" / "data"


def shipped_path(dataset: Updatable) -> Path:
    """The shipped file's path."""
    return Path(str(files("guarantor.data").joinpath(*dataset.shipped)))


def user_path(dataset: Updatable) -> Path:
    """Where the user's copy lives (whether or not it exists)."""
    return data_home().joinpath(*dataset.user)


def meta_path(dataset: Updatable) -> Path:
    """The JSON file beside the user's copy that records where it came from."""
    path = user_path(dataset)
    return path.with_name(path.name + ".json")


@dataclass(frozen=True)
class Copy:
    """The copy of a dataset in use: shipped or the user's, and its file."""

    dataset: str
    kind: Literal["shipped", "user"]
    path: Path


def active_copy(dataset: Updatable) -> Copy:
    """The user's copy where there is one, else the shipped file."""
    mine = user_path(dataset)
    if mine.is_file():
        return Copy(dataset.id, "user", mine)
    return Copy(dataset.id, "shipped", shipped_path(dataset))


def copy_key(dataset: Updatable) -> tuple[str, str, int, int]:
    """What identifies the copy in use for an in-memory cache: its path, size and time."""
    copy = active_copy(dataset)
    info = copy.path.stat()
    return (copy.kind, str(copy.path), info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=16)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def copy_digest(dataset: Updatable) -> str:
    """SHA-256 of the copy in use (for on-disk caches of results computed from it)."""
    _kind, path, size, mtime = copy_key(dataset)
    return _digest(path, size, mtime)


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dictionaries (UTF-8, a byte-order mark allowed)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_active_rows(dataset: Updatable) -> list[dict[str, str]]:
    """Rows of the copy in use."""
    return read_rows(active_copy(dataset).path)


def csv_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    """A CSV file with this header and rows, as the shipped files are written."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` whole or not at all (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save_copy(dataset: Updatable, text: str, origin: dict[str, Any]) -> Path:
    """Write the user's copy (atomically), then its record of where it came from; a folder
    that cannot be written is an :class:`InputError` naming it."""
    path = user_path(dataset)
    record = {
        **origin,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    try:
        write_atomic(path, text)
    except OSError as exc:
        reason = f"cannot write the copy: {exc.strerror or exc} (the previous copy is unchanged)"
        raise InputError([Problem(str(path), reason)]) from None
    # the copy is in place; without its record, its origin shows as unknown
    with contextlib.suppress(OSError):
        write_atomic(meta_path(dataset), json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path


def copy_origin(dataset: Updatable) -> dict[str, Any]:
    """The record beside the user's copy, if it matches the copy's bytes ({} otherwise)."""
    copy = active_copy(dataset)
    if copy.kind != "user":
        return {}
    try:
        record = json.loads(meta_path(dataset).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("sha256") != copy_digest(dataset):
        return {}
    return record


def remove_copy(dataset: Updatable) -> bool:
    """Delete the user's copy and its record, so the shipped file is read again; False when
    there was no copy."""
    path = user_path(dataset)
    existed = path.is_file()
    try:
        path.unlink(missing_ok=True)
        meta_path(dataset).unlink(missing_ok=True)
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot remove: {exc.strerror or exc}")]) from None
    return existed
