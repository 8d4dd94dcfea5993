"""A reading list in Markdown: ``kcna export --markdown`` and ``kcna show --markdown``.

Each item: its title as a heading, its citation (``kcna_cli.cite``), date,
source, places and id, then its text, paragraph by paragraph, fit to paste
into a report. Text from a dump is escaped so that Markdown shows it as
written (a line starting with ``#`` or ``-`` stays a line of text; no HTML
or links get in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

from ..cite import clean, markdown, md_escape, title_of

_LEADING = re.compile(r"^(\s*)([#>+\-*=])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def paragraph(text: str) -> str:
    """One paragraph of untrusted text as Markdown that renders as plain text."""
    line = md_escape(clean(text))
    line = _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
    return _NUMBERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def reading_list(
    out: IO[str], items: Iterable[Mapping[str, Any]], *, title: str = "Reading list", note: str = ""
) -> int:
    """Write the reading list; returns how many items it holds."""
    out.write(f"# {md_escape(title)}\n\n")
    if note:
        out.write(f"{md_escape(note)}\n\n")
    n = 0
    for item in items:
        n += 1
        out.write(f"## {md_escape(title_of(item))}\n\n")
        out.write(f"{markdown(item)}\n\n")
        facts = [f"**Date:** {item.get('date') or 'unknown'}"]
        if item.get("source") or item.get("outlet"):
            facts.append(f"**Source:** {md_escape(clean(item.get('source') or item.get('outlet')))}")
        if item.get("places"):
            facts.append(f"**Places:** {md_escape(', '.join(item['places']))}")
        facts.append(f"kcna item {item['id']}")
        out.write(" · ".join(facts) + "\n\n")
        if item.get("date_note"):
            out.write(f"*Date note: {md_escape(clean(item['date_note']))}*\n\n")
        text = item.get("body") or item.get("lede") or ""
        for para in text.split("\n\n"):
            if para.strip():
                out.write(paragraph(para) + "\n\n")
        if item.get("kind") == "teaser":
            out.write("*(A teaser: only the first lines of the text were captured.)*\n\n")
        out.write("---\n\n")
    if n == 0:
        out.write("No matching items.\n")
    return n
