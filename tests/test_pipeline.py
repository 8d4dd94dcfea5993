"""Parsing in worker processes gives the database exactly what a one-process ingest gives."""

import io
import marshal
import sqlite3
import sys
import threading
from pathlib import Path

import generate
import pytest
from support import FIXTURES, db_state

from kcna_cli import pipeline, readahead, wire
from kcna_cli.db import Corpus, IngestReport
from kcna_cli.inputs import Source, expand
from kcna_cli.parse import split_pages


def ingest(db: Path, paths: list[str], jobs: int) -> IngestReport:
    report = IngestReport()
    corpus = Corpus(db)

    def pages():
        for part in pipeline.parsed_sources(expand(paths), jobs=jobs):
            for page in part.pages:
                yield part.source.path, page
            if part.error:
                report.fail(part.source.path, part.error)

    corpus.ingest_pages(pages(), report)
    corpus.close()
    return report


@pytest.fixture
def corpus_files(tmp_path, monkeypatch):
    """Small files (one task each), a large file (cut into byte ranges), fixtures, a bad file."""
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(pipeline, "FILE_TASK_BYTES", 64 * 1024)
    files = generate.write(300, tmp_path / "small", per_file=30)
    big = tmp_path / "big.txt"
    big.write_text("".join(generate.generate(200, seed=3)), encoding="utf-8")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02" * 5000)
    return [*map(str, files), str(big), str(FIXTURES), str(bad)]


def test_workers_store_the_same_as_one_process(tmp_path, corpus_files):
    one = ingest(tmp_path / "one.db", corpus_files, jobs=0)
    two = ingest(tmp_path / "two.db", corpus_files, jobs=2)
    assert one.to_dict() == two.to_dict()
    refused = ("S15-kass-es-unmarked.txt", "S4-kcna-co-jp-index.txt", "S8-rodong-list.txt", "unknown-shape.txt")
    assert [f["path"] for f in two.failed] == [
        str(FIXTURES / "bad" / "not-a-dump.txt"),
        *(str(FIXTURES / "sites" / n) for n in refused),
        corpus_files[-1],
    ]
    assert db_state(tmp_path / "one.db") == db_state(tmp_path / "two.db")
    # the large file was cut into ranges, and its pages are numbered through them
    pages = sqlite3.connect(tmp_path / "two.db").execute("SELECT max(page) FROM dumps").fetchone()[0]
    assert pages > 190
    big = corpus_files[-3]
    assert len(pipeline.cut_points(big, Path(big).stat().st_size)) > 10


def test_cut_points_cut_only_between_pages(tmp_path):
    text = "".join(generate.generate(120, seed=5))
    # a capture line right after another one is not a page start: never cut there
    text = text.replace("\nKCNA KCNA.kp (En)\n", "\nMarch 01, 2024Mar 01, 2024\nKCNA KCNA.kp (En)\n", 7)
    path = tmp_path / "f.txt"
    path.write_text(text, encoding="utf-8")
    data = path.read_bytes()
    cuts = pipeline.cut_points(str(path), len(data), every=4096)
    assert cuts[0] == 0 and cuts[-1] == len(data) and len(cuts) > 10
    pieces = [p for a, b in zip(cuts, cuts[1:], strict=False) for p in split_pages(data[a:b].decode())]
    assert pieces == split_pages(text)


