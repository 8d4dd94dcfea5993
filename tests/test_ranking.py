"""Best-match order when a search matches more items than RANK_WINDOW."""

import json
import sys

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kcna_cli import query
from kcna_cli.cli import app
from kcna_cli.db import Corpus
from kcna_cli.query import Filters, search

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

BM25 = "bm25(items_fts, 10.0, 3.0, 1.0)"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("ranking") / "kcna.db"
    corpus = Corpus(path)
    corpus.ingest_text("".join(generate.generate(240, seed=7)))
    corpus.close()
    return path


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
