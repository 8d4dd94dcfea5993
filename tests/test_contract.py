"""The output contract of every read command, stated once (README "Output").

A read command takes ``--table``, ``--json``, ``--jsonl``, ``--csv`` (and
``--csv-bom``/``--excel``). The format is the flag given; else
``KCNA_FORMAT``; else a table when stdout is a terminal and the command's
piped default otherwise (JSON Lines, except where a command documents
another: ``revisions ID`` a unified diff, ``cite`` citation text). An
invalid ``KCNA_FORMAT`` is the same exit-2 error for every command, ingest
included. ``--json`` has one shape per command whatever its arguments: an
array for list commands (``show`` too, for one id), one object for object
commands (``info``, ``revisions ID``); ``--jsonl`` is one object per line
(exactly one line for an object command); ``--csv`` is a header row and
one row per object. Data output never carries colour codes or box drawing.
A data result cut at ``--limit`` says so on stderr; a table says it in its
footer. Usage errors are one line on stderr when it is not a terminal; a
closed stdout exits 0; a read command pointed at a missing database exits 2
and creates nothing.

This module walks every read command x every format flag x ``KCNA_FORMAT``
x piped/terminal and checks exit code, that the output parses as the
format it claims, and the stderr notes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from kcna_cli.cli import app

runner = CliRunner()
FLAGS = ("table", "json", "jsonl", "csv")


@dataclass(frozen=True)
class Cmd:
    """A read command as the contract sees it."""

    name: str
    args: tuple[str, ...]
    #: "list": --json is an array; "object": --json is one object
    shape: str = "list"
    #: the format when piped with no flag and no KCNA_FORMAT
    piped: str = "jsonl"
    #: the first CSV header fields
    csv_head: tuple[str, ...] = ("id",)
    #: (shown, total) when the command cuts the result at --limit, for the stderr note
    cut: str | None = None


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("contract") / "kcna.db"
    r = runner.invoke(app, ["ingest", str(FIXTURES), "--db", str(path), "-q"])
    assert r.exit_code == 1  # fixtures/bad/not-a-dump.txt is reported, the rest stored
    # a watch, so that watch list and watch run have rows
    r = runner.invoke(app, ["watch", "add", "kimhwa", "--place", "Kimhwa", "--since-start", "--db", str(path)])
    assert r.exit_code == 0, r.output
    return path


def revised_id(db) -> str:
    r = runner.invoke(app, ["revisions", "--json", "--db", str(db)])
    return str(json.loads(r.stdout)[0]["id"])


def item_count(db) -> int:
    return json.loads(runner.invoke(app, ["info", "--json", "--db", str(db)]).stdout)["items"]


def commands(db) -> list[Cmd]:
    return [
        Cmd("search", ("search", "--limit", "3"), cut=f"3 of {item_count(db)} matching items; --limit 0 for all"),
        Cmd("search words", ("search", "county", "--limit", "2"), cut="matching items; --limit 0 for all"),
        Cmd("show", ("show", "1")),
        Cmd("show several", ("show", "1", "2", "3")),
        Cmd("export", ("export", "--place", "Kangwon"), piped="jsonl"),
        Cmd("stats", ("stats", "--by", "kind"), csv_head=("kind", "items")),
        Cmd("stats cut", ("stats", "--by", "outlet", "-n", "2"), csv_head=("outlet", "items"), cut="2 of "),
        Cmd("info", ("info",), shape="object", csv_head=("database", "schema_version")),
        Cmd("places", ("places",), csv_head=("name", "level")),
        Cmd("revisions", ("revisions",)),
        Cmd("revisions ID", ("revisions", revised_id(db)), shape="object", piped="diff", csv_head=("op", "old")),
        Cmd("watch list", ("watch", "list"), csv_head=("name", "search")),
        Cmd("watch run", ("watch", "run", "--dry-run"), csv_head=("watch", "id")),
        Cmd("watch", ("watch", "--dry-run"), csv_head=("watch", "id")),
        Cmd("cite", ("cite", "1", "2"), piped="text", csv_head=("id", "style", "citation")),
        Cmd("people", ("people",), csv_head=("name",)),
        Cmd("appearances", ("appearances",), csv_head=("id",)),
        Cmd("appearances by month", ("appearances", "--by", "month"), csv_head=("month", "events")),
        Cmd("cite bibtex", ("cite", "1", "--format", "BibTeX"), piped="text", csv_head=("id", "style", "citation")),
    ]


def expected_format(flag: str | None, env_format: str | None, tty: bool, piped: str) -> str:
    """The one rule: flag, else KCNA_FORMAT, else table on a terminal, else the piped default."""
    if flag:
        return flag
    if env_format:
        return env_format
    return "table" if tty else piped


def cases():
    out = []
    for flag in (None, *FLAGS):
        envs = (None, "bogus", "TABLE", "json", "jsonl", "csv") if flag is None else (None, "bogus", "csv")
        for env_format in envs:
            for tty in (False, True):
                out.append((flag, env_format, tty))
    return out


def invoke(args, *, tty: bool, monkeypatch):
    """Run kcna with stdout and stderr terminals or not; (exit code, stdout, stderr)."""
    from kcna_cli.views import formats

    out, err = io.StringIO(), io.StringIO()
    real = formats.Env

    def env(**kw):
        kw.setdefault("stdout", out)
        kw.setdefault("stderr", err)
        return real(stdout_isatty=tty, stderr_isatty=tty, **kw)

    monkeypatch.setattr(formats, "Env", env)
    r = runner.invoke(app, list(args))
    monkeypatch.setattr(formats, "Env", real)
    return r.exit_code, out.getvalue() + r.stdout, err.getvalue() + r.stderr


def check_parses(cmd: Cmd, fmt: str, stdout: str, tty: bool) -> None:
    if fmt != "table" or not tty:
        assert "\x1b[" not in stdout, "colour codes in data or piped output"
    if fmt != "table":
        assert not set("━┃│╭─") & set(stdout), "box drawing in data output"
    if fmt == "json":
        value = json.loads(stdout)
        assert isinstance(value, list if cmd.shape == "list" else dict)
        if cmd.shape == "list":
            assert all(isinstance(v, dict) for v in value)
    elif fmt == "jsonl":
        lines = stdout.splitlines()
        objs = [json.loads(line) for line in lines]
        assert all(isinstance(o, dict) for o in objs)
        if cmd.shape == "object":
            assert len(objs) == 1
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(stdout)))
        assert tuple(rows[0][: len(cmd.csv_head)]) == cmd.csv_head
        assert all(len(r) == len(rows[0]) for r in rows)
    elif fmt == "diff":
        assert "\n--- " in "\n" + stdout and "\n+++ " in stdout and "\n@@ " in stdout
    elif fmt == "text":
        assert stdout.strip() and not stdout.lstrip().startswith(("{", "["))
    else:  # a table: for people, not JSON
        assert stdout.strip()
        with pytest.raises(ValueError):
            json.loads(stdout)


@pytest.mark.parametrize("flag,env_format,tty", cases())
def test_every_read_command_honours_the_contract(db, flag, env_format, tty, monkeypatch):
    failures = []
    for cmd in commands(db):
        if env_format:
            monkeypatch.setenv("KCNA_FORMAT", env_format)
        else:
            monkeypatch.delenv("KCNA_FORMAT", raising=False)
        args = [*cmd.args, "--db", str(db)] + ([f"--{flag}"] if flag else [])
        code, stdout, stderr = invoke(args, tty=tty, monkeypatch=monkeypatch)
        try:
            if env_format == "bogus":
                assert code == 2, stderr
                assert stderr.strip() == "kcna: error: KCNA_FORMAT must be one of table, json, jsonl, csv, not 'bogus'"
                assert stdout == ""
                continue
            assert code == 0, stderr
            fmt = expected_format(flag, env_format.lower() if env_format else None, tty, cmd.piped)
            check_parses(cmd, fmt, stdout, tty)
            if cmd.cut:
                if fmt == "table":
                    assert "kcna: " not in stderr  # the table's footer says it
                else:
                    assert cmd.cut in stderr and stderr.startswith("kcna: "), stderr
            else:
                assert "--limit 0" not in stderr
        except (AssertionError, ValueError) as exc:
            failures.append(f"{cmd.name} {args} fmt={flag or env_format} tty={tty}: {exc}")
    assert not failures, "\n".join(failures)


def test_ingest_checks_kcna_format_too(tmp_path, monkeypatch):
    monkeypatch.setenv("KCNA_FORMAT", "bogus")
    r = runner.invoke(app, ["ingest", str(FIXTURES / "page-kcna-kp.txt"), "--db", str(tmp_path / "x.db")])
    assert r.exit_code == 2
    assert r.stderr.strip() == "kcna: error: KCNA_FORMAT must be one of table, json, jsonl, csv, not 'bogus'"
    assert not (tmp_path / "x.db").exists()


def test_every_read_command_lists_the_format_flags(db):
    for cmd in commands(db):
        r = runner.invoke(app, [*cmd.args[: 2 if cmd.args[0] == "watch" else 1], "--help"])
        assert r.exit_code == 0, cmd.name
        for flag in ("--table", "--json", "--jsonl", "--csv", "--csv-bom"):
            assert flag in r.stdout, (cmd.name, flag)


def test_read_commands_on_a_missing_database_exit_2_and_create_nothing(db, tmp_path):
    missing = tmp_path / "nowhere" / "none.db"
    for cmd in commands(db):
        r = runner.invoke(app, [*cmd.args, "--db", str(missing)])
        assert r.exit_code == 2, (cmd.name, r.output)
        assert r.stderr == f"kcna: error: no database at {missing}; run kcna ingest first (or pass --db)\n"
        assert not missing.exists() and not missing.parent.exists()


def test_usage_errors_are_one_line_when_stderr_is_not_a_terminal(db):
    for cmd in commands(db):
        r = runner.invoke(app, [*cmd.args, "--db", str(db), "--no-such-option"])
        assert r.exit_code == 2, cmd.name
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("kcna: error: No such option: --no-such-option"), r.stderr
        assert "╭" not in r.stderr and "─" not in r.stderr
    r = runner.invoke(app, ["show"])  # a missing argument
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "Missing argument" in r.stderr


def test_choices_are_read_in_any_case(db):
    def ok(*args):
        r = runner.invoke(app, [*args, "--db", str(db), "--json"])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    assert ok("search", "--sort", "Date", "-n", "0") == ok("search", "--sort", "date", "-n", "0")
    assert ok("stats", "--by", "Month") == ok("stats", "--by", "month")
    assert ok("search", "--kind", "Teaser", "-n", "0") == ok("search", "--kind", "teaser", "-n", "0")
    assert ok("search", "--source", "kcna.KP", "-n", "0") == ok("search", "--source", "KCNA.kp", "-n", "0")
    assert ok("places", "--place", "kangwon") == ok("places", "--province", "Kangwon")


def test_unknown_source_is_a_usage_error_with_suggestions(db):
    r = runner.invoke(app, ["search", "--source", "Rodong Sinmon", "--db", str(db)])
    assert r.exit_code == 2
    hint = "did you mean 'Rodong Sinmun' or 'Rodong Sinmun (Kr)' or 'Rodong Sinmun (En)'?"
    assert r.stderr == f"kcna: error: unknown source 'Rodong Sinmon': {hint}\n"
    r = runner.invoke(app, ["stats", "--source", "Xinhua", "--db", str(db)])
    assert r.exit_code == 2 and r.stderr.startswith("kcna: error: unknown source 'Xinhua' (sources in this database: ")


def test_csv_bom_for_spreadsheets_keeps_hangul_and_curly_quotes(db):
    for flag in ("--csv-bom", "--excel"):
        r = runner.invoke(app, ["export", flag, "--db", str(db)])
        assert r.exit_code == 0
        assert r.stdout.startswith("\ufeffid,kind,title")
        raw = r.stdout_bytes
        assert raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        assert any("\uac00" <= ch <= "\ud7a3" for ch in text), "Hangul lost"
        assert "\u2019" in text, "curly quotes lost"
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == item_count(db) > 40
    r = runner.invoke(app, ["search", "--excel", "--json", "--db", str(db)])
    assert r.exit_code == 2 and "--csv-bom writes CSV" in r.stderr


def run_closed(args, db):
    """Run kcna with its stdout closed before it writes a byte."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kcna_cli", *args, "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "KCNA_FORMAT": ""},
    )
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    return proc.wait(timeout=60), err.decode()


@pytest.mark.parametrize("flag", ["--table", "--jsonl"])
def test_a_closed_pipe_exits_0_on_every_path(db, flag):
    for args in (("search", "--limit", "0"), ("show", "1", "2"), ("places", "--all"), ("export",), ("info",)):
        code, err = run_closed([*args, flag], db)
        assert (code, err) == (0, ""), (args, flag)
    code, err = run_closed(["raw", "1"], db)
    assert (code, err) == (0, "")
