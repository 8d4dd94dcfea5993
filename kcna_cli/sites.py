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
import unicodedata
from collections.abc import Callable

from . import dates, language, sitedates
from .parse import Dump, NotADump, Record, fold, outlet_group
from .sitedates import Dateline
from .text import cut_end_mark

#: how a language appears in a source label (as KCNA Watch writes ``(En)``, ``(Kr)``)
TAGS = {"en": "En", "ko": "Kr", "ja": "Jp", "zh": "Ch", "ru": "Ru", "es": "Sp", "fr": "Fr", "de": "De", "cs": "Cs"}

#: agencies a dateline names that make a story KCNA's
_KCNA_AGENCIES = ("kcna", "acnc", "atcc", "цтак", "조선중앙통신", "朝鮮中央通信", "朝中社")

# --- end marks, chrome, fixed strings ----------------------------------------------------

_STAMP_LINE = re.compile(r"(?i)^(?:www\.)?kcna\.kp\s*\(")
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
_IMAGE_CREDIT = "Image credit:"
_RELATED = ("Related posts:", "関連記事")
_ADVERT = re.compile(r"(?i)^(Find a Security Clearance Job!|UNITED24\b)")
_GS_SECTION = "Weapons of Mass Destruction (WMD)"
_GS_SOURCE = re.compile(r"(?i)^Korean Central News Agency of DPRK via Korea News Service")
_OANA_CHROME = re.compile(
    r"(?i)^(ID\s*:|Auther\s*:|Author\s*:|Shortlink\s*:|https?://\S+$|The shortlink cope?id|\d{3,9}$)"
)
_DAILYNK_INTRO = "同通信の報道全文は次のとおり。"
_CZECH_MORE = "Číst dál"
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


def _starts_dateline(line: str) -> bool:
    return sitedates.read_dateline(line) is not None


def _is_end_stamp(line: str) -> bool:
    return bool(_STAMP_LINE.match(line)) and dates.read_stamp(line) is not None


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
    if _is_end_stamp(last) or sitedates.read_glued_stamp(last) is not None:
        if _starts_dateline(first):
            return "S1a"
        if _digest_title(first):
            return "S2"
        return "S1"
    opening = sitedates.read_dateline(first) if first[:1].isascii() else None
    if opening is not None and opening.language == "en":
        return None  # an English dateline first, no stamp: a KCNA Watch body-only page (or a cut repost)
    if _MENU.match(first):
        return "S9"
    # fixed strings near the top and the bottom, tested on the joined lines first
    head, tail = "\n".join(lines[:8]), "\n".join(lines[-12:])
    view = sitedates.read_view_date(first) is not None
    if view or second in _RODONG_OUTLET or first in _RODONG_OUTLET:
        if ">" in head and any(_RODONG_LIST.match(ln) for ln in lines[:6]):
            return "S8"
        return "S6"
    if _SECTION_DATE_HINT.search(head) and any(sitedates.read_section_date(ln) for ln in lines[:6]):
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
    if first.startswith("ID :") or first == "ID:":
        return "R4"
    if (_GS_SECTION in head or "via Korea News Service" in head) and any(
        ln == _GS_SECTION or _GS_SOURCE.match(ln) for ln in lines[:8]
    ):
        return "R1"
    if first == "State Media" or last == "An affiliate of 38 North":
        return "R2"
    if first == "한국어" or (
        (_IMAGE_CREDIT in tail or _RELATED[0] in tail)
        and any(ln.startswith(_IMAGE_CREDIT) or ln == _RELATED[0] for ln in lines[-6:])
    ):
        return "R3"
    if _cut_image_credit(last) and _starts_dateline(second):
        return "R3"
    if first == _DAILYNK_INTRO or (_RELATED[1] in tail and any(ln == _RELATED[1] for ln in lines[-6:])):
        return "R5"
    if first.startswith("Pchjongjang") and "(KCNA)" in first[:80]:
        return "R6"
    if _KASS_CHROME.match(first):
        return "S15"
    if _BYLINE_TEAM.match(last) and len(lines) >= 4 and not _starts_dateline(lines[1]):
        return "S7"
    d = sitedates.read_dateline(first)
    if (
        d is not None
        and d.language == "ko"
        and cut_end_mark(last) != last
        and not any(dates.LONG_DATE.match(ln) for ln in lines)
    ):
        return "S5"
    if raw and len(lines) >= 2 and _many_blank_lines(raw) and not _starts_dateline(second):
        return "S9"
    return None


def _cut_image_credit(line: str) -> bool:
    """A capture cut inside ``Image credit:`` (``Imag``)."""
    return 3 <= len(line) < len(_IMAGE_CREDIT) and _IMAGE_CREDIT.startswith(line)


