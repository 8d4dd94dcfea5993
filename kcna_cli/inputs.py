"""What ``kcna ingest`` reads: paths to files, and files to text.

``expand`` turns the command line's arguments (files, folders searched
recursively, globs, ``-`` for standard input) into ``Source`` objects;
``decode`` turns a file's bytes into text, whatever the encoding a user's
tools saved it in (UTF-8 with or without BOM, UTF-16 with BOM, cp1252), and
saved HTML pages into their visible text. Anything that is not text raises
``InputError`` with a one-line reason.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat as _stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

#: files taken from a folder (a file named on the command line is always read)
FOLDER_SUFFIXES = {".txt", ".text", ".htm", ".html", ".dump", ""}
#: a file larger than this is refused (a dump page is a few kilobytes); input that
#: is not a regular file (standard input, a pipe, a device) is read up to this many bytes
MAX_BYTES = 2 * 1024**3
#: a page longer than this many characters is refused (reported, not stored): the
#: largest real pages are ~100 KB, and parsing and storing one costs ~20x its size
MAX_PAGE_CHARS = 2 * 1024 * 1024
#: seconds to wait for a writer on a named pipe given on the command line
FIFO_WAIT = 30.0


class InputError(Exception):
    """A file that cannot be read as dumps; the message says why."""


class FileStat(NamedTuple):
    """What a file's status says that ingest uses (``os.stat_result`` keeps ~20
    fields; a folder of a million files is listed in memory)."""

    st_mode: int
    st_size: int
    st_mtime_ns: int
    st_ctime_ns: int
    st_ino: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        return cls(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass(frozen=True, slots=True)
class Source:
    path: str  # as the user will recognize it; "-" is standard input
    error: str | None = None
    #: the file's status when it was listed (a folder walk stats each file
    #: once; sizes and the file index read it from here)
    stat: FileStat | None = field(default=None, compare=False, repr=False)

    @property
    def size(self) -> int:
        """Bytes of a regular file (0 for standard input, a pipe, a device, a failed source or one that is gone)."""
        if self.path == "-" or self.error:
            return 0
        if self.stat is not None:
            return self.stat.st_size if _stat.S_ISREG(self.stat.st_mode) else 0
        try:
            regular, size = self.kind()
        except InputError:
            return 0
        return size if regular else 0

    def read(self) -> bytes:
        """The whole input (at most ``MAX_BYTES``)."""
        if self.error:
            raise InputError(self.error)
        regular, size = self.kind()
        if regular and size > MAX_BYTES:
            raise InputError(f"file too large ({size} bytes; the limit is {MAX_BYTES})")
        if regular and size <= STREAM_CHUNK and self.stat is not None:
            # a small regular file known from the folder walk: one unbuffered read
            try:
                return _read_whole(self.path)
            except OSError as exc:
                raise InputError(_reason(exc)) from None
        with self.open() as fh:
            try:
                data = fh.read(MAX_BYTES + 1)
            except OSError as exc:
                raise InputError(_reason(exc)) from None
        if len(data) > MAX_BYTES:
            raise InputError(f"more than {MAX_BYTES} bytes; not read (the limit for one input)")
        return data

    def kind(self) -> tuple[bool, int]:
        """(is it a regular file, its size); standard input counts as not regular."""
        if self.path == "-":
            return False, 0
        if self.stat is not None:  # stat'ed when listed (``_walk``, ``_regular_only``)
            return _stat.S_ISREG(self.stat.st_mode), self.stat.st_size
        try:
            st = os.stat(self.path)
        except OSError as exc:
            raise InputError(_reason(exc)) from None
        if _stat.S_ISDIR(st.st_mode):
            raise InputError("is a folder")
        return _stat.S_ISREG(st.st_mode), st.st_size

    def open(self):
        """A binary stream of the input. A named pipe is opened without waiting
        forever for a writer (``FIFO_WAIT`` seconds at most)."""
        if self.error:
            raise InputError(self.error)
        if self.path == "-":
            import contextlib

            stdin = getattr(sys.stdin, "buffer", None)  # None when the shell closed it (<&-)
            if stdin is None or stdin.closed:
                raise InputError("standard input is closed")
            return contextlib.nullcontext(stdin)  # read, not closed
        try:
            if _stat.S_ISFIFO(os.stat(self.path).st_mode):
                return _open_fifo(self.path)
            return open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        except OSError as exc:
            raise InputError(_reason(exc)) from None


def _reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "is a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return exc.strerror or str(exc)


def _open_fifo(path: str):
    """Open a named pipe for reading; fail after ``FIFO_WAIT`` s with no writer or data."""
    import select

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        ready, _, _ = select.select([fd], [], [], FIFO_WAIT)
        if not ready:
            raise InputError(f"named pipe: nothing written to it in {FIFO_WAIT:.0f} s")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


#: how ``_read_whole`` opens a file (descriptors are not inherited: PEP 446)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def _read_whole(path: str) -> bytes:
    """A small regular file in one read, by its descriptor (no file object and no buffer:
    a fifth less time per file than ``open`` on a folder of one-page files), its size
    checked on the open file, read to its end within the limit."""
    fd = os.open(path, _READ_FLAGS)
    try:
        size = os.fstat(fd).st_size
        if size > MAX_BYTES:
            raise InputError(f"file too large ({size} bytes; the limit is {MAX_BYTES})")
        data = os.read(fd, size + 1)
        if len(data) <= size:
            return data
        parts, total = [data], len(data)  # it grew since: read on to its end, within the limit
        while chunk := os.read(fd, STREAM_CHUNK):
            total += len(chunk)
            if total > MAX_BYTES:
                raise InputError(f"file too large (over {MAX_BYTES} bytes)")
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def file_hash(data: bytes) -> str:
    """The hash of a file's bytes, as the file index keeps it."""
    return hashlib.sha256(data).hexdigest()


