"""People and leader activities in the corpus: tables, migration, indexing.

Tables (schema 5):

``persons``          one row per person key (``kcna_cli.people.person_key``):
                     the name as KCNA prints it, foreign or not.
``person_mentions``  each time an item names a person: field (title, lede,
                     body), offsets, the text as printed, the post printed
                     with it, its list (``list_no``) and place in that list
                     (``list_pos``, the rank order KCNA gave), and the item's
                     date (copied, so a person's timeline needs no join).
``events``           one row per public activity of a leader, however many
                     items report it: type, date, object, whether it is an
                     appearance (a message or a letter is not).
``event_reports``    which items report an event (``ordinal``: the n-th
                     event the item reports).
``event_people``     who accompanied the leader (``companion``) and who
                     greeted him on the spot (``greeter``), in printed order.
``event_places``     the places of the event, in printed order.

An event is one activity: a report from another capture, outlet or
language is matched to a stored event of the same leader and type, on the
same date (within ``DATE_SLACK`` days when either report took its date
from the article rather than from the text), with the same object (equal,
or one the start of the other, as a teaser's cut lede is). The event keeps
the fullest report's companions, greeters and places.

``index_people`` is called for an item whenever its text is (re)indexed,
next to the places; ``reparse`` empties these tables and rebuilds them.
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the finder is imported when first used: creating a database stays quick
    from ..activities import Event

SCHEMA_SQL = """
CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    is_foreign INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE person_mentions (
    item_id INTEGER NOT NULL REFERENCES items(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    field TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    surface TEXT NOT NULL,
    post TEXT,
    list_no INTEGER NOT NULL,
    list_pos INTEGER NOT NULL,
    date TEXT,
    PRIMARY KEY (item_id, field, start)
) WITHOUT ROWID;
CREATE INDEX person_mentions_person ON person_mentions(person_id, date);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    leader_id INTEGER NOT NULL REFERENCES persons(id),
    type TEXT NOT NULL,
    date TEXT,
    date_in_text INTEGER NOT NULL DEFAULT 0,
    object TEXT,
    object_key TEXT NOT NULL DEFAULT '',
    appearance INTEGER NOT NULL
);
CREATE INDEX events_leader ON events(leader_id, type, date);
CREATE INDEX events_date ON events(date);
CREATE TABLE event_reports (
    item_id INTEGER NOT NULL REFERENCES items(id),
    ordinal INTEGER NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events(id),
    PRIMARY KEY (item_id, ordinal)
) WITHOUT ROWID;
CREATE INDEX event_reports_event ON event_reports(event_id);
CREATE TABLE event_people (
    event_id INTEGER NOT NULL REFERENCES events(id),
    role TEXT NOT NULL CHECK (role IN ('companion', 'greeter')),
    position INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    PRIMARY KEY (event_id, role, position)
) WITHOUT ROWID;
CREATE INDEX event_people_person ON event_people(person_id, event_id);
CREATE TABLE event_places (
    event_id INTEGER NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    place_id TEXT NOT NULL,
    PRIMARY KEY (event_id, position)
) WITHOUT ROWID;
CREATE INDEX event_places_place ON event_places(place_id, event_id);
"""

TABLES = ("event_places", "event_people", "event_reports", "events", "person_mentions", "persons")
#: days two reports of one activity may differ by when either took the article's date
DATE_SLACK = 2


def create(conn: sqlite3.Connection) -> None:
    from .schema import _statements

    for stmt in _statements(SCHEMA_SQL):
        conn.execute(stmt)


def migrate(conn: sqlite3.Connection) -> None:
    """Schema 4 -> 5: the people tables, filled from the stored items."""
    from ..places import Gazetteer

    create(conn)
    g = Gazetteer.load()
    rows = conn.execute("SELECT id, title, lede, body, date FROM items ORDER BY id").fetchall()
    for item_id, title, lede, body, date in rows:
        index_people(conn, item_id, title, lede, body, date, g, fresh=True)


def clear(conn: sqlite3.Connection) -> None:
    """Empty the tables (reparse rebuilds them)."""
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")


def _person_id(conn: sqlite3.Connection, key: str, name: str, foreign: bool, cache: dict[str, int]) -> int:
    pid = cache.get(key)
    if pid is not None:
        return pid
    row = conn.execute("SELECT id, name FROM persons WHERE key = ?", (key,)).fetchone()
    if row is None:
        cur = conn.execute("INSERT INTO persons (key, name, is_foreign) VALUES (?, ?, ?)", (key, name, int(foreign)))
        pid = int(cur.lastrowid or 0)
    else:
        pid = row[0]
        if _better_name(name, row[1]):
            conn.execute("UPDATE persons SET name = ? WHERE id = ?", (name, pid))
    cache[key] = pid
    return pid


def _better_name(new: str, old: str) -> bool:
    """KCNA's spelling (``Choe Ryong Hae``) over a folded one (``Choe Ryonghae``)."""
    return len(new.split()) > len(old.split())


