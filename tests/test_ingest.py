"""Ingest and deduplication, checked on database state and on what ingest prints."""

import io
import json
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES, kcna, run_kcna

from kcna_cli.db import Corpus
from kcna_cli.query import Filters, get_items, search


def items(corpus, **kw):
    return search(corpus, Filters(**kw), limit=0).items


ALL_DUMPS = sorted(p for p in FIXTURES.rglob("*.txt") if p.parent.name != "bad")


def test_ingest_json_summary_keys(two_dumps):
    for key in ("dumps_read", "dumps_known", "items_new", "teasers_upgraded", "duplicates_merged", "failed"):
        assert key in two_dumps
    assert two_dumps["dumps_read"] == 3 and two_dumps["failed"] == []
    again = json.loads(kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"), "--json").stdout)
    assert (again["dumps_read"], again["dumps_known"], again["items_new"]) == (1, 1, 0)


def test_ingest_stdin_and_failures(tmp_path):
    text = (FIXTURES / "page-kcna-kp.txt").read_text()
    r = kcna("ingest", "-", "--json", input=text)
    assert r.exit_code == 0 and json.loads(r.stdout)["items_new"] == 5
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    r = kcna("ingest", str(bad), str(FIXTURES / "multi-page.txt"), str(tmp_path / "nope.txt"), "--json")
    assert r.exit_code == 1
    summary = json.loads(r.stdout)
    assert {f["error"] for f in summary["failed"]} == {"empty file", "no such file or folder"}
    assert summary["dumps_read"] == 2  # the rest was still ingested


def test_ingest_folder_and_glob(tmp_path):
    r = kcna("ingest", str(FIXTURES), "--json")
    summary = json.loads(r.stdout)
    assert r.exit_code == 1  # not-a-dump.txt, two index pages and two pages of no known shape are reported
    assert [f["path"] for f in summary["failed"]] == [str(FIXTURES / "bad" / "not-a-dump.txt")] + [
        str(FIXTURES / "sites" / n)
        for n in ("S15-kass-es-unmarked.txt", "S4-kcna-co-jp-index.txt", "S8-rodong-list.txt", "unknown-shape.txt")
    ]
    r2 = kcna("ingest", str(FIXTURES / "page-*.txt"), "--json")
    assert json.loads(r2.stdout)["dumps_known"] == 3


def test_ingest_progress_and_summary_on_a_terminal(tmp_path, monkeypatch):
    """With stderr a terminal: a progress bar, then a summary table; nothing on stdout."""

    from kcna_cli import cli
    from kcna_cli.views.formats import Env

    err = io.StringIO()
    out = io.StringIO()
    monkeypatch.setattr(
        "kcna_cli.views.formats.Env", lambda: Env(stdout=out, stderr=err, stdout_isatty=False, stderr_isatty=True)
    )
    with pytest.raises(SystemExit) as exc:
        cli.app(["ingest", str(FIXTURES / "page-kcna-kp.txt"), str(FIXTURES / "multi-page.txt")], standalone_mode=True)
    assert exc.value.code == 0
    text = err.getvalue()
    assert "dumps read" in text and "new items" in text and "duplicates merged" in text
    assert out.getvalue() == ""


def test_ingest_piped_and_quiet_print_no_progress(tmp_path):
    r = run_kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"), env={"KCNA_DB": str(tmp_path / "p.db")})
    assert r.returncode == 0 and r.stdout == ""
    new, summary = r.stderr.splitlines()
    assert new == f"kcna: new database at {tmp_path / 'p.db'}"
    assert "1 dumps read" in summary and "\x1b" not in r.stderr
    r = run_kcna("ingest", str(FIXTURES / "multi-page.txt"), "-q", env={"KCNA_DB": str(tmp_path / "p.db")})
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


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


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(ALL_DUMPS), st.integers(1, 6))
def test_full_text_index_matches_the_items_whatever_the_ingest_order(files, batch):
    """The index is written per transaction; it must always equal what items hold."""
    from kcna_cli.db import writer as store

    old = store.BATCH_DUMPS
    store.BATCH_DUMPS = batch  # transactions of a few dumps: index work crosses commits
    try:
        corpus = Corpus(":memory:")
        for f in files:
            corpus.ingest_text(f.read_text(encoding="utf-8"), f.name)
        corpus.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
        n = corpus.conn.execute("SELECT count(*) FROM items_fts").fetchone()[0]
        assert n == corpus.conn.execute("SELECT count(*) FROM items").fetchone()[0]
        # words only in an upgraded teaser's article body and a revised text are found
        assert search(corpus, Filters(words="vinyl houses")).total == 1
        assert search(corpus, Filters(words='"sea of fruit trees"')).total == 1
    finally:
        store.BATCH_DUMPS = old
