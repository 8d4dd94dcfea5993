"""The corpus: one SQLite file, its schema, migrations and ingest.

Tables (plain names, readable in ``sqlite3``, ``sqlite-utils`` or Datasette):

``dumps``      one row per page ingested: content hash, file path and page
               number, capture date, ingest time, and the raw text itself
               (zlib-compressed UTF-8 in ``raw``; ``kcna raw ID`` prints it).
``items``      one row per published item (SPEC section 3 identity in ``key``):
               kind, title, date, source, outlet, language, dateline, lede,
               body (the current text), date_note.
``sightings``  item X was seen in dump Y, as ``article`` or ``teaser``, at a
               position, showing text version V: the provenance.
``versions``   each distinct text of an article (``body``) or of a teaser
               lede that the article contradicts (``lede``).
``places``     the gazetteer; ``item_places`` the places each item names.
``items_fts``  FTS5 index over items(title, lede, body, facets), external
               content. ``facets`` holds filter tokens, not text: the item's
               date at three grains (``d2025 d202502 d20250210``) and each
               place it names with the places around it (``pkp07015``), so
               a search with words, dates and places is one FTS5 query.
               Ingest updates it once per write transaction, for the items
               the transaction added or changed (FTS5 writes far less than
               with a trigger per row inside a savepoint per dump); a
               trigger removes deleted items. After editing ``items`` by
               hand, rebuild it: ``INSERT INTO items_fts(items_fts)
               VALUES ('rebuild')``.

Ingest writes in short transactions of several dumps, with a savepoint per
dump: a dump is stored whole or not at all, and a killed ingest is finished
by running it again (stored dumps are recognized by hash and skipped). The
file is in WAL mode with a busy timeout, so several ``kcna`` processes can
ingest and search it at once.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import ExitCode, KcnaError
from .parse import Dump, Page, Record, content_hash, normalize

SCHEMA_VERSION = 3
#: seconds a writer waits for another one before giving up
BUSY_TIMEOUT = 60.0
#: a write transaction ends after this many seconds or dumps
BATCH_SECONDS = 0.5
BATCH_DUMPS = 500
#: page cache per connection (KiB); at 60,000 dumps 32 and 64 MiB measured alike
#: (benchmarks/RESULTS.md), and the memory figures there include it
CACHE_KIB = 32 * 1024
#: zlib level of stored raw pages: 1 takes 60% of the time of 6 and stores
#: 10% more (0.187 against 0.169 of the page text, generated dumps)
RAW_LEVEL = 1

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
    facets TEXT
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
CREATE TABLE sightings (
    item_id INTEGER NOT NULL REFERENCES items(id),
    dump_id INTEGER NOT NULL REFERENCES dumps(id),
    role TEXT NOT NULL CHECK (role IN ('article', 'teaser')),
    position INTEGER NOT NULL,
    version_id INTEGER REFERENCES versions(id),
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
    lon REAL
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
    title, lede, body, facets, content=[items], content_rowid=[id],
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, title, lede, body, facets)
    VALUES ('delete', old.id, old.title, old.lede, old.body, old.facets);
END;
"""


def _migrate_1(conn) -> None:
    """Schema 1 -> 2: versions compare body text only, are numbered in capture
    order, know whether their text is cut off; an index finds revised items;
    the full-text index is declared the way Datasette recognizes."""
    conn.execute("ALTER TABLE versions ADD COLUMN partial INTEGER NOT NULL DEFAULT 0")
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


def _migrate_2(conn) -> None:
    """Schema 2 -> 3: dates and places are tokens in the full-text index
    (``items.facets``), so searches with words filter inside FTS5."""
    from .places import Gazetteer

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
    for stmt in _statements(SCHEMA):
        if stmt.startswith(("CREATE VIRTUAL TABLE items_fts", "CREATE TRIGGER items_ad")):
            conn.execute(stmt)
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")


#: MIGRATIONS[n] upgrades a database from schema version n to n + 1: SQL, or a
#: function of the connection (run inside the upgrade's transaction).
MIGRATIONS: dict[int, str | Callable] = {1: _migrate_1, 2: _migrate_2}


