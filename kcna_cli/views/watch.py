"""``kcna watch`` on a terminal: each watch's new items, and the list of watches."""

from __future__ import annotations

from typing import Any

from .formats import Env
from .items import items_table


def digest(env: Env, runs: list[Any], *, dry_run: bool = False) -> None:
    """Per watch: a heading (name, search, how many new), then its new items as a table."""
    from rich.text import Text

    console = env.console()
    if not runs:
        console.print(Text("no watches yet: kcna watch add NAME [search options]", style="dim"))
        return
    for n, r in enumerate(runs):
        if n:
            console.print()
        w = r.watch
        count = len(r.items)
        head = Text()
        head.append(f"watch {w.name}", style="bold")
        head.append(f" · {w.search or 'everything'}", style="dim")
        head.append(f" · {count} new item{'s' if count != 1 else ''}")
        head.append(" since its last run" if w.last_run_at else " since it was saved", style="dim")
        console.print(head)
        if r.items:
            items_table(env, r.items)
    if dry_run:
        console.print(Text("dry run: the marks were left where they were", style="dim"))


def watch_table(env: Env, rows: list[dict]) -> None:
    from rich.table import Table
    from rich.text import Text

    console = env.console()
    if not rows:
        console.print(Text("no watches yet: kcna watch add NAME [search options]", style="dim"))
        return
    table = Table(header_style="bold", pad_edge=False, expand=False)
    table.add_column("name", style="cyan", no_wrap=True)
    table.add_column("search", overflow="fold")
    table.add_column("new", justify="right", no_wrap=True)
    table.add_column("last run (UTC)", no_wrap=True)
    for r in rows:
        last = (r["last_run_at"] or "never")[:16].replace("T", " ")
        table.add_row(r["name"], r["search"] or "(everything)", str(r["new_items"]), last)
    console.print(table)
