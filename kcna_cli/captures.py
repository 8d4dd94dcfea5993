"""What a real capture can be short of: the rules ``parse_page`` applies to one page; pure.

README "How dumps are read" states them; each is one function here:

``is_paywall``          the subscription upsell a paywalled page ends with
                        (``Upgrade to NK PRO today ...``): page chrome, and
                        the sign that the article text was cut there;
``ends_mid_sentence``   a body's last paragraph stops mid-word or
                        mid-sentence: with no ``-0-`` and no stamp, the
                        capture is cut off (a prefix of the text, never a
                        version of its own);
``inferred_source``     a body-only article names no outlet: the page's
                        "More From" list names it, failing that the
                        ``www.kcna.kp`` stamp, failing that the dateline's
                        agency; nothing else is guessed;
``half_read``           a page that only the ``www.kcna.kp (...)`` stamp made
                        look like a dump, whose first lines are something
                        the parser does not read (a site header, a page-date
                        line, a title before the dateline): refused with the
                        reason, rather than stored half-parsed.
"""

from __future__ import annotations

import re

from . import dates
from .text import normalize

#: the upsell a paywalled KCNA Watch page prints where the article is cut: a line
#: starting so, or holding one of the phrases of ``_PAYWALL_WITHIN`` anywhere
_PAYWALL_START = re.compile(r"(?i)Upgrade to NK\s*PRO\b|Join the NK\s*Pro team\b|Already an NK\s*PRO member\b")
_PAYWALL_WITHIN = re.compile(r"(?i)\b(?:full access to this content|users based in South Korea)\b")


def is_paywall(line: str) -> bool:
    """A line of the subscription upsell (not article text).

    Every line of the body is tested: a ``.*phrase.*`` pattern would retry
    the phrase at each position of a long paragraph, so the phrases are
    first looked for as lower-case substrings (one C-speed scan each).
    """
    if _PAYWALL_START.match(line):
        return True
    low = line.lower()
    if "full access to this content" not in low and "users based in south korea" not in low:
        return False
    return _PAYWALL_WITHIN.search(line) is not None


#: a paragraph ends here when it ends so (after closing quotes and brackets)
_SENTENCE_END = re.compile(r"(?:[.!?…:;]|-0-|\[…\]|\[\.\.\.\])[\"'”’»)\]]*$")
#: a sign-off line, not a sentence: a byline or credit of a few capitalized words
_SIGN_OFF = re.compile(r"^(?:(?:[Bb]y\s+)?(?:[A-Z][\w'’.-]*,?\s*){1,6}|\([^()]{1,60}\))$")


def ends_mid_sentence(paragraph: str | None) -> bool:
    """Does a body's last paragraph stop mid-word or mid-sentence?

    A paragraph ends a text when its last character closes a sentence
    (``.``, ``!``, ``?``, ``…``, possibly followed by closing quotes or
    brackets) or when it is a sign-off (``By Ri Myong Hui``, ``KCNA``: a few
    capitalized words; a short credit in brackets, ``(Photo: KCNA)``);
    anything else (``... Pak Kun Sok, c``, ``... chairman of the``) is where
    a capture was cut.
    """
    if not paragraph:
        return False
    text = normalize(paragraph).strip()
    if not text or _SENTENCE_END.search(text):
        return False
    return not _SIGN_OFF.match(text)


#: ``source_note`` values: how the outlet of an article was inferred
FROM_MORE_FROM = "more_from"
FROM_STAMP = "stamp"
FROM_DATELINE = "dateline"


def inferred_source(more_from: str | None, stamp: bool, lede: str | None) -> tuple[str | None, str | None]:
    """(source label, how it was inferred) for an article whose page printed none.

    The page's "More From <label>" list is the outlet the page belongs to;
    failing that a ``www.kcna.kp`` stamp names the site, and a ``(KCNA)``
    dateline names the agency. Otherwise (None, None): never a guess.
    """
    if more_from:
        return more_from, FROM_MORE_FROM
    if stamp:
        return "KCNA.kp", FROM_STAMP
    m = dates.DATELINE.match(normalize(lede)) if lede else None
    if m and m.group("agency").strip().upper() == "KCNA":
        return "KCNA", FROM_DATELINE
    return None, None


#: a site header (``ID : ...``) or a line holding only a date, as sites other than KCNA Watch print them
_HEADER_LINE = re.compile(
    r"(?i)^(?:ID\s*:.*|(?:Juche\s*)?\d{1,4}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2}\.?"
    r"|(?:[A-Z][a-z]+day,?\s+)?[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4})$"
)


def half_read(body: list[str]) -> str | None:
    """Why a page known only by its stamp would be stored half-parsed, or None.

    ``body`` is what the parser took as the article's paragraphs. Called for
    pages with no capture line, label, ``Date:`` line, title or teaser list.
    """
    if not body:
        return None
    first = normalize(body[0]).strip()
    if _HEADER_LINE.match(first):
        return f"first line {first[:60]!r} is a site header or page date, not article text"
    if dates.DATELINE.match(first):
        return None
    later = next((p for p in body[1:] if dates.DATELINE.match(normalize(p))), None)
    if later is not None:
        return f"text before the dateline is not read (a title? {first[:60]!r})"
    return None
