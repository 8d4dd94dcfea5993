"""Questions about people: who is named, one person's profile, the leader's appearances.

Plain dicts out, with the public field names documented in README ("People"):

- ``people``: one row per person named in the matching items (``PERSON_FIELDS``);
- ``profile``: one person: mentions by month, posts with the dates they were
  printed, who they are named with most, events, gaps in their record;
- ``appearances``: the leader's activities (``EVENT_FIELDS``), one row per
  activity however many items report it, or counted by month or year.

Filters are those of ``search`` (``query.Filters``). For ``people`` and
``profile`` they choose the items; for ``appearances`` dates apply to the
date of the activity, places to its places (and what lies inside them),
sources to the items reporting it, and ``persons`` names the leaders.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .query import NOTHING, Filters, _date_bounds, _match, _where, place_ids
from .sqlin import rows_in

if TYPE_CHECKING:
    from .db import Corpus

#: public fields of a ``people`` row, in output order; add, never rename
PERSON_FIELDS = ["name", "key", "foreign", "mentions", "first_seen", "last_seen", "latest_post"]
#: public fields of an ``appearances`` row, in output order; add, never rename
EVENT_FIELDS = [
    "id",
    "date",
    "type",
    "leader",
    "object",
    "places",
    "companions",
    "greeters",
    "appearance",
    "reports",
    "items",
]
PEOPLE_SORTS = ("mentions", "last-seen", "first-seen")
#: what ``appearances --by`` counts by
EVENTS_BY = ("month", "year", "type")


def _item_filter(corpus: Corpus, f: Filters, column: str) -> tuple[str, list[Any]] | None:
    """The filters as ``column IN (matching item ids)``; None when nothing can match."""
    match = _match(f)
    if match is NOTHING:
        return None
    sql = _where(corpus, f, match)
    if not sql.where:
        return "", []
    base = "items_fts.rowid FROM items_fts" if match else "items.id FROM items"
    if match and sql.needs_items:
        base = "items.id FROM items_fts JOIN items ON items.id = items_fts.rowid"
    return f" AND {column} IN (SELECT {base}{sql.clause})", list(sql.params)


def people(
    corpus: Corpus, f: Filters, *, foreign: bool | None = None, sort: str = "mentions", limit: int = 0
) -> list[dict[str, Any]]:
    """Persons named in the matching items: how often (items), first and last seen, latest post."""
    if sort not in PEOPLE_SORTS:
        raise UsageError(f"--sort must be one of {', '.join(PEOPLE_SORTS)}, not {sort!r}")
    cond = _item_filter(corpus, f, "m.item_id")
    if cond is None:
        return []
    where, params = cond
    if foreign is not None:
        where += " AND p.is_foreign = ?"
        params.append(int(foreign))
    order = {
        "mentions": "mentions DESC, p.name",
        "last-seen": "last_seen IS NULL, last_seen DESC, mentions DESC",
        "first-seen": "first_seen IS NULL, first_seen, mentions DESC",
    }[sort]
    rows = corpus.conn.execute(
        "SELECT p.id, p.name, p.key, p.is_foreign, count(DISTINCT m.item_id) AS mentions,"
        " min(m.date) AS first_seen, max(m.date) AS last_seen"
        f" FROM person_mentions m JOIN persons p ON p.id = m.person_id WHERE 1{where}"
        f" GROUP BY p.id ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit else ""),
        params,
    ).fetchall()
    posts = _latest_posts(corpus, [r[0] for r in rows])
    return [
        {
            "name": r[1],
            "key": r[2],
            "foreign": bool(r[3]),
            "mentions": r[4],
            "first_seen": r[5],
            "last_seen": r[6],
            "latest_post": posts.get(r[0]),
        }
        for r in rows
    ]


def _latest_posts(corpus: Corpus, ids: list[int]) -> dict[int, str]:
    # SQLite takes the other columns from the row holding max(): the latest printed post
    rows = rows_in(
        corpus.conn,
        "SELECT person_id, post, max(coalesce(date, '')) FROM person_mentions"
        " WHERE person_id IN ({}) AND post IS NOT NULL GROUP BY person_id",
        ids,
    )
    return {pid: post for pid, post, _ in rows}


def find_person(corpus: Corpus, name: str) -> tuple[int, str] | None:
    """The one stored person a name means, or None (no such person, or several)."""
    from .db.people import resolve

    try:
        found = resolve(corpus.conn, name)
    except UsageError:
        return None
    return found[0] if len(found) == 1 else None


def profile(corpus: Corpus, name: str, f: Filters | None = None, *, gaps: int = 0) -> dict[str, Any]:
    """One person: mentions by month, posts over time, who they are named with, events, gaps."""
    from .db.people import resolve

    found = resolve(corpus.conn, name)
    if len(found) > 1:
        names = " or ".join(f'"{n}"' for _, n in found[:5])
        raise UsageError(f"{name!r} names several persons: {names}")
    pid = found[0][0]
    cond = _item_filter(corpus, f or Filters(), "m.item_id")
    where, params = cond if cond is not None else (" AND 0", [])
    q = corpus.conn.execute
    key, pname, is_foreign = q("SELECT key, name, is_foreign FROM persons WHERE id = ?", (pid,)).fetchone()
    dates = [
        r[0]
        for r in q(
            f"SELECT DISTINCT m.date FROM person_mentions m WHERE m.person_id = ?{where} ORDER BY m.date",
            [pid, *params],
        )
    ]
    mentions = q(
        f"SELECT count(DISTINCT m.item_id) FROM person_mentions m WHERE m.person_id = ?{where}", [pid, *params]
    ).fetchone()[0]
    known = [d for d in dates if d]
    last_corpus = q("SELECT max(date) FROM items").fetchone()[0]
    return {
        "name": pname,
        "key": key,
        "foreign": bool(is_foreign),
        "mentions": mentions,
        "first_seen": known[0] if known else None,
        "last_seen": known[-1] if known else None,
        "days_since_last_seen": _days(known[-1], last_corpus) if known and last_corpus else None,
        "by_month": _by_month(corpus, pid, where, params),
        "posts": _posts(corpus, pid, where, params),
        "appears_with": _appears_with(corpus, pid, where, params),
        "events": _event_roles(corpus, pid),
        "gaps": _gaps(known, gaps) if gaps else [],
    }


def _days(a: str, b: str) -> int | None:
    try:
        return (_dt.date.fromisoformat(b) - _dt.date.fromisoformat(a)).days
    except ValueError:
        return None


def _by_month(corpus: Corpus, pid: int, where: str, params: list[Any]) -> list[dict[str, Any]]:
    from .counts import _fill

    counts = dict(
        corpus.conn.execute(
            f"SELECT substr(m.date, 1, 7) AS k, count(DISTINCT m.item_id) FROM person_mentions m"
            f" WHERE m.person_id = ?{where} AND m.date IS NOT NULL GROUP BY k",
            [pid, *params],
        ).fetchall()
    )
    return [{"month": k, "items": counts.get(k, 0)} for k in _fill(sorted(counts), "month")]


def _posts(corpus: Corpus, pid: int, where: str, params: list[Any]) -> list[dict[str, Any]]:
    rows = corpus.conn.execute(
        f"SELECT m.post, min(m.date), max(m.date), count(DISTINCT m.item_id) FROM person_mentions m"
        f" WHERE m.person_id = ? AND m.post IS NOT NULL{where} GROUP BY m.post ORDER BY min(m.date), m.post",
        [pid, *params],
    ).fetchall()
    return [{"post": r[0], "first": r[1], "last": r[2], "mentions": r[3]} for r in rows]


def _appears_with(corpus: Corpus, pid: int, where: str, params: list[Any], limit: int = 10) -> list[dict[str, Any]]:
    rows = corpus.conn.execute(
        "SELECT p.name, p.key, count(DISTINCT o.item_id) AS n FROM person_mentions m"
        " JOIN person_mentions o ON o.item_id = m.item_id AND o.person_id != m.person_id"
        f" JOIN persons p ON p.id = o.person_id WHERE m.person_id = ?{where}"
        f" GROUP BY o.person_id ORDER BY n DESC, p.name LIMIT {int(limit)}",
        [pid, *params],
    ).fetchall()
    return [{"name": r[0], "key": r[1], "items": r[2]} for r in rows]


def _event_roles(corpus: Corpus, pid: int) -> dict[str, int]:
    q = corpus.conn.execute
    out = {"leader": q("SELECT count(*) FROM events WHERE leader_id = ? AND appearance = 1", (pid,)).fetchone()[0]}
    for role in ("companion", "greeter"):
        out[role] = q(
            "SELECT count(DISTINCT event_id) FROM event_people WHERE person_id = ? AND role = ?", (pid, role)
        ).fetchone()[0]
    return out


def _gaps(dates: list[str], days: int) -> list[dict[str, Any]]:
    """Stretches longer than ``days`` between two dates a person was named on."""
    out = []
    for a, b in zip(dates, dates[1:], strict=False):
        n = _days(a, b)
        if n is not None and n > days:
            out.append({"from": a, "to": b, "days": n})
    return out


# --- appearances ----------------------------------------------------------------------------


def _event_where(corpus: Corpus, f: Filters, types: list[str], with_: list[str]) -> tuple[str, list[Any]]:
    from .activities import EVENT_TYPES, NOT_APPEARANCES
    from .db.people import person_ids

    conds: list[str] = []
    params: list[Any] = []
    if f.has_words or f.kind or f.revised:
        raise UsageError("appearances takes --person, --with, --type, --place, --source and dates, not words")
    lo, hi = _date_bounds(f)
    if lo:
        conds.append("e.date >= ?")
        params.append(lo)
    if hi:
        conds.append("e.date <= ?")
        params.append(hi)
    if types and types != ["all"]:
        bad = [t for t in types if t not in EVENT_TYPES]
        if bad:
            raise UsageError(f"--type must be one of {', '.join(EVENT_TYPES)} or all, not {bad[0]!r}")
        conds.append(f"e.type IN ({','.join('?' * len(types))})")
        params += types
    elif not types:
        conds.append(f"e.type NOT IN ({','.join('?' * len(NOT_APPEARANCES))})")
        params += sorted(NOT_APPEARANCES)
    if f.persons:
        ids = person_ids(corpus.conn, f.persons)
        conds.append(f"e.leader_id IN ({','.join('?' * len(ids))})")
        params += ids
    for name in with_:
        ids = person_ids(corpus.conn, [name])
        conds.append(f"e.id IN (SELECT event_id FROM event_people WHERE person_id IN ({','.join('?' * len(ids))}))")
        params += ids
    if f.places:
        pids = sorted(place_ids(corpus, f.places))
        conds.append(f"e.id IN (SELECT event_id FROM event_places WHERE place_id IN ({','.join('?' * len(pids))}))")
        params += pids
    if f.sources:
        likes = []
        for s in f.sources:
            like = s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            likes.append("(i.outlet LIKE ? ESCAPE '\\' OR i.source LIKE ? ESCAPE '\\')")
            params += [like, like]
        conds.append(
            "e.id IN (SELECT r.event_id FROM event_reports r JOIN items i ON i.id = r.item_id"
            f" WHERE {' OR '.join(likes)})"
        )
    return (" WHERE " + " AND ".join(conds)) if conds else "", params


def appearances(
    corpus: Corpus, f: Filters, *, types: list[str] | None = None, with_: list[str] | None = None, limit: int = 0
) -> list[dict[str, Any]]:
    """The leaders' activities, newest first, one row per activity (``EVENT_FIELDS``)."""
    where, params = _event_where(corpus, f, types or [], with_ or [])
    rows = corpus.conn.execute(
        "SELECT e.id, e.date, e.type, p.name, e.object, e.appearance FROM events e"
        f" JOIN persons p ON p.id = e.leader_id{where} ORDER BY e.date DESC, e.id DESC"
        + (f" LIMIT {int(limit)}" if limit else ""),
        params,
    ).fetchall()
    return _complete(corpus, rows)


