"""One page per file, a folder ingested again every day: the walk, the sniffing, file batches."""

import json
import os
import sqlite3
import sys
from pathlib import Path

import generate
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import db_state
from typer.testing import CliRunner

from kcna_cli import inputs, pipeline, workers
from kcna_cli.cli import app
from kcna_cli.db import Corpus, IngestReport
from kcna_cli.inputs import Source, expand, file_hash


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


@settings(max_examples=500)
@given(
    st.text(alphabet=st.sampled_from("aZ.éTXHtmlD0 "), max_size=12)
    | st.sampled_from(["a.TXT", "a.", "..txt", "x.tar.html"])
)
def test_a_walk_takes_a_name_by_the_suffix_splitext_gives(name):
    from kcna_cli.listing import takes

    reference = not name.startswith(".") and os.path.splitext(name)[1].lower() in inputs.FOLDER_SUFFIXES
    assert takes(name) == reference


_SEGMENT = st.sampled_from(["a", "b.txt", ".", "..", "", "c d", ".hidden", "-"])


@settings(max_examples=300)
@given(st.lists(st.tuples(st.booleans(), st.lists(_SEGMENT, min_size=1, max_size=5)), min_size=1, max_size=6))
def test_stored_paths_worked_out_a_folder_at_a_time_are_stored_path(paths):
    from kcna_cli.db.files import _Folders, stored_path

    folders = _Folders("/home/user/captures")
    for absolute, parts in paths:
        path = ("/" if absolute else "") + "/".join(parts)
        src = Source(path or ".")
        assert folders.stored(src) == stored_path(src, "/home/user/captures")


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


def _expand_reference(args: list[str]) -> list[str]:
    """Every file the command line names, each once: the first mention wins, except that a
    symbolic link to a file the folders walked so far give by its own path is not a mention
    (what ``expand`` gave when it remembered every real path, plus that one documented rule)."""
    seen: set[str] = set()
    walked_plain: set[str] = set()
    out = []
    for arg in args:
        paths = [arg]
        if os.path.isdir(arg):
            paths = _walk_reference(arg)
            walked_plain |= {os.path.realpath(p) for p in paths if not os.path.islink(p)}
        for path in paths:
            real = os.path.realpath(path)
            if not os.path.isfile(real) or real in seen or (os.path.islink(path) and real in walked_plain):
                continue
            seen.add(real)
            out.append(path)
    return out


_NAMES = ["a.txt", "b.txt", ".h.txt", "c.pdf", "d"]


