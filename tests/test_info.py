"""kcna info: what a database holds."""

import json

from support import kcna

from kcna_cli.db import SCHEMA_VERSION


def test_info_json_fields(all_fixtures, tmp_path):
    data = json.loads(kcna("info", "--json").stdout)
    assert list(data) == [
        "database",
        "schema_version",
        "size_bytes",
        "dumps",
        "raw_bytes",
        "items",
        "articles",
        "teasers",
        "revised_items",
        "places_named",
        "first_date",
        "last_date",
        "first_capture",
        "last_capture",
        "sources",
    ]
    assert data["database"] == str(tmp_path / "kcna.db")
    assert data["schema_version"] == SCHEMA_VERSION and data["size_bytes"] > 0
    assert data["items"] == data["articles"] + data["teasers"]
    assert data["revised_items"] == 1  # fixtures/revisions
    assert data["first_date"] <= data["last_date"]
    assert sum(s["items"] for s in data["sources"]) == data["items"]


def test_info_table_and_missing_database(all_fixtures, tmp_path):
    r = kcna("info", "--table")
    assert r.exit_code == 0 and "schema" in r.stdout and "KCNA.kp" in r.stdout
    r = kcna("info", "--db", str(tmp_path / "nope.db"))
    assert r.exit_code == 2 and "no database" in r.stderr
