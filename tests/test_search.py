"""Search: words, phrases, filters, ranking, and safety on any input."""

import datetime as dt_module
import itertools
import json
import sqlite3

import generate  # noqa: E402
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES, ITEM_KEYS, kcna
from typer.testing import CliRunner

from kcna_cli import query
from kcna_cli.cli import app
from kcna_cli.dates import user_range
from kcna_cli.db import Corpus
from kcna_cli.query import Filters, fts_query, search

DAYS = [None, "2024", "2024-01", "2024-01-02", "2024-01-03", "2024-01-05", "2024-02", "2025", "2025-02-10", "2026"]

PLACES = ["Kangwon", "Kimhwa", "Pyongyang", "Kaesong", "South Phyongan", "Hamhung", "Jagang", "Unsan"]

PAGE = (FIXTURES / "page-kcna-kp.txt").read_text(encoding="utf-8")

HOSTILE = [
    '"',
    '""',
    '"""',
    '"unbalanced',
    'balanced "phrase here"',
    "kim-jong-un",
    "-",
    "--",
    "-kim",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(kim jong)",
    "kim AND",
    "AND OR NOT",
    "*",
    "**",
    "kim*",
    "*kim",
    "^",
    "^kim",
    ":",
    "title:kim",
    "body:",
    "(",
    ")",
    "(kim",
    "kim)",
    "()",
    "{",
    "}",
    "[",
    "]",
    "'",
    "''",
    "kim's",
    "\\",
    "\\\\",
    "%",
    "_",
    "%_%",
    "😀",
    "😀 kim",
    "김정은",
    "김화군",
    "Kim\u00a0Jong",
    "\u200b",
    "\x00",
    "\t\n",
    " ",
    "",
    "a" * 5000,
    "kim " * 300,
    "SELECT * FROM items; --",
    "'; DROP TABLE items; --",
    "NEAR/3",
    "kim NEAR/2 jong",
    "+",
    "a+b",
    "1e9",
    "1/2",
    "2025-02-10",
    "#",
    "@",
    "!",
    "~",
    "`",
    "$",
    "&&",
    "||",
    "<b>",
    "&amp;",
    "Ryanggang Provincial",
]

BM25 = "bm25(items_fts, 10.0, 3.0, 1.0)"


def full_ranking(corpus, word: str, kind: str | None = None) -> list[tuple[int, float]]:
    """Every match with its score, by the definition: (id, -bm25)."""
    cond = " AND items.kind = ?" if kind else ""
    rows = corpus.conn.execute(
        f"SELECT items.id, -{BM25} FROM items_fts JOIN items ON items.id = items_fts.rowid"
        f" WHERE items_fts MATCH ?{cond}",
        [f'"{word}"'] + ([kind] if kind else []),
    ).fetchall()
    return rows


def best_first(rows):
    return [i for i, _ in sorted(rows, key=lambda r: (-r[1], -r[0]))]


def test_search_place_json_has_exact_fields(two_dumps):
    r = kcna("search", "--place", "Kimhwa", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [d["title"] for d in data] == ["Model Greenhouse Farm Built in Kimhwa County"]
    assert list(data[0]) == ITEM_KEYS
    assert data[0]["places"] == ["Kangwon Province", "Kimhwa County"]


def test_search_words_adds_snippet_and_score(two_dumps):
    data = json.loads(kcna("search", "greenhouse", "--json").stdout)
    assert list(data[0]) == ITEM_KEYS + ["snippet", "score"]
    assert "**greenhouse**" in data[0]["snippet"].lower()


def test_newest_first_limit_and_footer(two_dumps):
    data = json.loads(kcna("search", "--json", "--limit", "0").stdout)
    dates = [d["date"] for d in data]
    assert dates == sorted(dates, reverse=True)
    r = kcna("search", "--table", "--limit", "2")
    assert "2 of 8 matching items; 6 more" in r.stdout


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--since", "2026-03"], 5),
        (["--until", "2026-01-20"], 2),
        (["--on", "2026-01-21"], 1),
        (["--year", "2026"], 8),
        (["--since", "2026-01-20", "--until", "2026-01-20"], 1),
        (["--kind", "teaser"], 5),
        (["--source", "kcna"], 8),
        (["--source", "KCNA.KP (EN)"], 8),
    ],
)
def test_filters(two_dumps, args, expected):
    r = kcna("search", "--json", "--limit", "0", *args)
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "2025-13"],
        ["--on", "someday"],
        ["--source", "Rodong Sinmun"],
        ["--kind", "video"],
        ["--sort", "size"],
        ["--place", "Kimwha"],
        ["--limit", "-1"],
    ],
)
def test_usage_errors_exit_2_with_one_line(two_dumps, args):
    r = kcna("search", *args)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1


