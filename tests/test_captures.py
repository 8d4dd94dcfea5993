"""Real captures: cut-off and paywalled pages, body-only pages, pages with no year, former and
personal place names, pages of other shapes, saved HTML pages (fixtures/shapes/)."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES, kcna

from kcna_cli import revisions as rv
from kcna_cli.captures import ends_mid_sentence, half_read, inferred_source, is_paywall
from kcna_cli.db import Corpus
from kcna_cli.inputs import read_pages
from kcna_cli.parse import parse_page, parse_pages, parse_text
from kcna_cli.query import Filters, iter_items, search

CAP = FIXTURES / "shapes"
PREMIER = "Premier Inspects Fertilizer Complex in Hungnam District"
POTATO = "Potato Sowing Begins in Paegam County"
STORE = "Children's Department Store Reopens in Pyongyang"


def ingest(corpus: Corpus, *names: str) -> None:
    for name in names:
        data = (CAP / name).read_bytes()
        corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))


def items(corpus: Corpus) -> list[dict]:
    return list(iter_items(corpus, Filters()))


def item(corpus: Corpus, title: str) -> dict:
    (found,) = [it for it in items(corpus) if it["title"] == title]
    return found


# --- 1. cut-off captures: a prefix of a version, in every order ----------------------------------


@pytest.mark.parametrize("order", list(itertools.permutations(["cut-mid-word.txt", "cut-mid-word-whole.txt"])))
def test_capture_cut_mid_word_is_the_start_of_the_version_in_either_order(order):
    corpus = Corpus(":memory:")
    ingest(corpus, *order)
    premier = item(corpus, PREMIER)
    versions = rv.versions_of(corpus, premier["id"])
    assert [(v.number, v.partial, v.first_capture, v.last_capture) for v in versions] == [
        (1, False, "2026-04-10", "2026-04-11")
    ]
    assert premier["body"].endswith("before the farming season.")  # the whole text, from the other capture
    assert premier["seen_in"] == 2
    assert rv.revised_items(corpus, Filters()).items == []


def test_cut_capture_with_a_teaser_list_after_it_is_not_complete():
    dump = parse_page((CAP / "cut-mid-word.txt").read_text(encoding="utf-8"))
    assert dump.complete is False and dump.article.body.endswith("Pak Kun Sok, c")
    assert len(dump.teasers) == 2
    whole = parse_page((CAP / "cut-mid-word-whole.txt").read_text(encoding="utf-8"))
    assert whole.complete is True


@pytest.mark.parametrize(
    ("paragraph", "cut"),
    [
        ("He was accompanied by Pak Kun Sok, c", True),
        ("He was accompanied by Pak Kun Sok, chairman of the", True),
        ("The ceremony ended.", False),
        ('He said: "We will win!"', False),
        ("The work is under way. […]", False),
        ("By Ri Myong Hui", False),
        ("KCNA", False),
        ("(Photo: KCNA)", False),
        ("(끝)", False),
        ("He said", True),
        ("", False),
    ],
)
def test_cut_off_rule(paragraph, cut):
    assert ends_mid_sentence(paragraph) is cut


WORDS = st.lists(st.from_regex(r"[a-z]{1,9}", fullmatch=True), min_size=3, max_size=30)


@given(WORDS, st.sampled_from([".", "!", "?", '."', ".”", " -0-"]))
def test_a_sentence_that_ends_is_never_cut_and_its_prefix_mid_word_always_is(words, end):
    sentence = " ".join(words).capitalize()
    assert not ends_mid_sentence(sentence + end)
    assert ends_mid_sentence(sentence[:-1] if len(words[-1]) > 1 else sentence)


# --- 1. places, dates and sources are a function of the captures ------------------------------------


@pytest.mark.parametrize(
    "order", [["cut-mid-word-whole.txt", "teaser-untitled.txt"], ["teaser-untitled.txt", "cut-mid-word-whole.txt"]]
)
def test_untitled_teaser_named_by_a_titled_one_has_all_its_places_in_either_order(order):
    corpus = Corpus(":memory:")
    ingest(corpus, *order)
    potato = item(corpus, POTATO)
    assert potato["places"] == ["Paegam County", "Ryanggang Province"]
    assert potato["seen_in"] == 2 and potato["source"] == "KCNA.kp (En)" and potato["source_note"] is None
    assert sum(1 for it in items(corpus) if it["date"] == "2026-04-09" and it["kind"] == "teaser") == 1


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["headless.txt", "teaser-untitled.txt", "cut-mid-word-whole.txt"]))
)
def test_title_only_capture_untitled_and_titled_teasers_are_one_article_in_any_order(order):
    """The title-only capture and the untitled teaser share nothing; the titled teaser links them."""
    corpus = Corpus(":memory:")
    ingest(corpus, *order)
    dated = [it for it in items(corpus) if it["date"] == "2026-04-09"]
    assert len(dated) == 2  # the potato sowing, and the bus terminal of the body-only page
    (potato,) = [it for it in dated if it["lede"] and "potatoes" in it["lede"]]
    assert (potato["kind"], potato["title"], potato["seen_in"]) == (
        "article",
        "Potato Sowing Begins In Paegam County",
        3,
    )
    assert potato["places"] == ["Paegam County", "Ryanggang Province"] and potato["dateline"] == "Pyongyang"
    corpus.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
    assert search(corpus, Filters(words="potatoes")).total == 1


# --- 2. body-only captures keep their source -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source", "outlet", "note"),
    [
        ("body-only-more-from.txt", "KCNA.kp (En)", "KCNA.kp", "more_from"),
        ("teaser-untitled.txt", "KCNA.kp", "KCNA.kp", "stamp"),
        ("no-year-body-only.txt", "KCNA", "KCNA", "dateline"),
    ],
)
def test_body_only_article_takes_the_outlet_its_page_names(name, source, outlet, note):
    corpus = Corpus(":memory:")
    ingest(corpus, name)
    (article,) = [it for it in items(corpus) if it["kind"] == "article"]
    assert (article["source"], article["outlet"], article["source_note"]) == (source, outlet, note)


def test_source_is_inferred_from_those_three_only():
    assert inferred_source("Rodong Sinmun (En)", True, "Pyongyang, May 3 (KCNA) -- x") == (
        "Rodong Sinmun (En)",
        "more_from",
    )
    assert inferred_source(None, True, None) == ("KCNA.kp", "stamp")
    assert inferred_source(None, False, "Pyongyang, May 3 (KCNA) -- x") == ("KCNA", "dateline")
    assert inferred_source(None, False, "A day in May, the people of the city gathered.") == (None, None)
    assert inferred_source(None, False, "Moscow, May 3 (TASS) -- x") == (None, None)


def test_printed_source_wins_over_an_inferred_one_in_either_order():
    for order in (
        ["no-year-body-only.txt", "no-year-full-page.txt"],
        ["no-year-full-page.txt", "no-year-body-only.txt"],
    ):
        corpus = Corpus(":memory:")
        ingest(corpus, *order)
        store = item(corpus, STORE)
        assert (store["source"], store["source_note"]) == ("KCNA.kp (En)", None)


def test_source_note_is_in_the_json_of_show(tmp_path):
    db = str(tmp_path / "c.db")
    assert kcna("ingest", str(CAP / "body-only-more-from.txt"), "--db", db, "-q").exit_code == 0
    (shown,) = json.loads(kcna("show", "1", "--db", db, "--json").stdout)
    assert shown["source_note"] == "more_from" and shown["source"] == "KCNA.kp (En)"


# --- 3. a capture without a year joins its dated page -----------------------------------------------------


@pytest.mark.parametrize(
    "order", [["no-year-body-only.txt", "no-year-full-page.txt"], ["no-year-full-page.txt", "no-year-body-only.txt"]]
)
def test_capture_without_a_year_is_one_item_with_the_dated_page(order):
    corpus = Corpus(":memory:")
    ingest(corpus, *order)
    articles = [it for it in items(corpus) if it["kind"] == "article"]
    assert len(articles) == 1
    store = articles[0]
    assert (store["title"], store["date"], store["date_note"], store["seen_in"]) == (STORE, "2026-05-03", None, 2)
    assert store["body"].endswith("the sales of school bags were brisk.")
    assert rv.revised_items(corpus, Filters()).items == []
    assert search(corpus, Filters(year="2026", words="children")).total == 1


def test_capture_without_a_year_of_another_day_or_text_stays_apart():
    corpus = Corpus(":memory:")
    ingest(corpus, "no-year-full-page.txt")
    text = (CAP / "no-year-body-only.txt").read_text(encoding="utf-8")
    other_day = text.replace("May 3 (KCNA)", "May 4 (KCNA)")
    other_text = text.replace("school things", "musical instruments")
    for n, variant in enumerate([other_day, other_text]):
        corpus.ingest_text(variant, f"v{n}.txt")
    assert sum(1 for it in items(corpus) if it["kind"] == "article") == 3


# --- 4. the paywall upsell is chrome, and the text is cut there ------------------------------------


def test_paywall_upsell_is_removed_and_the_body_is_cut():
    dump = parse_page((CAP / "paywall.txt").read_text(encoding="utf-8"))
    assert dump.complete is False
    assert "NK PRO" not in dump.article.body and "South Korea" not in dump.article.body
    assert dump.article.body.endswith("overcoming the severe cold of the highland, and the")
    assert [t.title for t in dump.teasers] == ["Fishermen of Kim Chaek City Land Big Catch"]
    corpus = Corpus(":memory:")
    ingest(corpus, "paywall.txt")
    (v,) = rv.versions_of(corpus, item(corpus, "Hydropower Station Completed in Kim Hyong Jik County")["id"])
    assert v.partial is True


def test_join_the_nk_pro_team_in_the_header_is_not_a_paywall(fixture_text):
    dump = parse_page(fixture_text("page-long-capture-juche-stamp.txt"))
    assert dump.complete is True and not any("upsell" in w for w in dump.warnings)
    assert is_paywall("Upgrade to NK PRO today to get full access to this content")
    assert not is_paywall("Workers upgraded the production lines of the factory.")


# --- 5. former names and counties named after people ---------------------------------------------------


def test_former_name_resolves_and_the_old_article_is_found_under_both_names(tmp_path):
    db = str(tmp_path / "c.db")
    assert kcna("ingest", str(CAP / "former-name.txt"), "--db", db, "-q").exit_code == 0
    for name in ("Samjiyon County", "Samjiyon City", "Samjiyon"):
        r = kcna("search", "--place", name, "--db", db, "--json")
        assert r.exit_code == 0, r.output
        assert [it["title"] for it in json.loads(r.stdout)] == ["Construction of Samjiyon County Town Progresses"]
    r = kcna("search", "--place", "Sinpha County", "--db", db, "--json")  # Kim Jong Suk County before 1981
    assert r.exit_code == 0 and json.loads(r.stdout) == []  # resolves; the person in the teaser is no place


def test_counties_named_after_people_with_their_unit_word_only():
    corpus = Corpus(":memory:")
    ingest(corpus, "paywall.txt", "former-name.txt")
    assert item(corpus, "Hydropower Station Completed in Kim Hyong Jik County")["places"] == [
        "Kim Hyong Jik County",
        "Ryanggang Province",
    ]
    assert item(corpus, "Fishermen of Kim Chaek City Land Big Catch")["places"] == ["Kim Chaek City"]
    assert item(corpus, "Kim Jong Suk Remembered")["places"] == []


def test_places_evaluation_with_former_and_personal_names():
    from places_eval import CASES, evaluate

    kinds = [s for s, _ in CASES if "Samjiyon County" in s or "Kim Hyong Jik" in s or "Kim Jong Suk" in s]
    assert len(kinds) >= 8
    precision, recall, misses = evaluate()
    assert precision >= 0.95 and recall >= 0.95, misses


# --- 6. pages of another shape are refused, not stored half-read -----------------------------------------


@pytest.mark.parametrize(
    ("name", "shape", "source"),
    [
        ("stamp-only-title-first.txt", "S1", "KCNA.kp (En)"),  # a kcna.kp article page
        ("stamp-only-site-header.txt", "R4", "oananews.org"),  # an oananews.org repost
    ],
)
def test_pages_of_other_sites_with_a_stamp_are_read_as_their_shape(tmp_path, name, shape, source):
    # these were refused until the site shapes were read (fixtures/README.md, "Pages from other sites")
    (page,) = parse_text((CAP / name).read_text(encoding="utf-8"))
    a = page.dump.article
    assert (page.dump.rendering, a.source) == (shape, source)
    assert (a.title, a.date, a.dateline) == ("Shoe Factory Expands in Kyongsong County", "2026-04-16", "Pyongyang")
    assert a.body.startswith("Pyongyang, April 16 (KCNA) -- A shoe factory") and "www.kcna.kp" not in a.body
    assert "ID" not in a.body and "09:30" not in a.body


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            "2024.11.09.\nPyongyang, November 9 (KCNA) -- A farm opened.\nIt is big. -0-\nwww.kcna.kp (2024.11.09.)",
            "first line '2024.11.09.' is a site header or page date",
        ),
        (
            "Kyongsong News\nShoe Factory Expands\nPyongyang, April 16 (KCNA) -- A shoe factory has grown. -0-"
            "\nwww.kcna.kp (2026.04.16.)",
            "text before the dateline is not read",
        ),
    ],
)
def test_page_known_only_by_its_stamp_is_refused_with_the_reason(tmp_path, text, why):
    # a stamp, but no shape kcna reads: refused, not stored half-read
    f = tmp_path / "page.txt"
    f.write_text(text, encoding="utf-8")
    db = str(tmp_path / "c.db")
    r = kcna("ingest", str(f), "--db", db, "-q")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "not a KCNA Watch page shape" in r.stderr and why in r.stderr, r.stderr
    with Corpus(db) as corpus:
        assert corpus.counts()["items"] == 0


def test_half_read_accepts_body_only_pages_as_they_are():
    assert half_read(["Pyongyang, July 21 (KCNA) -- A farm opened.", "It is big. -0-"]) is None
    assert half_read(["One day in November 2024, the farmers met.", "They pledged. -0-"]) is None
    assert half_read(["2024.11.09.", "Pyongyang, November 9 (KCNA) -- A farm opened."]) is not None
    assert half_read(["ID : 700123", "A farm opened."]) is not None


# --- 7. a saved HTML page is one dump ------------------------------------------------------------------


def test_saved_html_page_with_chrome_is_one_dump_and_exits_0(tmp_path):
    db = str(tmp_path / "c.db")
    r = kcna("ingest", str(CAP / "saved-page-chrome.html"), "--db", db, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["dumps_new"] == 1 and summary["failed"] == []
    with Corpus(db) as corpus:
        orchard = item(corpus, "Orchard Blossoms in Kwail County")
        assert orchard["first_seen"] == "2026-04-20"
        assert orchard["places"] == ["Kwail County", "South Hwanghae Province"]
        before = items(corpus)
        report = corpus.reparse()
        assert report["dumps_unparsable"] == [] and items(corpus) == before
        assert "KCNA Watch newsletter" in corpus.raw_text(1)  # the whole page is kept


# --- the fixtures' revisions are the real edits only ----------------------------------------------------


def test_revisions_of_all_fixtures_are_only_the_real_edit(tmp_path):
    db = str(tmp_path / "c.db")
    kcna("ingest", str(FIXTURES), "--db", db, "-q")
    r = kcna("revisions", "--db", db, "--json")
    assert r.exit_code == 0, r.output
    assert [row["title"] for row in json.loads(r.stdout)] == ["Kim Jong Un Inspects Renovated Orchard in Kimhwa County"]
