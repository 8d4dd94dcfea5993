"""Places: extraction quality, user input resolution, --place and kcna places."""

import json

import pytest
from places_eval import CASES, evaluate
from support import FIXTURES, kcna, search_both_ways

from kcna_cli.errors import UsageError
from kcna_cli.places import Gazetteer


def titles(*args):
    r = kcna("search", "--json", "--limit", "0", *args)
    assert r.exit_code == 0, r.output
    return {d["title"] for d in json.loads(r.stdout)}


def test_extraction_precision_and_recall_at_least_95_percent():
    assert len(CASES) >= 60
    precision, recall, misses = evaluate()
    print(f"precision {precision:.3f} recall {recall:.3f}", *misses, sep="\n")
    assert precision >= 0.95 and recall >= 0.95


@pytest.mark.parametrize(
    "typed,full",
    [
        ("Kimhwa", "Kimhwa County"),
        ("Kimhwa County", "Kimhwa County"),
        ("Gimhwa", "Kimhwa County"),
        ("KIMHWA", "Kimhwa County"),
        ("kimhwa-gun", "Kimhwa County"),
        ("Kangwon", "Kangwon Province"),
        ("Gangwon", "Kangwon Province"),
        ("Kangwon-do", "Kangwon Province"),
        ("South Phyongan", "South Phyongan Province"),
        ("Pyeongannam-do", "South Phyongan Province"),
        ("Chaeryong", "Jaeryong County"),
        ("Yanggang", "Ryanggang Province"),
        ("Jakangto", "Jagang Province"),
        ("Raseon", "Rason City"),
        ("Chagang", "Jagang Province"),
        ("Samjiyon", "Samjiyon City"),
    ],
)
def test_resolve_user_input(typed, full):
    assert [p.full for p in Gazetteer.load().resolve(typed)] == [full]


def test_unsan_resolves_to_both_counties():
    assert len(Gazetteer.load().resolve("Unsan")) == 2


def test_unknown_place_suggests_close_names():
    with pytest.raises(UsageError, match='did you mean "Kimhwa County"'):
        Gazetteer.load().resolve("Kimwha")


def test_overrides_fix_known_gaps():
    g = Gazetteer.load()
    assert g.by_id[g.resolve("Kaephung")[0].parent_id].full == "Kaesong City"
    assert g.by_id[g.resolve("Rajin")[0].parent_id].full == "Rason City"
    assert g.resolve("Hwasong District")[0].parent_id == "KP-01"
    assert g.resolve("Hungnam")[0].full == "Hungnam District"


@pytest.mark.parametrize("typed", ["Kimhwa", "Kimhwa County", "Gimhwa", "KIMHWA", "Kangwon", "Gangwon", "Kangwon-do"])
def test_place_filter_finds_kimhwa_article(all_fixtures, typed):
    assert "Model Greenhouse Farm Built in Kimhwa County" in titles("--place", typed)


def test_province_includes_counties_and_several_places_mean_any(all_fixtures):
    south = titles("--place", "Pyeongannam-do")
    assert "Spring Sowing Starts on Farms of Ryanggang Province" not in south
    both = titles("--place", "Ryanggang", "--place", "Kimhwa")
    assert {"Model Greenhouse Farm Built in Kimhwa County", "Potato farming brisk in highland"} <= both
    # Samjiyon City lies in Ryanggang: the ice festival names only the city... and the province
    assert "Ice Festival Held in Samjiyon" in titles("--place", "Ryanggang")


def test_dateline_is_not_a_place(all_fixtures):
    pyongyang = titles("--place", "Pyongyang")
    assert "Model Greenhouse Farm Built in Kimhwa County" not in pyongyang  # only "Pyongyang, March 4 (KCNA)"
    assert "Pyongyang Children\u2019s Department Store" in pyongyang  # Central District of Pyongyang


def test_place_with_words_and_dates(all_fixtures):
    assert titles("greenhouse", "--place", "Kangwon", "--since", "2026-03") == {
        "Model Greenhouse Farm Built in Kimhwa County"
    }
    assert titles("greenhouse", "--place", "Kangwon", "--until", "2026-02") == set()


