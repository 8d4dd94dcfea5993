"""Where a large UTF-8 file can be cut between pages (``cut_points``), so that parse
workers each read, decode, split and parse a byte range of it (``pipeline``)."""

from __future__ import annotations

import os
import re

from .inputs import MAX_PAGE_CHARS
from .parse import _LABEL_LINE


def cut_points(path: str, size: int, every: int) -> list[int] | None:
    """Byte offsets, about ``every`` apart, where a
    large UTF-8 file can be cut between pages; None when it is not plain UTF-8 text.

    The file is scanned in chunks (memory stays small whatever its size).
    """
    longest = MAX_PAGE_CHARS  # a longer stretch without a page start: stream the file instead
    with open(path, "rb") as fh:
        head = fh.read(65536)
        if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
            return None
        try:
            head[: head.rfind(b"\n") + 1].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if b"<html" in head.lower() or b"<!doctype" in head.lower():
            return None
        cuts = [0]
        fh.seek(0)
        offset = 0  # file offset of buf[0]
        buf = b""
        while True:
            chunk = fh.read(SCAN_BYTES)
            if not chunk:
                break
            buf += chunk
            # only whole lines are scanned; the rest waits for the next chunk
            end = buf.rfind(b"\n") + 1
            if not end and len(buf) > longest:
                return None
            last = cuts[-1]
            for m in _CAPTURE.finditer(buf, 0, end):
                at = offset + m.start()
                if at - last > longest:
                    return None
                if _starts_page(fh, at):
                    last = at
                    if at - cuts[-1] >= every:
                        cuts.append(at)
            offset += end
            buf = buf[end:]
        if size - last > longest:
            return None
        cuts.append(size)
        return cuts


#: bytes read at a time when looking for cut points
SCAN_BYTES = 4 * 1024 * 1024
# a glued capture-date line ("March 06, 2026Mar 06, 2026"), or the long form
# followed by a "KCNA <label>" line, starts a page, unless it directly follows
# another capture-date line (both checked by _starts_page)
_DATE = rb"[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2},[ \t]*\d{4}"
_CAPTURE = re.compile(
    rb"(?m)^[ \t]*" + _DATE + rb"[ \t]*(?:" + _DATE + rb"[ \t]*\r?$|\r?\n(?:[ \t]*\r?\n)*[ \t]*KCNA[ \t])"
)


def _starts_page(fh, at: int) -> bool:
    """Is the capture-date line at byte ``at`` a page start (not right after another one)?"""
    from . import dates

    back = min(at, 4096)
    data = os.pread(fh.fileno(), back + 4096, at - back)
    line, _, after = data[back:].partition(b"\n")
    cap = dates.read_capture_line(line.decode("utf-8", "replace").strip())
    if cap is None:
        return False
    if not cap[1]:  # the long form: a label line must follow (as split_pages wants)
        following = [ln.strip() for ln in after.decode("utf-8", "replace").split("\n")]
        nxt = next((ln for ln in following[:-1] if ln), None)  # the last may be cut short
        if nxt is None or not _LABEL_LINE.match(nxt):
            return False
    before = [ln.strip() for ln in data[:back].decode("utf-8", "replace").split("\n")]
    previous = next((ln for ln in reversed(before) if ln), None)
    return previous is None or dates.read_capture_line(previous) is None
