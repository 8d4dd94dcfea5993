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

import pytest
from support import ROOT
from typer.testing import CliRunner

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
