"""Pages from the official sites, mirrors and reposts, in every KCNA language (fixtures/sites/)."""

import json
import re

import pytest
from support import FIXTURES, ROOT

from kcna_cli import sitedates
from kcna_cli.language import detect
from kcna_cli.parse import NotADump, parse_page, parse_text
from kcna_cli.sites import detect as detect_shape

SITES = FIXTURES / "sites"


def article(name):
    pages = parse_text((SITES / name).read_text(encoding="utf-8"))
    assert len(pages) == 1
    assert pages[0].dump is not None, pages[0].error
    return pages[0].dump, pages[0].dump.article


# fixture, shape, title, date, language, dateline, outlet (None: a repost), source
FACTS = [
    ("S1-kcna-kp-en.txt", "S1", "Fish Farm Completed in Jongju City", "2026-07-21", "en", "Pyongyang", "KCNA.kp"),
    (
        "S1-kcna-kp-ja.txt",
        "S1",
        "定州市に養魚場が完成、ナマズの養殖池と飼料加工職場を備える",
        "2026-07-21",
        "ja",
        "平壌",
        "KCNA.kp",
    ),
    ("S1-kcna-kp-ko.txt", "S1", "정주시에 양어장 완공", "2026-07-21", "ko", "평양", "KCNA.kp"),
    ("S1a-kcna-kp-ru.txt", "S1a", None, "2026-07-21", "ru", "Пхеньян", "KCNA.kp"),
    ("S1a-kcna-kp-es.txt", "S1a", None, "2026-07-21", "es", "Pyongyang", "KCNA.kp"),
    ("S2-press-review-en.txt", "S2", "Press Review", "2024-05-09", "en", "Pyongyang", "KCNA.kp"),
    ("S2-digest-ja.txt", "S2", "2026年7月21日の新聞概観", "2026-07-21", "ja", "平壌", "KCNA.kp"),
    ("S3-kcna-co-jp-en.txt", "S3", "Fish Farm Completed in Jongju City", "2016-07-22", "en", "Hamhung", "KCNA.co.jp"),
    (
        "S3-kcna-co-jp-es-bars.txt",
        "S3",
        "Se termina una granja piscicola en la ciudad de Jongju",
        "2024-07-21",
        "es",
        "Pyongyang",
        "KCNA.co.jp",
    ),
    ("S5-kcna-co-jp-ko-body.txt", "S5", None, None, "ko", "평양", "KCNA.co.jp"),
    ("S6-rodong-en.txt", "S6", "Fish Farm Completed in Jongju City", "2026-07-21", "en", None, "Rodong Sinmun"),
    ("S6-rodong-ko.txt", "S6", "정주시에 새 양어장", "2026-07-21", "ko", None, "Rodong Sinmun"),
    ("S6-rodong-zh.txt", "S6", "定州市新建养鱼场投产", "2026-07-21", "zh", None, "Rodong Sinmun"),
    ("S6-rodong-no-header.txt", "S6", None, "2026-07-21", "en", None, "Rodong Sinmun"),
    (
        "P1-rodong-view-date-weeks-later.txt",
        "S6",
        "Catfish Harvest Brisk at Jongju Fish Farm",
        "2023-09-27",
        "en",
        None,
        "Rodong Sinmun",
    ),
    ("S7-rodong-old.txt", "S7", "Farmers in Mundok County Finish Transplanting", None, "en", None, "Rodong Sinmun"),
    ("S9-vok-en.txt", "S9", "Fish farm completed", None, "en", None, "Voice of Korea"),
    ("S9-vok-ru.txt", "S9", "Завершено рыбоводческое хозяйство", None, "ru", None, "Voice of Korea"),
    ("S9-vok-de.txt", "S9", "Antwort: Neue Fischzucht in der Stadt Jongju", None, "de", None, "Voice of Korea"),
    ("S9-vok-fr.txt", "S9", "Une nouvelle pisciculture à Jongju", None, "fr", None, "Voice of Korea"),
    ("S9-vok-ko-no-menu.txt", "S9", "정주시에서 새 양어장 조업", None, "ko", None, "Voice of Korea"),
    ("S9-vok-ja.txt", "S9", "チョンジュ市に新しい養魚場", None, "ja", None, "Voice of Korea"),
    (
        "S10-pyongyang-times.txt",
        "S10",
        "Fish farm completed in Jongju City",
        "2026-07-21",
        "en",
        None,
        "Pyongyang Times",
    ),
    ("S11-uriminzokkiri.txt", "S11", "Review of Rodong Sinmun", "2018-12-27", "en", "Pyongyang", "Uriminzokkiri"),
    ("S12-dprktoday.txt", "S12", "Fish Farm Completed in Jongju City", None, "en", "Pyongyang", "DPRK Today"),
    (
        "S13-minju-ru.txt",
        "S13",
        "В городе Чонджу провинции Северный Пхёнан вступило в строй новое рыбоводческое"
        " хозяйство и прошла церемония начала его работы",
        None,
        "ru",
        None,
        "Minju Choson",
    ),
    ("S13-minzu-en-untitled.txt", "S13", None, None, "en", None, "Minju Choson"),
    ("S14-sinbo-ko.txt", "S14", "정주시에 새 양어장", "2026-07-21", "ko", None, "Choson Sinbo"),
    ("S14-sinbo-ja-repeated.txt", "S14", "定州市に新しい養魚場", "2026-07-21", "ja", None, "Choson Sinbo"),
    ("S15-kass-en.txt", "S15", None, None, "en", None, "KASS"),
    ("W1-kcna-watch-kcna-kp-kr.txt", "page", "정주시에 양어장 완공", "2026-07-21", "ko", "평양", "KCNA.kp"),
    ("W2-kcna-watch-naenara-kr.txt", "page", "양어장의 아침", "2026-07-19", "ko", None, "Naenara"),
    (
        "W3-kcna-watch-uriminzokkiri-en.txt",
        "page",
        "Fish Farm Completed in Jongju City",
        "2026-07-22",
        "en",
        "Pyongyang",
        "Uriminzokkiri",
    ),
    ("R1-globalsecurity.txt", "R1", "Kim Jong Il Inspects Fish Farm in Jongju City", None, "en", "Pyongyang", None),
    ("R2-38northref.txt", "R2", "Fish Farm Built in Jongju City", None, "en", "Pyongyang", None),
    ("R3-nkaggregator-en.txt", "R3", "Catfish Farm Opens in Jongju City", None, "en", "Pyongyang", None),
    ("R3-nkaggregator-ko.txt", "R3", "정주시에 새 양어장", None, "ko", "평양", None),
    ("R4-oananews.txt", "R4", "Fish Farm Built in Jongju City", "2026-07-21", "en", "Pyongyang", None),
    ("R5-dailynk-jp.txt", "R5", "定州市に新しい養魚場", None, "ja", "平壌", None),
    ("R6-kldr-cs.txt", "R6", None, "2026-07-21", "cs", "Pchjongjang", None),
]

