"""The rules of text versions, shared by the store and the revision reader; pure.

A version is a distinct text of one item after ``text.version_text``
(whitespace, quote/dash variants, ``-0-``, case). Versions are numbered in
the order they were first captured, whatever order the dumps were ingested
in; ties go to the version stored first. A teaser lede (the first ~128
characters of the text at capture time) agrees with a text that starts so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TypeVar

from .text import version_text

T = TypeVar("T", bound=Sequence)


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(text: str | None) -> str:
    """Hash of a text as versions compare it (whitespace, quotes, dashes, -0-, case)."""
    return sha1(version_text(text))


def body_fingerprint(rec) -> str:
    """``fingerprint`` of a record's body, worked out once per record (a parse worker
    sends it with the page, so that the one process that writes does not)."""
    fp = rec.__dict__.get("_body_fp")
    if fp is None:
        fp = rec.__dict__["_body_fp"] = fingerprint(rec.body)
    return fp


def capture_order(rows: Iterable[T], *, first: int, vid: int = 0) -> list[T]:
    """Rows of versions sorted into capture order: by their first capture
    date (``row[first]``, None or "" first), then by version id (``row[vid]``)."""
    return sorted(rows, key=lambda r: (r[first] or "", r[vid]))


def lede_matches(lede: str, body: str) -> bool:
    """Is a teaser lede (cut at ~128 characters) the start of the article text?"""
    raw = lede.rstrip(" -\"'.…")
    if body.startswith(raw):  # the usual case, without normalizing anything
        return True
    a = version_text(lede).rstrip(" -\"'.…")
    if not a:
        return True
    # normalizing only shortens a text: a prefix of the body is enough to look at
    head = body[: 2 * len(lede) + 64]
    return version_text(head).startswith(a) or (len(head) < len(body) and version_text(body).startswith(a))
