"""Filter tokens of the full-text index (``items.facets``); pure.

A search with words, dates and places is one FTS5 query because each item's
date and places are also tokens of its index row: the date at three grains
(``d2025 d202502 d20250210``), each place it names with every place
around it (``pkp07015 pkp07``), and each person it names (``n42``, the
``persons.id``). Written by the store, read by the queries:
both import this module, neither imports the other.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Protocol

from .text import strip_accents


class _Ancestry(Protocol):
    def ancestors(self, pid: str) -> list[str]: ...


def date_facets(date: str | None) -> list[str]:
    """``2025-02-10`` -> ``["d2025", "d202502", "d20250210"]`` (none for no date)."""
    if not date or len(date) != 10:
        return []
    y, m, d = date[:4], date[5:7], date[8:10]
    return [f"d{y}", f"d{y}{m}", f"d{y}{m}{d}"]


@functools.lru_cache(maxsize=4096)  # the gazetteer's ids, each made once
def place_facet(place_id: str) -> str:
    """A place id as one index token: ``KP-07-015`` -> ``pkp07015``."""
    return "p" + "".join(c for c in place_id.lower() if c.isalnum())


def person_facet(person_id: int) -> str:
    """A ``persons.id`` as one index token: ``42`` -> ``n42``."""
    return f"n{int(person_id)}"


def facets(date: str | None, place_ids: Iterable[str], gazetteer: _Ancestry, person_ids: Iterable[int] = ()) -> str:
    """``items.facets``: date tokens, then the places named and every place around
    them (sorted), then the persons named (by id)."""
    around = {p for pid in place_ids for p in (pid, *gazetteer.ancestors(pid))}
    persons = [person_facet(i) for i in sorted(set(person_ids))]
    return " ".join(date_facets(date) + sorted(place_facet(p) for p in around) + persons)


def date_tokens(lo: str, hi: str) -> list[str]:
    """Fewest ``date_facets`` tokens that cover the ISO days from ``lo`` to ``hi``."""
    import calendar
    import datetime as dt

    try:
        day, end = dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)
    except ValueError:
        return []
    out: list[str] = []
    last = dt.date.max  # 9999-12-31: a step past it is the end, not an overflow

    def after(d: dt.date) -> dt.date | None:
        return None if d == last else d + dt.timedelta(days=1)

    cur: dt.date | None = day
    while cur is not None and cur <= end:
        year_end = dt.date(cur.year, 12, 31)
        month_end = dt.date(cur.year, cur.month, calendar.monthrange(cur.year, cur.month)[1])
        if cur.month == 1 and cur.day == 1 and year_end <= end:
            out.append(f"d{cur.year:04d}")
            cur = after(year_end)
        elif cur.day == 1 and month_end <= end:
            out.append(f"d{cur.year:04d}{cur.month:02d}")
            cur = after(month_end)
        else:
            out.append(f"d{cur.year:04d}{cur.month:02d}{cur.day:02d}")
            cur = after(cur)
    return out


def range_tokens(lo: str, hi: str, first: str, last: str, *, undated: bool) -> tuple[list[str], bool]:
    """A date range (ISO days, within the corpus's first and last dates) as
    ``date_tokens``: (the tokens of its days, False), or (the tokens of the days outside
    it, True) when no item is undated and the range is more than half of the corpus's
    days (``--since 2025`` in a corpus of 2024-2054: not d2024, rather than d2025 ...
    d2054). bm25 reads every item holding each token named: naming the smaller side
    reads fewer. ([], False) when the range holds no day."""
    import datetime as dt

    tokens = date_tokens(lo, hi)
    if not tokens or undated:
        return tokens, False
    day, one = dt.date.fromisoformat, dt.timedelta(days=1)
    if 2 * (day(hi) - day(lo)).days <= (day(last) - day(first)).days:
        return tokens, False
    outside = date_tokens(first, (day(lo) - one).isoformat()) if lo > first else []
    outside += date_tokens((day(hi) + one).isoformat(), last) if hi < last else []
    return (outside, True) if outside else (tokens, False)


_FACET_NUMBER = re.compile(r"[dn][0-9]+")
#: what the index's tokenizer (unicode61) makes a token of, after folding
_TOKEN = re.compile(r"[^\W_]+")
_PHRASES = re.compile(r'"((?:[^"]|"")*)"(\*?)\s*')


def in_every_column(match: str, text_columns: str, place_tokens: frozenset[str]) -> str:
    """``match`` with its leading ``{text columns} : ("word" "phrase"* ...)`` group searched
    in every column, where that finds the same items with the same scores: when no word
    of it can be a filter token (``d2025``, ``n42``, a place's token in ``place_tokens``,
    or for ``word*`` anything starting with d, n or p), since the facets column holds
    those only. FTS5 then need not sort each match's positions out by column, which
    halves the time it takes to count or rank a common word. Anything else is returned
    as it is.
    """
    head = text_columns + " : ("
    if not match.startswith(head):
        return match
    pos = len(head)
    words: list[tuple[str, bool]] = []
    while (m := _PHRASES.match(match, pos)) is not None:
        words.append((m.group(1).replace('""', '"'), bool(m.group(2))))
        pos = m.end()
    if not words or not match.startswith(")", pos):
        return match
    for phrase, prefix in words:
        tokens = _TOKEN.findall(strip_accents(phrase).casefold())
        for k, token in enumerate(tokens):
            if prefix and k == len(tokens) - 1 and token[0] in "dnp":
                return match
            if _FACET_NUMBER.fullmatch(token) or token in place_tokens:
                return match
    return "(" + match[len(head) :]
