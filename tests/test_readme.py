"""README's walkthrough is run as written, in a terminal, and must print what README shows.

Every ```console block between the walkthrough markers in README.md is a
session: ``$ command`` lines run in order with bash, in a copy of the
fixtures, on a pseudo-terminal 80 columns wide (TERM=dumb: tables without
colour, no animated progress); the lines after each command are its output.
``export NAME=value`` lines set the environment. When README is stale the
test fails with a diff; ``python tests/test_readme.py --update`` rewrites
the outputs from a real run (review the diff before committing).
"""

from __future__ import annotations

import difflib
import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

from kcna_cli.db import Corpus

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- walkthrough -->", "<!-- /walkthrough -->"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def sessions(text: str) -> list[tuple[int, int, list[tuple[str, list[str]]]]]:
    """(start, end, [(command, expected lines)]) for each console block in the walkthrough."""
    a, b = text.index(START), text.index(END)
    out = []
    for m in BLOCK.finditer(text, a, b):
        steps: list[tuple[str, list[str]]] = []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        out.append((m.start(1), m.end(1), steps))
    return out


def in_terminal(cmd: str, env: dict, cwd: Path, cols: int = 80) -> str:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    proc = subprocess.Popen(["bash", "-c", cmd], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    data = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        data += chunk
    proc.wait()
    os.close(master)
    text = ANSI.sub("", data.decode("utf-8", "replace")).replace("\r\n", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def run_walkthrough() -> list[tuple[str, list[str], list[str]]]:
    """Run every step; return (command, expected lines, actual lines)."""
    text = README.read_text(encoding="utf-8")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "fixtures", work / "fixtures")
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": tmp,
            "TERM": "dumb",
            "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
        }
        for _, _, steps in sessions(text):
            for cmd, expected in steps:
                m = re.fullmatch(r"export (\w+)=(\S+)", cmd)
                if m:
                    env[m.group(1)] = m.group(2)
                    results.append((cmd, expected, []))
                    continue
                actual = in_terminal(cmd, env, work)
                results.append((cmd, expected, actual.split("\n") if actual else []))
    return results


#: the database size `kcna info` prints depends on how many transactions the ingest took (the
#: writer commits every 0.5 s), so on a loaded machine it varies by a few 4 KB pages: compared
#: without its figures (every other line exactly)
_DB_SIZE = re.compile(r"^size( +)[\d.]+ KB \(raw dumps ([\d.]+ KB)\)$")


def _steady(lines: list[str]) -> list[str]:
    return [_DB_SIZE.sub(r"size\1… KB (raw dumps \2)", line) for line in lines]


def test_readme_walkthrough_prints_what_it_shows():
    problems = []
    for cmd, expected, actual in run_walkthrough():
        want = [line.rstrip() for line in expected]
        if _steady(want) != _steady(actual):
            diff = "\n".join(difflib.unified_diff(want, actual, "README", "actual", lineterm=""))
            problems.append(f"$ {cmd}\n{diff}")
    assert not problems, "README walkthrough is stale (python tests/test_readme.py --update):\n\n" + "\n\n".join(
        problems
    )


def update() -> None:
    text = README.read_text(encoding="utf-8")
    results = iter(run_walkthrough())
    pieces, last = [], 0
    for start, end, steps in sessions(text):
        body = []
        for _ in steps:
            cmd, _, actual = next(results)
            body.append(f"$ {cmd}")
            body.extend(actual)
        pieces.append(text[last:start])
        pieces.append("\n".join(body) + "\n")
        last = end
    pieces.append(text[last:])
    README.write_text("".join(pieces), encoding="utf-8")
    print("README.md walkthrough outputs rewritten; review with git diff")


if __name__ == "__main__":
    if "--update" in sys.argv:
        update()
    else:
        print(__doc__)


def test_readme_python_api_example_runs(tmp_path, monkeypatch):
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API") :]
    code = section[section.index("```python\n") + len("```python\n") :]
    code = code[: code.index("```")]
    shutil.copy(ROOT / "fixtures" / "revisions" / "capture-1.txt", tmp_path / "dump.txt")
    with Corpus(tmp_path / "kcna.db") as corpus:  # a corpus with a revised item to list
        for name in ("capture-2.txt", "capture-3.txt"):
            corpus.ingest_text((ROOT / "fixtures" / "revisions" / name).read_text(encoding="utf-8"), name)
    monkeypatch.chdir(tmp_path)
    printed = []
    exec(compile(code, "README.md", "exec"), {"print": lambda *a: printed.append(a)})
    assert any(a[0] == "Kim Jong Un Inspects Renovated Orchard in Kimhwa County" for a in printed)
    assert any(a and a[0] == [{"month": "2026-03", "items": 1}] for a in printed)
