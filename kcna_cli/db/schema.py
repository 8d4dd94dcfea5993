"""The schema of a kcna database, and the numbered migrations that bring older ones up.

``SCHEMA`` creates a new database at ``SCHEMA_VERSION`` (kept in ``PRAGMA
user_version``); ``MIGRATIONS[n]`` upgrades version ``n`` to ``n + 1``.
``open_checks`` refuses a newer database before SQLite touches it, and
``ensure_schema`` creates or migrates in one write transaction. The tables
are described in ``docs/ARCHITECTURE.md`` and README ("The database").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KcnaError
from ..facets import facets, person_facet
from ..grams import item_forms
from ..readahead import FILE_HASH_KEY
from ..versions import fingerprint

if TYPE_CHECKING:
    from ..places import Gazetteer

SCHEMA_VERSION = 10

SCHEMA = """
CREATE TABLE dumps (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    path TEXT,
    page INTEGER NOT NULL DEFAULT 1,
    capture_date TEXT,
    source TEXT,
    rendering TEXT,
    ingested_at TEXT NOT NULL,
    raw_bytes INTEGER NOT NULL,
    raw BLOB NOT NULL,
    warnings TEXT
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    lede_key TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'teaser')),
    title TEXT,
    date TEXT,
    source TEXT,
    outlet TEXT,
    language TEXT,
    dateline TEXT,
    lede TEXT,
    body TEXT,
    date_note TEXT,
    version_id INTEGER,
    version_capture TEXT,
    facets TEXT,
    source_note TEXT,
    gram_title TEXT,
    gram_text TEXT,
    url TEXT
);
CREATE INDEX items_date ON items(date);
CREATE INDEX items_lede_key ON items(lede_key);
CREATE INDEX items_outlet ON items(outlet, date);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('body', 'lede')),
    fingerprint TEXT NOT NULL,
    title TEXT,
    text TEXT,
    partial INTEGER NOT NULL DEFAULT 0,
    UNIQUE (item_id, fingerprint)
);
CREATE INDEX versions_revised ON versions(item_id) WHERE number > 1;
CREATE INDEX dumps_ingested ON dumps(ingested_at);
CREATE INDEX dumps_capture ON dumps(capture_date);
CREATE TABLE sightings (
    item_id INTEGER NOT NULL REFERENCES items(id),
    dump_id INTEGER NOT NULL REFERENCES dumps(id),
    role TEXT NOT NULL CHECK (role IN ('article', 'teaser')),
    position INTEGER NOT NULL,
    version_id INTEGER REFERENCES versions(id),
    cut INTEGER,
    PRIMARY KEY (item_id, dump_id, role)
) WITHOUT ROWID;
CREATE INDEX sightings_dump ON sightings(dump_id);
CREATE TABLE places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    full_name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_id TEXT,
    aliases TEXT,
    lat REAL,
    lon REAL,
    name_ko TEXT,
    hanja TEXT,
    latitude REAL,
    longitude REAL
);
CREATE TABLE item_places (
    item_id INTEGER NOT NULL REFERENCES items(id),
    place_id TEXT NOT NULL REFERENCES places(id),
    field TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    surface TEXT NOT NULL,
    ambiguous INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, place_id, field, start)
) WITHOUT ROWID;
CREATE INDEX item_places_place ON item_places(place_id, item_id);
CREATE VIRTUAL TABLE items_fts USING fts5(
    title, lede, body, facets, gram_title, gram_text, content=[items], content_rowid=[id],
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE watches (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_run_at TEXT,
    last_dump_id INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, title, lede, body, facets, gram_title, gram_text)
    VALUES ('delete', old.id, old.title, old.lede, old.body, old.facets, old.gram_title, old.gram_text);
END;
"""


def _migrate_1(conn: sqlite3.Connection) -> None:
    """Schema 1 -> 2: versions compare body text only, are numbered in capture
    order, know whether their text is cut off; an index finds revised items;
    the full-text index is declared the way Datasette recognizes."""
    conn.execute("ALTER TABLE versions ADD COLUMN partial INTEGER NOT NULL DEFAULT 0")
    from .merge import renumber

    rows = conn.execute("SELECT id, item_id, text FROM versions ORDER BY id").fetchall()
    conn.execute("UPDATE versions SET fingerprint = 'migrating:' || id")
    kept: dict[tuple[int, str], int] = {}
    for vid, item_id, text in rows:
        fp = fingerprint(text)
        if (item_id, fp) in kept:  # differed only by title before: one version now
            conn.execute("UPDATE sightings SET version_id = ? WHERE version_id = ?", (kept[item_id, fp], vid))
            conn.execute("UPDATE items SET version_id = ? WHERE version_id = ?", (kept[item_id, fp], vid))
            conn.execute("DELETE FROM versions WHERE id = ?", (vid,))
            continue
        kept[item_id, fp] = vid
        conn.execute("UPDATE versions SET fingerprint = ? WHERE id = ?", (fp, vid))
    for (item_id,) in conn.execute("SELECT DISTINCT item_id FROM versions").fetchall():
        renumber(conn, item_id)
    conn.execute("CREATE INDEX versions_revised ON versions(item_id) WHERE number > 1")
    # spelled content=[items], the full-text index is found by Datasette's search;
    # ingest maintains it per transaction, not per row
    conn.execute("DROP TRIGGER IF EXISTS items_ai")
    conn.execute("DROP TRIGGER IF EXISTS items_au")
    conn.execute("DROP TABLE items_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, lede, body, content=[items], content_rowid=[id],"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    # filled by the next step (schema 3), which rebuilds this index anyway


def _migrate_2(conn: sqlite3.Connection) -> None:
    """Schema 2 -> 3: dates and places are tokens in the full-text index
    (``items.facets``), so searches with words filter inside FTS5."""
    from ..places import Gazetteer

    conn.execute("ALTER TABLE items ADD COLUMN facets TEXT")
    g = Gazetteer.load()
    places: dict[int, list[str]] = {}
    for item_id, place_id in conn.execute("SELECT DISTINCT item_id, place_id FROM item_places"):
        places.setdefault(item_id, []).append(place_id)
    rows = conn.execute("SELECT id, date FROM items").fetchall()
    conn.executemany(
        "UPDATE items SET facets = ? WHERE id = ?",
        ((facets(date, places.get(item_id, ()), g), item_id) for item_id, date in rows),
    )
    conn.execute("DROP TRIGGER IF EXISTS items_ad")
    conn.execute("DROP TABLE items_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, lede, body, facets, content=[items], content_rowid=[id],"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN INSERT INTO items_fts(items_fts, rowid, title, lede,"
        " body, facets) VALUES ('delete', old.id, old.title, old.lede, old.body, old.facets); END"
    )
    # filled by schema 5 -> 6, which rebuilds this index anyway


#: schema 3 -> 4: how the outlet of an article was inferred when its page printed none, and
#: the length of the text a cut-off capture showed (rows stored before keep null until
#: ``kcna reparse`` reads their pages again)
_MIGRATE_3 = """
ALTER TABLE items ADD COLUMN source_note TEXT;
ALTER TABLE sightings ADD COLUMN cut INTEGER;
"""


def _migrate_4(conn: sqlite3.Connection) -> None:
    """Schema 4 -> 5: persons, their mentions and the leader's activities (``db/people.py``)."""
    from .people import migrate

    migrate(conn)


def _migrate_5(conn: sqlite3.Connection) -> None:
    """Schema 5 -> 6: the search forms of Korean, Japanese and Chinese text (bigrams),
    of McCune-Reischauer apostrophes and of Russian ``ё`` are indexed columns
    (``items.gram_title``, ``items.gram_text``; see ``grams.py``); places have
    their Hangul and Hanja names, and items in those scripts their places."""
    from ..places import Gazetteer, strip_dateline

    conn.execute("ALTER TABLE items ADD COLUMN gram_title TEXT")
    conn.execute("ALTER TABLE items ADD COLUMN gram_text TEXT")
    conn.execute("ALTER TABLE places ADD COLUMN name_ko TEXT")
    conn.execute("ALTER TABLE places ADD COLUMN hanja TEXT")
    g = Gazetteer.load()
    store_places(conn, g)
    for item_id, title, lede, body, date in conn.execute("SELECT id, title, lede, body, date FROM items").fetchall():
        forms = item_forms(title, lede, body)
        if not any(forms):
            continue
        conn.execute("UPDATE items SET gram_title = ?, gram_text = ? WHERE id = ?", (*forms, item_id))
        # the places of text in Hangul or Hanja were not known before
        conn.execute("DELETE FROM item_places WHERE item_id = ?", (item_id,))
        texts = [("title", title), ("body", body) if body else ("lede", lede)]
        found = [
            (item_id, m.place_id, name, m.start, m.end, m.surface, int(m.ambiguous))
            for name, text in texts
            if text
            for m in g.extract(strip_dateline(text))
        ]
        conn.executemany("INSERT OR IGNORE INTO item_places VALUES (?, ?, ?, ?, ?, ?, ?)", found)
        conn.execute("UPDATE items SET facets = ? WHERE id = ?", (facets(date, [r[1] for r in found], g), item_id))
    conn.execute("DROP TRIGGER IF EXISTS items_ad")
    conn.execute("DROP TABLE items_fts")
    for stmt in _statements(SCHEMA):
        if stmt.startswith(("CREATE VIRTUAL TABLE items_fts", "CREATE TRIGGER items_ad")):
            conn.execute(stmt)
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")


def store_places(conn: sqlite3.Connection, g: Gazetteer) -> None:
    """The gazetteer into the ``places`` table."""
    conn.executemany(
        "INSERT OR REPLACE INTO places (id, name, full_name, level, parent_id, aliases, lat, lon, name_ko, hanja)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (p.id, p.name, p.full, p.level, p.parent_id, "|".join(p.aliases), p.lat, p.lon, p.full_ko, p.hanja)
            for p in g.places
        ],
    )


