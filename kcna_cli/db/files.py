"""The file index: files an ingest has read, so that the next one skips them unread.

Users keep every capture in one folder tree and ingest the whole folder
again each day. Today's answer for a file already ingested came from
reading, splitting and hashing every page of it; the file index answers
from the file's status alone:

- a file whose path, size, modification time, change time and inode are
  those recorded is known: its pages count as read and known, and it is
  not opened;
- any other file is read; when the hash of its bytes is recorded (a file
  touched, copied or renamed without a change) it is known all the same,
  and not parsed; else it is parsed and stored as before, and recorded
  once every page of it is stored (in the same write transaction as its
  last page, so kill -9 never leaves a file recorded whose pages are not);
- a file with a page that failed is not recorded: it is read, and the
  failure reported, every time, as before;
- ``verify=True`` (``kcna ingest --verify``) trusts nothing recorded:
  every file is read, every page hashed, and the records refreshed.

The counts of an ingest (``dumps_read``, ``dumps_known``, ...) and the
database are the same as reading every file would give. A record also
names the reader (``READER``: a hash of the code that turns a file's bytes
into pages); a kcna whose reader differs reads every file again once.
"""

from __future__ import annotations

import os
import stat as _stat
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from ..inputs import FileStat, Source
from ..pipeline import Parsed, Spare, parsed_sources

if TYPE_CHECKING:
    import sqlite3

    from .corpus import Corpus, IngestReport

#: the modules whose code decides how a file's bytes are cut into pages
READER_MODULES = ("inputs.py", "parse.py", "text.py", "dates.py")
#: paths looked up in one query
LOOKUP_CHUNK = 500
#: files the file index knew in a listing before parse workers start (``pipeline.Spare``)
SPARE_AFTER = 2000


def reader_version() -> str:
    """A hash of the code that reads files into pages (``READER_MODULES``)."""
    global _READER
    if _READER is None:
        import hashlib
        from importlib import resources

        h = hashlib.sha256()
        try:
            for name in READER_MODULES:
                h.update((resources.files("kcna_cli") / name).read_bytes())
        except OSError:  # installed without its sources
            from .. import __version__

            h.update(f"{__version__} {sys.version_info[:2]}".encode())
        _READER = h.hexdigest()[:16]
    return _READER


_READER: str | None = None


def indexable(src: Source) -> bool:
    """A regular file, listed with its status (standard input and failures are not)."""
    return src.stat is not None and not src.error and src.path != "-" and _stat.S_ISREG(src.stat.st_mode)


