"""Text normalisation: the one module that says when two strings count as the same.

Pure functions, no I/O. Every comparison kcna makes goes through one of
these, from the cheapest to the strictest:

``clean_line``          a printed line with odd spaces folded, ends trimmed (text kept);
``normalize``           quote, dash and space variants folded, no space before
                        punctuation (case kept): what revisions and ledes compare;
``fold``                ``normalize`` + case-folded + no trailing punctuation:
                        the identity form of a title (``Record.key``);
``version_text``        ``normalize`` + case-folded + no ``-0-`` end mark: what
                        text versions are fingerprinted by;
``normalize_paragraphs`` ``normalize`` per paragraph, breaks kept: what word diffs read;
``strip_accents``       combining marks removed (romanizations, names).
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[.,;:!?')\]]|'s\b)")
#: what every match of ``_SPACE_BEFORE_PUNCT`` holds (found with a fast scan for spaces)
_SPACE_BEFORE_PUNCT_HINT = re.compile(r" [.,;:!?')\]]")
#: what ``fold`` takes off the end of a title: punctuation and every character ``\s`` matches
#: (str.rstrip: a regex ``[...]+$`` is tried at every character of a run, quadratic in its length)
_TRAILING_PUNCT = (
    ".,;:!?-\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


_ODD_ASCII_SPACE = "\t\x0b\x0c\x1c\x1d\x1e\x1f"


def clean_lines(raw: list[str], text: str) -> list[str]:
    """``clean_line`` of every line of ``text`` (split into ``raw``); fast for plain ASCII."""
    if text.isascii() and "  " not in text and not any(c in text for c in _ODD_ASCII_SPACE):
        return [ln.strip() for ln in raw]
    return [clean_line(ln) for ln in raw]


def clean_line(line: str) -> str:
    """One printed line with odd spaces folded and ends trimmed (text kept)."""
    if line.isascii():
        return " ".join(line.split()) if "  " in line or "\t" in line else line.strip()
    return _SPACES.sub(" ", line).strip()


def normalize(text: str) -> str:
    """Fold quote, dash and space variants; drop spaces before punctuation.

    ``Kim Jong Un .`` and ``Kim Jong Un.`` normalize alike, as do curly and
    straight quotes and ``--`` and an em dash. Case is kept.
    """
    if text.isascii():  # most text: no NFKC, no curly quotes to fold
        if "`" in text:
            text = text.translate(_QUOTES)
        text = " ".join(text.split())
    else:
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
        text = _SPACES.sub(" ", text).strip()
    while "--" in text:  # a run of dashes becomes one (each pass halves it; a regex took 8 times longer)
        text = text.replace("--", "-")
    if _SPACE_BEFORE_PUNCT_HINT.search(text) is None:  # most texts: the substitution finds nothing
        return text
    return _SPACE_BEFORE_PUNCT.sub("", text)


def fold(text: str) -> str:
    """The identity form of a title: normalized, case-folded, no trailing punctuation.

    Cached: titles and teaser ledes repeat across the pages of a collection. A text
    longer than a paragraph is not kept (a hostile page of huge titles would keep
    megabytes alive for the rest of an ingest).
    """
    return _fold(text) if len(text) <= FOLD_KEPT_CHARS else _folded(text)


#: the longest text ``fold`` remembers
FOLD_KEPT_CHARS = 2048


def _folded(text: str) -> str:
    return normalize(text).casefold().rstrip(_TRAILING_PUNCT)


_fold = functools.lru_cache(maxsize=1 << 14)(_folded)


#: the end-of-article mark KCNA prints after the last paragraph
END_MARK = "-0-"


#: end marks by language: `` -0-``, Cyrillic ``-о-`` (Russian), ``(끝)`` (Korean), ``---`` glued to
#: Japanese text (after ``。`` or a digest's last word)
END_MARKS = re.compile(r"(?:\s*-0-|\s*-\u043e-|\s*\(끝\)|(?<=[\u3000-\u9fff\uff00-\uffef])---)\s*$")


def cut_end_mark(line: str) -> str:
    """A cleaned line without its end mark (the line itself when it has none).

    Every end mark ends in ``-`` or ``)``: other lines skip the regex, which
    would try each position of a long paragraph.
    """
    if line[-1:] not in ("-", ")"):
        return line
    # the mark is the line's last three characters: the search starts just before
    # them (a lookbehind still sees what precedes), then takes the spaces before it
    m = END_MARKS.search(line, max(0, len(line) - 8))
    if m is None:
        return line
    start = m.start()
    while start and line[start - 1].isspace():
        start -= 1
    return line[:start]


def without_end_mark(text: str) -> str:
    """``text`` with every ``-0-`` end mark turned into a space."""
    return text.replace(END_MARK, " ")


def version_text(text: str | None) -> str:
    """A text as versions compare it: normalized, case-folded, without ``-0-``."""
    return normalize(without_end_mark(text or "")).casefold()


def normalize_paragraphs(text: str) -> str:
    """Normalize each paragraph (see ``normalize``), keep paragraph breaks."""
    paras = [normalize(without_end_mark(p)) for p in text.replace("\r", "").split("\n")]
    return "\n\n".join(p for p in paras if p)


def strip_accents(text: str) -> str:
    """``Chosŏn`` -> ``Choson``: combining marks removed after NFKD."""
    if text.isascii():  # NFKD leaves ASCII as it is, and it has no combining marks
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def whole_words(names: Iterable[str], *, after: str = "") -> re.Pattern[str]:
    r"""Any of ``names`` as a whole word (group 1), longest first, then ``after``.

    The alternation is grouped by first letter (``H(?:amhung|aeju)|C(?:...)``):
    the same names in the same order of preference as a flat list, but one
    test of the first letter at each word start instead of one per name.
    Each group begins with its letter and only then looks back for a word
    character before it (``H(?<!\wH)``, which is ``(?<!\w)H``): a pattern
    that begins with letters lets ``re`` skip in C to the next of them, where
    one that begins with a look-behind is tried at every character (a
    quarter of the time on article bodies).
    """
    groups: dict[str, list[str]] = {}
    for name in sorted(names, key=len, reverse=True):
        groups.setdefault(name[0], []).append(name[1:])
    alternatives = "|".join(
        re.escape(c) + r"(?<!\w" + re.escape(c) + ")(?:" + "|".join(map(re.escape, rest)) + ")"
        for c, rest in groups.items()
    )
    return re.compile("(" + alternatives + r")\b" + after)


#: lines ``parse.split_pages`` looks at (a capture-date or a ``KCNA <label>`` line), in cleaned lines
#: joined by newlines, a superset of what those readers accept; ".*+" (Python 3.11+) reads each line
#: once where "[^\n]*\d" backtracks through it character by character (a tenth of the time)
PAGE_START_CANDIDATE = re.compile(
    r"(?m)^(?:KCNA.*+|[^\W\d_].*+(?<=\d))$" if sys.version_info >= (3, 11) else r"(?m)^(?:KCNA[^\n]*|[^\W\d_][^\n]*\d)$"
)