CHROME = [
    "www.kcna.kp",
    "-0-",
    "-о-",
    "(끝)",
    "---",
    "Copyright",
    "calendar>>",
    "/ News",
    "image\n",
    "(조선신보)",
    "Input string",
    "Image credit",
    "Imag\n",
    "Related posts",
    "関連記事",
    "An affiliate",
    "State Media",
    "Weapons of Mass",
    "via Korea News Service",
    "Shortlink",
    "로 보내기",
    "To write your feedbacks",
    "손전화",
    "同通信の報道全文",
    "한국어",
    "Juche113",
]


@pytest.mark.parametrize("name,shape,title,date,lang,dateline,outlet", FACTS, ids=[f[0] for f in FACTS])
def test_each_shape_reads_to_a_kcna_watch_record(name, shape, title, date, lang, dateline, outlet):
    dump, a = article(name)
    assert dump.rendering == shape
    assert (a.title, a.date, a.language, a.dateline, a.outlet) == (title, date, lang, dateline, outlet)
    assert a.kind == "article" and a.body
    body = a.body + "\n"
    assert not [c for c in CHROME if c in body], "site chrome left in the body"
    assert not a.body.endswith(("Rodong Sinmun", "劳动新闻", "KCNA"))  # credit lines
    if a.title:
        assert a.title not in a.body.split("\n\n")  # the title is not body text
    if date is None:
        assert a.date_note  # undated items say why
    if outlet:
        assert a.source.startswith(outlet + " (")  # a label as KCNA Watch writes it, with the language
    else:
        assert a.group == "kcna" and "." in a.source  # a repost of KCNA text: the site is the source


