"""Pages saved from the official DPRK sites, their mirrors and reposts, in every KCNA language.

``detect`` tells which shape a page has from its first and last lines and a
few fixed strings (site chrome, date lines, datelines); ``parse`` reads it to
the same ``Dump`` a KCNA Watch page gives: title, publication date (checked
against the dateline and the stamp), dateline city, body without the site's
chrome, language. Index and list pages hold no article and are refused
saying so (``NotADump``). Shapes whose text carries no date give an undated
article with a ``date_note`` saying why.

The shape ids (``S1`` ... ``R6``) and one fixture per shape are listed in
``fixtures/README.md``; the Dump's ``rendering`` is the shape id.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import dates, reposts, sitedates
from .parse import Dump, NotADump, fold
from .sitepage import SitePage, cut_at, is_end_stamp, starts_dateline
from .text import cut_end_mark

# --- end marks, chrome, fixed strings ----------------------------------------------------

_MENU = re.compile(r"^/\s*(?:News|주요소식|Новости|Nachrichten|ニュース|Actualités|Noticias|新闻)\s*$")
_RODONG_OUTLET = ("Rodong Sinmun", "로동신문", "劳动新闻", "労働新聞")
_RODONG_LIST = re.compile(r"^>\s*\S.{0,40}>\s*\d+\s*$")
_KNS_COPYRIGHT = re.compile(r"(?i)^Copyright \(C\) KOREA NEWS SERVICE")
_FEEDBACK = re.compile(r"(?i)^To write your feedbacks")
_SHARE = "로 보내기"
#: a section-date line ends ``2026.3.14.`` or ``2면``
_SECTION_DATE_HINT = re.compile(r"(?m)\d{4}\.\d{1,2}\.\d{1,2}\.(?:$|\s*《)")
_DPRKTODAY = re.compile(r"^Home\s+손전화홈페지열람기")
_MINJU_COPYRIGHT = re.compile(r"(?i)^Copyrights?\s+\d{4}\s*©\s*Minju Joson")
_SINBO_CREDIT = "(조선신보)"
_KASS_CHROME = re.compile(r"^Input string to search\.")
_BYLINE_TEAM = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+){0,3} (?:News )?Team$")
#: Choson Sinbo section words (only 경제 and 経済 have been seen; the others are the paper's sections)
_SINBO_SECTIONS = (
    "경제", "정치", "사회", "문화", "조국", "총련", "체육", "조선반도", "국제",
    "経済", "政治", "社会", "文化", "祖国", "総聯", "総連", "スポーツ", "朝鮮半島", "国際",
)  # fmt: skip
_SENTENCE_END = re.compile(r"[.。!?！？」”\"']$")


def _many_blank_lines(raw: str) -> bool:
    """The title line followed by a run of six or more empty lines (a Voice of Korea page's photos)."""
    head = raw.lstrip("\r\n\ufeff")[:2000].replace("\r\n", "\n")
    first = head.find("\n")
    if first < 0:
        return False
    run = 0
    for ln in head[first + 1 :].split("\n"):
        if ln.strip():
            break
        run += 1
    return run >= 6


# --- telling the shapes apart --------------------------------------------------------------


def detect(lines: list[str], raw: str = "") -> str | None:
    """The shape id of a page's cleaned non-blank ``lines``, or None (a KCNA Watch page or unknown).

    Looks at the first two and the last lines and, where the guide says so,
    at fixed strings anywhere: a constant number of tests per line.
    """
    if not lines:
        return None
    first, last = lines[0], lines[-1]
    second = lines[1] if len(lines) > 1 else ""
    if first.startswith("calendar>>"):
        return "S3"
    if sitedates.read_calendar(first) is not None:
        return "S4"
    stamped = is_end_stamp(last) or sitedates.read_glued_stamp(last) is not None
    if stamped:
        # kcna.kp: the dateline opens the page (no title captured) or follows the title
        if starts_dateline(first):
            return "S1a"
        if _digest_title(first):
            return "S2"
        if starts_dateline(second) and not _is_date_line(first):
            return "S1"
    opening = sitedates.read_dateline(first) if first[:1].isascii() else None
    if opening is not None and opening.language == "en":
        return None  # an English dateline first, no stamp: a KCNA Watch body-only page (or a cut repost)
    if _MENU.match(first):
        return "S9"
    # fixed strings near the top and the bottom, tested on the joined lines first
    head, tail = "\n".join(lines[:8]), "\n".join(lines[-12:])
    view = sitedates.read_view_date(first) is not None
    if not stamped and (view or second in _RODONG_OUTLET or first in _RODONG_OUTLET):
        if ">" in head and any(_RODONG_LIST.match(ln) for ln in lines[:6]):
            return "S8"
        return "S6"
    if not stamped and _SECTION_DATE_HINT.search(head) and any(sitedates.read_section_date(ln) for ln in lines[:6]):
        return "S6"
    if sitedates.read_uriminzokkiri_date(first) is not None:
        return "S11"
    if _DPRKTODAY.match(first) or (_SHARE in tail and any(ln.endswith(_SHARE) for ln in lines[-12:])):
        return "S12"
    if first == "image" or _MINJU_COPYRIGHT.match(last):
        return "S13"
    if sitedates.read_posted(second) is not None or last == _SINBO_CREDIT:
        return "S14"
    if last == "KCNA" and sitedates.read_glued_date(second) is not None:
        return "S10"
    repost = reposts.detect(lines, head, tail)
    if repost is not None:
        return repost
    if _KASS_CHROME.match(first):
        return "S15"
    if _BYLINE_TEAM.match(last) and len(lines) >= 4 and not starts_dateline(lines[1]):
        return "S7"
    d = sitedates.read_dateline(first)
    if (
        d is not None
        and d.language == "ko"
        and cut_end_mark(last) != last
        and not any(dates.LONG_DATE.match(ln) for ln in lines)
    ):
        return "S5"
    if raw and len(lines) >= 2 and _many_blank_lines(raw) and not starts_dateline(second):
        return "S9"
    return None


def _is_date_line(line: str) -> bool:
    """A line that is a date of some site (never a title)."""
    return any(
        read(line) is not None
        for read in (
            sitedates.read_section_date,
            sitedates.read_view_date,
            sitedates.read_calendar,
            sitedates.read_month_first,
            sitedates.read_uriminzokkiri_date,
        )
    ) or bool(dates.LONG_DATE.match(line))


def _digest_title(line: str) -> bool:
    return line in ("Press Review", "Review of Rodong Sinmun") or line.endswith("新聞概観")


# --- the shapes ------------------------------------------------------------------------------


def _kcna_kp(shape: str, lines: list[str]) -> SitePage:
    """S1, S1a, S2: kcna.kp article and digest pages (stamp last)."""
    p = SitePage(shape, "KCNA.kp")
    lines = list(lines)
    # the first stamp ends the article (pages saved back to back hold one stamp each)
    at = next((i for i, ln in enumerate(lines) if is_end_stamp(ln)), None)
    st = dates.read_stamp(lines[at]) if at is not None else None
    if at is not None and st is not None:
        if at + 1 < len(lines):
            p.warnings.append(f"text after the stamp, not stored: {lines[at + 1 : at + 4]!r}")
        lines = lines[:at]
        if st[0] is None:
            p.problems.append(f"stamp date does not exist: {st[1]!r}")
        p.readings.append(("stamp", st[0]))
        p.complete = True
    else:
        glued = sitedates.read_glued_stamp(lines[-1])
        if glued is not None:
            lines[-1] = glued[1]
            p.readings.append(("stamp", glued[0].date))
            p.complete = True
    if not lines:
        raise NotADump(f"{shape}: a kcna.kp stamp with no article above it")
    if shape != "S1a":
        p.title, lines = lines[0], lines[1:]
        td = sitedates.read_title_date(p.title)
        if td is not None:
            p.readings.append(("title date", td.date))
    p.body(lines)
    return p


def _kcna_co_jp(shape: str, lines: list[str]) -> SitePage:
    """S3: ``calendar>>`` line, title, dateline paragraph, copyright line; ``|`` separators."""
    p = SitePage(shape, "KCNA.co.jp")
    cleaned = [ln.rstrip("|").rstrip() for ln in lines]
    cleaned = [ln for ln in cleaned if ln]
    cal = sitedates.read_calendar(cleaned[0])
    p.readings.append(("calendar line", cal.date if cal else None))
    if cal is None:
        p.warnings.append(f"calendar line not read: {cleaned[0]!r}")
    rest, p.complete = cut_at(cleaned[1:], lambda ln: bool(_KNS_COPYRIGHT.match(ln)))
    if rest and not starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    return p


def _kcna_co_jp_body(shape: str, lines: list[str]) -> SitePage:
    """S5: a Korean kcna.co.jp item captured body-only (dateline glued, ``(끝)``)."""
    p = SitePage(shape, "KCNA.co.jp")
    p.body(lines)
    return p


def _rodong(shape: str, lines: list[str]) -> SitePage:
    """S6: view date, outlet, title (and subtitle), section-date line, body, outlet credit."""
    p = SitePage(shape, "Rodong Sinmun")
    i = 0
    view = sitedates.read_view_date(lines[0])
    if view is not None:
        p.capture_date = view.date
        i = 1
    outlet_name = None
    if i < len(lines) and lines[i] in _RODONG_OUTLET:
        outlet_name = lines[i]
        i += 1
    at = next((j for j in range(i, min(len(lines), i + 8)) if sitedates.read_section_date(lines[j])), None)
    if at is None:
        if outlet_name is None:
            raise NotADump("S6: a Rodong Sinmun view date, but neither the outlet line nor a section-date line")
        if i < len(lines) and not starts_dateline(lines[i]):
            p.title = lines[i]
            i += 1
        p.problems.append("no section-date line (captured before it)")
        body = lines[i:]
    else:
        heads = lines[i:at]
        if heads:
            p.title = heads[0]
            p.paras.extend(heads[1:])  # a subtitle: body text, not the lede
            p.lede_at = len(heads) - 1
        sd = sitedates.read_section_date(lines[at])
        p.readings.append(("section date", sd.date if sd else None))
        body = lines[at + 1 :]
    credits = {outlet_name} if outlet_name else set(_RODONG_OUTLET)
    if body and body[-1] in credits:
        body = body[:-1]
        p.complete = True
    p.body(body)
    return p


def _rodong_old(shape: str, lines: list[str]) -> SitePage:
    """S7: series heading, title, body, byline; the date is only in the address."""
    p = SitePage(shape, "Rodong Sinmun")
    p.warnings.append(f"series heading, not the title: {lines[0]!r}")
    p.title = lines[1]
    p.body(lines[2:])
    p.complete = True  # ends with its byline
    p.undated_why = "no date in the text (old rodong.rep.kp pages carry it only in their address)"
    return p


def _vok(shape: str, lines: list[str]) -> SitePage:
    """S9: menu line (or none), title, indented paragraphs; no date, no dateline."""
    p = SitePage(shape, "Voice of Korea")
    if _MENU.match(lines[0]):
        lines = lines[1:]
    if not lines:
        raise NotADump("S9: a Voice of Korea menu line with nothing under it")
    p.title = lines[0]
    p.body(lines[1:])
    p.undated_why = "no date in the text (Voice of Korea pages carry it only in their address)"
    return p


def _pyongyang_times(shape: str, lines: list[str]) -> SitePage:
    """S10: title, date glued to paragraph 1, ``KCNA`` credit."""
    p = SitePage(shape, "Pyongyang Times")
    p.title = lines[0]
    d = sitedates.read_glued_date(lines[1])
    assert d is not None  # detect saw it
    p.readings.append(("date line", d.date))
    body = ([d.rest] if d.rest else []) + lines[2:]
    if body and body[-1] == "KCNA":
        body = body[:-1]
        p.complete = True
    p.body(body)
    return p


def _uriminzokkiri(shape: str, lines: list[str]) -> SitePage:
    """S11: page date (not the article's), title, KCNA dateline, ``-0-``, chrome."""
    p = SitePage(shape, "Uriminzokkiri")
    pd = sitedates.read_uriminzokkiri_date(lines[0])
    p.capture_date = p.page_date = pd.date if pd else None
    rest, found = cut_at(lines[1:], lambda ln: bool(_FEEDBACK.match(ln)) or ln.startswith("Copyright"))
    if rest and not starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    p.complete = p.complete or found
    return p


def _dprktoday(shape: str, lines: list[str]) -> SitePage:
    """S12: Korean menu chrome, title, KCNA dateline, share lines."""
    p = SitePage(shape, "DPRK Today")
    if _DPRKTODAY.match(lines[0]):
        lines = lines[1:]
    rest, p.complete = cut_at(lines, lambda ln: ln.endswith(_SHARE) or bool(_FEEDBACK.match(ln)))
    if rest and not starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    return p


def _minju(shape: str, lines: list[str]) -> SitePage:
    """S13: ``image`` placeholder, long title, paragraphs; no date; or untitled with a copyright line."""
    p = SitePage(shape, "Minju Choson")
    rest, p.complete = cut_at(lines, lambda ln: bool(_MINJU_COPYRIGHT.match(ln)))
    if rest and rest[0] == "image":
        rest = rest[1:]
        if rest:
            p.title, rest = rest[0], rest[1:]
    p.body(rest)
    p.undated_why = "no date in the text (Minju Joson pages carry none)"
    return p


def _sinbo(shape: str, lines: list[str]) -> SitePage:
    """S14: title, posting date-time glued to a section word and paragraph 1 (or a subtitle)."""
    p = SitePage(shape, "Choson Sinbo")
    p.title = lines[0]
    body = list(lines[1:])
    if body and body[-1] == _SINBO_CREDIT:
        body.pop()
        p.complete = True
    posted = sitedates.read_posted(body[0]) if body else None
    if posted is not None:
        p.readings.append(("posting date", posted.date))
        rest = posted.rest
        section = next((s for s in _SINBO_SECTIONS if rest.startswith(s)), None)
        if section:
            rest = rest[len(section) :]
        elif rest:
            p.warnings.append(f"section word not known, kept with the text: {rest[:12]!r}")
        body = ([rest] if rest.strip() else []) + body[1:]
        if body and not _SENTENCE_END.search(body[0]) and len(body) > 1:
            p.lede_at = 1  # a subtitle
    else:
        p.problems.append("no posting date line")
    # captures can repeat the opening paragraphs: keep each paragraph once
    seen: set[str] = set()
    unique = []
    for para in body:
        key = fold(para)
        if key in seen:
            continue
        seen.add(key)
        unique.append(para)
    if len(unique) < len(body):
        p.warnings.append(f"{len(body) - len(unique)} repeated paragraph(s) dropped")
    p.body(unique)
    return p


def _kass(shape: str, lines: list[str]) -> SitePage:
    """S15: a kass.org.kp text page: chrome line, no title, no date."""
    p = SitePage(shape, "KASS")
    p.body(lines[1:] if _KASS_CHROME.match(lines[0]) else lines)
    p.undated_why = "no date in the text (kass.org.kp pages carry none)"
    return p


_READERS: dict[str, Callable[[str, list[str]], SitePage]] = {
    "S1": _kcna_kp,
    "S1a": _kcna_kp,
    "S2": _kcna_kp,
    "S3": _kcna_co_jp,
    "S5": _kcna_co_jp_body,
    "S6": _rodong,
    "S7": _rodong_old,
    "S9": _vok,
    "S10": _pyongyang_times,
    "S11": _uriminzokkiri,
    "S12": _dprktoday,
    "S13": _minju,
    "S14": _sinbo,
    "S15": _kass,
    "R1": reposts.globalsecurity,
    "R2": reposts.north38,
    "R3": reposts.nkaggregator,
    "R4": reposts.oananews,
    "R5": reposts.dailynk,
}

#: index and list pages: no article on them
INDEXES = {
    "S4": "a kcna.co.jp day index (a list of headlines, no article)",
    "S8": "a rodong.rep.kp section list (titles and ledes of several articles, no article)",
}


def read(lines: list[str], raw: str = "") -> Dump | None:
    """The page read as the site shape it has; None when it has none kcna knows."""
    shape = detect(lines, raw)
    return parse(shape, lines) if shape is not None else None


def parse(shape: str, lines: list[str]) -> Dump:
    """Read a page of a shape ``detect`` found. Raises ``NotADump`` for index pages."""
    if shape in INDEXES:
        raise NotADump(f"index page: {INDEXES[shape]}")
    if shape == "R6":
        return reposts.kldr(shape, lines)
    return _READERS[shape](shape, lines).build()
