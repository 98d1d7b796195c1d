"""Files a user names are read only when regular and within their limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.errors import InputError
from guarantor.user_files import read_bytes, read_text


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=200), limit=st.integers(0, 300))
def test_a_regular_file_is_read_whole_or_refused_by_size(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, limit: int
) -> None:
    path = tmp_path_factory.mktemp("f") / "x.bin"
    path.write_bytes(data)
    if len(data) <= limit:
        assert read_bytes(path, limit) == data
    else:
        with pytest.raises(InputError, match="file too large"):
            read_bytes(path, limit)


def test_what_is_not_a_regular_file_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_bytes(tmp_path, 10)
    with pytest.raises(InputError, match="not a regular file"):
        read_bytes(Path("/dev/zero"), 10)
    with pytest.raises(InputError, match="file not found"):
        read_bytes(tmp_path / "missing", 10)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_bytes(fifo, 10)


def test_text_drops_a_byte_order_mark_and_keeps_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffa,b\r\nc\n".encode())
    assert read_text(path, 100) == "a,b\r\nc\n"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match="not UTF-8"):
        read_text(path, 100)
