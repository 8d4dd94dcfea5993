"""Text versions of edited items, and what changed between two of them.

The store keeps every distinct text an article was captured with (``body``
versions) and every teaser lede that no stored text starts with (``lede``
versions: a teaser shows the first ~128 characters of the text as it was
when the page was captured). This module reads them back:

``versions_of``   an item's versions in capture order, each with the dumps
                  and capture dates that showed it;
``word_diff``     the changes between two texts, word by word, as
                  ``{"op": "delete|insert|replace", "old", "new"}`` dicts;
``removed_names`` capitalized runs (person-like names) in the old text
                  that the new one no longer has: the headline of an edit;
``revised_items`` search-like listing of items with more than one version.

Version numbers are capture order: version 1 is the text of the earliest
capture. Texts are compared after the normalization versions are stored
under (whitespace, quote and dash variants, ``-0-``, spaces before
punctuation), so only real edits show.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex

from .errors import ExitCode, KcnaError
from .text import normalize, normalize_paragraphs

if TYPE_CHECKING:
    from .db import Corpus

#: public fields of a revised item in ``kcna revisions`` (add, never rename)
REVISION_FIELDS = [
    "id",
    "title",
    "date",
    "outlet",
    "versions",
    "first_capture",
    "last_capture",
    "words_deleted",
    "words_inserted",
    "names_removed",
    "version_count",
]
#: public fields of one version
VERSION_FIELDS = ["number", "kind", "partial", "title", "text", "first_capture", "last_capture", "dumps"]

# a word (with inner apostrophes, hyphens and dots: Workers', 40-odd, U.S.)
# or a single punctuation mark, each with the whitespace after it
_TOKEN = regex.compile(r"(\w+(?:['’\-.]\w+)*|[^\w\s])(\s*)")
_NAME = regex.compile(r"\p{Lu}[\p{Ll}'’]+(?:[ \-]\p{Lu}[\p{Ll}'’]+)+")
#: capitalized words that start a sentence or a title, not a name
_NOT_NAMES = {
    "a",
    "an",
    "the",
    "he",
    "she",
    "it",
    "they",
    "we",
    "this",
    "that",
    "these",
    "in",
    "on",
    "at",
    "of",
    "for",
    "with",
    "by",
    "from",
    "going",
    "speakers",
    "after",
    "before",
    "when",
    "during",
    "respected",
    "comrade",
    "dear",
    "premier",
    "president",
    "chairman",
    "chairwoman",
    "marshal",
    "general",
    "minister",
    "vice",
    "secretary",
    "ambassador",
    "director",
    "mr",
    "mrs",
    "madame",
}
#: last words that make a capitalized run a place, body or thing, not a person
_NOT_PERSON = {
    "river", "mountain", "mount", "lake", "sea", "bay", "island", "plain", "pass", "valley", "falls",
    "province", "county", "city", "district", "town", "village", "ri", "dong", "street", "square", "bridge",
    "party", "committee", "army", "navy", "force", "forces", "union", "league", "government", "assembly",
    "ministry", "commission", "agency", "association", "federation", "bureau", "office", "council", "cabinet",
    "korea", "kingdom", "republic", "states", "nations",
    "farm", "orchard", "factory", "mine", "works", "complex", "plant", "station", "company", "enterprise",
    "university", "school", "college", "institute", "academy", "hospital", "hall", "theatre", "theater",
    "museum", "library", "palace", "park", "stadium", "centre", "center", "house", "tower", "monument",
    "day", "month", "year", "festival", "week", "prize", "order", "medal", "title", "review", "news",
    "sinmun", "times", "kcna",
}  # fmt: skip


@dataclass
class Version:
    """One text of an item, as captured."""

    id: int
    number: int
    kind: str  # "body": an article capture; "lede": a teaser's first lines
    partial: bool  # only the start of the text was captured
    title: str | None
    text: str
    first_capture: str | None
    last_capture: str | None
    dumps: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in VERSION_FIELDS}


def versions_of(corpus: Corpus, item_id: int) -> list[Version]:
    """An item's versions, numbered in the order they were first captured."""
    exists = corpus.conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone()
    if not exists:
        raise KcnaError(f"no item with id {item_id}", ExitCode.FAILED)
    rows = corpus.conn.execute(
        "SELECT v.id, v.kind, v.partial, v.title, v.text, min(d.capture_date), max(d.capture_date),"
        " group_concat(DISTINCT s.dump_id) FROM versions v"
        " LEFT JOIN sightings s ON s.item_id = v.item_id AND s.version_id = v.id LEFT JOIN dumps d ON d.id = s.dump_id"
        " WHERE v.item_id = ? GROUP BY v.id",
        (item_id,),
    ).fetchall()
    rows.sort(key=lambda r: (r[5] or "", r[0]))
    return [
        Version(
            id=r[0],
            number=n,
            kind=r[1],
            partial=bool(r[2]),
            title=r[3],
            text=r[4] or "",
            first_capture=r[5],
            last_capture=r[6],
            dumps=sorted(int(x) for x in (r[7] or "").split(",") if x),
        )
        for n, r in enumerate(rows, 1)
    ]