def test_kcna_kp_page_and_its_kcna_watch_capture_are_one_item_key():
    # a page saved from kcna.kp and the KCNA Watch capture of the same story (P6: same outlet)
    _, site = article("S1-kcna-kp-ko.txt")
    _, watch = article("W1-kcna-watch-kcna-kp-kr.txt")
    assert site.key == watch.key


def test_same_story_from_other_outlets_stays_apart():
    keys = {
        article(n)[1].key
        for n in (
            "S1-kcna-kp-en.txt",
            "W3-kcna-watch-uriminzokkiri-en.txt",
            "S10-pyongyang-times.txt",
            "S6-rodong-en.txt",
            "S9-vok-en.txt",
        )
    }
    assert len(keys) == 5


def test_dates_from_each_kind_of_date_line():
    # D1: the calendar line is kept over a dateline one day earlier, and the disagreement noted
    assert "calendar line 2016-07-22, dateline 2016-07-21" in article("S3-kcna-co-jp-en.txt")[1].date_note
    # D3/D4/D5 are view dates: the capture date, never the article's date
    for name, view in [
        ("S6-rodong-en.txt", "2026-07-30"),
        ("S6-rodong-ko.txt", "2026-07-30"),
        ("S6-rodong-zh.txt", "2026-07-30"),
        ("P1-rodong-view-date-weeks-later.txt", "2023-11-03"),
    ]:
        dump, a = article(name)
        assert dump.capture_date == view and a.date != view
    # D7: the page date gives the year; a December dateline under a January page date is the year before
    dump, a = article("S11-uriminzokkiri.txt")
    assert (dump.capture_date, a.date, a.date_note) == ("2019-01-09", "2018-12-27", None)
    # D10: month first
    assert article("R4-oananews.txt")[1].date == "2026-07-21"
    # D11 glued to the end mark, Juche year
    dump, a = article("S2-press-review-en.txt")
    assert a.date == "2024-05-09" and a.body.endswith("the anniversary of a victory.") and dump.complete
    # Czech dateline with a Juche year and the Gregorian year in parentheses
    assert article("R6-kldr-cs.txt")[1].date == "2026-07-21"
    # D13: event days in the text are not the date
    assert article("S9-vok-ko-no-menu.txt")[1].date is None
    assert article("S9-vok-de.txt")[1].date is None


def test_undated_shapes_say_why():
    notes = {
        n: article(n)[1].date_note
        for n in (
            "S5-kcna-co-jp-ko-body.txt",
            "S7-rodong-old.txt",
            "S9-vok-en.txt",
            "S12-dprktoday.txt",
            "R2-38northref.txt",
            "R5-dailynk-jp.txt",
        )
    }
    assert notes["S5-kcna-co-jp-ko-body.txt"] == "dateline gives no year (7/21)"
    assert notes["R5-dailynk-jp.txt"] == "dateline gives no year (7/21)"
    assert "only in their address" in notes["S7-rodong-old.txt"]
    assert "Voice of Korea" in notes["S9-vok-en.txt"]


def test_korean_dateline_on_its_own_line_opens_the_first_paragraph():
    _, a = article("S1-kcna-kp-ko.txt")
    assert a.lede == "(평양 7월 21일발 조선중앙통신) 평안북도 정주시에 양어장이 새로 건설되였다."
    assert a.body.count("\n\n") == 2
    _, w = article("W1-kcna-watch-kcna-kp-kr.txt")
    assert w.lede == a.lede and w.body == a.body


