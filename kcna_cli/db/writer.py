"""The writer: short write transactions, a savepoint per dump, the search-index queue.

``Writer.add`` stores one parsed page: skipped when its hash is known,
else the raw text into ``dumps`` and each record through the merge rules
(``db.merge``), inside a savepoint, so a dump is stored whole or not at all.
Transactions end after ``BATCH_SECONDS`` or ``BATCH_DUMPS`` so that other
kcna processes can write between them. The full-text index is brought up to
date once per transaction for the items it added or changed (FTS5 writes far
less that way than with a trigger per row inside a savepoint per dump).
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..grams import item_forms
from ..packing import pack
from ..parse import Dump, Page
from ..readahead import install_found, remove_found
from ..sqlin import rows_in
from ..text import version_text
from .found import KeyRows, RowCache
from .merge import renumber, upsert
from .schema import rollback
from .settle import absorb, settle

if TYPE_CHECKING:
    from .corpus import Corpus, IngestReport

#: a write transaction ends after this many seconds or dumps
BATCH_SECONDS = 0.5
BATCH_DUMPS = 500
#: more segments than this in the full-text index when an ingest that indexed at least one
#: item in ``INDEX_SHARE`` of those it holds ends: merge them into one (``merge_index``)
INDEX_SEGMENTS = 8
INDEX_SHARE = 10


class Writer:
    """Batches dumps into short write transactions, one savepoint per dump."""

    def __init__(
        self, corpus: Corpus, report: IngestReport, *, ids: dict[str, int] | None = None, fts: bool = True
    ) -> None:
        self.corpus = corpus
        self.conn = corpus.conn
        self.report = report
        #: the rows of keys read in earlier dumps (None in a transaction the writer did not begin:
        #: ``reparse``)
        self.rows: RowCache | None = corpus.row_cache()
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
        #: items this writer (re)indexed, counted once per transaction (``merge_index``)
        self.indexed = 0
        #: items whose versions may change order with this dump: a new version,
        #: or a sighting that may be earlier than its version's first capture
        self.reorder: set[int] = set()
        #: items whose title, lede, body or date this dump changed: their places are found again
        self.changed: set[int] = set()
        #: ``lede_key`` of the stored items without a date, read once per transaction (``merge.find``)
        self._undated: set[str] | None = None
        #: untitled items this dump found to be part of a titled one (``merge.split_found``)
        self.absorb: set[int] = set()
        self.next_id = max(self.ids.values(), default=0) + 1

    def new_id(self, key: str) -> int | None:
        if not self.ids:
            return None  # plain ingest: SQLite picks the next rowid
        if key in self.ids:
            return self.ids.pop(key)  # an id is given back once
        self.next_id += 1
        return self.next_id - 1

    def undated(self) -> set[str]:
        """The ``lede_key`` of every item without a date (a capture whose text gives no year)."""
        if self._undated is None:
            rows = self.conn.execute("SELECT lede_key FROM items WHERE date IS NULL AND lede_key IS NOT NULL")
            self._undated = {k for (k,) in rows}
        return self._undated

    def _begin(self) -> None:
        if not self.in_tx:
            self._undated = None  # other processes may have stored some since
            self.conn.execute("BEGIN IMMEDIATE")
            self.in_tx = True
            if self.rows is not None:
                self.rows.begun()
            self.started = time.monotonic()
            self.count = 0

    def commit(self) -> None:
        if self.in_tx:
            try:
                self._flush_fts()
                self.conn.execute("COMMIT")
            except BaseException:
                self._ended_by_sqlite()
                raise
            self.in_tx = False
            if self.rows is not None:
                self.rows.committed()

    def _ended_by_sqlite(self) -> None:
        """After an error: if SQLite ended the transaction itself (disk full, I/O error),
        there is nothing left to commit or roll back."""
        if not self.conn.in_transaction:
            self.in_tx = False
            self.fts_new.clear()
            self.fts_old.clear()

    def touch(self, item_id: int) -> None:
        """Before the indexed text of an existing item changes: keep what the index holds
        (and find its places again once the dump is stored)."""
        self.changed.add(item_id)
        if self.fts and item_id not in self.fts_new and item_id not in self.fts_old:
            self.fts_old[item_id] = self.conn.execute(
                "SELECT title, lede, body, facets, gram_title, gram_text FROM items WHERE id = ?", (item_id,)
            ).fetchone()

    def added(self, item_id: int) -> None:
        """A new item: index it when the transaction ends."""
        if self.fts:
            self.fts_new.add(item_id)

    def flush_index(self, item_id: int) -> None:
        """Before an item is deleted: make the full-text index hold exactly its row (the delete
        trigger removes what the row holds). Without index upkeep (``reparse``, which rebuilds
        the index at its end) the row is indexed first."""
        if self.fts:
            self._flush_fts()
        else:
            self.conn.execute(
                "INSERT INTO items_fts(rowid, title, lede, body, facets) SELECT id, title, lede, body, facets"
                " FROM items WHERE id = ?",
                (item_id,),
            )

    def forget(self, item_id: int) -> None:
        """An item was deleted: no more work on it in this dump."""
        self.changed.discard(item_id)
        self.reorder.discard(item_id)
        self.fts_new.discard(item_id)
        self.fts_old.pop(item_id, None)

    def _flush_fts(self) -> None:
        """Bring the full-text index up to date with this transaction's items."""
        if not self.fts:
            return
        self.indexed += len(self.fts_new) + len(self.fts_old)
        for item_id, old in self.fts_old.items():
            self.conn.execute(
                "INSERT INTO items_fts(items_fts, rowid, title, lede, body, facets, gram_title, gram_text)"
                " VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
                (item_id, *old),
            )
        rows_in(
            self.conn,
            "INSERT INTO items_fts(rowid, title, lede, body, facets, gram_title, gram_text)"
            " SELECT id, title, lede, body, facets, gram_title, gram_text FROM items WHERE id IN ({})",
            sorted(self.fts_new | set(self.fts_old)),
        )
        self.fts_new.clear()
        self.fts_old.clear()

    def close(self) -> None:
        if self.in_tx:
            try:
                self.commit()
            except BaseException:
                rollback(self.conn)
                self.in_tx = False
                self.fts_new.clear()
                self.fts_old.clear()
                raise

    def add(self, path: str, page: Page) -> None:
        report = self.report
        sha = page.sha256
        # a page a worker prepared is stored straight away: the unique hash of ``dumps``
        # tells a known one (most are new), and its packing is done already
        if page.prepared is None or page.dump is None:
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
            rollback(self.conn, "dump")
            if self.rows is not None:
                self.rows.rolled_back()
            self._ended_by_sqlite()
            for k, v in before.items():
                setattr(report, k, v)
            if isinstance(exc, sqlite3.IntegrityError) and "dumps.sha256" in str(exc):
                # stored before, or by another process meanwhile
                report.dumps_known += 1
                self._step()  # the transaction still ends in time when every page is known
                return
            raise
        self.conn.execute("RELEASE dump")
        report.dumps_new += 1
        for w in page.dump.warnings:
            report.warnings.append({"path": where, "warning": w})
        self._step()

    def _step(self) -> None:
        """One more change in the open transaction; end it when it is long enough."""
        self.count += 1
        if self.count >= BATCH_DUMPS or time.monotonic() - self.started > BATCH_SECONDS:
            self.commit()

    def record_file(self, row: tuple) -> None:
        """A file whose every page is stored (``files.FileIndex.row``): in the
        same transaction as its last page, or a later one, never an earlier one."""
        self._begin()
        self.conn.execute(
            "INSERT OR REPLACE INTO files (path, size, mtime_ns, ctime_ns, inode, sha256, pages, reader)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        self._step()

    def _store(self, path: str, page: Page, sha: str) -> None:
        dump: Dump = page.dump  # type: ignore[assignment]
        if page.prepared:
            packed, raw_bytes = page.prepared["raw"], page.prepared["raw_bytes"]
        else:
            packed, raw_bytes = pack(page.text)
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
        assert cur.lastrowid is not None
        found = page.prepared.get("found") if page.prepared else None
        keys = install_found(self.corpus, dump, found) if found else []
        if page.prepared and "body_fp" in page.prepared and dump.article is not None:
            dump.article.__dict__["_body_fp"] = page.prepared["body_fp"]  # as ``body_fingerprint`` caches it
        try:
            self.store_records(cur.lastrowid, dump)
        finally:
            remove_found(self.corpus, keys)

    def store_records(self, dump_id: int, dump: Dump) -> None:
        """Items and sightings of one parsed dump already in ``dumps``."""
        capture = dump.capture_date or ""
        self.reorder.clear()
        self.changed.clear()
        self.absorb.clear()
        seen = []
        article_item = None
        ahead = KeyRows(self.conn, [rec.key for rec in dump.records], self.rows)
        for position, rec in enumerate(dump.records):
            role = "article" if rec.kind == "article" and position == 0 and dump.article else "teaser"
            partial = role == "article" and not dump.complete
            items_before = self.report.items_new
            item_id, version_id = upsert(self, rec, capture, partial=partial, ahead=ahead, position=position)
            # a cut-off capture keeps the length of the text it showed (see settle.settle)
            cut = len(version_text(rec.body)) if partial and rec.body and version_id is not None else None
            seen.append((item_id, dump_id, role, position, version_id, cut))
            # a new item has no other capture to settle its versions with
            if role == "article" and rec.body and self.report.items_new == items_before:
                article_item = item_id
            if rec.url:  # the first address seen for an item stays (kcna_cli.links)
                self.conn.execute("UPDATE items SET url = ? WHERE id = ? AND url IS NULL", (rec.url, item_id))
            ahead.wrote(item_id)  # (the rows of the keys still to come that this may have changed)
        self.conn.executemany(
            "INSERT OR IGNORE INTO sightings (item_id, dump_id, role, position, version_id, cut)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            seen,
        )
        if article_item is not None and self.corpus.track_versions:
            settle(self, article_item)
        while self.absorb:
            again = absorb(self, self.absorb.pop())
            self.conn.executemany(
                "INSERT OR IGNORE INTO sightings (item_id, dump_id, role, position, version_id, cut)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                again,
            )
            for item_id, _, role, _, _, _ in again:
                if role == "article" and self.corpus.track_versions:
                    settle(self, item_id)
        for item_id in sorted(self.changed):
            # places and search forms follow the item's text, whichever capture supplied it
            title, lede, body = self.conn.execute(
                "SELECT title, lede, body FROM items WHERE id = ?", (item_id,)
            ).fetchone()
            self.corpus.index_places(item_id, title, lede, body)
            self.conn.execute(
                "UPDATE items SET gram_title = ?, gram_text = ? WHERE id = ?",
                (*item_forms(title, lede, body), item_id),
            )
        for item_id in self.reorder:
            # only items with several versions have an order to keep
            if self.conn.execute("SELECT 1 FROM versions WHERE item_id = ? AND number > 1", (item_id,)).fetchone():
                renumber(self.conn, item_id)


@contextmanager
def journal_in_memory(conn: sqlite3.Connection) -> Iterator[None]:
    """While an ingest writes: SQLite's temporary files in memory. The savepoint of each
    dump journals the pages it changes that the transaction had changed before, and past
    64 KiB SQLite spills that journal into a temporary file, created, written and deleted
    on disk a few times a second (at 500,000 files, 11 files for 2,750 files and a tenth
    of the writer's time). In memory, it holds one dump's pages at most. Queries keep
    SQLite's default (a large sort may spill to disk)."""
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        try:
            conn.execute("PRAGMA temp_store = DEFAULT")
        except sqlite3.Error:  # the connection failed with the ingest: that error is the one to tell
            pass


def merge_index(corpus: Corpus, indexed: int) -> bool:
    """When an ingest that (re)indexed ``indexed`` items ends: if they are at least one
    in ``INDEX_SHARE`` of the items stored, and the full-text index has more than
    ``INDEX_SEGMENTS`` segments, merge them into one, in a transaction of its own.

    Each write transaction adds a segment, and FTS5 merges them only four of a size
    at a time, so a long ingest leaves many (22 after a million one-page files), and
    a search reads every one: a search with words and a person took 40-47 ms there,
    33-35 ms after the merge, which took 6 s (about 20 µs an item). A daily run of a
    few new files among many known ones adds small segments, which FTS5 merges as
    they come, and does not pay for a merge of the whole index. A failure leaves the
    index as it was; True when it merged."""
    if not indexed:
        return False
    conn = corpus.conn
    try:
        (stored,) = conn.execute("SELECT max(id) FROM items").fetchone()
        if indexed * INDEX_SHARE < (stored or 0):
            return False
        (segments,) = conn.execute("SELECT count(DISTINCT segid) FROM items_fts_idx").fetchone()
        if segments <= INDEX_SEGMENTS:
            return False
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
        conn.execute("COMMIT")
    except sqlite3.Error:
        rollback(conn)  # everything stored is committed; only the merge is undone
        return False
    except BaseException:
        rollback(conn)
        raise
    return True