def _digest_title(line: str) -> bool:
    return line in ("Press Review", "Review of Rodong Sinmun") or line.endswith("新聞概観")


# --- building the record ---------------------------------------------------------------------


class _Page:
    """What a shape reader found, turned into a ``Dump`` by ``build``."""

    def __init__(self, shape: str, outlet: str | None, *, site: str | None = None) -> None:
        self.shape = shape
        self.outlet = outlet
        self.site = site  # a repost's site, the source when there is no outlet
        self.title: str | None = None
        self.paras: list[str] = []
        self.readings: list[tuple[str, str | None]] = []
        #: a date printed on the page after the story (the year of a year-less dateline)
        self.page_date: str | None = None
        self.capture_date: str | None = None
        self.complete = False
        self.warnings: list[str] = []
        self.problems: list[str] = []
        self.undated_why: str | None = None
        #: paragraphs before the lede that belong to the body (a subtitle)
        self.lede_at = 0

    def body(self, lines: list[str]) -> None:
        """Paragraphs from ``lines`` up to an end mark (dropped); a dateline alone joins the next line."""
        out: list[str] = []
        for n, line in enumerate(lines):
            stripped = cut_end_mark(line)
            if stripped:
                if len(out) == 1 and sitedates.is_dateline_only(out[0]) and not _starts_dateline(stripped):
                    out[0] = out[0] + " " + stripped
                else:
                    out.append(stripped)
            if stripped != line:
                self.complete = True
                if n + 1 < len(lines):
                    self.warnings.append(f"text after the end of the article, not stored: {lines[n + 1 : n + 4]!r}")
                break
        self.paras.extend(out)

    def build(self) -> Dump:
        if self.title is not None and not self.title.strip():
            self.title = None
        lede = self.paras[self.lede_at] if len(self.paras) > self.lede_at else None
        dl: Dateline | None = sitedates.read_dateline(lede)
        lang = dl.language if dl else language.detect("\n".join([self.title or "", *self.paras[:4]]))
        if lang is None:
            raise NotADump(f"{self.shape}: no title or text with letters in it")
        dl_iso = None
        if dl is not None:
            if dl.year:
                dl_iso = dates.iso(dl.year, dl.month, dl.day)
            else:
                near = next((d for _, d in self.readings if d), None) or self.page_date
                if near:
                    dl_iso = sitedates.dateline_year(dl.month, dl.day, near, not_after=near == self.page_date)
        readings = [*self.readings, ("dateline", dl_iso)]
        date, note = sitedates.reconcile(readings, self.problems)
        if date is None:
            if dl is not None and not dl.year:
                why = f"dateline gives no year ({dl.month}/{dl.day})"
            else:
                why = self.undated_why or "no date in the text"
            note = "; ".join(filter(None, [note, why]))
        source = f"{self.outlet} ({TAGS.get(lang, lang)})" if self.outlet else self.site
        group = outlet_group(self.outlet)
        if not group and dl is not None and _kcna_dateline(lede or ""):
            group = "kcna"
        if not group and self.site:
            group = fold(self.site)
        rec = Record(
            kind="article",
            title=self.title,
            date=date,
            source=source,
            outlet=self.outlet,
            language=lang,
            dateline=dl.city if dl else None,
            lede=lede,
            body="\n\n".join(self.paras) if self.paras else None,
            date_note=note,
            group=group,
        )
        if not rec.title and not rec.body:
            raise NotADump(f"{self.shape}: neither a title nor text under it")
        return Dump(
            rendering=self.shape,
            capture_date=self.capture_date,
            source=source,
            article=rec,
            teasers=[],
            warnings=self.warnings,
            complete=self.complete,
        )


def _kcna_dateline(lede: str) -> bool:
    head = unicodedata.normalize("NFKC", lede[:120]).lower()
    return any(a in head for a in _KCNA_AGENCIES)


def _cut_at(lines: list[str], stop: Callable[[str], bool]) -> tuple[list[str], bool]:
    """Lines up to the first one ``stop`` accepts; whether one was found."""
    for i, ln in enumerate(lines):
        if stop(ln):
            return lines[:i], True
    return lines, False


# --- the shapes ------------------------------------------------------------------------------


def _kcna_kp(shape: str, lines: list[str]) -> _Page:
    """S1, S1a, S2: kcna.kp article and digest pages (stamp last)."""
    p = _Page(shape, "KCNA.kp")
    lines = list(lines)
    # the first stamp ends the article (pages saved back to back hold one stamp each)
    at = next((i for i, ln in enumerate(lines) if _is_end_stamp(ln)), None)
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


