"""The parser on every shape in the fixtures: golden files plus the facts that matter."""

import json
import random
import re

import pytest
from golden import fixture_files, golden_path, parsed
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES

from kcna_cli.parse import NotADump, fold, parse_page, parse_text, split_label, split_pages

TEXTS = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]

LINES = [ln for t in TEXTS for ln in t.splitlines()]

HEADED = [t for t in TEXTS if t.lstrip().split("\n")[0][:1].isalpha() and not t.startswith("Pyongyang")]


def _content_hash_by_lines(text: str) -> str:
    """The definition of a page's hash: each line right-stripped, CR/CRLF as LF, blank ends dropped."""
    import hashlib

    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8", "surrogatepass")).hexdigest()


LINE_BITS = ["KCNA", "KCNA.kp (En)", "March 06, 2026", "Mar 06, 2026", "Share Button", "share button",
             "Subscribe to", "Sign up for our newsletter", "Get North Korea headlines delivered to your inbox",
             "2026", "Ⅻ", "²", "é", "_x", "9", " "]  # fmt: skip

FILES = fixture_files()


def one(fixture_text, name):
    pages = parse_text(fixture_text(name))
    assert len(pages) == 1
    assert pages[0].dump is not None, pages[0].error
    return pages[0].dump


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_never_raises_on_arbitrary_text(text):
    for page in parse_text(text):
        assert (page.dump is None) != (page.error is None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES) | st.text(max_size=40), max_size=60))
def test_parser_never_raises_on_shuffled_dump_lines(lines):
    parse_text("\n".join(lines))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TEXTS), st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 2**32))
def test_random_cuts_and_splices_of_fixtures(text, a, b, seed):
    rng = random.Random(seed)
    cut = text[: a % (len(text) + 1)]
    other = rng.choice(TEXTS)
    spliced = cut + other[b % (len(other) + 1) :]
    mutated = list(spliced)
    for _ in range(rng.randint(0, 5)):
        if mutated:
            mutated[rng.randrange(len(mutated))] = rng.choice(["\n", " ", "\u00a0", "-", "\u2019", "0", "\r"])
    for t in (cut, spliced, "".join(mutated)):
        for page in parse_text(t):
            if page.dump:
                for rec in page.dump.records:
                    assert rec.kind in ("article", "teaser")
                    assert rec.date is None or len(rec.date) == 10
                    if rec.kind == "teaser":
                        assert rec.body is None


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(HEADED), st.integers(1, 4))
def test_pages_back_to_back_split_into_the_same_dumps(text, n):
    singles = [p for p in split_pages(text)]
    joined = "\n".join([text] * n)
    assert len(split_pages(joined)) == n * len(singles)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_prefix_cut_of_a_page_keeps_title_and_never_invents_teasers(suffix):
    text = TEXTS[0]
    for cut in range(0, len(text), 97):
        try:
            d = parse_page(text[:cut] + suffix)
        except NotADump:
            continue
        full = parse_page(text)
        full_titles = {t.title for t in full.teasers}
        assert all(t.title in full_titles or suffix for t in d.teasers)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=6), st.integers(0, 2**32))
def test_teasers_read_before_are_read_the_same_again(texts, seed):
    """Teaser groups and lists are remembered across pages (``teasers._GROUPS``, ``_LISTS``): pages parsed after
    others (with teaser lines spliced between them) read exactly as on their own, and a
    record changed after parsing changes no later page."""
    import kcna_cli.teasers as teaser_memo

    rng = random.Random(seed)
    lines = [ln for t in texts for ln in t.splitlines()]
    mixed = "\n".join(rng.sample(lines, min(len(lines), 40)))

    def read(text):
        return [p.dump.to_dict() if p.dump else p.error for p in parse_text(text)]

    teaser_memo._GROUPS.clear()
    teaser_memo._LISTS.clear()
    cold = [read(t) for t in [*texts, mixed]]
    teaser_memo._GROUPS.clear()
    teaser_memo._LISTS.clear()
    warm = []
    for t in [*texts, mixed]:
        warm.append(read(t))
        for page in parse_text(t):  # the caller may change what it was given
            for rec in page.dump.teasers if page.dump else []:
                rec.title, rec.lede, rec.kind = "changed", "changed", "article"
    assert warm == cold
    assert [read(t) for t in [*texts, mixed]] == cold


