"""Reading and parsing dumps in worker processes while the main process stores them.

Parsing is pure CPU work, about a third of what an ingest does, and
needs no database; storing must stay in one process (SQLite has one writer). ``parsed_sources`` yields the
pages of every source in input order; with ``jobs`` worker processes it
parses ahead of the consumer, a bounded number of tasks at a time, so the
database sees exactly what a one-process ingest would give it and memory
stays flat.

Small files (most dumps are one page, a few kilobytes) are read whole, in
one system call each, and hashed: a file whose bytes the file index knows
is not parsed at all. In an ingest of files into a database with parse
workers (the usual case), the workers do that: a task names up to
``BATCH_FILES`` small files (or ``FILE_TASK_BYTES`` of them), and the
worker reads them (threads read the next ones while it parses), asks the
file index (what is committed of it) about their hashes, and parses the
others (``_read_and_work``). The process that writes, the one an ingest
waits for, then neither reads, hashes nor sends a file's bytes. A file
recorded since the worker asked is parsed, and its pages found known by
the writer: the same result. A copy of a file the worker parsed lately is
not parsed again: by its turn its original is stored, and the file index
knows it (``_again``). Otherwise (no database to ask, ``--verify``, or no
workers) threads of this process read and hash the files ahead, and
(with workers) their contents go to the workers in batches of the same
size: one task per file of one page cost more in messages than the page
cost to parse. A large UTF-8 file is cut
into byte ranges at capture-date lines that certainly start a page (the
worker reads, decodes, splits and parses a range; this process renumbers
the pages). Other large files are streamed and split here and parsed by
workers a batch of pages at a time. Standard input is read here.
"""

from __future__ import annotations

import itertools
import marshal
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import cuts, inputs
from .inputs import (
    InputError,
    Source,
    _lines_decode,
    _looks_binary,
    bounded_pages,
    file_hash,
    iter_page_texts,
    read_pages,
)
from .packing import prepare
from .parse import Page, parse_pages, split_pages
from .readahead import open_stored, page_found, recorded_pages
from .recent import remember
from .wire import SentRecords, to_wire
from .workers import _receive, _receiving, _send, _Worker  # noqa: F401 - _receive, _Worker: tests use them as pipeline's

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

#: pages per task when a large file is parsed by workers
BATCH_PAGES = 200
#: files up to this size are read here and sent to a worker in batches of up
#: to this many bytes; larger ones are cut into ranges of this size, or
#: streamed here and parsed by workers a batch of pages at a time
FILE_TASK_BYTES = 1024 * 1024
#: most files in one worker task
BATCH_FILES = 256
#: below this much input, worker processes cost more than they save
MIN_PARALLEL_BYTES = 4 * 1024 * 1024


@dataclass
class Parsed:
    """Pages read from one source (or a part of it), or why it failed."""

    source: Source
    pages: list[Page] = field(default_factory=list)
    error: str | None = None
    #: the last part of this source
    final: bool = True
    #: hash of the file's bytes, when it was read whole (``inputs.file_hash``)
    sha: str | None = None
    #: the file index knows these bytes: the pages they hold (none parsed)
    known: int | None = None
    #: the same bytes as a file given to a worker a little before, in this ingest: not
    #: sent, and answered by the file index once that file is stored (``_again``)
    again: bool = False


#: the file index's answer for a file's bytes: how many pages it holds, or None
KnownHash = Callable[[str], "int | None"]


