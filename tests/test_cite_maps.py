"""Citations, the Markdown reading list and GeoJSON maps, on the fixtures."""

import json
import re

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from kcna_cli import cite
from kcna_cli.cli import app

runner = CliRunner()
LINKED = FIXTURES / "saved-page_links.html"
ORIGINAL = "http://www.kcna.kp/en/article/q/5d2c8b0e9d1f44a7a3e2f9d0c1b6a7e4.kcmsf"
WATCH_PAGE = "https://kcnawatch.org/newstream/1767312000-804512233/dam-built-on-chongchon-river/"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cite") / "kcna.db"
    r = runner.invoke(app, ["ingest", str(FIXTURES), "--db", str(path), "-q"])
    assert r.exit_code == 1  # fixtures/bad is reported
    return path


def kcna(db, *args):
    r = runner.invoke(app, [*args, "--db", str(db)])
    assert r.exit_code == 0, r.output
    return r.stdout


def item_id(db, title):
    rows = json.loads(kcna(db, "search", "--json", "--limit", "0"))
    return str(next(r["id"] for r in rows if r["title"] == title))


# --- addresses kept from saved pages -------------------------------------------------------------


def test_the_original_link_of_a_saved_page_is_kept(db):
    (item,) = json.loads(kcna(db, "show", item_id(db, "Dam Built on Chongchon River"), "--json"))
    assert item["url"] == ORIGINAL
    assert all(r["url"] is None for r in json.loads(kcna(db, "search", "--json", "-n", "0")) if r["id"] != item["id"])


def test_the_canonical_link_is_used_without_an_original_one():
    from kcna_cli.inputs import decode
    from kcna_cli.parse import parse_text

    html = LINKED.read_text(encoding="utf-8")
    without = re.sub(r'<a href="[^"]*" target="_blank">(Read original version at source)</a>', r"\1", html)
    assert without != html
    (page,) = parse_text(decode(without.encode()))
    assert page.dump.article.url == WATCH_PAGE
    relative = html.replace(ORIGINAL, "/en/article/q/abc.kcmsf")
    (page,) = parse_text(decode(relative.encode()))
    assert page.dump.article.url == "https://kcnawatch.org/en/article/q/abc.kcmsf"  # made absolute


def test_an_address_pasted_on_a_text_dumps_date_line_is_kept():
    from kcna_cli.parse import parse_text

    text = (FIXTURES / "page-kcna-kp.txt").read_text(encoding="utf-8")
    pasted = text.replace(
        "Read original version at source", "Read original version at source (http://www.kcna.kp/en/article/q/x.kcmsf)"
    )
    (page,) = parse_text(pasted)
    assert page.dump.article.url == "http://www.kcna.kp/en/article/q/x.kcmsf"
    assert page.dump.article.title == "Model Greenhouse Farm Built in Kimhwa County"
    assert all(t.url is None for t in page.dump.teasers)


# --- cite ---------------------------------------------------------------------------------------------


