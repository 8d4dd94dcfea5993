"""The merge rules: what storing one record does to the items table.

Each rule of README's "How dumps are read" (identity and deduplication) is
one function here, called by ``upsert`` in this order:

``find``                the stored item a record is (same key, or the same
                        opening words when one of the two is untitled, or
                        on the same month and day when one gives no year);
``new_item``            nothing found: a new item, its places and first version;
``split_found``         a title-only item and an untitled one turn out to be one:
                        the untitled one is stored again (``settle.absorb``);
``adopt_title``         a titled capture names an untitled (body-only) item;
``adopt_date``          a dated capture dates an item whose captures gave no year;
``adopt_source``        the outlet of the best-ranked capture (printed before inferred);
``teaser_merged``       a teaser of a known item: counted as merged; its lede is kept when
                        the item has none, a ``lede`` version when no stored text starts
                        with it (``_seen_again``: the usual teaser, where nothing changes);
``headless_merged``     an article capture cut before its body: merged, nothing to compare;
                        a teaser item becomes an article;
``teaser_upgraded``     the full article of an item known only as a teaser: the item becomes
                        an article (the article's fields win; a teaser never overwrites them);
``article_merged``      another capture of a known article: the latest capture's text is
                        current, another text a new version, a cut one the version it starts.

Version bookkeeping (``body_version``, ``lede_version``, ``store_version``,
``renumber``) follows ``kcna_cli.versions``; ``db.settle`` finishes each
dump. Every function runs inside the writer's savepoint for the dump; none
commits.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from ..grams import item_forms
from ..parse import Record
from ..sitedates import read_dateline
from ..text import normalize, version_text
from ..versions import body_fingerprint, capture_order, lede_matches, sha1
from .found import _FOUND, Found, KeyRows

if TYPE_CHECKING:
    from .writer import Writer


def upsert(
    w: Writer, rec: Record, capture: str, *, partial: bool = False, ahead: KeyRows | None = None, position: int = 0
) -> tuple[int, int | None]:
    """Store one record; return (item id, id of the version the capture showed, or None).

    ``ahead``: the rows of the dump's keys read together (``KeyRows``), ``rec`` being
    the one at ``position``.
    """
    keyed = ahead.row(position) if ahead is not None else _ASK
    if keyed and rec.kind == "teaser" and _seen_again(w, keyed, rec):
        w.report.duplicates_merged += 1
        return keyed[0], None
    found = find(w.conn, rec, w.undated(), keyed)
    if found is None:
        return new_item(w, rec, capture, partial=partial)
    if found.lede is None and rec.title and rec.lede_key:
        split_found(w, found, rec)
    found = adopt_title(w, found, rec)
    found = adopt_date(w, found, rec)
    adopt_source(w, found, rec)
    if rec.kind == "teaser":
        return teaser_merged(w, found, rec, capture)
    if not rec.body:
        return headless_merged(w, found, rec)
    body = _body(w.conn, found.id)
    version_id: int | None
    text: str | None
    if body is None and found.kind == "article":  # known only from a capture cut after its title
        found = found._replace(kind="teaser")
    if rec.body == body and found.version_id is not None:  # the usual recapture: same text
        version_id, text, grown = found.version_id, body, False
        if rec.title and w.corpus.track_versions:  # its title may be printed another way
            title = w.conn.execute("SELECT title FROM versions WHERE id = ?", (version_id,)).fetchone()[0]
            _version_title(w, version_id, title, rec, capture, partial)
    elif w.corpus.track_versions:
        version_id, text, grown = body_version(w, found.id, rec, partial, capture)
    else:
        version_id, text, grown = found.version_id, rec.body, False
    if found.kind == "teaser":
        return teaser_upgraded(w, found, rec, capture, version_id, text)
    return article_merged(w, found, rec, capture, version_id, text, grown)


#: ``find``'s ``keyed`` when the row of the record's key is still to be read
_ASK = ()


def _seen_again(w: Writer, row: tuple, rec: Record) -> bool:
    """Would the merge rules change nothing for this teaser of the item of ``row`` (as
    ``find`` reads it)? The most common record: the teaser of an article stored with
    its title, date and lede, not outranking its source, its lede starting the stored one.
    The outcome of ``adopt_title``, ``adopt_date``, ``adopt_source`` and ``teaser_merged``."""
    _id, kind, title, lede, _vid, _vcap, _key, date, source, source_note, _versioned = row
    return (
        kind == "article"
        and bool(lede)  # (else ``split_found``, or ``teaser_merged`` stores the teaser's)
        and (title is not None or not rec.title)
        and (date is not None or not rec.date)
        # a teaser never ties with an article (``source_rank``): only a higher rank counts
        and (rec.source is not None, rec.source_note is None) <= (source is not None, source_note is None)
        and (not w.corpus.track_versions or bool(rec.lede and lede_matches(rec.lede, lede)))
    )


def find(
    conn: sqlite3.Connection, rec: Record, undated: set[str] | None = None, keyed: tuple | None = _ASK
) -> Found | None:
    """The item a record is: same identity key, else (untitled on one side) the same opening words,
    else (no year on one side) the same opening words on the same month and day.

    ``keyed``: the stored row of the record's key (None: no such item) when already read.
    """
    # not the body: most lookups are teasers, and a teaser is checked against the lede
    row = conn.execute(_FOUND + " WHERE key = ?", (rec.key,)).fetchone() if keyed is _ASK else keyed
    if row is None and rec.lede_key:
        # an untitled capture (body-only page) and a titled one of the same item
        cond = "title IS NULL" if rec.title else "1"
        row = conn.execute(_FOUND + f" WHERE lede_key = ? AND {cond} LIMIT 1", (rec.lede_key,)).fetchone()
    if row is None and rec.lede_key:
        row = _same_day(conn, rec, undated)
    return Found(*row) if row else None


#: the years a capture whose text gives none may be of (the lookups are exact keys)
_YEARS = range(1995, 2046)


def _same_day(conn: sqlite3.Connection, rec: Record, undated: set[str] | None = None) -> tuple | None:
    """A capture whose text gives no year (dateline only) and the dated capture of the same
    article: same outlet, same opening words, month and day agree, and one text starts the other.

    ``undated``: the ``lede_key`` of every stored item without a date, when the caller
    knows them (most records are dated, and most corpora have few undated items).
    """
    prefix = rec.lede_prefix
    if rec.date is not None and undated is not None and f"{rec.group}||{prefix}" not in undated:
        return None
    month_day = _month_day(rec)
    if month_day is None:
        return None
    if rec.date is None:
        keys = [f"{rec.group}|{y}-{month_day}|{prefix}" for y in _YEARS]
        rows = conn.execute(_FOUND + f" WHERE lede_key IN ({','.join('?' * len(keys))}) ORDER BY date", keys).fetchall()
    else:
        rows = conn.execute(_FOUND + " WHERE lede_key = ? AND date IS NULL", (f"{rec.group}||{prefix}",)).fetchall()
        rows = [r for r in rows if _month_day_of_lede(r[3]) == month_day]
    for row in rows:
        if _texts_agree(_body(conn, row[0]), rec.body):
            return row
    return None


def _month_day(rec: Record) -> str | None:
    if rec.date:
        return rec.date[5:]
    return _month_day_of_lede(rec.lede)


def _month_day_of_lede(lede: str | None) -> str | None:
    """The month and day of a lede's dateline, in any language (``sitedates.read_dateline``)."""
    d = read_dateline(normalize(lede[:300])) if lede else None
    return f"{d.month:02d}-{d.day:02d}" if d else None