def default_jobs() -> int:
    """Worker processes for parsing when none are asked for: one, when this
    process may run on two CPUs or more.

    Measured on 2 vCPUs (benchmarks/RESULTS.md): one worker took an ingest
    to 0.81-0.84 of its one-process time; a second made it slower (three
    busy processes on two CPUs). Machines with more CPUs may gain from
    ``--jobs 2``; that is not measured.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return 1 if cpus >= 2 else 0


class Spare:
    """The parse workers of an ingest, started (``start``) when ``parsed_sources`` uses
    them, or before the ingest knows it needs them: while the listing of a folder
    passes over files the file index knows (a folder ingested again), so that they
    start (a process and its imports, a fifth of a second or more) and load the
    gazetteer on the other CPU, and the first new files do not wait for them.
    ``parsed_sources`` takes them; ``close`` stops those it never took."""

    def __init__(self, jobs: int, stored: str | None) -> None:
        self.jobs, self.stored = jobs, stored
        self.workers: list[_Worker] = []
        self.taken = False

    def start(self) -> None:
        if not self.workers and not self.taken and self.jobs > 0:
            self.workers = [_Worker(self.stored) for _ in range(self.jobs)]

    def take(self) -> list[_Worker]:
        """The workers started (none if none were): once; they are the taker's to close."""
        workers, self.workers, self.taken = self.workers, [], True
        return workers

    def close(self) -> None:
        for w in self.take():
            w.close(kill=True)  # it was given no task: nothing of it to wait for


def parsed_sources(
    sources: Iterable[Source],
    *,
    jobs: int = 0,
    min_bytes: int | None = None,
    known_hash: KnownHash | None = None,
    stored: str | None = None,
    reader: str | None = None,
    spare: Spare | None = None,
) -> Iterator[Parsed]:
    """Parse every source; results in input order (see the module docstring).

    ``jobs`` worker processes (0: parse here), used when the input is at
    least ``min_bytes`` (default ``MIN_PARALLEL_BYTES``). Workers are plain
    child processes running ``python -m kcna_cli.pipeline`` (see ``_Worker``).
    ``known_hash``: a file whose bytes it knows is answered without parsing.
    ``stored``: the database the pages go to, which workers read (``readahead.open_stored``);
    ``reader``: the reader its file index records (``db.files.reader_version``), with which
    workers answer ``known_hash``'s question themselves. ``spare``: where the workers
    come from, if they are used (they may have started during the listing); they are
    stopped here.
    """
    floor = MIN_PARALLEL_BYTES if min_bytes is None else min_bytes
    it = iter(sources)
    ahead: list[Source] = []  # listed until they make ``floor`` bytes: a stream is never held whole
    size = 0
    if jobs > 0:
        for src in it:
            ahead.append(src)
            size += src.size
            if size >= floor:
                break
    if jobs <= 0 or size < floor:
        for src in itertools.chain(ahead, it):
            yield from _parse_here(src, known_hash)
        return
    spare = spare or Spare(jobs, stored)
    spare.start()  # (nothing to do when they started during the listing)
    yield from _parse_in_workers(itertools.chain(ahead, it), spare.take(), known_hash, stored, reader)


def _whole(src: Source, limit: int) -> bool:
    """Is this source a regular file read whole, in one piece? (Standard input,
    a pipe or a device is read with a byte limit, a page at a time.)"""
    if src.path == "-" or src.error:
        return False
    try:
        regular, size = src.kind()
    except InputError:
        return False  # told when it is read
    return regular and size <= limit


def _read_hashed(
    src: Source, known_hash: KnownHash | None, read: tuple[bytes | None, str] | None = None
) -> tuple[bytes | None, Parsed]:
    """A small file's bytes, or (when it cannot be read, or its bytes are known) its answer.
    ``read``: what ``_read_bytes`` gave for it, when it was read ahead."""
    data, sha = read or _read_bytes(src)
    if data is None:
        return None, Parsed(src, [], sha)  # (why it could not be read)
    if known_hash is not None and (pages := known_hash(sha)) is not None:
        return None, Parsed(src, [], sha=sha, known=pages)
    return data, Parsed(src, [], sha=sha)


def _read_bytes(src: Source) -> tuple[bytes | None, str]:
    """(a small file's bytes, their hash), or (None, why it could not be read)."""
    try:
        data = src.read()
    except InputError as exc:
        return None, str(exc)
    return data, file_hash(data)


#: small files read ahead of the writer by threads, a chunk of them at a time (one
#: hand-over between threads per chunk: a hand-over costs more than a small file)
READ_CHUNK_FILES = 32
READ_CHUNK_BYTES = 1024 * 1024
#: chunks read ahead, and the threads that read them (a disk answers several reads at
#: once: 98,734 files not in the page cache took 20 s to read one at a time, 8 s four at
#: a time). With 2 threads and 4 chunks the writer waited 4.4 s for them in an ingest of
#: those files; with 4 and 6, 0.9 s
READ_AHEAD_CHUNKS = 6
READ_THREADS = 4
#: at most this many files are read ahead
READ_AHEAD_FILES = READ_CHUNK_FILES * READ_AHEAD_CHUNKS


