"""``kcna info``: where the database is and what it holds."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .db import Corpus

#: public fields of ``kcna info --json`` (add, never rename)
INFO_FIELDS = [
    "database",
    "schema_version",
    "size_bytes",
    "dumps",
    "raw_bytes",
    "items",
    "articles",
    "teasers",
    "revised_items",
    "places_named",
    "first_date",
    "last_date",
    "first_capture",
    "last_capture",
    "sources",
]


def corpus_info(corpus: Corpus) -> dict:
    """Counts and ranges of a corpus, as the ``kcna info --json`` object."""
    q = corpus.conn.execute
    counts = corpus.counts()
    size = 0
    for suffix in ("", "-wal"):
        try:
            size += os.path.getsize(str(corpus.path) + suffix)
        except OSError:
            pass
    first_date, last_date = q("SELECT min(date), max(date) FROM items").fetchone()
    first_cap, last_cap = q("SELECT min(capture_date), max(capture_date) FROM dumps").fetchone()
    sources = [
        {"outlet": outlet, "items": n}  # outlet null: body-only captures name none
        for outlet, n in q(
            "SELECT coalesce(outlet, source) AS o, count(*) AS n FROM items GROUP BY o ORDER BY n DESC, o"
        )
    ]
    return {
        "database": ":memory:" if corpus.in_memory else str(corpus.path.resolve()),
        "schema_version": q("PRAGMA user_version").fetchone()[0],
        "size_bytes": size,
        "dumps": counts["dumps"],
        "raw_bytes": q("SELECT coalesce(sum(raw_bytes), 0) FROM dumps").fetchone()[0],
        "items": counts["items"],
        "articles": counts["articles"],
        "teasers": counts["teasers"],
        "revised_items": q("SELECT count(DISTINCT item_id) FROM versions WHERE number > 1").fetchone()[0],
        "places_named": q("SELECT count(DISTINCT place_id) FROM item_places").fetchone()[0],
        "first_date": first_date,
        "last_date": last_date,
        "first_capture": first_cap,
        "last_capture": last_cap,
        "sources": sources,
    }
