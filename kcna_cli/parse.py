"""Parse KCNA Watch page dumps: text in, records out, no I/O.

A dump is the plain text of one KCNA Watch page. ``split_pages`` cuts a file
that holds several pages back to back into one text per page, and
``parse_page`` reads one page into a ``Dump``: the main ``Record`` (kind
``article``) and the ``Record`` of each "More From" teaser (kind
``teaser``). A text that is not a dump raises ``NotADump`` with a reason a
user can read. ``parse_text`` does both and never raises.

Three renderings are understood (see ``fixtures/README.md``):

* page: capture-date line, ``KCNA <label>`` line, title, ``Date:`` line,
  paragraphs, ``More From <label>``, teasers (title, title, lede, date, lede);
* body-only: paragraphs from the first line, teasers as lede / date / lede;
* old layout: no capture line, ``Share Button`` noise, a newsletter footer.

Any part after the title may be missing: the parser keeps what is there and
never invents the rest. ``fold`` and ``Record.key`` define identity
(README "How dumps are read"): normalized title, publication date, outlet.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import asdict, dataclass, field

from . import captures, dates, sitedates, urls
from . import language as languages
from .split import _CANDIDATE_LINE, _LABEL_LINE, PageText, split_pages  # noqa: F401 - _CANDIDATE_LINE: as before
from .text import clean_line, clean_lines, cut_end_mark, fold, normalize

# re-exported: the text rules of identity, and the page splitting of ``split``
__all__ = ["PageText", "clean_line", "clean_lines", "fold", "normalize", "split_pages"]

# --- source labels --------------------------------------------------------------

_LABEL = re.compile(r"^(?P<outlet>.*?)\s*\((?P<lang>[A-Za-z]{2,3})\)\s*$")
LANGUAGES = {
    "en": "en",
    "kr": "ko",
    "ko": "ko",
    "ru": "ru",
    "sp": "es",
    "es": "es",
    "fr": "fr",
    "cn": "zh",
    "ch": "zh",
    "zh": "zh",
    "jp": "ja",
    "ja": "ja",
    "ar": "ar",
    "de": "de",
}


def split_label(label: str | None) -> tuple[str | None, str | None]:
    """``KCNA.kp (En)`` -> ``("KCNA.kp", "en")``; ``Pyongyang Times`` -> (it, None)."""
    if not label:
        return None, None
    m = _LABEL.match(label)
    if not m:
        return label.strip() or None, None
    tag = m.group("lang").lower()
    return (m.group("outlet").strip() or None), LANGUAGES.get(tag, tag)


def outlet_group(outlet: str | None) -> str:
    """The outlet as identity sees it: KCNA.kp and KCNA.co.jp are one, KCNA."""
    if not outlet:
        return ""
    low = outlet.strip().lower()
    if low in ("kcna", "kcna.kp", "kcna.co.jp", "www.kcna.kp", "www.kcna.co.jp"):
        return "kcna"
    return fold(low)


# --- records ------------------------------------------------------------------------


@dataclass
class Record:
    """One item as read from one dump: the main article or a teaser."""

    kind: str  # "article" or "teaser"
    title: str | None
    date: str | None
    source: str | None
    outlet: str | None
    language: str | None
    dateline: str | None
    lede: str | None
    body: str | None
    date_note: str | None = None
    group: str = ""  # identity outlet (see outlet_group)
    #: how ``source`` was inferred when the page printed none (``captures.inferred_source``)
    source_note: str | None = None
    url: str | None = None  # the item's address, when the dump has one (kcna_cli.links)

    @property
    def key(self) -> str:
        """Identity: outlet, date, folded title (folded lede when untitled)."""
        key = self.__dict__.get("_key")  # computed once (records are not changed after parsing)
        if key is None:
            if self.title:
                key = f"{self.group}|{self.date or ''}|{fold(self.title)}"
            else:
                key = f"{self.group}|{self.date or ''}|lede:{self.lede_prefix}"
            self.__dict__["_key"] = key
        return key

    @property
    def lede_key(self) -> str | None:
        """Outlet, date and the lede's first words: matches untitled records."""
        if not self.lede:
            return None
        return f"{self.group}|{self.date or ''}|{self.lede_prefix}"

    @property
    def lede_prefix(self) -> str:
        prefix = self.__dict__.get("_lede_prefix")  # computed once, as ``key``
        if prefix is None:
            prefix = self.__dict__["_lede_prefix"] = fold(self.lede or "")[:80]
        return prefix

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Dump:
    """One page: its capture date, label, main article and teasers."""

    rendering: str  # "page", "body-only" or "old"
    capture_date: str | None
    source: str | None
    article: Record | None
    teasers: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the article text reached its end (end mark, stamp, teaser list or
    #: footer); False for a capture cut off mid-body, whose text is partial
    complete: bool = True

    @property
    def records(self) -> list[Record]:
        return ([self.article] if self.article else []) + self.teasers

    def to_dict(self) -> dict:
        return {
            "rendering": self.rendering,
            "capture_date": self.capture_date,
            "source": self.source,
            "article": self.article.to_dict() if self.article else None,
            "teasers": [t.to_dict() for t in self.teasers],
            "warnings": list(self.warnings),
            "complete": self.complete,
        }


class NotADump(ValueError):
    """The text is not recognizable as a KCNA Watch page."""


@dataclass
class Page:
    """One page cut from a file: its number (1-based), text, and what it parsed to."""

    number: int
    text: str
    dump: Dump | None
    error: str | None = None
    #: work for storing it done ahead, in a parse worker (``store.prepare``)
    prepared: dict | None = None

    @property
    def sha256(self) -> str:
        if self.prepared:
            return self.prepared["sha256"]
        return content_hash(self.text)

    @property
    def chars(self) -> int:
        """Length of the page text (kept when ``prepare`` let the text go)."""
        return self.prepared["chars"] if self.prepared else len(self.text)


def content_hash(text: str) -> str:
    """Hash of a page with line endings and trailing spaces normalized."""
    if text.isascii() and "\r" not in text and not _trailing_space(text):
        canon = text.strip("\n")  # the usual page: no line changes (same hash, no split)
    else:
        lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        canon = "\n".join(lines).strip("\n")
    return hashlib.sha256(canon.encode("utf-8", "surrogatepass")).hexdigest()


#: ASCII whitespace that ``str.rstrip`` would take off the end of a line
_ASCII_SPACE = " \t\x0b\x0c\x1c\x1d\x1e\x1f"


def _trailing_space(text: str) -> bool:
    """Does an ASCII text hold a line ending in whitespace? (substring tests: faster than a regex here;
    a character the text lacks costs one memchr)"""
    return text.endswith(tuple(_ASCII_SPACE)) or any(c in text and c + "\n" in text for c in _ASCII_SPACE)


# --- line classes -----------------------------------------------------------------

_MORE_FROM = re.compile(r"(?i)^More From\s*(?P<label>.*)$")
_MORE_ARTICLES = re.compile(r"(?i)^More Articles\.?$")
_FOOTER_TEXT = r"(Get North Korea headlines delivered to your inbox|Subscribe to\b|Sign up for (our|the) newsletter)"
_FOOTER = re.compile(r"(?i)^" + _FOOTER_TEXT)
_NOISE = re.compile(r"(?i)^(Share Button|Share|Join the NK Pro team|Print|Tweet)$")


#: every line the four patterns above can match starts so: one test skips them all
_SPECIAL_START = re.compile(r"(?i)^(?:More |Get North|Subscribe|Sign up|Share|Join the|Print|Tweet)")
#: the first characters of those lines (a set test before the regex)
_SPECIAL_FIRST = frozenset("MGSJPTmgsjpt\u017f")  # \u017f: long s, which (?i) matches as s

#: a page of the old layout has a "Share Button" or a footer line (one pass over its joined lines)
_OLD_LAYOUT_LINE = re.compile(r"(?im)^(?:Share Button$|" + _FOOTER_TEXT + ")")
#: lower-case words one of which every line ``_OLD_LAYOUT_LINE`` matches holds
_OLD_LAYOUT_WORDS = ("share button", "get north korea headlines", "subscribe to", "sign up for")
#: lines ``split_pages`` looks at (a capture-date or a ``KCNA <label>`` line), in
#: cleaned lines joined by newlines; a superset of what those readers accept


def _old_layout(lines: list[str]) -> bool:
    """Does the page hold a Share Button or footer line? (A multi-line ``^`` search
    tries every position of the page: its words are looked for first, in C.)"""
    joined = "\n".join(lines)
    low = joined.lower()
    return any(w in low for w in _OLD_LAYOUT_WORDS) and _OLD_LAYOUT_LINE.search(joined) is not None


def _is_noise(line: str) -> bool:
    return bool(_NOISE.match(line))


def _maybe_date(line: str) -> bool:
    """Cheap pre-test of date and capture lines (a month name ... a year)."""
    return line[-1:].isdigit() and line[:1].isalpha()


def _similar(a: str, b: str) -> bool:
    """Two printings of one teaser lede (the second may be cut shorter)."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    return fa == fb or fa.startswith(fb) or fb.startswith(fa)


def _dateline(paragraph: str | None) -> tuple[str | None, int | None, int | None]:
    """``Pyongyang, February 10 (KCNA) --`` -> (city, month, day), in every language of ``sitedates``."""
    return _dateline_of(paragraph[:300]) if paragraph else (None, None, None)


@functools.lru_cache(maxsize=1 << 12)
def _dateline_of(head: str) -> tuple[str | None, int | None, int | None]:
    # cached by the paragraph's first characters, the only ones read: a cache keyed
    # by whole first paragraphs held megabytes of article text in a long ingest
    d = sitedates.read_dateline(normalize(head))
    return (d.city, d.month, d.day) if d else (None, None, None)


# --- parsing one page ----------------------------------------------------------------


def parse_page(text: str) -> Dump:
    """Read one page. Raises ``NotADump`` when nothing in it is recognizable."""
    # long: one pass down the page's lines whose steps share the cursor and what
    # was found so far (label, title, date line, body end, teaser list); to be
    # split into per-part readers returning the cursor once the site shapes land
    lines = getattr(text, "lines", None)
    if lines is None:
        lines = [ln for ln in map(clean_line, text.replace("\r\n", "\n").replace("\r", "\n").split("\n")) if ln]
    if not lines:
        raise NotADump("empty: no text")
    warnings: list[str] = []
    idx = 0
    capture_date = None
    rendering = "page"

    cap = dates.read_capture_line(lines[0])
    if cap is not None:
        capture_date = cap[0]
        idx = 1
        if cap[0] is None:
            warnings.append(f"capture date does not exist: {lines[0]!r}")

    # the Date: line, within the first few lines of the header
    date_at = None
    for j in range(idx, min(len(lines), idx + 8)):
        if dates.DATE_LINE.match(lines[j]):
            date_at = j
            break
        if _MORE_FROM.match(lines[j]):
            break

    if cap is None and date_at is None and not _LABEL_LINE.match(lines[0]):
        from . import sites  # not a KCNA Watch page: one saved from another site, when its shape is known

        if (site := sites.read(lines, text)) is not None:
            return site

    label = None
    if idx < len(lines):
        m = _LABEL_LINE.match(lines[idx])
        title_room = date_at is None or date_at > idx + 1
        evidence = date_at is not None or capture_date is not None or _LABEL.match(m.group("label")) if m else None
        if m and title_room and evidence:
            label = m.group("label").strip()
            idx += 1

    title = None
    date_line = None
    body_start = idx
    if date_at is not None:
        date_line = dates.read_date_line(lines[date_at])
        t = date_at - 1
        while t >= idx and _is_noise(lines[t]):
            t -= 1
        if t >= idx:
            title = lines[t]
            if t > idx:
                warnings.append(f"unrecognized header lines: {lines[idx:t]!r}")
        body_start = date_at + 1
    elif (label is not None or capture_date is not None) and idx < len(lines) and not _MORE_FROM.match(lines[idx]):
        # header without a Date: line: the capture was cut right after the title
        title = lines[idx]
        body_start = idx + 1

    if _old_layout(lines):
        rendering = "old"
    if title is None and date_line is None and label is None and capture_date is None:
        rendering = "body-only"

    source = (date_line.source if date_line else None) or label
    if label and source and split_label(source)[0] is None:
        # old layout: "Source: (En)" names no outlet; the label line does
        source = label

    # body, up to the end marker / stamp / More From / teaser triple / footer
    body: list[str] = []
    trailer: list[str] = []
    stamp_date = None
    ended = False
    teaser_lines: list[str] = []
    more_from_label = None
    stop = False
    reached_end = False
    stamp_seen = False
    paywalled = False  # the article was cut at a subscription upsell
    j = body_start
    while j < len(lines):
        line = lines[j]
        special = line[:1] in _SPECIAL_FIRST  # footer, "More ..." and noise lines start so
        if special and (_FOOTER.match(line) or _MORE_ARTICLES.match(line)):
            stop = reached_end = True
            break
        if body and not ended and captures.is_paywall(line):
            paywalled = True
            j += 1
            continue
        if special and _is_noise(line):
            j += 1
            continue
        mf = _MORE_FROM.match(line) if special else None
        if mf:
            more_from_label = mf.group("label").strip() or None
            reached_end = True
            j += 1
            break
        st = dates.read_stamp(line) if line[-1:] == ")" else None  # a stamp ends so
        if st is not None:
            stamp_seen = True
            if st[0] is None:
                warnings.append(f"stamp date does not exist: {st[1]!r}")
            else:
                stamp_date = stamp_date or st[0]
            ended = True
            j += 1
            continue
        if (
            j + 2 < len(lines)
            and _maybe_date(lines[j + 1])
            and dates.LONG_DATE.match(lines[j + 1])
            and _similar(line, lines[j + 2])
        ):
            # teasers without a "More From" line: lede / date / lede, maybe
            # after the title printed twice, which is not body text
            if j - 2 >= body_start and fold(lines[j - 1]) == fold(lines[j - 2]):
                taken = trailer if trailer else body
                if len(taken) >= 2:
                    del taken[-2:]
                    j -= 2
            reached_end = True
            break
        if paywalled:  # the rest of the upsell, up to the teaser list
            j += 1
            continue
        if ended:
            trailer.append(line)
        else:
            stripped = cut_end_mark(line)
            if stripped != line:
                ended = True
            if stripped and not sitedates.joined_to_dateline(body, stripped):  # a Korean dateline line
                body.append(stripped)
        j += 1

    if not stop:
        teaser_lines = lines[j:]
    if trailer:
        warnings.append(f"text after the end of the article: {trailer!r}")
    if paywalled:
        warnings.append("article cut at the subscription upsell (removed)")
    if rendering == "body-only" and more_from_label is None and not teaser_lines:
        reason = captures.half_read(body)
        if reason:
            raise NotADump(f"not a KCNA Watch page shape (only the www.kcna.kp stamp or end mark matched): {reason}")

    # teasers
    teaser_source = more_from_label or source
    teasers = _parse_teasers(teaser_lines, teaser_source, warnings)

    # main article
    article = None
    if title is not None or body:
        outlet, language = split_label(source)
        if language is None and date_line is not None and date_line.source:
            language = split_label(date_line.source)[1]
        lede = body[0] if body else None
        city, month, day = _dateline(lede)
        language = language or languages.of_article(title, lede, body[1] if len(body) > 1 else None)
        problems = []
        if date_line is not None and date_line.date is None:
            problems.append(f"Date: line {date_line.text} is not a real date")
        dl_date = date_line.date if date_line else None
        near = dl_date or stamp_date or capture_date
        dateline_iso = dates.dateline_date(month, day, near) if month and day else None
        if month and near is None:
            problems.append(f"dateline gives no year ({month}/{day})")
        rec = dates.reconcile(dl_date, dateline_iso, stamp_date, problems=problems)
        group = outlet_group(outlet)
        if not group and (stamp_date or (lede and "(KCNA)" in normalize(lede))):
            group = "kcna"
        article = Record(
            kind="article",
            title=title,
            date=rec.date,
            source=source,
            outlet=outlet,
            language=language,
            dateline=city,
            lede=lede,
            body="\n\n".join(body) if body else None,
            date_note=rec.note,
            group=group,
            url=urls.date_line_url(lines[date_at]) if date_at is not None else None,
        )
        if title is None and not (city or stamp_date or ended or teasers):
            # body-only text with no KCNA trace at all: not a dump
            article = None

    if article is not None and article.source is None:
        inferred, note = captures.inferred_source(more_from_label, stamp_seen, article.lede)
        if inferred:
            article.source, article.source_note = inferred, note
            article.outlet, article.language = split_label(inferred)[0], split_label(inferred)[1] or article.language
            article.group = article.group or outlet_group(article.outlet)

    if article is None and not teasers:
        raise NotADump(_why_not(lines))

    # teasers repeated within the page are one teaser
    seen: set[str] = {article.key} if article else set()
    unique = []
    for teaser in teasers:
        if teaser.key in seen:
            continue
        seen.add(teaser.key)
        unique.append(teaser)
    return Dump(
        rendering=rendering,
        capture_date=capture_date,
        source=source or teaser_source,
        article=article,
        teasers=unique,
        warnings=warnings,
        complete=_complete(body, reached_end=reached_end, ended=ended, paywalled=paywalled),
    )


def _complete(body: list[str], *, reached_end: bool, ended: bool, paywalled: bool) -> bool:
    """Did the article text reach its end? (README "How dumps are read": the cut-off rule)

    An end mark or stamp ends it. A teaser list or footer ends the page, but
    a last paragraph stopping mid-word or mid-sentence is still cut off, and
    so is a text stopped by the subscription upsell.
    """
    if paywalled:
        return False
    if ended:
        return True
    return reached_end and not captures.ends_mid_sentence(body[-1] if body else None)


def _why_not(lines: list[str]) -> str:
    head = " ".join(lines[:3]).lower()
    if "<html" in head or "<!doctype" in head or "<body" in head:
        return "HTML page with no KCNA Watch article in it"
    if foreign := languages.unknown_text(lines):
        return foreign
    return "no KCNA Watch article or teaser found (no Date: line, dateline, stamp or teaser list)"


def parse_pages(texts, start: int = 1):
    """Parse page texts (as ``split_pages`` cut them), numbering from ``start``."""
    for n, chunk in enumerate(texts, start):
        # Page.text is a plain str: the cleaned lines a PageText carries are
        # parse_page's business only (and would be pickled with the page)
        refused = getattr(chunk, "error", None)
        if refused:
            yield Page(n, "", None, refused)
            continue
        try:
            yield Page(n, str(chunk), parse_page(chunk))
        except NotADump as exc:
            yield Page(n, str(chunk), None, str(exc))
        except Exception as exc:  # a parser bug: this page fails alone, never the batch
            yield Page(n, str(chunk), None, f"cannot parse this page (internal error: {type(exc).__name__}: {exc})")


def parse_text(text: str) -> list[Page]:
    """Split a text into pages and parse each; never raises."""
    return list(parse_pages(split_pages(text)))


# the teaser list (``teasers``): imported last, as it reads this module's records and line rules
from .teasers import parse_teasers as _parse_teasers  # noqa: E402