def _read_chunk(chunk: list[tuple[Source, bool]]) -> list[tuple[bytes | None, str] | None]:
    return [_read_bytes(src) if whole else None for src, whole in chunk]


#: in a worker: the threads that read a task's files (``_reading``)
_READERS: ThreadPoolExecutor | None = None


#: ``_read_file`` of a task's ``k``-th path, as a function of ``k`` (``_reading``)
Reads = Callable[[int], tuple[bytes | None, str]]


def _reading(paths: list[str]) -> Reads:
    """In a worker: ``_read_file`` of the ``k``-th path, as a function of ``k``; threads read
    the files a chunk at a time, the chunks after the one asked for meanwhile (and, from
    ``_task_reading``, while the worker still parses the task before)."""
    global _READERS
    if len(paths) <= READ_CHUNK_FILES:
        return [_read_file(path) for path in paths].__getitem__
    if _READERS is None:
        from concurrent.futures import ThreadPoolExecutor

        _READERS = ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="kcna-read")
    read = _READERS.submit
    chunks = [read(_read_files, paths[a : a + READ_CHUNK_FILES]) for a in range(0, len(paths), READ_CHUNK_FILES)]
    return lambda k: chunks[k // READ_CHUNK_FILES].result()[k % READ_CHUNK_FILES]


def _read_files(paths: list[str]) -> list[tuple[bytes | None, str]]:
    return [_read_file(path) for path in paths]


def _read_ahead(sources: Iterable[Source]) -> Iterator[tuple[Source, tuple[bytes | None, str] | None]]:
    """The sources in order, each small regular file with what ``_read_bytes`` gave for it
    (None for other sources): threads read and hash them ahead, so that a first ingest of
    a folder on disk waits on the disk there, while this process writes. At most
    ``READ_AHEAD_FILES`` files, of at most ``READ_CHUNK_BYTES`` a chunk, are read ahead."""
    from concurrent.futures import ThreadPoolExecutor

    window: deque[tuple[list[tuple[Source, bool]], Future]] = deque()
    chunk: list[tuple[Source, bool]] = []
    size = 0
    with ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="kcna-read") as pool:
        try:
            for src in sources:
                whole = _whole(src, FILE_TASK_BYTES)
                chunk.append((src, whole))
                size += src.size if whole else 0
                if whole and len(chunk) < READ_CHUNK_FILES and size < READ_CHUNK_BYTES:
                    continue
                window.append((chunk, pool.submit(_read_chunk, chunk)))
                chunk, size = [], 0
                while len(window) > (READ_AHEAD_CHUNKS if whole else 0):
                    done, future = window.popleft()
                    yield from zip((src for src, _ in done), future.result(), strict=True)
            if chunk:
                window.append((chunk, pool.submit(_read_chunk, chunk)))
            while window:
                done, future = window.popleft()
                yield from zip((src for src, _ in done), future.result(), strict=True)
        finally:
            for _chunk, future in window:  # stopped early: nothing more is read
                future.cancel()


def _parse_here(src: Source, known_hash: KnownHash | None = None) -> Iterator[Parsed]:
    """One source, in this process, a batch of pages at a time."""
    sha, data = None, None
    if _whole(src, inputs.STREAM_CHUNK):
        data, answer = _read_hashed(src, known_hash)
        if data is None:
            yield answer
            return
        sha = answer.sha
    batch: list[Page] = []
    try:
        texts = iter_page_texts(src) if data is None else bounded_pages(read_pages(data))
        for page in parse_pages(texts):
            batch.append(page)
            if len(batch) >= BATCH_PAGES:
                yield Parsed(src, batch, final=False)
                batch = []
    except InputError as exc:
        yield Parsed(src, batch, str(exc), sha=sha)
        return
    except (MemoryError, RecursionError, ValueError, LookupError, UnicodeError) as exc:
        # one input that cannot be read fails alone, never the whole ingest
        yield Parsed(src, batch, f"cannot read this input ({type(exc).__name__}: {exc})", sha=sha)
        return
    yield Parsed(src, batch, sha=sha)