def test_unknown_place_suggests(two_dumps):
    r = kcna("search", "--place", "Kimwha")
    assert r.exit_code == 2 and 'did you mean "Kimhwa County"' in r.stderr


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_fts_query_is_always_valid_fts5(text):
    q = fts_query(text)
    if q is None:
        return
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    conn.execute("INSERT INTO t VALUES ('kim jong un visits kimhwa county')")
    conn.execute("SELECT * FROM t WHERE t MATCH ?", (q,)).fetchall()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.text(max_size=60), limit=st.integers(0, 20), since=st.sampled_from([None, "2025", "2026-01", "2026-03-04"])
)
def test_search_never_raises_on_any_words(corpus_with_data, words, limit, since):
    res = search(corpus_with_data, Filters(words=words, since=since), limit=limit)
    assert res.total >= len(res.items)
    if limit:
        assert len(res.items) <= limit
    if since:
        assert all(it["date"] >= since[:4] for it in res.items)


def test_search_results_are_a_subset_ordered_newest_first(corpus_with_data):
    everything = search(corpus_with_data, Filters(), limit=0).items
    dates = [i["date"] for i in everything if i["date"]]
    assert dates == sorted(dates, reverse=True)


@pytest.fixture
def corpus_with_data(corpus):
    for p in sorted(FIXTURES.glob("*.txt")):
        corpus.ingest_text(p.read_text(encoding="utf-8"), p.name)
    return corpus


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory):
    """The fixtures and a few hundred generated dumps: many dates and places."""

    import generate

    from kcna_cli.db import Corpus

    c = Corpus(tmp_path_factory.mktemp("mixed") / "kcna.db")
    for p in sorted(FIXTURES.glob("*.txt")):
        c.ingest_text(p.read_text(encoding="utf-8"), p.name)
    c.ingest_text("".join(generate.generate(300, seed=11)))
    yield c
    c.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.sampled_from(["county", "factory", "greenhouse", "work", "the", "hospital", '"working people"']),
    places=st.lists(st.sampled_from(PLACES), max_size=2),
    since=st.sampled_from(DAYS),
    until=st.sampled_from(DAYS),
    year=st.sampled_from([None, None, "2024", "2026"]),
)
def test_words_with_dates_and_places_find_what_the_filters_alone_find(mixed_corpus, words, places, since, until, year):
    # with words, dates and places are index tokens; without, SQL over items and
    # item_places: two ways that must agree on every question
    c = mixed_corpus
    filters = {"places": places, "since": since, "until": until, "year": year}
    both = search(c, Filters(words=words, **filters), limit=0)
    alone = {i["id"] for i in search(c, Filters(**filters), limit=0).items}
    matched = {i["id"] for i in search(c, Filters(words=words), limit=0).items}
    assert {i["id"] for i in both.items} == alone & matched
    assert both.total == len(alone & matched)


@pytest.fixture(scope="module")
def dated_corpus(tmp_path_factory):
    """Generated dumps and the fixtures whose every item is dated (2014-2026): a date
    range over most of it is searched by the days outside it."""
    import generate

    from kcna_cli.db import Corpus

    c = Corpus(tmp_path_factory.mktemp("dated") / "kcna.db")
    c.ingest_text("".join(generate.generate(300, seed=11)))
    for p in sorted(FIXTURES.glob("*.txt")):
        with Corpus(":memory:") as alone:
            alone.ingest_text(p.read_text(encoding="utf-8"), p.name)
            if alone.conn.execute("SELECT 1 FROM items WHERE date IS NULL").fetchone():
                continue
        c.ingest_text(p.read_text(encoding="utf-8"), p.name)
    assert c.conn.execute("SELECT count(*) FROM items WHERE date IS NULL").fetchone()[0] == 0
    yield c
    c.close()


