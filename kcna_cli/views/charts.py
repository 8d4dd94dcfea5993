"""Counts as horizontal bar charts, with long runs of empty months folded."""

from __future__ import annotations

from ..terminal import visible
from .formats import Env, safe_text

_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(value: int, top: int, width: int) -> str:
    """A horizontal bar of ``value`` out of ``top`` in ``width`` cells (eighths of a cell)."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def bar_chart(env: Env, rows: list[dict], by: str, *, title: str | None = None, count: str = "items") -> None:
    """Counts as a horizontal bar chart: one row per value, bars scaled to the largest.

    ``count``: the field holding the number (``items``, or ``events`` for appearances).
    """
    from rich.table import Table
    from rich.text import Text

    console = env.console()
    if not rows:
        console.print(Text(f"no matching {count}", style="dim"))
        return
    none = "(no date)" if by in ("month", "year") else "(unknown)"
    labels = [none if r[by] is None else visible(str(r[by])) for r in rows]
    top = max(r[count] for r in rows)
    label_w = max(len(x) for x in labels)
    num_w = len(str(top))
    width = max(10, min(60, console.width - label_w - num_w - 6))
    table = Table(
        box=None,
        show_header=False,
        pad_edge=False,
        title=safe_text(title) if title else None,
        title_justify="left",
        title_style="bold",
    )
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True, style="cyan")
    table.add_column(no_wrap=True, style="green")
    for label, r, gap in _collapse_gaps(labels, rows, by, count):
        if gap:
            table.add_row(Text("⋮", style="dim"), "", Text(f"{gap} empty {by}s", style="dim"))
        else:
            table.add_row(Text(label), str(r[count]), _bar(r[count], top, width))
    console.print(table)
    total = sum(r[count] for r in rows)
    noun = f"{by} mentions" if by in ("place", "person") else count
    console.print(Text(f"{total} {noun} · {len(rows)} {by}{'s' if len(rows) != 1 else ''}", style="dim"))


def _collapse_gaps(labels: list[str], rows: list[dict], by: str, count: str = "items", *, longest: int = 3):
    """(label, row, 0) per row, with runs of more than ``longest`` empty months or years as (None, None, n)."""
    run: list[tuple[str, dict]] = []
    for label, r in zip(labels, rows, strict=True):
        if by in ("month", "year") and r[count] == 0:
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
