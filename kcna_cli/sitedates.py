"""Datelines and date lines in every KCNA language and on every site kcna reads.

``read_dateline`` reads the dateline that opens a KCNA story in English,
Korean, Japanese, Chinese, Russian, Spanish, French, German or Czech:

* ``Pyongyang, March 14 (KCNA) -- ``
* ``(평양 3월 14일발 조선중앙통신)``
* ``【平壌3月14日発朝鮮中央通信】``
* ``Пхеньян, 14 марта. /ЦТАК/-- ``
* ``Pyongyang, 14 de marzo (ACNC) -- ``
* ``Pchjongjang, 14. března čučche 115 (2026) (KCNA) – ``

The other readers each read one kind of date line a site prints (the ``D``
ids of ``fixtures/README.md``): the kcna.co.jp ``calendar>>`` line, the
Rodong Sinmun view date and section date, the Choson Sinbo posting time, a
date glued to the first paragraph, and so on. Juche years are read as year
= Juche + 1911; where a Gregorian year is printed in parentheses it is the year.

Pure functions; every pattern is anchored and has bounded repeats, so a
reader runs in time linear in its input.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from .dates import DATELINE, JUCHE_OFFSET, MONTHS, iso

# --- month names ---------------------------------------------------------------

_MONTHS_BY_LANG: dict[str, list[str]] = {
    lang: names.split()
    for lang, names in {
        "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "de": "januar februar märz april mai juni juli august september oktober november dezember",
        "cs": "ledna února března dubna května června července srpna září října listopadu prosince",
    }.items()
}
#: every month name of every language -> (number, language)
FOREIGN_MONTHS: dict[str, tuple[int, str]] = {}
for _lang, _names in _MONTHS_BY_LANG.items():
    for _i, _name in enumerate(_names, 1):
        FOREIGN_MONTHS.setdefault(_name, (_i, _lang))
FOREIGN_MONTHS.update({"setiembre": (9, "es"), "fevrier": (2, "fr"), "aout": (8, "fr"), "decembre": (12, "fr")})
FOREIGN_MONTHS.update({"maerz": (3, "de"), "jänner": (1, "de")})


def _alt(names) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


_EN_MONTH = _alt(MONTHS)
_FOREIGN_MONTH = _alt(FOREIGN_MONTHS)

# --- datelines -------------------------------------------------------------------


@dataclass(frozen=True)
class Dateline:
    """A dateline read: the city as written, month and day, the year when printed."""

    city: str
    month: int
    day: int
    year: int | None
    language: str
    #: where the story's own words start in the paragraph read
    end: int


_DASH = r"(?:--|[\u2014\u2013\u2015-])?"
_EN = re.compile(
    rf"^\s*(?P<city>[A-Z][A-Za-z' .-]{{1,40}}?),\s+(?P<month>{_EN_MONTH})\.?\s+(?P<day>\d{{1,2}})"
    rf"\s*\((?P<agency>[A-Za-z .]{{2,20}})\)\s*{_DASH}\s*",
    re.IGNORECASE,
)
_KO = re.compile(
    r"^\s*\(\s*(?P<city>[\uac00-\ud7a3]{1,12})\s+(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일\s*발"
    r"\s*[\uac00-\ud7a3 ]{2,16}\)\s*"
)
_JA = re.compile(r"^\s*【(?P<city>[^\d【】\s]{1,12}?)(?P<month>\d{1,2})月(?P<day>\d{1,2})日発[^】\d]{2,16}】\s*")
# Chinese KCNA datelines have not been seen; this is the agency's usual Chinese form
_ZH = re.compile(
    r"^\s*[【(（]?\s*(?:朝中社)?(?P<city>[^\d【】()（）\s]{1,6}?)(?P<month>\d{1,2})月(?P<day>\d{1,2})日电[】)）]?\s*"
)
_RU = re.compile(
    rf"^\s*(?P<city>[А-ЯЁ][а-яёА-ЯЁ -]{{1,30}}?),\s*(?P<day>\d{{1,2}})\s+(?P<month>{_FOREIGN_MONTH})\.?\s*"
    rf"/\s*(?P<agency>[А-ЯЁA-Z]{{2,8}})\s*/\s*{_DASH}\s*",
    re.IGNORECASE,
)
_LATIN_DAY_FIRST = re.compile(
    rf"^\s*(?P<city>[A-ZÀ-Þ][\w' .-]{{1,40}}?),?\s+(?:le\s+|den\s+)?(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?"
    rf"(?P<month>{_FOREIGN_MONTH})(?:\s+(?:de(?:l)?\s+)?(?:(?:čučche|juche)\s+\d{{1,3}}\s*\(\s*(?P<paren>\d{{4}})\s*\)|(?P<year>\d{{4}})))?"
    rf"\s*\((?P<agency>[\w .]{{2,20}})\)\s*{_DASH}\s*",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1 << 12)
def read_dateline(paragraph: str | None) -> Dateline | None:
    """The dateline opening ``paragraph``, in any language kcna knows; None if there is none."""
    if not paragraph:
        return None
    text = paragraph[:300]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    m = _EN.match(text)
    if m:
        return Dateline(
            m.group("city").strip(), MONTHS[m.group("month").lower()], int(m.group("day")), None, "en", m.end()
        )
    first = text.lstrip()[:1]
    if first == "(":
        m = _KO.match(text)
        if m:
            return _numeric(m, "ko")
    if first in "【(（朝" or (first and "\u4e00" <= first <= "\u9fff"):
        m = _JA.match(text)
        if m:
            return _numeric(m, "ja")
        m = _ZH.match(text)
        if m:
            return _numeric(m, "zh")
    m = _RU.match(text)
    if m:
        number = FOREIGN_MONTHS.get(m.group("month").lower())
        if number:
            return Dateline(m.group("city").strip(), number[0], int(m.group("day")), None, "ru", m.end())
    m = _LATIN_DAY_FIRST.match(text)
    if m:
        number = FOREIGN_MONTHS.get(m.group("month").lower())
        if number and number[1] != "ru":
            year = m.group("paren") or m.group("year")
            return Dateline(
                m.group("city").strip(), number[0], int(m.group("day")), int(year) if year else None, number[1], m.end()
            )
    return None


def _numeric(m: re.Match, lang: str) -> Dateline | None:
    month, day = int(m.group("month")), int(m.group("day"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return Dateline(m.group("city").strip(), month, day, None, lang, m.end())


def is_dateline_only(paragraph: str) -> bool:
    """A paragraph that is a dateline and nothing else (the Korean kcna.kp form)."""
    if len(paragraph) > 120:
        return False
    d = read_dateline(paragraph)
    if d is None:
        return False
    text = paragraph if paragraph.isascii() else unicodedata.normalize("NFKC", paragraph)
    return not text[d.end :].strip()


def joined_to_dateline(paras: list[str], para: str) -> bool:
    """A dateline printed as a paragraph of its own (Korean) opens the next one: join them."""
    if len(paras) == 1 and is_dateline_only(paras[0]) and read_dateline(para) is None:
        paras[0] = f"{paras[0]} {para}"
        return True
    return False


# --- date lines of the sites ------------------------------------------------------


def _juche(n: str | int) -> int:
    return int(n) + JUCHE_OFFSET


def _en_month(name: str) -> int | None:
    return MONTHS.get(name.lower().rstrip("."))


#: D1 / D2: ``calendar>>March 14. 2016 Juche 105`` (kcna.co.jp)
CALENDAR = re.compile(
    rf"^(?P<cal>calendar>>)?\s*(?P<month>{_EN_MONTH})\s+(?P<day>\d{{1,2}})\.\s*(?P<year>\d{{4}})\s+Juche\s*\d{{1,3}}\s*\|?\s*$",
    re.IGNORECASE,
)
#: D3: ``Mar. 20, 2026 Friday`` or ``Sep. 29,Juche 112 (2023) Friday`` (Rodong Sinmun view date)
RODONG_VIEW_EN = re.compile(
    rf"^(?P<month>{_EN_MONTH})\.?\s+(?P<day>\d{{1,2}}),\s*(?:(?P<year>\d{{4}})|Juche\s*\d{{1,3}}\s*\(\s*(?P<paren>\d{{4}})\s*\))"
    r"\s+(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s*$",
    re.IGNORECASE,
)
#: D4: ``2026년 3월 20일 금요일``
RODONG_VIEW_KO = re.compile(
    r"^(?P<year>\d{4})\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일\s*[월화수목금토일]요일\s*$"
)
#: D5: ``2026年 3月 20日 星期五``
RODONG_VIEW_ZH = re.compile(
    r"^(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日\s*星期[一二三四五六日天]\s*$"
)
#: D6: ``Politics 2026.3.14.``, ``政治 2026.3.14.``, ``2026.3.14. 《로동신문》 2면``, ``2026.3.14.``
SECTION_DATE = re.compile(
    r"^(?:(?P<section>[^\d\s][^\d]{0,30}?)\s+)?(?P<year>\d{4})\.(?P<month>\d{1,2})\.(?P<day>\d{1,2})\."
    r"(?:\s*《[^》]{1,20}》\s*\d{1,2}\s*면)?\s*$"
)
#: D7: ``April 2, Juche108(2019)`` (uriminzokkiri.com page date)
URIMINZOKKIRI_DATE = re.compile(
    rf"^(?P<month>{_EN_MONTH})\.?\s+(?P<day>\d{{1,2}}),\s*Juche\s*\d{{1,3}}\s*\(\s*(?P<year>\d{{4}})\s*\)\s*$",
    re.IGNORECASE,
)
#: D8: ``March 14, 2026A new…`` (Pyongyang Times; the date glued to paragraph 1)
GLUED_DATE_EN = re.compile(
    rf"^(?P<month>{_EN_MONTH})\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})(?P<rest>\S.*)?$", re.IGNORECASE
)
#: the same in day-first languages: ``14 mars 2026Une…``
GLUED_DATE_DAY_FIRST = re.compile(
    rf"^(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?(?P<month>{_FOREIGN_MONTH})\s+(?:de\s+)?(?P<year>\d{{4}})(?P<rest>\S.*)?$",
    re.IGNORECASE,
)
#: D9: ``2026년 03월 14일 09:12 경제…`` / ``2026年03月14日 09:12 経済…`` (Choson Sinbo)
POSTED = re.compile(
    r"^(?P<year>\d{4})\s*[년年]\s*(?P<month>\d{1,2})\s*[월月]\s*(?P<day>\d{1,2})\s*[일日]\s+\d{1,2}:\d{2}\s*(?P<rest>.*)$"
)
#: D10: ``Sat, 03/14/2026 - 09:30`` (oananews.org; month first)
MONTH_FIRST = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,\s*(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})"
    r"(?:\s*-\s*\d{1,2}:\d{2})?\s*$"
)
#: D11 glued: ``… -0- (Juche113.4.6.)`` (a digest's stamp after its end mark)
GLUED_STAMP = re.compile(
    r"\s*-0-\s*\(\s*(?:(?P<juche>juche)\s*)?(?P<year>\d{1,4})\s*\.\s*(?P<month>\d{1,2})\s*\.\s*(?P<day>\d{1,2})\s*\.?\s*\)\s*$",
    re.IGNORECASE,
)
#: a title carrying its date: ``2026年3月14日の新聞概観``
TITLE_DATE_JA = re.compile(r"^(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日の")


@dataclass(frozen=True)
class DateRead:
    """A date line read: its ISO date (None when the day does not exist) and what follows it."""

    date: str | None
    rest: str = ""
    #: what the line was (``calendar line``, ``section date``...), for notes
    what: str = ""


def _ymd(m: re.Match, what: str, *, month: int | None = None, year: int | None = None) -> DateRead:
    y = year if year is not None else int(m.group("year"))
    mo = month if month is not None else int(m.group("month"))
    rest = m.groupdict().get("rest") or ""
    return DateRead(iso(y, mo, int(m.group("day"))), rest, what)


def read_calendar(line: str) -> DateRead | None:
    """D1/D2 (``calendar>>`` or the bare day-index form)."""
    m = CALENDAR.match(line)
    if not m:
        return None
    what = "calendar line" if m.group("cal") else "index date"
    return _ymd(m, what, month=_en_month(m.group("month")))


def read_view_date(line: str) -> DateRead | None:
    """D3/D4/D5: the Rodong Sinmun date the page was viewed (never the article's)."""
    if line[:1].isdigit():
        m = RODONG_VIEW_KO.match(line) or RODONG_VIEW_ZH.match(line)
        return _ymd(m, "view date") if m else None
    m = RODONG_VIEW_EN.match(line)
    if not m:
        return None
    year = int(m.group("year") or m.group("paren"))
    return _ymd(m, "view date", month=_en_month(m.group("month")), year=year)


def read_section_date(line: str) -> DateRead | None:
    """D6: the Rodong Sinmun section-date line (the article's date)."""
    if len(line) > 60 or line[-1:] not in (".", "면"):
        return None
    m = SECTION_DATE.match(line)
    return _ymd(m, "section date") if m else None


def read_uriminzokkiri_date(line: str) -> DateRead | None:
    """D7: ``April 2, Juche108(2019)`` (the page date, not the article's)."""
    m = URIMINZOKKIRI_DATE.match(line)
    return _ymd(m, "page date", month=_en_month(m.group("month"))) if m else None


def read_glued_date(line: str) -> DateRead | None:
    """D8: a date glued before the first paragraph (``March 14, 2026A new…``)."""
    m = GLUED_DATE_EN.match(line[:400] if len(line) > 400 else line)
    if m:
        return DateRead(
            iso(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day"))),
            line[m.start("rest") :] if m.group("rest") else "",
            "date line",
        )
    m = GLUED_DATE_DAY_FIRST.match(line[:400] if len(line) > 400 else line)
    if m:
        number = FOREIGN_MONTHS.get(m.group("month").lower())
        if number:
            rest = line[m.start("rest") :] if m.group("rest") else ""
            return DateRead(iso(int(m.group("year")), number[0], int(m.group("day"))), rest, "date line")
    return None


def read_posted(line: str) -> DateRead | None:
    """D9: Choson Sinbo's posting date and time, and the text glued after it."""
    m = POSTED.match(line)
    if not m:
        return None
    return DateRead(
        iso(int(m.group("year")), int(m.group("month")), int(m.group("day"))), line[m.start("rest") :], "posting date"
    )


def read_month_first(line: str) -> DateRead | None:
    """D10: ``Sat, 03/14/2026 - 09:30`` (month first)."""
    m = MONTH_FIRST.match(line)
    return _ymd(m, "header date") if m else None


def read_glued_stamp(line: str) -> tuple[DateRead, str] | None:
    """D11 glued to the end mark: ``… -0- (Juche113.4.6.)`` -> (date, the line before the mark)."""
    m = GLUED_STAMP.search(line[-60:]) if len(line) > 60 else GLUED_STAMP.search(line)
    if not m:
        return None
    year = int(m.group("year")) + (JUCHE_OFFSET if m.group("juche") else 0)
    cut = len(line) - (len(line[-60:]) if len(line) > 60 else len(line)) + m.start()
    return DateRead(iso(year, int(m.group("month")), int(m.group("day"))), "", "stamp"), line[:cut]


def read_title_date(title: str) -> DateRead | None:
    """A Japanese digest title's date (``2026年3月14日の新聞概観``)."""
    m = TITLE_DATE_JA.match(unicodedata.normalize("NFKC", title[:40]))
    return _ymd(m, "title date") if m else None


# --- readings reconciled -------------------------------------------------------------


def dateline_year(month: int, day: int, near: str, *, not_after: bool = False) -> str | None:
    """A year-less dateline's date: the year that puts it closest to ``near``.

    ``not_after``: ``near`` is a page date printed on or after the story (a
    December dateline under a January page date is the year before).
    """
    import datetime as _dt

    ref = _dt.date.fromisoformat(near)
    best = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        d = iso(year, month, day)
        if d is None or (not_after and d > near):
            continue
        gap = abs((_dt.date.fromisoformat(d) - ref).days)
        if best is None or gap < best[0]:
            best = (gap, d)
    return best[1] if best else None


def reconcile(
    readings: list[tuple[str, str | None]], problems: list[str] | None = None
) -> tuple[str | None, str | None]:
    """Pick a date from named readings, the first one preferred: ``(date, note)``.

    Readings that agree give the date; when they disagree the first present
    one is kept (unless two others agree against it) and the note says so.
    """
    present = [(name, d) for name, d in readings if d]
    notes = list(problems or [])
    chosen = None
    if present:
        values = [d for _, d in present]
        chosen = values[0]
        if len(set(values)) > 1:
            majority = [d for d in dict.fromkeys(values) if values.count(d) >= 2]
            if majority:
                chosen, why = majority[0], "two readings agree"
            else:
                why = f"kept the {present[0][0]}"
            detail = ", ".join(f"{name} {d}" for name, d in present)
            notes.append(f"readings disagree ({detail}); {why}")
    return chosen, "; ".join(notes) if notes else None


#: datelines in Korean ``(평양 1월 5일발 조선중앙통신)``, Japanese ``【平壌1月5日発朝鮮中央通信】``,
#: Chinese ``(朝中社平壤1月5日电)``, Russian ``Пхеньян, 5 января /ЦТАК/``
_CJK_DATELINE = re.compile(
    r"^\s*(?:[(（\[【]\s*[\uac00-\ud7a3]{2,6}\s*\d{1,2}\s*월\s*\d{1,2}\s*일발?[^)）\]】\n]{0,20}[)）\]】]"
    r"|[(（\[【]?\s*[^\s\d【】()（）]{0,8}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:発|发|電|电)(?:[^\s)）\]】]{0,10}[)）\]】])?"
    r"|[А-ЯЁ][а-яё-]+,\s*\d{1,2}\s+[а-яё]+\.?\s*/[А-ЯЁ]+/\s*(?:--|[\u2014\u2013-])?)"
)


def strip_dateline(text: str) -> str:
    """Blank out a leading dateline, keeping positions (it is not a mention)."""
    m = DATELINE.match(text)
    if not m and not text.isascii():
        m = _CJK_DATELINE.match(text)
    if m:
        return " " * m.end() + text[m.end() :]
    # the other languages' datelines (Spanish, French, German, Czech, Russian)
    head = text[:300]
    read = read_dateline(head)
    if read is None or (not head.isascii() and unicodedata.normalize("NFKC", head) != head):
        return text  # no dateline, or positions that NFKC would move
    return " " * read.end + text[read.end :]
