"""The web address of an item, when its dump has one (``urls``; ``links`` links languages).

A text copied from a KCNA Watch page has lost its links; a saved HTML page
has them. ``inputs.html_to_text`` keeps the two that name the item, on the
page's ``Date:`` line, in angle brackets: the ``Read original version at
source`` link (the article on the outlet's own site) and the page's
canonical link (the KCNA Watch page), as

    Date: 04/11/2025 | Source: KCNA.kp (En) | Read original version at source <https://...> | KCNA Watch <https://...>

``date_line_url`` reads them back (a text dump whose ``Date:`` line holds
an address, however it was pasted, works the same way): the original
site's address when there is one, else the KCNA Watch page's.
"""

from __future__ import annotations

import re

ORIGINAL = "Read original version at source"
WATCH = "KCNA Watch"
_URL = re.compile(r"https?://[^\s<>()\"'|]+", re.IGNORECASE)


def date_line_url(line: str | None) -> str | None:
    """The item's address from its ``Date:`` line: the original site's first, else any other."""
    if not line or "://" not in line:
        return None
    original = None
    at = line.lower().find(ORIGINAL.lower())
    if at >= 0:
        m = _URL.search(line, at)
        if m:
            original = m.group(0)
    if original:
        return _clean(original)
    m = _URL.search(line)
    return _clean(m.group(0)) if m else None


def _clean(url: str) -> str:
    return url.rstrip(".,;:>")


def with_links(line: str, original: str | None, canonical: str | None) -> str:
    """A converted ``Date:`` line with the page's two addresses kept on it (see the module docstring)."""
    if original and ORIGINAL.lower() in line.lower() and original not in line:
        at = line.lower().index(ORIGINAL.lower()) + len(ORIGINAL)
        line = f"{line[:at]} <{original}>{line[at:]}"
    if canonical and canonical not in line:
        line = f"{line} | {WATCH} <{canonical}>"
    return line
