"""``kcna show`` on a terminal: the reader view.

``show_items`` draws items completed by ``query.with_provenance``: title,
date and its note, outlet, places highlighted in the text (at the spans
``query.place_spans`` found), paragraphs, and every dump that showed it.
"""

from __future__ import annotations

from ..inputs import display_path
from ..terminal import visible
from .formats import Env


def _marked(text: str, spans: list[tuple[int, int]]):
    """Text with the place spans highlighted; control characters made visible
    piece by piece, so the spans (offsets in the stored text) stay in place."""
    from rich.text import Text

    out = Text()
    pos = 0
    for start, end in sorted(spans):
        if pos <= start < end <= len(text):
            out.append(visible(text[pos:start]))
            out.append(visible(text[start:end]), style="bold green underline")
            pos = end
    out.append(visible(text[pos:]))
    return out


def show_items(env: Env, items: list[dict], spans_of: dict[int, dict[str, list[tuple[int, int]]]]) -> None:
    from rich.rule import Rule
    from rich.text import Text

    console = env.console()
    for n, item in enumerate(items):
        if n:
            console.print(Rule())
        spans = spans_of.get(item["id"], {})
        title = item["title"] or "(untitled)"
        console.print(_marked(title, spans.get("title", [])), style="bold")
        meta = Text()
        meta.append(f"#{item['id']} · {item['kind']} · ", style="dim")
        meta.append(visible(item["date"] or "no date"))
        meta.append(visible(f" · {item['source'] or item['outlet'] or 'unknown source'}"), style="dim")
        if item.get("dateline"):
            meta.append(visible(f" · filed from {item['dateline']}"), style="dim")
        console.print(meta)
        if item.get("date_note"):
            console.print(Text(visible(f"date note: {item['date_note']}"), style="yellow"))
        if item.get("places"):
            console.print(Text(visible("places: " + ", ".join(item["places"])), style="green"))
        for other in item.get("other_languages") or []:
            line = f"in {other['language']}: #{other['id']} {other['title'] or '(untitled)'}"
            console.print(Text(visible(line), style="cyan"))
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
            line = f"  dump {s['dump_id']} · captured {s['capture_date'] or 'unknown'} · as {s['role']} · {where}"
            console.print(Text(visible(line), style="dim"))
