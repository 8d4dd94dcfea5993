"""An ingest writes no temporary files: SQLite's journal of each dump's savepoint stays
in memory while the writer works (``db.writer.journal_in_memory``), and queries keep
SQLite's default afterwards."""

from __future__ import annotations

import os
import subprocess
import sys

import generate

from kcna_cli.db import Corpus
from kcna_cli.db.files import ingest_sources
from kcna_cli.inputs import expand


def test_an_ingest_of_files_creates_no_temporary_file(tmp_path):
    folder = tmp_path / "captures"
    generate.write_captures(600, folder)
    temp = tmp_path / "sqlite-temp"
    temp.mkdir()
    before = temp.stat().st_mtime_ns
    env = {**os.environ, "SQLITE_TMPDIR": str(temp)}  # where SQLite creates (and at once deletes) them
    for jobs in ("0", "1"):
        db = tmp_path / f"k{jobs}.db"
        cmd = [sys.executable, "-m", "kcna_cli", "ingest", str(folder), "--db", str(db), "-q", "--jobs", jobs]
        subprocess.run(cmd, check=True, env=env)
    # a file created and deleted there would have changed the folder's time; before the
    # journal was kept in memory, these ingests made four
    assert temp.stat().st_mtime_ns == before and not list(temp.iterdir())


def test_the_journal_is_in_memory_during_an_ingest_and_back_to_the_default_after(tmp_path):
    folder = tmp_path / "captures"
    generate.write_captures(20, folder)
    corpus = Corpus(tmp_path / "k.db")
    during = []
    ingest_sources(corpus, expand([str(folder)]), on_part=lambda part: during.append(_temp_store(corpus)))
    assert set(during) == {2}  # MEMORY
    assert _temp_store(corpus) == 0  # DEFAULT
    corpus.ingest_text(next(folder.rglob("*.txt")).read_text(encoding="utf-8"))  # (pages, not files)
    assert _temp_store(corpus) == 0
    corpus.close()


def _temp_store(corpus: Corpus) -> int:
    return corpus.conn.execute("PRAGMA temp_store").fetchone()[0]