def test_cite_styles(db):
    dam = item_id(db, "Dam Built on Chongchon River")
    farm = item_id(db, "Model Greenhouse Farm Built in Kimhwa County")
    text = kcna(db, "cite", dam, farm)
    assert text.splitlines() == [
        f'KCNA.kp. "Dam Built on Chongchon River." 1 January 2026. Captured by KCNA Watch on 2 January 2026.'
        f" {ORIGINAL}",
        'KCNA.kp. "Model Greenhouse Farm Built in Kimhwa County." 4 March 2026.'
        " Captured by KCNA Watch on 6 March 2026.",
    ]
    md = kcna(db, "cite", dam, "--format", "markdown")
    assert md == (
        f"KCNA.kp. “[Dam Built on Chongchon River]({ORIGINAL}).” 1 January 2026."
        " Captured by KCNA Watch on 2 January 2026.\n"
    )
    bib = kcna(db, "cite", dam, farm, "--format", "bibtex")
    entries = bib.strip().split("\n\n")
    assert len(entries) == 2 and entries[0].startswith(f"@misc{{kcna{dam},\n")
    assert f"  url = {{{ORIGINAL}}}," in entries[0] and "url =" not in entries[1]
    assert "  date = {2026-01-01}," in entries[0] and "  urldate = {2026-01-02}," in entries[0]
    for entry in entries:  # balanced braces: BibTeX reads it
        depth = 0
        for ch in entry:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0
        assert depth == 0
    csl = json.loads(kcna(db, "cite", dam, farm, "--format", "CSL-JSON"))
    assert [c["id"] for c in csl] == [f"kcna{dam}", f"kcna{farm}"]
    assert csl[0] == {
        "id": f"kcna{dam}",
        "type": "article-newspaper",
        "title": "Dam Built on Chongchon River",
        "container-title": "KCNA.kp",
        "author": [{"literal": "KCNA.kp"}],
        "issued": {"date-parts": [[2026, 1, 1]]},
        "accessed": {"date-parts": [[2026, 1, 2]]},
        "URL": ORIGINAL,
        "language": "en",
        "note": f"Captured by KCNA Watch on 2026-01-02; kcna item {dam}",
    }
    rows = json.loads(kcna(db, "cite", dam, "--format", "md", "--json"))
    assert list(rows[0]) == ["id", "style", "citation", "url", "csl"] and rows[0]["style"] == "markdown"
    assert rows[0]["citation"] == md.strip() and rows[0]["csl"] == csl[0]


def test_cite_errors(db):
    r = runner.invoke(app, ["cite", "1", "--format", "apa", "--db", str(db)])
    assert r.exit_code == 2 and "--format must be one of text, markdown, bibtex, csl-json" in r.stderr
    r = runner.invoke(app, ["cite", "99999", "--db", str(db)])
    assert r.exit_code == 1 and "no item with id 99999" in r.stderr


def test_citations_of_untrusted_and_untitled_items():
    item = {
        "id": 7,
        "title": "Evil\x1b[31m *title* [x](javascript:alert(1)) {x}",
        "date": None,
        "outlet": None,
        "source": "Some & Co_ (En)",
        "language": None,
        "lede": None,
        "first_capture": None,
        "url": None,
    }
    assert "\x1b" not in cite.text(item) and "n.d." in cite.text(item)
    md = cite.markdown(item)
    assert "](" not in md and "\\*title\\*" in md and "\\[x\\]" in md
    bib = cite.bibtex(item)
    assert "Some \\& Co\\_ (En)" in bib and "\\{x\\}" in bib and "year" not in bib
    untitled = {"id": 8, "title": None, "lede": "Pyongyang, May 1 (KCNA) -- " + "word " * 30, "date": "2025-05-01"}
    assert cite.title_of(untitled) == "word " * 11 + "word…"


# --- reading list --------------------------------------------------------------------------------------


def test_export_markdown_reading_list(db, tmp_path):
    out = tmp_path / "reading.md"
    runner.invoke(app, ["export", "--place", "Kangwon", "--markdown", "-o", str(out), "--db", str(db)])
    text = out.read_text(encoding="utf-8")
    items = json.loads(kcna(db, "export", "--place", "Kangwon", "--json"))
    assert text.startswith("# Reading list\n\nItems: Kangwon\n\n")
    assert text.count("\n## ") == len(items) >= 3
    for it in items:
        assert f"## {cite.md_escape(cite.title_of(it))}\n\n{cite.markdown(it)}\n\n" in text
        assert f"kcna item {it['id']}" in text
    assert "**Places:** Kangwon Province, Kimhwa County" in text
    assert "A modern greenhouse farm was completed in Kimhwa County" in text
    shown = kcna(db, "show", str(items[0]["id"]), "--markdown")
    assert shown.count("\n## ") == 1 and cite.markdown(items[0]) in shown
    r = runner.invoke(app, ["export", "--markdown", "--json", "--db", str(db)])
    assert r.exit_code == 2


