"""Bad input, kill -9, concurrent processes, hostile queries, schema versions, reparse atomicity."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import generate  # noqa: E402
import pytest
from support import FIXTURES, kcna, run_kcna

from kcna_cli.db import Corpus
from kcna_cli.query import Filters, search

PAGE = (FIXTURES / "page-kcna-kp.txt").read_text(encoding="utf-8")

CASES = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"   \n\t\n  \n", "empty file"),
    "binary.txt": (bytes(range(256)) * 20, "binary file"),
    "not-a-dump.txt": (b"Dear diary,\nnothing happened today.\n", "no KCNA Watch article"),
    "html-no-article.html": (b"<!DOCTYPE html><html><body><p>Hello</p></body></html>", "no KCNA Watch article"),
    "utf8-bom.txt": (b"\xef\xbb\xbf" + PAGE.encode(), None),
    "utf16-bom.txt": (PAGE.replace("Model Greenhouse", "Model Glasshouse").encode("utf-16"), None),
    "cp1252.txt": (
        PAGE.replace("Model Greenhouse Farm", "Children\u2019s \u201cModel\u201d Farm").encode("cp1252"),
        None,
    ),
    "crlf-tabs-nbsp.txt": (
        PAGE.replace("Model Greenhouse", "Model\u00a0Hothouse").replace("\n", "\r\n").replace(" --", "\t--").encode(),
        None,
    ),
    "impossible-date.txt": ((FIXTURES / "impossible-date.txt").read_bytes(), None),
    "saved.html": ((FIXTURES / "saved-page.html").read_bytes(), None),
}


def _db_state(path):
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:  # killed before the schema was committed (it is created in one transaction)
        conn.close()
        return (0, 0, 0, 0), 0, 0
    assert {"dumps", "items", "sightings", "versions", "items_fts"} <= tables
    conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")  # index = items
    counts = tuple(
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("dumps", "items", "sightings", "versions")
    )
    fts = conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'kcna'").fetchone()[0]
    # every dump is whole: it has its main article sighting
    orphans = conn.execute(
        "SELECT count(*) FROM dumps d WHERE NOT EXISTS (SELECT 1 FROM sightings s WHERE s.dump_id = d.id)"
    ).fetchone()[0]
    conn.close()
    return counts, fts, orphans


def _children(pid: int) -> list[int]:
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nPPid:\t{pid}\n" in status.read_text():
                out.append(int(status.parent.name))
        except OSError:
            continue
    return out


def _all_exit(pids: list[int], wait: float = 5.0) -> bool:
    """Worker processes of a killed ingest exit by themselves (they watch their parent)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                if "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text():
                    alive.append(pid)
            except OSError:
                pass
        if not alive:
            return True
        time.sleep(0.2)
    return False


def _dump_db(path):
    conn = sqlite3.connect(path)
    out = {
        t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
        for t in ("items", "sightings", "versions", "item_places")
    }
    conn.close()
    return out


def test_bad_input_matrix(tmp_path):
    for name, (data, _) in CASES.items():
        (tmp_path / name).write_bytes(data)
    loop = tmp_path / "loop"
    loop.mkdir()
    os.symlink(loop, loop / "self")  # a symlink loop inside a folder
    os.symlink(tmp_path / "missing", tmp_path / "broken.txt")
    r = kcna("ingest", str(tmp_path), "--json")
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    summary = json.loads(r.stdout)
    failed = {Path(f["path"]).name: f["error"] for f in summary["failed"]}
    for name, (_, error) in CASES.items():
        if error is None:
            assert name not in failed, failed[name]
        else:
            assert error in failed[name], (name, failed.get(name))
    assert "broken symbolic link" in failed["broken.txt"]
    # every failure is one line on stderr naming the file
    for name in failed:
        assert any(name in ln for ln in r.stderr.splitlines())
    db = Corpus(os.environ["KCNA_DB"])
    titles = {i["title"] for i in search(db, Filters(kind="article"), limit=0).items}
    assert {
        "Model Glasshouse Farm Built in Kimhwa County",
        "Children\u2019s \u201cModel\u201d Farm Built in Kimhwa County",
        "Meeting Held in Haeju",
        "Bridge Opened in Hamhung",
    } <= titles
    hothouse = search(db, Filters(words="hothouse"), limit=0).items
    assert hothouse and "\u00a0" not in hothouse[0]["title"]
    haeju = search(db, Filters(words="Haeju"), limit=0).items[0]
    assert "31/02/2025" in haeju["date_note"]


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    f = tmp_path / "locked.txt"
    f.write_text(PAGE)
    import builtins

    real_open = builtins.open

    def fake_open(path, *a, **kw):
        if str(path) == str(f):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **kw)

    real_os_open = os.open

    def fake_os_open(path, *a, **kw):  # the file cannot be opened by either way of opening it
        if str(path) == str(f):
            raise PermissionError(13, "Permission denied", str(path))
        return real_os_open(path, *a, **kw)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    r = kcna("ingest", str(f), str(FIXTURES / "multi-page.txt"), "--json")
    assert r.exit_code == 1
    summary = json.loads(r.stdout)
    assert summary["failed"] == [{"path": str(f), "error": "permission denied"}]
    assert summary["dumps_read"] == 2