#: the file index (``db.files``): each file read whole by an ingest,
#: as it was on disk then, so that the next ingest skips it unread. Its rows
#: come in the order of a folder's listing, which the path index follows; the
#: hashes come in no order, so their index holds only the first ten hex digits
#: (``readahead.FILE_HASH_KEY``) and the row's ``sha256`` says whether it is the one:
#: a few bytes per file instead of the hash and the path (about 16 bytes, not
#: 160), so that the index mostly stays in SQLite's cache, and a new file
#: seldom splits one of its pages
FILES_TABLE = """
CREATE TABLE files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    sha256 TEXT,
    pages INTEGER NOT NULL,
    reader TEXT NOT NULL
);
"""
FILES_INDEX = f"CREATE INDEX files_hash ON files({FILE_HASH_KEY});\n"
FILES_SCHEMA = FILES_TABLE + FILES_INDEX
SCHEMA += FILES_SCHEMA


def _migrate_files(conn: sqlite3.Connection) -> None:
    """Add the file index (empty: the next ingest reads every file once more)."""
    for stmt in _statements(FILES_SCHEMA):
        conn.execute(stmt)


def _migrate_watches_urls_map(conn: sqlite3.Connection) -> None:
    """Schema 7 -> 8: saved searches (``watches``: the query as JSON and the
    mark, the last dump id a run reported on), the original-page URL of an
    item (``items.url``), ``latitude``/``longitude`` beside ``lat``/``lon`` in
    ``places`` (the names Datasette's map plugins look for), and indexes that
    find dumps by ingest time and capture date (``--added-since``,
    ``--seen-since``). Self-contained: it reads nothing from other steps.
    The URLs of stored dumps are filled in by ``kcna reparse``."""
    conn.execute(
        "CREATE TABLE watches (name TEXT PRIMARY KEY, query TEXT NOT NULL, created_at TEXT NOT NULL,"
        " last_run_at TEXT, last_dump_id INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute("ALTER TABLE items ADD COLUMN url TEXT")
    conn.execute("ALTER TABLE places ADD COLUMN latitude REAL")
    conn.execute("ALTER TABLE places ADD COLUMN longitude REAL")
    conn.execute("UPDATE places SET latitude = lat, longitude = lon")
    conn.execute("CREATE INDEX dumps_ingested ON dumps(ingested_at)")
    conn.execute("CREATE INDEX dumps_capture ON dumps(capture_date)")


def _migrate_person_facets(conn: sqlite3.Connection) -> None:
    """Schema 8 -> 9: the persons an item names are tokens of its full-text index
    row too (``n42``: ``persons.id``), so that a search with words and ``--person``
    is one FTS5 query. Only items that name someone change: their tokens so far
    (date and places) are kept, and the persons added after them."""
    named: dict[int, set[int]] = {}
    for item_id, person_id in conn.execute("SELECT item_id, person_id FROM person_mentions"):
        named.setdefault(item_id, set()).add(person_id)
    columns = "title, lede, body, facets, gram_title, gram_text"
    for item_id in sorted(named):
        old = conn.execute(f"SELECT {columns} FROM items WHERE id = ?", (item_id,)).fetchone()
        if old is None:
            continue
        conn.execute(
            f"INSERT INTO items_fts(items_fts, rowid, {columns}) VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
            (item_id, *old),
        )
        tokens = " ".join([old[3] or "", *(person_facet(i) for i in sorted(named[item_id]))]).strip()
        conn.execute("UPDATE items SET facets = ? WHERE id = ?", (tokens, item_id))
        conn.execute(
            f"INSERT INTO items_fts(rowid, {columns}) SELECT id, {columns} FROM items WHERE id = ?", (item_id,)
        )


#: schema 9 -> 10: the file index keyed by row, its hashes by their first ten hex digits
#: (``FILES_SCHEMA``); the rows are copied in path order, as an ingest writes them
_MIGRATE_9 = f"""
ALTER TABLE files RENAME TO files_9;
DROP INDEX IF EXISTS files_sha256;
DROP INDEX IF EXISTS files_hash;
{FILES_TABLE}
INSERT INTO files (path, size, mtime_ns, ctime_ns, inode, sha256, pages, reader)
    SELECT path, size, mtime_ns, ctime_ns, inode, sha256, pages, reader FROM files_9 ORDER BY path;
DROP TABLE files_9;
{FILES_INDEX}"""

#: MIGRATIONS[n] upgrades a database from schema version n to n + 1: SQL, or a
#: function of the connection (run inside the upgrade's transaction).
MIGRATIONS: dict[int, str | Callable] = {
    1: _migrate_1,
    2: _migrate_2,
    3: _MIGRATE_3,
    4: _migrate_4,
    5: _migrate_5,
    6: _migrate_files,
    7: _migrate_watches_urls_map,
    8: _migrate_person_facets,
    9: _MIGRATE_9,
}


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (triggers hold semicolons)."""
    out, buf = [], []
    for line in script.strip().splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf))
    return out


#: page sizes a SQLite header may give (1 stands for 65536)
_PAGE_SIZES = {1, *(2**k for k in range(9, 16))}


def check_readonly_schema(conn: sqlite3.Connection, path: Path) -> None:
    """A database opened read-only must be a kcna database of this schema already."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        raise KcnaError(f"{path} holds no kcna database")
    if version != SCHEMA_VERSION:
        raise KcnaError(
            f"{path} is read-only and holds schema {version}, not {SCHEMA_VERSION}: kcna cannot upgrade it;"
            " make it writable once"
        )


def check_header(path: Path) -> None:
    """Refuse a newer database, or a file that is not SQLite, before anything writes to it."""
    if str(path) == ":memory:" or not path.exists():
        return
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise KcnaError(f"cannot read database {path}: {exc.strerror}") from None
    if not header:
        return
    if not header.startswith(b"SQLite format 3\x00"):
        raise KcnaError(f"{path} is not a SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    if len(header) < 100 or page_size not in _PAGE_SIZES or header[21:24] != b"\x40\x20\x20":
        # the start of a SQLite file, then something else
        raise KcnaError(f"{path}: not a kcna database (the file is damaged: its SQLite header is not valid)")
    version = int.from_bytes(header[60:64], "big")
    if version > SCHEMA_VERSION:
        raise KcnaError(
            f"{path} was written by a newer kcna (schema {version}, "
            f"this kcna knows {SCHEMA_VERSION}); upgrade kcna to use it"
        )


def rollback(conn: sqlite3.Connection, savepoint: str | None = None) -> None:
    """Undo the open transaction (or back to ``savepoint``) if there still is one.

    SQLite ends a transaction itself on some errors (disk full, a file size
    limit, a damaged index), and a Ctrl-C may come just after COMMIT: a
    ROLLBACK then fails with "cannot rollback - no transaction is active",
    which would hide the real cause. Called while an exception is handled,
    this never raises one of its own.
    """
    if not conn.in_transaction:
        return
    try:
        if savepoint:
            conn.execute(f"ROLLBACK TO {savepoint}")
            conn.execute(f"RELEASE {savepoint}")
        else:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def ensure_schema(conn: sqlite3.Connection, path: Path, *, create: bool = True) -> None:
    """Create the schema in a new database, or migrate an older one, in one transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if tables:
                raise KcnaError(f"{path} is a SQLite database, but not a kcna one")
            if not create:  # a command that only reads never writes a schema into a file
                raise KcnaError(f"{path} holds no kcna database yet (run 'kcna ingest --db {path} DUMPS')")
            for stmt in _statements(SCHEMA):
                conn.execute(stmt)
            from .people import create as create_people

            create_people(conn)
            load_places(conn)
        elif version > SCHEMA_VERSION:  # raced with a newer kcna
            raise KcnaError(f"{path} was written by a newer kcna (schema {version})")
        else:
            while version < SCHEMA_VERSION:
                step = MIGRATIONS[version]
                if callable(step):
                    step(conn)
                else:
                    for stmt in _statements(step):
                        conn.execute(stmt)
                version += 1
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


def load_places(conn: sqlite3.Connection) -> None:
    """The packaged gazetteer into ``places``."""
    from ..places import Gazetteer

    store_places(conn, Gazetteer.load())
    conn.execute("UPDATE places SET latitude = lat, longitude = lon")  # the names map plugins look for
