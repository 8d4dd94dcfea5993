"""Date readings found in a dump, and how they are reconciled.

A KCNA Watch page carries up to three readings of an article's publication
date: the ``Date:`` line (``DD/MM/YYYY``, always day first), the dateline
inside the text (``Pyongyang, February 10 (KCNA)``, no year) and the source
stamp (``www.kcna.kp (2025.02.10.)`` or ``(Juche114.2.10.)``). This module
reads each one and reconciles them (``reconcile``): the date two readings
support wins; failing that the stamp, then the ``Date:`` line, then the
dateline. Any disagreement is described in a ``date_note``.

It also reads the dates users type in filters into inclusive ISO ranges:
``date_range`` the partial ISO forms (``2025``, ``2025-02``, ``2025-02-10``),
``user_range`` those and the forms people type (``10 Feb 2025``,
``February 2025``, ``yesterday``, ``7d``, ``2w``, ``3m``).

Pure functions; python-dateutil is imported only for a typed date that is
not plain ISO, so the CLI starts fast. Dates are ISO ``YYYY-MM-DD``
strings throughout.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re
from dataclasses import dataclass

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_MONTH_NAMES = "|".join(sorted((m for m in MONTHS), key=len, reverse=True))

#: ``January 05, 2026`` or ``Jan 5, 2026`` (a whole line).
LONG_DATE = re.compile(rf"(?i)^\s*({_MONTH_NAMES})\.?\s+(\d{{1,2}}),\s*(\d{{4}})\s*$")
#: The capture-date line: ``January 05, 2026Jan 05, 2026`` (glued) or long form.
CAPTURE_LINE = re.compile(
    rf"(?i)^\s*({_MONTH_NAMES})\.?\s+(\d{{1,2}}),\s*(\d{{4}})"
    rf"(?:\s*({_MONTH_NAMES})\.?\s+(\d{{1,2}}),\s*(\d{{4}}))?\s*$"
)
#: ``Date: 10/02/2025 | Source: KCNA.kp (En) | Read original version at source``
DATE_LINE = re.compile(
    r"(?i)^\s*Date:\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*"
    r"(?:\|\s*Source:\s*(?P<source>[^|]*?)\s*)?(?:\|.*)?$"
)
#: ``Pyongyang, February 10 (KCNA) --`` at the start of a paragraph.
DATELINE = re.compile(
    rf"^\s*(?P<city>[A-Z][A-Za-z' .-]{{1,40}}?),\s+(?P<month>{_MONTH_NAMES})\.?\s+"
    r"(?P<day>\d{1,2})\s*\((?P<agency>[A-Za-z .]{2,20})\)\s*"
    r"(?P<dash>--|[\u2014\u2013\u2015-])?\s*",
    re.IGNORECASE,
)
#: ``www.kcna.kp (2025.02.10.)`` or ``www.kcna.kp (Juche114.2.10.)``
STAMP = re.compile(
    r"(?i)^\s*(?:www\.)?kcna\.kp\s*\(\s*(?:(?P<juche>juche)\s*)?(?P<y>\d{1,4})\s*\.\s*"
    r"(?P<m>\d{1,2})\s*\.\s*(?P<d>\d{1,2})\s*\.?\s*\)\s*$"
)

JUCHE_OFFSET = 1911


def iso(year: int, month: int, day: int) -> str | None:
    """Return ``YYYY-MM-DD``, or None when the date does not exist."""
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


@functools.lru_cache(maxsize=1 << 12)
def read_long_date(line: str) -> str | None:
    """``January 05, 2026`` -> ``2026-01-05``; None if not such a line."""
    m = LONG_DATE.match(line)
    if not m:
        return None
    return iso(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))


def read_capture_line(line: str) -> tuple[str | None, bool] | None:
    """Read a capture-date line.

    Returns ``(date, glued)`` where ``glued`` tells whether the short form
    follows the long one, or None when the line is not a date line.
    """
    # every teaser date line of a page is a candidate, and pages repeat them: short
    # lines are remembered (a long one, hostile input, would keep megabytes alive)
    return _capture_line(line) if len(line) <= 64 else _read_capture_line(line)


def _read_capture_line(line: str) -> tuple[str | None, bool] | None:
    m = CAPTURE_LINE.match(line)
    if not m:
        return None
    return (
        iso(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2))),
        m.group(4) is not None,
    )


_capture_line = functools.lru_cache(maxsize=1 << 12)(_read_capture_line)


@dataclass(frozen=True)
class DateLine:
    """The ``Date:`` line: its date (None if impossible) and its Source field."""

    date: str | None
    text: str
    source: str | None


def read_date_line(line: str) -> DateLine | None:
    m = DATE_LINE.match(line)
    if not m:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return DateLine(
        date=iso(year, month, day),
        text=f"{m.group(1)}/{m.group(2)}/{m.group(3)}",
        source=(m.group("source") or "").strip() or None,
    )


def read_stamp(line: str) -> tuple[str | None, str] | None:
    """Read a source stamp line: ``(date or None, stamp as printed)``."""
    m = STAMP.match(line)
    if not m:
        return None
    year = int(m.group("y"))
    if m.group("juche"):
        year += JUCHE_OFFSET
    return iso(year, int(m.group("m")), int(m.group("d"))), line.strip()


def dateline_date(month: int, day: int, near: str | None) -> str | None:
    """Give a year-less dateline the year that puts it closest to ``near``."""
    if not near:
        return None
    ref = _dt.date.fromisoformat(near)
    best: _dt.date | None = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = _dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((cand - ref).days) < abs((best - ref).days):
            best = cand
    return best.isoformat() if best else None


@dataclass(frozen=True)
class Reconciled:
    date: str | None
    note: str | None


def reconcile(
    date_line: str | None,
    dateline: str | None,
    stamp: str | None,
    *,
    problems: list[str] | None = None,
) -> Reconciled:
    """Pick the publication date from up to three readings (README "How dumps are read").

    ``problems`` are notes gathered while reading (an impossible ``Date:``
    line, say); they are part of the note.
    """
    readings = [("Date: line", date_line), ("dateline", dateline), ("stamp", stamp)]
    present = [(name, d) for name, d in readings if d]
    notes = list(problems or [])
    chosen: str | None = None
    if present:
        values = [d for _, d in present]
        distinct = set(values)
        if len(distinct) == 1:
            chosen = values[0]
        else:
            majority = [d for d in distinct if values.count(d) >= 2]
            if majority:
                chosen = majority[0]
                why = "two readings agree"
            elif stamp:
                chosen, why = stamp, "kept the stamp"
            elif date_line:
                chosen, why = date_line, "kept the Date: line"
            else:  # pragma: no cover - only one reading left, cannot disagree
                chosen, why = dateline, "kept the dateline"
            detail = ", ".join(f"{name} {d}" for name, d in present)
            notes.append(f"readings disagree ({detail}); {why}")
    return Reconciled(chosen, "; ".join(notes) if notes else None)


# --- partial dates typed by users -------------------------------------------

_PARTIAL = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")


def date_range(text: str) -> tuple[str, str]:
    """``2025`` / ``2025-02`` / ``2025-02-10`` -> inclusive ``(first, last)`` day.

    Raises ValueError with a readable message for anything else.
    """
    m = _PARTIAL.match(text or "")
    if not m:
        raise ValueError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(m.group(1))
    if m.group(2) is None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month = int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"not a date: {text!r} (month {month} does not exist)")
    last_day = calendar.monthrange(year, month)[1]
    if m.group(3) is None:
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last_day:02d}"
    day = int(m.group(3))
    first = iso(year, month, day)
    if first is None:
        raise ValueError(f"not a date: {text!r} (that day does not exist)")
    return first, first


# --- dates as people type them ------------------------------------------------

_RELATIVE = re.compile(r"^(\d{1,4})\s*(d|days?|w|weeks?|m|months?|y|years?)$")
_DAYS = ("d", "w")


def user_range(text: str | None, *, today: _dt.date | None = None) -> tuple[str, str]:
    """A date as people type it -> the inclusive ``(first, last)`` ISO days it covers.

    ``2025``, ``2025-02``, ``2025-02-10`` (read here, without dateutil);
    ``today``, ``yesterday``, ``7d``, ``2w``, ``3m``, ``1y`` (that long
    before ``today``: one day); ``10 Feb 2025``, ``Feb 10, 2025``,
    ``February 2025`` (the whole month), ``10/02/2025`` (day first, as KCNA
    Watch prints dates): read by python-dateutil, imported only for these.
    Raises ValueError naming the value for anything else.
    """
    raw = (text or "").strip()
    if _PARTIAL.match(raw):
        return date_range(raw)
    low = " ".join(raw.lower().split())
    day = today or _dt.date.today()
    if low in ("today", "now"):
        return day.isoformat(), day.isoformat()
    if low == "yesterday":
        d = (day - _dt.timedelta(days=1)).isoformat()
        return d, d
    m = _RELATIVE.match(low)
    if m:
        n, unit = int(m.group(1)), m.group(2)[0]
        try:
            if unit in _DAYS:
                back = day - _dt.timedelta(days=n * (7 if unit == "w" else 1))
            else:
                from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

                back = day - (relativedelta(months=n) if unit == "m" else relativedelta(years=n))
        except (OverflowError, ValueError):
            raise ValueError(f"not a date: {raw!r} (too far back)") from None
        return back.isoformat(), back.isoformat()
    return _named_range(raw, day)


_HELP = "use 2025-02-10, 2025-02, '10 Feb 2025', 'February 2025', yesterday, 7d, 2w or 3m"


def _named_range(raw: str, today: _dt.date) -> tuple[str, str]:
    """``10 Feb 2025`` / ``February 2025`` / ``Feb 10`` -> the day or month it names (dateutil)."""
    if not re.search(r"[A-Za-z]", raw) and not re.search(r"\d\s*[/.]\s*\d", raw):
        raise ValueError(f"not a date: {raw!r} ({_HELP})")
    from dateutil import parser  # type: ignore[import-untyped]

    # parse twice with different defaults: what differs was not typed
    a_default = _dt.datetime(today.year, 1, 1)
    b_default = _dt.datetime(today.year, 12, 28)
    try:
        a = parser.parse(raw, default=a_default, dayfirst=True)
        b = parser.parse(raw, default=b_default, dayfirst=True)
    except (ValueError, OverflowError, TypeError):
        raise ValueError(f"not a date: {raw!r} ({_HELP})") from None
    if a.month != b.month:  # only a year: already handled above, or nothing usable
        raise ValueError(f"not a date: {raw!r} ({_HELP})")
    if a.day != b.day:
        last = calendar.monthrange(a.year, a.month)[1]
        return f"{a.year:04d}-{a.month:02d}-01", f"{a.year:04d}-{a.month:02d}-{last:02d}"
    return a.date().isoformat(), a.date().isoformat()
