"""Counting: items by month, year, source, outlet, place, kind, person or language, and items per place.

``stats`` takes the ``Filters`` of search and returns ``[{by: value,
"items": n}]``; ``place_counts`` is ``kcna places``: every gazetteer place
with the items naming it and the items naming it or a place inside it.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .query import NOTHING, Filters, _match, _where

if TYPE_CHECKING:
    from .db import Corpus

#: what ``stats`` can count by; each is also the name of the value's field
STATS_BY = ("month", "year", "source", "outlet", "place", "kind", "person", "language")


def stats(corpus: Corpus, f: Filters, by: str = "month") -> list[dict]:
    """Matching items counted by ``by``: ``[{by: value, "items": n}, ...]``.

    Months and years run from the first to the last one found, with the
    empty ones in between (a gap is news too); items without a date come
    last, with a null value. Sources, places, kinds, persons and languages come most
    frequent first. An item naming several places (or persons) counts once for each.
    ``source`` is the label as printed (``KCNA.kp (En)``), ``outlet`` the
    label without its language tag (``KCNA.kp``); ``by`` is read in any case.
    """
    by = (by or "").strip().lower()
    if by not in STATS_BY:
        raise UsageError(f"--by must be one of {', '.join(STATS_BY)}, not {by!r}")
    match = _match(f)
    if match is NOTHING:
        return []
    sql = _where(corpus, f, match)
    base = "FROM items_fts JOIN items ON items.id = items_fts.rowid" if match else "FROM items"
    if by == "place":
        q = (
            f"SELECT p.full_name, count(DISTINCT items.id) {base}"
            " JOIN item_places ip ON ip.item_id = items.id JOIN places p ON p.id = ip.place_id"
            f"{sql.clause} GROUP BY p.full_name"
        )
    elif by == "person":
        q = (
            f"SELECT p.name, count(DISTINCT items.id) {base}"
            " JOIN person_mentions pm ON pm.item_id = items.id JOIN persons p ON p.id = pm.person_id"
            f"{sql.clause} GROUP BY p.name"
        )
    else:
        expr = {
            "month": "substr(items.date, 1, 7)",
            "year": "substr(items.date, 1, 4)",
            "source": "items.source",
            "outlet": "coalesce(items.outlet, items.source)",
            "kind": "items.kind",
            "language": "items.language",
        }[by]
        q = f"SELECT {expr} AS k, count(*) {base}{sql.clause} GROUP BY k"
    try:
        counts = dict(corpus.conn.execute(q, sql.params).fetchall())
    except sqlite3.OperationalError as exc:
        if match and f.raw:
            raise UsageError(f"bad full-text query {f.words!r}: {exc}") from None
        raise
    undated = counts.pop(None, 0)
    if by in ("month", "year"):
        keys = _fill(sorted(counts), by)
        rows = [{by: k, "items": counts.get(k, 0)} for k in keys]
    else:
        rows = [{by: k, "items": n} for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    if undated:
        rows.append({by: None, "items": undated})
    return rows


def _fill(keys: list[str], by: str) -> list[str]:
    """Every month (or year) from the first key to the last."""
    if not keys:
        return []
    if by == "year":
        return [str(y) for y in range(int(keys[0]), int(keys[-1]) + 1)]
    y, m = int(keys[0][:4]), int(keys[0][5:7])
    last = (int(keys[-1][:4]), int(keys[-1][5:7]))
    out = []
    while (y, m) <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


#: public fields of ``kcna places`` rows (add, never rename)
PLACE_FIELDS = [
    "name",
    "level",
    "parent",
    "province",
    "items",
    "items_within",
    "aliases",
    "id",
    "name_ko",
    "hanja",
    "latitude",
    "longitude",
]


def place_counts(corpus: Corpus, *, province: str | None = None, include_empty: bool = False) -> list[dict]:
    """One row per place: items naming it, and items naming it or a place inside it."""
    g = corpus.gazetteer
    direct: dict[str, set[int]] = {}
    for place_id, item_id in corpus.conn.execute("SELECT place_id, item_id FROM item_places"):
        direct.setdefault(place_id, set()).add(item_id)
    scope = None
    if province:
        scope = set()
        for p in g.resolve(province):
            scope |= g.descendants(p.id)
    rows: list[dict[str, Any]] = []
    for p in g.places:
        if scope is not None and p.id not in scope:
            continue
        within: set[int] = set()
        for d in g.descendants(p.id):
            within |= direct.get(d, set())
        n = len(direct.get(p.id, ()))
        if not include_empty and not within:
            continue
        parent = g.by_id.get(p.parent_id) if p.parent_id else None
        prov = g.province_of(p.id)
        rows.append(
            {
                "name": p.full,
                "level": p.level,
                "parent": parent.full if parent else None,
                "province": g.by_id[prov].full if prov else None,
                "items": n,
                "items_within": len(within),
                "aliases": p.aliases,
                "id": p.id,
                "name_ko": p.full_ko,
                "hanja": p.hanja,
                "latitude": p.lat,
                "longitude": p.lon,
            }
        )
    order = {"capital_city": 0, "province": 1, "special_city": 2}
    rows.sort(key=lambda r: (r["province"] or "", order.get(r["level"], 3), r["name"]))
    return rows