def stat_key(st: FileStat) -> tuple[int, int, int, int]:
    """What must not have changed for a recorded file to be known unread."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


class FileIndex:
    """Look-ups in the ``files`` table (writes go through ``writer.Writer.record_file``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.reader = reader_version()

    def unchanged(self, files: list[tuple[str, FileStat]]) -> dict[str, int]:
        """Of these (stored path, status), those recorded with that status: path -> pages."""
        out: dict[str, int] = {}
        wanted = {path: stat_key(st) for path, st in files}
        paths = list(wanted)
        for k in range(0, len(paths), LOOKUP_CHUNK):
            chunk = paths[k : k + LOOKUP_CHUNK]
            rows = self.conn.execute(
                "SELECT path, size, mtime_ns, ctime_ns, inode, pages FROM files"
                f" WHERE reader = ? AND path IN ({','.join('?' * len(chunk))})",
                (self.reader, *chunk),
            )
            for path, size, mtime, ctime, inode, pages in rows:
                if wanted[path] == (size, mtime, ctime, inode):
                    out[path] = pages
        return out

    def pages_of_hash(self, sha: str) -> int | None:
        """The pages of a recorded file with these bytes, or None."""
        from ..readahead import hashed_pages

        return hashed_pages(self.conn, [sha], self.reader).get(sha)

    def row(self, path: str, st: FileStat, sha: str | None, pages: int) -> tuple:
        """The ``files`` row of a file whose every page is stored."""
        return (path, *stat_key(st), sha, pages, self.reader)


def stored_path(src: Source, cwd: str | None = None) -> str:
    """A source's path as ``dumps.path`` and ``files.path`` keep it (absolute);
    ``cwd``: the current folder, read once by a caller with many paths."""
    if src.path == "-":
        return src.path
    if cwd is None:
        return storable(os.path.abspath(src.path))
    return storable(os.path.normpath(os.path.join(cwd, src.path)))


def storable(path: str) -> str:
    """A path as SQLite can keep it (UTF-8): the bytes of a file name that are not UTF-8,
    which Python keeps as lone surrogates, are written ``\\xNN``. Two names can then be
    kept the same only if one holds that text itself; the file index tells such files
    apart by their inode and times."""
    if path.isascii():
        return path
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name's byte gives
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


def with_stat(src: Source) -> Source:
    """A source with its status (a file named on the command line or by a glob has none yet)."""
    if src.stat is not None or src.error or src.path == "-":
        return src
    try:
        return Source(src.path, None, FileStat.of(os.stat(src.path)))
    except OSError:
        return src  # reading it will say why


class _Folders:
    """``stored_path`` for the files of a listing, which come a folder at a time: the
    folder's absolute path is worked out once, and the file's name put after it."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self.folder: str | None = None
        self.under = ""

    def stored(self, src: Source) -> str:
        folder, _, name = src.path.rpartition(os.sep)
        if (
            not folder.strip(os.sep)
            or folder.startswith(os.sep * 2)  # kept as it is by ``normpath`` (POSIX)
            or name in ("", ".", "..")
            or (os.altsep and os.altsep in name)
        ):
            return stored_path(src, self.cwd)
        if folder != self.folder:  # (a folder is never standard input, even one named "-")
            self.folder, self.under = folder, os.path.normpath(os.path.join(self.cwd, folder)).rstrip(os.sep) + os.sep
        return storable(self.under + name)


def _chunks(items: Iterable[Source], size: int) -> Iterator[list[Source]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _unknown(
    sources: Iterable[Source],
    index: FileIndex,
    report: IngestReport,
    cwd: str,
    *,
    verify: bool,
    on_part: Callable[[Parsed], None] | None,
    progress: Callable[[IngestReport], None] | None,
    spare: Spare | None = None,
) -> Iterator[Source]:
    """The sources the file index does not know, as the listing streams them (nothing
    is kept per file: a folder of a million is never held in memory); the known ones
    are counted as read and known. Once ``SPARE_AFTER`` files were known, ``spare``
    workers start: new files may come after a long walk over known ones."""
    folders = _Folders(cwd)
    skipped = 0
    for chunk in _chunks(sources, LOOKUP_CHUNK):
        pairs = [(folders.stored(s), s) for s in map(with_stat, chunk)]
        known = {} if verify else index.unchanged([(p, s.stat) for p, s in pairs if s.stat and indexable(s)])
        skipped += len(known)
        if spare and skipped >= SPARE_AFTER:
            spare.start()
        for path, src in pairs:
            pages = known.get(path)
            if pages is None:
                yield src
                continue
            report.dumps_read += pages
            report.dumps_known += pages
            report.files_read += 1
            if on_part:
                on_part(Parsed(src, [], known=pages))
            if progress:
                progress(report)


def ingest_sources(
    corpus: Corpus,
    sources: Iterable[Source],
    report: IngestReport | None = None,
    *,
    jobs: int = 0,
    min_bytes: int | None = None,
    verify: bool = False,
    on_part: Callable[[Parsed], None] | None = None,
    progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Ingest files (``inputs.expand``), skipping those the file index knows.

    ``jobs`` and ``min_bytes`` are those of ``pipeline.parsed_sources``;
    ``on_part`` sees every part read (known files as a part with ``known``
    pages and none parsed) before its pages are stored; ``progress`` is
    called with the report after each page.
    """
    from .checkpoint import background_checkpoints
    from .corpus import IngestReport
    from .writer import Writer, journal_in_memory, merge_index

    report = report or IngestReport()
    index = FileIndex(corpus.conn)
    cwd = os.getcwd()
    writer = Writer(corpus, report)
    db_path = None if corpus.in_memory else str(corpus.path.resolve())
    spare = Spare(jobs, db_path)
    with background_checkpoints(corpus), journal_in_memory(corpus.conn):  # (the writer never waits for a checkpoint)
        try:
            current: Source | None = None
            failures = pages_read = 0
            known_hash = None if verify else index.pages_of_hash
            listed = _unknown(
                sources, index, report, cwd, verify=verify, on_part=on_part, progress=progress, spare=spare
            )
            parts = parsed_sources(
                listed,
                jobs=jobs,
                min_bytes=min_bytes,
                known_hash=known_hash,
                stored=db_path,
                reader=index.reader,
                spare=spare,
            )
            for part in parts:
                src = part.source
                if src is not current:
                    current, failures, pages_read = src, len(report.failed), 0
                stored = stored_path(src, cwd)
                if on_part:
                    on_part(part)
                if part.known is not None:
                    report.dumps_read += part.known
                    report.dumps_known += part.known
                    pages_read += part.known
                for page in part.pages:
                    report.dumps_read += 1
                    writer.add(stored, page)
                    if progress:
                        progress(report)
                pages_read += len(part.pages)
                if part.error:
                    report.fail(src.path, part.error)
                if part.final:
                    report.files_read += 1
                    if src.stat and indexable(src) and len(report.failed) == failures and pages_read:
                        writer.record_file(index.row(stored, src.stat, part.sha, pages_read))
        finally:
            spare.close()
            writer.close()
        merge_index(corpus, writer.indexed)
    return report
