"""What the tests share that is not a fixture: paths, and two ways to run kcna.

``kcna(...)`` runs the app in-process with typer's ``CliRunner`` (fast;
stdout is not a terminal); ``run_kcna(...)`` runs ``python -m kcna_cli`` as
a subprocess, as a user's shell or pipe would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

runner = CliRunner()

#: the item fields every command prints, in order (README "Output")
ITEM_KEYS = [
    "id",
    "kind",
    "title",
    "date",
    "source",
    "outlet",
    "language",
    "dateline",
    "places",
    "lede",
    "body",
    "date_note",
    "first_seen",
    "seen_in",
    "source_note",
    "first_capture",
    "added_at",
    "url",
]


def kcna(*args: str, input: str | None = None):
    """``kcna ARGS`` in-process; the result has ``exit_code``, ``stdout``, ``stderr``, ``output``."""
    from kcna_cli.cli import app

    return runner.invoke(app, list(args), input=input)


def run_kcna(*args: str, env: dict | None = None, input: str | None = None, timeout: float = 120):
    """``python -m kcna_cli ARGS`` as a subprocess, with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "kcna_cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        input=input,
        timeout=timeout,
    )