def _complete(corpus: Corpus, rows: list[tuple]) -> list[dict[str, Any]]:
    ids = [r[0] for r in rows]
    people: dict[tuple[int, str], list[str]] = {}
    places: dict[int, list[str]] = {}
    reports: dict[int, list[int]] = {}
    conn = corpus.conn
    for eid, role, name in rows_in(
        conn,
        "SELECT ep.event_id, ep.role, p.name FROM event_people ep JOIN persons p ON p.id = ep.person_id"
        " WHERE ep.event_id IN ({}) ORDER BY ep.event_id, ep.role, ep.position",
        ids,
    ):
        people.setdefault((eid, role), []).append(name)
    for eid, name in rows_in(
        conn,
        "SELECT ev.event_id, pl.full_name FROM event_places ev JOIN places pl ON pl.id = ev.place_id"
        " WHERE ev.event_id IN ({}) ORDER BY ev.event_id, ev.position",
        ids,
    ):
        places.setdefault(eid, []).append(name)
    for eid, item_id in rows_in(
        conn, "SELECT event_id, item_id FROM event_reports WHERE event_id IN ({}) ORDER BY item_id", ids
    ):
        if item_id not in reports.setdefault(eid, []):
            reports[eid].append(item_id)
    return [
        {
            "id": r[0],
            "date": r[1],
            "type": r[2],
            "leader": r[3],
            "object": r[4],
            "places": places.get(r[0], []),
            "companions": people.get((r[0], "companion"), []),
            "greeters": people.get((r[0], "greeter"), []),
            "appearance": bool(r[5]),
            "reports": len(reports.get(r[0], [])),
            "items": reports.get(r[0], []),
        }
        for r in rows
    ]


def appearance_counts(
    corpus: Corpus, f: Filters, by: str, *, types: list[str] | None = None, with_: list[str] | None = None
) -> list[dict[str, Any]]:
    """Activities counted by month, year or type: ``[{by: value, "events": n}]``, empty months included."""
    from .counts import _fill

    if by not in EVENTS_BY:
        raise UsageError(f"--by must be one of {', '.join(EVENTS_BY)}, not {by!r}")
    where, params = _event_where(corpus, f, types or [], with_ or [])
    expr = {"month": "substr(e.date, 1, 7)", "year": "substr(e.date, 1, 4)", "type": "e.type"}[by]
    counts = dict(corpus.conn.execute(f"SELECT {expr} AS k, count(*) FROM events e{where} GROUP BY k", params))
    undated = counts.pop(None, 0)
    if by == "type":
        rows = [{by: k, "events": n} for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    else:
        rows = [{by: k, "events": counts.get(k, 0)} for k in _fill(sorted(counts), by)]
    if undated:
        rows.append({by: None, "events": undated})
    return rows
