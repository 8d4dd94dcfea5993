"""After the merge rules: what keeps a corpus the same whatever order its captures came in.

``settle``   after each article capture: every cut-off capture counts as the version
             its text starts, and the item's text is its latest capture's;
``absorb``   an untitled item stored apart from a title-only one (``merge.split_found``)
             is removed and its captures stored again, now into the titled item.

Both run inside the writer's savepoint for the dump; neither commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import version_text
from .merge import upsert

if TYPE_CHECKING:
    from .writer import Writer


def settle(w: Writer, item_id: int) -> None:
    """After an article capture: each cut-off capture shows the version it is the start of,
    and the item's text is that of its latest capture, whatever order they came in.

    A cut capture (``sightings.cut``: the length of the text it showed) starts
    every version whose text begins so; it is counted as the one first captured
    last on or before its own capture date (else the earliest), and as a cut
    version of its own (the longest such) only when no whole text begins so.
    Cut versions no capture shows any more are removed.
    """
    conn = w.conn
    cuts = conn.execute(
        "SELECT s.dump_id, s.role, s.version_id, s.cut, coalesce(d.capture_date, '') FROM sightings s"
        " JOIN dumps d ON d.id = s.dump_id WHERE s.item_id = ? AND s.cut IS NOT NULL",
        (item_id,),
    ).fetchall()
    if not cuts:  # the usual case: the merge rules have kept the item as it is
        return
    versions = {
        vid: (bool(partial), version_text(text), fp)
        for vid, partial, text, fp in conn.execute(
            "SELECT id, partial, text, fingerprint FROM versions WHERE item_id = ? AND kind = 'body'", (item_id,)
        )
    }
    first: dict[int, str] = dict(
        conn.execute(
            "SELECT s.version_id, min(coalesce(d.capture_date, '')) FROM sightings s JOIN dumps d ON d.id = s.dump_id"
            " WHERE s.item_id = ? AND s.cut IS NULL AND s.version_id IS NOT NULL GROUP BY s.version_id",
            (item_id,),
        ).fetchall()
    )
    moved = False
    for dump_id, role, vid, cut, capture in cuts:
        if vid not in versions:
            continue
        start = versions[vid][1][:cut]
        whole = [v for v, (partial, text, _) in versions.items() if not partial and text.startswith(start)]
        if whole:
            before = [v for v in whole if first.get(v, "") <= capture]
            if before:
                pick = max(before, key=lambda v: (first.get(v, ""), _desc(versions[v][2])))
            else:
                pick = min(whole, key=lambda v: (first.get(v, ""), versions[v][2]))
        else:
            cut_versions = [v for v, (partial, text, _) in versions.items() if partial and text.startswith(start)]
            pick = max(cut_versions, key=lambda v: (len(versions[v][1]), _desc(versions[v][2])))
        if pick != vid:
            conn.execute(
                "UPDATE sightings SET version_id = ? WHERE item_id = ? AND dump_id = ? AND role = ?",
                (pick, item_id, dump_id, role),
            )
            moved = True
    if moved:
        conn.execute(
            "DELETE FROM versions WHERE item_id = ? AND kind = 'body' AND partial = 1 AND id NOT IN"
            " (SELECT version_id FROM sightings WHERE item_id = ? AND version_id IS NOT NULL)",
            (item_id, item_id),
        )
        w.reorder.add(item_id)
    _current(w, item_id)


def _desc(text: str) -> tuple[int, ...]:
    """A key under which ``max`` picks the smallest text."""
    return tuple(-ord(c) for c in text)


def _current(w: Writer, item_id: int) -> None:
    """The item's text is the version its latest article capture showed (equal dates: the
    whole text before a cut one, then the longer, then the smaller fingerprint)."""
    rows = w.conn.execute(
        "SELECT s.version_id, coalesce(d.capture_date, ''), v.partial, length(v.text), v.fingerprint, v.text"
        " FROM sightings s JOIN dumps d ON d.id = s.dump_id JOIN versions v ON v.id = s.version_id"
        " WHERE s.item_id = ? AND s.role = 'article' AND v.kind = 'body'",
        (item_id,),
    ).fetchall()
    if not rows:
        return
    best = max(rows, key=lambda r: (r[1], not r[2], r[3], _desc(r[4])))
    vid, capture, text = best[0], best[1], best[5]
    cur = w.conn.execute("SELECT version_id, body FROM items WHERE id = ?", (item_id,)).fetchone()
    if cur is None or (cur[0] == vid and cur[1] == text):
        return
    w.touch(item_id)
    w.conn.execute(
        "UPDATE items SET version_id = ?, version_capture = ?, body = ?, lede = ? WHERE id = ?",
        (vid, capture, text, text.split("\n\n", 1)[0], item_id),
    )


def absorb(w: Writer, item_id: int) -> list[tuple[int, int, str, int, int | None, int | None]]:
    """Remove an item and store the records of its sightings again (see ``split_found``);
    return the new sightings."""
    from ..inputs import saved_page
    from ..packing import unpack
    from ..parse import parse_page

    conn = w.conn
    sightings = conn.execute(
        "SELECT s.dump_id, s.role, s.position, d.raw, d.capture_date FROM sightings s JOIN dumps d ON d.id = s.dump_id"
        " WHERE s.item_id = ? ORDER BY s.dump_id, s.position",
        (item_id,),
    ).fetchall()
    w.touch(item_id)
    w.corpus.index_places(item_id, None, None, None)  # no places, persons or activities any more
    w.flush_index(item_id)  # the full-text index holds the row as it is, so deleting it removes it exactly
    for table in ("versions", "sightings"):
        conn.execute(f"DELETE FROM {table} WHERE item_id = ?", (item_id,))
    conn.execute("DELETE FROM items WHERE id = ?", (item_id,))
    w.forget(item_id)
    out = []
    for dump_id, role, position, raw, capture_date in sightings:
        dump = parse_page(saved_page(unpack(raw))[0])
        rec = dump.records[position]
        partial = role == "article" and not dump.complete
        new_id, version_id = upsert(w, rec, capture_date or "", partial=partial)
        cut = len(version_text(rec.body)) if partial and rec.body and version_id is not None else None
        out.append((new_id, dump_id, role, position, version_id, cut))
    return out