def test_subtitles_repeats_and_fragments():
    _, a = article("S6-rodong-ko.txt")  # subtitle: body text, not the lede
    assert a.body.startswith("평안북도에서\n\n") and a.lede == "평안북도 정주시에 양어장이 새로 일떠섰다."
    dump, a = article("S14-sinbo-ja-repeated.txt")  # P5: paragraphs captured twice are kept once
    assert a.body.count("朝鮮中央通信によると") == 1 and dump.warnings == ["2 repeated paragraph(s) dropped"]
    assert a.lede.startswith("朝鮮中央通信によると") and a.body.startswith("地元の水資源を生かす")
    _, a = article("S14-sinbo-ko.txt")  # the section word is split off the glued first paragraph
    assert a.lede.startswith("조선중앙통신에 의하면") and a.dateline is None  # cites KCNA: no dateline city
    _, a = article("S9-vok-ko-no-menu.txt")  # P2: a fragment line is body text
    assert "연설자는" in a.body.split("\n\n")
    _, a = article("S1-kcna-kp-ja.txt")  # P2: 敬愛する (a name dropped after it) is body text
    assert a.body.split("\n\n")[1] == "敬愛する" and a.title.startswith("定州市")
    # D13: the Japanese Voice of Korea page writes the event's full date; it is not the publication date
    assert article("S9-vok-ja.txt")[1].date is None


@pytest.mark.parametrize(
    "name,message",
    [
        ("S4-kcna-co-jp-index.txt", "index page: a kcna.co.jp day index (a list of headlines, no article)"),
        (
            "S8-rodong-list.txt",
            "index page: a rodong.rep.kp section list (titles and ledes of several articles, no article)",
        ),
        (
            "S15-kass-es-unmarked.txt",
            "Spanish text of no page shape kcna knows: no Date: line, dateline, stamp, "
            "teaser list, site date line or site chrome found",
        ),
        ("unknown-shape.txt", "no KCNA Watch article or teaser found (no Date: line, dateline, stamp or teaser list)"),
    ],
)
def test_index_and_unknown_pages_are_refused_saying_why(name, message):
    pages = parse_text((SITES / name).read_text(encoding="utf-8"))
    assert [(p.dump, p.error) for p in pages] == [(None, message)]


def test_czech_listing_gives_teasers_only():
    pages = parse_text((SITES / "R6-kldr-cs-listing.txt").read_text(encoding="utf-8"))
    d = pages[0].dump
    assert d.article is None
    assert [(t.kind, t.date, t.language, t.body) for t in d.teasers] == [
        ("teaser", "2026-07-21", "cs", None),
        ("teaser", "2026-07-20", "cs", None),
    ]


def test_every_shape_id_has_a_listed_fixture_that_exists():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    ids = ["S1", "S1a"] + [f"S{i}" for i in range(2, 16)] + [f"W{i}" for i in range(1, 4)]
    ids += [f"R{i}" for i in range(1, 7)] + [f"L{i}" for i in range(1, 9)]
    ids += [f"D{i}" for i in range(1, 14)] + [f"P{i}" for i in range(1, 11)]
    rows = {}
    for line in readme.splitlines():
        m = re.match(r"^\| (`?)(?P<id>[SWRLDP]\d+a?)\1 \| (?P<files>[^|]+) \|", line)
        if m:
            rows[m.group("id")] = re.findall(r"`([^`]+\.txt)`", m.group("files"))
    assert sorted(rows) == sorted(ids)
    for shape, files in rows.items():
        assert files, shape
        for f in files:
            assert (SITES / f).exists(), (shape, f)
            assert (SITES / (f + ".json")).exists(), (shape, f)


# --- the readers on their own -------------------------------------------------------------


@pytest.mark.parametrize(
    "text,lang,city,month,day,year",
    [
        ("Pyongyang, March 4 (KCNA) -- A", "en", "Pyongyang", 3, 4, None),
        ("Kowon, July 8 (KCNA) — A", "en", "Kowon", 7, 8, None),
        ("(평양 8월 6일발 조선중앙통신) 강원도", "ko", "평양", 8, 6, None),
        ("(함흥 12월 31일발 조선중앙통신)", "ko", "함흥", 12, 31, None),
        ("【平壌1月5日発朝鮮中央通信】咸鏡北道", "ja", "平壌", 1, 5, None),
        ("【平壌１月５日発朝鮮中央通信】", "ja", "平壌", 1, 5, None),  # full-width digits
        ("朝中社平壤3月14日电 平安北道", "zh", "平壤", 3, 14, None),
        ("Пхеньян, 23 января. /ЦТАК/-- В", "ru", "Пхеньян", 1, 23, None),
        ("Pyongyang, 14 de marzo (ACNC) -- Se", "es", "Pyongyang", 3, 14, None),
        ("Pyongyang, 2 août (KCNA) -- Une", "fr", "Pyongyang", 8, 2, None),
        ("Pjöngjang, 14. März (KCNA) -- Im", "de", "Pjöngjang", 3, 14, None),
        ("Pchjongjang 14. března čučche 115 (2026) (KCNA) – V", "cs", "Pchjongjang", 3, 14, 2026),
    ],
)
def test_datelines_in_every_language(text, lang, city, month, day, year):
    d = sitedates.read_dateline(text)
    assert (d.language, d.city, d.month, d.day, d.year) == (lang, city, month, day, year)