def _kcna_co_jp(shape: str, lines: list[str]) -> _Page:
    """S3: ``calendar>>`` line, title, dateline paragraph, copyright line; ``|`` separators."""
    p = _Page(shape, "KCNA.co.jp")
    cleaned = [ln.rstrip("|").rstrip() for ln in lines]
    cleaned = [ln for ln in cleaned if ln]
    cal = sitedates.read_calendar(cleaned[0])
    p.readings.append(("calendar line", cal.date if cal else None))
    if cal is None:
        p.warnings.append(f"calendar line not read: {cleaned[0]!r}")
    rest, p.complete = _cut_at(cleaned[1:], lambda ln: bool(_KNS_COPYRIGHT.match(ln)))
    if rest and not _starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    return p


def _kcna_co_jp_body(shape: str, lines: list[str]) -> _Page:
    """S5: a Korean kcna.co.jp item captured body-only (dateline glued, ``(끝)``)."""
    p = _Page(shape, "KCNA.co.jp")
    p.body(lines)
    return p


def _rodong(shape: str, lines: list[str]) -> _Page:
    """S6: view date, outlet, title (and subtitle), section-date line, body, outlet credit."""
    p = _Page(shape, "Rodong Sinmun")
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
        if i < len(lines):
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


def _rodong_old(shape: str, lines: list[str]) -> _Page:
    """S7: series heading, title, body, byline; the date is only in the address."""
    p = _Page(shape, "Rodong Sinmun")
    p.warnings.append(f"series heading, not the title: {lines[0]!r}")
    p.title = lines[1]
    p.body(lines[2:])
    p.complete = True  # ends with its byline
    p.undated_why = "no date in the text (old rodong.rep.kp pages carry it only in their address)"
    return p


def _vok(shape: str, lines: list[str]) -> _Page:
    """S9: menu line (or none), title, indented paragraphs; no date, no dateline."""
    p = _Page(shape, "Voice of Korea")
    if _MENU.match(lines[0]):
        lines = lines[1:]
    if not lines:
        raise NotADump("S9: a Voice of Korea menu line with nothing under it")
    p.title = lines[0]
    p.body(lines[1:])
    p.undated_why = "no date in the text (Voice of Korea pages carry it only in their address)"
    return p


def _pyongyang_times(shape: str, lines: list[str]) -> _Page:
    """S10: title, date glued to paragraph 1, ``KCNA`` credit."""
    p = _Page(shape, "Pyongyang Times")
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


def _uriminzokkiri(shape: str, lines: list[str]) -> _Page:
    """S11: page date (not the article's), title, KCNA dateline, ``-0-``, chrome."""
    p = _Page(shape, "Uriminzokkiri")
    pd = sitedates.read_uriminzokkiri_date(lines[0])
    p.capture_date = p.page_date = pd.date if pd else None
    rest, found = _cut_at(lines[1:], lambda ln: bool(_FEEDBACK.match(ln)) or ln.startswith("Copyright"))
    if rest and not _starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    p.complete = p.complete or found
    return p


def _dprktoday(shape: str, lines: list[str]) -> _Page:
    """S12: Korean menu chrome, title, KCNA dateline, share lines."""
    p = _Page(shape, "DPRK Today")
    if _DPRKTODAY.match(lines[0]):
        lines = lines[1:]
    rest, p.complete = _cut_at(lines, lambda ln: ln.endswith(_SHARE) or bool(_FEEDBACK.match(ln)))
    if rest and not _starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    return p


def _minju(shape: str, lines: list[str]) -> _Page:
    """S13: ``image`` placeholder, long title, paragraphs; no date; or untitled with a copyright line."""
    p = _Page(shape, "Minju Choson")
    rest, p.complete = _cut_at(lines, lambda ln: bool(_MINJU_COPYRIGHT.match(ln)))
    if rest and rest[0] == "image":
        rest = rest[1:]
        if rest:
            p.title, rest = rest[0], rest[1:]
    p.body(rest)
    p.undated_why = "no date in the text (Minju Joson pages carry none)"
    return p


def _sinbo(shape: str, lines: list[str]) -> _Page:
    """S14: title, posting date-time glued to a section word and paragraph 1 (or a subtitle)."""
    p = _Page(shape, "Choson Sinbo")
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


def _kass(shape: str, lines: list[str]) -> _Page:
    """S15: a kass.org.kp text page: chrome line, no title, no date."""
    p = _Page(shape, "KASS")
    p.body(lines[1:] if _KASS_CHROME.match(lines[0]) else lines)
    p.undated_why = "no date in the text (kass.org.kp pages carry none)"
    return p


