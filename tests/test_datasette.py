"""The database opens in Datasette: readable tables, full-text search on items (README "The database")."""

import asyncio

import pytest
from support import FIXTURES

from kcna_cli.db import Corpus

datasette_app = pytest.importorskip("datasette.app", reason="datasette is a test extra: pip install -e '.[test]'")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "kcna.db"
    with Corpus(path) as corpus:
        for name in ("page-kcna-kp.txt", "multi-page.txt", "rodong-sinmun.txt"):
            corpus.ingest_text((FIXTURES / name).read_text(encoding="utf-8"), name)
    return path


def get(db, *paths):
    async def fetch():
        ds = datasette_app.Datasette([str(db)])
        return [await ds.client.get(p) for p in paths]

    return asyncio.run(fetch())


def test_tables_are_listed_and_readable(db):
    (tables,) = get(db, "/kcna.json")
    assert tables.status_code == 200
    names = {t["name"] for t in tables.json()["tables"]}
    assert {"dumps", "items", "sightings", "versions", "places", "item_places", "items_fts"} <= names
    (items,) = get(db, "/kcna/items.json?_shape=array&_col=title&_col=date&_size=max")
    titles = [row["title"] for row in items.json()]
    assert "Model Greenhouse Farm Built in Kimhwa County" in titles


def test_full_text_search_finds_the_article(db):
    (found,) = get(db, "/kcna/items.json?_search=greenhouse&_shape=array")
    assert found.status_code == 200
    rows = found.json()
    assert [r["title"] for r in rows] == ["Model Greenhouse Farm Built in Kimhwa County"]
    assert rows[0]["kind"] == "article"


def test_sql_over_the_database(db):
    sql = (
        "select p.full_name, count(distinct ip.item_id) n"
        " from item_places ip join places p on p.id = ip.place_id group by 1"
    )
    (result,) = get(db, "/kcna.json?_shape=array&sql=" + sql.replace(" ", "+"))
    assert result.status_code == 200
    assert {"full_name": "Kimhwa County", "n": 1} in result.json()