def _work(task: tuple, reads: Reads | None = None) -> tuple[bytes, str | None] | list:
    """In a worker: ("paths", [small files' paths], file index reader: ``_read_and_work``),
    ("files", [file contents], (file index reader, [their hashes]) or None),
    ("range", path, start, end) or ("texts", [page texts], first number).

    Returns the prepared pages in ``to_wire`` form, and an error or None (for "files",
    a list of those, one per file, or for a file the file index knows, its pages).
    ``reads``: a "paths" task's files, being read already (``_reading``).
    """
    if task[0] == "paths":
        return _read_and_work(task[1], task[2], reads)
    if task[0] == "files":
        reader, shas = task[2] or ("", [])
        known = recorded_pages(shas, reader) if shas else {}  # one statement for the task's files
        answers: list = [  # one per file
            pages if known and (pages := known.get(shas[k])) is not None else _work(("blob", data))
            for k, data in enumerate(task[1])
        ]
        return answers
    out: list[Page] = []
    error = None
    try:
        texts: Iterable[str]
        if task[0] == "range":
            texts, first = bounded_pages(split_pages(_read_range(*task[1:]))), 1
        elif task[0] == "blob":
            texts, first = bounded_pages(read_pages(task[1])), 1
        else:
            texts, first = [_refused(t[1]) if isinstance(t, tuple) else t for t in task[1]], task[2]
        for page in parse_pages(texts, first):
            prepare(page)
            if page.prepared is not None:  # the places and persons of its new texts, found here
                page.prepared["found"] = page_found(page.dump, page.prepared)
            out.append(page)
    except InputError as exc:
        error = str(exc)
    except Exception as exc:  # in a worker too, one input fails alone (and without a traceback)
        error = f"cannot read this input ({type(exc).__name__}: {exc})"
    return to_wire(out, _RECORDS_SENT), error


#: in a worker: the teaser records it sent whole lately (``wire``)
_RECORDS_SENT: SentRecords = {}
#: in a worker: the hashes of the files it parsed lately (``_read_and_work``)
_FILES_SEEN: dict[str, None] = {}


def _read_file(path: str) -> tuple[bytes | None, str]:
    """In a worker: (a small file's bytes, their hash), or (None, why it could not be read),
    as ``_read_bytes`` gives them for a listed file."""
    try:
        data = inputs._read_whole(path)
    except InputError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, inputs._reason(exc)
    return data, file_hash(data)


def _read_and_work(paths: list[str], reader: str | None, reads: Reads | None = None) -> list[tuple]:
    """In a worker, a "paths" task: read the files (threads read the ones after the file
    being parsed), hash them, and answer each with (hash, "known", its pages) when the file
    index knows its bytes, (hash, "again", None) when this worker parsed the same bytes
    lately, (hash, "pages", what ``_work`` answers for its bytes), or (None, "error", why).
    ``reads``: the files, being read since the task came (``_reading``)."""
    reads = reads or _reading(paths)
    answers: list[tuple] = []
    known: dict[str, int] = {}
    for k in range(len(paths)):
        if k % READ_CHUNK_FILES == 0 and reader:  # one statement for each chunk's files
            chunk = [reads(j) for j in range(k, min(k + READ_CHUNK_FILES, len(paths)))]
            known = recorded_pages([sha for data, sha in chunk if data is not None], reader)
        data, sha = reads(k)
        if data is None:
            answers.append((None, "error", sha))
        elif reader and (pages := known.get(sha)) is not None:
            answers.append((sha, "known", pages))
        elif sha in _FILES_SEEN:
            answers.append((sha, "again", None))
        else:
            remember(_FILES_SEEN, sha, None, RECENT_FILES)
            answers.append((sha, "pages", _work(("blob", data))))
    return answers


def _refused(error: str) -> str:
    from .parse import PageText

    page = PageText("")
    page.error = error
    return page