def index_people(
    conn: sqlite3.Connection,
    item_id: int,
    title: str | None,
    lede: str | None,
    body: str | None,
    date: str | None,
    gazetteer,
    *,
    fresh: bool = False,
    ahead: dict[tuple[str, bool], list] | None = None,
    events_ahead: dict[tuple, list] | None = None,
) -> set[int]:
    """(Re)compute the persons an item names and the leader activities it reports;
    returns the ids of the persons named (the item's ``facets`` hold them).

    ``fresh``: the item has no rows yet (a new item), so nothing is deleted first.
    ``ahead``: (text, is it a title) -> persons found before the write transaction (``readahead``);
    ``events_ahead``: (title, body, date) -> the events found there (by a parse worker).
    """
    from ..activities import find_events, names_leader
    from ..people import find_persons
    from ..places import strip_dateline

    if not fresh:
        _forget(conn, item_id)
    cache: dict[str, int] = {}
    rows = []
    texts: list[tuple[str, str | None]] = [("title", title), ("body", body) if body else ("lede", lede)]
    found_in_text = None
    for field, text in texts:
        if not text:
            continue
        found = (ahead or {}).get((text, field == "title"))
        if found is None:
            found = find_persons(strip_dateline(text) if field != "title" else text, title=field == "title")
        if field != "title":
            found_in_text = found
        for m in found:
            pid = _person_id(conn, m.key, m.name, m.foreign, cache)
            rows.append((item_id, pid, field, m.start, m.end, m.surface, m.post, m.list_no, m.list_pos, date))
    if rows:
        conn.executemany("INSERT OR IGNORE INTO person_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    named = {r[1] for r in rows}
    text = body or lede
    if not names_leader(title, text):
        return named
    events = (events_ahead or {}).get((title, body, date)) if body else None
    if events is None:
        plain = strip_dateline(text) if text else None
        events = find_events(title, plain, date, places=gazetteer, mentions=found_in_text)
    for ordinal, ev in enumerate(events):
        event_id = _store_event(conn, ev, cache)
        conn.execute(
            "INSERT OR REPLACE INTO event_reports (item_id, ordinal, event_id) VALUES (?, ?, ?)",
            (item_id, ordinal, event_id),
        )
    return named


def _forget(conn: sqlite3.Connection, item_id: int) -> None:
    """Drop an item's mentions and reports, and the events nothing reports any more."""
    conn.execute("DELETE FROM person_mentions WHERE item_id = ?", (item_id,))
    ids = [r[0] for r in conn.execute("SELECT event_id FROM event_reports WHERE item_id = ?", (item_id,))]
    if not ids:
        return
    conn.execute("DELETE FROM event_reports WHERE item_id = ?", (item_id,))
    for event_id in ids:
        if conn.execute("SELECT 1 FROM event_reports WHERE event_id = ? LIMIT 1", (event_id,)).fetchone() is None:
            for table in ("event_people", "event_places"):
                conn.execute(f"DELETE FROM {table} WHERE event_id = ?", (event_id,))
            conn.execute("DELETE FROM events WHERE id = ?", (event_id,))


def _shift(date: str, days: int) -> str:
    try:
        return (_dt.date.fromisoformat(date) + _dt.timedelta(days=days)).isoformat()
    except ValueError:
        return date


def same_object(a: str, b: str) -> bool:
    """Two folded objects name the same thing: equal, or one the start of the other (a cut
    lede), or one report does not say (a lede cut before the object)."""
    if a == b or not a or not b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 8 and long_.startswith(short)


def _match(conn: sqlite3.Connection, leader_id: int, ev: Event, okey: str) -> tuple | None:
    """A stored event this report is another report of, or None."""
    if ev.date:
        rows = conn.execute(
            "SELECT id, date, date_in_text, object_key FROM events WHERE leader_id = ? AND type = ?"
            " AND date BETWEEN ? AND ?",
            (leader_id, ev.type, _shift(ev.date, -DATE_SLACK), _shift(ev.date, DATE_SLACK)),
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT id, date, date_in_text, object_key FROM events WHERE leader_id = ? AND type = ? AND date IS NULL",
            (leader_id, ev.type),
        ).fetchall()
    best = None
    for row in rows:
        _, date, in_text, key = row
        if date != ev.date and in_text and ev.date_in_text:
            continue  # both printed their dates, and they differ: two activities
        if not same_object(key, okey):
            continue
        if best is None or (date == ev.date and best[1] != ev.date):
            best = row
    return best


def _store_event(conn: sqlite3.Connection, ev: Event, cache: dict[str, int]) -> int:
    from ..activities import NOT_APPEARANCES, object_key

    def pid(key: str) -> int:
        if key in cache:
            return cache[key]
        row = conn.execute("SELECT id FROM persons WHERE key = ?", (key,)).fetchone()
        if row:
            cache[key] = row[0]
            return row[0]
        # named only where find_events saw it (a sentence read on its own)
        name, foreign = ev.names.get(key, (key.title(), False))
        return _person_id(conn, key, name, foreign, cache)

    leader_id = pid(ev.leader)
    okey = object_key(ev.object)
    found = _match(conn, leader_id, ev, okey)
    if found is None:
        cur = conn.execute(
            "INSERT INTO events (leader_id, type, date, date_in_text, object, object_key, appearance)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (leader_id, ev.type, ev.date, int(ev.date_in_text), ev.object, okey, int(ev.type not in NOT_APPEARANCES)),
        )
        event_id = int(cur.lastrowid or 0)
        _set_details(conn, event_id, ev, pid)
        return event_id
    event_id, date, in_text, key = found
    if ev.date_in_text and not in_text:
        conn.execute("UPDATE events SET date = ?, date_in_text = 1 WHERE id = ?", (ev.date, event_id))
    if len(okey) > len(key):
        conn.execute("UPDATE events SET object = ?, object_key = ? WHERE id = ?", (ev.object, okey, event_id))
    stored = conn.execute(
        "SELECT (SELECT count(*) FROM event_people WHERE event_id = ?) + (SELECT count(*) FROM event_places"
        " WHERE event_id = ?)",
        (event_id, event_id),
    ).fetchone()[0]
    if len(ev.companions) + len(ev.greeters) + len(ev.places) > stored:
        for table in ("event_people", "event_places"):
            conn.execute(f"DELETE FROM {table} WHERE event_id = ?", (event_id,))
        _set_details(conn, event_id, ev, pid)
    return event_id


def _set_details(conn: sqlite3.Connection, event_id: int, ev: Event, pid) -> None:
    people = [(event_id, "companion", n, pid(k)) for n, k in enumerate(ev.companions, 1)]
    people += [(event_id, "greeter", n, pid(k)) for n, k in enumerate(ev.greeters, 1)]
    if people:
        conn.executemany("INSERT INTO event_people VALUES (?, ?, ?, ?)", people)
    if ev.places:
        conn.executemany(
            "INSERT INTO event_places VALUES (?, ?, ?)", [(event_id, n, p) for n, p in enumerate(ev.places, 1)]
        )


def resolve(conn: sqlite3.Connection, name: str) -> list[tuple[int, str]]:
    """What a user typed (any spelling: ``Choi Ryong-hae``, ``putin``) -> stored persons ``(id, name)``.

    A known key first; else every stored person whose name, or whose given
    names, the text matches as a whole (``Ryong Hae``). Unknown names raise
    ``UsageError`` with the closest stored names.
    """
    from ..errors import UsageError
    from ..names import person_key

    text = " ".join(name.split())
    if not text:
        raise UsageError("--person needs a name")
    key = person_key(text)
    row = conn.execute("SELECT id, name FROM persons WHERE key = ?", (key,)).fetchone()
    if row:
        return [(row[0], row[1])]
    folded = text.casefold()
    rows = conn.execute(
        "SELECT id, name FROM persons WHERE lower(name) = ? OR lower(name) LIKE ? ESCAPE '\\'",
        (folded, "% " + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")),
    ).fetchall()
    if rows:
        return [(r[0], r[1]) for r in rows]
    raise UsageError(_unknown(conn, text, key or folded))


def _unknown(conn: sqlite3.Connection, text: str, key: str) -> str:
    import difflib

    rows = conn.execute("SELECT key, name FROM persons").fetchall()
    by_key = dict(rows)
    by_name = {n.casefold(): n for _, n in rows}
    close = [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.75)]
    close += [by_name[n] for n in difflib.get_close_matches(text.casefold(), list(by_name), n=3, cutoff=0.75)]
    names = list(dict.fromkeys(close))[:3]
    if names:
        hint = " or ".join(f'"{n}"' for n in names)
        return f"unknown person {text!r}: did you mean {hint}?"
    return f"unknown person {text!r} (see 'kcna people' for the names in the corpus)"


def person_ids(conn: sqlite3.Connection, names: list[str]) -> list[int]:
    """User names -> person ids (any of them)."""
    return sorted({pid for name in names for pid, _ in resolve(conn, name)})