@given(st.lists(st.sampled_from(LINES) | st.text(alphabet=" \t\r\n\x0b\x0c\x1c\x1fab\xa0\u3000.", max_size=12)))
def test_content_hash_fast_path_equals_the_line_by_line_definition(parts):
    # stored dumps are recognized by this hash: a faster path must never change it
    from kcna_cli.parse import content_hash

    for sep in ("\n", "", " \n", "\r\n"):
        text = sep.join(parts)
        assert content_hash(text) == _content_hash_by_lines(text)


@given(st.lists(st.lists(st.sampled_from(LINE_BITS) | st.text(max_size=6), max_size=4).map("".join), max_size=30))
def test_one_pass_line_tests_find_what_line_by_line_tests_find(raw):
    # split_pages and parse_page test every line with one regex pass over the joined lines
    from kcna_cli import parse

    lines = [" ".join(ln.split()) for ln in raw if "\n" not in ln and "\r" not in ln]
    joined = "\n".join(lines)
    share = re.compile(r"(?i)^Share Button$")  # the old layout's share line, as a line-by-line test
    old = any(share.match(ln) for ln in lines) or any(parse._FOOTER.match(ln) for ln in lines)
    assert bool(parse._OLD_LAYOUT_LINE.search(joined)) == old
    wanted = {i for i, ln in enumerate(lines) if ln[:1].isalpha() and (ln[-1:].isdigit() or ln[:4] == "KCNA")}
    found, line_no, pos = set(), 0, 0
    for m in parse._CANDIDATE_LINE.finditer(joined):
        line_no += joined.count("\n", pos, m.start())
        pos = m.start()
        found.add(line_no)
    # a superset only by lines no capture-date or label reader accepts
    assert wanted - found <= {i for i in wanted if not lines[i][-1:].isdecimal() and lines[i][:4] != "KCNA"}
    assert all(lines[i][:4] == "KCNA" or lines[i][-1:].isdecimal() for i in found)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fixture_parses_to_its_golden_json(path):
    expected = json.loads(golden_path(path).read_text(encoding="utf-8"))
    assert parsed(path) == expected


def test_page_rendering_reads_every_part(fixture_text):
    d = one(fixture_text, "page-kcna-kp.txt")
    a = d.article
    assert d.rendering == "page"
    assert d.capture_date == "2026-03-06"
    assert a.title == "Model Greenhouse Farm Built in Kimhwa County"
    assert a.date == "2026-03-04"  # Date: 04/03/2026 is day first
    assert (a.source, a.outlet, a.language, a.dateline) == ("KCNA.kp (En)", "KCNA.kp", "en", "Pyongyang")
    assert a.date_note is None
    assert "-0-" not in a.body and "www.kcna.kp" not in a.body
    assert a.body.endswith("all the year round.")
    assert a.body.count("\n\n") == 3  # four paragraphs
    assert a.lede.startswith("Pyongyang, March 4 (KCNA) -- A modern greenhouse")
    # the Press Review teaser printed twice in a row is one teaser
    titles = [t.title for t in d.teasers]
    assert titles == [
        "Spring Sowing Starts on Farms of Ryanggang Province",
        "Press Review",
        "Tales of Mount Paektu",
        "Delegation of DPRK Ministry of Public Health Leaves for Laos",
    ]
    paektu = d.teasers[2]
    assert paektu.dateline is None and paektu.date == "2026-03-05"
    assert paektu.lede.startswith("One day in April 1993")
    # a teaser dated after the capture date is kept as printed
    assert d.teasers[3].date == "2026-03-07"
    assert d.teasers[3].lede.endswith("visit Laos. -")
    assert all(t.kind == "teaser" and t.body is None and t.source == "KCNA.kp (En)" for t in d.teasers)