def _texts_agree(a: str | None, b: str | None) -> bool:
    """One text is the other, or its cut-off start (either may be unknown: a teaser)."""
    if not a or not b:
        return True
    va, vb = version_text(a), version_text(b)
    return va.startswith(vb) or vb.startswith(va)


def split_found(w: Writer, found: Found, rec: Record) -> None:
    """A capture known so far only by its title (cut before its text) and an untitled capture
    of the same item were stored apart: nothing linked them. This record links them (its title
    is the one's, its opening words the other's): the untitled one is stored again into it
    once the dump is stored (``absorb``), as it would have been had it come after this record."""
    rows = w.conn.execute(
        "SELECT id FROM items WHERE lede_key = ? AND title IS NULL AND id != ?", (rec.lede_key, found.id)
    ).fetchall()
    w.absorb.update(r[0] for r in rows)


def new_item(w: Writer, rec: Record, capture: str, *, partial: bool) -> tuple[int, int | None]:
    cur = w.conn.execute(
        "INSERT INTO items (id, key, lede_key, kind, title, date, source, outlet, language,"
        " dateline, lede, body, date_note, source_note, gram_title, gram_text, version_capture)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            w.new_id(rec.key),
            rec.key,
            rec.lede_key,
            rec.kind,
            rec.title,
            rec.date,
            rec.source,
            rec.outlet,
            rec.language,
            rec.dateline,
            rec.lede,
            rec.body,
            rec.date_note,
            rec.source_note,
            *item_forms(rec.title, rec.lede, rec.body),
            capture if rec.kind == "teaser" else None,  # a teaser: the capture its lede is from
        ),
    )
    item_id = cur.lastrowid
    assert item_id is not None
    w.added(item_id)
    if rec.date is None and rec.lede_key:
        w.undated().add(rec.lede_key)
    w.report.items_new += 1
    w.corpus.index_places(item_id, rec.title, rec.lede, rec.body, new=True, date=rec.date)
    version_id = None
    if rec.kind == "article" and rec.body and w.corpus.track_versions:
        version_id = store_version(
            w, item_id, "body", rec.body, rec.title, partial=partial, fp=body_fingerprint(rec), fresh=True
        )
        w.conn.execute(
            "UPDATE items SET version_id = ?, version_capture = ? WHERE id = ?",
            (version_id, capture, item_id),
        )
    return item_id, version_id


