"""Exit codes and messages that tell the real cause: the database file, the streams, numbers, --raw, dates."""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys

import generate
import pytest
from support import FIXTURES, ROOT, kcna

from kcna_cli.db import Corpus
from kcna_cli.db.failures import explain
from kcna_cli.db.schema import rollback

PAGE = (FIXTURES / "page-kcna-kp.txt").read_text(encoding="utf-8")


def run(*args, db=None, stdin=None, stdout=subprocess.PIPE, preexec=None, env=None, cwd=None):
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    if db is not None:
        full_env["KCNA_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "kcna_cli", *args],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        env=full_env,
        preexec_fn=preexec,
        cwd=cwd,
    )


@pytest.fixture
def db_with_page(tmp_path):
    db = tmp_path / "k.db"
    (tmp_path / "p.txt").write_text(PAGE, encoding="utf-8")
    assert kcna("ingest", str(tmp_path / "p.txt"), "--db", str(db)).exit_code == 0
    return db


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "cannot rollback" not in stderr
    return lines[0]


def test_a_file_size_limit_is_told_as_such_not_as_cannot_rollback(tmp_path):
    files = generate.write(400, tmp_path / "dumps", per_file=400)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))  # ulimit -f 256

    r = run("ingest", "-q", *map(str, files), db=tmp_path / "full.db", preexec=limit)
    assert r.returncode == 1, r.stderr
    line = one_line(r.stderr)
    assert "the disk is full" in line or "disk I/O error" in line, line
    # what was committed is whole: a rerun without the limit finishes the ingest
    assert run("ingest", "-q", *map(str, files), db=tmp_path / "full.db").returncode == 0