def date_facets(date: str | None) -> list[str]:
    """``2025-02-10`` -> ``["d2025", "d202502", "d20250210"]`` (none for no date)."""
    if not date or len(date) != 10:
        return []
    y, m, d = date[:4], date[5:7], date[8:10]
    return [f"d{y}", f"d{y}{m}", f"d{y}{m}{d}"]


def place_facet(place_id: str) -> str:
    """A place id as one index token: ``KP-07-015`` -> ``pkp07015``."""
    return "p" + "".join(c for c in place_id.lower() if c.isalnum())


def facets(date: str | None, place_ids: Iterable[str], gazetteer) -> str:
    """``items.facets``: date tokens, then the places named and every place around them (sorted)."""
    around = {p for pid in place_ids for p in (pid, *gazetteer.ancestors(pid))}
    return " ".join(date_facets(date) + sorted(place_facet(p) for p in around))


def default_db_path() -> Path:
    """``$KCNA_DB``, else ``kcna.db`` in the user's application data folder."""
    env = os.environ.get("KCNA_DB")
    if env:
        return Path(env).expanduser()
    import click  # already imported by the CLI; cheap here

    return Path(click.get_app_dir("kcna")) / "kcna.db"


def prepare(page: Page) -> Page:
    """Do ahead, with no database, what storing a page needs: its hash and its
    compressed raw text. Parse workers run this, then let the page's text go
    (``prepared`` holds all that storing needs), which halves what a worker
    sends back. Places are found by the writer, for new items only.
    """
    if page.dump is None:
        return page
    data = page.text.encode("utf-8", "surrogatepass")
    page.prepared = {
        "sha256": content_hash(page.text),
        "raw": zlib.compress(data, RAW_LEVEL),
        "raw_bytes": len(data),
        "chars": len(page.text),
    }
    page.text = ""
    return page


def fingerprint(text: str | None) -> str:
    """Hash of a text as versions compare it (whitespace, quotes, dashes, -0-, case)."""
    return _sha1(version_text(text))


@dataclass
class IngestReport:
    """What an ingest did (SPEC section 3 and the ``ingest --json`` summary)."""

    dumps_read: int = 0
    dumps_known: int = 0
    dumps_new: int = 0
    items_new: int = 0
    teasers_upgraded: int = 0
    duplicates_merged: int = 0
    versions_new: int = 0
    files_read: int = 0
    failed: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def fail(self, path: str, error: str) -> None:
        self.failed.append({"path": path, "error": error})