def adopt_title(w: Writer, found: Found, rec: Record) -> Found:
    """An untitled item takes the title (and so the key) of a titled capture."""
    if found.title is None and rec.title:
        w.touch(found.id)
        w.conn.execute("UPDATE items SET title = ?, key = ? WHERE id = ?", (rec.title, rec.key, found.id))
        return found._replace(title=rec.title)
    return found


def adopt_date(w: Writer, found: Found, rec: Record) -> Found:
    """An item known only from captures that give no year takes the date of a dated capture."""
    if found.date is None and rec.date:
        key = rec.key if rec.title or found.title is None else found.key.replace("||", f"|{rec.date}|", 1)
        if w.conn.execute("SELECT 1 FROM items WHERE key = ? AND id != ?", (key, found.id)).fetchone():
            return found  # that key is another item's: this one stays undated rather than take it
        w.touch(found.id)
        w.conn.execute(
            "UPDATE items SET date = ?, key = ?, lede_key = ?, date_note = ? WHERE id = ?",
            (rec.date, key, rec.lede_key, rec.date_note, found.id),
        )
        return found._replace(date=rec.date, key=key)
    return found


def source_rank(kind: str, source: str | None, note: str | None) -> tuple[bool, bool, bool]:
    """Which capture names an item's outlet: one that names it at all, printed before
    inferred (``source_note``), an article before a teaser; equal ranks: the label first
    in alphabetical order. So the outlet does not depend on the order of ingest."""
    return source is not None, note is None, kind == "article"


def adopt_source(w: Writer, found: Found, rec: Record) -> None:
    """The item's source, outlet, language and ``source_note`` come from the best-ranked capture."""
    new, cur = (
        source_rank(rec.kind, rec.source, rec.source_note),
        source_rank(found.kind, found.source, found.source_note),
    )
    if new > cur or (new == cur and rec.source is not None and found.source is not None and rec.source < found.source):
        w.conn.execute(
            "UPDATE items SET source = ?, outlet = ?, language = ?, source_note = ? WHERE id = ?",
            (rec.source, rec.outlet, rec.language, rec.source_note, found.id),
        )


def teaser_merged(w: Writer, found: Found, rec: Record, capture: str = "") -> tuple[int, int | None]:
    w.report.duplicates_merged += 1
    if found.lede is None and rec.lede:
        w.touch(found.id)
        w.conn.execute(
            "UPDATE items SET lede = ?, lede_key = coalesce(lede_key, ?), dateline = coalesce(dateline, ?),"
            " version_capture = ? WHERE id = ?",
            (rec.lede, rec.lede_key, rec.dateline, capture, found.id),
        )
        return found.id, None
    if found.kind == "teaser":
        _latest_printing(w, found, rec, capture, lede=True)
    if not w.corpus.track_versions or (
        found.kind == "article" and found.lede and rec.lede and lede_matches(rec.lede, found.lede)
    ):
        return found.id, None  # the usual case: the article's first paragraph starts so
    body = _body(w.conn, found.id) if found.kind == "article" else None  # a teaser has no body
    version = lede_version(w, found.id, rec.lede, found.kind, found.lede, body, rec.title, versioned=found.versioned)
    if version is not None:
        w.reorder.add(found.id)
    return found.id, version


