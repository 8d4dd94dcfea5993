"""People and appearances drawn on a terminal: tables, a profile, charts. No SQL here.

Every name, post and object came from a dump: it is drawn as plain ``Text``
(never read as rich markup) with control characters made visible, as everywhere else.
"""

from __future__ import annotations

from typing import Any

from .charts import bar_chart
from .formats import Env, safe_text


def _t(value: Any, style: str = ""):
    """Untrusted text as a rich ``Text``: no markup, control characters made visible (``terminal.visible``)."""
    return safe_text(value, style)


def people_table(env: Env, rows: list[dict], *, title: str | None = None) -> None:
    """``kcna people``: one row per person."""
    from rich.table import Table
    from rich.text import Text

    console = env.console()
    if not rows:
        console.print(Text("no persons named in the matching items", style="dim"))
        return
    table = Table(expand=True, pad_edge=False, header_style="bold", title=title, title_justify="left")
    table.add_column("name", no_wrap=True, ratio=2)
    table.add_column("items", justify="right", style="cyan", no_wrap=True)
    table.add_column("first seen", no_wrap=True, min_width=10)
    table.add_column("last seen", no_wrap=True, min_width=10)
    table.add_column("latest post", ratio=3, overflow="ellipsis", no_wrap=True)
    for r in rows:
        name = _t(r["name"])
        if r["foreign"]:
            name.append(" (foreign)", style="dim")
        table.add_row(
            name, str(r["mentions"]), r["first_seen"] or "—", r["last_seen"] or "—", _t(r["latest_post"] or "")
        )
    console.print(table)
    console.print(Text(f"{len(rows)} person{'s' if len(rows) != 1 else ''}", style="dim"))


def profile_view(env: Env, p: dict) -> None:
    """``kcna people NAME``: who, when, posts, companions, gaps, and mentions by month as a chart."""
    from rich.text import Text

    console = env.console()
    head = _t(p["name"], "bold")
    if p["foreign"]:
        head.append(" (foreign)", style="dim")
    console.print(head)
    seen = f"named in {p['mentions']} items · first {p['first_seen'] or '—'} · last {p['last_seen'] or '—'}"
    if p["days_since_last_seen"] is not None:
        seen += f" ({p['days_since_last_seen']} days before the latest item stored)"
    console.print(Text(seen))
    ev = p["events"]
    console.print(
        Text(
            f"activities: {ev['leader']} as leader · accompanied {ev['companion']} · greeted {ev['greeter']}",
            style="dim",
        )
    )
    if p["posts"]:
        console.print(Text("\nposts", style="bold"))
        for post in p["posts"]:
            line = _t(f"  {post['first'] or '?'} … {post['last'] or '?'}  ")
            line.append(_t(post["post"]))
            line.append(f"  ({post['mentions']})", style="dim")
            console.print(line)
    if p["appears_with"]:
        console.print(Text("\nnamed most with", style="bold"))
        for w in p["appears_with"]:
            line = _t(f"  {w['items']:>4}  ")
            line.append(_t(w["name"]))
            console.print(line)
    if p["gaps"]:
        console.print(Text("\ngaps", style="bold"))
        for g in p["gaps"]:
            console.print(Text(f"  {g['from']} → {g['to']}  {g['days']} days"))
    console.print()
    bar_chart(env, p["by_month"], "month", title="items by month")


def appearances_table(env: Env, rows: list[dict]) -> None:
    """``kcna appearances``: one row per activity."""
    from rich.table import Table
    from rich.text import Text

    console = env.console()
    if not rows:
        console.print(Text("no matching activities", style="dim"))
        return
    table = Table(expand=True, pad_edge=False, header_style="bold")
    table.add_column("id", justify="right", style="cyan", no_wrap=True)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("type", no_wrap=True)
    table.add_column("object", ratio=3, overflow="fold")
    table.add_column("places", ratio=2, overflow="fold")
    table.add_column("with", ratio=3, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["date"] or "—",
            _t(r["type"]),
            _t(r["object"] or ""),
            _t(", ".join(r["places"])),
            _t(", ".join(r["companions"])),
        )
    console.print(table)
    reports = sum(r["reports"] for r in rows)
    console.print(
        Text(f"{len(rows)} activit{'ies' if len(rows) != 1 else 'y'} · reported by {reports} items", style="dim")
    )
