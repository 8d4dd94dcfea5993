"""Pages of the sites that repost KCNA text (the ``R`` shapes of ``fixtures/README.md``).

globalsecurity.org, 38northref.org, nkaggregator.com, oananews.org,
dailynk.jp and kldr.info: each reader drops the site's chrome and fills a
``SitePage``; the source is the site, the identity KCNA's when the dateline
names the agency.
"""

from __future__ import annotations

import re

from . import sitedates
from .parse import Dump, NotADump
from .sitepage import SitePage, cut_at, starts_dateline

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


def _cut_image_credit(line: str) -> bool:
    """A capture cut inside ``Image credit:`` (``Imag``)."""
    return 3 <= len(line) < len(_IMAGE_CREDIT) and _IMAGE_CREDIT.startswith(line)


def detect(lines: list[str], head: str, tail: str) -> str | None:
    """The repost shape of a page (``R1`` ... ``R6``) from its chrome; None for none.

    ``head`` and ``tail``: the first 8 and last 12 lines joined, for cheap tests first.
    """
    first, last = lines[0], lines[-1]
    second = lines[1] if len(lines) > 1 else ""
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
    if _cut_image_credit(last) and starts_dateline(second):
        return "R3"
    if first == _DAILYNK_INTRO or (_RELATED[1] in tail and any(ln == _RELATED[1] for ln in lines[-6:])):
        return "R5"
    if first.startswith("Pchjongjang") and "(KCNA)" in first[:80]:
        return "R6"
    return None


def globalsecurity(shape: str, lines: list[str]) -> SitePage:
    """R1: advert, section, title, source line, indented paragraphs."""
    p = SitePage(shape, None, site="globalsecurity.org")
    i = 0
    while i < len(lines) and (_ADVERT.match(lines[i]) or lines[i] == _GS_SECTION):
        i += 1
    if i < len(lines) and not _GS_SOURCE.match(lines[i]) and not starts_dateline(lines[i]):
        p.title = lines[i]
        i += 1
    while i < len(lines) and _GS_SOURCE.match(lines[i]):
        i += 1
    p.body(lines[i:])
    return p


def north38(shape: str, lines: list[str]) -> SitePage:
    """R2: ``State Media``, title, em dash dateline, ``An affiliate of 38 North``."""
    p = SitePage(shape, None, site="38northref.org")
    if lines[0] == "State Media":
        lines = lines[1:]
    if lines and lines[-1] == "An affiliate of 38 North":
        lines = lines[:-1]
        p.complete = True
    if lines and not starts_dateline(lines[0]):
        p.title, lines = lines[0], lines[1:]
    p.body(lines)
    return p


def nkaggregator(shape: str, lines: list[str]) -> SitePage:
    """R3: (``한국어`` menu), title (``·`` stripped), dateline, ``Image credit:`` / ``Related posts:``."""
    p = SitePage(shape, None, site="nkaggregator.com")
    if lines[0] == "한국어":
        lines = lines[1:]

    def chrome(ln: str) -> bool:
        return ln.startswith(_IMAGE_CREDIT) or ln == _RELATED[0]

    rest, p.complete = cut_at(lines, chrome)
    if not p.complete and rest and _cut_image_credit(rest[-1]):
        rest = rest[:-1]  # cut inside "Image credit"
        p.complete = True
    if rest and not starts_dateline(rest[0]):
        p.title, rest = rest[0].lstrip("\u00b7 ").strip(), rest[1:]
    p.body(rest)
    return p


def oananews(shape: str, lines: list[str]) -> SitePage:
    """R4: seven chrome lines with a month-first date, title, dateline, ``-0-``."""
    p = SitePage(shape, None, site="oananews.org")
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
    if rest and not starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    return p


def dailynk(shape: str, lines: list[str]) -> SitePage:
    """R5: lead-in line, title, 【…】 dateline, ``---``, ``関連記事``."""
    p = SitePage(shape, None, site="dailynk.jp")
    if lines[0] == _DAILYNK_INTRO:
        lines = lines[1:]
    rest, found = cut_at(lines, lambda ln: ln == _RELATED[1])
    if rest and not starts_dateline(rest[0]):
        p.title, rest = rest[0], rest[1:]
    p.body(rest)
    p.complete = p.complete or found
    return p


def kldr(shape: str, lines: list[str]) -> Dump:
    """R6: Czech items, each opened by a full-date dateline; ``Číst dál`` after a cut item."""
    items: list[list[str]] = []
    for ln in lines:
        if ln == _CZECH_MORE:
            continue
        if starts_dateline(ln) or not items:
            items.append([ln])
        else:
            items[-1].append(ln)
    listing = _CZECH_MORE in lines
    records = []
    for item in items:
        p = SitePage(shape, None, site="kldr.info")
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
