"""The "More From" teaser list of a page: ``title, title, lede, date, lede`` groups
(README "How dumps are read"); ``parse_page`` calls ``parse_teasers``.

Pages of one outlet captured about the same time print the same list, so a list
read lately and each group read before are remembered (bounded), and their records
copied out: a record may be changed after parsing, a remembered one never.
"""

from __future__ import annotations

import itertools

from . import dates
from . import language as languages
from .parse import (
    _FOOTER,
    _MORE_ARTICLES,
    _MORE_FROM,
    _SPECIAL_FIRST,
    _SPECIAL_START,
    Record,
    _dateline,
    _is_noise,
    _similar,
    outlet_group,
    split_label,
)
from .recent import remember
from .text import fold, normalize


def parse_teasers(lines: list[str], label: str | None, warnings: list[str]) -> list[Record]:
    """Read ``title, title, lede, date, lede`` groups (titles may be absent).

    Pages of one outlet captured about the same time print the same teaser list:
    a list read lately is not read again (``_LISTS``); its records are copied.
    """
    whole = (label, *lines)
    got = _LISTS.get(whole)
    if got is None:
        said: list[str] = []
        got = (_read_teasers(lines, label, said), tuple(said))
        remember(_LISTS, whole, got, _LISTS_MAX)
    records, said_before = got
    warnings.extend(said_before)
    out = []
    for rec in records:
        # a copy: a record may be changed after parsing (``reposts``), a remembered one never
        copy = object.__new__(Record)
        copy.__dict__.update(rec.__dict__)
        out.append(copy)
    return out


#: teaser lists read lately, by (source label, *lines) (``parse_teasers``)
_LISTS: dict[tuple, tuple[list[Record], tuple[str, ...]]] = {}
_LISTS_MAX = 32


def _read_teasers(lines: list[str], label: str | None, warnings: list[str]) -> list[Record]:
    """``parse_teasers`` of a list not read lately."""
    out: list[Record] = []
    buf: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if line[:1] in _SPECIAL_FIRST and _SPECIAL_START.match(line):
            if _MORE_ARTICLES.match(line) or _FOOTER.match(line):
                break
            if _is_noise(line) or _MORE_FROM.match(line):
                i += 1
                continue
        # a date line: a month name ... a year (``_maybe_date``, inline: this runs on every line)
        if buf and line[-1:].isdigit() and line[:1].isalpha() and dates.LONG_DATE.match(line) is not None:
            group = (label, line, lines[i + 1] if i + 1 < n else None, *buf)
            got = _GROUPS.get(group)
            if got is None:
                got = _teaser(group)
                if len(_GROUPS) >= _GROUPS_MAX:
                    _GROUPS.clear()
                _GROUPS[group] = got
            rec, said, skip = got
            out.append(rec)  # (``parse_teasers`` hands out copies)
            warnings.extend(said)
            i += skip
            buf = []
        else:
            buf.append(line)
        i += 1
    if buf:
        warnings.append(f"last teaser cut off, not stored: {buf[0][:60]!r}")
    return out


#: teaser groups read before, by ``_teaser``'s argument: pages captured near each other
#: repeat most of their teaser list (bounded: emptied when full)
_GROUPS: dict[tuple, tuple[Record, tuple[str, ...], int]] = {}
_GROUPS_MAX = 1024


def _teaser(group: tuple) -> tuple[Record, tuple[str, ...], int]:
    """One teaser: ``group`` is (source label, its date line, the line after it or None,
    the lines before the date line); returns (its record, warnings, lines after the date
    line it took). Pure: the same group always reads the same."""
    label, line, after, *buf = group
    outlet, language = split_label(label)
    said: list[str] = []
    d = dates.read_long_date(line)
    lede = buf[-1]
    heads = buf[:-1]
    title = None
    if heads:
        title = heads[-1]
        k = len(heads) - 1
        while k > 0 and fold(heads[k - 1]) == fold(title):
            k -= 1
        if k > 0:
            said.append(f"unrecognized lines in teaser list: {heads[:k]!r}")
    if d is None:
        said.append(f"teaser date does not exist: {line!r}")
    skip = 0
    if after is not None and _similar(after, lede):
        if len(after) > len(lede):
            lede = after
        skip = 1
    city, month, day = _dateline(lede)
    note = None
    if d and month and (int(d[5:7]), int(d[8:10])) != (month, day):
        note = f"teaser date {d} but its dateline says {month}/{day}"
    group_id = outlet_group(outlet)
    rec = Record(
        kind="teaser",
        title=title,
        date=d,
        source=label,
        outlet=outlet,
        language=language or languages.of_article(title, lede),
        dateline=city,
        lede=lede,
        body=None,
        date_note=note,
        group=group_id or ("kcna" if "(KCNA)" in normalize(lede) else ""),
    )
    rec.key  # noqa: B018 - computed once here, for every copy
    rec.__dict__["_tid"] = next(_NUMBERS)  # sent by its number once a worker sent it (``wire``)
    return rec, tuple(said), skip


#: numbers of the teaser records ``_teaser`` read (``wire.to_wire``)
_NUMBERS = itertools.count()