@pytest.mark.parametrize(
    "text",
    [
        "Pyongyang is the capital.",
        "(평양에서)",
        "【関連記事】",
        "Пхеньян, столица.",
        "14 de marzo",
        "(평양 13월 6일발 조선중앙통신)",
    ],
)
def test_not_datelines(text):
    assert sitedates.read_dateline(text) is None


def test_date_line_readers():
    assert sitedates.read_calendar("calendar>>March 14. 2016 Juche 105").date == "2016-03-14"
    assert sitedates.read_view_date("Sep. 29,Juche 112 (2023) Friday").date == "2023-09-29"
    assert sitedates.read_view_date("2026년 3월 20일 금요일").date == "2026-03-20"
    assert sitedates.read_view_date("2026年 3月 20日 星期五").date == "2026-03-20"
    assert sitedates.read_section_date("2026.3.14. 《로동신문》 2면").date == "2026-03-14"
    assert sitedates.read_section_date("政治 2026.3.14.").date == "2026-03-14"
    assert sitedates.read_uriminzokkiri_date("April 2, Juche108(2019)").date == "2019-04-02"
    glued = sitedates.read_glued_date("March 14, 2026A new factory")
    assert (glued.date, glued.rest) == ("2026-03-14", "A new factory")
    assert sitedates.read_glued_date("14 mars 2026Une usine").date == "2026-03-14"
    posted = sitedates.read_posted("2026年03月14日 09:12 経済地元の")
    assert (posted.date, posted.rest) == ("2026-03-14", "経済地元の")
    assert sitedates.read_month_first("Sat, 03/04/2026 - 09:30").date == "2026-03-04"  # March 4, not April 3
    stamp, before = sitedates.read_glued_stamp("- An item. -0- (Juche113.4.6.)")
    assert (stamp.date, before) == ("2024-04-06", "- An item.")
    assert sitedates.read_title_date("2026年3月14日の新聞概観").date == "2026-03-14"
    assert sitedates.read_calendar("calendar>>February 30. 2016 Juche 105").date is None  # no such day


@pytest.mark.parametrize(
    "text,lang",
    [
        ("김화군에 지방공업공장 준공", "ko"),
        ("鏡城郡に新しい靴工場が完成", "ja"),
        ("镜城郡新建鞋厂投产", "zh"),
        ("Открылась обувная фабрика", "ru"),
        ("Se inaugura una nueva fábrica de calzado en el distrito", "es"),
        ("Une nouvelle usine de chaussures est entrée en service dans la ville", "fr"),
        ("Neue Schuhfabrik im Kreis Kyongsong und in der Stadt", "de"),
        ("New shoe factory opened in the county", "en"),
        ("V okrese Kjongsong byla otevřena nová továrna", "cs"),
        ("Kim Jong Un", "en"),
        ("12345 ---", None),
        ("", None),
    ],
)
def test_language_detection(text, lang):
    assert detect(text) == lang


