"""What every reader of a site page shares: the ``_Page`` it fills and turns into a ``Dump``.

``sites.py`` tells the shapes apart and reads the DPRK sites' pages;
``reposts.py`` reads the reposting sites'. Both fill a ``SitePage``: title,
paragraphs (end marks cut, a Korean dateline line joined to the first
paragraph), date readings; ``build`` reads the dateline in any language,
reconciles the dates, tells the language and names the source.
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

#: ``source_note`` of a site page: its source is named from the site the page was saved from,
#: not printed as a label (a KCNA Watch capture of the same item names it first)
SOURCE_NOTE = "site"

#: agencies a dateline names that make a story KCNA's
_KCNA_AGENCIES = ("kcna", "acnc", "atcc", "цтак", "조선중앙통신", "朝鮮中央通信", "朝中社")

_STAMP_LINE = re.compile(r"(?i)^(?:www\.)?kcna\.kp\s*\(")


def starts_dateline(line: str) -> bool:
    return sitedates.read_dateline(line) is not None


def is_end_stamp(line: str) -> bool:
    return bool(_STAMP_LINE.match(line)) and dates.read_stamp(line) is not None


class SitePage:
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
            if stripped and not sitedates.joined_to_dateline(out, stripped):
                out.append(stripped)
            if stripped != line:
                self.complete = True
                rest = lines[n + 1 :]
                if rest and is_end_stamp(rest[0]):  # a repost that kept the kcna.kp stamp
                    st = dates.read_stamp(rest[0])
                    self.readings.append(("stamp", st[0] if st else None))
                    rest = rest[1:]
                if rest:
                    self.warnings.append(f"text after the end of the article, not stored: {rest[:3]!r}")
                break
        self.paras.extend(out)

    def build(self) -> Dump:
        if self.title is not None and starts_dateline(self.title):
            self.paras.insert(0, self.title)  # a dateline is the story's first words, never its title
            self.title = None
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
        if not group and dl is not None and kcna_dateline(lede or ""):
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
            source_note=SOURCE_NOTE if source else None,
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


def kcna_dateline(lede: str) -> bool:
    head = unicodedata.normalize("NFKC", lede[:120]).lower()
    return any(a in head for a in _KCNA_AGENCIES)


def cut_at(lines: list[str], stop: Callable[[str], bool]) -> tuple[list[str], bool]:
    """Lines up to the first one ``stop`` accepts; whether one was found."""
    for i, ln in enumerate(lines):
        if stop(ln):
            return lines[:i], True
    return lines, False
