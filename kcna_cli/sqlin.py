"""``IN`` lists of any length: a statement run once for each part of its keys, every
part under SQLite's limit on variables (999 before SQLite 3.32)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

#: keys in one ``IN (...)`` list
PART = 500


def rows_in(conn: sqlite3.Connection, sql: str, keys: Sequence, params: tuple = (), *, size: int = PART) -> list[tuple]:
    """The rows of ``sql``, whose ``IN ({})`` takes the keys, for any number of keys (one
    statement for each ``size`` keys, rows in the order of the parts); ``params`` follow
    each part's keys."""
    out: list[tuple] = []
    for at in range(0, len(keys), size):
        part = keys[at : at + size]
        out += conn.execute(sql.format(",".join("?" * len(part))), (*part, *params)).fetchall()
    return out
