"""The visible text of a saved HTML page, one block element per line.

Parsed with lexbor (the ``selectolax`` package), an HTML5 parser in C made
for whatever the web sends: malformed markup costs linear time and never
raises. The standard library's ``html.parser`` was quadratic on runs of
``<!--`` (320 KB took 44 s) and raised ``AssertionError`` on a ``<![``
marked section. Measured on 2 vCPUs: importing lexbor adds about 10 ms, only
to commands that read HTML (it is imported here, when a page is HTML); 320 KB
of ``<!--`` or 600 KB of ``<p>`` parse in under 0.05 s.

Character references are decoded as browsers do (``&#27;`` becomes ESC):
the text is stored as the page holds it and made safe where it is shown
(``terminal.visible``).
"""

from __future__ import annotations

import re

from .urls import ORIGINAL, with_links

#: elements whose start and end break a line
BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "title", "hr", "blockquote", "pre", "main", "nav", "aside", "dd", "dt",
)  # fmt: skip
#: elements whose text is not shown
HIDDEN = ["script", "style", "noscript", "template", "head"]
#: marks a block boundary in the extracted text; NUL never reaches here (input with NUL is binary)
_BREAK = "\x00"


#: refuse a page whose elements nest deeper than this (real pages: under 100)
MAX_DEPTH = 1000
#: elements that never hold others, or whose end tag may be left out (a new one closes them)
_NO_DEPTH = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
    "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "colgroup",
    "caption", "thead", "tbody", "tfoot",
})  # fmt: skip
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})")


class HtmlError(ValueError):
    """The page could not be read as HTML."""


def html_to_text(html: str) -> str:
    """The visible text of ``html``: block elements on lines of their own, blank lines between."""
    from selectolax.lexbor import LexborHTMLParser

    if nesting(html) > MAX_DEPTH:
        # an HTML5 tree builder walks the open elements for many tags: time grows
        # with the square of the depth (100,000 nested <div> took 34 s)
        raise HtmlError(f"HTML elements nested more than {MAX_DEPTH} deep; not read")
    try:
        tree = LexborHTMLParser(html.replace(_BREAK, ""))
        original, canonical = _addresses(tree)
        tree.strip_tags(HIDDEN)
        for node in tree.css(",".join(BLOCKS)):
            node.insert_before(_BREAK)
            node.insert_after(_BREAK)
        root = tree.root
        text = root.text() if root is not None else ""
    except Exception as exc:  # lexbor raises only on resource failures; one page fails, not the batch
        raise HtmlError(f"cannot read this HTML page ({type(exc).__name__}: {exc})") from None
    lines = [" ".join(ln.split()) for ln in text.replace("\n", " ").split(_BREAK)]
    if original or canonical:  # the item's addresses, kept on its Date: line (``kcna_cli.urls``)
        for i, ln in enumerate(lines):
            if ln.startswith("Date:"):
                lines[i] = with_links(ln, _absolute(original, canonical), canonical)
                break
    return "\n\n".join(ln for ln in lines if ln) + "\n" if any(lines) else ""


def _addresses(tree) -> tuple[str | None, str | None]:
    """(the ``Read original version at source`` link, the page's canonical address)."""
    canonical = None
    for node in tree.css("link[rel], meta[property]"):
        attrs = node.attributes
        if node.tag == "link" and "canonical" in (attrs.get("rel") or "").lower().split() and attrs.get("href"):
            canonical = attrs["href"]
            break
        if node.tag == "meta" and (attrs.get("property") or "").lower() == "og:url" and attrs.get("content"):
            canonical = canonical or attrs["content"]
    original = None
    for node in tree.css("a[href]"):
        if ORIGINAL.lower() in " ".join((node.text() or "").split()).lower():
            original = node.attributes.get("href")
            break
    return original, canonical


def _absolute(href: str | None, base: str | None) -> str | None:
    """A link as an absolute address (saved pages keep relative ones now and then)."""
    if not href or "://" in href or not base:
        return href if href and "://" in href else None
    from urllib.parse import urljoin

    return urljoin(base, href)


def nesting(html: str) -> int:
    """An upper estimate of how deep the elements of ``html`` nest, in one linear scan.

    Each start tag opens an element of its name (void elements and those
    with optional end tags aside); an end tag closes one of its name if any
    is open (a parser ignores an end tag with nothing to close).
    """
    open_: dict[str, int] = {}
    depth = deepest = 0
    for m in _TAG.finditer(html):
        name = m.group(2).lower()
        if name in _NO_DEPTH:
            continue
        if m.group(1):
            if open_.get(name):
                open_[name] -= 1
                depth -= 1
        else:
            open_[name] = open_.get(name, 0) + 1
            depth += 1
            if depth > deepest:
                deepest = depth
    return deepest