def test_language_filter_and_stats_by_language(tmp_path):
    from typer.testing import CliRunner

    from kcna_cli.cli import app

    db = str(tmp_path / "sites.db")
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(SITES), "--db", db, "--quiet"])
    assert r.exit_code == 1  # the index pages and unknown shapes are reported, the rest stored
    r = runner.invoke(app, ["stats", "--by", "language", "--db", db, "--json"])
    rows = json.loads(r.stdout)
    assert rows == [
        {"language": "en", "items": 18},  # 38northref.org and oananews.org: one story
        {"language": "ko", "items": 6},
        {"language": "ja", "items": 5},
        {"language": "cs", "items": 3},
        {"language": "ru", "items": 3},
        {"language": "es", "items": 2},
        {"language": "de", "items": 1},
        {"language": "fr", "items": 1},
        {"language": "zh", "items": 1},
    ]
    r = runner.invoke(app, ["search", "--language", "Japanese", "--language", "zh", "--db", db, "--json"])
    items = json.loads(r.stdout)
    assert sorted({i["language"] for i in items}) == ["ja", "zh"] and len(items) == 6
    r = runner.invoke(app, ["export", "--language", "ru", "--db", db])
    assert [json.loads(x)["language"] for x in r.stdout.splitlines()] == ["ru"] * 3
    r = runner.invoke(app, ["stats", "--language", "ko", "--by", "source", "--db", db, "--json"])
    assert sum(row["items"] for row in json.loads(r.stdout)) == 6
    r = runner.invoke(app, ["search", "--language", "xx", "--db", db])
    assert r.exit_code == 2 and "--language must be one of" in r.stderr


def test_readme_lists_every_site_fixture():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for f in sorted(SITES.glob("*.txt")):
        assert f"`{f.name}`" in readme, f.name
    assert ROOT.joinpath("README.md").read_text(encoding="utf-8").count("--language") >= 2


def test_parse_page_refuses_an_index_page_directly():
    with pytest.raises(NotADump, match="^index page"):
        parse_page((SITES / "S4-kcna-co-jp-index.txt").read_text(encoding="utf-8"))


def test_shape_detector_on_fixture_lines():
    for name, shape, *_ in FACTS:
        if shape == "page":
            continue  # KCNA Watch pages are told by their header before any site shape is tried
        text = (SITES / name).read_text(encoding="utf-8")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        assert detect_shape(lines, text) == shape, name


# --- the same story in other languages ---------------------------------------------------------


def test_dateline_cities_and_place_agreement():
    from kcna_cli.links import city_key, places_agree

    assert {city_key(c) for c in ("Pyongyang", "평양", "平壌", "平壤", "Пхеньян", "Pchjongjang")} == {"pyongyang"}
    assert city_key("Hamhung") == city_key("함흥") != city_key("Pyongyang")
    assert city_key(None) == city_key("") == ""
    assert places_agree({"a", "b"}, {"a"}) and places_agree({"a"}, {"a"})
    assert not places_agree({"a"}, {"b"}) and not places_agree(set(), {"a"}) and not places_agree(set(), set())


def test_show_links_versions_in_other_languages(tmp_path):
    from typer.testing import CliRunner

    from kcna_cli.cli import app

    db = str(tmp_path / "links.db")
    runner = CliRunner()
    names = ["S1-kcna-kp-en.txt", "S1-kcna-kp-ko.txt", "S1-kcna-kp-ja.txt", "S6-rodong-en.txt", "S1a-kcna-kp-es.txt"]
    r = runner.invoke(app, ["ingest", *[str(SITES / n) for n in names], "--db", db, "--quiet"])
    assert r.exit_code == 0, r.output

    def show(item_id):
        (item,) = json.loads(runner.invoke(app, ["show", str(item_id), "--db", db, "--json"]).stdout)  # an array
        return item

    listed = json.loads(runner.invoke(app, ["search", "--db", db, "--json"]).stdout)
    ids = {i["language"]: i["id"] for i in listed if i["outlet"] == "KCNA.kp"}
    en, ko, ja = show(ids["en"]), show(ids["ko"]), show(ids["ja"])
    # KCNA.kp, 2026-07-21, filed from Pyongyang (평양, 平壌), naming the same county and province: linked
    assert en["places"] == ko["places"] == ja["places"] == ["Jongju City", "North Phyongan Province"]
    assert en["other_languages"] == [
        {"id": ids["ko"], "language": "ko", "title": "정주시에 양어장 완공"},
        {"id": ids["ja"], "language": "ja", "title": "定州市に養魚場が完成、ナマズの養殖池と飼料加工職場を備える"},
    ]
    assert [o["id"] for o in ko["other_languages"]] == [ids["en"], ids["ja"]]
    # the Spanish version names neither place in a form kcna reads (and its dateline city is not a
    # mention): the places do not agree, no link
    es = show(ids["es"])
    assert "Jongju City" not in es["places"] and es["other_languages"] == []
    assert ids["es"] not in [o["id"] for o in en["other_languages"]]
    # Rodong Sinmun's English story of the same day and places is another outlet: not linked
    rodong = next(i for i in listed if i["outlet"] == "Rodong Sinmun")
    assert rodong["places"] == en["places"] and show(rodong["id"])["other_languages"] == []
    # the terminal view lists the other-language versions
    out = runner.invoke(app, ["show", str(ids["en"]), "--db", db, "--table"]).stdout
    assert f"in ko: #{ids['ko']} 정주시에 양어장 완공" in out