def test_not_utf8_large_files_are_not_cut(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("".join(generate.generate(20)).encode("utf-16"))
    assert pipeline.cut_points(str(path), path.stat().st_size) is None


def test_small_inputs_stay_in_one_process(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("no worker processes for small inputs")

    monkeypatch.setattr(pipeline, "_parse_in_workers", boom)
    parts = list(pipeline.parsed_sources([Source(str(FIXTURES / "page-kcna-kp.txt"))], jobs=4))
    assert len(parts) == 1 and len(parts[0].pages) == 1


def test_pages_sent_by_workers_arrive_as_parsed():
    # what a worker sends back is read into the same pages, records and prepared data
    from kcna_cli.inputs import iter_page_texts
    from kcna_cli.packing import prepare
    from kcna_cli.parse import parse_pages

    files = sorted(FIXTURES.rglob("*.txt"))
    assert len(files) > 20
    for f in files:
        pages = [prepare(p) for p in parse_pages(iter_page_texts(Source(str(f))))]
        back = wire.from_wire(wire.to_wire(pages))
        assert back == pages, f
        for a, b in zip(back, pages, strict=True):
            if a.dump:
                assert [r.key for r in a.dump.records] == [r.key for r in b.dump.records]
                assert a.dump.article == b.dump.article
                assert a.prepared["raw_bytes"] > 0 and a.chars > 0 and a.text == ""


def test_teasers_sent_again_by_number_arrive_whole_and_apart():
    # a worker sends a teaser's fields once, then its number; the writer's side reads
    # every page as sent, each record its own (changing one changes no later page)
    from kcna_cli.inputs import iter_page_texts
    from kcna_cli.packing import prepare
    from kcna_cli.parse import parse_pages

    files = sorted(FIXTURES.rglob("*.txt"))
    sent: dict = {}
    kept: dict = {}
    by_number = []
    for _ in range(3):
        for f in files:
            pages = [prepare(p) for p in parse_pages(iter_page_texts(Source(str(f))))]
            data = wire.to_wire(pages, sent)
            by_number += [r for p in marshal.loads(data) if p[4] for r in p[4][1] if isinstance(r, int)]
            back = wire.from_wire(data, kept)
            assert back == pages, f
            for page in back:
                for rec in page.dump.teasers if page.dump else []:
                    rec.title = rec.lede = "changed"
    assert len(by_number) > 50  # teasers sent again went by number
    assert len(sent) == len(kept) <= wire.KEPT and list(sent) == list(kept)
    # a number never sent is an error, not a wrong record
    numbered = next(p for f in files for p in parse_pages(iter_page_texts(Source(str(f)))) if p.dump and p.dump.teasers)
    data = wire.to_wire([prepare(numbered)], {numbered.dump.teasers[0].__dict__["_tid"]: None})
    with pytest.raises(RuntimeError, match="never sent"):
        wire.from_wire(data, {})


def test_both_sides_drop_the_same_records_when_full(monkeypatch):
    from kcna_cli.inputs import iter_page_texts
    from kcna_cli.packing import prepare
    from kcna_cli.parse import parse_pages

    monkeypatch.setattr(wire, "KEPT", 5)
    sent: dict = {}
    kept: dict = {}
    for f in sorted(FIXTURES.rglob("*.txt")) * 2:
        pages = [prepare(p) for p in parse_pages(iter_page_texts(Source(str(f))))]
        assert wire.from_wire(wire.to_wire(pages, sent), kept) == pages
        assert list(sent) == list(kept) and len(kept) <= 5


def _worker_answering_once(then: str) -> list[str]:
    """A worker's command line: it answers its first task as a worker does, then runs ``then``."""
    return [
        sys.executable,
        "-c",
        "import marshal, sys; from kcna_cli import pipeline as p;"
        " p._send(sys.stdout.buffer, marshal.dumps(p._work(marshal.loads(p._receive(sys.stdin.buffer)))));"
        f" {then}",
    ]


def test_a_worker_that_dies_stops_the_ingest_in_one_line_and_keeps_what_was_stored(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kcna_cli.cli import app

    files = generate.write(300, tmp_path / "dumps", per_file=30)
    # a worker that answers its first task, then dies
    monkeypatch.setattr(pipeline._Worker, "command", _worker_answering_once("sys.exit(3)"))
    db = tmp_path / "k.db"
    r = CliRunner().invoke(app, ["ingest", *map(str, files), "--db", str(db), "-q", "--jobs", "1"])
    assert r.exit_code == 70
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "a parse worker stopped (exit status 3)" in lines[0]
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM dumps").fetchone()[0]
    orphans = conn.execute(
        "SELECT count(*) FROM dumps d WHERE NOT EXISTS (SELECT 1 FROM sightings s WHERE s.dump_id = d.id)"
    ).fetchone()[0]
    conn.close()
    assert stored > 0 and orphans == 0  # the first file's dumps are kept, whole
    monkeypatch.setattr(pipeline._Worker, "command", None)
    again = CliRunner().invoke(app, ["ingest", *map(str, files), "--db", str(db), "--json", "--jobs", "1"])
    assert again.exit_code == 0, again.output


def test_a_workers_answers_come_back_as_pages_and_an_unreadable_one_raises_where_asked_for(monkeypatch):
    # a thread of the writer's side reads a worker's answers back into pages (``workers._pages``);
    # an answer it cannot read is raised by ``result`` for the task it answers, in order
    text = (FIXTURES / "page-kcna-kp.txt").read_bytes()
    then = "p._receive(sys.stdin.buffer); p._send(sys.stdout.buffer, marshal.dumps((b'not marshal', None)))"
    monkeypatch.setattr(pipeline._Worker, "command", _worker_answering_once(then))
    w = pipeline._Worker()
    try:
        w.submit(("files", [text], None))
        w.submit(("files", [text], None))
        [(pages, error)] = w.result()
        assert error is None and pages and pages[0].dump is not None and pages[0].dump.article is not None
        with pytest.raises(ValueError):
            w.result()
        with pytest.raises(RuntimeError, match="a parse worker stopped"):
            w.result()
    finally:
        w.close()


def test_a_worker_reads_the_files_of_its_next_task_while_it_works_on_the_one_before(tmp_path, monkeypatch):
    # the process that writes sends a worker its next task before it needs the answer to the
    # one before; the worker starts reading that task's files as it comes (``_task_reading``)
    files = [str(p) for p in generate.write_captures(90, tmp_path / "captures")]
    first, second = files[:45], files[45:]
    remembered = [(pipeline, "_FILES_SEEN"), (pipeline, "_RECORDS_SENT"), (readahead, "_SENT")]
    for module, name in remembered:  # what a worker remembers of its earlier tasks: nothing yet
        monkeypatch.setattr(module, name, {})
    expected = [pipeline._work(("paths", first, None)), pipeline._work(("paths", second, None))]
    for module, name in remembered:
        monkeypatch.setattr(module, name, {})
    read_second = threading.Event()
    real = pipeline._read_file

    def recording(path: str):
        got = real(path)
        if path == second[-1]:
            read_second.set()
        return got

    monkeypatch.setattr(pipeline, "_read_file", recording)
    inp = io.BytesIO()
    for task in (("paths", first, None), ("paths", second, None)):
        pipeline._send(inp, marshal.dumps(task))
    inp.seek(0)
    tasks = pipeline._receiving(inp, pipeline._task_reading)
    task, reads = tasks.get(timeout=10)
    assert task == ("paths", first, None) and reads is not None
    assert read_second.wait(10)  # the second task's files are read before the first is worked on
    answers = [pipeline._work(task, reads), pipeline._work(*tasks.get(timeout=10))]
    assert tasks.get(timeout=10) is None  # the end of the input
    assert answers == expected
    assert [what for sha, what, got in answers[0]].count("pages") > 30


def test_workers_find_the_places_and_persons_of_articles_once(tmp_path, monkeypatch):
    """With a parse worker, the writer does not look for places or persons in an article's
    body (the worker found them, once per distinct article); in one process it does.
    Either way the database is the same (``test_workers_store_the_same_as_one_process``)."""
    from kcna_cli.db.files import ingest_sources
    from kcna_cli.places import Gazetteer, strip_dateline

    files = generate.write_captures(120, tmp_path / "captures")
    read: list[str] = []
    extract = Gazetteer.extract
    monkeypatch.setattr(Gazetteer, "extract", lambda self, text: read.append(text) or extract(self, text))

    def bodies_read_here(jobs: int, db: Path) -> int:
        read.clear()
        corpus = Corpus(db)
        ingest_sources(corpus, expand([str(f) for f in files]), jobs=jobs, min_bytes=0)
        bodies = {strip_dateline(b) for (b,) in corpus.conn.execute("SELECT body FROM items WHERE body IS NOT NULL")}
        corpus.close()
        return sum(1 for text in read if text in bodies)

    assert bodies_read_here(0, tmp_path / "one.db") > 30
    assert bodies_read_here(1, tmp_path / "two.db") == 0
    assert db_state(tmp_path / "one.db") == db_state(tmp_path / "two.db")


def test_workers_find_the_leaders_activities_of_articles(tmp_path, monkeypatch):
    """With a parse worker, the writer does not look for the leader's activities in an
    article's body either (the worker found them for the record's date); in one process
    it does. The events, their people and places are the same either way."""
    from kcna_cli import activities
    from kcna_cli.db.files import ingest_sources

    files = generate.write_captures(240, tmp_path / "captures")
    bodies: list[str] = []
    real = activities.find_events

    def find_events(title, text, date, **kw):
        bodies.append(text)
        return real(title, text, date, **kw)

    monkeypatch.setattr(activities, "find_events", find_events)

    def events_found_here(jobs: int, db: Path) -> int:
        bodies.clear()
        corpus = Corpus(db)
        ingest_sources(corpus, expand([str(f) for f in files]), jobs=jobs, min_bytes=0)
        corpus.close()
        return len(bodies)

    assert events_found_here(0, tmp_path / "one.db") > 10
    assert events_found_here(1, tmp_path / "two.db") == 0
    one, two = db_state(tmp_path / "one.db"), db_state(tmp_path / "two.db")
    assert one == two
    events, people, places = one[-4], one[-2], one[-1]
    assert len(events) >= 5 and people and places, (len(events), len(people), len(places))


def test_a_worker_leaves_out_the_articles_the_database_holds_with_the_same_text(tmp_path, monkeypatch):
    """A worker reads the database (read-only) and finds no places or persons for an article
    stored with the same text, however long ago; a new or edited one it finds."""
    from kcna_cli import readahead
    from kcna_cli.db.files import ingest_sources
    from kcna_cli.inputs import read_pages
    from kcna_cli.parse import parse_pages

    files = generate.write_captures(60, tmp_path / "captures")
    db = tmp_path / "c.db"
    corpus = Corpus(db)
    ingest_sources(corpus, expand([str(f) for f in files[:30]]))
    stored = dict(corpus.conn.execute("SELECT key, body FROM items WHERE kind = 'article'"))
    monkeypatch.setattr(readahead, "_STORED", None)
    readahead.open_stored(str(db))
    held = new = 0
    for f in files:
        for page in parse_pages(read_pages(f.read_bytes())):
            article = page.dump.article
            monkeypatch.setattr(readahead, "_SENT", {})  # nothing sent lately: only the database tells
            found = readahead.page_found(page.dump)
            if stored.get(article.key) == article.body:
                held += 1
                assert found is None, article.key
            else:
                new += 1
                assert found is not None and found[0][0] == 0, article.key
            article.body += "\n\nA paragraph added later."  # an edit is a text to read
            monkeypatch.setattr(readahead, "_SENT", {})
            assert readahead.page_found(page.dump) is not None
    assert held >= 20 and new >= 10
    corpus.close()
    # a database that cannot be read: everything is found, as without one
    monkeypatch.setattr(readahead, "_STORED", None)
    readahead.open_stored(str(tmp_path / "missing.db"))
    assert readahead._STORED is None
