"""Item lists and key-value tables for the terminal."""

from __future__ import annotations

from typing import Any

from ..inputs import display_path
from ..terminal import visible
from .formats import Env, safe_text


def _highlight(snippet: str):
    """A search snippet with ``**word**`` marks -> rich Text (text never parsed as markup)."""
    from rich.text import Text

    from ..query import MARK_START

    text = Text()
    for i, part in enumerate(snippet.split(MARK_START)):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text


#: below this width the title takes the room: no kind column, the snippet (or places) under the title
NARROW = 120
#: below this width the line under the title is left out
BARE = 60


def items_table(
    env: Env, items: list[dict], *, total: int | None = None, hint: str = "", note: str | None = None
) -> None:
    from rich.text import Text

    console = env.console()
    narrow = console.width < NARROW
    table = _narrow_table(items, under=console.width >= BARE) if narrow else _wide_table(items)
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


def _id_width(items: list[dict]) -> int:
    return len(str(max((it["id"] for it in items), default=1)))


def _title(it: dict):

    return safe_text(it["title"]) if it["title"] else safe_text((it.get("lede") or "")[:80], "italic")


def _wide_table(items: list[dict]):
    from rich.table import Table

    with_snippet = any("snippet" in it for it in items)
    table = Table(show_lines=False, expand=True, pad_edge=False, header_style="bold")
    table.add_column("id", justify="right", style="cyan", no_wrap=True, min_width=_id_width(items))
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("kind", no_wrap=True, min_width=7)
    table.add_column("outlet", no_wrap=True, max_width=14, overflow="ellipsis")
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=3, min_width=20)
    if with_snippet:
        table.add_column("snippet", ratio=3, overflow="fold")
    else:
        table.add_column("places", ratio=1, overflow="ellipsis", no_wrap=True)
    for it in items:
        row = [
            safe_text(it["id"]),
            safe_text(it["date"] or "—"),
            safe_text(it["kind"]),
            safe_text(it["outlet"]),
            _title(it),
        ]
        if with_snippet:
            row.append(_highlight(visible(it.get("snippet") or "")))
        else:
            row.append(safe_text(", ".join(it.get("places") or [])))
        table.add_row(*row)
    return table


def _narrow_table(items: list[dict], *, under: bool):
    """An 80-column terminal: the title gets the room (40+ characters), the snippet or
    places wrap under it (dim), teasers are marked in the title cell."""
    from rich.table import Table

    table = Table(show_lines=False, expand=True, pad_edge=False, header_style="bold")
    table.add_column("id", justify="right", style="cyan", no_wrap=True, min_width=_id_width(items))
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("outlet", no_wrap=True, max_width=10, overflow="ellipsis")
    table.add_column("title", overflow="fold", ratio=1)
    for it in items:
        cell = _title(it)
        if it["kind"] == "teaser":
            cell.append(" (teaser)", style="dim")
        extra = (
            _highlight(visible(it["snippet"])) if it.get("snippet") else safe_text(", ".join(it.get("places") or []))
        )
        if under and extra.plain:
            extra.stylize("dim")
            cell.append("\n")
            cell.append_text(extra)
        table.add_row(safe_text(it["id"]), safe_text(it["date"] or "—"), safe_text(it["outlet"]), cell)
    return table


def kv_table(env: Env, rows: list[tuple[str, Any]], title: str | None = None) -> None:
    from rich.table import Table

    table = Table(show_header=False, title=title, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for k, v in rows:
        table.add_row(safe_text(k), safe_text(v))
    env.console().print(table)


def info_table(env: Env, data: dict) -> None:
    """``kcna info`` on a terminal: one line per fact."""
    sources = ", ".join(f"{s['outlet'] or '(unknown)'} ({s['items']})" for s in data["sources"])
    kv_table(
        env,
        [
            ("database", display_path(data["database"])),
            ("schema", data["schema_version"]),
            ("size", f"{human_bytes(data['size_bytes'])} (raw dumps {human_bytes(data['raw_bytes'])})"),
            ("dumps", data["dumps"]),
            ("items", f"{data['items']} ({data['articles']} articles, {data['teasers']} teasers)"),
            ("revised items", data["revised_items"]),
            ("places named", data["places_named"]),
            ("published", f"{data['first_date'] or '?'} to {data['last_date'] or '?'}"),
            ("captured", f"{data['first_capture'] or '?'} to {data['last_capture'] or '?'}"),
            ("sources", sources or "none"),
        ],
    )


def human_bytes(n: float) -> str:
    """``213000`` -> ``213.0 KB`` (powers of 1000, as file managers show)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)
