"""Search and places in Korean, Japanese, Chinese and Russian (fixtures/scripts/).

Each search names the items it must find by title; the titles are looked up
once in the database, so a test states exactly which ids come back.
"""

import json
import sqlite3
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from places_eval_ko import HAN_CASES, KO_CASES, evaluate
from support import FIXTURES
from test_schema import as_schema_5
from typer.testing import CliRunner

from kcna_cli.cli import app
from kcna_cli.db import SCHEMA_VERSION, Corpus
from kcna_cli.grams import fold_hangul, match_query, search_forms
from kcna_cli.places import Gazetteer
from kcna_cli.query import Filters, search

SCRIPTS = FIXTURES / "scripts"
runner = CliRunner()

# titles of the fixture items
K_KIMHWA = "김화군의 지방공업공장들 준공"
K_WONSAN = "원산시 갈마해안관광지구에 손님들"  # a teaser
K_HWASONG = "평양시 화성구역에 새 살림집"
K_HAMHUNG = "함흥의 비료공장에서 생산 장성"  # a teaser
K_HYESAN = "량강도 혜산시에서 감자농사 경험토론회"
K_JAGANG = "자강도의 공장들에서 생산 장성"
K_SINCHON = "신천박물관을 찾은 사람들"
K_ROK = "노동신문 신년 사설 해설"  # South Korean spelling
J_KANGGYE = "江界市で地方工業工場が竣工"
J_KIMHWA = "金化郡に温室農場"
C_KIMHWA = "江原道金化郡新建地方工业工厂"
C_CHONGJIN = "咸镜北道清津市举行体育比赛"
R_KIMHWA = "Новые дома в уезде Кимхва"
R_PYONGYANG = "Заводы Пхеньяна увеличили производство"
E_MR = "Koryo Museum in Kaesŏng Reopens"
E_KIMHWA = "Model Greenhouse Farm Built in Kimhwa County"  # fixtures/page-kcna-kp.txt

K_DATELINED = {K_KIMHWA, K_HWASONG, K_HYESAN, K_JAGANG, K_SINCHON}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("scripts") / "kcna.db"
    with Corpus(path) as corpus:
        for f in [*sorted(SCRIPTS.glob("*.txt")), FIXTURES / "page-kcna-kp.txt"]:
            corpus.ingest_text(f.read_text(encoding="utf-8"), str(f))
    return path


@pytest.fixture(scope="module")
def ids(db):
    conn = sqlite3.connect(db)
    out = dict(conn.execute("SELECT title, id FROM items"))
    conn.close()
    return out


def found(db, words=None, places=()):
    with Corpus(db, create=False) as corpus:
        return {it["id"] for it in search(corpus, Filters(words=words, places=list(places)), limit=0).items}