def pick(versions: list[Version], number: int | None, *, default: int) -> Version:
    """Version ``number`` (1-based; negative counts from the latest)."""
    n = default if number is None else number
    if n < 0:
        n = len(versions) + 1 + n
    if not 1 <= n <= len(versions):
        have = f"versions 1-{len(versions)}" if versions else "no versions"
        raise KcnaError(f"no version {number} (the item has {have})", ExitCode.USAGE)
    return versions[n - 1]


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _TOKEN.finditer(normalize_paragraphs(text))]


def _join(tokens: list[tuple[str, str]]) -> str:
    return "".join(w + s for w, s in tokens).strip()


#: word-by-word matching is tried when (changed words of one side) x (of the
#: other) stays under this; difflib's matching grows with that product (and
#: faster still on repetitive text: 11 KB took 35 s). Past it, sentences are
#: matched first and words only within a changed run of sentences.
WORD_BUDGET = 250_000
#: ``diff_note`` of a revision whose changes hold such a replacement
DIFF_NOTE = (
    "the texts differ too widely to match word by word in reasonable time:"
    " some changed sentences are shown whole, old then new"
)


def diff_ops(old: str, new: str) -> list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]]:
    """Word-level opcodes: (op, old tokens, new tokens) with op equal/delete/insert/replace.

    Words the two texts start and end with alike are equal without any
    matching; what lies between is matched word by word within
    ``WORD_BUDGET``, else sentence by sentence first (``_by_paragraph``).
    """
    return _diff_tokens(_tokens(old), _tokens(new))


def _diff_tokens(a: list[tuple[str, str]], b: list[tuple[str, str]]):
    ka = [w.casefold() for w, _ in a]
    kb = [w.casefold() for w, _ in b]
    if len(ka) * len(kb) <= WORD_BUDGET:
        return [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in _opcodes(ka, kb)]
    # the common start and end, found by a walk (linear)
    lo = 0
    while lo < len(ka) and lo < len(kb) and ka[lo] == kb[lo]:
        lo += 1
    hi = 0
    while hi < len(ka) - lo and hi < len(kb) - lo and ka[-1 - hi] == kb[-1 - hi]:
        hi += 1
    ops = []
    if lo:
        ops.append(("equal", a[:lo], b[:lo]))
    ma, mb = a[lo : len(a) - hi], b[lo : len(b) - hi]
    if ma or mb:
        if len(ma) * len(mb) <= WORD_BUDGET:
            ka, kb = ka[lo : len(ka) - hi], kb[lo : len(kb) - hi]
            ops.extend((tag, ma[i1:i2], mb[j1:j2]) for tag, i1, i2, j1, j2 in _opcodes(ka, kb))
        else:
            ops.extend(_by_paragraph(ma, mb))
    if hi:
        ops.append(("equal", a[len(a) - hi :], b[len(b) - hi :]))
    return ops