def test_words_with_a_date_range_find_the_matches_dated_in_it_named_either_way(dated_corpus):
    """With every item dated, a range over most of the corpus's days is searched as "not
    the days outside it": the same items and totals as the words alone, filtered by date
    here, for ranges named by the days in them and by the days outside them."""
    from kcna_cli.query import _date_match

    c = dated_corpus
    days = DAYS + ["2014", "2015-06", "2024-01-03", "2026-03-09", "2026-03-10", "2013"]
    outside = inside = 0
    for words in ("county", "the", '"working people"'):
        matched = search(c, Filters(words=words), limit=0).items
        for since, until in itertools.product(days, days):
            if since is None and until is None:
                continue
            lo, hi = user_range(since)[0] if since else "0000", user_range(until)[1] if until else "9999"
            got = search(c, Filters(words=words, since=since, until=until), limit=0)
            want = {i["id"] for i in matched if lo <= i["date"] <= hi}
            assert {i["id"] for i in got.items} == want, (words, since, until)
            assert got.total == len(want)
            named, left_out = _date_match(c, lo if since else None, hi if until else None)
            outside += left_out is not None
            inside += named is not None and named != "facets : d0"
    assert outside >= 30 and inside >= 30  # both ways were asked


@given(
    lo=st.dates(dt_module.date(1900, 1, 1), dt_module.date(2100, 12, 31)),
    hi=st.dates(dt_module.date(1900, 1, 1), dt_module.date(2100, 12, 31)),
)
def test_date_tokens_cover_exactly_the_days_of_a_range(lo, hi):
    import datetime as dt

    from kcna_cli.facets import date_tokens as _date_tokens

    tokens = _date_tokens(lo.isoformat(), hi.isoformat())
    if hi < lo:
        assert tokens == []
        return
    assert len(tokens) <= 12 + 31 + 31 + 12 + (hi.year - lo.year)
    covered = set()
    for t in tokens:
        covered.add(t)
    if (hi - lo).days < 800:  # check day by day where that is quick
        day = lo
        while day <= hi:
            iso = day.isoformat()
            assert len({f"d{iso[:4]}", f"d{iso[:4]}{iso[5:7]}", f"d{iso[:4]}{iso[5:7]}{iso[8:]}"} & covered) == 1
            day += dt.timedelta(days=1)
        for edge in (lo - dt.timedelta(days=1), hi + dt.timedelta(days=1)):
            iso = edge.isoformat()
            assert not {f"d{iso[:4]}", f"d{iso[:4]}{iso[5:7]}", f"d{iso[:4]}{iso[5:7]}{iso[8:]}"} & covered


@given(
    days=st.lists(st.dates(dt_module.date(2010, 1, 1), dt_module.date(2016, 12, 31)), min_size=4, max_size=4),
    undated=st.booleans(),
)
def test_a_range_named_by_the_days_outside_it_leaves_exactly_its_days(days, undated):
    """``range_tokens`` over a corpus dated from ``first`` to ``last``: every day from first
    to last is in the range exactly when the tokens name it (days of the range) or do
    not name it (days outside it); the smaller side is named, never with undated items."""
    import datetime as dt

    from kcna_cli.facets import date_facets, range_tokens

    first, lo, hi, last = sorted(days)
    tokens, outside = range_tokens(lo.isoformat(), hi.isoformat(), first.isoformat(), last.isoformat(), undated=undated)
    assert not (outside and undated)
    assert outside == (not undated and 2 * (hi - lo).days > (last - first).days and (lo, hi) != (first, last))
    day = first
    while day <= last:
        named = bool(set(date_facets(day.isoformat())) & set(tokens))
        assert (lo <= day <= hi) == (named != outside), day
        day += dt.timedelta(days=1)


def test_every_match_is_read_in_chunks_under_sqlites_parameter_limit(tmp_path, monkeypatch):
    """``--limit 0`` reads the rows, places, sightings and addresses of every match by
    ids, in chunks under SQLite's limit on parameters a statement (32,766 in SQLite's
    default build; 100 here, with chunks of 50): the same items as a database without
    the limit gives, with words and without."""

    def built(name: str) -> Corpus:
        corpus = Corpus(tmp_path / name)
        for p in sorted(FIXTURES.glob("*.txt")):
            corpus.ingest_text(p.read_text(encoding="utf-8"), p.name)
        corpus.ingest_text("".join(generate.generate(300, seed=11)))
        return corpus

    def every(corpus: Corpus) -> list[list[dict]]:  # (ingest times differ between the two)
        return [[{**i, "added_at": None} for i in search(corpus, Filters(**a), limit=0).items] for a in asks]

    asks = [{"words": "the"}, {"since": "2024"}, {"places": ["Kangwon"]}, {}]
    free, limited = built("free.db"), built("limited.db")
    whole = every(free)
    assert len(whole[0]) > 100 and len(whole[3]) > 150 and all(i["seen_in"] for i in whole[3])
    monkeypatch.setattr(query, "_IDS_CHUNK", 50, raising=False)
    for conn in (limited.conn, limited.side_reader()):
        assert conn is not None
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 100)
    assert every(limited) == whole
    free.close()
    limited.close()


