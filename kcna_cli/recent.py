"""Tables that keep only their latest entries: a dict in insertion order, its oldest
entries dropped past a bound (the memos and the records and files seen lately)."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(table: dict[K, V], key: K, value: V, most: int) -> None:
    """Put ``key`` in ``table`` (a key already there keeps its place), then drop the
    oldest entry if the table holds more than ``most``."""
    table[key] = value
    if len(table) > most:
        del table[next(iter(table))]