def test_seed_shaped_page_has_fifteen_teasers_when_fifteen_are_printed(fixture_text):
    # same five-block shape as the reference capture, teasers built from the fixture's own
    text = fixture_text("page-kcna-kp.txt").split("More From")[0] + "More From KCNA.kp (En)\n\n"
    for n in range(15):
        title = f"Teaser Number {n} Published"
        lede = f"Pyongyang, March {1 + n % 5} (KCNA) -- Item {n} says that work goes on in the"
        text += f"{title}\n\n{title}\n\n{lede}\n\nMarch {1 + n % 5:02d}, 2026\n\n{lede}\n\n"
    text += "More Articles\n"
    d = one(lambda _: text, "x")
    assert len(d.teasers) == 15
    assert {t.date for t in d.teasers} == {f"2026-03-0{k}" for k in range(1, 6)}


def test_long_capture_line_juche_stamp_and_nk_pro_line(fixture_text):
    d = one(fixture_text, "page-long-capture-juche-stamp.txt")
    a = d.article
    assert d.capture_date == "2024-04-26" and d.rendering == "page"
    assert a.title == "Int'l Seminar on Juche Idea Held in Nepal"
    assert "Join the NK Pro team" not in a.body
    # Date: 12/04 and stamp Juche113.4.12 agree against the dateline "April 13"
    assert a.date == "2024-04-12"
    assert "dateline 2024-04-13" in a.date_note
    assert d.teasers[0].title == "Kim Il Sung 's Works Published in Various Countries"


def test_body_only_rendering(fixture_text):
    d = one(fixture_text, "body-only.txt")
    assert d.rendering == "body-only" and d.capture_date is None
    a = d.article
    assert a.title is None and a.date == "2025-07-21" and a.dateline == "Pyongyang"
    assert a.body.count("\n\n") == 2  # single-newline paragraphs
    assert [t.date for t in d.teasers] == ["2025-07-21", "2025-07-20"]
    assert all(t.title is None for t in d.teasers)
    assert d.teasers[1].lede.startswith("Pyongyang, July 20 (KCNA) -- The Chongjin Bag Factory")


def test_old_layout(fixture_text):
    d = one(fixture_text, "old-layout.txt")
    a = d.article
    assert d.rendering == "old"
    assert a.title == "Taekwon-Do Championships Open in Pyongyang"
    assert a.date == "2018-09-15" and a.language == "en"
    assert a.source == "Sports DPRK English"
    assert "Share Button" not in a.body and "Subscribe" not in a.body
    assert d.teasers == []


@pytest.mark.parametrize(
    "name,source,outlet,language,dateline",
    [
        ("kcna-co-jp-single-paragraph.txt", "KCNA.co.jp (En)", "KCNA.co.jp", "en", "Pyongyang"),
        ("rodong-sinmun.txt", "Rodong Sinmun (En)", "Rodong Sinmun", "en", None),
        ("naenara.txt", "Naenara (En)", "Naenara", "en", None),
        ("voice-of-korea.txt", "Voice of Korea (EN)", "Voice of Korea", "en", None),
        ("pyongyang-times.txt", "Pyongyang Times", "Pyongyang Times", "en", None),  # no tag: told from the text
        ("minju-choson.txt", "Minju Choson (EN)", "Minju Choson", "en", None),
        ("korean.txt", "KCNA.kp (Kr)", "KCNA.kp", "ko", "평양"),  # (평양 1월 5일발 조선중앙통신)
    ],
)
def test_outlets_and_language_tags(fixture_text, name, source, outlet, language, dateline):
    d = one(fixture_text, name)
    a = d.article
    assert (a.source, a.outlet, a.language, a.dateline) == (source, outlet, language, dateline)
    assert len(d.teasers) == 1
    assert d.teasers[0].outlet == outlet and d.teasers[0].language == language


def test_single_paragraph_body(fixture_text):
    a = one(fixture_text, "kcna-co-jp-single-paragraph.txt").article
    assert "\n" not in a.body and a.date == "2014-03-03"


def test_naenara_keeps_curly_apostrophes_and_byline(fixture_text):
    a = one(fixture_text, "naenara.txt").article
    assert a.title == "Pyongyang Children\u2019s Department Store"
    assert a.body.endswith("By Ri Myong Hui")


