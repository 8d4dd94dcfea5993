"""``kcna places``: item counts per place, flat for data, a tree for people."""

from __future__ import annotations

from .render import Env

PLACE_FIELDS = ["name", "level", "parent", "province", "items", "items_within", "aliases", "id"]


def place_counts(corpus, *, province: str | None = None, include_empty: bool = False) -> list[dict]:
    """One row per place: items naming it, and items naming it or a place inside it."""
    g = corpus.gazetteer
    direct: dict[str, set[int]] = {}
    for place_id, item_id in corpus.conn.execute("SELECT place_id, item_id FROM item_places"):
        direct.setdefault(place_id, set()).add(item_id)
    scope = None
    if province:
        scope = set()
        for p in g.resolve(province):
            scope |= g.descendants(p.id)
    rows = []
    for p in g.places:
        if scope is not None and p.id not in scope:
            continue
        within: set[int] = set()
        for d in g.descendants(p.id):
            within |= direct.get(d, set())
        n = len(direct.get(p.id, ()))
        if not include_empty and not within:
            continue
        parent = g.by_id.get(p.parent_id) if p.parent_id else None
        prov = g.province_of(p.id)
        rows.append(
            {
                "name": p.full,
                "level": p.level,
                "parent": parent.full if parent else None,
                "province": g.by_id[prov].full if prov else None,
                "items": n,
                "items_within": len(within),
                "aliases": p.aliases,
                "id": p.id,
            }
        )
    order = {"capital_city": 0, "province": 1, "special_city": 2}
    rows.sort(key=lambda r: (r["province"] or "", order.get(r["level"], 3), r["name"]))
    return rows


def places_table(env: Env, corpus, rows: list[dict], *, flat: bool = False) -> None:
    from rich.table import Table
    from rich.tree import Tree

    console = env.console()
    if flat:
        table = Table(header_style="bold")
        for col in ("place", "level", "in", "items", "with inside"):
            table.add_column(col, justify="right" if col in ("items", "with inside") else "left")
        for r in rows:
            table.add_row(r["name"], r["level"], r["parent"] or "", str(r["items"]), str(r["items_within"]))
        console.print(table)
        return
    by_name = {r["name"]: r for r in rows}
    children: dict[str | None, list[dict]] = {}
    for r in rows:
        parent = r["parent"] if r["parent"] in by_name else None
        children.setdefault(parent, []).append(r)
    tree = Tree(f"[bold]places[/bold] ({len(rows)})")

    def label(r: dict) -> str:
        extra = f", {r['items_within']} with places inside" if r["items_within"] != r["items"] else ""
        count = f"{r['items']} item{'s' if r['items'] != 1 else ''}"
        return f"{r['name']} [dim]{r['level'].replace('_', ' ')}[/dim] · {count}{extra}"

    def add(node, parent_name):
        for r in sorted(children.get(parent_name, []), key=lambda r: (-r["items_within"], r["name"])):
            add(node.add(label(r)), r["name"])

    add(tree, None)
    console.print(tree)