def _items(db, *names):
    from kcna_cli.db import Corpus

    c = Corpus(db)
    for n in names:
        c.ingest_text((SITES / n).read_text(encoding="utf-8"), n)
    rows = c.conn.execute("SELECT title, date, date_note, key FROM items ORDER BY id").fetchall()
    sightings = c.conn.execute("SELECT count(*) FROM sightings").fetchone()[0]
    c.close()
    return rows, sightings


def test_an_undated_item_joins_its_dated_capture_in_either_order(tmp_path):
    # 38northref.org gives no year (dateline July 21); oananews.org dates the same story 2026-07-21
    dated = ("Fish Farm Built in Jongju City", "2026-07-21", None, "kcna|2026-07-21|fish farm built in jongju city")
    assert _items(tmp_path / "a.db", "R2-38northref.txt", "R4-oananews.txt") == ([dated], 2)
    assert _items(tmp_path / "b.db", "R4-oananews.txt", "R2-38northref.txt") == ([dated], 2)
    # the date filter finds it by the date it took
    from support import kcna

    r = kcna("search", "--on", "2026-07-21", "--db", str(tmp_path / "a.db"), "--json")
    assert [i["title"] for i in json.loads(r.stdout)] == ["Fish Farm Built in Jongju City"]


def test_no_join_without_a_matching_dateline_day(tmp_path):
    # a dated story of the same title on another day stays apart from the undated one
    other_day = (SITES / "R4-oananews.txt").read_text(encoding="utf-8")
    other_day = other_day.replace("07/21/2026", "07/22/2026").replace("July 21", "July 22")
    (tmp_path / "R4-next-day.txt").write_text(other_day, encoding="utf-8")
    from kcna_cli.db import Corpus

    c = Corpus(tmp_path / "c.db")
    c.ingest_text((SITES / "R2-38northref.txt").read_text(encoding="utf-8"), "R2")
    c.ingest_text(other_day, "R4-next-day")
    dates = [r[0] for r in c.conn.execute("SELECT date FROM items ORDER BY id")]
    c.close()
    assert dates == [None, "2026-07-22"]
    # Voice of Korea items have no dateline: they never join on their title alone
    rows, _ = _items(tmp_path / "d.db", "S9-vok-en.txt")
    assert rows[0][1] is None and "Voice of Korea" in rows[0][2]


def test_text_after_a_kcna_kp_stamp_is_reported_not_swallowed():
    text = "\n".join((SITES / n).read_text(encoding="utf-8") for n in ("S1-kcna-kp-en.txt", "S1-kcna-kp-ko.txt"))
    (page,) = parse_text(text)
    a = page.dump.article
    assert a.title == "Fish Farm Completed in Jongju City" and "정주시" not in a.body
    assert page.dump.warnings == [
        "text after the stamp, not stored: ['정주시에 양어장 완공', '(평양 7월 21일발 조선중앙통신)',"
        " '평안북도 정주시에 양어장이 새로 건설되였다.']"
    ]


def test_revisions_take_the_language_filter(tmp_path):
    from support import kcna

    db = str(tmp_path / "rev.db")
    kcna("ingest", str(FIXTURES / "revisions"), "--db", db)
    en = json.loads(kcna("revisions", "--language", "en", "--db", db, "--json").stdout)
    ko = json.loads(kcna("revisions", "--language", "Korean", "--db", db, "--json").stdout)
    assert len(en) == 1 and en[0]["versions"] >= 3 and ko == []