def test_hostile_queries_never_raise(tmp_path):
    assert len(HOSTILE) >= 50
    corpus = Corpus(tmp_path / "h.db")
    corpus.ingest_text(PAGE, "p.txt")
    for q in HOSTILE:
        res = search(corpus, Filters(words=q), limit=5)
        assert res.total >= len(res.items)
    r = kcna("search", "--db", str(tmp_path / "h.db"), "--json", "--", "kim-jong-un", '"unbalanced', "NEAR")
    assert r.exit_code == 0, r.output


def test_word_phrase_prefix_semantics(tmp_path):
    corpus = Corpus(tmp_path / "w.db")
    corpus.ingest_text(PAGE, "p.txt")
    hits = lambda q: {i["title"] for i in search(corpus, Filters(words=q), limit=0).items}  # noqa: E731
    greenhouse = "Model Greenhouse Farm Built in Kimhwa County"
    assert greenhouse in hits("greenhouse")
    assert greenhouse not in hits("greenhous")  # words match as words
    assert greenhouse in hits("greenhous*")  # a trailing * is a prefix
    assert greenhouse in hits('"modern greenhouse farm"')
    assert greenhouse not in hits('"farm greenhouse modern"')  # a phrase keeps its order
    assert hits("greenhouse AND") == hits("greenhouse and")


def test_raw_fts_syntax_error_is_exit_2(tmp_path):
    kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"))
    r = kcna("search", "--raw", "kim AND")
    assert r.exit_code == 2 and "bad full-text query" in r.stderr
    ok = kcna("search", "--raw", "greenhouse OR sowing", "--json")
    assert len(json.loads(ok.stdout)) == 2


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("ranking") / "kcna.db"
    corpus = Corpus(path)
    corpus.ingest_text("".join(generate.generate(240, seed=7)))
    corpus.close()
    return path


@pytest.mark.parametrize("kind", [None, "article"])
def test_many_matches_are_ranked_among_the_most_recently_stored(db, monkeypatch, kind):
    monkeypatch.setattr(query, "RANK_WINDOW", 40)
    corpus = Corpus(db, create=False)
    every = full_ranking(corpus, "county", kind)
    assert len(every) > 100  # the word is in nearly every generated item
    window = sorted(every, key=lambda r: -r[0])[:40]
    result = search(corpus, Filters(words="county", kind=kind), limit=10)
    assert result.total == len(every)
    assert result.ranked_among == 40
    assert [it["id"] for it in result.items] == best_first(window)[:10]
    scores = [it["score"] for it in result.items]
    assert scores == sorted(scores, reverse=True)