def test_large_file_is_streamed_in_chunks(tmp_path, monkeypatch):
    import kcna_cli.inputs as inputs

    monkeypatch.setattr(inputs, "STREAM_CHUNK", 4096)
    decoded = []
    real_decode, real_lines = inputs.decode, inputs._lines_decode
    monkeypatch.setattr(inputs, "decode", lambda data: decoded.append(len(data)) or real_decode(data))
    monkeypatch.setattr(inputs, "_lines_decode", lambda data: decoded.append(len(data)) or real_lines(data))
    texts = list(generate.generate(60))
    big = tmp_path / "big.txt"
    big.write_text("".join(texts))
    assert big.stat().st_size > 20 * 4096
    r = kcna("ingest", str(big), "--json", "--jobs", "0")
    # never read whole: a chunk at a time (with the line the last chunk ended in)
    assert decoded and max(decoded) <= 2 * 4096
    streamed = json.loads(r.stdout)
    assert streamed["dumps_read"] == 60 and streamed["failed"] == []
    whole = Corpus(tmp_path / "whole.db")
    report = whole.ingest_text("".join(texts), str(big))
    assert report.items_new == streamed["items_new"]


def test_debug_shows_traceback_only_when_asked(tmp_path, monkeypatch):
    import kcna_cli.query as query

    def boom(*a, **kw):
        raise RuntimeError("simulated bug")

    kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"))
    monkeypatch.setattr(query, "search", boom)
    r = kcna("search")
    assert r.exit_code == 70 and "internal error: RuntimeError: simulated bug" in r.stderr
    assert "Traceback" not in r.output
    r = kcna("--debug", "search")
    assert isinstance(r.exception, RuntimeError)


@pytest.mark.parametrize("jobs", ["0", "2"])
def test_kill_9_leaves_a_consistent_database_and_rerun_finishes(tmp_path, jobs):
    files = generate.write(400, tmp_path / "dumps", per_file=40)
    reference = tmp_path / "ref.db"
    assert run_kcna("ingest", *map(str, files), "--db", str(reference), "-q").returncode == 0
    expected = _db_state(reference)
    rng = random.Random(7)
    seen_workers = 0
    for attempt in range(4):
        db = tmp_path / f"killed-{attempt}.db"
        for _ in range(2):  # kill twice, at random moments
            p = subprocess.Popen(
                [sys.executable, "-m", "kcna_cli", "ingest", *map(str, files), "--db", str(db), "-q", "-j", jobs],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.3, 1.5))
            workers = _children(p.pid)
            seen_workers += len(workers)
            p.send_signal(signal.SIGKILL)
            p.wait()
            assert _all_exit(workers)
            if db.exists():
                _, _, orphans = _db_state(db)
                assert orphans == 0
        assert run_kcna("ingest", *map(str, files), "--db", str(db), "-q").returncode == 0
        assert _db_state(db) == expected
    assert (seen_workers > 0) == (jobs != "0")  # the parallel case was really killed with workers running


def test_two_ingests_and_searches_at_once(tmp_path):
    files = generate.write(300, tmp_path / "dumps", per_file=30)
    half = len(files) // 2
    db = str(tmp_path / "c.db")
    Corpus(db).close()
    a = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kcna_cli",
            "ingest",
            *map(str, files[:half]),
            *map(str, files[half:]),
            "--db",
            db,
            "-q",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    b = subprocess.Popen(
        [sys.executable, "-m", "kcna_cli", "ingest", *map(str, reversed(files)), "--db", db, "-q"],
        stderr=subprocess.PIPE,
        text=True,
    )
    searches = 0
    while a.poll() is None or b.poll() is None:
        r = run_kcna("search", "county", "--db", db, "--json", "--limit", "5")
        assert r.returncode == 0, r.stderr
        json.loads(r.stdout)
        searches += 1
    assert a.wait() == 0 and b.wait() == 0, (a.stderr.read(), b.stderr.read())
    assert "locked" not in (a.stderr.read() + b.stderr.read())
    serial = tmp_path / "s.db"
    run_kcna("ingest", *map(str, files), "--db", str(serial), "-q")
    assert _db_state(db)[:2] == _db_state(serial)[:2]
    assert searches >= 1


