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
``items_fts``  FTS5 index over items(title, lede, body), external content,
               kept in sync by triggers.

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
from .parse import Dump, Page, Record, normalize

SCHEMA_VERSION = 1
#: seconds a writer waits for another one before giving up
BUSY_TIMEOUT = 60.0
#: a write transaction ends after this many seconds or dumps
BATCH_SECONDS = 0.5
BATCH_DUMPS = 500

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
    version_capture TEXT
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
    UNIQUE (item_id, fingerprint)
);
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
    title, lede, body, content='items', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
    INSERT INTO items_fts(rowid, title, lede, body)
    VALUES (new.id, new.title, new.lede, new.body);
END;
CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, title, lede, body)
    VALUES ('delete', old.id, old.title, old.lede, old.body);
END;
CREATE TRIGGER items_au AFTER UPDATE OF title, lede, body ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, title, lede, body)
    VALUES ('delete', old.id, old.title, old.lede, old.body);
    INSERT INTO items_fts(rowid, title, lede, body)
    VALUES (new.id, new.title, new.lede, new.body);
END;
"""

#: MIGRATIONS[n] upgrades a database from schema version n to n + 1.
MIGRATIONS: dict[int, str] = {}


def default_db_path() -> Path:
    """``$KCNA_DB``, else ``kcna.db`` in the user's application data folder."""
    env = os.environ.get("KCNA_DB")
    if env:
        return Path(env).expanduser()
    import click  # already imported by the CLI; cheap here

    return Path(click.get_app_dir("kcna")) / "kcna.db"


