"""Questions asked of the corpus: filters -> SQL -> item dicts.

``Filters`` holds what a user can ask for (words, places, dates, sources,
kind); ``search`` returns one page of matching items and the total count;
``iter_items`` streams every match (for export); ``get_items`` fetches items
by id, and ``with_provenance`` adds what ``kcna show`` prints (sightings,
version count, where each place was found). Items come back as plain dicts
with the public field names of README ("Output"), in that order; drawing
them is ``kcna_cli.views``' job. Counting lives in ``kcna_cli.counts``.

User words are never passed to FTS5 as syntax unless ``raw`` is set:
``grams.match_query`` quotes every word, keeps ``"quoted phrases"`` and a
trailing ``*`` for prefixes, drops what is not a word (so no input can
raise), and looks for Korean, Japanese and Chinese words as phrases of
their bigrams (``grams.py``). ``fts_query`` is the same for plain words
without the columns, kept for callers of the library.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from .dates import user_range
from .errors import UsageError
from .facets import in_every_column, person_facet, place_facet, range_tokens
from .filtering import check_sources, like_prefix, new_item_conditions, typed_day
from .grams import TEXT_COLUMNS as TEXT_COLUMNS
from .grams import check_raw as _check_raw
from .grams import cjk_terms, match_query, snippet
from .grams import fts_query as fts_query
from .language import codes as language_codes
from .showing import place_spans as place_spans
from .showing import with_provenance as with_provenance
from .sqlin import PART, rows_in

if TYPE_CHECKING:
    from .db import Corpus


class Item(TypedDict):
    """An item as every command prints it (README "Output"): add keys, never rename."""

    id: int
    kind: str
    title: str | None
    date: str | None
    source: str | None
    outlet: str | None
    language: str | None
    dateline: str | None
    places: list[str]
    lede: str | None
    body: str | None
    date_note: str | None
    first_seen: str | None
    seen_in: int
    source_note: str | None
    first_capture: str | None
    added_at: str | None
    url: str | None


class SearchItem(Item, total=False):
    """A search result with words: the matching passage and its relevance."""

    snippet: str
    score: float


#: public item fields, in output order: the keys of ``Item``, the one field list
ITEM_FIELDS = list(Item.__annotations__)
SEARCH_FIELDS = ITEM_FIELDS + list(SearchItem.__annotations__)
#: ``kcna show``: the item fields, then what it adds (``versions`` is a count here,
#: as ``version_count`` is everywhere; ``kcna revisions ID`` lists the versions)
SHOW_FIELDS = ITEM_FIELDS + ["sightings", "versions", "version_count"]
#: snippet highlight markers in JSON/CSV output
MARK_START, MARK_END = "**", "**"
_SNIP_START, _SNIP_END = "\x02", "\x03"

#: the match of a search whose words hold no word at all: nothing matches
NOTHING = "\x00nothing"


@dataclass
class Filters:
    """What to look for. Empty fields do not filter."""

    words: str | None = None
    raw: bool = False
    places: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    on: str | None = None
    year: str | None = None
    sources: list[str] = field(default_factory=list)
    kind: str | None = None
    #: first captured (earliest capture date of a dump showing it) in this range
    seen_since: str | None = None
    seen_until: str | None = None
    #: first stored (ingest time, UTC) on or after this date
    added_since: str | None = None
    #: only items whose text changed between captures (more than one version)
    revised: bool = False
    #: only items naming one of these persons (any spelling, see ``db.people.resolve``)
    persons: list[str] = field(default_factory=list)
    #: only items in these languages (``ko``, ``ja``...; names such as ``Korean`` are read too)
    languages: list[str] = field(default_factory=list)
    #: only items first seen in a dump with this id or a later one (watch lists) ...
    dump_floor: int | None = None
    #: ... and no later than this one
    dump_ceiling: int | None = None

    @property
    def has_words(self) -> bool:
        return bool(self.words and self.words.strip())

    def described(self) -> list[str]:
        """The filters in words, for a chart's title: ``["Kimhwa", "since 2025-02"]``."""
        parts = [
            self.words or "",
            ", ".join(self.places),
            f"since {self.since}" if self.since else "",
            f"until {self.until}" if self.until else "",
            f"on {self.on}" if self.on else "",
            f"in {self.year}" if self.year else "",
            ", ".join(self.sources),
            self.kind or "",
            ", ".join(self.persons),
            ", ".join(self.languages),
            f"first captured since {self.seen_since}" if self.seen_since else "",
            f"first captured until {self.seen_until}" if self.seen_until else "",
            f"added since {self.added_since}" if self.added_since else "",
        ]
        return [p for p in parts if p]