def headless_merged(w: Writer, found: Found, rec: Record) -> tuple[int, int | None]:
    """An article capture cut before its body: nothing to compare."""
    w.report.duplicates_merged += 1
    if found.kind == "teaser":
        # an article capture, if only of its title: the item is an article (as when it came first),
        # and the article's title and date note win
        w.touch(found.id)
        w.conn.execute(
            "UPDATE items SET kind = 'article', title = coalesce(?, title),"
            " date_note = CASE WHEN ? THEN ? ELSE date_note END WHERE id = ?",
            (rec.title, _dated(rec, found), rec.date_note, found.id),
        )
    return found.id, None


def teaser_upgraded(
    w: Writer, found: Found, rec: Record, capture: str, version_id: int | None, text: str | None
) -> tuple[int, int | None]:
    w.report.teasers_upgraded += 1
    w.touch(found.id)
    w.conn.execute(
        "UPDATE items SET kind = 'article', title = coalesce(?, title),"
        " dateline = coalesce(?, dateline),"
        " lede = coalesce(?, lede), body = ?, date_note = CASE WHEN ? THEN ? ELSE date_note END,"
        " lede_key = coalesce(lede_key, ?), version_id = ?, version_capture = ? WHERE id = ?",
        (
            rec.title,
            rec.dateline,
            rec.lede,
            text,
            _dated(rec, found),
            rec.date_note,
            rec.lede_key,
            version_id,
            capture,
            found.id,
        ),
    )
    if found.lede and text and w.corpus.track_versions and not lede_matches(found.lede, text):
        # the teasers seen before showed another text: evidence of an edit
        earlier = store_version(w, found.id, "lede", found.lede, found.title)
        w.conn.execute(
            "UPDATE sightings SET version_id = ? WHERE item_id = ? AND role = 'teaser' AND version_id IS NULL",
            (earlier, found.id),
        )
    return found.id, version_id


def article_merged(
    w: Writer,
    found: Found,
    rec: Record,
    capture: str,
    version_id: int | None,
    text: str | None,
    grown: bool,
) -> tuple[int, int | None]:
    w.report.duplicates_merged += 1
    cur_capture = found.version_capture or ""
    if version_id != found.version_id or capture < cur_capture:
        w.reorder.add(found.id)
    later = capture > cur_capture or (capture == cur_capture and _wins_tie(w.conn, version_id, found.version_id))
    if (version_id != found.version_id and later) or (version_id == found.version_id and grown):
        # the latest capture's text is the current one (a cut capture
        # counts as the version it is the start of)
        w.touch(found.id)
        title_wins = found.title is None or _printed_later(rec.title, found.title, capture, cur_capture)
        w.conn.execute(
            "UPDATE items SET title = coalesce(?, title), lede = coalesce(?, lede), body = ?,"
            " date_note = CASE WHEN ? THEN ? ELSE date_note END, version_id = ?, version_capture = ? WHERE id = ?",
            (
                rec.title if title_wins else None,
                text.split("\n\n", 1)[0] if text else rec.lede,  # the first paragraph of the text kept
                text,
                _dated(rec, found),
                rec.date_note,
                version_id,
                max(capture, cur_capture),
                found.id,
            ),
        )
    elif version_id == found.version_id:
        _latest_printing(w, found, rec, capture, lede=False)
    return found.id, version_id


def _printed_later(new: str | None, old: str | None, capture: str, cur: str) -> bool:
    """Does a capture's printing win: a later capture's, on the same date the first in text order?"""
    return bool(new and old and new != old and (capture > cur or (capture == cur and new < old)))