def test_all_matches_are_ranked_when_few_match_or_all_are_asked_for(db, monkeypatch):
    corpus = Corpus(db, create=False)
    every = full_ranking(corpus, "county")
    monkeypatch.setattr(query, "RANK_WINDOW", len(every))
    few = search(corpus, Filters(words="county"), limit=10)
    assert few.ranked_among is None and [it["id"] for it in few.items] == best_first(every)[:10]
    monkeypatch.setattr(query, "RANK_WINDOW", 40)
    everything = search(corpus, Filters(words="county"), limit=0)
    assert everything.ranked_among is None
    assert [it["id"] for it in everything.items] == best_first(every)
    by_date = search(corpus, Filters(words="county"), sort="date", limit=10)
    assert by_date.ranked_among is None
    dates = [it["date"] for it in by_date.items]
    assert dates == sorted(dates, reverse=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(window=st.integers(1, 400), limit=st.integers(1, 60), offset=st.integers(0, 80))
def test_window_pages_are_slices_of_one_ranking(db, monkeypatch, window, limit, offset):
    # any window, page size and offset: a page is a slice of one order, with an exact total
    monkeypatch.setattr(query, "RANK_WINDOW", window)
    corpus = Corpus(db, create=False)
    every = full_ranking(corpus, "county")
    result = search(corpus, Filters(words="county"), limit=limit, offset=offset)
    assert result.total == len(every)
    if offset + limit <= window < len(every):
        pool = sorted(every, key=lambda r: -r[0])[:window]
        assert result.ranked_among == window
    else:
        pool = every
        assert result.ranked_among is None
    assert [it["id"] for it in result.items] == best_first(pool)[offset : offset + limit]


def test_the_table_says_when_order_was_worked_out_among_recent_matches(db, monkeypatch):
    monkeypatch.setattr(query, "RANK_WINDOW", 40)
    runner = CliRunner()
    out = runner.invoke(app, ["search", "county", "--db", str(db), "--table", "--limit", "5"])
    assert out.exit_code == 0, out.output
    assert "best matches among the 40 most recently stored of" in " ".join(out.output.split())
    piped = runner.invoke(app, ["search", "county", "--db", str(db), "--json", "--limit", "5"])
    assert len(json.loads(piped.stdout)) == 5  # the note never enters piped data


_EVERY_COLUMN_CORPUS: list = []


def _people_and_places_corpus() -> Corpus:
    """The fixtures (pages with places and persons) in one corpus, built once for the module."""
    if not _EVERY_COLUMN_CORPUS:
        corpus = Corpus(":memory:")
        for path in sorted(FIXTURES.glob("*.txt")) + sorted((FIXTURES / "people").glob("*.txt")):
            corpus.ingest_text(path.read_text(encoding="utf-8"), path.name)
        _EVERY_COLUMN_CORPUS.append(corpus)
    return _EVERY_COLUMN_CORPUS[0]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_words_searched_in_every_column_find_what_the_text_columns_find(data, monkeypatch):
    """A common word is searched in every column, facets too, when no word can be a filter
    token: the same items, total, order and scores as searching the text columns only.
    Filter tokens stored in the corpus (dates, places, persons) are among the words tried."""
    corpus = _people_and_places_corpus()
    stored = sorted({t for (f,) in corpus.conn.execute("SELECT facets FROM items") for t in (f or "").split()})
    assert any(t.startswith("n") for t in stored) and any(t.startswith("p") for t in stored)
    vocabulary = [
        "kim",
        "county",
        "visited",
        "jong",
        "north",
        "people",
        "d",
        "n",
        "p",
        "2025",
        *stored[:: max(1, len(stored) // 25)],
    ]
    words = data.draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=3))
    prefix = data.draw(st.booleans())
    text = " ".join(words) + ("*" if prefix else "")
    extra = data.draw(st.sampled_from([{}, {"since": "2025"}, {"places": ["Kangwon"]}]))

    def run():
        result = search(corpus, Filters(words=text, **extra), limit=0)
        return result.total, [(i["id"], i["score"]) for i in result.items]

    relaxed = run()
    with monkeypatch.context() as patch:  # undone before the next example
        patch.setattr(query, "in_every_column", lambda match, *rest: match)
        strict = run()
    assert relaxed == strict


@pytest.mark.parametrize("window", [3, 40, 10_000])
def test_counting_beside_the_ranking_gives_what_one_connection_gives(tmp_path, monkeypatch, window):
    """A search counts its matches, and reads the sightings of the items it shows, on a
    second connection while it ranks them or reads them: the same items (every field),
    scores, total and ranked_among as with one connection, with any window; a bad query
    still fails with one line, and the next search works."""
    corpus = Corpus(tmp_path / "k.db")
    for path in sorted(FIXTURES.glob("*.txt")) + sorted((FIXTURES / "people").glob("*.txt")):
        corpus.ingest_text(path.read_text(encoding="utf-8"), path.name)
    monkeypatch.setattr(query, "RANK_WINDOW", window)
    asks = [
        {"words": "kim"},
        {"words": "county", "since": "2025"},
        {"words": "jong", "places": ["Kangwon"]},
        {"places": ["Kangwon"]},
        {"since": "2025"},
    ]

    def results():
        out = []
        for ask in asks:
            for limit in (2, 20):
                r = search(corpus, Filters(**ask), limit=limit)
                out.append((r.total, r.ranked_among, r.items))
        return out

    beside = results()
    assert corpus._side is not None  # the second connection was used
    ranked = [r for r, ask in zip(beside, [a for a in asks for _ in (2, 20)], strict=True) if "words" in ask]
    assert any(t > window for t, _, _ in ranked) == any(among for _, among, _ in beside)
    shown = [i for _, _, items in beside for i in items]
    assert len(shown) > 20 and all(i["seen_in"] >= 1 and i["added_at"] and i["first_seen"] for i in shown)
    with monkeypatch.context() as patch:
        patch.setattr(Corpus, "side_reader", lambda self: None)
        assert results() == beside
    with pytest.raises(query.UsageError):
        search(corpus, Filters(words="kim (", raw=True), limit=5)
    assert results() == beside
    corpus.close()
