"""One page per file, a folder ingested again every day: the walk, the sniffing, file batches."""

import os
import sqlite3
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from kcna_cli import inputs, pipeline
from kcna_cli.db import Corpus, IngestReport
from kcna_cli.inputs import expand

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402


def _looks_binary_reference(text: str) -> bool:
    """The definition: a NUL, or over 5% control characters, in the first 8192 characters."""
    sample = text[:8192]
    if not sample:
        return False
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v")
    return "\x00" in sample or controls > 0.05 * len(sample)


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from("\x00\x01\x07\x08\t\n\x0b\x0c\r\x0e\x1b\x1f \x7f\x80\u00e9\u2019\ud800\U0001f600"),
            st.characters(),
        ),
        max_size=400,
    ),
    st.integers(0, 9000),
)
def test_binary_sniff_counts_control_characters_as_the_definition_says(text, pad):
    for t in (text, "a" * pad + text, text * 30):
        assert inputs._looks_binary(t) == _looks_binary_reference(t)


def _walk_reference(root: str) -> list[str]:
    """What a folder gives, by ``os.walk``: folders and files in name order, hidden skipped."""
    out = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in inputs.FOLDER_SUFFIXES:
                continue
            out.append(os.path.join(folder, name))
    return out


def test_folder_walk_lists_files_in_the_documented_order_once_each(tmp_path):
    root = tmp_path / "captures"
    for rel in ["b/2/z.txt", "b/2/a.TXT", "b/10/m.txt", "a/x.html", "a/.hidden.txt", ".git/c.txt", "top.txt",
                "a/skip.pdf", "a/noext", "b/2/deep/er/f.dump"]:  # fmt: skip
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    os.symlink(root / "a" / "x.html", root / "b" / "link.txt")  # the same file twice: listed once
    os.symlink(root / "a", root / "b" / "alias")  # a folder symlink is not followed
    os.symlink(root / "gone", root / "b" / "broken.txt")
    got = list(expand([str(root)]))
    expected = [p for p in _walk_reference(str(root)) if not p.endswith(("link.txt", "broken.txt"))]
    assert [s.path for s in got if not s.error] == expected
    assert [(Path(s.path).name, s.error) for s in got if s.error] == [("broken.txt", "broken symbolic link")]
    # each file listed with its status, and its size read from it
    assert all(s.stat is not None and s.size == os.path.getsize(s.path) for s in got if not s.error)
    # a file named again on the command line, or through its symlink, is read once
    again = list(expand([str(root), str(root / "top.txt"), str(root / "b" / "link.txt")]))
    assert len(again) == len(got)


def _state(db: Path):
    conn = sqlite3.connect(db)
    out = [
        conn.execute(q).fetchall()
        for q in (
            "SELECT sha256, path, page, capture_date, raw_bytes, raw FROM dumps ORDER BY id",
            "SELECT * FROM items ORDER BY id",
            "SELECT * FROM sightings ORDER BY item_id, dump_id, role",
            "SELECT * FROM versions ORDER BY id",
            "SELECT * FROM item_places ORDER BY item_id, place_id, field, start",
        )
    ]
    conn.close()
    return out


def _ingest(db: Path, paths: list[str], jobs: int) -> dict:
    report = IngestReport()
    corpus = Corpus(db)

    def pages():
        for part in pipeline.parsed_sources(expand(paths), jobs=jobs, min_bytes=0):
            for page in part.pages:
                yield part.source.path, page
            if part.error:
                report.fail(part.source.path, part.error)

    corpus.ingest_pages(pages(), report)
    corpus.close()
    return report.to_dict()


def test_one_page_files_go_to_workers_in_batches_and_store_the_same(tmp_path, monkeypatch):
    folder = tmp_path / "captures"
    generate.write_captures(150, folder)
    (folder / "2024" / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "2024" / "empty.txt").write_bytes(b"")
    tasks = []
    real_submit = pipeline._Worker.submit
    monkeypatch.setattr(pipeline._Worker, "submit", lambda self, task: tasks.append(task) or real_submit(self, task))
    monkeypatch.setattr(pipeline, "BATCH_FILES", 40)
    one = _ingest(tmp_path / "one.db", [str(folder)], jobs=0)
    two = _ingest(tmp_path / "two.db", [str(folder)], jobs=2)
    assert one == two
    assert {f["error"] for f in two["failed"]} == {"binary file, not text", "empty file"}
    assert _state(tmp_path / "one.db") == _state(tmp_path / "two.db")
    # 150 files in batches of at most 40, not one task per file
    assert [t[0] for t in tasks] == ["files"] * 4 and max(len(t[1]) for t in tasks) <= 40


@pytest.mark.parametrize("jobs", [0, 2])
def test_a_file_that_cannot_be_read_is_one_failure_in_a_batch(tmp_path, monkeypatch, jobs):
    folder = tmp_path / "captures"
    files = generate.write_captures(30, folder)
    real = inputs._read_whole

    def locked(path):
        if path == str(files[7]):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(inputs, "_read_whole", locked)
    report = _ingest(tmp_path / "k.db", [str(folder)], jobs=jobs)
    assert report["failed"] == [{"path": str(files[7]), "error": "permission denied"}]
    assert report["dumps_read"] == 29