@settings(max_examples=80, deadline=None)
@given(
    files=st.lists(st.tuples(st.sampled_from(["", "x", "x/y", ".z", "w"]), st.sampled_from(_NAMES)), max_size=12),
    links=st.lists(st.tuples(st.sampled_from(["", "x", "w", ".z"]), st.integers(0, 11)), max_size=4),
    args=st.lists(st.sampled_from(["", "x", "x/y", "w", ".z", "x/a.txt", "w/b.txt", "link0.txt", "x/link1.txt"]),
                  min_size=1, max_size=4),
)  # fmt: skip
def test_folder_walks_give_each_file_once_without_remembering_every_file(files, links, args):
    """The listing keeps nothing per walked file (a folder of a million), yet gives each file
    once, in the order of the first mention: nested and repeated folders, files named again,
    links to files inside and outside the folders walked."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        made = []
        for folder, name in files:
            (root / folder).mkdir(parents=True, exist_ok=True)
            (root / folder / name).write_text("x")
            made.append(root / folder / name)
        for k, (folder, target) in enumerate(links):
            if made:
                (root / folder).mkdir(parents=True, exist_ok=True)
                os.symlink(made[target % len(made)], root / folder / f"link{k}.txt")
        argv = [str(root / a) for a in args]
        got = [s.path for s in expand(argv) if not s.error]
        assert got == _expand_reference(argv)
        real = [os.path.realpath(p) for p in got]
        assert len(real) == len(set(real))


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
    assert db_state(tmp_path / "one.db") == db_state(tmp_path / "two.db")
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


def test_a_small_file_that_grows_while_read_is_read_to_its_end_within_the_limit(tmp_path, monkeypatch):
    """A file is read whole by the size its open descriptor tells; one that grew since
    is read on to its end, and refused once it passes the limit."""
    path = tmp_path / "growing.txt"
    path.write_bytes(b"KCNA Watch page " * 1000)  # 16,000 bytes
    real = os.fstat

    def earlier(fd):  # the size the file had a moment before it was read
        got = real(fd)
        return os.stat_result((*got[:6], 100, *got[7:]))

    monkeypatch.setattr(inputs.os, "fstat", earlier)
    assert inputs._read_whole(str(path)) == path.read_bytes()
    monkeypatch.setattr(inputs, "MAX_BYTES", 8000)
    with pytest.raises(inputs.InputError, match="file too large"):
        inputs._read_whole(str(path))
    monkeypatch.setattr(inputs, "MAX_BYTES", 50)  # over the limit by the size it has when opened
    with pytest.raises(inputs.InputError, match=r"file too large \(100 bytes"):
        inputs._read_whole(str(path))
    monkeypatch.undo()
    with pytest.raises(OSError):
        inputs._read_whole(str(tmp_path))  # a folder is no file to read
    with pytest.raises(FileNotFoundError):
        inputs._read_whole(str(tmp_path / "gone.txt"))


def test_a_file_the_worker_cannot_read_is_one_failure_as_in_one_process(tmp_path, monkeypatch):
    """In an ingest of a folder the worker reads the small files itself: one it cannot read
    fails alone, with the reason one process gives, and the rest is stored the same."""
    folder = tmp_path / "captures"
    locked = str(generate.write_captures(30, folder)[7])
    worker = (
        "import kcna_cli.inputs as i\nreal = i._read_whole\n"
        "def locked(path):\n"
        f"    if path == {locked!r}: raise PermissionError(13, 'Permission denied', path)\n"
        "    return real(path)\n"
        "i._read_whole = locked\nfrom kcna_cli.pipeline import _serve\n_serve()\n"
    )
    monkeypatch.setattr(pipeline._Worker, "command", [sys.executable, "-c", worker])
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_BYTES", 0)
    real = inputs._read_whole

    def here(path):  # the same file, locked for one process too
        if path == locked:
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(inputs, "_read_whole", here)
    out = []
    for jobs in ("0", "1"):
        r = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / f"j{jobs}.db"), "--json", "--jobs", jobs])
        assert r.exit_code == 1, r.output
        out.append(json.loads(r.stdout))
    assert out[0]["failed"] == out[1]["failed"] == [{"path": locked, "error": "permission denied"}]
    assert counts(out[0]) == counts(out[1]) and out[1]["dumps_read"] == 29
    assert db_state(tmp_path / "j0.db") == db_state(tmp_path / "j1.db")


# --- the file index: known files skipped unread, with the counts reading them gives -------------

runner = CliRunner()


class Reads:
    """Counts the files opened and the pages parsed by in-process ingests."""

    def __init__(self, monkeypatch):
        self.files: list[str] = []
        self.pages = 0
        real_read, real_parse = Source.read, pipeline.parse_pages

        def read(src):
            self.files.append(src.path)
            return real_read(src)

        def parse(texts, start=1):
            for page in real_parse(texts, start):
                self.pages += 1
                yield page

        monkeypatch.setattr(Source, "read", read)
        monkeypatch.setattr(pipeline, "parse_pages", parse)

    def reset(self) -> None:
        self.files, self.pages = [], 0


def ingest_json(*args: str) -> dict:
    r = runner.invoke(app, ["ingest", *args, "--json", "--jobs", "0"])
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


COUNTS = ("dumps_read", "dumps_known", "dumps_new", "items_new", "files_read", "failed", "warnings")


def counts(summary: dict) -> dict:
    return {k: summary[k] for k in COUNTS}


@pytest.fixture
def captures(tmp_path):
    folder = tmp_path / "captures"
    files = generate.write_captures(60, folder)
    (folder / "notes.txt").write_text("Dear diary,\nnothing happened today.\n")  # fails every time
    return folder, files


def test_unchanged_files_are_known_unread_with_the_counts_reading_gives(tmp_path, captures, monkeypatch):
    folder, files = captures
    db = str(tmp_path / "k.db")
    first = ingest_json(str(folder), "--db", db)
    assert first["dumps_new"] > 0 and first["failed"][0]["error"].startswith("no KCNA Watch article")
    before = db_state(Path(db))
    reads = Reads(monkeypatch)
    again = ingest_json(str(folder), "--db", db)
    # only the file that failed is read again (and fails again); the 60 captures are not opened
    assert reads.files == [str(folder / "notes.txt")] and reads.pages == 1
    reads.reset()
    verified = ingest_json(str(folder), "--db", db, "--verify")
    assert len(reads.files) == 61 and reads.pages == 61
    assert counts(again) == counts(verified)
    assert again["dumps_read"] == again["dumps_known"] + 1 == 61 and again["files_read"] == 61
    assert db_state(Path(db)) == before


def test_touched_and_renamed_files_are_read_but_known_by_their_bytes(tmp_path, captures, monkeypatch):
    folder, files = captures
    db = str(tmp_path / "k.db")
    ingest_json(str(folder), "--db", db)
    before = db_state(Path(db))
    for f in files[:5]:
        os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))  # touched: same bytes
    (folder / "renamed").mkdir()
    for f in files[5:8]:
        f.rename(folder / "renamed" / f"copy-{f.name}")
    reads = Reads(monkeypatch)
    again = ingest_json(str(folder), "--db", db)
    assert len(reads.files) == 1 + 5 + 3 and reads.pages == 1  # read and hashed; only notes.txt parsed
    assert again["dumps_known"] == 60 and again["dumps_new"] == 0 and again["files_read"] == 61
    assert db_state(Path(db)) == before
    reads.reset()
    assert counts(ingest_json(str(folder), "--db", db)) == counts(again)
    assert reads.files == [str(folder / "notes.txt")]  # their new names and times are recorded
    reads.reset()
    assert counts(ingest_json(str(folder), "--db", db, "--verify")) == counts(again)


def test_a_changed_file_is_read_and_its_new_page_stored(tmp_path, captures):
    folder, files = captures
    db = str(tmp_path / "k.db")
    ingest_json(str(folder), "--db", db)
    text = files[3].read_text()
    files[3].write_text(text.replace("More From KCNA.kp (En)\n", "More From KCNA.kp (En)  \n", 1))  # new bytes
    again = ingest_json(str(folder), "--db", db)
    assert again["dumps_new"] == 0 and again["dumps_known"] == 60  # a trailing space: the same page
    files[4].write_text(files[4].read_text().replace(" the officials", " the county officials", 1))
    again = ingest_json(str(folder), "--db", db)
    assert again["dumps_new"] == 1 and again["dumps_known"] == 59


def test_a_file_replaced_with_the_same_size_and_time_is_caught_by_verify(tmp_path, captures):
    folder, files = captures
    db = str(tmp_path / "k.db")
    ingest_json(str(folder), "--db", db)
    f = files[10]
    st = f.stat()
    text = f.read_text()
    new = text.replace(" the officials", " the Officials", 1)
    assert new != text and len(new) == len(text)
    f.write_text(new)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (f.stat().st_size, f.stat().st_mtime_ns, f.stat().st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)
    # on a file system that keeps the change time, the replacement shows there
    conn = sqlite3.connect(db)
    recorded = conn.execute("SELECT ctime_ns FROM files WHERE path = ?", (str(f),)).fetchone()[0]
    assert recorded != f.stat().st_ctime_ns
    # where it would not: the index trusts its record, and --verify reads it all the same
    conn.execute("UPDATE files SET ctime_ns = ? WHERE path = ?", (f.stat().st_ctime_ns, str(f)))
    conn.commit()
    conn.close()
    trusted = ingest_json(str(folder), "--db", db)
    assert trusted["dumps_new"] == 0
    verified = ingest_json(str(folder), "--db", db, "--verify")
    assert verified["dumps_new"] == 1 and verified["dumps_known"] == 59
    r = runner.invoke(app, ["search", "Officials", "--db", db, "--json", "--limit", "0"])
    assert r.exit_code == 0 and json.loads(r.stdout)


def test_the_index_of_another_reader_is_not_trusted(tmp_path, captures, monkeypatch):
    from kcna_cli.db import files as fileindex

    folder, files = captures
    db = str(tmp_path / "k.db")
    ingest_json(str(folder), "--db", db)
    monkeypatch.setattr(fileindex, "_READER", "a-changed-parser")
    reads = Reads(monkeypatch)
    again = ingest_json(str(folder), "--db", db)
    # every file read, and parsed once per distinct content (a copy is known by its bytes)
    distinct = len({f.read_bytes() for f in files})
    assert distinct < 60 and len(reads.files) == 61 and reads.pages == distinct + 1
    assert again["dumps_known"] == 60


def test_workers_and_one_process_record_the_same_index(tmp_path, captures, monkeypatch):
    folder, _ = captures
    big = folder / "2024" / "many-pages.txt"
    big.write_text("".join(generate.generate(80, seed=9)))
    monkeypatch.setattr(pipeline, "FILE_TASK_BYTES", 64 * 1024)  # the big file is cut into ranges
    rows = []
    for jobs in ("0", "2"):
        db = str(tmp_path / f"j{jobs}.db")
        r = runner.invoke(app, ["ingest", str(folder), "--db", db, "--json", "--jobs", jobs])
        assert r.exit_code == 1
        conn = sqlite3.connect(db)
        rows.append(conn.execute("SELECT path, size, pages FROM files ORDER BY path").fetchall())
        # one-page files are read whole, so known by their bytes too (the big one: when read whole)
        assert conn.execute("SELECT count(*) FROM files WHERE sha256 IS NULL AND pages = 1").fetchone()[0] == 0
        conn.close()
    assert rows[0] == rows[1]
    assert len(rows[0]) == 61 and (str(big), big.stat().st_size, 80) in rows[0]
    again = runner.invoke(app, ["ingest", str(folder), "--db", db, "--json", "--jobs", "2"])
    assert json.loads(again.stdout)["dumps_known"] == 140


def test_workers_know_recorded_bytes_without_parsing_or_asking_the_writer(tmp_path, captures):
    """With workers, a renamed file is answered known by the worker (the process that
    writes asks nothing); a file index of another reader is not trusted there either."""
    from kcna_cli.db.files import FileIndex

    folder, files = captures
    db = tmp_path / "k.db"
    ingest_json(str(folder), "--db", str(db))
    (folder / "renamed").mkdir()
    for f in files[:10]:
        f.rename(folder / "renamed" / f"copy-{f.name}")
    renamed = [str(p) for p in sorted((folder / "renamed").iterdir())]
    corpus = Corpus(db)
    index = FileIndex(corpus.conn)
    asked = []

    def known_hash(sha):
        asked.append(sha)
        return index.pages_of_hash(sha)

    for reader, known in ((index.reader, 1), ("a-changed-parser", None)):
        parts = list(
            pipeline.parsed_sources(
                expand(renamed), jobs=1, min_bytes=0, known_hash=known_hash, stored=str(db), reader=reader
            )
        )
        assert [p.source.path for p in parts] == renamed and not asked
        assert all(p.known == known and p.error is None for p in parts)
        assert all(len(p.pages) == (0 if known else 1) for p in parts)
    corpus.close()


def test_schema_6_database_gets_the_file_index(tmp_path, captures):
    from test_schema import as_schema_6

    from kcna_cli.db import SCHEMA_VERSION

    folder, _ = captures
    db = tmp_path / "v6.db"
    ingest_json(str(folder), "--db", str(db))
    as_schema_6(db)
    first = ingest_json(str(folder), "--db", str(db))
    with Corpus(db) as corpus:
        assert corpus.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
        assert corpus.conn.execute("SELECT count(*) FROM files").fetchone()[0] == 60
    assert first["dumps_known"] == 60 and counts(ingest_json(str(folder), "--db", str(db))) == counts(first)


def test_schema_9_database_keeps_its_file_index_in_the_new_shape(tmp_path, captures, monkeypatch):
    """Schema 9 -> 10: the file index keeps every row; known files stay unread, renamed
    ones known by their bytes, as before the upgrade."""
    from test_schema import as_schema_9

    folder, files = captures
    db = tmp_path / "v9.db"
    ingest_json(str(folder), "--db", str(db))
    rows = "SELECT path, size, mtime_ns, ctime_ns, inode, sha256, pages, reader FROM files ORDER BY path"
    conn = sqlite3.connect(db)
    before = conn.execute(rows).fetchall()
    conn.close()
    as_schema_9(db)
    with Corpus(db) as corpus:
        assert corpus.conn.execute(rows).fetchall() == before and len(before) == 60
        indexes = {r[0] for r in corpus.conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'files'")}
        assert "files_hash" in indexes and "files_sha256" not in indexes
    (folder / "renamed").mkdir()
    for f in files[:3]:
        f.rename(folder / "renamed" / f"copy-{f.name}")
    reads = Reads(monkeypatch)
    again = ingest_json(str(folder), "--db", str(db))
    assert len(reads.files) == 1 + 3 and reads.pages == 1  # the renamed ones read, known by their bytes
    assert again["dumps_known"] == 60 and again["dumps_new"] == 0


def _colliding(sha: str, digit: int) -> str:
    """Another hash whose first ``digit`` hex digits are those of ``sha``."""
    flip = "0" if sha[digit] != "0" else "1"
    return sha[:digit] + flip + sha[digit + 1 :]


@given(st.lists(st.tuples(st.integers(10, 63), st.integers(1, 5)), min_size=1, max_size=6))
@settings(max_examples=25, deadline=None)
def test_hash_look_ups_answer_the_bytes_asked_for_not_a_hash_that_starts_alike(others):
    """The file index finds hashes by their first digits; a file whose hash shares them
    with the one asked for is never the answer, in the writer or in a worker."""
    import hashlib
    import tempfile

    from kcna_cli import readahead
    from kcna_cli.db.files import FileIndex

    sha = hashlib.sha256(repr(others).encode()).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "k.db"
        with Corpus(db) as corpus:
            index = FileIndex(corpus.conn)
            lookalikes = {_colliding(sha, digit): pages for digit, pages in others}
            for k, (other, pages) in enumerate(sorted(lookalikes.items())):
                corpus.conn.execute(
                    "INSERT INTO files VALUES (?, 1, 1, 1, 1, ?, ?, ?)", (f"/x/{k}", other, pages, index.reader)
                )
            assert index.pages_of_hash(sha) is None
            readahead.open_stored(str(db))
            try:
                assert readahead.recorded_pages([sha], index.reader) == {}
                assert readahead.recorded_pages([*lookalikes, sha], index.reader) == lookalikes
                corpus.conn.execute("INSERT INTO files VALUES ('/x/it', 1, 1, 1, 1, ?, 7, ?)", (sha, index.reader))
                assert index.pages_of_hash(sha) == 7
                assert readahead.recorded_pages([sha], index.reader) == {sha: 7}
                assert all(index.pages_of_hash(other) == pages for other, pages in lookalikes.items())
            finally:
                readahead._STORED.close()
                readahead._STORED = None


_NAME_PART = st.sampled_from(["a", "b", "m", "z", "a/b", "m/n", "é", "\U0001f600", "0"])


@given(
    stored=st.dictionaries(
        st.lists(_NAME_PART, min_size=1, max_size=4).map("/".join),
        st.tuples(st.integers(1, 3), st.booleans()),  # (size, recorded by this reader?)
        max_size=40,
    ),
    asked=st.lists(st.tuples(st.lists(_NAME_PART, min_size=1, max_size=4).map("/".join), st.integers(1, 3))),
)
@settings(max_examples=60, deadline=None)
def test_known_files_are_those_recorded_by_this_reader_with_that_status(stored, asked):
    """``FileIndex.unchanged`` answers the paths asked for that this reader recorded
    with the status given, and no other."""
    import tempfile

    from kcna_cli.db import files
    from kcna_cli.inputs import FileStat

    with tempfile.TemporaryDirectory() as tmp, Corpus(Path(tmp) / "k.db") as corpus:
        index = files.FileIndex(corpus.conn)
        for path, (size, ours) in stored.items():
            reader = index.reader if ours else "another"
            row = ("/r/" + path, size, size, reader)
            corpus.conn.execute("INSERT INTO files VALUES (?, ?, 5, 6, 7, NULL, ?, ?)", row)
        wanted = {"/r/" + path: FileStat(0o100644, size, 5, 6, 7) for path, size in asked}
        expected = {
            path: stored[path[3:]][0]
            for path, st in wanted.items()
            if path[3:] in stored and stored[path[3:]] == (st.st_size, True)
        }
        assert index.unchanged(list(wanted.items())) == expected


def test_hash_look_ups_use_the_hash_index(tmp_path, captures):
    """A file not known by its path is looked up by its bytes through the index, never by
    a walk over every recorded file (a million at the sizes users keep)."""
    from kcna_cli import readahead
    from kcna_cli.db.files import FileIndex

    folder, _ = captures
    db = tmp_path / "k.db"
    ingest_json(str(folder), "--db", str(db))
    with Corpus(db) as corpus:
        sha = corpus.conn.execute("SELECT sha256 FROM files LIMIT 1").fetchone()[0]
        statements: list[str] = []
        corpus.conn.set_trace_callback(statements.append)
        assert FileIndex(corpus.conn).pages_of_hash(sha) == 1
        readahead.open_stored(str(db))
        try:
            readahead._STORED.set_trace_callback(statements.append)
            assert readahead.recorded_pages([sha], FileIndex(corpus.conn).reader) == {sha: 1}
        finally:
            readahead._STORED.close()
            readahead._STORED = None
        corpus.conn.set_trace_callback(None)
        looked_up = [s for s in statements if "FROM files" in s]
        assert len(looked_up) == 2
        for sql in looked_up:
            plan = " ".join(r[-1] for r in corpus.conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "USING INDEX files_hash" in plan, plan


def _pages_stored(db: Path) -> bool:
    """Every page of every recorded file is in ``dumps`` (what a record promises)."""
    from kcna_cli.parse import content_hash, split_pages

    conn = sqlite3.connect(db)
    stored = {r[0] for r in conn.execute("SELECT sha256 FROM dumps")}
    paths = [r[0] for r in conn.execute("SELECT path FROM files")]
    conn.close()
    return all(content_hash(p) in stored for path in paths for p in split_pages(Path(path).read_text()))


def _recorded(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # never creates it
        try:
            return conn.execute("SELECT count(*) FROM files").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # no database or no schema yet
        return 0


@pytest.mark.parametrize("jobs", ["0", "1"])
def test_kill_9_never_leaves_a_file_recorded_whose_pages_are_not_stored(tmp_path, jobs):
    import signal
    import subprocess
    import time

    folder = tmp_path / "captures"
    generate.write_captures(1500, folder)
    reference = tmp_path / "ref.db"
    subprocess.run([sys.executable, "-m", "kcna_cli", "ingest", str(folder), "--db", str(reference), "-q"], check=True)
    db = tmp_path / "killed.db"
    killed = []
    for target in (20, 300, 800):  # killed once that many files are recorded: mid-ingest, whatever the load
        p = subprocess.Popen(
            [sys.executable, "-m", "kcna_cli", "ingest", str(folder), "--db", str(db), "-q", "-j", jobs],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while p.poll() is None and _recorded(db) < target:
            time.sleep(0.02)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed.append(target)
        p.wait()
        assert _pages_stored(db)
    r = subprocess.run(
        [sys.executable, "-m", "kcna_cli", "ingest", str(folder), "--db", str(db), "--json"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and _pages_stored(db)
    assert db_state(db)[1:] == db_state(reference)[1:]  # items, sightings, versions, places
    assert killed and _recorded(db) == 1500


# --- places on the hot path: the same mentions, found in fewer passes ------------------------------

_WORDS = [
    "Kimhwa",
    "County",
    "counties",
    "City",
    "Province",
    "Provincial",
    "Municipal",
    "Pyongyang",
    "Hamhung",
    "Hamhungese",
    "North",
    "South",
    "Hwanghae",
    "Phyongan",
    "Kangwon",
    "and",
    "or",
    "the",
    "ri",
    "-ri",
    "dong",
    "Unsan",
    "Kujang",
    "Area",
    "area",
    "districts",
    "Sinuiju",
    "Nampho",
    "5",
    "_",
    "é",
    "Kim",
    "Jong",
]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", ", ", ". ", "-", "", "\n", " and "]))))
def test_place_extraction_finds_what_the_flat_patterns_find(parts):
    import re

    from kcna_cli import places
    from kcna_cli.places import Gazetteer

    g = Gazetteer.load()
    text = "".join(w + sep for w, sep in parts)
    flat = re.compile(
        r"\b(" + "|".join(map(re.escape, sorted(g._bare, key=len, reverse=True))) + r")\b(?![ -]?(?:ri|dong|gu)\b)"
    )
    assert [m.span() for m in g._bare_re.finditer(text)] == [m.span() for m in flat.finditer(text)]
    found = g.extract(text)
    hint = places._UNIT_HINT
    try:
        places._UNIT_HINT = re.compile("")  # every text: the unit pass always runs
        assert g.extract(text) == found
    finally:
        places._UNIT_HINT = hint


@pytest.mark.parametrize("readable", [False, True])
@pytest.mark.parametrize("jobs", [0, 1])
def test_ingest_pulls_the_listing_as_it_reads_never_whole(tmp_path, jobs, readable):
    """A folder of a million files is read as it is listed: when a file's answer comes, only
    a bounded number of files has been listed beyond it (the file index's look-up chunk, the
    files read ahead and the workers' tasks in flight), whatever the length of the listing."""
    from kcna_cli.db.files import LOOKUP_CHUNK, ingest_sources

    n = 1500 if readable else 3000
    if readable:
        for k in range(n):
            (tmp_path / f"{k}.txt").write_text(f"not a page {k}\n", encoding="utf-8")
    pulled = [0]

    def listing(n):
        for k in range(n):
            pulled[0] += 1
            path = str(tmp_path / f"{k}.txt")
            # answered without reading, or read and found not to be a page
            yield Source(path) if readable else Source(path, "cannot read: test")

    ahead = []
    corpus = Corpus(tmp_path / "k.db")
    report = ingest_sources(
        corpus, listing(n), jobs=jobs, min_bytes=0, on_part=lambda part: ahead.append(pulled[0] - len(ahead))
    )
    corpus.close()
    assert len(report.failed) == n and pulled[0] == n
    # the task being stored and two in flight per worker, each of up to BATCH_FILES files
    in_flight = (2 * jobs + 1) * pipeline.BATCH_FILES
    assert max(ahead) <= LOOKUP_CHUNK + in_flight + pipeline.READ_AHEAD_FILES
    assert max(ahead) < n


def test_listing_a_folder_keeps_nothing_per_file(tmp_path):
    """The memory of a folder walk does not grow with the files walked: peak allocation
    over 1,600 files in 80 folders against 160 files in 8."""
    import tracemalloc

    def peak(n: int) -> int:
        root = tmp_path / str(n)
        for k in range(n):
            folder = root / f"{k // 20:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{k:05d}.txt").write_text("x")
        tracemalloc.start()
        count = sum(1 for _ in expand([str(root)]))
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == n
        return top

    small, large = peak(160), peak(1600)
    assert large < 2 * small, (small, large)


