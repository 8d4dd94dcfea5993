"""``kcna revisions``: drawing the list of revised items and a diff.

On a terminal a diff is the newer text with the changes inline (deleted
words red and struck through, inserted words green), under a header that
names both versions and the names that disappeared. Piped, it is a unified
diff of the two texts, one paragraph per line, that ``patch``-minded tools
and people read.
"""

from __future__ import annotations

import difflib

from ..revisions import WORD_BUDGET, trimmed_ops
from ..terminal import visible
from ..text import normalize_paragraphs
from .formats import Env, safe_text


def revisions_table(env: Env, rows: list[dict], *, total: int | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = env.console()
    if not rows:
        console.print(Text("no matching item has more than one text version", style="dim"))
        return
    table = Table(expand=True, pad_edge=False, header_style="bold")
    table.add_column("id", justify="right", style="cyan", no_wrap=True)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=3, min_width=20)
    table.add_column("versions", justify="right", no_wrap=True)
    table.add_column("last seen", no_wrap=True)
    table.add_column("words", justify="right", no_wrap=True)
    table.add_column("names removed", ratio=2, overflow="fold", min_width=14, style="red")
    for r in rows:
        table.add_row(
            safe_text(r["id"]),
            safe_text(r["date"] or "—"),
            safe_text(r["title"] or "(untitled)"),
            safe_text(r["versions"]),
            safe_text(r["last_capture"] or "?"),
            f"-{r['words_deleted']} +{r['words_inserted']}",
            safe_text(", ".join(r["names_removed"])),
        )
    console.print(table)
    if total is not None:
        more = total - len(rows)
        msg = f"{len(rows)} of {total} revised item{'s' if total != 1 else ''}"
        if more > 0:
            msg += f"; {more} more (use --limit 0 for all)"
        msg += " · kcna revisions ID shows what changed"
        console.print(Text(msg, style="dim"))


def _label(v: dict) -> str:
    captured = v["first_capture"] or "no capture date"
    if v["last_capture"] and v["last_capture"] != v["first_capture"]:
        captured += f" to {v['last_capture']}"
    what = "teaser lede" if v["kind"] == "lede" else ("cut-off capture" if v["partial"] else "text")
    n = len(v["dumps"])
    return f"version {v['number']}: {what}, captured {captured}, in {n} dump{'s' if n != 1 else ''}"


def show_diff(env: Env, rev: dict) -> None:
    """The diff on a terminal: header, removed names, text with changes inline."""
    from rich.text import Text

    console = env.console()
    a = rev["versions"][rev["from"] - 1]
    b = rev["versions"][rev["to"] - 1]
    console.print(safe_text(rev["title"] or "(untitled)", "bold"))
    console.print(safe_text(f"#{rev['id']} · {rev['date'] or 'no date'} · {rev['outlet'] or ''}", "dim"))
    console.print(safe_text("- " + _label(a), "red"))
    console.print(safe_text("+ " + _label(b), "green"))
    if rev.get("title_change"):
        console.print(safe_text(f"title: {rev['title_change']['old']!r} → {rev['title_change']['new']!r}", "yellow"))
    if rev["names_removed"]:
        console.print(safe_text("names removed: " + ", ".join(rev["names_removed"]), "bold red"))
    console.print(
        Text(f"{rev['words_deleted']} words deleted, {rev['words_inserted']} inserted", style="dim"),
    )
    if rev.get("diff_note"):
        console.print(Text("note: " + rev["diff_note"], style="yellow"))
    console.print()
    if not rev["changes"]:
        console.print(Text("no change in the text (only in what was captured)", style="dim"))
        return
    # without colour, changes are marked as git's word diff does: [-old-]{+new+}
    plain = console.no_color or console.color_system is None
    out = Text()
    ops = trimmed_ops(a["text"], b["text"], old_is_lede=a["kind"] == "lede", new_is_lede=b["kind"] == "lede")
    for tag, old, new in ops:
        old_text = visible("".join(w + s for w, s in old))
        new_text = visible("".join(w + s for w, s in new))
        if tag == "equal":
            out.append(old_text)
            continue
        if old_text:
            gone = old_text.rstrip()
            out.append(f"[-{gone}-]" if plain else gone, style="" if plain else "red strike")
            out.append(" " if new_text else old_text[len(gone) :])
        if new_text:
            added = new_text.rstrip()
            out.append(f"{{+{added}+}}" if plain else added, style="" if plain else "green")
            out.append(new_text[len(added) :])
    console.print(out)


def unified(rev: dict) -> str:
    """The diff as unified-diff text, one paragraph per line."""
    a = rev["versions"][rev["from"] - 1]
    b = rev["versions"][rev["to"] - 1]
    old = normalize_paragraphs(a["text"]).split("\n\n")
    new = normalize_paragraphs(b["text"]).split("\n\n")
    if a["kind"] == "lede":  # a lede is the start of the first paragraph
        new = new[:1]
    elif b["kind"] == "lede":
        old = old[:1]
    head = []
    if rev["names_removed"]:
        head.append(f"# names removed: {', '.join(rev['names_removed'])}\n")
    if rev.get("diff_note"):
        head.append(f"# note: {rev['diff_note']}\n")
    if len(old) * len(new) > WORD_BUDGET:  # too many paragraphs to match in reasonable time
        head.append("# note: too many paragraphs to match; the old text, then the new\n")
        old, new = ["\n".join(old)], ["\n".join(new)]
    lines = difflib.unified_diff(
        old,
        new,
        fromfile=f"item {rev['id']} {_label(a)}",
        tofile=f"item {rev['id']} {_label(b)}",
        lineterm="",
        n=1,
    )
    # text for people (a pager, a terminal): control characters made visible
    return visible("".join(head) + "".join(line + "\n" for line in lines))
