"""A small on-disk cache for results that are pure functions of packaged data and code.

The calibration of the air-defence layers on the Air Force's reports depends only on the
shipped reports, the model's parameter files, its code and the calibration date; fitting it
needs SciPy's optimiser, whose import alone costs about half a second. The fitted calibration
is kept in the user's cache folder (``$GUARANTOR_CACHE``, else ``$XDG_CACHE_HOME/guarantor``,
else ``~/.cache/guarantor``; ``GUARANTOR_CACHE=off`` turns the cache off), keyed by a SHA-256
over everything it depends on, so a changed input or version never reads a stale entry. A
missing, unreadable or corrupt entry is computed again; failing to write one is not an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tomllib
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from guarantor import __version__
from guarantor.atomic import atomic_path

T = TypeVar("T")

#: Texts shorter than this parse faster than a cache entry loads.
_TOML_CACHE_FROM = 8_192


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    given = os.environ.get("GUARANTOR_CACHE")
    if given is not None:
        return None if given.strip().lower() in ("", "off", "0", "no") else Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "guarantor"


def package_files_hash(paths: Iterable[tuple[str, ...]]) -> bytes:
    """SHA-256 over the package's version and the bytes of files inside the package."""
    h = hashlib.sha256(__version__.encode())
    root = files("guarantor")
    for parts in paths:
        entry = root.joinpath(*parts)
        h.update("/".join(parts).encode() + b"\0" + entry.read_bytes())
    return h.digest()


def cached(name: str, key: bytes, compute: Callable[[], T]) -> T:
    """``compute()``, or its value stored earlier under ``name`` and ``key``."""
    folder = cache_dir()
    if folder is None:
        return compute()
    path = folder / f"{name}-{hashlib.sha256(key).hexdigest()[:40]}.pickle"
    try:
        value: T = pickle.loads(path.read_bytes())  # the user's own cache folder
        return value
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        pass
    value = compute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
    return value


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, kept in the cache (keyed by the text itself) when it is large.

    Scenario and reference files run to tens of kilobytes, and Python's TOML parser reads them
    at about a megabyte a second: a tenth of the default assessment's time. The parsed tables
    are a pure function of the text, so a cached copy is always exact; each call returns a
    fresh copy that the caller may change. Parse errors propagate as ``TOMLDecodeError``.
    """
    if len(text) < _TOML_CACHE_FROM:
        return tomllib.loads(text)
    return cached("toml", text.encode("utf-8", "surrogatepass"), lambda: tomllib.loads(text))