def test_copies_of_a_file_on_its_way_to_a_worker_are_not_parsed_twice(tmp_path, monkeypatch):
    """A file with the same bytes as one given to a worker a little before is not sent:
    it is known by the time it is stored, with what one process stores and counts."""
    folder = tmp_path / "captures"
    files = generate.write_captures(40, folder)
    for k, f in enumerate(files[:25]):  # copies next to their originals, and a copy of a copy
        (f.parent / f"copy-{k}-{f.name}").write_bytes(f.read_bytes())
    (folder / "2024" / "zz-copy-again.txt").write_bytes(files[0].read_bytes())
    (folder / "2024" / "notes.txt").write_text("Dear diary,\nnothing happened today.\n")
    (folder / "2024" / "notes-copy.txt").write_text("Dear diary,\nnothing happened today.\n")
    sent = []
    real_submit = pipeline._Worker.submit
    monkeypatch.setattr(pipeline._Worker, "submit", lambda self, task: sent.extend(task[1]) or real_submit(self, task))
    monkeypatch.setattr(pipeline, "BATCH_FILES", 16)
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_BYTES", 0)
    answers = []  # what the worker said of each file it read: (its hash, what)
    real_answer = workers._file_pages
    monkeypatch.setattr(workers, "_file_pages", lambda a, kept: answers.append(a[:2]) or real_answer(a, kept))
    summary = []
    for jobs in ("0", "1"):
        r = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / f"j{jobs}.db"), "--json", "--jobs", jobs])
        assert r.exit_code == 1, r.output  # the notes
        summary.append(counts(json.loads(r.stdout)))
    assert db_state(tmp_path / "j0.db") == db_state(tmp_path / "j1.db")
    assert summary[0] == summary[1]
    assert summary[1]["dumps_known"] >= 26 and len(summary[1]["failed"]) == 2  # the notes fail, copy or not
    # the worker read every file, and parsed each content once: a copy of a file it parsed
    # lately is answered "again", and the file index knows it by its turn, unless it knew it
    # already (the notes' copy, not recorded, was parsed here)
    listed = sorted(str(p) for p in folder.rglob("*.txt"))
    assert sorted(sent) == listed and len(answers) == len(listed)
    distinct = {f.read_bytes() for f in files} | {b"Dear diary,\nnothing happened today.\n"}
    parsed = [sha for sha, what in answers if what == "pages"]
    assert sorted(parsed) == sorted(file_hash(data) for data in distinct)
    assert {what for _, what in answers} <= {"pages", "again", "known"}  # (known: its original was committed)