def _read_range(path: str, start: int, end: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            text = _lines_decode(fh.read(end - start))
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    if _looks_binary(text[:8192]):
        raise InputError("binary file, not text")
    return text


#: an entry of the window of tasks in flight: ("batch", [(source, answer)], task),
#: ("part", source, task, final part?), or ("here", source) to parse in this process
_Entry = tuple


def _tasks(sources: Iterable[Source], known_hash: KnownHash | None, ask: str | None = None) -> Iterator[_Entry]:
    """The work for the workers, in input order (see ``_Entry``). ``ask``: the reader of
    the file index (``db.files.reader_version``) when the workers read the small files
    and look their hashes up in it (``_read_and_work``) instead of this process reading
    them and asking ``known_hash``."""
    batch: list[tuple[Source, Parsed]] = []
    blobs: list[bytes] = []
    paths: list[str] = []  # of the small files the workers read (with ``ask``)
    shas: list[str] = []
    size = 0
    #: the hashes of the files given to workers lately, which the database cannot tell yet
    recent: dict[str, None] = {}

    def flush() -> Iterator[_Entry]:
        nonlocal batch, blobs, paths, shas, size
        if batch and paths:
            yield "batch", batch, ("paths", paths, ask)
        elif batch:
            yield "batch", batch, ("files", blobs, (ask, shas) if ask else None) if blobs else None
        batch, blobs, paths, shas, size = [], [], [], [], 0

    if ask:  # the workers read the small files, and answer for known ones
        listed: Iterable[tuple[Source, tuple | None]] = ((src, None) for src in sources)
    else:
        listed = _read_ahead(sources)
    for src, reading in listed:
        if ask and _whole(src, FILE_TASK_BYTES):
            batch.append((src, Parsed(src, [])))
            paths.append(src.path)
            size += src.size
            if size >= FILE_TASK_BYTES or len(batch) >= BATCH_FILES:
                yield from flush()
            continue
        if reading is not None:
            data, answer = _read_hashed(src, None if ask else known_hash, reading)
            batch.append((src, answer))
            if data is not None and answer is not None and answer.error is None:
                if known_hash is not None and answer.sha and answer.sha in recent:
                    answer.again = True  # a copy of a file on its way: not parsed twice
                else:
                    blobs.append(data)
                    shas.append(answer.sha or "")
                    size += len(data)
                    if answer.sha:
                        remember(recent, answer.sha, None, RECENT_FILES)
            if size >= FILE_TASK_BYTES or len(batch) >= BATCH_FILES:
                yield from flush()
            continue
        yield from flush()
        if src.path == "-" or src.error or src.size == 0:
            # standard input, a pipe or a device (read with a byte limit), or a failure: here
            yield "here", src
        elif (cuts := _cuts_or_none(src.path, src.size)) is not None:
            for k, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
                yield "part", src, ("range", src.path, a, b), k == len(cuts) - 2
        else:
            texts: list[str | tuple[str, str]] = []  # a page's text, or ("refused", why)
            number = 1
            try:
                for text in iter_page_texts(src):
                    refused = getattr(text, "error", None)  # a page not read: why, sent as such
                    texts.append(("refused", refused) if refused else str(text))
                    if len(texts) >= BATCH_PAGES:
                        yield "part", src, ("texts", texts, number), False
                        number += len(texts)
                        texts = []
            except InputError as exc:
                yield "part", src, ("error", str(exc)), True
                continue
            yield "part", src, ("texts", texts, number), True
    yield from flush()


#: files given to workers that ``_tasks`` remembers by hash: more than are on their way and
#: not committed (tasks in flight, files read ahead, a write transaction), a few hundred
RECENT_FILES = 4096


def _again(src: Source, answer: Parsed, known_hash: KnownHash | None) -> Iterator[Parsed]:
    """A file with the same bytes as one given to a worker a little before it. By now that
    one is stored (answers come in input order, each stored before the next is read), so
    the file index knows these bytes, as it would have if they had come later; else (that
    file could not be recorded) this one is read again and parsed here."""
    pages = known_hash(answer.sha) if known_hash is not None and answer.sha else None
    if pages is not None:
        answer.known = pages
        yield answer
    else:
        yield from _parse_here(src, known_hash)


def cut_points(path: str, size: int, every: int | None = None) -> list[int] | None:
    """``cuts.cut_points``: where a large UTF-8 file can be cut between pages, about
    ``every`` (default ``FILE_TASK_BYTES``) bytes apart."""
    return cuts.cut_points(path, size, every or FILE_TASK_BYTES)


def _cuts_or_none(path: str, size: int) -> list[int] | None:
    try:
        return cut_points(path, size)
    except (OSError, ValueError):
        return None


def _parse_in_workers(
    sources: Iterable[Source],
    workers: list[_Worker],
    known_hash: KnownHash | None = None,
    stored: str | None = None,
    reader: str | None = None,
) -> Iterator[Parsed]:
    """The pages of ``sources`` parsed by ``workers`` (started: ``Spare``), which it stops."""
    jobs = len(workers)
    # tasks go to the workers in turn; each answers its own in order, so
    # reading the oldest task's worker gives the results in input order
    window: deque[tuple[_Entry, _Worker | None]] = deque()
    limit = 2 * jobs  # tasks in flight: each worker has the next one waiting
    numbered: dict[str, int] = {}  # pages of each source given out so far
    turn = 0

    def ready(entry: _Entry, worker: _Worker | None) -> Iterator[Parsed]:
        if entry[0] == "here":
            yield from _parse_here(entry[1])
        elif entry[0] == "batch":
            answers = iter(worker.result() if worker else ())
            for src, answer in entry[1]:
                if answer.known is None and answer.error is None and not answer.again:  # sent to the worker
                    reply = next(answers)
                    if isinstance(reply, int):  # the file index knows its bytes: not parsed
                        answer.known = reply
                    elif len(reply) == 3:  # a file the worker read (``_read_and_work``)
                        answer.sha, what, got = reply
                        if what == "pages":
                            answer.pages, answer.error = got
                        elif what == "known":
                            answer.known = got
                        elif what == "again":
                            answer.again = True
                        else:  # "error": why it could not be read
                            answer.error = got
                    else:
                        answer.pages, answer.error = reply
                if answer.again:
                    yield from _again(src, answer, known_hash)
                    continue
                yield answer
        else:
            _, src, task, final = entry
            if task[0] == "error":
                yield Parsed(src, [], task[1], final)
                return
            assert worker is not None  # every task but "error" went to a worker
            pages, error = worker.result()
            if task[0] == "range":  # numbered from 1 in each range: number them in the file
                first = numbered.get(src.path, 0)
                for k, page in enumerate(pages, first + 1):
                    page.number = k
                numbered[src.path] = first + len(pages)
            yield Parsed(src, pages, error, final)

    done = False
    try:
        for entry in _tasks(sources, known_hash, reader if known_hash and stored else None):
            task = entry[2] if entry[0] in ("batch", "part") else None
            worker = None
            if task is not None and task[0] != "error":
                worker = workers[turn % jobs]
                turn += 1
                worker.submit(task)
            window.append((entry, worker))
            while len(window) > limit:
                yield from ready(*window.popleft())
        while window:
            yield from ready(*window.popleft())
        done = True
    finally:
        for w in workers:
            w.close(kill=not done)


def _task_reading(task: tuple) -> tuple:
    """In a worker, as a task comes (``_receiving``): the task, and a "paths" task's files
    being read (``_reading``) while the worker still parses the task before; else None.
    Files not in the page cache had the worker wait for the disk ~1/8 of its time."""
    return task, _reading(task[1]) if task[0] == "paths" else None


def _serve() -> None:
    """A worker's life: answer tasks until the input ends."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    if len(sys.argv) > 1:
        open_stored(sys.argv[1])
    from .places import Gazetteer

    Gazetteer.load()  # (every task of new pages needs it: loaded before the first one comes)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not break the answers
    tasks = _receiving(sys.stdin.buffer, _task_reading)  # a task's files are read as it comes
    try:
        while (got := tasks.get()) is not None:
            _send(out, marshal.dumps(_work(*got)))
    except BrokenPipeError:  # the main process is gone
        pass


if __name__ == "__main__":
    _serve()