def _opcodes(ka: list[str], kb: list[str]):
    return difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes()


def _paragraphs(tokens: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Tokens cut into sentences: after a full stop, question or exclamation mark, or a paragraph break."""
    out: list[list[tuple[str, str]]] = [[]]
    for tok in tokens:
        out[-1].append(tok)
        if tok[0] in ".!?" or "\n" in tok[1]:
            out.append([])
    return [p for p in out if p]


def _by_paragraph(a, b):
    """Match whole sentences; diff words within a replaced run of sentences when
    small enough, else the run is one replacement (whole sentences, old then new)."""
    pa, pb = _paragraphs(a), _paragraphs(b)
    key = lambda p: " ".join(w.casefold() for w, _ in p)  # noqa: E731
    ka, kb = [key(p) for p in pa], [key(p) for p in pb]
    ops = []
    if len(pa) * len(pb) > WORD_BUDGET:  # thousands of paragraphs changed: one replacement
        return [("replace", a, b)]
    for tag, i1, i2, j1, j2 in _opcodes(ka, kb):
        old = [t for p in pa[i1:i2] for t in p]
        new = [t for p in pb[j1:j2] for t in p]
        if tag == "replace" and len(old) * len(new) <= WORD_BUDGET:
            ops.extend(_diff_tokens(old, new))
        else:
            ops.append((tag, old, new))
    return ops


def trimmed_ops(old: str, new: str, *, old_is_lede: bool = False, new_is_lede: bool = False):
    """``diff_ops`` where a lede is compared only with the start of the other text.

    A teaser lede is the first ~128 characters of a text, cut with `` -``:
    the other side's words past its end are not a change.
    """
    if old_is_lede:
        old = _uncut(old)
        new = _first_paragraph(new)
    if new_is_lede:
        new = _uncut(new)
        old = _first_paragraph(old)
    ops = diff_ops(old, new)
    if (old_is_lede or new_is_lede) and ops:
        tag = ops[-1][0]
        if (tag == "insert" and old_is_lede) or (tag == "delete" and new_is_lede):
            ops.pop()
        elif tag == "replace":
            # the lede's cut-off last word against the full text's rest
            _, a, b = ops[-1]
            cut, full = (a, b) if old_is_lede else (b, a)
            if len(cut) == 1 and full and full[0][0].casefold().startswith(cut[0][0].casefold()):
                ops.pop()
    return ops


def _first_paragraph(text: str) -> str:
    return normalize_paragraphs(text).split("\n\n", 1)[0]


def _uncut(lede: str) -> str:
    return regex.sub(r"\s*(?:-|…|\.\.\.)\s*$", "", lede)


def word_diff(old: str, new: str, *, old_is_lede: bool = False, new_is_lede: bool = False) -> list[dict]:
    """The changes from ``old`` to ``new``: ``{"op", "old", "new"}`` (null for a side with no words)."""
    out = []
    for tag, a, b in trimmed_ops(old, new, old_is_lede=old_is_lede, new_is_lede=new_is_lede):
        if tag == "equal":
            continue
        out.append({"op": tag, "old": _join(a) or None, "new": _join(b) or None})
    return out


def _words(text: str | None) -> int:
    return len(regex.findall(r"\w+", text or ""))


def names_in(text: str) -> list[str]:
    """Person-like capitalized runs (Kang Chol Hwan): two to four words, leading
    sentence words dropped, runs naming a place or a body (``Pukhan River``,
    ``Central Committee``) left out."""
    out = []
    for m in _NAME.finditer(normalize_paragraphs(text)):
        words = m.group(0).split(" ")
        while words and words[0].casefold() in _NOT_NAMES:
            words.pop(0)
        if 2 <= len(words) <= 4 and not any(w.casefold() in _NOT_PERSON for w in words):
            out.append(" ".join(words))
    return out


def removed_names(old: str, new: str, *, new_is_lede: bool = False) -> list[str]:
    """Names in ``old`` that ``new`` no longer has, in order of appearance."""
    if new_is_lede:
        new = _uncut(new)
        old = old[: len(new)]
    have = normalize_paragraphs(new).casefold()
    names = list(dict.fromkeys(names_in(old)))  # each once, in order
    if len(names) * len(have) > 50_000_000:
        # a search of the whole text per name would be quadratic: look names up among
        # the runs of two to four words the new text has
        words = regex.findall(r"[\w'’\-]+", have)
        runs = {" ".join(words[i : i + k]) for k in (2, 3, 4) for i in range(len(words) - k + 1)}
        return [n for n in names if n.casefold() not in runs]
    return [n for n in names if n.casefold() not in have]


def compare(a: Version, b: Version) -> dict:
    """What changed from version ``a`` to version ``b``."""
    old_text, new_text = a.text, b.text
    changes = word_diff(old_text, new_text, old_is_lede=a.kind == "lede", new_is_lede=b.kind == "lede")
    out = {
        "changes": changes,
        "words_deleted": sum(_words(c["old"]) for c in changes),
        "words_inserted": sum(_words(c["new"]) for c in changes),
        "names_removed": removed_names(old_text, new_text, new_is_lede=b.kind == "lede"),
    }
    if any(c["op"] == "replace" and _words(c["old"]) * _words(c["new"]) > WORD_BUDGET for c in changes):
        out["diff_note"] = DIFF_NOTE
    if (a.title and b.title) and normalize(a.title) != normalize(b.title):
        out["title_change"] = {"old": a.title, "new": b.title}
    return out


def revision(corpus: Corpus, item_id: int, *, from_: int | None = None, to: int | None = None) -> dict:
    """The public ``kcna revisions ID`` object: the item, both versions, the changes."""
    from .query import get_items

    versions = versions_of(corpus, item_id)
    if len(versions) < 2:
        raise KcnaError(
            f"item {item_id} has {len(versions)} text version{'s' if len(versions) != 1 else ''}: nothing to compare",
            ExitCode.FAILED,
        )
    a = pick(versions, from_, default=1)
    b = pick(versions, to, default=len(versions))
    item = get_items(corpus, [item_id])[0]
    return {
        "id": item_id,
        "title": item["title"],
        "date": item["date"],
        "outlet": item["outlet"],
        "versions": [v.to_dict() for v in versions],
        "from": a.number,
        "to": b.number,
        **compare(a, b),
        "version_count": len(versions),
    }


def revised_items(corpus: Corpus, f, *, limit: int = 50):
    """Items with more than one version that match the filters ``f``, newest first.

    Returns a ``query.SearchResult`` whose items carry REVISION_FIELDS.
    """
    from dataclasses import replace

    from .query import search

    result = search(corpus, replace(f, revised=True), sort="date", limit=limit)
    rows = []
    for item in result.items:
        versions = versions_of(corpus, item["id"])
        summary = compare(versions[0], versions[-1]) if len(versions) > 1 else {}
        captures = [c for v in versions for c in (v.first_capture, v.last_capture) if c]
        rows.append(
            {
                "id": item["id"],
                "title": item["title"],
                "date": item["date"],
                "outlet": item["outlet"],
                "versions": len(versions),
                "first_capture": min(captures, default=None),
                "last_capture": max(captures, default=None),
                "words_deleted": summary.get("words_deleted", 0),
                "words_inserted": summary.get("words_inserted", 0),
                "names_removed": summary.get("names_removed", []),
                "version_count": len(versions),
            }
        )
    result.items = rows
    return result
