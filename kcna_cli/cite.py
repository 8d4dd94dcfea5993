"""Citations of items: plain text, Markdown, BibTeX and CSL-JSON.

The style (README "Citations"), for an item with a title, a date, an
address and a capture date:

    KCNA.kp. "Model Greenhouse Farm Built in Kimhwa County." 4 March 2026. Captured by KCNA Watch on 6 March 2026. http://www.kcna.kp/...

that is: the outlet (the label without its language tag, else the label);
the title in quotes (an untitled item: the first words of its text); the
publication date ("n.d." without one); the capture date of the first dump
that showed it; the address when the dump had one (kcna_cli.links). Markdown
links the title to the address. BibTeX is an ``@misc`` entry keyed
``kcna<id>`` (ids are those of one database); CSL-JSON is the
``article-newspaper`` item that Zotero, pandoc and citeproc read.

Everything here is pure: item dicts in, strings and dicts out. Text that
came from a dump is cleaned of control characters and escaped for the
format it goes into.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

STYLES = ("text", "markdown", "bibtex", "csl-json")
#: public fields of ``kcna cite --json`` rows (add, never rename)
CITE_FIELDS = ["id", "style", "citation", "url", "csl"]


def clean(text: str | None) -> str:
    """One line of untrusted text: no control or format characters, single spaces."""
    if not text:
        return ""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return " ".join(kept.split())


def title_of(item: Mapping[str, Any], words: int = 12) -> str:
    title = clean(item.get("title"))
    if title:
        return title
    text = clean(item.get("lede") or item.get("body"))
    text = re.sub(r"^[A-Z][\w' .-]{1,40}, \w+ \d{1,2} \([A-Za-z .]+\)\s*(--|[\u2013\u2014\u2015-])?\s*", "", text)
    cut = text.split()
    return " ".join(cut[:words]) + ("…" if len(cut) > words else "") if cut else "(untitled)"


def outlet_of(item: Mapping[str, Any]) -> str:
    return clean(item.get("outlet") or item.get("source")) or "Unknown outlet"


def long_date(iso: str | None) -> str:
    """``2026-03-04`` -> ``4 March 2026``; ``n.d.`` without a date."""
    if not iso:
        return "n.d."
    y, m, d = (int(x) for x in iso[:10].split("-"))
    return f"{d} {calendar.month_name[m]} {y}"


def _parts(item: Mapping[str, Any]) -> tuple[str, str, str, str, str | None]:
    capture = item.get("first_capture") or item.get("first_seen")
    captured = f" Captured by KCNA Watch on {long_date(capture)}." if capture else ""
    url = clean(item.get("url")) or None
    return outlet_of(item), title_of(item), long_date(item.get("date")), captured, url


def text(item: Mapping[str, Any]) -> str:
    outlet, title, date, captured, url = _parts(item)
    title = title.rstrip(".")
    return f'{outlet}. "{title}." {date}.{captured}' + (f" {url}" if url else "")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(s: str) -> str:
    """Text that Markdown shows as written (no links, emphasis or HTML from a dump)."""
    return _MD_SPECIAL.sub(r"\\\1", s)


def markdown(item: Mapping[str, Any]) -> str:
    outlet, title, date, captured, url = _parts(item)
    shown = md_escape(title.rstrip("."))
    if url:
        shown = f"[{shown}]({url.replace(')', '%29').replace(' ', '%20')})"
    return f"{md_escape(outlet)}. “{shown}.” {date}.{captured}"


_BIB_SPECIAL = re.compile(r"([&%$#_{}~^\\])")


def _bib(s: str) -> str:
    def sub(m: re.Match) -> str:
        c = m.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(c, "\\" + c)

    return _BIB_SPECIAL.sub(sub, s)


def bibtex(item: Mapping[str, Any]) -> str:
    outlet, title, _date, _captured, url = _parts(item)
    capture = item.get("first_capture") or item.get("first_seen")
    fields = [
        ("author", "{" + _bib(outlet) + "}"),
        ("title", "{" + _bib(title) + "}"),
        ("howpublished", _bib(clean(item.get("source")) or outlet) + ", via KCNA Watch"),
    ]
    date = item.get("date")
    if date:
        fields += [("year", date[:4]), ("month", str(int(date[5:7]))), ("date", date)]
    if url:
        fields.append(("url", url.replace("{", "%7B").replace("}", "%7D")))
    if capture:
        fields.append(("urldate", capture))
    note = f"Captured by KCNA Watch on {capture}; " if capture else ""
    fields.append(("note", _bib(f"{note}kcna item {item['id']}")))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{kcna{item['id']},\n{body}\n}}"


def _date_parts(iso: str | None) -> dict | None:
    if not iso:
        return None
    return {"date-parts": [[int(x) for x in iso[:10].split("-")]]}


def csl(item: Mapping[str, Any]) -> dict:
    """A CSL-JSON item (keys without a value are left out)."""
    outlet, title, _date, _captured, url = _parts(item)
    capture = item.get("first_capture") or item.get("first_seen")
    out = {
        "id": f"kcna{item['id']}",
        "type": "article-newspaper",
        "title": title,
        "container-title": outlet,
        "author": [{"literal": outlet}],
        "issued": _date_parts(item.get("date")),
        "accessed": _date_parts(capture),
        "URL": url,
        "language": item.get("language"),
        "note": f"Captured by KCNA Watch on {capture}; kcna item {item['id']}"
        if capture
        else f"kcna item {item['id']}",
    }
    return {k: v for k, v in out.items() if v is not None}


def citation(item: Mapping[str, Any], style: str) -> str:
    """One item's citation in a style of STYLES (CSL-JSON as one JSON object)."""
    import json

    if style == "text":
        return text(item)
    if style == "markdown":
        return markdown(item)
    if style == "bibtex":
        return bibtex(item)
    return json.dumps(csl(item), ensure_ascii=False)


def rows(items: Sequence[Mapping[str, Any]], style: str) -> list[dict[str, Any]]:
    """``kcna cite --json`` rows: the citation in the chosen style, the address, the CSL-JSON item."""
    return [
        {"id": it["id"], "style": style, "citation": citation(it, style), "url": it.get("url"), "csl": csl(it)}
        for it in items
    ]


def check_style(style: str) -> str:
    from .errors import UsageError

    s = (style or "").strip().lower().replace("_", "-")
    s = {"md": "markdown", "bib": "bibtex", "csl": "csl-json", "json": "csl-json", "txt": "text"}.get(s, s)
    if s not in STYLES:
        raise UsageError(f"--format must be one of {', '.join(STYLES)}, not {style!r}")
    return s
