"""stats, info, the help fast path, progress and the ingest summary: what an analyst sees."""

import json
import os
import subprocess
import sys

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from kcna_cli.cli import app
from kcna_cli.entry import COMMANDS, OPTIONS, help_text

runner = CliRunner()


def kcna(*args):
    return runner.invoke(app, list(args))


@pytest.fixture
def loaded():
    r = kcna("ingest", str(FIXTURES), "-q")
    assert r.exit_code == 1  # fixtures/bad/not-a-dump.txt is reported, the rest stored
    return r


# --- stats -------------------------------------------------------------------------------------------


def test_stats_by_month_fills_gaps_and_counts_every_item(loaded):
    rows = json.loads(kcna("stats", "--json").stdout)
    assert all(list(r) == ["month", "items"] for r in rows)
    months = [r["month"] for r in rows if r["month"]]
    assert months == sorted(months) and len(set(months)) == len(months)
    y, m = int(months[0][:4]), int(months[0][5:])
    for month in months[1:]:  # consecutive months, no gap
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        assert month == f"{y:04d}-{m:02d}"
    total = json.loads(kcna("info", "--json").stdout)["items"]
    assert sum(r["items"] for r in rows) == total
    assert rows[-1]["month"] is None  # undated items come last


def test_stats_place_question(loaded):
    """'When was Kimhwa in the news': only the months of items naming it."""
    rows = json.loads(kcna("stats", "--place", "Kimhwa", "--json").stdout)
    search = json.loads(kcna("search", "--place", "Kimhwa", "--json", "--limit", "0").stdout)
    assert sum(r["items"] for r in rows) == len(search) >= 2
    assert {r["month"] for r in rows if r["items"]} == {s["date"][:7] for s in search}


@pytest.mark.parametrize("by", ["year", "source", "place", "kind"])
def test_stats_by_each_grouping(loaded, by):
    r = kcna("stats", "--by", by, "--csv")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == f"{by},items"
    rows = json.loads(kcna("stats", "--by", by, "--json").stdout)
    if by in ("source", "place", "kind"):
        counts = [x["items"] for x in rows if x[by] is not None]
        assert counts == sorted(counts, reverse=True)
    if by == "kind":
        info = json.loads(kcna("info", "--json").stdout)
        assert {x["kind"]: x["items"] for x in rows} == {"article": info["articles"], "teaser": info["teasers"]}


def test_stats_words_and_limit(loaded):
    rows = json.loads(kcna("stats", "greenhouse", "--by", "source", "--json").stdout)
    assert rows == [{"source": "KCNA.kp", "items": 1}]
    assert len(json.loads(kcna("stats", "--by", "place", "-n", "3", "--json").stdout)) == 3
    assert json.loads(kcna("stats", "zzzunknownword", "--json").stdout) == []


def test_stats_errors(loaded):
    r = kcna("stats", "--by", "week")
    assert r.exit_code == 2 and "--by must be one of" in r.stderr
    r = kcna("stats", "--place", "Kimwha")
    assert r.exit_code == 2 and "Kimhwa County" in r.stderr


def test_stats_bar_chart_on_a_terminal_and_piped(loaded):
    r = kcna("stats", "--by", "kind", "--table")
    assert "article" in r.stdout and "█" in r.stdout and "items by kind" in r.stdout
    piped = kcna("stats", "--by", "kind")  # CliRunner output is not a terminal: JSON Lines
    assert [json.loads(x)["kind"] for x in piped.stdout.splitlines()] == ["article", "teaser"]
    assert "█" not in piped.stdout and "\x1b" not in piped.stdout


def test_stats_chart_collapses_long_empty_stretches(loaded):
    r = kcna("stats", "--table")
    assert "empty months" in r.stdout  # the fixtures span 2014 to 2026


# --- info -----------------------------------------------------------------------------------------------


def test_info_json_fields(loaded, tmp_path):
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
    assert data["schema_version"] == 3 and data["size_bytes"] > 0
    assert data["items"] == data["articles"] + data["teasers"]
    assert data["revised_items"] == 1  # fixtures/revisions
    assert data["first_date"] <= data["last_date"]
    assert sum(s["items"] for s in data["sources"]) == data["items"]


