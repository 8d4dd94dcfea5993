"""``Corpus``: one kcna database file, opened, ingested into, re-parsed.

The schema lives in ``db.schema``, the write path in ``db.writer`` and the
merge rules in ``db.merge``; reads live in ``kcna_cli.query``. A corpus is
in WAL mode with a busy timeout, so several kcna processes can ingest into
and search one file at once; a killed ingest is finished by running it again
(stored dumps are recognized by hash and skipped).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ExitCode, KcnaError
from ..facets import facets, place_facet
from ..packing import unpack
from ..parse import Page
from .failures import check_place, explain
from .schema import check_header, check_readonly_schema, ensure_schema, rollback
from .writer import Writer, journal_in_memory, merge_index

if TYPE_CHECKING:
    import threading

    import sqlite_utils

    from ..places import Gazetteer
    from .found import RowCache

#: seconds a writer waits for another one before giving up
BUSY_TIMEOUT = 60.0
#: page cache per connection (KiB); at 60,000 dumps 32 and 64 MiB measured alike
#: (benchmarks/RESULTS.md), and the memory figures there include it; 22 keeps an
#: ingest of a million files, its parse worker and the files read ahead under 150 MiB
CACHE_KIB = 22 * 1024
#: WAL pages before a checkpoint copies them into the database (SQLite's default is
#: 1,000). In a large corpus one write transaction dirties thousands of pages at
#: random places (sightings, identity keys, the full-text index), so with the default
#: every commit checkpointed, writing each page twice and syncing; with this, pages
#: changed by several transactions are copied once. The WAL file grows to about this
#: many pages (4 KiB each) during an ingest, and is removed when the last connection closes.
#: An ingest of files copies it in a thread instead, every few seconds (``checkpoint``);
#: since the writer keeps adding to the log meanwhile, the log then grows to the backstop
#: size (four times this, 512 MiB) before it starts over.
WAL_CHECKPOINT_PAGES = 32768


def _writable(path: Path) -> bool:
    """May this process write the database and the files SQLite keeps beside it (-wal, -shm)?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if not readonly:
        return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        # a WAL database in a folder this process cannot write: no -shm can be made, so
        # it is read as it stands (nobody can be writing it: the folder is read-only)
        conn.close()
        conn = sqlite3.connect(
            uri + "&immutable=1", uri=True, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
    return conn


def default_db_path() -> Path:
    """``$KCNA_DB``, else ``kcna.db`` in the user's data folder (``kcna_cli.paths``)."""
    from ..paths import default_db_path as path

    return path()


@dataclass
class IngestReport:
    """What an ingest did (README "Output" and the ``ingest --json`` summary)."""

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
        from .files import storable

        # (a name's bytes that are not UTF-8 as ``dumps.path`` keeps them: valid text in any output)
        self.failed.append({"path": storable(path), "error": error})


class Corpus:
    """A kcna database. ``Corpus(path)`` opens (and creates or migrates) it."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        memory = str(path) == ":memory:"
        if not memory:
            check_place(self.path, create=create)
            # a file or folder this process may not write to is opened read-only: reading works
            readonly = readonly or (self.path.exists() and not _writable(self.path))
        #: opened read-only: commands that write fail with "the database is read-only"
        self.readonly = readonly
        #: keep text versions (README "Revisions"); off only to measure what they cost
        self.track_versions = True
        #: find persons and the leader's activities at ingest; off only to measure what they cost
        self.track_people = True
        check_header(self.path)
        try:
            self.conn = _connect(self.path, readonly=readonly and not memory)
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            if not memory and not readonly:
                mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
                if mode.lower() != "wal":
                    self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            if not readonly:
                self.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
            if readonly:
                check_readonly_schema(self.conn, self.path)
            else:
                ensure_schema(self.conn, self.path, create=create)
        except sqlite3.DatabaseError as exc:
            raise KcnaError(explain(exc, self.path)) from None
        self._gazetteer: Gazetteer | None = None
        self._place_tokens: frozenset[str] | None = None
        self._beside: threading.Thread | None = None
        #: places of the long texts of the batch being stored, found before its transaction
        self._places_ahead: dict[str, list] = {}
        self._persons_ahead: dict[tuple[str, bool], list] = {}
        #: (title, body, date) -> the leader's activities found there, by a parse worker
        self._events_ahead: dict[tuple, list] = {}
        self._side: sqlite3.Connection | None = None
        self._rows: RowCache | None = None

    def row_cache(self) -> RowCache | None:
        """The rows the writer read lately (``found.RowCache``), one for the connection; None
        inside a transaction (``reparse``: its writer works in a transaction of its own)."""
        if self.conn.in_transaction:
            return None
        if self._rows is None:
            from .found import RowCache

            self._rows = RowCache(self.conn)
        return self._rows

    @property
    def in_memory(self) -> bool:
        """A database in memory (``:memory:``): no file, no second connection."""
        return str(self.path) == ":memory:"

    def side_reader(self) -> sqlite3.Connection | None:
        """A second, read-only connection, for a read that runs beside one on ``conn`` (a
        search counts its matches while it ranks them: SQLite works on both at once, on two
        CPUs). None for a database in memory, or while ``conn`` is in a transaction (the
        other connection would not see what it has not committed)."""
        if self.in_memory or self.conn.in_transaction:
            return None
        if self._side is None:
            self._side = _connect(self.path, readonly=True)
            self._side.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            self._side.execute(f"PRAGMA cache_size = -{CACHE_KIB // 4}")
        return self._side

    def read_beside(self, sql: str, params: Sequence = (), *, every: bool = False) -> Callable[[], Any]:
        """Start a one-row read (``every``: all rows, as a list) on ``side_reader``, in a
        thread, while this one goes on with ``conn``; the function returned waits for the
        answer (and raises what the read raised). Read on ``conn`` at once when there is
        no second connection. One read at a time runs on the second connection."""
        side = self.side_reader()
        if side is None:
            cur = self.conn.execute(sql, params)
            answer = cur.fetchall() if every else cur.fetchone()
            return lambda: answer
        import threading

        out: list = []

        def run() -> None:
            try:
                cur = side.execute(sql, params)
                out.append(cur.fetchall() if every else cur.fetchone())
            except BaseException as exc:  # raised where the answer is asked for
                out.append(exc)

        if self._beside is not None:  # a read whose answer was never asked for
            self._beside.join()
        thread = self._beside = threading.Thread(target=run, name="kcna-read-beside", daemon=True)
        thread.start()

        def wait() -> Any:
            thread.join()
            if isinstance(out[0], BaseException):
                raise out[0]
            return out[0]

        return wait

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from ..places import Gazetteer

            self._gazetteer = Gazetteer.load()
        return self._gazetteer

    @property
    def place_tokens(self) -> frozenset[str]:
        """The filter token of every stored place (``facets.place_facet``), read once:
        the places change only when a migration loads the gazetteer, at open."""
        if self._place_tokens is None:
            self._place_tokens = frozenset(place_facet(i) for (i,) in self.conn.execute("SELECT id FROM places"))
        return self._place_tokens

    @property
    def db(self) -> sqlite_utils.Database:
        """The same connection as a ``sqlite_utils.Database``."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        if self._beside is not None:
            self._beside.join()
            self._beside = None
        if self._side is not None:
            self._side.close()
            self._side = None
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
        from ..readahead import batches, persons_ahead, places_ahead

        report = report or IngestReport()
        writer = Writer(self, report)
        with journal_in_memory(self.conn):
            try:
                # pages are parsed, and the places of long texts found, with no transaction open
                for batch in batches(pages, report.failed):
                    self._places_ahead = places_ahead(self.gazetteer, batch)
                    self._persons_ahead = persons_ahead(batch) if self.track_people else {}
                    for failures, pair in batch:
                        report.failed.extend(failures)
                        if pair is None:
                            continue
                        report.dumps_read += 1
                        writer.add(*pair)
                        if progress:
                            progress(report)
                    writer.close()  # commit before reading more
            finally:
                self._places_ahead, self._persons_ahead = {}, {}
                writer.close()
        merge_index(self, writer.indexed)
        return report

    def ingest_text(self, text: str, path: str = "-", report: IngestReport | None = None) -> IngestReport:
        """Parse and store a text holding one or more pages."""
        from ..parse import parse_text

        return self.ingest_pages(((path, p) for p in parse_text(text)), report)

    def index_places(
        self,
        item_id: int,
        title: str | None,
        lede: str | None,
        body: str | None,
        *,
        new: bool = False,
        date: str | None = None,
    ) -> None:
        """(Re)compute the places one item names. ``new``: the item was just
        inserted, with ``date`` (nothing to delete, no date to read back)."""
        from ..places import strip_dateline

        if not new:
            self.conn.execute("DELETE FROM item_places WHERE item_id = ?", (item_id,))
        rows = []
        texts = [("title", title)]
        texts.append(("body", body) if body else ("lede", lede))
        ahead = self._places_ahead
        for name, text in texts:
            if not text:
                continue
            found = ahead.get(text)
            for m in found if found is not None else self.gazetteer.extract(strip_dateline(text)):
                rows.append((item_id, m.place_id, name, m.start, m.end, m.surface, int(m.ambiguous)))
        if rows:
            self.conn.executemany("INSERT OR IGNORE INTO item_places VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        if not new:
            date = self.conn.execute("SELECT date FROM items WHERE id = ?", (item_id,)).fetchone()[0]
        # the persons it names and the activities it reports follow the text too
        persons: set[int] = set()
        if self.track_people:
            from .people import index_people

            persons = index_people(
                self.conn,
                item_id,
                title,
                lede,
                body,
                date,
                self.gazetteer,
                fresh=new,
                ahead=self._persons_ahead,
                events_ahead=self._events_ahead,
            )
        # the filter tokens of the full-text index follow the places and persons
        # (the caller keeps the index in step, as for the text)
        self.conn.execute(
            "UPDATE items SET facets = ? WHERE id = ?",
            (facets(date, [r[1] for r in rows], self.gazetteer, persons), item_id),
        )

    def reparse(self, *, progress: Callable[[int, int], None] | None = None) -> dict:
        """Re-read every stored dump with the current parser, in one transaction.

        Items, sightings, versions, places and the full-text index are
        rebuilt from the raw dumps; an item keeps its id when its identity
        key is unchanged. Any failure rolls everything back: the corpus is
        then exactly as it was.
        """
        from ..inputs import saved_page
        from ..parse import NotADump, parse_page

        conn = self.conn
        before = self.counts()
        old_ids = dict(conn.execute("SELECT key, id FROM items"))
        old_fp = _items_fingerprint(conn)
        total = before["dumps"]
        report = IngestReport()
        unparsable: list[dict] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            from .people import clear

            clear(conn)
            for table in ("sightings", "item_places", "versions", "items"):
                conn.execute(f"DELETE FROM {table}")
            writer = Writer(self, report, ids=dict(old_ids), fts=False)
            rows = conn.execute("SELECT id, raw, path, page FROM dumps ORDER BY id").fetchall()
            for done, (dump_id, raw, path, page) in enumerate(rows, 1):
                text = unpack(raw)
                try:
                    # read as at ingest: a saved HTML page is one page, whatever its chrome holds
                    dump = parse_page(saved_page(text)[0])
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
            rollback(conn)
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
        return unpack(row[0])

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