def display_path(path: str | None) -> str:
    """A stored (absolute) path as a user reads it: relative to the current folder when inside it."""
    if not path or path == "-":
        return path or "?"
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if rel.startswith("..") else rel


def expand(args: list[str]) -> Iterator[Source]:
    """Files, folders (recursive), globs and ``-`` -> sources, each once (``listing.expand``)."""
    from .listing import expand as listed

    return listed(args)


# --- streaming ------------------------------------------------------------------

#: files up to this size are read whole; larger ones are streamed in chunks
#: of this size (memory: a chunk, its lines and its pages, a few times over)
STREAM_CHUNK = 2 * 1024 * 1024


def iter_page_texts(source: Source, *, chunk_bytes: int | None = None) -> Iterator[str]:
    """The page texts of a source, streamed: memory stays near one chunk.

    A regular file up to ``chunk_bytes`` is decoded whole (``decode``, which
    reads saved HTML too). Anything larger, and standard input, pipes and
    devices, is read a chunk at a time: each chunk's lines are decoded on
    their own (UTF-8, else Windows-1252, else Latin-1: no byte is ever
    replaced), pages are cut as they complete, and reading stops with an
    error past ``MAX_BYTES``. A page longer than ``MAX_PAGE_CHARS`` is not
    read: it is yielded as an empty ``PageText`` whose ``error`` says so, and
    reading goes on at the next page start. Text before the first page
    start is part of the first page, as in ``split_pages``: none is dropped.
    """

    chunk_bytes = chunk_bytes or STREAM_CHUNK
    if source.error:
        raise InputError(source.error)
    regular, size = source.kind()
    if regular and size > MAX_BYTES:
        raise InputError(f"file too large ({size} bytes; the limit is {MAX_BYTES})")
    if regular and size <= chunk_bytes:
        yield from bounded_pages(read_pages(source.read()))
        return
    with source.open() as fh:
        yield from _stream_pages(fh, chunk_bytes)


def bounded_pages(pages: Iterable[str]) -> Iterator[str]:
    """Pages, each longer than ``MAX_PAGE_CHARS`` replaced by a refusal (see ``iter_page_texts``)."""
    for page in pages:
        yield _too_large(len(page)) if len(page) > MAX_PAGE_CHARS else page


def _too_large(chars: int, more: bool = False) -> str:
    from .parse import PageText

    refused = PageText("")
    size = f"more than {chars:,}" if more else f"{chars:,}"
    refused.error = f"page of {size} characters, over the limit of {MAX_PAGE_CHARS:,}: not read"
    return refused


def _read_full(fh, n: int) -> bytes:
    """Up to ``n`` bytes (less only at the end of the input)."""
    try:
        return fh.read(n)
    except OSError as exc:
        raise InputError(_reason(exc)) from None


