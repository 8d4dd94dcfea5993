"""Ingest and deduplication (SPEC section 3), checked on database state."""

import sqlite3
import zlib

from kcna_cli.db import SCHEMA_VERSION, Corpus
from kcna_cli.query import Filters, get_items, search


def items(corpus, **kw):
    return search(corpus, Filters(**kw), limit=0).items


def test_ingest_page_stores_article_teasers_raw_text(corpus, fixture_text):
    text = fixture_text("page-kcna-kp.txt")
    r = corpus.ingest_text(text, "page.txt")
    assert (r.dumps_read, r.dumps_known, r.items_new, r.failed) == (1, 0, 5, [])
    arts = items(corpus, kind="article")
    assert len(arts) == 1 and arts[0]["title"] == "Model Greenhouse Farm Built in Kimhwa County"
    assert arts[0]["seen_in"] == 1 and arts[0]["first_seen"] == "2026-03-06"
    assert len(items(corpus, kind="teaser")) == 4
    raw = corpus.conn.execute("SELECT raw, path, page, capture_date FROM dumps").fetchone()
    assert zlib.decompress(raw[0]).decode() == text.strip("\n")
    assert raw[1:] == ("page.txt", 1, "2026-03-06")


def test_reingest_changes_nothing(corpus, fixture_text):
    text = fixture_text("page-kcna-kp.txt")
    corpus.ingest_text(text, "a.txt")
    before = corpus.counts()
    r = corpus.ingest_text(text.replace("\n", "\r\n"), "copy.txt")
    assert (r.dumps_read, r.dumps_known, r.items_new, r.duplicates_merged) == (1, 1, 0, 0)
    assert corpus.counts() == before


def test_recapture_merges_article_and_upgrades_teaser(corpus, fixture_text):
    corpus.ingest_text(fixture_text("page-kcna-kp.txt"), "a.txt")
    r = corpus.ingest_text(fixture_text("page-kcna-kp-recapture.txt"), "b.txt")
    # the article again and "Tales" again are merged; the article listed as a
    # teaser of its own page is the same item; "Meeting Held in Nampho" is new
    assert r.items_new == 1 and r.duplicates_merged == 2 and r.teasers_upgraded == 0
    arts = items(corpus, kind="article")
    assert len(arts) == 1 and arts[0]["seen_in"] == 2 and arts[0]["first_seen"] == "2026-03-06"
    tales = items(corpus, words="Paektu")
    assert len(tales) == 1 and tales[0]["seen_in"] == 2


def test_teaser_seen_first_is_upgraded_by_the_article(corpus, fixture_text):
    # the recapture lists the greenhouse article as a teaser; ingest it first
    corpus.ingest_text(
        fixture_text("page-kcna-kp-recapture.txt").split("KCNA KCNA.kp (En)")[0]
        + "KCNA KCNA.kp (En)\n\nOther Article\n\nDate: 09/03/2026 | Source: KCNA.kp (En) |\n\n"
        + "Pyongyang, March 9 (KCNA) -- Text. -0-\n\nMore From KCNA.kp (En)\n\n"
        + fixture_text("page-kcna-kp-recapture.txt").split("More From KCNA.kp (En)")[1],
        "t.txt",
    )
    teaser = items(corpus, words='"Model Greenhouse"')[0]
    assert teaser["kind"] == "teaser" and teaser["body"] is None
    r = corpus.ingest_text(fixture_text("page-kcna-kp.txt"), "a.txt")
    assert r.teasers_upgraded == 1
    (art,) = items(corpus, words='"Model Greenhouse"')
    assert art["id"] == teaser["id"] and art["kind"] == "article" and art["body"]
    assert art["lede"].startswith("Pyongyang, March 4 (KCNA) -- A modern greenhouse farm was completed")
    assert art["seen_in"] == 2
    # a teaser seen later never overwrites the article text
    corpus.ingest_text(fixture_text("page-kcna-kp-recapture.txt"), "b.txt")
    assert get_items(corpus, [art["id"]])[0]["body"] == art["body"]


def test_same_title_different_dates_are_different_items(corpus, fixture_text):
    corpus.ingest_text(fixture_text("multi-page.txt"), "m.txt")
    reviews = items(corpus, words='"Review of Rodong Sinmun"')
    assert sorted(r["date"] for r in reviews) == ["2026-01-20", "2026-01-21"]
    assert {r["kind"] for r in reviews} == {"article", "teaser"}
    jan20 = [r for r in reviews if r["date"] == "2026-01-20"][0]
    assert jan20["seen_in"] == 2  # one teaser, listed in both pages


def test_within_dump_duplicate_teasers_are_one(corpus, fixture_text):
    corpus.ingest_text(fixture_text("page-kcna-kp.txt"), "a.txt")
    assert len(items(corpus, words='"Press Review"')) == 1
    n = corpus.conn.execute("SELECT count(*) FROM sightings").fetchone()[0]
    assert n == 5


def test_body_only_capture_joins_the_titled_item(corpus, fixture_text):
    page = (
        "July 22, 2025Jul 22, 2025\nKCNA KCNA.kp (En)\n\nFish Farm Opened in Jongju\n\n"
        "Date: 21/07/2025 | Source: KCNA.kp (En) | Read original version at source\n\n"
        + fixture_text("body-only.txt").split("www.kcna.kp")[0]
    )
    corpus.ingest_text(fixture_text("body-only.txt"), "body.txt")
    corpus.ingest_text(page, "page.txt")
    arts = items(corpus, kind="article")
    assert len(arts) == 1
    assert arts[0]["title"] == "Fish Farm Opened in Jongju" and arts[0]["seen_in"] == 2


def test_schema_version_and_fts_consistent(corpus, fixture_text):
    for name in ("page-kcna-kp.txt", "multi-page.txt", "page-kcna-kp-recapture.txt"):
        corpus.ingest_text(fixture_text(name), name)
    assert corpus.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    corpus.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
    assert corpus.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_database_readable_by_plain_sqlite(tmp_path, fixture_text):
    path = tmp_path / "plain.db"
    with Corpus(path) as c:
        c.ingest_text(fixture_text("page-kcna-kp.txt"), "a.txt")
    conn = sqlite3.connect(path)
    titles = [r[0] for r in conn.execute("SELECT title FROM items ORDER BY id")]
    assert titles[0] == "Model Greenhouse Farm Built in Kimhwa County"
    hits = conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH 'greenhouse'").fetchall()
    assert hits == [(1,)]
