"""Watch lists: saved searches that report the items first seen since their last run."""

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from kcna_cli.cli import app

runner = CliRunner()


def page(title: str, body: str, day: int, capture_day: int | None = None) -> str:
    """A KCNA Watch article page in the shape the fixtures have (FORMATS.md), made up."""
    c = capture_day or day
    return (
        f"March {c:02d}, 2026Mar {c:02d}, 2026\nKCNA KCNA.kp (En)\n\n{title}\n\n"
        f"Date: {day:02d}/03/2026 | Source: KCNA.kp (En) | Read original version at source\n\n"
        f"Pyongyang, March {day} (KCNA) -- {body} -0-\n\nwww.kcna.kp (2026.03.{day:02d}.)\n"
    )


A = page("Greenhouse Farm Expanded in Kangwon Province", "A farm in Kangwon Province added new greenhouses.", 2)
B = page("School Opened in Ryanggang Province", "A new school opened in Hyesan City, Ryanggang Province.", 3)
C = page("Bridge Completed in Kangwon Province", "A bridge over the river was completed in Kangwon Province.", 5)
D = page("Potato Farm Harvest in Ryanggang Province", "The farm workers of Ryanggang Province reaped potatoes.", 6)
E = page("Fruit Farm Built in Kimhwa County", "A fruit farm was built in Kimhwa County, famous for apples.", 9)


def kcna(db, *args, input=None):
    return runner.invoke(app, [*args, "--db", str(db)], input=input)


def ingest(db, tmp_path, name, *texts, extra=()):
    f = tmp_path / name
    f.write_text("\n".join(texts), encoding="utf-8")
    return kcna(db, "ingest", str(f), "-q", *extra)


def new_titles(result) -> dict[str, list[str]]:
    assert result.exit_code == 0, result.output
    out: dict[str, list[str]] = {}
    for row in json.loads(result.stdout):
        out.setdefault(row["watch"], []).append(row["title"])
    return out


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.db"
    assert ingest(path, tmp_path, "start.txt", B).exit_code == 0  # there before the watches
    assert kcna(path, "watch", "add", "kangwon", "--place", "Kangwon").exit_code == 0
    assert kcna(path, "watch", "add", "farms", "farm").exit_code == 0
    return path


def test_two_watches_three_ingests(db, tmp_path):
    assert new_titles(kcna(db, "watch", "--json")) == {}  # nothing new since they were saved

    assert ingest(db, tmp_path, "one.txt", A, B).exit_code == 0  # B is known: not new
    assert new_titles(kcna(db, "watch", "run", "--json")) == {
        "farms": ["Greenhouse Farm Expanded in Kangwon Province"],
        "kangwon": ["Greenhouse Farm Expanded in Kangwon Province"],
    }
    assert new_titles(kcna(db, "watch", "--json")) == {}  # the marks moved

    # a recapture of A (another capture date) beside two new items
    assert (
        ingest(db, tmp_path, "two.txt", C, D, A.replace("March 02, 2026Mar 02", "March 07, 2026Mar 07")).exit_code == 0
    )
    expected = {
        "farms": ["Potato Farm Harvest in Ryanggang Province"],
        "kangwon": ["Bridge Completed in Kangwon Province"],
    }
    assert new_titles(kcna(db, "watch", "run", "--dry-run", "--json")) == expected
    assert new_titles(kcna(db, "watch", "--dry-run", "--json")) == expected  # --dry-run left the marks
    listed = json.loads(kcna(db, "watch", "list", "--json").stdout)
    assert {r["name"]: r["new_items"] for r in listed} == {"farms": 1, "kangwon": 1}
    assert new_titles(kcna(db, "watch", "run", "kangwon", "--json")) == {"kangwon": expected["kangwon"]}
    assert new_titles(kcna(db, "watch", "run", "--json")) == {"farms": expected["farms"]}  # kangwon already ran

    # the third ingest with --report: the digest in one step, under "report" in the summary
    r = ingest(db, tmp_path, "three.txt", E, extra=("--report", "--json"))
    summary = json.loads(r.stdout)
    assert summary["items_new"] == 1
    report = {}
    for row in summary["report"]:
        report.setdefault(row["watch"], []).append(row["title"])
    assert report == {"farms": ["Fruit Farm Built in Kimhwa County"], "kangwon": ["Fruit Farm Built in Kimhwa County"]}
    assert new_titles(kcna(db, "watch", "--json")) == {}


