"""What ``kcna ingest`` shows people: a progress bar while it works, a summary after.

Both go to stderr (stdout stays for ``--json``). The progress bar is a
context manager that yields the callback that ingest calls after each page;
it never touches the database itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .formats import Env, message

#: the public keys of ``kcna ingest --json``, in order (add, never rename)
SUMMARY_FIELDS = [
    "dumps_read",
    "dumps_known",
    "items_new",
    "teasers_upgraded",
    "duplicates_merged",
    "failed",
    "dumps_new",
    "versions_new",
    "files_read",
    "warnings",
]


def summary(report: dict) -> dict:
    """The ``ingest --json`` object of an ``IngestReport.to_dict()``."""
    return {k: report[k] for k in SUMMARY_FIELDS}


@contextmanager
def progress_bar(env: Env, *, total_bytes: int | None, files: int, done: dict) -> Iterator[Callable[[Any], None]]:
    """A progress bar on stderr: files, bytes, dumps/s, items new and merged.

    ``done`` is updated by the caller as pages are read (``bytes``,
    ``files``); the yielded callback takes the ingest report.
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    started = time.monotonic()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        console=env.console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"file 0/{files}", total=total_bytes or None, stats="")
        last = [0.0]

        def tick(r: Any) -> None:
            now = time.monotonic()
            if now - last[0] < 0.1:
                return
            last[0] = now
            rate = r.dumps_read / max(now - started, 1e-6)
            bar.update(
                task,
                completed=done["bytes"],
                description=f"file {min(done['files'] + 1, files)}/{files}",
                stats=f"{r.dumps_read} dumps · {rate:,.0f}/s · {r.items_new} new · {r.duplicates_merged} merged",
            )

        yield tick


def summary_table(env: Env, report: dict) -> None:
    """The counts of an ingest as a small table on stderr."""
    from rich.table import Table

    table = Table(title="ingest", title_justify="left", title_style="bold", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(justify="right", style="cyan")
    rows = [
        ("dumps read", report["dumps_read"]),
        ("already known", report["dumps_known"]),
        ("new items", report["items_new"]),
        ("teasers upgraded", report["teasers_upgraded"]),
        ("duplicates merged", report["duplicates_merged"]),
        ("new text versions", report["versions_new"]),
        ("failed", len(report["failed"])),
    ]
    for k, v in rows:
        table.add_row(k, f"{v:,}")
    env.console(stderr=True).print(table)


def summary_line(env: Env, report: dict) -> None:
    """The counts of an ingest in one line on stderr (when stderr is not a terminal)."""
    message(
        env,
        f"{report['dumps_read']} dumps read ({report['dumps_known']} already known), "
        f"{report['items_new']} new items, {report['teasers_upgraded']} teasers upgraded, "
        f"{report['duplicates_merged']} duplicates merged, {len(report['failed'])} failed",
    )
