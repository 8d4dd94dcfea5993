"""Work done before a write transaction opens, so that none is done while it is held.

An ingest pulls parsed pages from a generator: parsing (here or waiting for
a worker) happened while the writer held its transaction, and so did finding
the places of a long text. A concurrent ``kcna ingest`` waits for that
transaction (up to 60 s, then "database is busy"). ``batches`` gathers pages
with no transaction open; ``places_ahead`` finds the places of every long
text of a batch the same way. The writer then only writes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator

from .recent import remember
from .sqlin import rows_in

#: texts at least this long have their places found before the transaction
#: (shorter ones cost microseconds, and most records are known duplicates
#: whose places are never looked for)
AHEAD_CHARS = 4096


def batches(
    pages: Iterable, failed: list, *, most: int = 500, seconds: float = 0.5, chars: int = 8 * 1024 * 1024
) -> Iterator[list[tuple[list, tuple | None]]]:
    """``(path, Page)`` pairs in lists of at most ``most`` pages, ``chars``
    characters of page text, or what ``seconds`` of reading gave.

    Each pair comes as ``(failures, pair)``: the failures the producer
    added to ``failed`` (a report's list) while producing that pair, taken
    out of the list so the writer puts them back just before storing it;
    the order of failures stays the order of the input. The last entry may
    be ``(failures, None)``: what was added after the last pair.
    """
    it = iter(pages)
    batch: list[tuple[list, tuple | None]] = []
    size = 0
    started = time.monotonic()
    while True:
        mark = len(failed)
        try:
            pair = next(it)
        except StopIteration:
            pair = None
        except BaseException:
            # the producer failed (a worker died, Ctrl-C): what it gave before is stored first
            errors = failed[mark:]
            del failed[mark:]
            if batch or errors:
                yield batch + [(errors, None)]
            raise
        errors = failed[mark:]
        del failed[mark:]
        if pair is None:
            if errors:
                batch.append((errors, None))
            if batch:
                yield batch
            return
        batch.append((errors, pair))
        size += pair[1].chars
        if len(batch) >= most or size >= chars or time.monotonic() - started >= seconds:
            yield batch
            batch, size, started = [], 0, time.monotonic()


def persons_ahead(batch: list) -> dict[tuple[str, bool], list]:
    """(text, is it a title) -> persons found in it (``people.find_persons``, after
    ``strip_dateline`` for a body or lede), for every text at least ``AHEAD_CHARS`` long."""
    from .people import find_persons
    from .places import strip_dateline

    out: dict[tuple[str, bool], list] = {}
    for _, pair in batch:
        page = pair[1] if pair else None
        if page is None or page.dump is None:
            continue
        for rec in page.dump.records:
            for text, is_title in ((rec.title, True), (rec.lede, False), (rec.body, False)):
                if text and len(text) >= AHEAD_CHARS and (text, is_title) not in out:
                    out[text, is_title] = find_persons(text if is_title else strip_dateline(text), title=is_title)
    return out


def places_ahead(gazetteer, batch: list) -> dict[str, list]:
    """text -> places found in it (``Gazetteer.extract`` after ``strip_dateline``),
    for every title, lede and body of the batch at least ``AHEAD_CHARS`` long."""
    from .places import strip_dateline

    out: dict[str, list] = {}
    for _, pair in batch:
        page = pair[1] if pair else None
        if page is None or page.dump is None:
            continue
        for rec in page.dump.records:
            for text in (rec.title, rec.lede, rec.body):
                if text and len(text) >= AHEAD_CHARS and text not in out:
                    out[text] = gazetteer.extract(strip_dateline(text))
    return out


# --- in a parse worker ---------------------------------------------------------------------

#: records a worker has found places and persons in (``hash`` of title and text)
_SENT: dict[int, None] = {}
#: how many it remembers: enough for the pages the writer has not committed yet (the
#: database tells about the others, ``open_stored``)
SENT_MAX = 5_000
#: the database the ingest writes, read-only (``open_stored``); None: not read
_STORED: sqlite3.Connection | None = None


def open_stored(path: str) -> None:
    """In a parse worker: read the database the pages go to, so that an article it holds
    with the same text, however long ago it was stored, is left out of ``page_found``
    (the writer finds places and persons for new and changed texts only). The worker
    sees what is committed; anything else it works out as before."""
    global _STORED
    from urllib.parse import quote

    try:
        # never waits: a database busy (not in WAL mode, while the writer commits) is not read
        conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=0, check_same_thread=False)
        conn.execute("PRAGMA cache_size = -1024")  # the system caches the rest
        conn.execute("SELECT body FROM items WHERE key = '' AND kind = 'article'").fetchall()
    except sqlite3.Error:
        return  # not readable (yet): the worker finds everything, as without it
    _STORED = conn


#: what the file index's hash index holds of a file's ``sha256`` (``db.schema.FILES_INDEX``);
#: a look-up names it as is, so that SQLite uses the index
FILE_HASH_KEY = "substr(sha256, 1, 10)"
FILE_HASH_DIGITS = 10


def hashed_pages(conn: sqlite3.Connection, shas: list[str], reader: str) -> dict[str, int]:
    """The pages of the files with these bytes that the file index holds for this reader,
    by hash; one statement for up to ``sqlin.PART`` hashes. The index finds the first
    digits of a hash, the rows say which hashes are the ones: ``sha256 IN (...)`` in the
    statement would let SQLite put the values into the indexed expression, and then
    not use the index."""
    wanted = {sha for sha in shas if sha}
    if not wanted:
        return {}
    keys = sorted({sha[:FILE_HASH_DIGITS] for sha in wanted})
    sql = f"SELECT sha256, pages FROM files WHERE {FILE_HASH_KEY} IN ({{}}) AND reader = ?"
    return {sha: pages for sha, pages in rows_in(conn, sql, keys, (reader,)) if sha in wanted}


def recorded_pages(shas: list[str], reader: str) -> dict[str, int]:
    """In a parse worker: ``hashed_pages`` in the database the ingest writes (what is
    committed of it), for a task's files; nothing when it cannot be read."""
    if _STORED is None:
        return {}
    try:
        return hashed_pages(_STORED, shas, reader)
    except sqlite3.Error:
        return {}


def _stored(rec) -> bool:
    """Does the database hold this article, with this text?"""
    if _STORED is None:
        return False
    try:
        row = _STORED.execute("SELECT body FROM items WHERE key = ? AND kind = 'article'", (rec.key,)).fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == rec.body


def page_found(dump, prepared: dict | None = None) -> tuple | None:
    """In a parse worker: the places and persons of a page's texts, as the writer's
    ``index_places`` and ``index_people`` would find them for a new item or a changed
    one: the title and body of each record with a body (an article), as
    ``(record number, field, places, persons)`` entries, each mention a plain tuple
    (``marshal``), and for a body that names the leader, ``(record number, "events",
    date, events)``: the activities ``index_people`` finds for an item of the record's
    date (each ``_fields`` of an ``Event``). An article this worker sent lately is left out (a recapture: the
    writer only needs them when the text is new to it, and finds them itself
    otherwise). None when nothing is left.

    The finding moves from the one process that writes to the workers, for the
    distinct texts only, so the total work stays the same. So does the fingerprint
    of the article's body (``versions.body_fingerprint``), put in ``prepared``.
    """
    from .activities import find_events, names_leader
    from .people import find_persons
    from .places import Gazetteer, strip_dateline
    from .versions import body_fingerprint

    if dump is None:
        return None
    gazetteer = Gazetteer.load()
    out: list[tuple] = []
    for number, rec in enumerate(dump.records):
        if not rec.body:
            # a teaser: most are of items the writer has already (finding them all
            # here cost more CPU in all than the writer's finding of the new ones)
            continue
        seen = hash((rec.title, rec.body))
        if seen in _SENT or _stored(rec):
            continue
        remember(_SENT, seen, None, SENT_MAX)
        if prepared is not None and rec is dump.article:
            prepared["body_fp"] = body_fingerprint(rec)
        for field in ("title", "body"):
            text = getattr(rec, field)
            if not text:
                continue
            is_title = field == "title"
            plain = strip_dateline(text)
            places = gazetteer.extract(plain)
            persons = find_persons(text if is_title else plain, title=is_title)
            out.append((number, field, [_fields(m) for m in places], [_fields(m) for m in persons]))
            if not is_title and names_leader(rec.title, text):
                # the leader's activities, as ``index_people`` finds them for an item of this date
                events = find_events(rec.title, plain, rec.date, places=gazetteer, mentions=persons)
                out.append((number, "events", rec.date, [_fields(e) for e in events]))
    return tuple(out) or None


def _fields(mention) -> tuple:
    """A dataclass's fields in order, as plain values (``Mention``, ``PersonMention``,
    ``activities.Event``): ``cls(*fields)`` makes it again."""
    return tuple(getattr(mention, f) for f in mention.__dataclass_fields__)


def install_found(corpus, dump, found: tuple) -> list:
    """In the writer: put what ``page_found`` sent for ``dump`` where ``index_places`` and
    ``index_people`` look first; returns the keys to take out once the page is stored."""
    from .activities import Event
    from .people import PersonMention
    from .places import Mention

    keys: list = []
    records = dump.records
    for number, field, *found_there in found:
        if field == "events":
            date, events = found_there
            rec = records[number]
            key = (rec.title, rec.body, date)  # (three parts: ``remove_found`` tells them apart)
            corpus._events_ahead[key] = [Event(*e) for e in events]
            keys.append(key)
            continue
        places, persons = found_there
        text = getattr(records[number], field)
        is_title = field == "title"
        corpus._places_ahead[text] = [Mention(*m) for m in places]
        corpus._persons_ahead[text, is_title] = [PersonMention(*m) for m in persons]
        keys.append((text, is_title))
    return keys


def remove_found(corpus, keys: list) -> None:
    """Take out what ``install_found`` put in for a page (its keys)."""
    for key in keys:
        if len(key) == 3:
            corpus._events_ahead.pop(key, None)
            continue
        text, is_title = key
        corpus._places_ahead.pop(text, None)
        corpus._persons_ahead.pop((text, is_title), None)
