"""Read-only mappings for data shared across a process.

Loaders cache what they read (nations, capabilities, parameter files) and hand every caller the
same object; a caller that changed it would change it for all. :class:`FrozenMap` refuses
changes, yet pickles and copies like a dict (unlike :class:`types.MappingProxyType`), so that
results holding one can go to a sweep's worker or a cache file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """A mapping that cannot be changed after it is made."""

    __slots__ = ("_data",)
    _data: dict[K, V]

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a FrozenMap cannot be changed")

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))


def freeze(data: Mapping[K, V]) -> FrozenMap[K, V]:
    """A read-only copy of ``data``."""
    return FrozenMap(data)
