"""The full-text index after an ingest: its segments merged into one when there are many."""

import sqlite3

import generate
import pytest

from kcna_cli.db import Corpus
from kcna_cli.db import writer as writer_mod
from kcna_cli.db.files import ingest_sources
from kcna_cli.inputs import expand
from kcna_cli.query import Filters, search

WORDS = ["county", "factory", "Kim Jong Un", "production", "hospital"]


def segments(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(DISTINCT segid) FROM items_fts_idx").fetchone()[0]


def answers(corpus: Corpus) -> list:
    return [[i["id"] for i in search(corpus, Filters(words=w), limit=0).items] for w in WORDS]


@pytest.fixture
def folder(tmp_path):
    """40 captures; the next two of the same collection wait in ``later``."""
    folder, later = tmp_path / "captures", tmp_path / "later"
    for k, path in enumerate(generate.write_captures(42, tmp_path / "all")):
        to = (folder if k < 40 else later) / path.relative_to(tmp_path / "all")
        to.parent.mkdir(parents=True, exist_ok=True)
        path.rename(to)
    return folder


def ingest(db, folder, monkeypatch, most: int, new: int = 20) -> tuple[int, list, list[str]]:
    """Ingest with a transaction per page (a segment each), more than ``new`` pages new
    (or none); the index's segments after, the searches' answers, and the statements
    that merged."""
    monkeypatch.setattr(writer_mod, "BATCH_DUMPS", 1)
    monkeypatch.setattr(writer_mod, "INDEX_SEGMENTS", most)
    with Corpus(db) as corpus:
        merged: list[str] = []
        corpus.conn.set_trace_callback(lambda s: merged.append(s) if "'optimize'" in s else None)
        report = ingest_sources(corpus, expand([str(folder)]))
        corpus.conn.set_trace_callback(None)
        assert (report.dumps_new > new if new else report.dumps_new == 0) and not report.failed
        corpus.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
        return segments(corpus.conn), answers(corpus), merged


def items(db) -> int:
    with Corpus(db) as corpus:
        return corpus.conn.execute("SELECT count(*) FROM items").fetchone()[0]


def test_an_ingest_that_leaves_many_segments_merges_them_and_searches_alike(tmp_path, folder, monkeypatch):
    kept, before, none = ingest(tmp_path / "a.db", folder, monkeypatch, 10**6)
    assert kept > 8 and not none  # what an ingest leaves without the merge
    one, after, merged = ingest(tmp_path / "b.db", folder, monkeypatch, 8)
    assert one == 1 and len(merged) == 1
    assert after == before and any(before)


def test_a_daily_run_of_a_few_new_files_does_not_merge_a_larger_one_does(tmp_path, folder, monkeypatch):
    db = tmp_path / "k.db"
    kept, _, _ = ingest(db, folder, monkeypatch, 10**6)
    assert kept > 8
    # the same folder again: every file known, nothing indexed, nothing merged
    again, _, merged = ingest(db, folder, monkeypatch, 8, new=0)
    assert again == kept and not merged
    # a new file or two (a daily run): fewer new items than a tenth of those stored,
    # more segments than the bound, and no merge of the whole index
    stored = items(db)
    (tmp_path / "later").rename(folder / "later")
    more, _, merged = ingest(db, folder, monkeypatch, 8, new=1)
    assert (items(db) - stored) * 10 < stored
    assert more > 8 and not merged
    # as many new files as there were: merged
    generate.write_captures(40, folder / "most", seed=6)
    most, _, merged = ingest(db, folder, monkeypatch, 8, new=10)
    assert len(merged) == 1 and most == 1


def test_a_merge_that_fails_leaves_the_index_and_the_corpus_as_they_were(tmp_path, folder, monkeypatch):
    db = tmp_path / "k.db"
    kept, before, _ = ingest(db, folder, monkeypatch, 10**6)
    with Corpus(db) as corpus:
        other = sqlite3.connect(db, timeout=0)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        monkeypatch.setattr(writer_mod, "INDEX_SEGMENTS", 1)
        corpus.conn.execute("PRAGMA busy_timeout = 0")
        assert writer_mod.merge_index(corpus, 10**6) is False
        other.rollback()
        other.close()
        assert segments(corpus.conn) == kept and answers(corpus) == before
        assert not corpus.conn.in_transaction
        assert writer_mod.merge_index(corpus, 0) is False  # nothing indexed: nothing to merge
        assert writer_mod.merge_index(corpus, 10**6) is True and segments(corpus.conn) == 1