def fingerprint(*parts: str | None) -> str:
    """Hash of texts after normalization (whitespace, quotes, dashes, -0-)."""
    h = hashlib.sha1()
    for part in parts:
        text = normalize((part or "").replace("-0-", " "))
        h.update(text.casefold().encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


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
                    for stmt in _statements(MIGRATIONS[version]):
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

        g = self.gazetteer
        self.conn.execute("DELETE FROM item_places WHERE item_id = ?", (item_id,))
        rows = []
        texts = [("title", title)]
        texts.append(("body", body) if body else ("lede", lede))
        for name, text in texts:
            if not text:
                continue
            for m in g.extract(strip_dateline(text)):
                rows.append((item_id, m.place_id, name, m.start, m.end, m.surface, int(m.ambiguous)))
        if rows:
            self.conn.executemany("INSERT OR IGNORE INTO item_places VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

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
            writer = _Writer(self, report, ids=dict(old_ids))
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

    def __init__(self, corpus: Corpus, report: IngestReport, *, ids: dict[str, int] | None = None):
        self.corpus = corpus
        self.conn = corpus.conn
        self.report = report
        self.in_tx = False
        self.started = 0.0
        self.count = 0
        #: reparse: keep the id an item had before, found by its key
        self.ids = ids or {}
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
            self.conn.execute("COMMIT")
            self.in_tx = False

    def close(self) -> None:
        if self.in_tx:
            try:
                self._commit()
            except BaseException:
                self.conn.execute("ROLLBACK")
                self.in_tx = False
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
        data = page.text.encode("utf-8", "surrogatepass")
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
                len(data),
                zlib.compress(data, 6),
                "\n".join(dump.warnings) or None,
            ),
        )
        self.store_records(cur.lastrowid, dump)

    def store_records(self, dump_id: int, dump: Dump) -> None:
        """Items and sightings of one parsed dump already in ``dumps``."""
        capture = dump.capture_date or ""
        for position, rec in enumerate(dump.records):
            role = "article" if rec.kind == "article" and position == 0 and dump.article else "teaser"
            item_id, version_id = self._upsert(rec, capture)
            self.conn.execute(
                "INSERT OR IGNORE INTO sightings (item_id, dump_id, role, position, version_id) VALUES (?, ?, ?, ?, ?)",
                (item_id, dump_id, role, position, version_id),
            )

    def _find(self, rec: Record):
        q = "SELECT id, kind, title, lede, body, version_id, version_capture, key FROM items"
        row = self.conn.execute(q + " WHERE key = ?", (rec.key,)).fetchone()
        if row is None and rec.lede_key:
            # an untitled capture (body-only page) and a titled one of the same item
            cond = "title IS NULL" if rec.title else "1"
            row = self.conn.execute(q + f" WHERE lede_key = ? AND {cond} LIMIT 1", (rec.lede_key,)).fetchone()
        return row

    def _upsert(self, rec: Record, capture: str) -> tuple[int, int | None]:
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
            report.items_new += 1
            self.corpus.index_places(item_id, rec.title, rec.lede, rec.body)
            version_id = None
            if rec.kind == "article":
                version_id = self._version(item_id, rec, "body")
                self.conn.execute(
                    "UPDATE items SET version_id = ?, version_capture = ? WHERE id = ?",
                    (version_id, capture, item_id),
                )
            return item_id, version_id
        item_id, kind, title, lede, body, cur_version, cur_capture, key = row
        if title is None and rec.title:
            # adopt the title (and so the key) of a titled capture
            self.conn.execute("UPDATE items SET title = ?, key = ? WHERE id = ?", (rec.title, rec.key, item_id))
            title = rec.title
        if rec.kind == "teaser":
            report.duplicates_merged += 1
            if lede is None and rec.lede:
                self.conn.execute("UPDATE items SET lede = ? WHERE id = ?", (rec.lede, item_id))
            elif kind == "article" and rec.lede and body and not _lede_matches(rec.lede, body):
                return item_id, self._version(item_id, rec, "lede")
            return item_id, None
        # an article
        version_id = self._version(item_id, rec, "body")
        if kind == "teaser":
            report.teasers_upgraded += 1
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
                    rec.body,
                    rec.date_note,
                    rec.lede_key,
                    version_id,
                    capture,
                    item_id,
                ),
            )
            self.corpus.index_places(item_id, rec.title or title, rec.lede or lede, rec.body)
            return item_id, version_id
        report.duplicates_merged += 1
        if version_id != cur_version and capture >= (cur_capture or ""):
            # a newer capture shows another text: it becomes the current one
            self.conn.execute(
                "UPDATE items SET title = coalesce(?, title), lede = coalesce(?, lede), body = ?,"
                " date_note = ?, version_id = ?, version_capture = ? WHERE id = ?",
                (rec.title, rec.lede, rec.body, rec.date_note, version_id, capture, item_id),
            )
            self.corpus.index_places(item_id, rec.title or title, rec.lede or lede, rec.body)
        elif version_id == cur_version and capture > (cur_capture or ""):
            self.conn.execute("UPDATE items SET version_capture = ? WHERE id = ?", (capture, item_id))
        return item_id, version_id

    def _version(self, item_id: int, rec: Record, kind: str) -> int | None:
        if kind == "body":
            if not rec.body:
                return None
            fp = fingerprint(rec.title, rec.body)
            text = rec.body
        else:
            fp = fingerprint(None, rec.lede)
            text = rec.lede
        row = self.conn.execute(
            "SELECT id FROM versions WHERE item_id = ? AND fingerprint = ?", (item_id, fp)
        ).fetchone()
        if row:
            return row[0]
        number = self.conn.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE item_id = ?", (item_id,)
        ).fetchone()[0]
        cur = self.conn.execute(
            "INSERT INTO versions (item_id, number, kind, fingerprint, title, text) VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, number, kind, fp, rec.title, text),
        )
        if number > 1:
            self.report.versions_new += 1
        return cur.lastrowid


def _lede_matches(lede: str, body: str) -> bool:
    """Is a teaser lede (cut at ~128 characters) the start of the article text?"""
    a = normalize(lede).casefold().rstrip(" -\"'")
    b = normalize(body).casefold()
    return b.startswith(a) or not a
