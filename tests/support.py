"""What the tests share that is not a fixture: paths, and two ways to run kcna.

``kcna(...)`` runs the app in-process with typer's ``CliRunner`` (fast;
stdout is not a terminal); ``run_kcna(...)`` runs ``python -m kcna_cli`` as
a subprocess, as a user's shell or pipe would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

runner = CliRunner()

#: the item fields every command prints, in order (README "Output")
ITEM_KEYS = [
    "id",
    "kind",
    "title",
    "date",
    "source",
    "outlet",
    "language",
    "dateline",
    "places",
    "lede",
    "body",
    "date_note",
    "first_seen",
    "seen_in",
    "source_note",
    "first_capture",
    "added_at",
    "url",
]


def kcna(*args: str, input: str | None = None):
    """``kcna ARGS`` in-process; the result has ``exit_code``, ``stdout``, ``stderr``, ``output``."""
    from kcna_cli.cli import app

    return runner.invoke(app, list(args), input=input)


def run_kcna(*args: str, env: dict | None = None, input: str | None = None, timeout: float = 120):
    """``python -m kcna_cli ARGS`` as a subprocess, with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "kcna_cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        input=input,
        timeout=timeout,
    )


#: every table an ingest fills, in a stable order: two databases built from the same
#: input by different routes (workers or not, another order) must hold the same rows
STATE_QUERIES = (
    "SELECT sha256, path, page, capture_date, raw_bytes, raw FROM dumps ORDER BY id",
    "SELECT * FROM items ORDER BY id",
    "SELECT * FROM sightings ORDER BY item_id, dump_id, role",
    "SELECT * FROM versions ORDER BY id",
    "SELECT * FROM item_places ORDER BY item_id, place_id, field, start",
    "SELECT * FROM persons ORDER BY id",
    "SELECT * FROM person_mentions ORDER BY item_id, field, start, person_id",
    "SELECT * FROM events ORDER BY id",
    "SELECT * FROM event_reports ORDER BY item_id, ordinal",
    "SELECT * FROM event_people ORDER BY event_id, role, position",
    "SELECT * FROM event_places ORDER BY event_id, position",
)


def db_state(db) -> list:
    """The rows of ``STATE_QUERIES`` in the database at ``db``."""
    import sqlite3

    conn = sqlite3.connect(db)
    out = [conn.execute(q).fetchall() for q in STATE_QUERIES]
    conn.close()
    return out


def search_both_ways(corpus, monkeypatch, **filters) -> list:
    """(first page ids, total, every id) of a search with a dense filter (places, persons)
    run never dense and always dense: the two ways must agree."""
    from kcna_cli import query

    results = []
    for share in (0, 10**9):  # never dense, always dense
        monkeypatch.setattr(query, "DENSE_SHARE", share)
        f = query.Filters(**filters)
        page = query.search(corpus, f, limit=3)
        every = query.search(corpus, f, limit=0)
        results.append(([i["id"] for i in page.items], page.total, [i["id"] for i in every.items]))
    return results
