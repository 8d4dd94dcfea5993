"""The kcna command as users run it: CliRunner and real subprocesses."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from kcna_cli.cli import app

runner = CliRunner()
ITEM_KEYS = [
    "id",
    "kind",
    "title",
    "date",
    "source",
    "outlet",
    "language",
    "dateline",
    "places",
    "lede",
    "body",
    "date_note",
    "first_seen",
    "seen_in",
]


def kcna(*args, input=None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def loaded():
    r = kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"), str(FIXTURES / "multi-page.txt"), "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_ingest_json_summary_keys(loaded):
    for key in ("dumps_read", "dumps_known", "items_new", "teasers_upgraded", "duplicates_merged", "failed"):
        assert key in loaded
    assert loaded["dumps_read"] == 3 and loaded["failed"] == []
    again = json.loads(kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"), "--json").stdout)
    assert (again["dumps_read"], again["dumps_known"], again["items_new"]) == (1, 1, 0)


def test_search_place_json_has_exact_fields(loaded):
    r = kcna("search", "--place", "Kimhwa", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [d["title"] for d in data] == ["Model Greenhouse Farm Built in Kimhwa County"]
    assert list(data[0]) == ITEM_KEYS
    assert data[0]["places"] == ["Kangwon Province", "Kimhwa County"]


def test_search_words_adds_snippet_and_score(loaded):
    data = json.loads(kcna("search", "greenhouse", "--json").stdout)
    assert list(data[0]) == ITEM_KEYS + ["snippet", "score"]
    assert "**greenhouse**" in data[0]["snippet"].lower()


def test_default_output_when_piped_is_jsonl(loaded):
    r = kcna("search", "--limit", "3")
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3
    assert all(json.loads(ln)["id"] for ln in lines)
    assert "\x1b[" not in r.stdout and "━" not in r.stdout


def test_csv_parses(loaded):
    r = kcna("search", "--csv", "--limit", "0")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 8 and list(rows[0]) == ITEM_KEYS


def test_table_when_forced(loaded):
    r = kcna("search", "--place", "Kimhwa", "--table")
    assert r.exit_code == 0
    assert "Model Greenhouse Farm" in r.stdout and "1 of 1 matching item" in r.stdout


def test_newest_first_limit_and_footer(loaded):
    data = json.loads(kcna("search", "--json", "--limit", "0").stdout)
    dates = [d["date"] for d in data]
    assert dates == sorted(dates, reverse=True)
    r = kcna("search", "--table", "--limit", "2")
    assert "2 of 8 matching items; 6 more" in r.stdout


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--since", "2026-03"], 5),
        (["--until", "2026-01-20"], 2),
        (["--on", "2026-01-21"], 1),
        (["--year", "2026"], 8),
        (["--since", "2026-01-20", "--until", "2026-01-20"], 1),
        (["--kind", "teaser"], 5),
        (["--source", "kcna"], 8),
        (["--source", "Rodong Sinmun"], 0),
    ],
)
def test_filters(loaded, args, expected):
    r = kcna("search", "--json", "--limit", "0", *args)
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "2025-13"],
        ["--on", "yesterday"],
        ["--kind", "video"],
        ["--sort", "size"],
        ["--place", "Kimwha"],
        ["--limit", "-1"],
    ],
)
def test_usage_errors_exit_2_with_one_line(loaded, args):
    r = kcna("search", *args)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1


def test_unknown_place_suggests(loaded):
    r = kcna("search", "--place", "Kimwha")
    assert r.exit_code == 2 and 'did you mean "Kimhwa County"' in r.stderr


def test_show_json_object_and_array(loaded):
    one = json.loads(kcna("show", "1", "--json").stdout)
    assert one["id"] == 1 and one["sightings"][0]["capture_date"] == "2026-03-06"
    for key in ITEM_KEYS:
        assert key in one
    two = json.loads(kcna("show", "1", "2", "--json").stdout)
    assert [d["id"] for d in two] == [1, 2]
    missing = kcna("show", "999")
    assert missing.exit_code == 1 and "no item with id 999" in missing.stderr


def test_show_reader_view(loaded):
    r = kcna("show", "1", "--table")
    assert "Model Greenhouse Farm Built in Kimhwa County" in r.stdout
    assert "seen in 1 dump" in r.stdout


def test_export_jsonl_and_csv(loaded, tmp_path):
    r = kcna("export")
    rows = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert len(rows) == 8 and [x["id"] for x in rows] == sorted(x["id"] for x in rows)
    out = tmp_path / "k.csv"
    assert kcna("export", "--place", "Kangwon", "--csv", "-o", str(out)).exit_code == 0
    assert len(list(csv.DictReader(out.open()))) == 1


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
    assert r.exit_code == 1  # not-a-dump.txt is reported
    assert [f["path"] for f in summary["failed"]] == [str(FIXTURES / "bad" / "not-a-dump.txt")]
    r2 = kcna("ingest", str(FIXTURES / "page-*.txt"), "--json")
    assert json.loads(r2.stdout)["dumps_known"] == 3


def test_version_and_help():
    assert kcna("--version").stdout.startswith("kcna ")
    for cmd in ("ingest", "search", "show", "export", "places", "raw"):
        r = kcna(cmd, "--help")
        assert r.exit_code == 0 and "Example" in r.stdout, cmd


def test_missing_database_is_a_clear_error(tmp_path):
    r = kcna("search", "--db", str(tmp_path / "none.db"))
    assert r.exit_code == 1 and "no database at" in r.stderr


def run(*args, env=None, input=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "kcna_cli", *args], capture_output=True, text=True, env=e, input=input, timeout=60
    )


def test_subprocess_pipe_gives_clean_jsonl(tmp_path):
    db = str(tmp_path / "s.db")
    r = run("ingest", str(FIXTURES / "page-kcna-kp.txt"), "--db", db)
    assert r.returncode == 0 and r.stdout == "" and "5 new items" in r.stderr
    r = run("search", "--place", "Kangwon", "--db", db)
    assert r.returncode == 0 and "\x1b" not in r.stdout
    assert [json.loads(x)["title"] for x in r.stdout.splitlines()] == ["Model Greenhouse Farm Built in Kimhwa County"]
    r = run("search", "--db", db, env={"KCNA_FORMAT": "csv"})
    assert r.stdout.startswith("id,kind,title,date")


def test_subprocess_error_has_no_traceback(tmp_path):
    r = run("search", "--db", str(tmp_path / "x.db"), "--since", "soon")
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr
    notdb = tmp_path / "not.db"
    notdb.write_text("hello")
    r = run("search", "--db", str(notdb))
    assert r.returncode == 1 and "not a SQLite database" in r.stderr and "Traceback" not in r.stderr