def _globalsecurity(shape: str, lines: list[str]) -> _Page:
    """R1: advert, section, title, source line, indented paragraphs."""
    p = _Page(shape, None, site="globalsecurity.org")
    i = 0
    while i < len(lines) and (_ADVERT.match(lines[i]) or lines[i] == _GS_SECTION):
        i += 1
    if i < len(lines) and not _GS_SOURCE.match(lines[i]) and not _starts_dateline(lines[i]):
        p.title = lines[i]
        i += 1
    while i < len(lines) and _GS_SOURCE.match(lines[i]):
        i += 1
    p.body(lines[i:])
    return p


def _38north(shape: str, lines: list[str]) -> _Page:
    """R2: ``State Media``, title, em dash dateline, ``An affiliate of 38 North``."""
    p = _Page(shape, None, site="38northref.org")
    if lines[0] == "State Media":
        lines = lines[1:]
    if lines and lines[-1] == "An affiliate of 38 North":
        lines = lines[:-1]
        p.complete = True
    if lines and not _starts_dateline(lines[0]):
        p.title, lines = lines[0], lines[1:]
    p.body(lines)
    return p


def _nkaggregator(shape: str, lines: list[str]) -> _Page:
    """R3: (``한국어`` menu), title (``·`` stripped), dateline, ``Image credit:`` / ``Related posts:``."""
    p = _Page(shape, None, site="nkaggregator.com")
    if lines[0] == "한국어":
        lines = lines[1:]

    def chrome(ln: str) -> bool:
        return ln.startswith(_IMAGE_CREDIT) or ln == _RELATED[0]

    rest, p.complete = _cut_at(lines, chrome)
    if not p.complete and rest and _cut_image_credit(rest[-1]):
        rest = rest[:-1]  # cut inside "Image credit"
        p.complete = True
    if rest and not _starts_dateline(rest[0]):
        p.title, rest = rest[0].lstrip("\u00b7 ").strip(), rest[1:]
    p.body(rest)
    return p


def _oananews(shape: str, lines: list[str]) -> _Page:
    """R4: seven chrome lines with a month-first date, title, dateline, ``-0-``."""
    p = _Page(shape, None, site="oananews.org")
    i = 0
    header = None
    while i < len(lines) and i < 9:
        d = sitedates.read_month_first(lines[i])
        if d is not None:
            header = d
        elif not _OANA_CHROME.match(lines[i]):
            break
        i += 1
    p.readings.append(("header date", header.date if header else None))
    rest = lines[i:]
    if rest and not _starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    return p


def _dailynk(shape: str, lines: list[str]) -> _Page:
    """R5: lead-in line, title, 【…】 dateline, ``---``, ``関連記事``."""
    p = _Page(shape, None, site="dailynk.jp")
    if lines[0] == _DAILYNK_INTRO:
        lines = lines[1:]
    rest, found = _cut_at(lines, lambda ln: ln == _RELATED[1])
    if rest and not _starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    p.complete = p.complete or found
    return p


def _kldr(shape: str, lines: list[str]) -> Dump:
    """R6: Czech items, each opened by a full-date dateline; ``Číst dál`` after a cut item."""
    items: list[list[str]] = []
    for ln in lines:
        if ln == _CZECH_MORE:
            continue
        if _starts_dateline(ln) or not items:
            items.append([ln])
        else:
            items[-1].append(ln)
    listing = _CZECH_MORE in lines
    records = []
    for item in items:
        p = _Page(shape, None, site="kldr.info")
        p.body(item)
        rec = p.build().article
        assert rec is not None
        if listing:
            rec.kind, rec.body = "teaser", None
        records.append(rec)
    if listing:
        return Dump(rendering=shape, capture_date=None, source="kldr.info", article=None, teasers=records)
    if len(records) > 1:
        raise NotADump("R6: several items without a 'Číst dál' link: not one article")
    return Dump(rendering=shape, capture_date=None, source="kldr.info", article=records[0], complete=False)


_READERS: dict[str, Callable[[str, list[str]], _Page]] = {
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
    "R1": _globalsecurity,
    "R2": _38north,
    "R3": _nkaggregator,
    "R4": _oananews,
    "R5": _dailynk,
}

#: index and list pages: no article on them
INDEXES = {
    "S4": "a kcna.co.jp day index (a list of headlines, no article)",
    "S8": "a rodong.rep.kp section list (titles and ledes of several articles, no article)",
}


def parse(shape: str, lines: list[str]) -> Dump:
    """Read a page of a shape ``detect`` found. Raises ``NotADump`` for index pages."""
    if shape in INDEXES:
        raise NotADump(f"index page: {INDEXES[shape]}")
    if shape == "R6":
        return _kldr(shape, lines)
    return _READERS[shape](shape, lines).build()