def test_rollback_after_sqlite_ended_the_transaction_keeps_the_real_error(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.execute("COMMIT")  # e.g. Ctrl-C right after this
    rollback(conn)  # no "cannot rollback - no transaction is active"
    rollback(conn, "dump")
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1
    assert explain(sqlite3.OperationalError("database or disk is full")).startswith("the disk is full")


def test_numbers_beyond_64_bits_are_a_usage_error(db_with_page):
    for args in (["show", "99999999999999999999"], ["search", "--limit", "99999999999999999999"],
                 ["raw", "99999999999999999999"]):  # fmt: skip
        r = kcna(*args, "--db", str(db_with_page))
        assert r.exit_code == 2, (args, r.output)
        assert "a number is too large" in r.stderr


def test_closed_streams_and_a_full_device_are_one_line(db_with_page, tmp_path):
    r = run("search", "--jsonl", db=db_with_page, preexec=lambda: os.close(1), stdout=None)
    assert r.returncode == 1 and one_line(r.stderr) == "kcna: error: standard output is closed"
    r = run("ingest", "-", "--json", db=db_with_page, preexec=lambda: os.close(0))
    assert r.returncode == 1 and "standard input is closed" in r.stderr and "Traceback" not in r.stderr
    with open("/dev/full", "w") as full:
        r = run("search", "--jsonl", db=db_with_page, stdout=full)
    assert r.returncode == 1
    assert one_line(r.stderr) == "kcna: error: cannot write the output: No space left on device"


def test_read_only_database_is_read_and_writing_it_is_refused(db_with_page, tmp_path):
    c = Corpus(db_with_page, create=False, readonly=True)
    assert c.readonly and c.counts()["items"] == 5
    with pytest.raises(sqlite3.OperationalError) as err:
        c.ingest_text(PAGE.replace("Model", "Other"), "x.txt")
    told = explain(err.value, db_with_page)
    assert told.endswith("the database is read-only (kcna needs to write to it for this command)")
    c.close()
    if os.geteuid() == 0:
        pytest.skip("root writes read-only files: the permission checks below need another user")
    os.chmod(db_with_page, 0o444)
    os.chmod(db_with_page.parent, 0o555)
    try:
        assert kcna("search", "--db", str(db_with_page), "--json").exit_code == 0
        r = kcna("ingest", str(FIXTURES / "rodong-sinmun.txt"), "--db", str(db_with_page))
        assert r.exit_code == 1 and "the database is read-only" in r.stderr
    finally:
        os.chmod(db_with_page.parent, 0o755)
        os.chmod(db_with_page, 0o644)


def test_a_locked_database_is_called_locked(db_with_page, monkeypatch):
    from kcna_cli.db import corpus as corpus_module

    holder = sqlite3.connect(db_with_page, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO places (id, name, full_name, level) VALUES ('x', 'x', 'x', 'x')")
    monkeypatch.setattr(corpus_module, "BUSY_TIMEOUT", 0.2)
    try:
        r = kcna("info", "--db", str(db_with_page))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.exit_code == 1
    assert "the database is locked by another program" in r.stderr and "not a kcna database" not in r.stderr


def test_database_paths_are_checked_before_sqlite_writes_anything(tmp_path):
    home, elsewhere = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    elsewhere.mkdir()
    (tmp_path / "p.txt").write_text(PAGE, encoding="utf-8")
    r = run("ingest", str(tmp_path / "p.txt"), env={"KCNA_DB": "~/x.db", "HOME": str(home)}, cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    assert (home / "x.db").exists() and not (elsewhere / "~").exists()
    for device in ("/dev/null", "/dev/stdout"):
        r = run("ingest", str(tmp_path / "p.txt"), "--db", device)
        assert r.returncode == 2 and one_line(r.stderr).endswith("is a device, not a database file; give --db a file")
        assert r.stdout == ""
    assert not os.path.exists("/dev/null-journal")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    r = run("info", "--db", str(empty))
    assert r.returncode == 1 and "is empty: it holds no kcna database" in r.stderr
    assert empty.stat().st_size == 0  # nothing written into it
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(200))
    r = run("info", "--db", str(junk))
    assert r.returncode == 1 and "not a kcna database (the file is damaged" in r.stderr and "newer" not in r.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    r = run("ingest", str(tmp_path / "p.txt"), "--db", str(blocker / "sub" / "k.db"))
    assert r.returncode == 1 and one_line(r.stderr).startswith(f"kcna: error: cannot make the folder {blocker}/sub")


def test_raw_queries_stay_inside_their_group_and_the_text_columns(tmp_path):
    files = generate.write(300, tmp_path / "dumps", per_file=300)
    db = tmp_path / "k.db"
    assert kcna("ingest", *map(str, files), "--db", str(db)).exit_code == 0

    def count(*args):
        r = kcna("search", *args, "--db", str(db), "--limit", "0", "--jsonl")
        assert r.exit_code == 0, r.output
        return len(r.stdout.splitlines())

    in_place = count("--place", "Hamhung")
    assert 0 < in_place < count()
    r = kcna("search", "--raw", "x) OR (x", "--place", "Hamhung", "--db", str(db))
    assert r.exit_code == 2 and "unbalanced parentheses" in r.stderr
    assert count("--raw", "pyongyang OR kcna", "--place", "Hamhung") <= in_place
    years = {json.loads(ln)["date"][:4] for ln in kcna("search", "--db", str(db), "--limit", "0").stdout.splitlines()}
    year = sorted(years)[0]
    assert count("--raw", f"d{year}") == 0  # the date tokens are not text
    assert count("--raw", f'"d{year}" OR pyongyang') == count("--raw", "pyongyang")


def test_items_dated_in_december_9999_are_found(tmp_path):
    page = (
        PAGE.replace("Date: 04/03/2026", "Date: 15/12/9999")
        .replace("March 06, 2026Mar 06, 2026", "December 16, 9999Dec 16, 9999")
        .replace("Pyongyang, March 4 (KCNA)", "Pyongyang, December 15 (KCNA)")
        .replace("www.kcna.kp (2026.03.04.)", "www.kcna.kp (9999.12.15.)")
    )
    (tmp_path / "far.txt").write_text(page, encoding="utf-8")
    (tmp_path / "now.txt").write_text(PAGE, encoding="utf-8")
    db = tmp_path / "k.db"
    assert kcna("ingest", str(tmp_path / "far.txt"), str(tmp_path / "now.txt"), "--db", str(db)).exit_code == 0
    for flt in (["--since", "9999-12"], ["--year", "9999"], ["--on", "9999-12-15"], ["--until", "9999-12-31"]):
        r = kcna("search", "greenhouse", *flt, "--db", str(db), "--jsonl")
        dates = [json.loads(ln)["date"] for ln in r.stdout.splitlines()]
        assert "9999-12-15" in dates, (flt, dates)
