"""Cutting a text that holds several pages into one text per page.

``split_pages`` cuts a whole text; ``split_pages_open`` cuts a text that may
go on (a stream read a chunk at a time) and returns the unfinished last
page for the reader to carry over; ``first_page_start`` finds where the
first page starts (a reader skipping a page too large to read resumes
there). ``parse`` re-exports ``split_pages`` and ``PageText``.
"""

from __future__ import annotations

import re

from . import dates
from .text import PAGE_START_CANDIDATE, clean_lines

_LABEL_LINE = re.compile(r"^KCNA\s+(?P<label>\S.*)$")
#: lines ``split_pages`` looks at (a capture-date or a ``KCNA <label>`` line), in
#: cleaned lines joined by newlines; a superset of what those readers accept
_CANDIDATE_LINE = PAGE_START_CANDIDATE  # see ``text.PAGE_START_CANDIDATE``


class PageText(str):
    """A page's raw text, carrying its cleaned non-blank lines from ``split_pages``.

    ``parse_page`` uses them instead of cleaning the same lines a second time.
    """

    lines: list[str] | None = None
    #: a page that was not read (larger than a reader accepts): why; its text is empty
    error: str | None = None


# --- splitting a file into pages ------------------------------------------------


def _nonblank(lines: list[str], start: int) -> int | None:
    for j in range(start, len(lines)):
        if lines[j]:
            return j
    return None


def split_pages(text: str) -> list[str]:
    """Cut a text holding one or several pages into one text per page.

    A page starts at its capture-date line (glued long+short form, or the
    long form followed by a ``KCNA <label>`` line). Pages without a capture
    line (old layout) start at a ``KCNA <label>`` line followed by a title
    and a ``Date:`` line. Text before the first start belongs to the first
    page.
    """
    pages, raw, lines, _ = _split(text)
    last = _page(raw, lines, 0, len(raw))
    return pages + ([last] if last is not None else [])


def split_pages_open(text: str) -> tuple[list[str], str, bool]:
    """``split_pages`` of a text that may go on: (the pages before the last
    start, the text from the last start on, whether that text begins at a
    recognized page start).

    A reader of a stream puts the returned rest before the next piece of
    text (cut at a line end), so every page is cut as ``split_pages`` of the
    whole text would cut it.
    """
    pages, raw, _, real = _split(text)
    return pages, "\n".join(raw), real


def first_page_start(text: str) -> int | None:
    """Where in ``text`` (newlines already ``\\n``) the first recognized page start is."""
    raw = text.split("\n")
    found = _page_starts(clean_lines(raw, text))
    if not found:
        return None
    return sum(len(line) + 1 for line in raw[: found[0]])


def _split(text: str) -> tuple[list[str], list[str], list[str], bool]:
    """(pages before the last start, raw and cleaned lines from the last start, any start found?)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw = text.split("\n")
    lines = clean_lines(raw, text)
    found = _page_starts(lines)
    starts = list(found)
    if not starts or starts[0] != 0:
        # leading text (blank lines, or a page without a recognized start)
        if not starts or any(lines[: starts[0]]):
            starts.insert(0, 0)
        else:
            starts[0] = 0
    pages: list[str] = []
    for a, b in zip(starts, starts[1:], strict=False):
        page = _page(raw, lines, a, b)
        if page is not None:
            pages.append(page)
    last = starts[-1]
    return pages, raw[last:], lines[last:], bool(found)


def _page(raw: list[str], lines: list[str], a: int, b: int) -> PageText | None:
    chunk = PageText("\n".join(raw[a:b]).strip("\n"))
    if not chunk.strip():
        return None
    chunk.lines = [ln for ln in lines[a:b] if ln]
    return chunk


def _letter(c: str) -> bool:
    r"""``[^\W\d_]``: a word character that is not a digit or ``_`` (as ``re`` reads them)."""
    return c.isalnum() and not c.isdecimal() and c != "_"


def _page_starts(lines: list[str]) -> list[int]:
    """Indexes of the lines that start a page (see ``split_pages``)."""
    starts: list[int] = []
    n = len(lines)
    # only lines that may be a capture-date or a label line are looked at: the lines
    # ``_CANDIDATE_LINE`` matches, found by two string tests a line (a multi-line
    # regex pass tries every character of the page)
    candidates = [i for i, ln in enumerate(lines) if (ln[-1:].isdecimal() and _letter(ln[:1])) or ln[:4] == "KCNA"]
    after_start = -1  # a page's label line is not another page's start
    for i in candidates:
        if i <= after_start:
            continue
        line = lines[i]
        cap = dates.read_capture_line(line) if line[-1:].isdigit() else None
        if cap is not None:
            nxt = _nonblank(lines, i + 1)
            if cap[1] or (nxt is not None and _LABEL_LINE.match(lines[nxt])):
                starts.append(i)
                after_start = nxt if nxt is not None else n
        elif _LABEL_LINE.match(line):
            nxt = _nonblank(lines, i + 1)
            after = _nonblank(lines, nxt + 1) if nxt is not None else None
            if after is not None and dates.DATE_LINE.match(lines[after]):
                prev = _prev_nonblank(lines, i - 1)
                if prev is None or dates.read_capture_line(lines[prev]) is None:
                    starts.append(i)
    return starts


def _prev_nonblank(lines: list[str], start: int) -> int | None:
    for j in range(start, -1, -1):
        if lines[j]:
            return j
    return None