def _latest_printing(w: Writer, found: Found, rec: Record, capture: str, *, lede: bool) -> None:
    """The same item (and text) printed again: the title (and a teaser's lede) as its latest
    capture printed them, whatever the order of ingest; ``version_capture`` is that capture."""
    cur = found.version_capture or ""
    sets: dict[str, str] = {}
    if _printed_later(rec.title, found.title, capture, cur):
        sets["title"] = rec.title  # type: ignore[assignment]
    if lede and _printed_later(rec.lede, found.lede, capture, cur):
        sets["lede"] = rec.lede  # type: ignore[assignment]
    if capture > cur:
        sets["version_capture"] = capture
    if not sets:
        return
    if "title" in sets or "lede" in sets:
        w.touch(found.id)
    cols = ", ".join(f"{k} = ?" for k in sets)
    w.conn.execute(f"UPDATE items SET {cols} WHERE id = ?", (*sets.values(), found.id))


def _dated(rec: Record, found: Found) -> bool:
    """May this capture's date note replace the item's? Not when it gives no year and the item has a date."""
    return rec.date is not None or found.date is None


def _wins_tie(conn: sqlite3.Connection, new: int | None, cur: int | None) -> bool:
    """Two versions first shown on the same capture date: the whole text before a cut one,
    then the longer text, then the smaller fingerprint (any order of ingest agrees)."""
    if new is None or cur is None or new == cur:
        return new is not None and cur is None
    rows = dict(
        (vid, (not partial, len(text or ""), fp))
        for vid, partial, text, fp in conn.execute(
            "SELECT id, partial, text, fingerprint FROM versions WHERE id IN (?, ?)", (new, cur)
        )
    )
    a, b = rows.get(new), rows.get(cur)
    if a is None or b is None:
        return False
    return (a[0], a[1]) > (b[0], b[1]) or ((a[0], a[1]) == (b[0], b[1]) and a[2] < b[2])


# --- versions -----------------------------------------------------------------------


def _body(conn: sqlite3.Connection, item_id: int) -> str | None:
    return conn.execute("SELECT body FROM items WHERE id = ?", (item_id,)).fetchone()[0]


def _version_title(w: Writer, vid: int, title: str | None, rec: Record, capture: str, partial: bool) -> None:
    """A version's title is as its first whole capture printed it (any order of ingest)."""
    if partial or not rec.title or not title or rec.title == title:
        return
    if _earlier_printing(w, vid, capture, rec.title, title):
        w.conn.execute("UPDATE versions SET title = ? WHERE id = ?", (rec.title, vid))


def _earlier_printing(w: Writer, version_id: int, capture: str, new: str, old: str) -> bool:
    """Is this capture's printing of a version's text the one to keep: the earliest capture's,
    and on the same capture date the first in text order?"""
    first = w.conn.execute(
        "SELECT min(coalesce(d.capture_date, '')) FROM sightings s JOIN dumps d ON d.id = s.dump_id"
        " WHERE s.version_id = ? AND s.cut IS NULL",
        (version_id,),
    ).fetchone()[0]
    if first is None:  # shown by no stored sighting yet (stored by this very dump)
        return new < old
    return capture < first or (capture == first and new < old)


def body_version(w: Writer, item_id: int, rec: Record, partial: bool, capture: str = "") -> tuple[int, str, bool]:
    """The version an article capture shows: (id, its full text, whether it grew).

    A capture cut off mid-body (``partial``) is the version whose text it
    starts; a complete capture that continues a partial version completes
    that version in place (same id, same sightings), so the order in
    which captures arrive does not matter.
    """
    body: str = rec.body  # type: ignore[assignment]
    fp = body_fingerprint(rec)
    row = w.conn.execute(
        "SELECT id, text, title FROM versions WHERE item_id = ? AND fingerprint = ?", (item_id, fp)
    ).fetchone()
    if row:
        _version_title(w, row[0], row[2], rec, capture, partial)
        if row[1] != body and _earlier_printing(w, row[0], capture, body, row[1]):
            # one text, printed differently (spacing, quotes): kept as its first capture printed it
            w.conn.execute("UPDATE versions SET text = ? WHERE id = ?", (body, row[0]))
            for (other,) in w.conn.execute("SELECT id FROM items WHERE version_id = ?", (row[0],)).fetchall():
                w.touch(other)
                w.conn.execute(
                    "UPDATE items SET body = ?, lede = ? WHERE id = ?", (body, body.split("\n\n", 1)[0], other)
                )
            return row[0], body, False
        return row[0], row[1], False
    others = w.conn.execute(
        "SELECT id, text, partial FROM versions WHERE item_id = ? AND kind = 'body' ORDER BY id DESC", (item_id,)
    ).fetchall()
    norm = version_text(body) if others else ""  # (most items upgraded from a teaser have none)
    for vid, vtext, vpartial in others:
        vnorm = version_text(vtext)
        if partial and vnorm.startswith(norm):
            return vid, vtext, False
        if vpartial and not partial and norm.startswith(vnorm):
            w.conn.execute(
                "UPDATE versions SET text = ?, fingerprint = ?, partial = 0, title = coalesce(?, title) WHERE id = ?",
                (body, fp, rec.title, vid),
            )
            return vid, body, True
    return store_version(w, item_id, "body", body, rec.title, partial=partial, fp=fp), body, False