SEARCHES = [
    # Korean: particles and endings attached
    ("김화군", {K_KIMHWA}),  # 김화군에서, 김화군안의
    ("강원도", {K_KIMHWA}),
    ("화성구역", {K_HWASONG}),  # 화성구역에
    ("함흥", {K_HAMHUNG}),  # 함흥의, 함흥시의
    ("원산", {K_WONSAN, K_SINCHON}),  # 원산시, 원산의; and 원산지: search finds text, not places
    ("신천", {K_SINCHON}),
    ("살림집", {K_HWASONG}),
    ("일떠섰다", {K_HWASONG}),
    ("준공", {K_KIMHWA}),  # 준공되였다, 준공식에는
    ("진행되였다", {K_HYESAN}),
    ("감자농사", {K_HYESAN}),
    ("지방공업", {K_KIMHWA}),
    # two-syllable words
    ("김화", {K_KIMHWA}),
    ("평양", K_DATELINED),  # every Korean dateline, and 평양의, 평양시
    ("감자", {K_HYESAN}),
    ("생산", {K_HAMHUNG, K_JAGANG}),
    ("공장", {K_KIMHWA, K_HAMHUNG, K_JAGANG}),  # 지방공업공장들이, 비료공장에서, 공장들에서
    # DPRK and ROK spelling of initial sounds, both ways
    ("로동", {K_KIMHWA, K_HWASONG, K_JAGANG, K_ROK}),  # 로동자, 조선로동당, 로동신문, 노동신문
    ("노동", {K_KIMHWA, K_HWASONG, K_JAGANG, K_ROK}),
    ("로동신문", {K_JAGANG, K_ROK}),
    ("노동신문", {K_JAGANG, K_ROK}),
    ("녀성", {K_KIMHWA, K_HYESAN, K_ROK}),
    ("여성", {K_KIMHWA, K_HYESAN, K_ROK}),
    ("력사", {K_KIMHWA, K_SINCHON, K_ROK}),
    ("역사", {K_KIMHWA, K_SINCHON, K_ROK}),
    ("령도", {K_HWASONG, K_ROK}),
    ("영도", {K_HWASONG, K_ROK}),
    ("리명수", {K_HWASONG, K_ROK}),
    ("이명수", {K_HWASONG, K_ROK}),
    ("량강도", {K_HYESAN, K_ROK}),
    ("양강도", {K_HYESAN, K_ROK}),
    ("룡천군", {K_HYESAN, K_ROK}),
    ("용천군", {K_HYESAN, K_ROK}),
    # phrases, and several words
    ('"강원도 김화군"', {K_KIMHWA}),
    ('"평양의 화성구역"', {K_HWASONG}),
    ('"새 살림집"', {K_HWASONG}),
    ('"혜산시 감자농사"', {K_HYESAN}),  # 혜산시에서 감자농사: a particle between the words
    ('"강원도 준공식"', set()),  # both in the text, paragraphs apart
    ("로동자 김화군", {K_KIMHWA}),
    # one syllable: a prefix (bigrams starting with it)
    ("집", {K_HWASONG}),  # 집이
    ("신천*", {K_SINCHON}),
    # Japanese
    ("江界", {J_KANGGYE}),
    ("竣工", {J_KANGGYE, C_KIMHWA}),  # 竣工した; Chinese 竣工仪式
    ("竣工式", {J_KANGGYE}),  # written 竣工(しゅんこう)式
    ("金化郡", {J_KIMHWA, C_KIMHWA}),
    ("江原道", {J_KIMHWA, C_KIMHWA}),
    ("温室農場", {J_KIMHWA}),
    ("労働者", {J_KANGGYE}),
    ('"慈江道江界市"', {J_KANGGYE}),
    # Chinese
    ("工厂", {C_KIMHWA}),
    ("清津", {C_CHONGJIN}),
    ("体育比赛", {C_CHONGJIN}),
    ("劳动新闻", {C_CHONGJIN}),
    ("地方工业", {C_KIMHWA}),
    # Russian: a word finds its other cases
    ("Кимхва", {R_KIMHWA}),
    ("уезд", {R_KIMHWA}),  # уезде
    ("Пхеньян", {R_KIMHWA, R_PYONGYANG}),  # Пхеньян, Пхеньяна, Пхеньяне
    ("производства", {R_PYONGYANG}),  # производство
    ("строительство", {R_KIMHWA}),
    ("елка", {R_PYONGYANG}),  # written ёлку
    ("ёлки", {R_PYONGYANG}),
    ('"новые дома"', {R_KIMHWA}),
    # McCune-Reischauer breves and apostrophes
    ("Chosŏn", {E_MR}),
    ("Choson", {E_MR}),
    ("Ch'ŏllima", {E_MR}),
    ("chollima", {E_MR}),
    ("Kaesong", {E_MR}),
]


@pytest.mark.parametrize("words,titles", SEARCHES, ids=[s[0] for s in SEARCHES])
def test_search_in_every_script(db, ids, words, titles):
    assert found(db, words) == {ids[t] for t in titles}