def test_info_table_and_missing_database(loaded, tmp_path):
    r = kcna("info", "--table")
    assert r.exit_code == 0 and "schema" in r.stdout and "KCNA.kp" in r.stdout
    r = kcna("info", "--db", str(tmp_path / "nope.db"))
    assert r.exit_code == 1 and "no database" in r.stderr


# --- help, guide, version: the fast path ---------------------------------------------------------------


def test_fast_help_lists_the_real_commands():
    import typer.main

    group = typer.main.get_command(app)
    real = {name: (cmd.help or "").strip().splitlines()[0] for name, cmd in group.commands.items()}
    assert dict(COMMANDS) == real
    real_options = {opt for p in group.params for opt in p.opts} | {"--install-completion", "--show-completion"}
    real_options |= set(group.context_settings["help_option_names"])
    listed = {o.strip() for name, _ in OPTIONS for o in name.split(",")}
    assert listed == real_options


def run_kcna(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "kcna_cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_help_version_and_guide_without_heavy_imports():
    probe = (
        "import sys, io, contextlib; sys.argv = ['kcna'] + sys.argv[1:]\n"
        "from kcna_cli import entry\n"
        "with contextlib.redirect_stdout(io.StringIO()): entry.main()\n"
        "heavy = ('typer', 'click', 'rich', 'sqlite_utils', 'dateutil', 'sqlite3', 'kcna_cli.places')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    for args in ([], ["--help"], ["-h"], ["--version"]):
        r = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
        assert r.stdout.strip() == "[]", (args, r.stdout, r.stderr)
    r = run_kcna("--version")
    assert r.returncode == 0 and r.stdout.startswith("kcna ")
    r = run_kcna()
    assert r.returncode == 0 and "Getting started" in r.stdout and "kcna ingest" in r.stdout
    assert "\x1b" not in r.stdout  # piped: no colour
    r = run_kcna("--help")
    assert r.returncode == 0 and r.stdout == help_text()
    assert "revisions" in r.stdout and "Getting started" not in r.stdout


def test_importing_the_cli_does_not_load_heavy_modules():
    probe = (
        "import sys, kcna_cli.cli\n"
        "heavy = ('rich', 'sqlite_utils', 'dateutil', 'kcna_cli.places', 'kcna_cli.db',"
        " 'kcna_cli.query', 'kcna_cli.views.formats')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert r.stdout.strip() == "[]", r.stderr


def test_command_help_has_examples():
    for name, _ in COMMANDS:
        r = kcna(name, "--help")
        assert r.exit_code == 0, name
        assert "Example" in r.stdout, name


def test_completion_goes_to_the_full_app():
    r = run_kcna(env={"_KCNA_COMPLETE": "complete_bash", "COMP_WORDS": "kcna rev", "COMP_CWORD": "1"})
    assert "revisions" in r.stdout


# --- ingest progress and summary ----------------------------------------------------------------------


def test_ingest_progress_and_summary_on_a_terminal(tmp_path, monkeypatch):
    """With stderr a terminal: a progress bar, then a summary table; nothing on stdout."""
    import io

    from kcna_cli import cli
    from kcna_cli.views.formats import Env

    err = io.StringIO()
    out = io.StringIO()
    monkeypatch.setattr(
        "kcna_cli.views.formats.Env", lambda: Env(stdout=out, stderr=err, stdout_isatty=False, stderr_isatty=True)
    )
    with pytest.raises(SystemExit) as exc:
        cli.app(["ingest", str(FIXTURES / "page-kcna-kp.txt"), str(FIXTURES / "multi-page.txt")], standalone_mode=True)
    assert exc.value.code == 0
    text = err.getvalue()
    assert "dumps read" in text and "new items" in text and "duplicates merged" in text
    assert out.getvalue() == ""


def test_ingest_piped_and_quiet_print_no_progress(tmp_path):
    r = run_kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"), env={"KCNA_DB": str(tmp_path / "p.db")})
    assert r.returncode == 0 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "1 dumps read" in r.stderr and "\x1b" not in r.stderr
    r = run_kcna("ingest", str(FIXTURES / "multi-page.txt"), "-q", env={"KCNA_DB": str(tmp_path / "p.db")})
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
