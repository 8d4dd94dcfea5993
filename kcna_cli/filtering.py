"""Checks and SQL pieces of the filters that are read as people type them.

``typed_day``: a date option as the first (or last) ISO day it names
(``dates.user_range``), or a usage error naming the option and the value;
``check_sources``: an outlet or label no stored item has is a usage error
with suggestions, as an unknown place is; ``like_prefix``: a ``--source``
value as a LIKE pattern; ``saved_form``, ``from_saved`` and
``command_line``: a search as a watch keeps it, and as people read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .dates import user_range
from .errors import UsageError

if TYPE_CHECKING:
    from .db import Corpus
    from .query import Filters


def typed_day(value: str | None, option: str, end: bool = False) -> str | None:
    """The first (or last) ISO day of a typed date, or a usage error naming the option."""
    if not value:
        return None
    try:
        return user_range(value)[1 if end else 0]
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def check_sources(corpus: Corpus, sources: list[str]) -> None:
    """An outlet or label no stored item has is a usage error with close suggestions (like places)."""
    import difflib

    conn = corpus.conn
    for s in sources:
        like = like_prefix(s)
        if conn.execute(
            "SELECT 1 FROM items WHERE outlet LIKE ? ESCAPE '\\' OR source LIKE ? ESCAPE '\\' LIMIT 1", (like, like)
        ).fetchone():
            continue
        known = sorted(
            {r[0] for r in conn.execute("SELECT DISTINCT outlet FROM items WHERE outlet IS NOT NULL")}
            | {r[0] for r in conn.execute("SELECT DISTINCT source FROM items WHERE source IS NOT NULL")}
        )
        if not known:
            return  # an empty corpus: nothing to compare with, nothing matches anyway
        by_lower = {k.lower(): k for k in known}
        close = difflib.get_close_matches(s.lower(), list(by_lower), n=3, cutoff=0.5)
        close += [k for k in by_lower if s.lower()[:3] and k.startswith(s.lower()[:3]) and k not in close]
        names = [by_lower[c] for c in close][:3]
        if names:
            raise UsageError(f"unknown source {s!r}: did you mean {' or '.join(repr(n) for n in names)}?")
        shown = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
        raise UsageError(f"unknown source {s!r} (sources in this database: {shown})")


def like_prefix(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- new items: by first capture, by ingest time ---------------------------------------------


def new_item_conditions(corpus: Corpus, f: Filters, ident: str) -> list[tuple[str, list[Any]]]:
    """SQL conditions on ``ident`` (an item id) for ``--seen-since``/``--seen-until``
    (the first capture date is in the range) and ``--added-since`` (the first dump
    showing the item was stored on or after that day). An item seen again later is
    not new: each condition asks for a sighting in range and none before it."""
    out: list[tuple[str, list[Any]]] = []
    seen_lo = typed_day(f.seen_since, "--seen-since")
    seen_hi = typed_day(f.seen_until, "--seen-until", end=True)
    if seen_lo or seen_hi:
        lo, hi = seen_lo or "0000", seen_hi or "9999"
        out.append(
            (
                f"{ident} IN (SELECT n.item_id FROM sightings n JOIN dumps d ON d.id = n.dump_id"
                " WHERE d.capture_date BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM sightings o"
                " JOIN dumps e ON e.id = o.dump_id WHERE o.item_id = n.item_id AND e.capture_date < ?))",
                [lo, hi, lo],
            )
        )
    floor = f.dump_floor
    added = typed_day(f.added_since, "--added-since")
    if added:
        # dumps are numbered in the order they are stored: the first one stored that day on
        first = corpus.conn.execute("SELECT min(id) FROM dumps WHERE ingested_at >= ?", (added,)).fetchone()[0]
        if first is None:
            first = corpus.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM dumps").fetchone()[0]
        floor = max(floor or 0, int(first))
    if floor is not None or f.dump_ceiling is not None:
        # first seen in a dump from `floor` to `ceiling` (a watch's window)
        lo_id, hi_id = floor or 0, f.dump_ceiling if f.dump_ceiling is not None else 1 << 62
        out.append(
            (
                f"{ident} IN (SELECT n.item_id FROM sightings n WHERE n.dump_id BETWEEN ? AND ? AND NOT EXISTS"
                " (SELECT 1 FROM sightings o WHERE o.item_id = n.item_id AND o.dump_id < ?))",
                [lo_id, hi_id, lo_id],
            )
        )
    return out


# --- the saved form of a search (kcna watch) -------------------------------------------------

#: the fields a saved search keeps
SAVED = (
    "words",
    "raw",
    "places",
    "since",
    "until",
    "on",
    "year",
    "sources",
    "kind",
    "seen_since",
    "seen_until",
    "added_since",
)


def saved_form(f: Filters) -> dict[str, Any]:
    """A search's filters as stored with a watch: only the fields that are set, dates as typed."""
    return {k: getattr(f, k) for k in SAVED if getattr(f, k)}


def from_saved(data: dict[str, Any]) -> Filters:
    from .query import Filters

    return Filters(**{k: data[k] for k in SAVED if k in data})


def command_line(f: Filters) -> str:
    """The filters as ``kcna search`` arguments, for people: ``missile --place Kimhwa``."""
    import shlex

    parts = [shlex.quote(f.words)] if f.words else []
    for k in SAVED[1:]:
        v = getattr(f, k)
        opt = "--" + {"places": "place", "sources": "source"}.get(k, k).replace("_", "-")
        if v is True:
            parts.append(opt)
        elif isinstance(v, list):
            parts += [f"{opt} {shlex.quote(x)}" for x in v]
        elif v:
            parts.append(f"{opt} {shlex.quote(str(v))}")
    return " ".join(parts)
