"""The stored row of an item as the merge rules read it (``Found``), the rows of a
dump's record keys read together (``KeyRows``), and the rows read lately, kept from
one dump to the next (``RowCache``)."""

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

    def __init__(self, conn: sqlite3.Connection, keys: list[str], cache: RowCache | None = None) -> None:
        self.conn, self.keys, self.cache = conn, keys, cache
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
        cache = self.cache
        found = cache.rows_of(keys) if cache is not None else {}
        missing = [k for k in keys if k not in found]
        if missing:
            for r in rows_in(self.conn, _FOUND + " WHERE key IN ({})", missing):
                found[r[_KEY]] = r
                if cache is not None:
                    cache.put(r)
        for k in keys:
            self.rows[k] = found.get(k)
        self.stale.difference_update(keys)
        self.mark = self.conn.total_changes


#: rows a ``RowCache`` keeps (a teaser names one of the latest items: at most a few
#: hundred keys recur from one capture to the next)
CACHE_ROWS = 4096

#: temporary triggers that tell a ``RowCache`` which item's row changed, whatever the
#: statement (a row holds columns of ``items`` and whether ``versions`` has a row of it)
_TRIGGERS = {
    "kcna_rows_items_u": "AFTER UPDATE ON main.items BEGIN SELECT kcna_row_changed(old.id); END",
    "kcna_rows_items_d": "AFTER DELETE ON main.items BEGIN SELECT kcna_row_changed(old.id); END",
    "kcna_rows_versions_i": "AFTER INSERT ON main.versions BEGIN SELECT kcna_row_changed(new.item_id); END",
    "kcna_rows_versions_u": (
        "AFTER UPDATE ON main.versions BEGIN SELECT kcna_row_changed(old.item_id), kcna_row_changed(new.item_id); END"
    ),
    "kcna_rows_versions_d": "AFTER DELETE ON main.versions BEGIN SELECT kcna_row_changed(old.item_id); END",
}


class RowCache:
    """The rows of the keys the writer read lately (as ``_FOUND`` reads them), kept from one
    dump and one transaction to the next, so that the teasers every capture repeats are not
    read again each time (reading them was a sixth of the writer's time on folders of
    one-page files).

    A kept row is always the stored one:

    - any change to an item's row or to its versions, by any statement on this connection,
      drops the item's row (temporary triggers call ``changed``);
    - rows read in a transaction are kept only once it commits (``committed``); until then
      they serve that transaction alone, and are dropped when it, or the dump's savepoint,
      is rolled back (``rolled_back``);
    - when another connection has committed since (``PRAGMA data_version``), or the
      triggers are gone (changing ``temp_store`` drops them), everything is dropped
      (``begun``, in each write transaction).

    Keys no item has are not kept (a new item gets them).
    """

    def __init__(self, conn: sqlite3.Connection, most: int = CACHE_ROWS) -> None:
        self.conn, self.most = conn, most
        self.kept: dict[str, tuple] = {}  # committed rows, by key
        self.pending: dict[str, tuple] = {}  # rows read in the open transaction
        self.keys: dict[int, str] = {}  # item id -> key, of both
        self.version: int | None = None
        conn.create_function("kcna_row_changed", 1, self.changed)

    def _triggers(self) -> None:
        """Create the triggers if they are not all there (a rolled-back transaction undoes
        the creation of temporary triggers too); without them nothing kept can be trusted."""
        (n,) = self.conn.execute(
            "SELECT count(*) FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE 'kcna_rows_%'"
        ).fetchone()
        if n != len(_TRIGGERS):
            self.clear()
            for name, body in _TRIGGERS.items():
                self.conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS {name} {body}")

    def rows_of(self, keys: list[str]) -> dict[str, tuple]:
        """The rows this cache holds of these keys."""
        out = {}
        for k in keys:
            row = self.pending.get(k) or self.kept.get(k)
            if row is not None:
                out[k] = row
        return out

    def put(self, row: tuple) -> None:
        """A row read in the open transaction."""
        key = row[_KEY]
        self.pending[key] = row
        self.keys[row[0]] = key
        if len(self.pending) > self.most:
            self._drop(next(iter(self.pending)))

    def changed(self, item_id: int) -> None:
        """The row of item ``item_id`` changed (called by the triggers)."""
        key = self.keys.pop(item_id, None)
        if key is not None:
            self.pending.pop(key, None)
            self.kept.pop(key, None)

    def begun(self) -> None:
        """In a write transaction just begun (before any write in it): drop everything if
        another connection wrote; make sure the triggers are there."""
        self._triggers()
        (version,) = self.conn.execute("PRAGMA data_version").fetchone()
        if version != self.version:
            self.clear()
            self.version = version
        self.rolled_back()

    def committed(self) -> None:
        """The transaction committed: its rows are kept."""
        for key, row in self.pending.items():
            self.kept.pop(key, None)  # (moved to the end: read last)
            self.kept[key] = row
        self.pending.clear()
        while len(self.kept) > self.most:
            self._drop(next(iter(self.kept)))

    def rolled_back(self) -> None:
        """The transaction, or a savepoint in it, was rolled back: its rows may be untrue."""
        for row in self.pending.values():
            self.keys.pop(row[0], None)
        self.pending.clear()

    def clear(self) -> None:
        self.kept.clear()
        self.pending.clear()
        self.keys.clear()

    def _drop(self, key: str) -> None:
        # (a key is in ``pending`` or in ``kept``, never both: ``put`` takes only rows
        # that ``rows_of`` did not have)
        row = self.pending.pop(key, None) or self.kept.pop(key, None)
        if row is not None:
            self.keys.pop(row[0], None)