def lede_version(
    w: Writer,
    item_id: int,
    new: str | None,
    kind: str,
    lede: str | None,
    body: str | None = None,
    title: str | None = None,
    *,
    versioned: int | None = None,
) -> int | None:
    """A teaser's lede that no stored text starts with is a version of its own (titled as the teaser).

    ``versioned``: whether a teaser item has any version, when known (``Found.versioned``).
    """
    if not new:
        return None
    if kind == "article":
        if body and lede_matches(new, body):  # the usual case: the current text starts so
            return None
        rows = w.conn.execute("SELECT id, kind, text FROM versions WHERE item_id = ?", (item_id,)).fetchall()
        if not rows:
            rows = [(None, "body", lede or "")]
        for vid, vkind, t in rows:
            if lede_matches(new, t) or (vkind == "lede" and lede_matches(t, new)):
                return None if vkind == "body" else vid
        return store_version(w, item_id, "lede", new, title)
    # a teaser seen before with another lede
    if versioned == 0:  # the usual teaser: seen before with one lede
        known = []
    else:
        known = w.conn.execute("SELECT id, text FROM versions WHERE item_id = ?", (item_id,)).fetchall()
    if not known:
        if lede is None or lede_matches(new, lede) or lede_matches(lede, new):
            return None
        first = store_version(w, item_id, "lede", lede, title)
        w.conn.execute("UPDATE sightings SET version_id = ? WHERE item_id = ? AND version_id IS NULL", (first, item_id))
        return store_version(w, item_id, "lede", new, title)
    for vid, t in known:
        if lede_matches(new, t) or lede_matches(t, new):
            return vid
    return store_version(w, item_id, "lede", new, title)


def store_version(
    w: Writer,
    item_id: int,
    kind: str,
    text: str,
    title: str | None,
    *,
    partial: bool = False,
    fp: str | None = None,
    fresh: bool = False,
) -> int:
    """The id of an item's version with this text, stored if new.

    ``fresh``: the item was just created, so it has no version yet and
    the lookups are skipped.
    """
    fp = fp or sha1(version_text(text))
    if fresh:
        number = 1
    else:
        row = w.conn.execute("SELECT id FROM versions WHERE item_id = ? AND fingerprint = ?", (item_id, fp)).fetchone()
        if row:
            return row[0]
        number = w.conn.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE item_id = ?", (item_id,)
        ).fetchone()[0]
    cur = w.conn.execute(
        "INSERT INTO versions (item_id, number, kind, fingerprint, title, text, partial) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (item_id, number, kind, fp, title, text, int(partial)),
    )
    if number > 1:
        w.report.versions_new += 1
        w.reorder.add(item_id)
    assert cur.lastrowid is not None
    return cur.lastrowid


def renumber(conn: sqlite3.Connection, item_id: int) -> None:
    """Number an item's versions 1, 2, ... in the order they were first captured."""
    rows = conn.execute(
        "SELECT v.id, v.number, min(coalesce(d.capture_date, '')) AS first FROM versions v"
        " LEFT JOIN sightings s ON s.item_id = v.item_id AND s.version_id = v.id LEFT JOIN dumps d ON d.id = s.dump_id"
        " WHERE v.item_id = ? GROUP BY v.id",
        (item_id,),
    ).fetchall()
    if len(rows) < 2:
        if rows and rows[0][1] != 1:  # the others were cut versions, now shown as the whole text
            conn.execute("UPDATE versions SET number = 1 WHERE id = ?", (rows[0][0],))
        return
    for n, (vid, number, _) in enumerate(capture_order(rows, first=2), 1):
        if number != n:
            conn.execute("UPDATE versions SET number = ? WHERE id = ?", (n, vid))