def test_ingest_report_prints_the_digest(db, tmp_path):
    f = tmp_path / "one.txt"
    f.write_text(A, encoding="utf-8")
    r = kcna(db, "ingest", str(f), "--report")  # piped: rows as JSON Lines on stdout, summary on stderr
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert sorted(x["watch"] for x in rows) == ["farms", "kangwon"]
    assert "1 dumps read" in r.stderr
    r = kcna(db, "ingest", str(f), "--report", "--json")
    assert json.loads(r.stdout)["report"] == []


def test_watch_rows_and_list_fields(db, tmp_path):
    from kcna_cli.query import ITEM_FIELDS

    ingest(db, tmp_path, "one.txt", A)
    rows = json.loads(kcna(db, "watch", "run", "--dry-run", "--json").stdout)
    assert all(list(r) == ["watch", *ITEM_FIELDS] for r in rows)
    listed = json.loads(kcna(db, "watch", "list", "--json").stdout)
    assert [list(r) for r in listed] == [
        ["name", "search", "filters", "created_at", "last_run_at", "last_dump_id", "new_items"]
    ] * 2
    assert [(r["name"], r["search"], r["filters"]) for r in listed] == [
        ("farms", "farm", {"words": "farm"}),
        ("kangwon", "--place Kangwon", {"places": ["Kangwon"]}),
    ]
    table = kcna(db, "watch", "--table", "--dry-run")
    assert "watch kangwon" in table.stdout and "Greenhouse Farm Expanded" in table.stdout
    assert "dry run" in table.stdout


def test_watches_travel_with_the_database(db, tmp_path):
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT name, query FROM watches ORDER BY name").fetchall()
    conn.close()
    assert rows == [("farms", '{"words": "farm"}'), ("kangwon", '{"places": ["Kangwon"]}')]


def test_add_rm_and_errors(db, tmp_path):
    r = kcna(db, "watch", "add", "kangwon", "--place", "Kangwon")
    assert r.exit_code == 2 and "a watch named 'kangwon' exists" in r.stderr
    assert kcna(db, "watch", "add", "kangwon", "bridge", "--replace").exit_code == 0
    r = kcna(db, "watch", "add", "bad", "--place", "Kimwha")
    assert r.exit_code == 2 and "Kimhwa County" in r.stderr
    r = kcna(db, "watch", "add", "bad", "--since", "blursday")
    assert r.exit_code == 2 and "'blursday'" in r.stderr
    r = kcna(db, "watch", "add", "two words")
    assert r.exit_code == 2 and "a watch name is a word" in r.stderr
    r = kcna(db, "watch", "run", "nope")
    assert r.exit_code == 2 and r.stderr == "kcna: error: no watch named 'nope' (watches: farms, kangwon)\n"
    assert kcna(db, "watch", "rm", "farms").exit_code == 0
    assert [r["name"] for r in json.loads(kcna(db, "watch", "list", "--json").stdout)] == ["kangwon"]
    assert kcna(db, "watch", "rm", "farms").exit_code == 2


def test_since_start_reports_what_is_stored_already(db):
    assert kcna(db, "watch", "add", "ryanggang", "--place", "Ryanggang", "--since-start").exit_code == 0
    assert new_titles(kcna(db, "watch", "run", "ryanggang", "--json")) == {
        "ryanggang": ["School Opened in Ryanggang Province"]
    }


def test_relative_dates_in_a_watch_are_read_at_each_run(db, tmp_path):
    assert kcna(db, "watch", "add", "recent", "--since", "30d", "--since-start").exit_code == 0
    stored = json.loads(kcna(db, "watch", "list", "--json").stdout)
    assert {r["name"]: r["filters"] for r in stored}["recent"] == {"since": "30d"}  # as typed, not a date


def test_schema_6_database_is_migrated_with_watches_urls_and_map_columns(tmp_path):
    from test_schema import as_schema_7

    from kcna_cli.db import SCHEMA_VERSION, Corpus

    path = tmp_path / "v6.db"
    ingest(path, tmp_path, "one.txt", A, B)
    as_schema_7(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 7
    conn.close()
    with Corpus(path) as corpus:
        assert corpus.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
        places = corpus.conn.execute("SELECT count(*), count(latitude) FROM places WHERE lat IS latitude").fetchone()
        assert places[0] == corpus.conn.execute("SELECT count(*) FROM places").fetchone()[0] and places[1] > 50
        assert corpus.conn.execute("SELECT count(*) FROM items WHERE url IS NOT NULL").fetchone()[0] == 0
    assert kcna(path, "watch", "add", "kangwon", "--place", "Kangwon").exit_code == 0
    ingest(path, tmp_path, "two.txt", C)
    assert new_titles(kcna(path, "watch", "--json")) == {"kangwon": ["Bridge Completed in Kangwon Province"]}