def test_reparse_failure_leaves_corpus_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "r.db"
    corpus = Corpus(db)
    for name in ("page-kcna-kp.txt", "multi-page.txt", "page-kcna-kp-recapture.txt", "body-only.txt"):
        corpus.ingest_text((FIXTURES / name).read_text(), name)
    before = _dump_db(db)
    import kcna_cli.parse as parse

    real = parse.parse_page
    calls = {"n": 0}

    def failing(text):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("parser bug mid-reparse")
        return real(text)

    monkeypatch.setattr(parse, "parse_page", failing)
    with pytest.raises(RuntimeError):
        corpus.reparse()
    assert _dump_db(db) == before
    monkeypatch.setattr(parse, "parse_page", real)
    result = corpus.reparse()
    assert result["items_added"] == result["items_removed"] == result["items_changed"] == 0
    assert _dump_db(db) == before


def test_checkpoints_run_beside_the_writer_and_change_nothing_stored(tmp_path, monkeypatch):
    from kcna_cli.db import checkpoint, corpus
    from kcna_cli.db.files import ingest_sources
    from kcna_cli.inputs import expand

    files = generate.write(300, tmp_path / "dumps", per_file=30)
    reference = tmp_path / "ref.db"
    assert run_kcna("ingest", *map(str, files), "--db", str(reference), "-q").returncode == 0
    copied = []
    real = checkpoint.checkpoint

    def spy(conn):
        row = real(conn)
        copied.append(row[2])
        return row

    monkeypatch.setattr(checkpoint, "checkpoint", spy)
    monkeypatch.setattr(checkpoint, "CHECKPOINT_SECONDS", 0.01)
    db = tmp_path / "c.db"
    with Corpus(db) as c:
        ingest_sources(c, expand([str(f) for f in files]))
        # the commits left the copying to the thread, and the usual size is back afterwards
        assert c.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == corpus.WAL_CHECKPOINT_PAGES
    assert len(copied) > 3 and sum(copied) > 0
    assert _db_state(db) == _db_state(reference)


def test_kill_9_while_checkpoints_run_beside_the_writer(tmp_path):
    files = generate.write(1000, tmp_path / "dumps", per_file=40)
    reference = tmp_path / "ref.db"
    start = time.perf_counter()
    assert run_kcna("ingest", *map(str, files), "--db", str(reference), "-q", "-j", "0").returncode == 0
    took = time.perf_counter() - start  # the kills fall inside an ingest however fast the machine is
    expected = _db_state(reference)
    often = "import kcna_cli.db.checkpoint as c; c.CHECKPOINT_SECONDS = 0.005; from kcna_cli.entry import main; main()"
    rng = random.Random(11)
    killed = 0
    for attempt in range(3):
        db = tmp_path / f"killed-{attempt}.db"
        p = subprocess.Popen(
            [sys.executable, "-c", often, "ingest", *map(str, files), "--db", str(db), "-q", "-j", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.5, 0.9) * took)
        p.send_signal(signal.SIGKILL)
        killed += p.wait() == -signal.SIGKILL
        if db.exists():
            assert _db_state(db)[2] == 0  # no orphans (and integrity_check passed)
        assert run_kcna("ingest", *map(str, files), "--db", str(db), "-q").returncode == 0
        assert _db_state(db) == expected
    assert killed >= 2  # stopped mid-ingest, not after it


def test_a_known_page_from_a_worker_is_counted_known_and_ends_the_transaction_in_time(tmp_path, monkeypatch):
    """A page a worker prepared is inserted without a look-up first: a known one is told by
    the unique hash, changes nothing, and leaves no write transaction open past the batch."""
    from support import db_state

    from kcna_cli.db import IngestReport
    from kcna_cli.db import writer as writer_module
    from kcna_cli.packing import prepare
    from kcna_cli.parse import parse_text

    text = (FIXTURES / "body-only.txt").read_text(encoding="utf-8")
    db = tmp_path / "k.db"
    corpus = Corpus(db)
    corpus.ingest_text(text, "first.txt")
    before = db_state(db)
    monkeypatch.setattr(writer_module, "BATCH_SECONDS", 0.0)  # every step ends the transaction
    report = IngestReport()
    writer = writer_module.Writer(corpus, report)
    for page in parse_text(text):
        writer.add("again.txt", prepare(page))
        assert not writer.in_tx and not corpus.conn.in_transaction  # another process may write now
    writer.close()
    corpus.close()
    assert report.dumps_known == len(parse_text(text)) > 0 and report.dumps_new == 0
    assert db_state(db) == before