def test_unknown_place_exits_2(all_fixtures):
    r = kcna("search", "--place", "Kimwha")
    assert r.exit_code == 2 and "Kimhwa County" in r.stderr and r.stdout == ""


def test_item_places_are_canonical_sorted_unique(all_fixtures):
    data = json.loads(kcna("search", "--place", "Kimhwa", "--json").stdout)
    places = data[0]["places"]
    assert places == sorted(set(places)) and "Kimhwa County" in places and "Kangwon Province" in places


def test_places_command_json_flat_and_tree(all_fixtures):
    rows = json.loads(kcna("places", "--json").stdout)
    by = {r["name"]: r for r in rows}
    assert {"name", "level", "parent", "items"} <= set(rows[0])
    assert by["Kimhwa County"]["parent"] == "Kangwon Province" and by["Kimhwa County"]["items"] >= 1
    assert by["Kangwon Province"]["items_within"] >= by["Kimhwa County"]["items"]
    tree = kcna("places", "--table").stdout
    assert "Kangwon Province" in tree and "Kimhwa County" in tree
    assert tree.index("Kangwon Province") < tree.index("Kimhwa County")
    only = json.loads(kcna("places", "--province", "Kangwon", "--json").stdout)
    assert {r["province"] for r in only} == {"Kangwon Province"}
    everything = json.loads(kcna("places", "--all", "--json").stdout)
    assert len(everything) >= 225


def test_ambiguous_unsan_kept_with_both_candidates(corpus):
    text = (FIXTURES / "truncated-body.txt").read_text()
    corpus.ingest_text(text, "t.txt")
    rows = corpus.conn.execute("SELECT place_id, ambiguous FROM item_places WHERE surface LIKE 'Unsan%'").fetchall()
    assert len(rows) == 2 and all(a == 1 for _, a in rows)


def test_reparse_reextracts_places(corpus):
    corpus.ingest_text((FIXTURES / "page-kcna-kp.txt").read_text(), "p.txt")
    with_places = corpus.conn.execute("SELECT count(DISTINCT item_id) FROM item_places").fetchone()[0]
    assert with_places >= 2
    corpus.conn.execute("DELETE FROM item_places")  # as if extracted by an older kcna
    result = corpus.reparse()
    assert result["items_changed"] == with_places and result["items_after"] == result["items_before"]
    n = corpus.conn.execute("SELECT count(DISTINCT item_id) FROM item_places").fetchone()[0]
    assert n == with_places


@pytest.mark.parametrize("places", [["Kangwon"], ["Ryanggang"], ["Kimhwa"], ["Pyongyang", "Nampho"], ["Jagang"]])
@pytest.mark.parametrize("extra", [{}, {"since": "2026"}, {"kind": "article"}])
def test_place_filter_gives_the_same_items_whichever_way_it_is_run(corpus, monkeypatch, places, extra):
    """Dense places are probed item by item in date order, sparse ones read as a set."""
    for path in sorted(FIXTURES.glob("*.txt")):
        corpus.ingest_text(path.read_text(encoding="utf-8"), path.name)
    results = search_both_ways(corpus, monkeypatch, places=places, **extra)
    assert results[0] == results[1]
    assert results[0][1] == len(results[0][2])


@pytest.mark.parametrize(
    "text",
    [
        "Pyongyang, 21 de julio (ACNC) -- Se terminó una granja en la ciudad de Jongju.",
        "Pyongyang, le 21 juillet (KCNA) -- Une ferme a été achevée dans la ville de Jongju.",
        "Pjöngjang, 21. Juli (KCNA) -- Eine Fischzucht wurde in der Stadt Jongju fertiggestellt.",
        "Пхеньян, 21 июля. /ЦТАК/ -- В городе Чонджу завершено строительство рыбной фермы.",
    ],
)
def test_a_dateline_in_any_language_is_not_a_mention(text):
    from kcna_cli.places import strip_dateline

    stripped = strip_dateline(text)
    assert len(stripped) == len(text)  # positions kept
    assert not stripped.lstrip().startswith(("Pyongyang", "Pjöngjang", "Пхеньян"))
    names = {m.place_id for m in Gazetteer.load().extract(stripped)}
    assert not any(Gazetteer.load().by_id[p].name == "Pyongyang" for p in names)