class Corpus:
    """A kcna database. ``Corpus(path)`` opens (and creates or migrates) it."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        if str(path) != ":memory:":
            if not self.path.exists():
                if not create:
                    raise KcnaError(f"no database at {self.path} (run 'kcna ingest' first, or pass --db)")
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif self.path.is_dir():
                raise KcnaError(f"{self.path} is a folder, not a database file")
        #: keep text versions (SPEC section 3); off only to measure what they cost
        self.track_versions = True
        self._check_version_before_open()
        try:
            self.conn = sqlite3.connect(
                str(path),
                timeout=BUSY_TIMEOUT,
                isolation_level=None,
                check_same_thread=False,
            )
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            if str(path) != ":memory:" and not readonly:
                mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
                if mode.lower() != "wal":
                    self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._ensure_schema()
        except sqlite3.DatabaseError as exc:
            raise KcnaError(f"{self.path}: not a kcna database ({exc})") from None
        self._gazetteer = None

    # --- schema ---------------------------------------------------------------

    def _check_version_before_open(self) -> None:
        """Refuse a newer database before anything writes to it."""
        if str(self.path) == ":memory:" or not self.path.exists():
            return
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(100)
        except OSError as exc:
            raise KcnaError(f"cannot read database {self.path}: {exc.strerror}") from None
        if not header:
            return
        if not header.startswith(b"SQLite format 3\x00"):
            raise KcnaError(f"{self.path} is not a SQLite database")
        version = int.from_bytes(header[60:64], "big")
        if version > SCHEMA_VERSION:
            raise KcnaError(
                f"{self.path} was written by a newer kcna (schema {version}, "
                f"this kcna knows {SCHEMA_VERSION}); upgrade kcna to use it"
            )

    def _ensure_schema(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                tables = self.conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
                if tables:
                    raise KcnaError(f"{self.path} is a SQLite database, but not a kcna one")
                for stmt in _statements(SCHEMA):
                    self.conn.execute(stmt)
                self._load_places()
            elif version > SCHEMA_VERSION:  # raced with a newer kcna
                raise KcnaError(f"{self.path} was written by a newer kcna (schema {version})")
            else:
                while version < SCHEMA_VERSION:
                    step = MIGRATIONS[version]
                    if callable(step):
                        step(self.conn)
                    else:
                        for stmt in _statements(step):
                            self.conn.execute(stmt)
                    version += 1
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _load_places(self) -> None:
        from .places import Gazetteer

        g = Gazetteer.load()
        self.conn.executemany(
            "INSERT OR REPLACE INTO places (id, name, full_name, level, parent_id, aliases, lat, lon)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(p.id, p.name, p.full, p.level, p.parent_id, "|".join(p.aliases), p.lat, p.lon) for p in g.places],
        )

    @property
    def gazetteer(self):
        if self._gazetteer is None:
            from .places import Gazetteer

            self._gazetteer = Gazetteer.load()
        return self._gazetteer

    @property
    def db(self):
        """The same connection as a ``sqlite_utils.Database``."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- ingest ------------------------------------------------------------------

    def ingest_pages(
        self,
        pages: Iterable[tuple[str, Page]],
        report: IngestReport | None = None,
        *,
        progress: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Store parsed pages, given as ``(path, Page)``; return the counts.

        Each page is stored whole or not at all (a savepoint per page inside
        short transactions). A page already stored (same content hash) is
        counted as known and skipped.
        """
        report = report or IngestReport()
        writer = _Writer(self, report)
        try:
            for path, page in pages:
                report.dumps_read += 1
                writer.add(path, page)
                if progress:
                    progress(report)
        finally:
            writer.close()
        return report

    def ingest_text(self, text: str, path: str = "-", report: IngestReport | None = None) -> IngestReport:
        """Parse and store a text holding one or more pages."""
        from .parse import parse_text

        return self.ingest_pages(((path, p) for p in parse_text(text)), report)

    def index_places(self, item_id: int, title: str | None, lede: str | None, body: str | None) -> None:
        """(Re)compute the places one item names."""
        from .places import strip_dateline

        self.conn.execute("DELETE FROM item_places WHERE item_id = ?", (item_id,))
        rows = []
        texts = [("title", title)]
        texts.append(("body", body) if body else ("lede", lede))
        for name, text in texts:
            if not text:
                continue
            for m in self.gazetteer.extract(strip_dateline(text)):
                rows.append((item_id, m.place_id, name, m.start, m.end, m.surface, int(m.ambiguous)))
        if rows:
            self.conn.executemany("INSERT OR IGNORE INTO item_places VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        # the filter tokens of the full-text index follow the places (the
        # caller keeps the index in step, as for the text)
        date = self.conn.execute("SELECT date FROM items WHERE id = ?", (item_id,)).fetchone()[0]
        self.conn.execute(
            "UPDATE items SET facets = ? WHERE id = ?", (facets(date, [r[1] for r in rows], self.gazetteer), item_id)
        )

    def reparse(self, *, progress: Callable[[int, int], None] | None = None) -> dict:
        """Re-read every stored dump with the current parser, in one transaction.

        Items, sightings, versions, places and the full-text index are
        rebuilt from the raw dumps; an item keeps its id when its identity
        key is unchanged. Any failure rolls everything back: the corpus is
        then exactly as it was.
        """
        from .parse import NotADump, parse_page

        conn = self.conn
        before = self.counts()
        old_ids = dict(conn.execute("SELECT key, id FROM items"))
        old_fp = _items_fingerprint(conn)
        total = before["dumps"]
        report = IngestReport()
        unparsable: list[dict] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table in ("sightings", "item_places", "versions", "items"):
                conn.execute(f"DELETE FROM {table}")
            writer = _Writer(self, report, ids=dict(old_ids), fts=False)
            rows = conn.execute("SELECT id, raw, path, page FROM dumps ORDER BY id").fetchall()
            for done, (dump_id, raw, path, page) in enumerate(rows, 1):
                text = zlib.decompress(raw).decode("utf-8", "surrogatepass")
                try:
                    dump = parse_page(text)
                except NotADump as exc:
                    unparsable.append({"dump_id": dump_id, "path": path, "page": page, "error": str(exc)})
                    dump = None
                if dump is not None:
                    conn.execute(
                        "UPDATE dumps SET capture_date = ?, source = ?, rendering = ?, warnings = ? WHERE id = ?",
                        (dump.capture_date, dump.source, dump.rendering, "\n".join(dump.warnings) or None, dump_id),
                    )
                    writer.store_records(dump_id, dump)
                if progress:
                    progress(done, total)
            conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        after = self.counts()
        new_ids = dict(conn.execute("SELECT key, id FROM items"))
        new_fp = _items_fingerprint(conn)
        return {
            "dumps": total,
            "dumps_unparsable": unparsable,
            "items_before": before["items"],
            "items_after": after["items"],
            "items_added": len(set(new_ids) - set(old_ids)),
            "items_removed": len(set(old_ids) - set(new_ids)),
            "items_changed": sum(1 for k in set(new_fp) & set(old_fp) if new_fp[k] != old_fp[k]),
            "versions_before": before["versions"],
            "versions_after": after["versions"],
        }

    # --- reading --------------------------------------------------------------------

    def raw_text(self, dump_id: int) -> str:
        row = self.conn.execute("SELECT raw FROM dumps WHERE id = ?", (dump_id,)).fetchone()
        if row is None:
            raise KcnaError(f"no dump with id {dump_id}", ExitCode.FAILED)
        return zlib.decompress(row[0]).decode("utf-8", "surrogatepass")

    def counts(self) -> dict:
        q = self.conn.execute
        return {
            "dumps": q("SELECT count(*) FROM dumps").fetchone()[0],
            "items": q("SELECT count(*) FROM items").fetchone()[0],
            "articles": q("SELECT count(*) FROM items WHERE kind = 'article'").fetchone()[0],
            "teasers": q("SELECT count(*) FROM items WHERE kind = 'teaser'").fetchone()[0],
            "sightings": q("SELECT count(*) FROM sightings").fetchone()[0],
            "versions": q("SELECT count(*) FROM versions").fetchone()[0],
        }


def _items_fingerprint(conn) -> dict[str, str]:
    """key -> hash of everything public about an item (to report what a reparse changed)."""
    out = {}
    rows = conn.execute(
        "SELECT i.key, i.kind, i.title, i.date, i.source, i.dateline, i.lede, i.body, i.date_note,"
        " (SELECT group_concat(place_id) FROM (SELECT DISTINCT place_id FROM item_places p"
        "  WHERE p.item_id = i.id ORDER BY place_id)) FROM items i"
    )
    for row in rows:
        out[row[0]] = hashlib.sha1(repr(row[1:]).encode("utf-8", "surrogatepass")).hexdigest()
    return out


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


class _Writer:
    """Batches dumps into short write transactions, one savepoint per dump."""

    def __init__(self, corpus: Corpus, report: IngestReport, *, ids: dict[str, int] | None = None, fts: bool = True):
        self.corpus = corpus
        self.conn = corpus.conn
        self.report = report
        self.in_tx = False
        self.started = 0.0
        self.count = 0
        #: reparse: keep the id an item had before, found by its key
        self.ids = ids or {}
        #: full-text index work of the open transaction: items added, and the
        #: indexed text of existing items before this transaction changed them
        self.fts = fts
        self.fts_new: set[int] = set()
        self.fts_old: dict[int, tuple] = {}
        #: items whose versions may change order with this dump: a new version,
        #: or a sighting that may be earlier than its version's first capture
        self.reorder: set[int] = set()
        self.next_id = max(self.ids.values(), default=0) + 1

    def _new_id(self, key: str) -> int | None:
        if not self.ids:
            return None  # plain ingest: SQLite picks the next rowid
        if key in self.ids:
            return self.ids.pop(key)  # an id is given back once
        self.next_id += 1
        return self.next_id - 1

    def _begin(self) -> None:
        if not self.in_tx:
            self.conn.execute("BEGIN IMMEDIATE")
            self.in_tx = True
            self.started = time.monotonic()
            self.count = 0

    def _commit(self) -> None:
        if self.in_tx:
            self._flush_fts()
            self.conn.execute("COMMIT")
            self.in_tx = False

    def _touch(self, item_id: int) -> None:
        """Before the indexed text of an existing item changes: keep what the index holds."""
        if self.fts and item_id not in self.fts_new and item_id not in self.fts_old:
            self.fts_old[item_id] = self.conn.execute(
                "SELECT title, lede, body, facets FROM items WHERE id = ?", (item_id,)
            ).fetchone()

    def _flush_fts(self) -> None:
        """Bring the full-text index up to date with this transaction's items."""
        if not self.fts:
            return
        for item_id, old in self.fts_old.items():
            self.conn.execute(
                "INSERT INTO items_fts(items_fts, rowid, title, lede, body, facets) VALUES ('delete', ?, ?, ?, ?, ?)",
                (item_id, *old),
            )
        ids = sorted(self.fts_new | set(self.fts_old))
        for k in range(0, len(ids), 500):
            chunk = ids[k : k + 500]
            self.conn.execute(
                "INSERT INTO items_fts(rowid, title, lede, body, facets)"
                " SELECT id, title, lede, body, facets FROM items"
                f" WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        self.fts_new.clear()
        self.fts_old.clear()

    def close(self) -> None:
        if self.in_tx:
            try:
                self._commit()
            except BaseException:
                self.conn.execute("ROLLBACK")
                self.in_tx = False
                self.fts_new.clear()
                self.fts_old.clear()
                raise

    def add(self, path: str, page: Page) -> None:
        report = self.report
        sha = page.sha256
        known = self.conn.execute("SELECT 1 FROM dumps WHERE sha256 = ?", (sha,)).fetchone()
        if known:
            report.dumps_known += 1
            return
        where = path if page.number == 1 else f"{path} (page {page.number})"
        if page.dump is None:
            report.fail(where, page.error or "not a dump")
            return
        self._begin()
        self.conn.execute("SAVEPOINT dump")
        counted = ("items_new", "teasers_upgraded", "duplicates_merged", "versions_new")
        before = {k: getattr(report, k) for k in counted}
        try:
            self._store(path, page, sha)
        except BaseException as exc:
            # the dump is undone whole, and so are its counts
            self.conn.execute("ROLLBACK TO dump")
            self.conn.execute("RELEASE dump")
            for k, v in before.items():
                setattr(report, k, v)
            if isinstance(exc, sqlite3.IntegrityError):  # stored by another process meanwhile
                report.dumps_known += 1
                return
            raise
        self.conn.execute("RELEASE dump")
        report.dumps_new += 1
        for w in page.dump.warnings:
            report.warnings.append({"path": where, "warning": w})
        self.count += 1
        if self.count >= BATCH_DUMPS or time.monotonic() - self.started > BATCH_SECONDS:
            self._commit()

    def _store(self, path: str, page: Page, sha: str) -> None:
        dump: Dump = page.dump  # type: ignore[assignment]
        if page.prepared:
            packed, raw_bytes = page.prepared["raw"], page.prepared["raw_bytes"]
        else:
            data = page.text.encode("utf-8", "surrogatepass")
            packed, raw_bytes = zlib.compress(data, RAW_LEVEL), len(data)
        cur = self.conn.execute(
            "INSERT INTO dumps (sha256, path, page, capture_date, source, rendering,"
            " ingested_at, raw_bytes, raw, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha,
                path,
                page.number,
                dump.capture_date,
                dump.source,
                dump.rendering,
                _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                raw_bytes,
                packed,
                "\n".join(dump.warnings) or None,
            ),
        )
        self.store_records(cur.lastrowid, dump)

    def store_records(self, dump_id: int, dump: Dump) -> None:
        """Items and sightings of one parsed dump already in ``dumps``."""
        capture = dump.capture_date or ""
        self.reorder.clear()
        seen = []
        for position, rec in enumerate(dump.records):
            role = "article" if rec.kind == "article" and position == 0 and dump.article else "teaser"
            partial = role == "article" and not dump.complete
            item_id, version_id = self._upsert(rec, capture, partial=partial)
            seen.append((item_id, dump_id, role, position, version_id))
        self.conn.executemany(
            "INSERT OR IGNORE INTO sightings (item_id, dump_id, role, position, version_id) VALUES (?, ?, ?, ?, ?)",
            seen,
        )
        for item_id in self.reorder:
            # only items with several versions have an order to keep
            if self.conn.execute("SELECT 1 FROM versions WHERE item_id = ? AND number > 1", (item_id,)).fetchone():
                renumber(self.conn, item_id)

    def _find(self, rec: Record):
        # not the body: most lookups are teasers, and a teaser is checked against the lede
        q = "SELECT id, kind, title, lede, version_id, version_capture, key FROM items"
        row = self.conn.execute(q + " WHERE key = ?", (rec.key,)).fetchone()
        if row is None and rec.lede_key:
            # an untitled capture (body-only page) and a titled one of the same item
            cond = "title IS NULL" if rec.title else "1"
            row = self.conn.execute(q + f" WHERE lede_key = ? AND {cond} LIMIT 1", (rec.lede_key,)).fetchone()
        return row

    def _upsert(self, rec: Record, capture: str, *, partial: bool = False) -> tuple[int, int | None]:
        report = self.report
        row = self._find(rec)
        if row is None:
            cur = self.conn.execute(
                "INSERT INTO items (id, key, lede_key, kind, title, date, source, outlet, language,"
                " dateline, lede, body, date_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._new_id(rec.key),
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
                ),
            )
            item_id = cur.lastrowid
            if self.fts:
                self.fts_new.add(item_id)
            report.items_new += 1
            self.corpus.index_places(item_id, rec.title, rec.lede, rec.body)
            version_id = None
            if rec.kind == "article" and rec.body and self.corpus.track_versions:
                version_id = self._version(item_id, "body", rec.body, rec.title, partial=partial, fresh=True)
                self.conn.execute(
                    "UPDATE items SET version_id = ?, version_capture = ? WHERE id = ?",
                    (version_id, capture, item_id),
                )
            return item_id, version_id
        item_id, kind, title, lede, cur_version, cur_capture, key = row
        if title is None and rec.title:
            # adopt the title (and so the key) of a titled capture
            self._touch(item_id)
            self.conn.execute("UPDATE items SET title = ?, key = ? WHERE id = ?", (rec.title, rec.key, item_id))
            title = rec.title
        if rec.kind == "teaser":
            report.duplicates_merged += 1
            if lede is None and rec.lede:
                self._touch(item_id)
                self.conn.execute("UPDATE items SET lede = ? WHERE id = ?", (rec.lede, item_id))
                return item_id, None
            if not self.corpus.track_versions or (kind == "article" and lede and _lede_matches(rec.lede, lede)):
                return item_id, None  # the usual case: the article's first paragraph starts so
            body = self._body(item_id) if kind == "article" else None  # a teaser has no body
            lede_version = self._lede_version(item_id, rec.lede, kind, lede, body)
            if lede_version is not None:
                self.reorder.add(item_id)
            return item_id, lede_version
        # an article
        if not rec.body:  # a capture cut before the body: nothing to compare
            report.duplicates_merged += 1
            if kind == "teaser" and rec.title and not title:
                self._touch(item_id)
                self.conn.execute("UPDATE items SET title = coalesce(title, ?) WHERE id = ?", (rec.title, item_id))
            return item_id, None
        body = self._body(item_id)
        if rec.body == body and cur_version is not None:  # the usual recapture: same text
            version_id, text, grown = cur_version, body, False
        elif self.corpus.track_versions:
            version_id, text, grown = self._body_version(item_id, rec, partial)
        else:
            version_id, text, grown = cur_version, rec.body, False
        if kind == "teaser":
            report.teasers_upgraded += 1
            self._touch(item_id)
            self.conn.execute(
                "UPDATE items SET kind = 'article', title = coalesce(?, title), source = ?,"
                " outlet = ?, language = ?, dateline = coalesce(?, dateline),"
                " lede = coalesce(?, lede), body = ?, date_note = ?, lede_key = coalesce(lede_key, ?),"
                " version_id = ?, version_capture = ? WHERE id = ?",
                (
                    rec.title,
                    rec.source,
                    rec.outlet,
                    rec.language,
                    rec.dateline,
                    rec.lede,
                    text,
                    rec.date_note,
                    rec.lede_key,
                    version_id,
                    capture,
                    item_id,
                ),
            )
            self.corpus.index_places(item_id, rec.title or title, rec.lede or lede, text)
            if lede and self.corpus.track_versions and not _lede_matches(lede, text):
                # the teasers seen before showed another text: evidence of an edit
                earlier = self._version(item_id, "lede", lede, title)
                self.conn.execute(
                    "UPDATE sightings SET version_id = ? WHERE item_id = ? AND role = 'teaser' AND version_id IS NULL",
                    (earlier, item_id),
                )
            return item_id, version_id
        report.duplicates_merged += 1
        if version_id != cur_version or capture < (cur_capture or ""):
            self.reorder.add(item_id)
        if (version_id != cur_version and capture >= (cur_capture or "")) or (version_id == cur_version and grown):
            # the latest capture's text is the current one (a cut capture
            # counts as the version it is the start of)
            self._touch(item_id)
            self.conn.execute(
                "UPDATE items SET title = coalesce(?, title), lede = coalesce(?, lede), body = ?,"
                " date_note = ?, version_id = ?, version_capture = ? WHERE id = ?",
                (rec.title, rec.lede, text, rec.date_note, version_id, max(capture, cur_capture or ""), item_id),
            )
            self.corpus.index_places(item_id, rec.title or title, rec.lede or lede, text)
        elif version_id == cur_version and capture > (cur_capture or ""):
            self.conn.execute("UPDATE items SET version_capture = ? WHERE id = ?", (capture, item_id))
        return item_id, version_id

    def _body(self, item_id: int) -> str | None:
        return self.conn.execute("SELECT body FROM items WHERE id = ?", (item_id,)).fetchone()[0]

    def _body_version(self, item_id: int, rec: Record, partial: bool) -> tuple[int, str, bool]:
        """The version an article capture shows: (id, its full text, whether it grew).

        A capture cut off mid-body (``partial``) is the version whose text it
        starts; a complete capture that continues a partial version completes
        that version in place (same id, same sightings), so the order in
        which captures arrive does not matter.
        """
        body: str = rec.body  # type: ignore[assignment]
        norm = version_text(body)
        fp = _sha1(norm)
        row = self.conn.execute(
            "SELECT id, text FROM versions WHERE item_id = ? AND fingerprint = ?", (item_id, fp)
        ).fetchone()
        if row:
            return row[0], row[1], False
        others = self.conn.execute(
            "SELECT id, text, partial FROM versions WHERE item_id = ? AND kind = 'body' ORDER BY id DESC", (item_id,)
        ).fetchall()
        for vid, vtext, vpartial in others:
            vnorm = version_text(vtext)
            if partial and vnorm.startswith(norm):
                return vid, vtext, False
            if vpartial and not partial and norm.startswith(vnorm):
                self.conn.execute(
                    "UPDATE versions SET text = ?, fingerprint = ?, partial = 0, title = coalesce(?, title)"
                    " WHERE id = ?",
                    (body, fp, rec.title, vid),
                )
                return vid, body, True
        return self._version(item_id, "body", body, rec.title, partial=partial, fp=fp), body, False

    def _lede_version(
        self, item_id: int, new: str | None, kind: str, lede: str | None, body: str | None = None
    ) -> int | None:
        """A teaser's lede that no stored text starts with is a version of its own."""
        if not new:
            return None
        if kind == "article":
            if body and _lede_matches(new, body):  # the usual case: the current text starts so
                return None
            rows = self.conn.execute("SELECT id, kind, text FROM versions WHERE item_id = ?", (item_id,)).fetchall()
            if not rows:
                rows = [(None, "body", lede or "")]
            for vid, vkind, t in rows:
                if _lede_matches(new, t) or (vkind == "lede" and _lede_matches(t, new)):
                    return None if vkind == "body" else vid
            return self._version(item_id, "lede", new, None)
        # a teaser seen before with another lede
        known = self.conn.execute("SELECT id, text FROM versions WHERE item_id = ?", (item_id,)).fetchall()
        if not known:
            if lede is None or _lede_matches(new, lede) or _lede_matches(lede, new):
                return None
            first = self._version(item_id, "lede", lede, None)
            self.conn.execute(
                "UPDATE sightings SET version_id = ? WHERE item_id = ? AND version_id IS NULL", (first, item_id)
            )
            return self._version(item_id, "lede", new, None)
        for vid, t in known:
            if _lede_matches(new, t) or _lede_matches(t, new):
                return vid
        return self._version(item_id, "lede", new, None)

    def _version(
        self,
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
        fp = fp or _sha1(version_text(text))
        if fresh:
            number = 1
        else:
            row = self.conn.execute(
                "SELECT id FROM versions WHERE item_id = ? AND fingerprint = ?", (item_id, fp)
            ).fetchone()
            if row:
                return row[0]
            number = self.conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE item_id = ?", (item_id,)
            ).fetchone()[0]
        cur = self.conn.execute(
            "INSERT INTO versions (item_id, number, kind, fingerprint, title, text, partial)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (item_id, number, kind, fp, title, text, int(partial)),
        )
        if number > 1:
            self.report.versions_new += 1
            self.reorder.add(item_id)
        return cur.lastrowid


