"""What ``kcna show`` adds to an item: every dump that showed it, its text versions,
where its place mentions are (re-exported by ``kcna_cli.query``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .db import Corpus


def with_provenance(corpus: Corpus, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Add to item dicts what ``kcna show`` reports.

    ``sightings``: every dump that showed the item (dump id, capture date,
    file, page, role, position, ingest time, and the number of the text
    version it showed, null for a teaser that agrees with the text), in
    capture order; ``versions``: the number of distinct texts.
    ``place_spans`` (not part of ``--json``): ``{field: [(start, end)]}``
    of each place mention, for highlighting.
    """
    out = []
    for shown in items:
        item = dict(shown)
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
        item["version_count"] = item["versions"]
        out.append(item)
    return out


def place_spans(corpus: Corpus, item_id: int) -> dict[str, list[tuple[int, int]]]:
    """Where an item's place mentions are: ``{field: [(start, end), ...]}``."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for fld, start, end in corpus.conn.execute(
        'SELECT field, start, "end" FROM item_places WHERE item_id = ?', (item_id,)
    ):
        spans.setdefault(fld, []).append((start, end))
    return spans
