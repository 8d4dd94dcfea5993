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
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

#: files taken from a folder (a file named on the command line is always read)
FOLDER_SUFFIXES = {".txt", ".text", ".htm", ".html", ".dump", ""}
#: a file larger than this is refused (a dump page is a few kilobytes)
MAX_BYTES = 2 * 1024**3


class InputError(Exception):
    """A file that cannot be read as dumps; the message says why."""


@dataclass(frozen=True)
class Source:
    path: str  # as the user will recognize it; "-" is standard input
    error: str | None = None

    @property
    def size(self) -> int:
        """Bytes on disk (0 for standard input, a failed source or one that is gone)."""
        if self.path == "-" or self.error:
            return 0
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

    def once(path: str) -> bool:
        key = os.path.realpath(path) if path != "-" else "-"
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
            yield from (s for s in _walk(arg) if once(s.path) or s.error)
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
                    yield from (s for s in _walk(m) if once(s.path) or s.error)
                elif once(m):
                    yield Source(m)
            continue
        yield Source(arg, "no such file or folder")


def _walk(root: str) -> Iterator[Source]:
    errors: list[Source] = []

    def onerror(exc: OSError) -> None:
        errors.append(Source(exc.filename or root, f"cannot read folder: {exc.strerror}"))

    for folder, dirs, files in os.walk(root, onerror=onerror, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            if os.path.splitext(name)[1].lower() not in FOLDER_SUFFIXES:
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path) and not os.path.exists(path):
                yield Source(path, "broken symbolic link")
                continue
            yield Source(path)
    yield from errors


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
    try:
        size = os.path.getsize(source.path)
    except OSError:
        size = 0
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


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v")
    return "\x00" in sample or controls > 0.05 * len(sample)


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
    head = text[:2048].lstrip().lower()
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
