"""The command line as a user meets it: formats in pipes, help, version, start-up, errors."""

import csv
import io
import json
import subprocess
import sys

from support import FIXTURES, ITEM_KEYS, kcna, run_kcna

from kcna_cli.cli import app
from kcna_cli.entry import COMMANDS, OPTIONS, help_text


def test_default_output_when_piped_is_jsonl(two_dumps):
    r = kcna("search", "--limit", "3")
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3
    assert all(json.loads(ln)["id"] for ln in lines)
    assert "\x1b[" not in r.stdout and "━" not in r.stdout


def test_csv_parses(two_dumps):
    r = kcna("search", "--csv", "--limit", "0")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 8 and list(rows[0]) == ITEM_KEYS


def test_table_when_forced(two_dumps):
    r = kcna("search", "--place", "Kimhwa", "--table")
    assert r.exit_code == 0
    assert "Model Greenhouse Farm" in r.stdout and "1 of 1 matching item" in r.stdout


def test_version_and_help():
    assert kcna("--version").stdout.startswith("kcna ")
    for cmd in ("ingest", "search", "show", "export", "places", "raw"):
        r = kcna(cmd, "--help")
        assert r.exit_code == 0 and "Example" in r.stdout, cmd


def test_missing_database_is_a_clear_error(tmp_path):
    r = kcna("search", "--db", str(tmp_path / "none.db"))
    assert r.exit_code == 2 and "no database at" in r.stderr and "run kcna ingest first" in r.stderr
    assert not (tmp_path / "none.db").exists()


def test_subprocess_pipe_gives_clean_jsonl(tmp_path):
    db = str(tmp_path / "s.db")
    r = run_kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"), "--db", db)
    assert r.returncode == 0 and r.stdout == "" and "5 new items" in r.stderr
    r = run_kcna("search", "--place", "Kangwon", "--db", db)
    assert r.returncode == 0 and "\x1b" not in r.stdout
    assert [json.loads(x)["title"] for x in r.stdout.splitlines()] == ["Model Greenhouse Farm Built in Kimhwa County"]
    r = run_kcna("search", "--db", db, env={"KCNA_FORMAT": "csv"})
    assert r.stdout.startswith("id,kind,title,date")


def test_subprocess_error_has_no_traceback(tmp_path):
    r = run_kcna("search", "--db", str(tmp_path / "x.db"), "--since", "soon")
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr
    notdb = tmp_path / "not.db"
    notdb.write_text("hello")
    r = run_kcna("search", "--db", str(notdb))
    assert r.returncode == 1 and "not a SQLite database" in r.stderr and "Traceback" not in r.stderr


def test_fast_help_lists_the_real_commands():
    import typer.main

    group = typer.main.get_command(app)
    real = {name: (cmd.help or "").strip().splitlines()[0] for name, cmd in group.commands.items()}
    assert dict(COMMANDS) == real
    real_options = {opt for p in group.params for opt in p.opts} | {"--install-completion", "--show-completion"}
    real_options |= set(group.context_settings["help_option_names"])
    listed = {o.strip() for name, _ in OPTIONS for o in name.split(",")}
    assert listed == real_options


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