def test_truncated_teaser_list_keeps_what_is_there(fixture_text):
    d = one(fixture_text, "truncated-teaser.txt")
    assert [t.title for t in d.teasers] == ["Snowfall Recorded in Northern Areas"]
    # the longer printing of a cut lede wins
    assert d.teasers[0].lede.endswith("Ryanggang Province from")
    assert any("cut off" in w for w in d.warnings)


def test_truncated_body_and_title_only(fixture_text):
    d = one(fixture_text, "truncated-body.txt")
    assert d.article.body.endswith("frame work of the hospi") and d.teasers == []
    t = one(fixture_text, "title-only.txt")
    assert t.article.title == "Pledge" and t.article.body is None and t.article.date is None


def test_several_pages_in_one_file(fixture_text):
    pages = parse_text(fixture_text("multi-page.txt"))
    assert [p.dump.capture_date for p in pages] == ["2026-01-20", "2026-01-21"]
    assert [p.dump.article.title for p in pages] == ["Ice Festival Held in Samjiyon", "Review of Rodong Sinmun"]
    # same title on two dates: two different items
    assert pages[1].dump.article.key != pages[0].dump.teasers[0].key
    assert pages[1].dump.teasers[0].key == pages[0].dump.teasers[0].key


def test_crlf_nbsp_curly_quotes_em_dash(fixture_text):
    a = one(fixture_text, "crlf-nbsp-quotes.txt").article
    assert a.dateline == "Pyongyang" and a.date == "2025-10-10"
    assert "\r" not in a.body and "\u00a0" not in a.body
    assert a.body.endswith("The hospital has 1 000 beds.")


def test_press_review_bullets_and_headings_stay_in_body(fixture_text):
    a = one(fixture_text, "press-review-bullets.txt").article
    assert "\n\nRodong Sinmun\n\n- Kim Jong Un visits" in a.body
    assert a.body.endswith("- Bumper harvest expected in Sinchon County")


def test_date_rules(fixture_text):
    a = one(fixture_text, "date-disagree.txt").article
    assert a.date == "2025-05-11" and "Date: line 2025-05-10" in a.date_note
    b = one(fixture_text, "date-one-day-gap.txt").article
    assert b.date == "2025-03-01" and "kept the Date: line" in b.date_note
    c = one(fixture_text, "impossible-date.txt").article
    assert c.date == "2025-02-28" and "31/02/2025 is not a real date" in c.date_note


def test_repost_with_em_dash_and_no_year(fixture_text):
    a = one(fixture_text, "repost-em-dash.txt").article
    assert a.dateline == "Pyongyang" and a.date is None
    assert "no year" in a.date_note


def test_html_saved_page():
    path = [p for p in FILES if p.suffix == ".html"][0]
    (page,) = parsed(path)
    assert page["dump"]["article"]["title"] == "Bridge Opened in Hamhung"
    assert page["dump"]["article"]["date"] == "2025-11-04"


def test_not_a_dump(fixture_text):
    with pytest.raises(NotADump):
        parse_page(fixture_text("bad/not-a-dump.txt"))
    (page,) = parse_text(fixture_text("bad/not-a-dump.txt"))
    assert page.dump is None and "no KCNA Watch article" in page.error
    with pytest.raises(NotADump):
        parse_page("   \n\n")


def test_identity_folding():
    assert fold("Kim Jong Un\u2019s Visit  -- Part 2.") == fold("KIM JONG UN'S VISIT \u2014 part 2")
    assert fold("Press Review") == fold("press review.")
    assert split_label("KCNA.kp (En)") == ("KCNA.kp", "en")
    assert split_label("Voice of Korea (EN)") == ("Voice of Korea", "en")
    assert split_label("Pyongyang Times") == ("Pyongyang Times", None)


def test_kcna_co_jp_and_kcna_kp_are_one_outlet(fixture_text):
    a = one(fixture_text, "kcna-co-jp-single-paragraph.txt").article
    b = one(fixture_text, "page-kcna-kp.txt").article
    assert a.key.split("|")[0] == b.key.split("|")[0] == "kcna"


def test_split_pages_keeps_a_single_page_whole(fixture_text):
    text = fixture_text("page-kcna-kp.txt")
    assert split_pages(text) == [text.strip("\n")]