def _stream_pages(fh, chunk_bytes: int) -> Iterator[str]:
    from .split import first_page_start, split_pages, split_pages_open

    head = _read_full(fh, chunk_bytes)
    if len(head) < chunk_bytes:  # all of it: read as a whole file is
        yield from bounded_pages(read_pages(head))
        return
    if _looks_html(_lines_decode(head[:65536])):
        raise InputError(f"HTML page larger than {chunk_bytes:,} bytes: not read")
    decoder = _stream_decoder(head)
    total = 0
    carry = ""  # text from the last page start on, cut at a line end
    skipping = False  # inside a page too large to read, until the next page start
    chunk = head
    while True:
        total += len(chunk)
        if total > MAX_BYTES:
            raise InputError(f"more than {MAX_BYTES:,} bytes; the rest is not read (the limit for one input)")
        final = not chunk
        new = decoder.decode(chunk, final)
        if _looks_binary(new[:8192]):
            raise InputError("binary file, not text")
        text = carry + new.replace("\r\n", "\n").replace("\r", "\n")
        cut = len(text) if final else text.rfind("\n") + 1
        work, tail = text[:cut], text[cut:]
        if skipping:
            at = first_page_start(work)
            if at is None:
                if final:
                    return
                # still inside the refused page; keep the last lines (a page start may need them)
                keep = work[-4096:]
                carry = (keep[keep.find("\n") + 1 :] if len(work) > 4096 else keep) + tail[-4096:]
                chunk = _read_full(fh, chunk_bytes)
                continue
            work, skipping = work[at:], False
        if final:
            yield from bounded_pages(split_pages(work))
            return
        pages, rest, _ = split_pages_open(work)
        yield from bounded_pages(pages)
        carry = rest + tail
        if len(carry) > MAX_PAGE_CHARS:
            yield _too_large(MAX_PAGE_CHARS, more=True)
            skipping = True
            keep = carry[-4096:]
            carry = keep[keep.find("\n") + 1 :]
        chunk = _read_full(fh, chunk_bytes)


class _LineDecoder:
    """Bytes -> text a chunk at a time, each line in its own encoding (``_lines_decode``)."""

    def __init__(self, skip: int = 0) -> None:
        self.pending = b""
        self.skip = skip  # a byte order mark

    def decode(self, chunk: bytes, final: bool = False) -> str:
        data = self.pending + chunk
        if self.skip:
            data, self.skip = data[self.skip :], 0
        if final:
            self.pending = b""
            return _lines_decode(data)
        cut = data.rfind(b"\n") + 1
        if not cut and len(data) > 4 * STREAM_CHUNK:
            # a line longer than any page kcna reads: cut it before a UTF-8 lead byte
            cut = len(data)
            while cut > len(data) - 4 and 0x80 <= data[cut - 1] < 0xC0:
                cut -= 1
            cut = cut - 1 if data[cut - 1] >= 0xC0 else cut
        self.pending = data[cut:]
        return _lines_decode(data[:cut])


class _IncrementalDecoder:
    def __init__(self, codec: str) -> None:
        import codecs

        self.inner = codecs.getincrementaldecoder(codec)(errors="replace")

    def decode(self, chunk: bytes, final: bool = False) -> str:
        return self.inner.decode(chunk, final)


def _stream_decoder(head: bytes):
    if head.startswith(b"\xef\xbb\xbf"):
        return _LineDecoder(skip=3)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _IncrementalDecoder("utf-16")
    if b"\x00" in head[:8192]:
        sample = head[:4096]
        even_zero, odd_zero, half = sample[0::2].count(0), sample[1::2].count(0), len(sample) / 2
        if odd_zero > 0.3 * half and even_zero < 0.05 * half:
            return _IncrementalDecoder("utf-16-le")
        if even_zero > 0.3 * half and odd_zero < 0.05 * half:
            return _IncrementalDecoder("utf-16-be")
        raise InputError("binary file, not text")
    return _LineDecoder()


