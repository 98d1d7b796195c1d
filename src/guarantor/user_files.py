"""Reading a file a user names: a regular file within a size limit, or one clear input error.

Scenario files, pledge imports, workbooks and Air Force report updates all come from paths a
user types. Each is refused before it is read when it is not a regular file (a folder, a device
such as ``/dev/zero``, a pipe) or is larger than its limit, so no input can make a command read
without end; every failure is an :class:`~guarantor.errors.InputError` naming the path.
"""

from __future__ import annotations

import stat
from pathlib import Path

from guarantor.errors import InputError, Problem


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them."""
    where = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError([Problem(where, "is a directory, not a file")])
        if not stat.S_ISREG(info.st_mode):
            raise InputError([Problem(where, "not a regular file")])
        if info.st_size > limit:
            reason = f"file too large ({info.st_size:,} bytes; at most {limit:,})"
            raise InputError([Problem(where, reason)])
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError([Problem(where, "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(where, exc.strerror or str(exc))]) from None
    if len(data) > limit:  # it grew after the check
        raise InputError([Problem(where, f"file too large (more than {limit:,} bytes)")])
    return data


def read_text(path: Path, limit: int) -> str:
    """The UTF-8 text of the file at ``path`` (a leading byte-order mark dropped, as
    spreadsheets and editors write one), exactly: no newline translation."""
    try:
        return read_bytes(path, limit).decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(str(path), f"not UTF-8 text ({exc.reason})")]) from None
