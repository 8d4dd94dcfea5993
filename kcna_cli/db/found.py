"""The stored row of an item as the merge rules read it (``Found``), and the rows of a
dump's record keys read together (``KeyRows``)."""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from ..sqlin import rows_in


class Found(NamedTuple):
    """The stored item a record was matched to (its columns that the rules read)."""

    id: int
    kind: str
    title: str | None
    lede: str | None
    version_id: int | None
    version_capture: str | None
    key: str
    date: str | None = None
    source: str | None = None
    source_note: str | None = None
    #: a teaser item: has it a version (a lede it was seen with before)? None: an article
    versioned: int | None = None


_FOUND = (
    "SELECT id, kind, title, lede, version_id, version_capture, key, date, source, source_note,"
    " CASE WHEN kind = 'teaser' THEN EXISTS (SELECT 1 FROM versions v WHERE v.item_id = items.id) END FROM items"
)
_KEY = Found._fields.index("key")  # where ``_FOUND`` puts it


class KeyRows:
    """The stored rows of a dump's record keys, read in one statement instead of one
    each (``find`` reads most records by key, and one statement costs about as much
    as two of one key each).

    The rows stay true while nothing is written: SQLite counts every row changed on
    the connection, and no other connection writes during the writer's transaction.
    Storing one record changes the item it is (``upsert`` writes no other item), and
    the writer says which (``wrote``): then only the rows that may differ are read
    again when their turn comes, that item's and those of keys no item had (its key
    may have become one of them). After any other change, all the keys still to come
    are read again.
    """

    def __init__(self, conn: sqlite3.Connection, keys: list[str]) -> None:
        self.conn, self.keys = conn, keys
        self.rows: dict[str, tuple | None] = {}
        self.stale: set[str] = set()
        self.mark = -1

    def row(self, position: int) -> tuple | None:
        """The stored row of the key at ``position`` (None: no item has it)."""
        key = self.keys[position]
        if self.conn.total_changes != self.mark:
            self._read(self.keys[position:])
        elif key in self.stale:
            self._read([k for k in self.keys[position:] if k in self.stale])
        return self.rows.get(key)

    def wrote(self, item_id: int) -> None:
        """Storing a record changed the item ``item_id`` and no other (if anything)."""
        if self.conn.total_changes != self.mark:
            self.stale.update(k for k, r in self.rows.items() if r is None or r[0] == item_id)
            self.mark = self.conn.total_changes

    def _read(self, keys: list[str]) -> None:
        keys = list(dict.fromkeys(keys))
        found = {r[_KEY]: r for r in rows_in(self.conn, _FOUND + " WHERE key IN ({})", keys)}
        for k in keys:
            self.rows[k] = found.get(k)
        self.stale.difference_update(keys)
        self.mark = self.conn.total_changes
