"""Saved searches ("watches") and what is new for each since it last ran.

A watch is a name and a search's filters, stored in the database's
``watches`` table (so it travels with the corpus), with a mark: the id of
the last dump its previous run took into account. Dumps are numbered in
the order they are stored, so "new since the last run" is exact: the items
whose first sighting is in a dump after the mark (an item seen again is not
new). A run reads the newest dump id first and looks at dumps up to it
only, so a dump stored while it runs is reported by the next run, never
lost or reported twice. ``dry_run`` leaves the marks where they are.

A new watch starts at the newest dump stored: its first run reports what
arrives after it was saved (``since_start`` makes everything stored new).
Relative dates in a watch (``--since 7d``) are read when it runs.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .errors import UsageError
from .filtering import command_line, from_saved, saved_form
from .query import ITEM_FIELDS, Filters, search

#: public fields of ``kcna watch list`` rows (add, never rename)
WATCH_FIELDS = ["name", "search", "filters", "created_at", "last_run_at", "last_dump_id", "new_items"]
#: public fields of ``kcna watch run`` rows: the watch's name, then the item
RUN_FIELDS = ["watch", *ITEM_FIELDS]

_NAME = re.compile(r"^[\w][\w.\-]{0,63}$")


@dataclass
class Watch:
    name: str
    filters: Filters
    created_at: str
    last_run_at: str | None
    last_dump_id: int

    @property
    def search(self) -> str:
        """The watch's search as ``kcna search`` arguments."""
        return command_line(self.filters)


@dataclass
class WatchRun:
    """One watch's run: the new items, and the mark before and after."""

    watch: Watch
    items: Sequence[Mapping[str, Any]]
    mark_from: int
    mark_to: int


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _top_dump(corpus) -> int:
    return int(corpus.conn.execute("SELECT coalesce(max(id), 0) FROM dumps").fetchone()[0])


def _row(r) -> Watch:
    return Watch(r[0], from_saved(json.loads(r[1])), r[2], r[3], int(r[4]))


def watches(corpus, names: list[str] | None = None) -> list[Watch]:
    """The saved watches, by name; unknown names are a usage error."""
    rows = corpus.conn.execute(
        "SELECT name, query, created_at, last_run_at, last_dump_id FROM watches ORDER BY name"
    ).fetchall()
    found = [_row(r) for r in rows]
    if names:
        by_name = {w.name.lower(): w for w in found}
        missing = [n for n in names if n.lower() not in by_name]
        if missing:
            known = ", ".join(w.name for w in found) or "none yet (kcna watch add NAME ...)"
            raise UsageError(f"no watch named {missing[0]!r} (watches: {known})")
        return [by_name[n.lower()] for n in dict.fromkeys(names)]
    return found


def add(corpus, name: str, filters: Filters, *, since_start: bool = False, replace_: bool = False) -> Watch:
    """Save a search under ``name``; it reports items first stored after now (or all, ``since_start``)."""
    if not _NAME.match(name or ""):
        raise UsageError(f"a watch name is a word (letters, digits, . - _), not {name!r}")
    search(corpus, filters, limit=1)  # a bad date, place or source is an error now, not at every run
    exists = corpus.conn.execute("SELECT 1 FROM watches WHERE lower(name) = lower(?)", (name,)).fetchone()
    if exists and not replace_:
        raise UsageError(f"a watch named {name!r} exists (kcna watch rm {name}, or --replace)")
    watch = Watch(name, filters, _now(), None, 0 if since_start else _top_dump(corpus))
    with corpus.conn:
        corpus.conn.execute("BEGIN IMMEDIATE")
        corpus.conn.execute("DELETE FROM watches WHERE lower(name) = lower(?)", (name,))
        corpus.conn.execute(
            "INSERT INTO watches (name, query, created_at, last_run_at, last_dump_id) VALUES (?, ?, ?, ?, ?)",
            (name, json.dumps(saved_form(filters), ensure_ascii=False), watch.created_at, None, watch.last_dump_id),
        )
    return watch


def remove(corpus, name: str) -> None:
    (watch,) = watches(corpus, [name])
    with corpus.conn:
        corpus.conn.execute("BEGIN IMMEDIATE")
        corpus.conn.execute("DELETE FROM watches WHERE name = ?", (watch.name,))


def listing(corpus) -> list[dict]:
    """``kcna watch list`` rows: each watch, its search, its mark and how many items wait for its next run."""
    top = _top_dump(corpus)
    rows = []
    for w in watches(corpus):
        pending = search(corpus, _window(w.filters, w.last_dump_id, top), limit=1).total
        rows.append(
            {
                "name": w.name,
                "search": w.search,
                "filters": saved_form(w.filters),
                "created_at": w.created_at,
                "last_run_at": w.last_run_at,
                "last_dump_id": w.last_dump_id,
                "new_items": pending,
            }
        )
    return rows


def _window(f: Filters, mark: int, top: int) -> Filters:
    return replace(f, dump_floor=mark + 1, dump_ceiling=top)


def run(corpus, names: list[str] | None = None, *, dry_run: bool = False) -> list[WatchRun]:
    """Each watch's items first seen in a dump stored since its last run, newest first; then move the marks."""
    chosen = watches(corpus, names)
    top = _top_dump(corpus)
    out = []
    for w in chosen:
        result = search(corpus, _window(w.filters, w.last_dump_id, top), sort="date", limit=0)
        out.append(WatchRun(w, result.items, w.last_dump_id, top))
    if not dry_run and chosen:
        now = _now()
        with corpus.conn:
            corpus.conn.execute("BEGIN IMMEDIATE")
            corpus.conn.executemany(
                "UPDATE watches SET last_dump_id = max(last_dump_id, ?), last_run_at = ? WHERE name = ?",
                [(top, now, w.name) for w in chosen],
            )
    return out


def run_rows(runs: list[WatchRun]) -> list[dict]:
    """Flat rows for data formats: ``{"watch": name, **item}``, the same keys for every watch
    (a search snippet and score, which only watches with words have, are left out)."""
    return [{"watch": r.watch.name, **{k: item[k] for k in ITEM_FIELDS}} for r in runs for item in r.items]