def test_there_are_at_least_40_searches_in_other_scripts():
    assert len([w for w, _ in SEARCHES if not w.isascii()]) >= 40


@pytest.mark.parametrize("words", ["김화군", "로동신문", "江界"])
def test_decomposed_hangul_and_kana_find_alike(db, words):
    assert found(db, unicodedata.normalize("NFD", words)) == found(db, words)


def test_pyongyang_in_mccune_reischauer_finds_kcna_spelling(db, ids):
    kcna_spelled = found(db, "Pyongyang")
    assert ids[E_MR] in kcna_spelled  # "P'yŏngyang" in the text
    assert ids[E_KIMHWA] in kcna_spelled  # "Pyongyang, March 4 (KCNA)"
    assert found(db, "P'yŏngyang") == found(db, "P’yŏngyang") == kcna_spelled
    with Corpus(db, create=False) as corpus:
        [mr] = [it for it in search(corpus, Filters(words="Pyongyang"), limit=0).items if it["id"] == ids[E_MR]]
    assert mr["snippet"].startswith("The Koryo Museum in Kaesŏng")  # the text, not the folded forms


def test_korean_search_cli_json_snippet_is_text_with_the_word_marked(db, ids):
    r = runner.invoke(app, ["search", "김화군", "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    [item] = json.loads(r.stdout)
    assert item["id"] == ids[K_KIMHWA]
    assert "**김화군**에서" in item["snippet"]
    assert "화군" not in item["snippet"].replace("김화군", "")  # no bigrams


def test_english_search_unchanged_by_forms(db, ids):
    """English words never reach the bigram columns, and snippets stay text."""
    with Corpus(db, create=False) as corpus:
        res = search(corpus, Filters(words="greenhouse"), limit=0)
    assert [it["id"] for it in res.items] == [ids[E_KIMHWA]]
    assert "**greenhouse**" in res.items[0]["snippet"]
    q = match_query("greenhouse farm")
    assert "gram" not in q.split(":")[0] or q.startswith("{title lede body")


def test_english_items_store_no_forms(db, ids):
    conn = sqlite3.connect(db)
    forms = dict(conn.execute("SELECT id, coalesce(gram_title, '') || coalesce(gram_text, '') FROM items"))
    conn.close()
    assert forms[ids[E_KIMHWA]] == ""
    assert forms[ids[K_KIMHWA]] and forms[ids[J_KANGGYE]] and forms[ids[R_PYONGYANG]]


# --- places across languages ------------------------------------------------------------------

KIMHWA_ALL = {K_KIMHWA, J_KIMHWA, C_KIMHWA, E_KIMHWA}


@pytest.mark.parametrize("place", ["Kimhwa", "Kimhwa County", "김화군", "김화", "金化郡", "金化"])
def test_place_finds_every_language(db, ids, place):
    assert found(db, places=[place]) == {ids[t] for t in KIMHWA_ALL}


@pytest.mark.parametrize("place", ["Kangwon", "강원도", "강원", "江原道"])
def test_province_finds_counties_inside_in_every_language(db, ids, place):
    assert {ids[t] for t in KIMHWA_ALL} <= found(db, places=[place])


def test_place_and_korean_words_together(db, ids):
    assert found(db, "준공", ["Kimhwa"]) == {ids[K_KIMHWA]}
    assert found(db, "greenhouse", ["김화군"]) == {ids[E_KIMHWA]}
    assert found(db, "竣工", ["江界"]) == {ids[J_KANGGYE]}


def test_korean_article_places_and_datelines(db, ids):
    with Corpus(db, create=False) as corpus:
        by_id = {it["id"]: it for it in search(corpus, Filters(), limit=0).items}
    assert by_id[ids[K_KIMHWA]]["places"] == ["Kangwon Province", "Kimhwa County"]  # not Pyongyang of the dateline
    assert by_id[ids[K_HWASONG]]["places"] == ["Hwasong District", "Pyongyang"]
    assert by_id[ids[K_SINCHON]]["places"] == ["Sinchon County", "South Hwanghae Province"]  # not 원산지
    assert by_id[ids[K_HAMHUNG]]["places"] == ["Hamhung City", "Hungnam District", "South Hamgyong Province"]
    assert by_id[ids[J_KANGGYE]]["places"] == ["Jagang Province", "Kanggye City"]
    assert by_id[ids[C_CHONGJIN]]["places"] == ["Chongjin City", "North Hamgyong Province"]


def test_cli_place_in_hangul_and_unknown_hangul(db, ids):
    r = runner.invoke(app, ["search", "--place", "김화", "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    got = {item["id"] for item in json.loads(r.stdout)}
    assert got == {ids[t] for t in KIMHWA_ALL}
    r = runner.invoke(app, ["search", "--place", "김하군", "--db", str(db)])
    assert r.exit_code == 2
    assert "unknown place '김하군'" in r.output and "김화군" in r.output and "Traceback" not in r.output


def test_places_shows_hangul_and_hanja(db):
    r = runner.invoke(app, ["places", "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    rows = {p["name"]: p for p in json.loads(r.stdout)}
    assert rows["Kimhwa County"]["name_ko"] == "김화군" and rows["Kimhwa County"]["hanja"] == "金化郡"
    assert rows["Kimhwa County"]["items"] == 4
    assert list(rows["Kimhwa County"])[:8] == ["name", "level", "parent", "province", "items", "items_within",
                                               "aliases", "id"]  # fmt: skip
    r = runner.invoke(app, ["places", "--db", str(db), "--table"])
    assert "Kimhwa County 김화군 county · 4 items" in r.stdout


@pytest.mark.parametrize(
    "typed,full",
    [("김화군", "Kimhwa County"), ("김화", "Kimhwa County"), ("강원도", "Kangwon Province"),
     ("량강도", "Ryanggang Province"), ("양강도", "Ryanggang Province"), ("용천군", "Ryongchon County"),
     ("평양", "Pyongyang"), ("평양시", "Pyongyang"), ("平壌", "Pyongyang"), ("两江道", "Ryanggang Province"),
     ("은산군", "Unsan County"), ("운산군", "Unsan County"), ("삼지연시", "Samjiyon City")],
)  # fmt: skip
def test_hangul_and_hanja_resolve(typed, full):
    assert [p.full for p in Gazetteer.load().resolve(typed)] == [full]


def test_korean_place_extraction_precision_and_recall_at_least_95_percent():
    assert len(KO_CASES) >= 60
    for cases in (KO_CASES, HAN_CASES):
        precision, recall, misses = evaluate(cases)
        print(f"precision {precision:.3f} recall {recall:.3f}", *misses, sep="\n")
        assert precision >= 0.95 and recall >= 0.95


def test_korean_extraction_is_linear_in_text_length():
    import gc

    g = Gazetteer.load()
    sentence = "강원도 김화군에서 지방공업공장들이 준공되였다. 평양의 화성구역과 江原道金化郡 "
    small, large = sentence * 300, sentence * 3000

    def best(text):
        times = []
        gc.collect()
        for _ in range(5):
            gc.disable()
            t = time.perf_counter()
            g.extract(text)
            times.append(time.perf_counter() - t)
            gc.enable()
        return min(times)

    # 10x the text: about 10x the time (quadratic would be 100x; a loaded machine adds noise)
    ratio = best(large) / best(small)
    assert ratio < 30, ratio


# --- the index ------------------------------------------------------------------------------------


def test_initial_sound_fold():
    assert fold_hangul("로동 령도 력사 녀성 리 량강 룡천 락원 뉴스") == "노동 영도 역사 여성 이 양강 용천 낙원 유스"
    assert fold_hangul("노동 여성 우리 나라") == "노동 여성 우이 나나"  # every syllable: a compound's parts too


def test_forms_of_text():
    assert search_forms("Kim Il Sung's visit, the Workers' Party") is None
    assert search_forms("김화군에서") == "김화 화군 군에 에서"
    assert search_forms("江界市で") == "江界 界市 市で"
    assert search_forms("Пхеньян") is None and search_forms("ёлку") == "елку"


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_text_is_a_valid_query(text):
    q = match_query(text)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, lede, body, facets, gram_title, gram_text)")
    conn.execute("INSERT INTO t VALUES ('a', 'b', 'c', 'd', '김화 화군', 'e')")
    if q is not None:
        conn.execute("SELECT * FROM t WHERE t MATCH ?", (q,)).fetchall()


def test_schema_5_database_is_migrated_in_place(tmp_path, ids):
    """Schema 5 -> 6: forms computed, Korean places found, the index rebuilt; searches work at once."""
    db = tmp_path / "v3.db"
    with Corpus(db) as corpus:
        for f in sorted(SCRIPTS.glob("*.txt")):
            corpus.ingest_text(f.read_text(encoding="utf-8"), str(f))
    as_schema_5(db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM item_places WHERE surface = '김화군'").fetchone()[0] == 0
    conn.close()
    with Corpus(db) as corpus:
        assert corpus.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # and on
        korean = {it["title"] for it in search(corpus, Filters(words="김화군"), limit=0).items}
        placed = {it["title"] for it in search(corpus, Filters(places=["Kimhwa"]), limit=0).items}
        hangul = corpus.conn.execute("SELECT name_ko FROM places WHERE id = 'geonames:1875980'").fetchone()[0]
    assert korean == {K_KIMHWA}
    assert placed == {K_KIMHWA, J_KIMHWA, C_KIMHWA}
    assert hangul == "김화군"


def test_reparse_rebuilds_forms_and_korean_places(tmp_path):
    db = tmp_path / "reparse.db"
    with Corpus(db) as corpus:
        for f in sorted(SCRIPTS.glob("*.txt")):
            corpus.ingest_text(f.read_text(encoding="utf-8"), str(f))
        before = {it["id"]: it["places"] for it in search(corpus, Filters(words="김화군"), limit=0).items}
        corpus.conn.execute("UPDATE items SET gram_title = NULL, gram_text = NULL")
        corpus.conn.execute("DELETE FROM item_places")
        corpus.reparse()
        after = {it["id"]: it["places"] for it in search(corpus, Filters(words="김화군"), limit=0).items}
    assert after == before and before and all(before.values())


_SYLLABLE = st.integers(0xAC00, 0xD7A3).map(chr)
_PARTICLES = [
    "",
    "에",
    "에서",
    "의",
    "을",
    "를",
    "은",
    "는",
    "이",
    "가",
    "으로",
    "과",
    "와",
    "에서는",
    "들이",
    "하였다",
]


@given(
    word=st.lists(_SYLLABLE, min_size=2, max_size=5).map("".join),
    before=st.lists(_SYLLABLE, max_size=3).map("".join),
    particle=st.sampled_from(_PARTICLES),
    decompose=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_a_hangul_word_is_found_with_any_particle_in_either_spelling(word, before, particle, decompose):
    """Index the forms of a text holding WORD+particle; WORD (NFC or NFD, initial sounds
    written either way) finds it, and so does a phrase of it and the next word."""
    text = f"{before} {word}{particle} 공장"
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, lede, body, facets, gram_title, gram_text)")
    conn.execute("INSERT INTO t (gram_text) VALUES (?)", (search_forms(text),))
    typed = fold_hangul(word) if decompose else word
    typed = unicodedata.normalize("NFD", typed) if decompose else typed
    for q in (typed, f'"{typed} 공장"'):
        assert conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (match_query(q),)).fetchone()[0] == 1, q