def _lines_decode(data: bytes) -> str:
    """Bytes of text -> str, each line in the encoding it was saved in.

    UTF-8 when the whole text is; otherwise line by line: UTF-8, else
    Windows-1252 (curly quotes saved by Windows tools), else Latin-1. A file
    put together from pages saved by different tools keeps every character,
    a page reads the same whatever file it is in, and no byte is replaced:
    the bytes can be had back by encoding each line again.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    out = []
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(_legacy(line))
    return "\n".join(out)


def read_pages(data: bytes) -> list[str]:
    """The page texts of a whole file: a saved HTML page is one page, text files are split."""
    from .parse import split_pages

    text = decode(data)
    if _looks_html(_head(data)):
        return saved_page(text)
    return split_pages(text)


def saved_page(text: str) -> list[str]:
    """One saved HTML page as one page text, whatever its chrome holds.

    The site's navigation before the article and the links and footer after
    it may hold lines that look like the start of another page (a date over
    a "KCNA Watch ..." line): the page is parsed from the first part that
    holds an article, the parts after it are read as its end (teasers, or
    text after the end of the article), and its whole text is stored.
    """
    from .parse import NotADump, PageText, parse_page, split_pages

    parts = split_pages(text)
    if len(parts) <= 1:
        return parts
    start = 0
    for k, part in enumerate(parts):
        try:
            dump = parse_page(part)
        except NotADump:
            continue
        if dump.article is not None:
            start = k
            break
    page = PageText("\n\n".join(str(p) for p in parts))
    page.lines = [ln for p in parts[start:] for ln in (getattr(p, "lines", None) or [])]
    return [page]


def _head(data: bytes) -> str:
    """The start of a file as text, enough to tell HTML (any of the encodings ``decode`` reads)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
        for codec in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return head[: len(head) // 2 * 2].decode(codec, "replace")
            except UnicodeDecodeError:
                continue
    return head.decode("utf-8", "replace").lstrip("\ufeff")


# --- bytes to text -------------------------------------------------------------


def decode(data: bytes) -> str:
    """Bytes of a saved page -> text. Raises InputError for non-text."""
    if not data.strip():
        raise InputError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", "replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("broken UTF-16 text") from None
    else:
        if b"\x00" in data[:8192]:
            utf16 = _utf16_without_bom(data)
            if utf16 is None:
                raise InputError("binary file, not text")
            text = utf16
        else:
            text = _lines_decode(data)
    text = text.lstrip("\ufeff")
    if _looks_binary(text):
        raise InputError("binary file, not text")
    if _looks_html(text):
        text = html_to_text(text)
    if not text.strip():
        raise InputError("empty file")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) / 2
    codec = None
    if odd_zero > 0.3 * half and even_zero < 0.05 * half:
        codec = "utf-16-le"
    elif even_zero > 0.3 * half and odd_zero < 0.05 * half:
        codec = "utf-16-be"
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _legacy(data: bytes) -> str:
    """Windows-1252 (curly quotes saved by Windows tools), else Latin-1."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


#: control characters that text does not hold (all below 32 but \t \n \v \f \r), as bytes
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))


def _looks_binary(text: str) -> bool:
    """A NUL, or more than 5% control characters, in the first 8192 characters.

    Counted in C: a control character is one byte in UTF-8 and no other
    character encodes to a byte below 32, so the controls of the sample are
    the bytes ``bytes.translate`` deletes from its UTF-8 form (a tenth of the
    time of a compiled regex scan, a fiftieth of a loop over the characters).
    """
    sample = text[:8192]
    if not sample:
        return False
    data = sample.encode("utf-8", "surrogatepass")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > 0 and (b"\x00" in data or controls > 0.05 * len(sample))


#: a line of the first 2 KB that opens an HTML document
_HTML_START = re.compile(r"(?im)^\s*<(?:!doctype\s+html|html)[\s>]")
#: an element that only an HTML document has
_HTML_TAG = re.compile(r"(?i)<(?:html|head|body|!doctype\s+html)[\s>]")


def _looks_html(text: str) -> bool:
    """Is this a saved HTML page (not a text dump that mentions ``<html>``)?

    HTML when the text starts with markup naming an HTML document (``<!DOCTYPE
    html>``, ``<html>``, ``<?xml ...><html>``, a comment then ``<html>``), or a
    line of its first 2 KB opens one and the document is closed further on.
    """
    head = text[:2048].lstrip("\ufeff \t\r\n").lower()
    if "<" not in head:  # the usual text dump: no regex scan
        return False
    if head.startswith("<") and (head.startswith("<?xml") or _HTML_TAG.search(head)):
        return True
    return bool(_HTML_START.search(head)) and ("</html>" in text[-65536:].lower() or "</body>" in text.lower())


def html_to_text(html: str) -> str:
    """The visible text of a saved HTML page, one block element per line (see ``htmltext``)."""
    from .htmltext import HtmlError
    from .htmltext import html_to_text as convert

    try:
        return convert(html)
    except HtmlError as exc:
        raise InputError(str(exc)) from None
