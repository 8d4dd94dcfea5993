"""``kcna places`` on a terminal: a province -> county tree, or a flat table."""

from __future__ import annotations

from .formats import Env, safe_text


def places_table(env: Env, rows: list[dict], *, flat: bool = False) -> None:
    from rich.table import Table
    from rich.tree import Tree

    console = env.console()
    if flat:
        table = Table(header_style="bold")
        for col in ("place", "Korean", "level", "in", "items", "with inside"):
            table.add_column(col, justify="right" if col in ("items", "with inside") else "left")
        for r in rows:
            cells = [safe_text(r["name"]), safe_text(r["name_ko"]), safe_text(r["level"]), safe_text(r["parent"])]
            table.add_row(*cells, str(r["items"]), str(r["items_within"]))
        console.print(table)
        return
    by_name = {r["name"]: r for r in rows}
    children: dict[str | None, list[dict]] = {}
    for r in rows:
        parent = r["parent"] if r["parent"] in by_name else None
        children.setdefault(parent, []).append(r)
    tree = Tree(f"[bold]places[/bold] ({len(rows)})")

    def label(r: dict):
        extra = f", {r['items_within']} with places inside" if r["items_within"] != r["items"] else ""
        count = f"{r['items']} item{'s' if r['items'] != 1 else ''}"
        out = safe_text(r["name"])
        if r["name_ko"]:
            out.append(" ")
            out.append(safe_text(r["name_ko"]))
        out.append(" ")
        out.append(safe_text(r["level"].replace("_", " "), "dim"))
        out.append(f" · {count}{extra}")
        return out

    def add(node, parent_name):
        for r in sorted(children.get(parent_name, []), key=lambda r: (-r["items_within"], r["name"])):
            add(node.add(label(r)), r["name"])

    add(tree, None)
    console.print(tree)
