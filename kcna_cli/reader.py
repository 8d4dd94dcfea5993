"""``kcna show``: an item's provenance, and the reader view on a terminal.

``with_provenance`` adds to item dicts where each was seen (``sightings``:
dump id, capture date, file, page, role) and how many text versions it
has (each sighting names the version it showed, numbered in capture
order; null for a teaser that agrees with the text); ``show_items`` draws the reader view: title, date and its note,
outlet, places highlighted in the text, paragraphs, sightings.
"""

from __future__ import annotations

from .inputs import display_path
from .render import Env


def with_provenance(corpus, items: list[dict]) -> list[dict]:
    for item in items:
        rows = corpus.conn.execute(
            "SELECT d.id, d.capture_date, d.path, d.page, s.role, s.position, d.ingested_at, v.number"
            " FROM sightings s JOIN dumps d ON d.id = s.dump_id LEFT JOIN versions v ON v.id = s.version_id"
            " WHERE s.item_id = ?"
            " ORDER BY d.capture_date IS NULL, d.capture_date, d.id",
            (item["id"],),
        ).fetchall()
        item["sightings"] = [
            {
                "dump_id": r[0],
                "capture_date": r[1],
                "path": r[2],
                "page": r[3],
                "role": r[4],
                "position": r[5],
                "ingested_at": r[6],
                "version": r[7],
            }
            for r in rows
        ]
        item["versions"] = corpus.conn.execute(
            "SELECT count(*) FROM versions WHERE item_id = ?", (item["id"],)
        ).fetchone()[0]
    return items


def _marked(text: str, spans: list[tuple[int, int]]):
    from rich.text import Text

    out = Text(text)
    for start, end in spans:
        if 0 <= start < end <= len(text):
            out.stylize("bold green underline", start, end)
    return out


def show_items(env: Env, corpus, items: list[dict]) -> None:
    from rich.rule import Rule
    from rich.text import Text

    console = env.console()
    for n, item in enumerate(items):
        if n:
            console.print(Rule())
        spans: dict[str, list[tuple[int, int]]] = {}
        for field, start, end in corpus.conn.execute(
            'SELECT field, start, "end" FROM item_places WHERE item_id = ?', (item["id"],)
        ):
            spans.setdefault(field, []).append((start, end))
        title = item["title"] or "(untitled)"
        console.print(_marked(title, spans.get("title", [])), style="bold")
        meta = Text()
        meta.append(f"#{item['id']} · {item['kind']} · ", style="dim")
        meta.append(item["date"] or "no date")
        meta.append(f" · {item['source'] or item['outlet'] or 'unknown source'}", style="dim")
        if item.get("dateline"):
            meta.append(f" · filed from {item['dateline']}", style="dim")
        console.print(meta)
        if item.get("date_note"):
            console.print(Text(f"date note: {item['date_note']}", style="yellow"))
        if item.get("places"):
            console.print(Text("places: " + ", ".join(item["places"]), style="green"))
        if item.get("versions", 0) > 1:
            console.print(Text(f"{item['versions']} text versions (kcna revisions {item['id']})", style="magenta"))
        console.print()
        text_field = "body" if item.get("body") else "lede"
        text = item.get(text_field) or ""
        offset = 0
        for para in text.split("\n\n"):
            local = [(s - offset, e - offset) for s, e in spans.get(text_field, []) if offset <= s < offset + len(para)]
            console.print(_marked(para, local))
            console.print()
            offset += len(para) + 2
        seen = item.get("sightings") or []
        console.print(Text(f"seen in {len(seen)} dump{'s' if len(seen) != 1 else ''}:", style="bold"))
        for s in seen:
            where = display_path(s["path"])
            if s["page"] and s["page"] > 1:
                where += f" (page {s['page']})"
            console.print(
                Text(
                    f"  dump {s['dump_id']} · captured {s['capture_date'] or 'unknown'} · as {s['role']} · {where}",
                    style="dim",
                )
            )
