"""What ``kcna ingest`` reads: paths to files, and files to text.

``expand`` turns the command line's arguments (files, folders searched
recursively, globs, ``-`` for standard input) into ``Source`` objects;
``decode`` turns a file's bytes into text, whatever the encoding a user's
tools saved it in (UTF-8 with or without BOM, UTF-16 with BOM, cp1252), and
saved HTML pages into their visible text. Anything that is not text raises
``InputError`` with a one-line reason.
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat as _stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from .urls import ORIGINAL, with_links

#: files taken from a folder (a file named on the command line is always read)
FOLDER_SUFFIXES = {".txt", ".text", ".htm", ".html", ".dump", ""}
#: a file larger than this is refused (a dump page is a few kilobytes)
MAX_BYTES = 2 * 1024**3


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
        """Bytes on disk (0 for standard input, a failed source or one that is gone)."""
        if self.path == "-" or self.error:
            return 0
        if self.stat is not None:
            return self.stat.st_size
        try:
            return os.path.getsize(self.path)
        except OSError:
            return 0

    def read(self) -> bytes:
        if self.error:
            raise InputError(self.error)
        if self.path == "-":
            return sys.stdin.buffer.read()
        try:
            if self.stat is not None and _stat.S_ISREG(self.stat.st_mode) and self.stat.st_size <= STREAM_CHUNK:
                return _read_whole(self.path)
            size = os.path.getsize(self.path)
            if size > MAX_BYTES:
                raise InputError(f"file too large ({size} bytes; the limit is {MAX_BYTES})")
            with open(self.path, "rb") as fh:
                return fh.read()
        except IsADirectoryError:
            raise InputError("is a folder") from None
        except PermissionError:
            raise InputError("permission denied") from None
        except FileNotFoundError:
            raise InputError("no such file") from None
        except OSError as exc:
            raise InputError(exc.strerror or str(exc)) from None


def _read_whole(path: str) -> bytes:
    """A small regular file in one read: unbuffered (no buffer to fill and copy
    from), its size checked on the open file, read to its end within the limit."""
    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > MAX_BYTES:
            raise InputError(f"file too large ({size} bytes; the limit is {MAX_BYTES})")
        data = fh.read(size + 1)
        if len(data) <= size:
            return data
        parts, total = [data], len(data)  # it grew since: read on to its end, within the limit
        while chunk := fh.read(STREAM_CHUNK):
            total += len(chunk)
            if total > MAX_BYTES:
                raise InputError(f"file too large (over {MAX_BYTES} bytes)")
            parts.append(chunk)
        return b"".join(parts)


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
    """Files, folders (recursive), globs and ``-`` -> sources, each once."""
    seen: set[str] = set()

    def once(path: str, real: str | None = None) -> bool:
        key = real or (os.path.realpath(path) if path != "-" else "-")
        if key in seen:
            return False
        seen.add(key)
        return True

    for arg in args:
        if arg == "-":
            if once("-"):
                yield Source("-")
            continue
        if os.path.isdir(arg):
            yield from (s for s, real in _walk(arg) if s.error or once(s.path, real))
            continue
        if os.path.lexists(arg):
            if once(arg):
                yield Source(arg)
            continue
        if glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield Source(arg, "no file matches this pattern")
            for m in matches:
                if os.path.isdir(m):
                    yield from (s for s, real in _walk(m) if s.error or once(s.path, real))
                elif once(m):
                    yield Source(m)
            continue
        yield Source(arg, "no such file or folder")


def _walk(root: str) -> Iterator[tuple[Source, str | None]]:
    """The files of a folder tree, folders and files in name order, each folder's
    files before its subfolders; hidden names skipped, folder symlinks not followed.

    Each file is stat'ed once, here (``Source.stat``). Yields (source, the
    real path that deduplicates it): for a file that is not a symbolic link,
    its path under the folder's real path, with no ``realpath`` of its own.
    """
    errors: list[Source] = []
    stack = [(root, os.path.realpath(root))]
    while stack:
        folder, real = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            errors.append(Source(os.fsdecode(exc.filename or folder), f"cannot read folder: {exc.strerror}"))
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.is_symlink():
                    subfolders.append((entry.path, os.path.join(real, name)))
                continue
            if os.path.splitext(name)[1].lower() not in FOLDER_SUFFIXES:
                continue
            link = entry.is_symlink()
            try:
                st: FileStat | None = FileStat.of(entry.stat())
            except OSError:
                if link:
                    yield Source(entry.path, "broken symbolic link"), None
                    continue
                st = None
            yield Source(entry.path, None, st), os.path.realpath(entry.path) if link else os.path.join(real, name)
        stack.extend(reversed(subfolders))
    for error in errors:
        yield error, None


# --- streaming ------------------------------------------------------------------

#: files up to this size are read whole; larger ones are streamed in chunks
#: of this size (memory: a chunk, its lines and its pages, a few times over)
STREAM_CHUNK = 2 * 1024 * 1024


def iter_page_texts(source: Source, *, chunk_bytes: int | None = None) -> Iterator[str]:
    """The page texts of a source, streamed: memory stays near one chunk.

    Small files, stdin and HTML are decoded whole (``decode``); a large
    file is decoded incrementally in the encoding its start shows, and
    pages are cut as they complete (the last, possibly unfinished, page is
    carried over to the next chunk).
    """
    from .parse import split_pages

    chunk_bytes = chunk_bytes or STREAM_CHUNK
    if source.path == "-" or source.error:
        yield from read_pages(source.read())
        return
    size = source.size
    if size <= chunk_bytes:
        yield from read_pages(source.read())
        return
    import codecs

    try:
        fh = open(source.path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    with fh:
        head = fh.read(chunk_bytes)
        sample = decode(head[:65536]) if head.strip() else ""
        if _looks_html(sample):
            raise InputError("HTML file too large to read as one page")
        if head.startswith(b"\xef\xbb\xbf"):
            codec, head = "utf-8", head[3:]
        elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
            codec = "utf-16"
        else:
            try:
                head[:65536].decode("utf-8")
                codec = "utf-8"
            except UnicodeDecodeError as exc:
                codec = "utf-8" if exc.start > 65530 else "cp1252"
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        carry = ""
        chunk = head
        while chunk:
            text = carry + decoder.decode(chunk)
            if _looks_binary(text[:8192]):
                raise InputError("binary file, not text")
            pages = split_pages(text)
            # the last page may go on in the next chunk; cut at a line end
            if pages:
                carry = pages.pop()
                tail_start = text.rfind(carry[:200]) if carry else len(text)
                carry = text[tail_start:] if tail_start >= 0 else carry
            else:
                carry = text
            yield from pages
            chunk = fh.read(chunk_bytes)
        rest = carry + decoder.decode(b"", final=True)
        yield from split_pages(rest)


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
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _legacy(data)
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


def _looks_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or ("<html" in head and "</" in text[:200000].lower())


def html_to_text(html: str) -> str:
    """The visible text of a saved HTML page, one block element per line."""
    from html.parser import HTMLParser

    blocks = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section"}
    blocks |= {"article", "header", "footer", "title", "hr", "blockquote", "pre", "main", "nav", "aside", "dd", "dt"}

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []
            self.skip = 0
            #: the item's addresses (kcna_cli.links): the original-site link and the canonical one
            self.original: str | None = None
            self.canonical: str | None = None
            self.href: str | None = None
            self.anchor: list[str] = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "link" and "canonical" in (a.get("rel") or "").lower().split() and a.get("href"):
                self.canonical = self.canonical or a["href"]
            elif tag == "meta" and (a.get("property") or "").lower() == "og:url" and a.get("content"):
                self.canonical = self.canonical or a["content"]
            elif tag == "a":
                self.href, self.anchor = a.get("href"), []
            if tag in ("script", "style", "noscript", "template", "head"):
                self.skip += 1
            elif tag in blocks:
                self.out.append("\n")

        def handle_endtag(self, tag):
            if tag == "a" and self.href and self.original is None:
                if ORIGINAL.lower() in " ".join("".join(self.anchor).split()).lower():
                    self.original = self.href
                self.href = None
            if tag in ("script", "style", "noscript", "template", "head"):
                self.skip = max(0, self.skip - 1)
            elif tag in blocks:
                self.out.append("\n")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data.replace("\n", " "))
                if self.href is not None:
                    self.anchor.append(data)

    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(ln.split()) for ln in "".join(parser.out).split("\n")]
    out: list[str] = []
    linked = not (parser.original or parser.canonical)
    for ln in lines:
        if ln:
            if not linked and ln.startswith("Date:"):
                ln, linked = with_links(ln, _absolute(parser.original, parser.canonical), parser.canonical), True
            out.append(ln)
            out.append("")
    return "\n".join(out)


def _absolute(href: str | None, base: str | None) -> str | None:
    """A link as an absolute address (saved pages keep relative ones now and then)."""
    if not href or "://" in href or not base:
        return href if href and "://" in href else None
    from urllib.parse import urljoin

    return urljoin(base, href)