@dataclass
class SearchResult:
    items: Sequence[Mapping[str, Any]]
    total: int
    limit: int
    offset: int = 0
    #: best-match order was worked out among this many matches only, the
    #: most recently stored (see RANK_WINDOW); None when among all of them
    ranked_among: int | None = None

    @property
    def more(self) -> int:
        return max(0, self.total - self.offset - len(self.items))


class _Sql:
    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: list = []
        #: a condition reads an items column (not only ids)
        self.needs_items = False
        #: the place filter's ids, and whether it is the only filter
        self.place_ids: list[str] = []
        self.place_marks = ""
        #: the person filter's ids
        self.person_ids: list[int] = []
        self.person_marks = ""

    @property
    def place_only(self) -> bool:
        return bool(self.place_ids) and len(self.where) == 1

    @property
    def person_only(self) -> bool:
        return bool(self.person_ids) and len(self.where) == 1

    def add(self, cond: str, *params) -> None:
        self.where.append(cond)
        self.params.extend(params)

    @property
    def clause(self) -> str:
        return (" WHERE " + " AND ".join(self.where)) if self.where else ""


def _date_bounds(f: Filters) -> tuple[str | None, str | None]:
    lo = hi = None

    def tighten(a, b):
        nonlocal lo, hi
        if a and (lo is None or a > lo):
            lo = a
        if b and (hi is None or b < hi):
            hi = b

    if f.since:
        tighten(typed_day(f.since, "--since"), None)
    if f.until:
        tighten(None, typed_day(f.until, "--until", end=True))
    if f.on:
        tighten(typed_day(f.on, "--on"), typed_day(f.on, "--on", end=True))
    if f.year:
        if not re.fullmatch(r"\s*\d{4}\s*", f.year):
            raise UsageError(f"--year: not a year: {f.year!r}")
        tighten(*user_range(f.year.strip()))
    return lo, hi


def place_ids(corpus: Corpus, names: list[str]) -> set[str]:
    """User place names -> ids of those places and everything inside them."""
    g = corpus.gazetteer
    ids: set[str] = set()
    for name in names:
        for p in g.resolve(name):
            ids |= g.descendants(p.id)
    return ids


def _where(corpus: Corpus, f: Filters, match: str | None) -> _Sql:
    """The filters as SQL over ``items`` (joined to ``items_fts`` when words are given).

    With words, date, place and revision filters test ``items_fts.rowid``
    against sets of ids read from indexes, so matches are filtered before
    any ``items`` row is read; only kind and source need the row
    (``needs_items``).
    """
    sql = _Sql()
    # "+": test each match against the set; without it FTS5 would seek every id of the set
    ident = "+items_fts.rowid" if match is not None else "items.id"
    lo, hi = _date_bounds(f)
    pids: list[int] = []
    if f.persons:
        from .db.people import person_ids

        pids = person_ids(corpus.conn, f.persons)  # an unknown name is an error, whatever else is asked
    if match is not None:
        sql.add("items_fts MATCH ?", _full_match(corpus, f, match, lo, hi, pids))
    else:
        if lo:
            sql.add("items.date >= ?", lo)
        if hi:
            sql.add("items.date <= ?", hi)
    if f.kind:
        kind = f.kind.strip().lower()
        if kind not in ("article", "teaser"):
            raise UsageError(f"--kind must be article or teaser, not {f.kind!r}")
        sql.add("items.kind = ?", kind)
        sql.needs_items = True
    if f.sources:
        check_sources(corpus, f.sources)
        conds = []
        for s in f.sources:
            like = like_prefix(s)
            conds.append("(items.outlet LIKE ? ESCAPE '\\' OR items.source LIKE ? ESCAPE '\\')")
            sql.params.extend([like, like])
        sql.where.append("(" + " OR ".join(conds) + ")")
        sql.needs_items = True
    if f.persons and match is None:
        marks = ",".join("?" * len(pids))
        if _dense(corpus, pids, marks, table="person_mentions", column="person_id"):
            # a person in many items (the leader): walk items newest first and probe each
            # by its own mentions ("+": not through the person index, which would read
            # every mention of the person for each item probed)
            probe = f"SELECT 1 FROM person_mentions pm WHERE pm.item_id = items.id AND +pm.person_id IN ({marks})"
            cond = f"EXISTS ({probe})"
        else:
            cond = f"{ident} IN (SELECT item_id FROM person_mentions WHERE person_id IN ({marks}))"
        sql.add(cond, *pids)
        sql.person_ids, sql.person_marks = pids, marks
    if f.languages:
        codes = language_codes(f.languages)
        sql.add(f"items.language IN ({','.join('?' * len(codes))})", *codes)
        sql.needs_items = True
    if f.revised:
        sql.add(f"{ident} IN (SELECT item_id FROM versions WHERE number > 1)")
    for cond, params in new_item_conditions(corpus, f, ident):
        sql.add(cond, *params)
    if f.places and match is None:
        ids = sorted(place_ids(corpus, f.places))
        marks = ",".join("?" * len(ids))
        if _dense(corpus, ids, marks):
            # many items name it: walk items newest first and probe each (the
            # first page is found after a few dozen probes, no set is built)
            cond = f"EXISTS (SELECT 1 FROM item_places ip WHERE ip.item_id = items.id AND ip.place_id IN ({marks}))"
        else:
            cond = f"{ident} IN (SELECT item_id FROM item_places WHERE place_id IN ({marks}))"
        sql.add(cond, *ids)
        sql.place_ids, sql.place_marks = ids, marks
    return sql


