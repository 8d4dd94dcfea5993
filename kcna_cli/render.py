"""Results -> table, JSON, JSON Lines or CSV: the one place output is drawn.

``Env`` describes the streams (httpie's idea): where data and messages go
and whether each is a terminal. ``choose_format`` picks the format from the
flags, ``KCNA_FORMAT`` and ``isatty()``. Tables are drawn with rich only on
a terminal (or when forced with ``--table``); data formats never carry
colour codes or box drawing.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from .errors import UsageError

FORMATS = ("table", "json", "jsonl", "csv")


@dataclass
class Env:
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None

    def __post_init__(self) -> None:
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)

    def console(self, *, stderr: bool = False):
        """A rich console on one stream; colour only on a terminal."""
        from rich.console import Console

        stream = self.stderr if stderr else self.stdout
        tty = self.stderr_isatty if stderr else self.stdout_isatty
        width = None
        if not tty:
            width = 120
        return Console(
            file=stream,
            force_terminal=tty,
            no_color=not tty or "NO_COLOR" in os.environ,
            width=width,
            highlight=False,
            soft_wrap=False,
        )


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def choose_format(
    env: Env, *, json_: bool = False, jsonl: bool = False, csv_: bool = False, table: bool = False
) -> str:
    chosen = [name for name, on in (("json", json_), ("jsonl", jsonl), ("csv", csv_), ("table", table)) if on]
    if len(chosen) > 1:
        raise UsageError("choose one of --json, --jsonl, --csv, --table")
    if chosen:
        return chosen[0]
    env_format = os.environ.get("KCNA_FORMAT", "").strip().lower()
    if env_format:
        if env_format not in FORMATS:
            raise UsageError(f"KCNA_FORMAT must be one of {', '.join(FORMATS)}, not {env_format!r}")
        return env_format
    return "table" if env.stdout_isatty else "jsonl"


# --- data formats ----------------------------------------------------------------


def write_json(env: Env, value: Any) -> None:
    env.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def write_jsonl(env: Env, rows: Iterable[dict]) -> None:
    for row in rows:
        env.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_csv(env: Env, rows: Iterable[dict], fields: Sequence[str]) -> None:
    writer = csv.DictWriter(env.stdout, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_rows(env: Env, fmt: str, rows: Iterable[dict], fields: Sequence[str], *, table=None) -> None:
    """Rows in a data format, or via ``table(rows)`` for the table format."""
    if fmt == "json":
        write_json(env, list(rows))
    elif fmt == "jsonl":
        write_jsonl(env, rows)
    elif fmt == "csv":
        write_csv(env, rows, fields)
    else:
        table(list(rows))


# --- tables ------------------------------------------------------------------------


def _highlight(snippet: str):
    """A search snippet with ``**word**`` marks -> rich Text (text never parsed as markup)."""
    from rich.text import Text

    from .query import MARK_START

    text = Text()
    for i, part in enumerate(snippet.split(MARK_START)):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text


def items_table(
    env: Env, items: list[dict], *, total: int | None = None, hint: str = "", note: str | None = None
) -> None:
    from rich.table import Table
    from rich.text import Text

    console = env.console()
    with_snippet = any("snippet" in it for it in items)
    table = Table(show_lines=False, expand=True, pad_edge=False, header_style="bold")
    table.add_column(
        "id",
        justify="right",
        style="cyan",
        no_wrap=True,
        min_width=len(str(max((it["id"] for it in items), default=1))),
    )
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("kind", no_wrap=True, min_width=7)
    table.add_column("outlet", no_wrap=True, max_width=14, overflow="ellipsis")
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=3, min_width=20)
    if with_snippet:
        table.add_column("snippet", ratio=3, overflow="fold")
    else:
        table.add_column("places", ratio=1, overflow="ellipsis", no_wrap=True)
    for it in items:
        title = it["title"] or Text((it.get("lede") or "")[:80], style="italic")
        row = [str(it["id"]), it["date"] or "—", it["kind"], it["outlet"] or "", title]
        if with_snippet:
            row.append(_highlight(it.get("snippet") or ""))
        else:
            row.append(", ".join(it.get("places") or []))
        table.add_row(*row)
    console.print(table)
    shown = len(items)
    if total is not None:
        more = total - shown
        msg = f"{shown} of {total} matching item{'s' if total != 1 else ''}"
        if more > 0 and hint:
            msg += f"; {more} more ({hint})"
        env.console(stderr=False).print(Text(msg, style="dim"))
    if note:
        env.console(stderr=False).print(Text(note, style="dim"))


def kv_table(env: Env, rows: list[tuple[str, Any]], title: str | None = None) -> None:
    from rich.table import Table

    table = Table(show_header=False, title=title, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for k, v in rows:
        table.add_row(k, "" if v is None else str(v))
    env.console().print(table)


def message(env: Env, text: str, *, style: str = "") -> None:
    """A line for people, on stderr."""
    if env.stderr_isatty and style:
        from rich.text import Text

        env.console(stderr=True).print(Text(text, style=style))
    else:
        env.stderr.write(text + "\n")


_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(value: int, top: int, width: int) -> str:
    """A horizontal bar of ``value`` out of ``top`` in ``width`` cells (eighths of a cell)."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def bar_chart(env: Env, rows: list[dict], by: str, *, title: str | None = None) -> None:
    """Counts as a horizontal bar chart: one row per value, bars scaled to the largest."""
    from rich.table import Table
    from rich.text import Text

    console = env.console()
    if not rows:
        console.print(Text("no matching items", style="dim"))
        return
    none = "(no date)" if by in ("month", "year") else "(unknown)"
    labels = [none if r[by] is None else str(r[by]) for r in rows]
    top = max(r["items"] for r in rows)
    label_w = max(len(x) for x in labels)
    num_w = len(str(top))
    width = max(10, min(60, console.width - label_w - num_w - 6))
    table = Table(box=None, show_header=False, pad_edge=False, title=title, title_justify="left", title_style="bold")
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True, style="cyan")
    table.add_column(no_wrap=True, style="green")
    for label, r, gap in _collapse_gaps(labels, rows, by):
        if gap:
            table.add_row(Text("⋮", style="dim"), "", Text(f"{gap} empty {by}s", style="dim"))
        else:
            table.add_row(label, str(r["items"]), _bar(r["items"], top, width))
    console.print(table)
    total = sum(r["items"] for r in rows)
    noun = "place mentions" if by == "place" else "items"
    console.print(Text(f"{total} {noun} · {len(rows)} {by}{'s' if len(rows) != 1 else ''}", style="dim"))


def _collapse_gaps(labels: list[str], rows: list[dict], by: str, *, longest: int = 3):
    """(label, row, 0) per row, with runs of more than ``longest`` empty months or years as (None, None, n)."""
    run: list[tuple[str, dict]] = []
    for label, r in zip(labels, rows, strict=True):
        if by in ("month", "year") and r["items"] == 0:
            run.append((label, r))
            continue
        yield from _flush(run, longest)
        run = []
        yield label, r, 0
    yield from _flush(run, longest)


def _flush(run, longest):
    if len(run) > longest:
        yield None, None, len(run)
    else:
        for label, r in run:
            yield label, r, 0