@pytest.mark.parametrize("new", [0, 12])
def test_workers_start_during_a_walk_of_known_files_and_parse_the_new_ones(tmp_path, captures, monkeypatch, new):
    """A folder ingested again: once ``SPARE_AFTER`` files were known, the workers start
    while the walk goes on, before the listing reaches the first new file, and parse the
    new files (no worker started twice); with no new file they are stopped. The database
    is the one a one-process ingest makes."""
    from kcna_cli.db import files as file_index

    folder, _ = captures
    (folder / "notes.txt").unlink()  # (unknown every time, and listed first)
    monkeypatch.setattr(file_index, "SPARE_AFTER", 10)
    monkeypatch.setattr(file_index, "LOOKUP_CHUNK", 5)
    events: list[str] = []
    started: list[pipeline._Worker] = []

    class Recorded(pipeline._Worker):
        def __init__(self, stored=None):
            events.append("worker")
            started.append(self)
            super().__init__(stored)

    monkeypatch.setattr(pipeline, "_Worker", Recorded)

    def listed(paths):
        for src in expand(paths):
            events.append("new file listed" if "new" in Path(src.path).parts else "listed")
            yield src

    def ingest(db: Path, jobs: int) -> dict:
        corpus = Corpus(db)
        report = file_index.ingest_sources(corpus, listed([str(folder)]), jobs=jobs, min_bytes=0)
        corpus.close()
        return report.to_dict()

    ingest(tmp_path / "one.db", 0)
    ingest(tmp_path / "two.db", 1)
    assert events.count("worker") == 1  # the first ingest: nothing known, started when needed
    generate.write_captures(new, folder / "new", seed=3)
    one = ingest(tmp_path / "one.db", 0)
    events.clear()
    started.clear()
    two = ingest(tmp_path / "two.db", 1)
    assert one == two and one["dumps_known"] == 60 and one["dumps_new"] == new
    assert db_state(tmp_path / "one.db") == db_state(tmp_path / "two.db")
    assert events.count("worker") == 1 and len(started) == 1
    assert started[0].proc.poll() is not None  # stopped, whether it was used or not
    if new:
        assert events.index("worker") < events.index("new file listed")