def _full_match(corpus: Corpus, f: Filters, match: str, lo: str | None, hi: str | None, pids: list[int]) -> str:
    """The words with the date, place and person filters, as one FTS5 query: those are
    tokens of the index (``items.facets``), so FTS5 intersects them with the words
    before any row is read or scored."""
    if match is NOTHING:
        return match
    parts = [in_every_column(match, TEXT_COLUMNS, corpus.place_tokens)]
    outside = None
    if lo or hi:
        dated, outside = _date_match(corpus, lo, hi)
        if dated:
            parts.append(dated)
    if f.places:
        ids = sorted({p.id for name in f.places for p in corpus.gazetteer.resolve(name)})
        parts.append("facets : (" + " OR ".join(place_facet(i) for i in ids) + ")")
    if f.persons:
        # no person has id 0: an empty list matches nothing
        parts.append("facets : (" + " OR ".join(person_facet(i) for i in pids or [0]) + ")")
    return f"({' AND '.join(parts)}) NOT {outside}" if outside else " AND ".join(parts)


#: a place is "dense" when its mentions are at least 1/DENSE_SHARE of the items
DENSE_SHARE = 20


def _dense(corpus: Corpus, ids: list, marks: str, *, table: str = "item_places", column: str = "place_id") -> bool:
    """Do the places' (or persons') mentions make up a large share of the corpus (both read from indexes)?"""
    mentions = corpus.conn.execute(f"SELECT count(*) FROM {table} WHERE {column} IN ({marks})", ids).fetchone()[0]
    items = corpus.conn.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]
    return mentions * DENSE_SHARE >= items


def _match(f: Filters) -> str | None:
    """User words as the FTS5 query (``grams.match_query``: words, CJK bigrams, folds)."""
    if not f.has_words:
        return None
    if f.raw:
        # the user's FTS5 syntax as one unit, over the text columns only: it can
        # neither close the group to reach the filters after it nor match the
        # filter tokens (facets : d2014)
        _check_raw(f.words or "")
        return f"{TEXT_COLUMNS} : ({f.words})"
    return match_query(f.words) or NOTHING


def _date_match(corpus: Corpus, lo: str | None, hi: str | None) -> tuple[str | None, str | None]:
    """A date range as facet tokens: (tokens an item must have, or tokens it must not
    have, ``facets.range_tokens``); (None, None) when the range holds every item."""
    q = corpus.conn.execute
    # two statements: SQLite reads min() or max() from the index only when alone
    first, last = q("SELECT min(date) FROM items").fetchone()[0], q("SELECT max(date) FROM items").fetchone()[0]
    if first is None:
        return "facets : d0", None  # no dated item: nothing can match
    lo, hi = max(lo or first, first), min(hi or last, last)
    undated = q("SELECT 1 FROM items WHERE date IS NULL LIMIT 1").fetchone() is not None
    if lo == first and hi == last and not undated:
        return None, None  # every item is dated and in range: no filter at all
    tokens, outside = range_tokens(lo, hi, first, last, undated=undated)
    if not tokens:
        return "facets : d0", None
    named = "facets : (" + " OR ".join(tokens) + ")"
    return (None, named) if outside else (named, None)