def renumber(conn, item_id: int) -> None:
    """Number an item's versions 1, 2, ... in the order they were first captured."""
    rows = conn.execute(
        "SELECT v.id, v.number, min(coalesce(d.capture_date, '')) AS first FROM versions v"
        " LEFT JOIN sightings s ON s.item_id = v.item_id AND s.version_id = v.id LEFT JOIN dumps d ON d.id = s.dump_id"
        " WHERE v.item_id = ? GROUP BY v.id",
        (item_id,),
    ).fetchall()
    if len(rows) < 2:
        return
    ordered = sorted(rows, key=lambda r: (r[2] or "", r[0]))
    for n, (vid, number, _) in enumerate(ordered, 1):
        if number != n:
            conn.execute("UPDATE versions SET number = ? WHERE id = ?", (n, vid))


def version_text(text: str | None) -> str:
    """A text as versions compare it: normalized, case-folded, without ``-0-``."""
    return normalize((text or "").replace("-0-", " ")).casefold()


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _lede_matches(lede: str, body: str) -> bool:
    """Is a teaser lede (cut at ~128 characters) the start of the article text?"""
    raw = lede.rstrip(" -\"'.…")
    if body.startswith(raw):  # the usual case, without normalizing anything
        return True
    a = version_text(lede).rstrip(" -\"'.…")
    if not a:
        return True
    # normalizing only shortens a text: a prefix of the body is enough to look at
    head = body[: 2 * len(lede) + 64]
    return version_text(head).startswith(a) or (len(head) < len(body) and version_text(body).startswith(a))