def test_reading_list_keeps_dump_text_as_text():
    import io

    from kcna_cli.views.markdown import reading_list

    out = io.StringIO()
    body = "# Not a heading\n\n- not a list\n\n<script>alert(1)</script> [link](http://x)\n\n1. not numbered"
    reading_list(out, [{"id": 1, "kind": "article", "title": "T", "date": "2025-01-01", "body": body, "places": []}])
    text = out.getvalue()
    assert "\n\\# Not a heading\n" in text and "\n\\- not a list\n" in text and "\n1\\. not numbered\n" in text
    assert "<script>" not in text and "](http" not in text


# --- GeoJSON ---------------------------------------------------------------------------------------------


def check_geojson(fc: dict) -> None:
    """The structure RFC 7946 requires of a FeatureCollection of points."""
    assert set(fc) == {"type", "features"} and fc["type"] == "FeatureCollection"
    assert isinstance(fc["features"], list)
    for f in fc["features"]:
        assert f["type"] == "Feature" and isinstance(f["properties"], dict)
        assert set(f) <= {"type", "id", "geometry", "properties"}
        assert isinstance(f.get("id"), (str, int, type(None)))
        g = f["geometry"]
        if g is None:
            continue
        assert set(g) == {"type", "coordinates"} and g["type"] == "Point"
        lon, lat = g["coordinates"]
        assert isinstance(lon, float) and isinstance(lat, float)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        # DPRK: longitude first (124-131 E), latitude second (37-43.1 N); a swap would fail here
        assert 124 <= lon <= 131 and 37 <= lat <= 43.1, f["properties"]["name"]


def test_places_geojson(db):
    r = runner.invoke(app, ["places", "--all", "--geojson", "--db", str(db)])
    fc = json.loads(r.stdout)
    check_geojson(fc)
    rows = json.loads(kcna(db, "places", "--all", "--json"))
    assert [f["properties"]["name"] for f in fc["features"]] == [r["name"] for r in rows]
    located = [f for f in fc["features"] if f["geometry"]]
    missing = [f for f in fc["features"] if f["geometry"] is None]
    assert located and missing  # places without coordinates are listed, not invented
    by_name = {r["name"]: r for r in rows}
    for f in located:
        row = by_name[f["properties"]["name"]]
        assert f["geometry"]["coordinates"] == [round(row["longitude"], 6), round(row["latitude"], 6)]
        assert f["properties"]["items"] == row["items"] and f["id"] == row["id"]
    for f in missing:
        assert by_name[f["properties"]["name"]]["latitude"] is None
    assert r.stderr == f"kcna: {len(missing)} of {len(rows)} places have no known coordinates (geometry null)\n"


def test_search_geojson_has_item_ids_per_place(db):
    fc = json.loads(kcna(db, "search", "--place", "Kangwon", "--limit", "0", "--geojson"))
    check_geojson(fc)
    items = json.loads(kcna(db, "search", "--place", "Kangwon", "--limit", "0", "--json"))
    expected = {}
    for it in items:
        for name in it["places"]:
            expected.setdefault(name, set()).add(it["id"])
    got = {f["properties"]["name"]: set(f["properties"]["item_ids"]) for f in fc["features"]}
    assert got == expected and "Kimhwa County" in got
    assert all(f["properties"]["items"] == len(f["properties"]["item_ids"]) for f in fc["features"])
    r = runner.invoke(app, ["search", "--geojson", "--csv", "--db", str(db)])
    assert r.exit_code == 2 and "--geojson is a format of its own" in r.stderr


def test_places_table_has_map_columns_for_datasette(db):
    import sqlite3

    conn = sqlite3.connect(db)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(places)")]
    assert {"lat", "lon", "latitude", "longitude"} <= set(cols)
    bad = conn.execute("SELECT count(*) FROM places WHERE lat IS NOT latitude OR lon IS NOT longitude").fetchone()[0]
    assert bad == 0
    conn.close()