_COLUMNS = (
    "items.id, items.kind, items.title, items.date, items.source, items.outlet,"
    " items.language, items.dateline, items.lede, items.body, items.date_note,"
    " items.source_note"
)


def search(
    corpus,
    f: Filters,
    *,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> SearchResult:
    """One page of matching items, newest first (best match first with words)."""
    if limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    if max(limit, offset) > 2**63 - 1:
        raise UsageError("a number is too large (ids and limits go up to 9223372036854775807)")
    match = _match(f)
    sort = (sort or ("relevance" if match else "date")).strip().lower()
    if sort not in ("date", "relevance"):
        raise UsageError(f"--sort must be date or relevance, not {sort!r}")
    sql = _where(corpus, f, match)
    if match is NOTHING:
        return SearchResult([], 0, limit, offset)
    ranked_among = seen = None
    if sort == "relevance" and match:
        order = f" ORDER BY bm25(items_fts, {BM25_WEIGHTS}), items.date DESC, items.id DESC"
    else:
        # the items_date index order (NULL dates sort last when descending):
        # the newest matches are found without reading and sorting every row
        order = " ORDER BY items.date DESC, items.id DESC"
    page = (
        f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit else (f" LIMIT -1 OFFSET {int(offset)}" if offset else "")
    )
    try:
        if match is None:
            rows = corpus.conn.execute(f"SELECT {_COLUMNS} FROM items{sql.clause}{order}{page}", sql.params).fetchall()
            seen = _beside(corpus, _SEEN, [r[0] for r in rows])  # read during the count
            if sql.place_only:  # count in the place index, without reading items rows
                total = corpus.conn.execute(
                    f"SELECT count(DISTINCT item_id) FROM item_places WHERE place_id IN ({sql.place_marks})",
                    sql.place_ids,
                ).fetchone()[0]
            elif sql.person_only:  # the same in the person index
                total = corpus.conn.execute(
                    f"SELECT count(DISTINCT item_id) FROM person_mentions WHERE person_id IN ({sql.person_marks})",
                    sql.person_ids,
                ).fetchone()[0]
            else:
                total = corpus.conn.execute(f"SELECT count(*) FROM items{sql.clause}", sql.params).fetchone()[0]
        else:
            window = RANK_WINDOW if sort == "relevance" and limit and offset + limit <= RANK_WINDOW else None
            terms = [] if f.raw else cjk_terms(f.words)
            rows, total, ranked_among, seen = _word_page(
                corpus, sql, match, sort, order, page, window, fts_snippets=not terms
            )
            rows = _form_snippets(corpus, rows, terms)
    except sqlite3.OperationalError as exc:
        if match and f.raw:
            raise UsageError(f"bad full-text query {f.words!r}: {exc}") from None
        raise
    items = _complete(corpus, rows, with_score=bool(match), seen=seen)
    return SearchResult(items, total, limit, offset, ranked_among)


#: bm25 weights of title, lede, body, facets, and the search forms of title and
#: text (CJK bigrams): a title counts as much in any script
BM25_WEIGHTS = "10.0, 3.0, 1.0, 1.0, 10.0, 1.0"

#: Best-match order (bm25) must score every match before the first is known:
#: about 1.5 microseconds a match, so a word found in most of a million-dump
#: corpus would take half a second. When more items than this match, the
#: order is worked out among the RANK_WINDOW most recently stored matches
#: (the total stays exact; ``--limit 0`` and ``--sort date`` see all).
#: 5,000 rather than 10,000: at a million dumps, 30-42 ms instead of 42-56
#: for a common word with or without filters (benchmarks/RESULTS.md).
RANK_WINDOW = 5_000


def _word_page(
    corpus, sql: _Sql, match: str, sort: str, order: str, page: str, window: int | None, *, fts_snippets: bool = True
) -> tuple[list[tuple], int, int | None, Callable[[], list[tuple]] | None]:
    """Rank the matches, then read snippets and rows for the one page shown:
    (rows, total, how many were ranked when not all, ``_beside`` of ``_SEEN`` for them).

    ``window``: rank only the most recently stored matches when more than
    this many match.
    """
    score = f"-bm25(items_fts, {BM25_WEIGHTS})"
    if not sql.needs_items and sort == "relevance":
        # no filter reads an items row: rank and count in the index alone
        # (reading an items row per match is the costly part for common words)
        base, ident = " FROM items_fts", "items_fts.rowid"
        order = f" ORDER BY bm25(items_fts, {BM25_WEIGHTS}), items_fts.rowid DESC"
    else:
        base, ident = " FROM items_fts JOIN items ON items.id = items_fts.rowid", "items.id"
    conn = corpus.conn
    count = f"SELECT count(*){base}{sql.clause}"
    # the newest stored matches come first in the index's own order: only they are scored
    newest = (
        f"SELECT id, score FROM (SELECT {ident} AS id, {score} AS score{base}{sql.clause}"
        f" ORDER BY items_fts.rowid DESC LIMIT {int(window or 0)}) ORDER BY score DESC, id DESC{page}"
    )
    if window is not None and sort == "relevance" and not sql.needs_items:
        # counted beside the ranking (two CPUs); when no more than ``window`` match, ranking
        # the newest ``window`` ranks them all, in the same order (score, then newest)
        counted = corpus.read_beside(count, sql.params)
        try:
            ranked = conn.execute(newest, sql.params).fetchall()
        finally:
            total = counted()[0]
        ranked_among = window if total > window else None
    else:
        total = conn.execute(count, sql.params).fetchone()[0]
        ranked_among = window if window is not None and total > window and sort == "relevance" else None
        every = f"SELECT {ident}, {score}{base}{sql.clause}{order}{page}"
        ranked = conn.execute(newest if ranked_among else every, sql.params).fetchall()
    ids = [r[0] for r in ranked]
    scores = dict(ranked)
    # what _complete reads of the sightings, beside the snippets and rows read here
    seen = _beside(corpus, _SEEN, ids)
    # literal ids (integers from the query above) let FTS5 seek each one
    # instead of scanning every match
    literal = ",".join(str(int(i)) for i in ids)
    # (none with CJK words: every match is cut from its text by _form_snippets)
    snippets = dict(
        conn.execute(
            f"SELECT rowid, snippet(items_fts, -1, '{_SNIP_START}', '{_SNIP_END}', '…', 24)"
            f" FROM items_fts WHERE items_fts MATCH ? AND rowid IN ({literal})",
            [match],
        ).fetchall()
        if fts_snippets
        else ()
    )
    by_id = {r[0]: r for r in _by_ids(corpus, f"SELECT {_COLUMNS} FROM items WHERE id IN ({{}})", ids)}
    rows = [by_id[i] + (snippets.get(i), scores[i]) for i in ids if i in by_id]
    return rows, total, ranked_among, seen


def _form_snippets(corpus: Corpus, rows: list[tuple], terms: list[str]) -> list[tuple]:
    """Snippets from the text, never from the search forms (``items.gram_*``).

    FTS5 cuts a snippet from the column that matched best; when only the
    search forms matched (every CJK search, and a word matched through its
    folded form), that is a list of bigrams. Those snippets are cut from the
    text instead, with the CJK terms marked.
    """
    ids = [r[0] for r in rows]
    if not ids:
        return rows
    forms = {
        r[0]: r[1:]
        for r in _by_ids(
            corpus,
            "SELECT id, gram_title, gram_text FROM items WHERE id IN ({})"
            " AND (gram_title IS NOT NULL OR gram_text IS NOT NULL)",
            ids,
        )
    }
    if not forms:  # the usual case in English: nothing to redo
        return rows
    at = _COLUMNS.count(",") + 1  # the snippet follows the columns of the row
    out = []
    for r in rows:
        snip = r[at]
        if r[0] in forms and (terms or _from_forms(snip, forms[r[0]])):
            snip = snippet([r[9] or r[8], r[2]], terms, _SNIP_START, _SNIP_END) or snip
        out.append(r[:at] + (snip,) + r[at + 1 :])
    return out


def _from_forms(snip: str | None, forms: tuple) -> bool:
    """Was this FTS5 snippet cut from a search-form column?"""
    if not snip:
        return False
    core = snip.replace(_SNIP_START, "").replace(_SNIP_END, "").strip("…").strip()
    return any(core and core in (f or "") for f in forms)


def iter_items(corpus: Corpus, f: Filters, *, chunk: int = 500) -> Iterator[SearchItem]:
    """Every matching item, oldest first, streamed in chunks."""
    match = _match(f)
    sql = _where(corpus, f, match)
    if match is NOTHING:
        return
    if match:
        base = f"SELECT {_COLUMNS} FROM items_fts JOIN items ON items.id = items_fts.rowid"
    else:
        base = f"SELECT {_COLUMNS} FROM items"
    last = 0
    while True:
        cond = list(sql.where) + ["items.id > ?"]
        q = base + " WHERE " + " AND ".join(cond) + f" ORDER BY items.id LIMIT {chunk}"
        try:
            rows = corpus.conn.execute(q, [*sql.params, last]).fetchall()
        except sqlite3.OperationalError as exc:
            if match and f.raw:
                raise UsageError(f"bad full-text query {f.words!r}: {exc}") from None
            raise
        if not rows:
            return
        yield from _complete(corpus, rows, with_score=False)
        last = rows[-1][0]


def get_items(corpus: Corpus, ids: list[int]) -> list[SearchItem]:
    """Items by id, in the order asked; a missing id raises KcnaError."""
    from .errors import KcnaError

    marks = ",".join("?" * len(ids))
    rows = corpus.conn.execute(f"SELECT {_COLUMNS} FROM items WHERE items.id IN ({marks})", ids).fetchall()
    by_id = {r[0]: r for r in rows}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise KcnaError(f"no item with id {', '.join(map(str, missing))}")
    return _complete(corpus, [by_id[i] for i in ids], with_score=False)


#: per item: the dumps that show it, the first capture date and ingest time among them
_SEEN = (
    "SELECT s.item_id, count(DISTINCT s.dump_id), min(d.capture_date), min(d.ingested_at) FROM sightings s"
    " JOIN dumps d ON d.id = s.dump_id WHERE s.item_id IN ({}) GROUP BY s.item_id"
)


#: ids read by one statement, under any limit on SQL parameters (32,766 by default)
_IDS_CHUNK = PART


def _by_ids(corpus: Corpus, sql: str, ids: list[int]) -> list[tuple]:
    """The rows of ``sql`` (``IN ({})`` for the ids) for any number of ids, in chunks."""
    return rows_in(corpus.conn, sql, ids, size=_IDS_CHUNK)


def _beside(corpus: Corpus, sql: str, ids: list[int]) -> Callable[[], list[tuple]]:
    """``_by_ids`` on the second connection (``Corpus.read_beside``) when the ids fit
    in one statement, else at once here; the function returned gives the rows."""
    if 0 < len(ids) <= _IDS_CHUNK:
        return corpus.read_beside(sql.format(",".join("?" * len(ids))), ids, every=True)
    rows = _by_ids(corpus, sql, ids)
    return lambda: rows


def _complete(
    corpus: Corpus, rows: list[tuple], *, with_score: bool, seen: Callable[[], list[tuple]] | None = None
) -> list[SearchItem]:
    """Rows -> public item dicts, with places and provenance (``seen``: ``_beside`` of ``_SEEN``)."""
    if not rows:
        return []
    ids = [r[0] for r in rows]
    places: dict[int, set[str]] = {}
    for item_id, name in _by_ids(
        corpus,
        "SELECT ip.item_id, p.full_name FROM item_places ip JOIN places p ON p.id = ip.place_id"
        " WHERE ip.item_id IN ({})",
        ids,
    ):
        places.setdefault(item_id, set()).add(name)
    first_seen = {r[0]: r[1:] for r in (seen() if seen else _by_ids(corpus, _SEEN, ids))}
    urls = dict(_by_ids(corpus, "SELECT id, url FROM items WHERE id IN ({}) AND url IS NOT NULL", ids))
    out = []
    for r in rows:
        n, first, added = first_seen.get(r[0], (0, None, None))
        item: SearchItem = {
            "id": r[0],
            "kind": r[1],
            "title": r[2],
            "date": r[3],
            "source": r[4],
            "outlet": r[5],
            "language": r[6],
            "dateline": r[7],
            "places": sorted(places.get(r[0], ())),
            "lede": r[8],
            "body": r[9] if r[1] == "article" else None,
            "date_note": r[10],
            "first_seen": first,
            "seen_in": n,
            "source_note": r[11],
            "first_capture": first,
            "added_at": added,
            "url": urls.get(r[0]),
        }
        if with_score:
            snippet = " ".join((r[12] or "").split())
            item["snippet"] = snippet.replace(_SNIP_START, MARK_START).replace(_SNIP_END, MARK_END)
            item["score"] = round(r[13], 4)
        out.append(item)
    return out
