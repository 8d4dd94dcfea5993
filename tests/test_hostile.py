"""Hostile input: terminal escapes, unbounded reads, crafted slow input, lying error messages.

Every input here is generated at test time and small; time limits are never
absolute: a linear-time test compares the time of two input sizes.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import ROOT
from typer.testing import CliRunner

from kcna_cli import revisions as rv
from kcna_cli.cli import app
from kcna_cli.terminal import visible

runner = CliRunner()

# --- dumps that try to steer the terminal ------------------------------------------------

#: one of each kind of escape a page from the web may carry
ESCAPES = {
    "osc52": "\x1b]52;c;cm0gLXJmIH4K\x07",  # write the clipboard
    "osc8": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # a hidden link
    "osc0": "\x1b]0;owned\x07",  # the window title
    "csi2j": "\x1b[2J\x1b[H",  # clear the screen
    "c1csi": "\x9b31m",  # CSI as one C1 character
    "c1osc": "\x9d0;t\x9c",  # OSC and ST as C1 characters
    "bel": "\x07",
    "del": "\x7f",
    "cr": "\rOVERWRITE",
    "backspace": "\x08\x08",
    "nul": "\x00",
}
ALL = "".join(ESCAPES.values())
MARKUP = "[link=https://evil.example]x[/link][blink]"  # rich markup must stay text too


def hostile_page(capture: str, body_extra: str, n: int = 1) -> str:
    return (
        f"{capture}\n"
        f"KCNA KCNA.kp{ESCAPES['osc8']} (En)\n\n"
        f"Greenhouse Farm{ESCAPES['osc52']} Built in Kimhwa County {MARKUP}\n\n"
        f"Date: 04/03/2026 | Source: KCNA.kp{ESCAPES['osc8']} (En) | Read original version at source\n\n"
        f"Pyongyang, March 4 (KCNA) -- A farm{ESCAPES['osc0']} was completed in Kimhwa County{ESCAPES['csi2j']}.\n\n"
        f"The farm{ESCAPES['c1csi']} covers {n} hectares{ESCAPES['bel']}{ESCAPES['del']}{ESCAPES['c1osc']}. "
        f"{body_extra}\n\n"
        f"Kang Chol Hwan{ESCAPES['cr']}{ESCAPES['backspace']} spoke at the ceremony. -0-\n\n"
        "www.kcna.kp (2026.03.04.)\n\n"
        "More From KCNA.kp (En)\n\n"
        f"Teaser{ESCAPES['osc52']} Title\n\n"
        f"Pyongyang, March 6 (KCNA) -- A teaser lede{ESCAPES['csi2j']} about Hamhung\n\n"
        "March 06, 2026\n\n"
        f"Pyongyang, March 6 (KCNA) -- A teaser lede{ESCAPES['csi2j']} about Hamhung\n\n"
        "More Articles\n"
    )


SAVED_HTML = (
    "<!DOCTYPE html><html><head><title>x</title></head><body>"
    "<p>March 07, 2026Mar 07, 2026</p><p>KCNA KCNA.kp (En)</p>"
    "<h1>Saved Page &#27;]0;html-title&#7; With &#x1b;[2J Entities</h1>"
    "<p>Date: 05/03/2026 | Source: KCNA.kp (En) | Read original version at source</p>"
    "<p>Pyongyang, March 5 (KCNA) -- An entity &#155;31m and &#x9d;0;x&#x9c; in text. -0-</p>"
    "<p>www.kcna.kp (2026.03.05.)</p></body></html>"
)

_SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours and bold that rich itself draws
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def in_pty(args: list[str], env: dict, timeout: float = 60) -> tuple[int, str]:
    """Run ``kcna ARGS`` with stdout and stderr on a pseudo-terminal: (exit status, output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kcna_cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=env.get("PWD"),
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            out += data
        elif proc.poll() is not None:
            # drained: nothing more will come
            ready, _, _ = select.select([master], [], [], 0.1)
            if not ready:
                break
    os.close(master)
    status = proc.wait(timeout=10)
    return status, out.decode("utf-8", "replace")


def uncontrolled(output: str) -> list[str]:
    """Control characters left once rich's own colour codes are taken out."""
    return _CONTROL.findall(_SGR.sub("", output))


@pytest.fixture
def hostile_db(tmp_path):
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "one.txt").write_text(hostile_page("March 06, 2026Mar 06, 2026", "First text."), encoding="utf-8")
    (folder / "two.txt").write_text(
        hostile_page("March 20, 2026Mar 20, 2026", "Second text, edited.", n=14), encoding="utf-8"
    )
    (folder / "saved.html").write_text(SAVED_HTML, encoding="utf-8")
    (folder / f"bad{ESCAPES['csi2j']}{ESCAPES['osc0']}.txt").write_text("nothing\n", encoding="utf-8")
    env = dict(os.environ, KCNA_DB=str(tmp_path / "k.db"), COLUMNS="160", LINES="50", TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    env["PWD"] = str(tmp_path)
    env["PYTHONPATH"] = str(ROOT)
    return folder, env


def test_no_escape_from_a_dump_reaches_the_terminal(hostile_db):
    folder, env = hostile_db
    status, out = in_pty(["ingest", "--quiet", str(folder)], env)  # no progress bar (it moves the cursor)
    assert status == 1  # the file that is not a dump
    assert "bad^[[2J^[[H^[]0;owned^G.txt" in out  # its name, shown not obeyed
    assert uncontrolled(out) == []
    db = env["KCNA_DB"]
    import sqlite3

    conn = sqlite3.connect(db)
    q = "SELECT id, title FROM items WHERE kind = 'article' AND title LIKE 'Green%'"
    item_id, title = conn.execute(q).fetchone()
    html_id = conn.execute("SELECT id FROM items WHERE title LIKE 'Saved Page%'").fetchone()[0]
    assert ESCAPES["osc52"] in title  # stored exactly as ingested
    conn.close()
    commands = [
        ["show", str(item_id), str(html_id)],
        ["search", "farm"],
        ["search", "entity"],
        ["search"],
        ["search", "--place", "Kimhwa"],
        ["stats", "--by", "source"],
        ["stats", "--by", "source", "farm"],
        ["info"],
        ["revisions"],
        ["revisions", str(item_id)],
        ["places"],
        ["people"],
        ["raw", "1"],
        ["show", str(item_id), "--json"],
        ["search", "farm", "--jsonl"],
        ["search", "farm", "--csv"],
        ["export", "--json"],
    ]
    outputs = {}
    for args in commands:
        status, out = in_pty(args, env)
        assert status == 0, (args, out)
        assert "Traceback" not in out
        assert uncontrolled(out) == [], (args, uncontrolled(out)[:5], out[:2000])
        outputs[" ".join(args)] = out
    show = outputs[f"show {item_id} {html_id}"]
    assert "Greenhouse Farm^[]52;c;cm0gLXJmIH4K^G Built" in show  # the title, its escape made visible
    assert MARKUP in show  # rich markup printed as text, no link made
    assert "<9B>31m" in show
    assert "Saved Page ^[]0;html-title^G With ^[[2J Entities" in show  # entities decoded, then shown
    assert "<9D>0;x" in show  # a C1 control from an entity in HTML
    assert "KCNA.kp^[]8;;https://evil.example/" in outputs["stats --by source"]
    assert "^[]8;;" in outputs["info"]
    assert "^[]0;owned^G" in outputs[f"revisions {item_id}"]
    assert "\\u001b]52;c;" in outputs[f"show {item_id} --json"]  # JSON escapes, the value is the same
    assert "\\u009b31m" in outputs[f"show {item_id} --json"]


def test_piped_output_keeps_stored_text_exact(hostile_db):
    folder, env = hostile_db
    subprocess.run([sys.executable, "-m", "kcna_cli", "ingest", str(folder)], env=env, capture_output=True, check=False)
    r = subprocess.run(
        [sys.executable, "-m", "kcna_cli", "search", "greenhouse", "--jsonl"], env=env, capture_output=True, text=True
    )
    item = json.loads(r.stdout.splitlines()[0])
    assert ESCAPES["osc52"] in item["title"] and ESCAPES["c1csi"] in item["body"]
    raw = subprocess.run([sys.executable, "-m", "kcna_cli", "raw", "1"], env=env, capture_output=True, text=True)
    assert ESCAPES["osc52"] in raw.stdout  # kcna raw in a pipe: exactly as ingested


def test_visible_makes_every_control_printable_and_keeps_the_rest():
    for c in map(chr, range(0x00, 0xA0)):
        shown = visible(c)
        if c in "\t\n":
            assert shown == c
        elif ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0:
            assert shown != c and shown.isprintable(), repr(c)
        else:
            assert shown == c
    assert visible("\x1b[2J") == "^[[2J" and visible("\x9b") == "<9B>" and visible("\x7f") == "^?"
    assert visible("Kimhwa — 김화 «x»") == "Kimhwa — 김화 «x»"


# --- bounded reads -------------------------------------------------------------------------

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

import kcna_cli.inputs as inputs  # noqa: E402
from kcna_cli import pipeline  # noqa: E402
from kcna_cli.inputs import InputError, Source, iter_page_texts  # noqa: E402
from kcna_cli.parse import split_pages  # noqa: E402

PAGE = (ROOT / "fixtures" / "page-kcna-kp.txt").read_text(encoding="utf-8")


def kcna(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def run(*args, timeout=60, **kw):
    return subprocess.run(
        [sys.executable, "-m", "kcna_cli", *args], capture_output=True, text=True, timeout=timeout, **kw
    )


def long_form(text: str) -> str:
    """Capture lines in the long form only (``March 06, 2026``), as some saving tools print them."""
    return re.sub(r"(?m)^([A-Z][a-z]+ \d\d, \d{4})[A-Z][a-z]{2} \d\d, \d{4}$", r"\1", text)


def test_a_folder_reads_only_regular_files_and_never_blocks(tmp_path):
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "page.txt").write_text(PAGE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # no writer, ever
    os.symlink("/dev/zero", folder / "zero.txt")
    os.symlink("/dev/urandom", folder / "random.txt")
    r = run("ingest", str(folder), "--json")  # times out (test fails) if anything blocks or reads without end
    assert r.returncode == 1, r.stderr
    failed = {Path(f["path"]).name: f["error"] for f in json.loads(r.stdout)["failed"]}
    assert failed["pipe.txt"].startswith("a named pipe, not a regular file: skipped")
    assert failed["zero.txt"].startswith("a device, not a regular file: skipped")
    assert failed["random.txt"].startswith("a device, not a regular file: skipped")
    assert json.loads(r.stdout)["dumps_new"] == 1
    # a glob is a folder's listing too
    r = run("ingest", str(folder / "*.txt"), "--json")
    assert {Path(f["path"]).name for f in json.loads(r.stdout)["failed"]} == {"pipe.txt", "zero.txt", "random.txt"}


def test_devices_named_on_the_command_line_end_at_once(tmp_path):
    for device in ("/dev/zero", "/dev/urandom"):
        r = run("ingest", device, "--json")
        assert r.returncode == 1
        assert json.loads(r.stdout)["failed"] == [{"path": device, "error": "binary file, not text"}]
    with open("/dev/zero", "rb") as zero:
        r = run("ingest", "-", "--json", stdin=zero)
    assert json.loads(r.stdout)["failed"] == [{"path": "-", "error": "binary file, not text"}]
    r = run("ingest", "/dev/null", "--json")
    assert json.loads(r.stdout)["failed"] == [{"path": "/dev/null", "error": "empty file"}]


def test_a_named_pipe_is_read_when_written_and_given_up_when_not(tmp_path, monkeypatch):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write(PAGE)

    writer = threading.Thread(target=write)
    writer.start()
    r = kcna("ingest", str(fifo), "--json")
    writer.join()
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["dumps_new"] == 1
    monkeypatch.setattr(inputs, "FIFO_WAIT", 0.3)
    r = kcna("ingest", str(fifo), "--json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["failed"] == [{"path": str(fifo), "error": "named pipe: nothing written to it in 0 s"}]


def test_input_that_is_not_a_file_stops_at_the_byte_limit(tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr(inputs, "STREAM_CHUNK", 4096)
    monkeypatch.setattr(inputs, "MAX_BYTES", 64 * 1024)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    pages = "".join(generate.generate(200))
    assert len(pages) > 4 * 64 * 1024

    def write():
        try:
            with open(fifo, "w", encoding="utf-8") as fh:
                fh.write(pages)
        except BrokenPipeError:  # the reader stopped at the limit
            pass

    writer = threading.Thread(target=write)
    writer.start()
    got = []
    with pytest.raises(InputError, match=r"more than 65,536 bytes; the rest is not read"):
        for text in iter_page_texts(Source(str(fifo))):
            got.append(text)
    writer.join()
    assert 0 < len(got) < 200  # the pages before the limit were read
    assert got == split_pages(pages)[: len(got)]
    # a regular file over the limit is refused before it is read
    big = tmp_path / "big.txt"
    big.write_text(pages, encoding="utf-8")
    with pytest.raises(InputError, match="file too large"):
        list(iter_page_texts(Source(str(big))))


def test_streaming_drops_nothing_and_cuts_pages_as_a_whole_read_does(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "STREAM_CHUNK", 4096)
    # text with no page start, longer than a chunk: one page, whole (it was cut to its last 221 bytes)
    notes = "".join(f"Note {i}: a line of plain text that is not a page at all.\n" for i in range(400))
    f = tmp_path / "notes.txt"
    f.write_text(notes, encoding="utf-8")
    assert len(notes) > 5 * 4096
    assert list(iter_page_texts(Source(str(f)))) == [notes.strip("\n")]
    r = kcna("ingest", str(f), "--json")
    assert json.loads(r.stdout)["failed"][0]["error"].startswith("no KCNA Watch article")  # reported, not lost
    # pages in every form, long-form capture lines, text before the first page: cut alike
    mixed = "Saved by a tool\n\n" + long_form("".join(generate.generate(30, seed=3))) + "".join(generate.generate(30))
    f.write_text(mixed, encoding="utf-8")
    assert list(iter_page_texts(Source(str(f)))) == split_pages(mixed)


def test_a_page_too_large_is_refused_and_reading_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "STREAM_CHUNK", 4096)
    monkeypatch.setattr(inputs, "MAX_PAGE_CHARS", 16 * 1024)
    before, after = list(generate.generate(3, seed=1)), list(generate.generate(3, seed=2))
    huge = before[-1].rstrip("\n") + "\n\n" + "A very long paragraph. " * 3000 + "\n\n"  # one line of 69 KB
    text = "".join(before[:-1]) + huge + "".join(after)
    f = tmp_path / "huge.txt"
    f.write_text(text, encoding="utf-8")
    got = list(iter_page_texts(Source(str(f))))
    assert [getattr(t, "error", None) for t in got] == [None, None, got[2].error, None, None, None]
    assert "over the limit of 16,384: not read" in got[2].error
    assert got[:2] + got[3:] == split_pages("".join(before[:-1]) + "".join(after))
    r = kcna("ingest", str(f), "--json", "--jobs", "0")
    summary = json.loads(r.stdout)
    assert r.exit_code == 1 and summary["dumps_new"] == 5
    assert summary["failed"] == [{"path": f"{f} (page 3)", "error": got[2].error}]


@pytest.mark.parametrize("jobs", ["0", "1"])
def test_a_page_over_the_real_limit_is_refused_with_or_without_workers(tmp_path, jobs):
    before, after = list(generate.generate(3, seed=1)), list(generate.generate(3, seed=2))
    line = "A very long paragraph. " * (inputs.MAX_PAGE_CHARS // 23 + 10)
    f = tmp_path / "huge.txt"
    f.write_text("".join(before) + line + "\n\n" + "".join(after), encoding="utf-8")
    r = run("ingest", str(f), "--json", "--jobs", jobs)
    summary = json.loads(r.stdout)
    assert r.returncode == 1 and summary["dumps_new"] == 5
    assert len(summary["failed"]) == 1 and summary["failed"][0]["path"].endswith("huge.txt (page 3)")
    assert "over the limit of 2,097,152: not read" in summary["failed"][0]["error"]


def test_long_form_capture_lines_are_cut_for_workers(tmp_path):
    text = long_form("".join(generate.generate(120, seed=5)))
    path = tmp_path / "f.txt"
    path.write_text(text, encoding="utf-8")
    data = path.read_bytes()
    cuts = pipeline.cut_points(str(path), len(data), every=4096)
    assert cuts is not None and len(cuts) > 10  # a worker reads a range, not the whole file
    pieces = [p for a, b in zip(cuts, cuts[1:], strict=False) for p in split_pages(data[a:b].decode())]
    assert pieces == split_pages(text)


def test_a_huge_page_costs_flat_memory(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "w", encoding="utf-8") as fh:
        fh.write(PAGE)
        fh.write("\n\n" + "x" * (40 * 1024 * 1024) + "\n\n")  # a 40 MB line in the middle
        fh.write(PAGE.replace("Model Greenhouse", "Another Greenhouse"))
    # the child reports its own high-water mark (VmHWM; ru_maxrss would include the forking parent's)
    probe = (
        "import atexit, re, runpy, sys\n"
        "hwm = lambda: re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
        "atexit.register(lambda: sys.stderr.write('HWM ' + hwm()))\n"
        "sys.argv = ['kcna'] + sys.argv[1:]\n"
        "runpy.run_module('kcna_cli', run_name='__main__')\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", probe, "ingest", str(f), "--json", "--jobs", "0", "--db", str(tmp_path / "m.db")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    peak_kib = int(re.search(r"HWM (\d+)", r.stderr)[1])
    summary = json.loads(r.stdout)
    assert "over the limit" in summary["failed"][0]["error"]
    assert summary["dumps_new"] == 1  # the page the line is in is refused; the next one is read
    assert peak_kib < 150 * 1024, peak_kib  # MiB: the 40 MB line was never held whole


def test_encoding_is_decided_per_line_and_no_byte_is_lost(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "STREAM_CHUNK", 4096)
    curly = PAGE.replace("Model Greenhouse Farm", "Children\u2019s \u201cModel\u201d Farm")
    cp = curly.encode("cp1252")
    utf8 = "".join(generate.generate(40)).encode("utf-8")
    big = tmp_path / "big.txt"
    big.write_bytes(utf8 + cp + "".join(generate.generate(5, seed=9)).encode("utf-8"))
    assert len(utf8) > 20 * 4096
    texts = list(iter_page_texts(Source(str(big))))
    page = next(t for t in texts if "Model\u201d Farm" in t)
    assert "\ufffd" not in "".join(texts)
    small = tmp_path / "small.txt"
    small.write_bytes(cp)
    assert page == split_pages(inputs.decode(small.read_bytes()))[0]  # the same page, the same text
    assert page.encode("cp1252") == cp.rstrip(b"\n")  # the saved bytes, recoverable
    # a small file mixing UTF-8 and cp1252 lines keeps both
    mixed = "Pyongyang \u2014 \uae40\ud654\n".encode() + "\u201cquoted\u201d\n".encode("cp1252")
    assert inputs._lines_decode(mixed) == "Pyongyang \u2014 \uae40\ud654\n\u201cquoted\u201d\n"


def test_plain_text_that_mentions_html_is_not_taken_for_html(tmp_path):
    page = PAGE.replace(
        "The farm covers 12 hectares", "Web pages (<html><body> and </body></html>) were shown. The farm covers 12"
    )
    f = tmp_path / "mentions.txt"
    f.write_text(page, encoding="utf-8")
    r = kcna("ingest", str(f), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["dumps_new"] == 1
    assert inputs._looks_html("<!-- saved from url -->\n<html><body><p>x</p></body></html>")
    assert inputs._looks_html("\ufeff<!DOCTYPE html>\n<html>")
    assert not inputs._looks_html("March 06, 2026\nThe <html> tag, and </html> too")


@pytest.mark.parametrize("jobs", ["0", "1"])
def test_hostile_html_fails_alone_in_one_line(tmp_path, jobs):
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "a.txt").write_text(PAGE, encoding="utf-8")
    (folder / "b-marked.html").write_text("<html><body><![ marked section <p>x</p>" * 50, encoding="utf-8")
    (folder / "c-comments.html").write_text("<html><body>" + "<!--" * 80_000, encoding="utf-8")
    (folder / "d-deep.html").write_text("<html><body>" + "<div>" * 50_000 + "x", encoding="utf-8")
    (folder / "e.txt").write_text(PAGE.replace("Model Greenhouse", "Second Greenhouse"), encoding="utf-8")
    started = time.monotonic()
    r = run("ingest", str(folder), "--json", "--jobs", jobs)
    took = time.monotonic() - started
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    summary = json.loads(r.stdout)
    failed = {Path(f["path"]).name: f["error"] for f in summary["failed"]}
    assert set(failed) == {"b-marked.html", "c-comments.html", "d-deep.html"}
    assert failed["d-deep.html"] == "HTML elements nested more than 1000 deep; not read"
    assert summary["dumps_new"] == 2
    lines = [ln for ln in r.stderr.strip().splitlines() if not ln.startswith("kcna: new database at ")]
    assert len(lines) == 3  # one line per failed file
    assert took < 30  # was 44 s for the comments alone (a generous bound: this is no timing test)


def test_revisions_of_repetitive_text_answer_with_a_bounded_diff(tmp_path):
    body = " ".join(["The farm of the county grew the crop of the year."] * 220)  # 11 KB, one paragraph
    first = PAGE.replace("The farm covers 12 hectares and has", body + " It has")
    second = PAGE.replace("March 06, 2026Mar 06, 2026", "March 20, 2026Mar 20, 2026").replace(
        "The farm covers 12 hectares and has", body.replace("crop", "harvest", 40) + " Now it has"
    )
    (tmp_path / "a.txt").write_text(first, encoding="utf-8")
    (tmp_path / "b.txt").write_text(second, encoding="utf-8")
    assert kcna("ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")).exit_code == 0
    listed = [json.loads(ln) for ln in kcna("revisions", "--jsonl").stdout.splitlines()]
    assert len(listed) == 1 and listed[0]["words_deleted"] > 0
    rev = json.loads(kcna("revisions", str(listed[0]["id"]), "--json").stdout)
    assert "diff_note" not in rev  # matched sentence by sentence, then word by word
    assert any("harvest" in (c["new"] or "") for c in rev["changes"])
    assert not any("harvest" in (c["old"] or "") for c in rev["changes"])
    assert rev["words_inserted"] - rev["words_deleted"] == 1  # "It has" became "Now it has"
    # text with no sentence to match by: bounded, and the output says so
    old = "a a b " * 3000
    rev = rv.compare(rv.Version(1, 1, "body", False, None, old, None, None),
                     rv.Version(2, 2, "body", False, None, old.replace("b", "c", 500), None, None))  # fmt: skip
    assert rev["diff_note"].startswith("the texts differ too widely")


def test_parsing_and_long_place_searches_happen_with_no_write_transaction_open(tmp_path, monkeypatch):
    from kcna_cli.db import Corpus
    from kcna_cli.parse import parse_text
    from kcna_cli.readahead import AHEAD_CHARS

    corpus = Corpus(tmp_path / "k.db")
    long_body = " ".join(["Farmers of Kimhwa County and Unsan County met in Kangwon Province."] * 80)
    assert len(long_body) > AHEAD_CHARS
    texts = list(generate.generate(40)) + [PAGE.replace("The farm covers 12 hectares", long_body)]
    asked_in_transaction = []

    def pages():
        for n, text in enumerate(texts):
            asked_in_transaction.append(corpus.conn.in_transaction)  # the writer asked for the next page
            for page in parse_text(text):
                yield f"f{n}.txt", page

    long_searches = []
    real_extract = corpus.gazetteer.extract

    def extract(text):
        if text and len(text) >= AHEAD_CHARS:
            long_searches.append(corpus.conn.in_transaction)
        return real_extract(text)

    monkeypatch.setattr(corpus.gazetteer, "extract", extract)
    report = corpus.ingest_pages(pages())
    assert report.dumps_new + report.dumps_known == 41 and report.dumps_new > 30 and not report.failed
    assert asked_in_transaction and not any(asked_in_transaction)
    assert long_searches and not any(long_searches)
    places = {r[0] for r in corpus.conn.execute("SELECT DISTINCT field FROM item_places")}
    assert "body" in places
    corpus.close()


def test_remembered_lines_of_a_hostile_page_are_short_ones():
    """Date lines are remembered across pages (they repeat), but a huge line that looks
    like one (a letter first, a digit last) is read without being kept."""
    from kcna_cli import dates, parse

    dates._capture_line.cache_clear()
    huge = "January " + "9" * 200_000
    page = f"January 05, 2026\nKCNA Watch\nTitle\n{huge}\n{huge[:-1]}8\nJanuary 05, 2026\n"
    for _ in range(3):
        parse.parse_text(page)
    assert dates.read_capture_line(huge) is None
    assert dates.read_capture_line("January 05, 2026Jan 05, 2026") == ("2026-01-05", True)
    assert dates._capture_line.cache_info().currsize <= 3  # the two short date lines at most


def test_titles_are_remembered_only_when_short():
    """Identity folding remembers titles and ledes (they repeat), but not a huge one."""
    from kcna_cli import text

    text._fold.cache_clear()
    huge = "Great Victory " * 20_000
    assert text.fold(huge) == text.fold(huge + "!") == huge.strip().casefold()
    assert text.fold("Kim Jong Un Inspects Farm.") == "kim jong un inspects farm"
    assert text._fold.cache_info().currsize == 1  # the short title only


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux; other systems refuse these")
def test_file_names_that_are_not_utf8_are_stored_and_known_again(tmp_path):
    """A name's bytes that are not UTF-8 (a folder copied from an old system) cannot go into
    SQLite as they are: kept as ``\\xNN``, the file is stored, its path is valid text, and
    the next ingest knows it unread, with one process as with a worker."""
    import sqlite3

    folder = tmp_path / "captures"
    made = generate.write_captures(60, folder)
    odd = os.fsencode(folder) + b"/caf\xe9-\xff.txt"  # Latin-1 and a byte no encoding has
    with open(odd, "wb") as fh:
        fh.write(made[0].read_bytes().replace(b"KCNA", b"KCNA ", 1))  # a page of its own
    os.remove(made[0])
    summaries = {}
    for jobs in ("0", "1"):
        db = tmp_path / f"k{jobs}.db"
        first = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--json", "--jobs", jobs])
        assert first.exit_code == 0, first.output
        summaries[jobs] = json.loads(first.stdout)
        again = json.loads(runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--json"]).stdout)
        assert again["dumps_known"] == again["dumps_read"] == summaries[jobs]["dumps_read"] == 60
        conn = sqlite3.connect(db)
        paths = {p for (p,) in conn.execute("SELECT path FROM dumps UNION SELECT path FROM files")}
        conn.close()
        assert f"{folder}/caf\\xe9-\\xff.txt" in paths
    assert summaries["0"] == summaries["1"]


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux; other systems refuse these")
def test_a_file_that_fails_under_a_name_that_is_not_utf8_is_named_as_stored(tmp_path):
    """Its failure names it as ``dumps.path`` would (``\\xNN``): valid UTF-8 in ``--json``, the
    same text on the terminal, with one process as with a worker."""
    import subprocess

    folder = tmp_path / "captures"
    generate.write_captures(30, folder)
    odd = os.fsencode(folder) + b"/caf\xe9-\xff.txt"
    with open(odd, "wb") as fh:
        fh.write(b"\x00\x01binary\x00" * 100)
    shown = f"{folder}/caf\\xe9-\\xff.txt"
    for jobs in ("0", "1"):
        db = str(tmp_path / f"k{jobs}.db")
        out = subprocess.run(
            [sys.executable, "-m", "kcna_cli", "ingest", str(folder), "--db", db, "--json", "--jobs", jobs],
            capture_output=True,
        )
        summary = json.loads(out.stdout.decode("utf-8"))  # (strict: raw bytes would not decode)
        assert [f["path"] for f in summary["failed"]] == [shown], summary["failed"]
        db = str(tmp_path / f"t{jobs}.db")
        out = subprocess.run(
            [sys.executable, "-m", "kcna_cli", "ingest", str(folder), "--db", db, "--jobs", jobs], capture_output=True
        )
        assert shown in out.stderr.decode("utf-8") + out.stdout.decode("utf-8")
