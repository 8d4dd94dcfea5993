"""The corpus is a function of the set of captures, not of the order they were ingested in.

For the fixtures, the revision fixtures and a generated corpus of cut-off,
paywalled and edited captures, random permutations of the ingest order must
give the same export (every field but ``id``) and the same ``revisions``
output, before and after ``reparse``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys

import pytest
from support import FIXTURES, ROOT

from kcna_cli import revisions as rv
from kcna_cli.db import Corpus
from kcna_cli.inputs import read_pages
from kcna_cli.parse import parse_pages
from kcna_cli.query import Filters, iter_items

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

PERMUTATIONS = 20
PAYWALL = "Upgrade to NK PRO today to get full access to this content"


def fixture_dumps() -> list[tuple[str, bytes]]:
    files = sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".txt", ".html"})
    return [(str(p.relative_to(FIXTURES)), p.read_bytes()) for p in files]


def _recapture(text: str, days: int) -> str:
    """The same page captured ``days`` later (another dump, same article)."""
    first = text.split("\n", 1)[0]
    m = re.match(r"^([A-Z][a-z]+ \d\d, \d{4})", first)
    assert m, first
    day = dt.datetime.strptime(m.group(1), "%B %d, %Y").date() + dt.timedelta(days=days)
    return f"{day:%B %d, %Y}{day:%b %d, %Y}\n" + text.split("\n", 1)[1]


def _cut(text: str, rng: random.Random, *, tail: str = "") -> str:
    """The page cut off mid-word inside its body, with ``tail`` (an upsell, a teaser list) after it."""
    body_start = text.index("Pyongyang,", text.index("Date:"))
    body_end = text.index(" -0-", body_start)
    at = rng.randrange(body_start + 80, body_end - 5)
    while text[at].isspace() or text[at - 1].isspace() or text[at - 1] in ".!?":
        at += 1
    return text[:at] + tail


def generated_dumps(n: int = 24, seed: int = 7) -> list[tuple[str, bytes]]:
    """Page dumps of the benchmark generator, and cut-off, paywalled and edited recaptures of some."""
    rng = random.Random(seed)
    pages = list(generate.generate(n, per_day=4, seed=seed))
    out = [(f"gen/{k:03d}.txt", p) for k, p in enumerate(pages)]
    for k, page in enumerate(pages[: n // 2]):
        more_from = page[page.index("More From") :]
        kind = k % 4
        if kind == 0:  # cut mid-word, nothing after: the capture stopped
            text = _cut(_recapture(page, 1), rng)
        elif kind == 1:  # cut mid-word, the teaser list still printed after it; and the title in capitals
            text = _cut(_recapture(page, 2), rng, tail="\n\n" + more_from)
            title = page.split("\n")[3]
            out.append((f"gen/{k:03d}-retitled.txt", _recapture(page.replace(title, title.upper(), 1), 3)))
        elif kind == 2:  # paywalled: cut at the upsell, teasers after it
            text = _cut(_recapture(page, 1), rng, tail=f"\n\n{PAYWALL}\n\nJoin the NK Pro team\n\n{more_from}")
        else:  # edited: a paragraph removed a day later, and a cut capture of the same day
            start = page.index("\n\n", page.index("Date:")) + 2
            second = page.index("\n\n", start) + 2  # the article's second paragraph
            edited = page[:second] + page[page.index("\n\n", second) + 2 :]
            out.append((f"gen/{k:03d}-edited.txt", _recapture(edited, 1)))
            text = _cut(_recapture(page, 1), rng)
        out.append((f"gen/{k:03d}-recapture.txt", text))
    return [(name, text.encode("utf-8")) for name, text in out]


def snapshot(corpus: Corpus) -> tuple[list[str], list[str]]:
    """Every exported item without its id, and every revision with dumps named by content hash
    (two files holding the same page are one dump, stored under the path read first)."""
    where = dict(corpus.conn.execute("SELECT id, sha256 FROM dumps"))
    items = sorted(
        # ids are a database's own, added_at the clock's: neither is part of what was captured
        json.dumps({k: v for k, v in it.items() if k not in ("id", "added_at")}, sort_keys=True)
        for it in iter_items(corpus, Filters())
    )
    revisions = []
    for row in rv.revised_items(corpus, Filters(), limit=0).items:
        detail = rv.revision(corpus, row["id"])
        for v in detail["versions"]:
            v["dumps"] = sorted(where[d] for d in v["dumps"])
        revisions.append(json.dumps([{**row, "id": None}, {**detail, "id": None}], sort_keys=True))
    return items, sorted(revisions)


def assert_no_orphans(corpus: Corpus) -> None:
    """Every row that names an item names one that exists (items stored again leave nothing behind)."""
    tables = [t for (t,) in corpus.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        cols = [c[1] for c in corpus.conn.execute(f"PRAGMA table_info({table})")]
        if "item_id" in cols:
            orphans = corpus.conn.execute(
                f"SELECT count(*) FROM {table} WHERE item_id NOT IN (SELECT id FROM items)"
            ).fetchone()[0]
            assert orphans == 0, f"{orphans} rows of {table} name no item"


def assert_facets_current(corpus: Corpus) -> None:
    """Every item's filter tokens (``items.facets``) are its date, the places and the
    persons it names now, whatever the item went through (edits, merges, upgrades)."""
    from kcna_cli.facets import facets

    q = corpus.conn.execute
    places: dict[int, list[str]] = {}
    for item_id, place_id in q("SELECT item_id, place_id FROM item_places"):
        places.setdefault(item_id, []).append(place_id)
    persons: dict[int, set[int]] = {}
    for item_id, person_id in q("SELECT item_id, person_id FROM person_mentions"):
        persons.setdefault(item_id, set()).add(person_id)
    for item_id, date, stored in q("SELECT id, date, facets FROM items").fetchall():
        expected = facets(date, places.get(item_id, ()), corpus.gazetteer, persons.get(item_id, ()))
        assert stored == expected, (item_id, stored, expected)


def ingest(dumps: list[tuple[str, bytes]]) -> tuple[tuple, tuple]:
    corpus = Corpus(":memory:")
    for name, data in dumps:
        corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))
    before = snapshot(corpus)
    # the full-text index holds exactly the items (an untitled item stored again into a titled one is gone)
    corpus.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
    assert_no_orphans(corpus)
    assert_facets_current(corpus)
    corpus.reparse()
    corpus.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
    assert_no_orphans(corpus)
    assert_facets_current(corpus)
    after = snapshot(corpus)
    corpus.close()
    return before, after


def assert_order_free(dumps: list[tuple[str, bytes]], seed: int) -> tuple:
    reference, reparsed = ingest(dumps)
    assert reparsed == reference  # reparse (dumps in ingest order) rebuilds the same corpus
    rng = random.Random(seed)
    for _ in range(PERMUTATIONS):
        order = dumps[:]
        rng.shuffle(order)
        got, got_reparsed = ingest(order)
        names = [n for n, _ in order]
        assert got[0] == reference[0], f"export differs for ingest order {names}"
        assert got[1] == reference[1], f"revisions differ for ingest order {names}"
        assert got_reparsed == reference, f"reparse differs for ingest order {names}"
    return reference


def test_fixtures_in_any_order_give_one_corpus():
    items, revisions = assert_order_free(fixture_dumps(), seed=1)
    assert len(items) > 40 and len(revisions) >= 1


def test_revision_fixtures_in_any_order_give_one_corpus():
    dumps = [(n, d) for n, d in fixture_dumps() if n.startswith("revisions/")]
    _, revisions = assert_order_free(dumps, seed=2)
    assert len(revisions) == 1


@pytest.mark.parametrize("seed", [7, 11])
def test_generated_cut_and_edited_captures_in_any_order_give_one_corpus(seed):
    dumps = generated_dumps(seed=seed)
    items, revisions = assert_order_free(dumps, seed=seed)
    # the edited recaptures are the only revisions: no cut or paywalled capture counts as an edit
    edited = sum(1 for name, _ in dumps if name.endswith("-edited.txt"))
    assert len(revisions) == edited > 0
    for line in revisions:
        row, detail = json.loads(line)
        assert row["versions"] == 2 and [v["partial"] for v in detail["versions"]] == [False, False]
    assert not any(PAYWALL in line for line in items)


def test_rows_read_ahead_by_key_are_what_one_lookup_reads(monkeypatch):
    # the writer reads the rows of a dump's keys together (merge.KeyRows): each row it
    # uses must be the one a lookup of that key alone would read at that moment, also
    # after storing an earlier record of the dump changed the items
    from kcna_cli.db import merge

    real, real_read = merge.KeyRows.row, merge.KeyRows._read
    used, reread_after_write, reads = [], [], []

    def row(self, position):
        before = len(reads)
        got = real(self, position)
        alone = self.conn.execute(merge._FOUND + " WHERE key = ?", (self.keys[position],)).fetchone()
        assert got == alone, (position, self.keys[position])
        used.append(got is not None)
        reread_after_write.append(len(reads) > before and position > 0)
        return got

    def read(self, keys):
        reads.append(keys)
        return real_read(self, keys)

    monkeypatch.setattr(merge.KeyRows, "row", row)
    monkeypatch.setattr(merge.KeyRows, "_read", read)
    corpus = Corpus(":memory:")
    for name, data in fixture_dumps() + generated_dumps() + fixture_dumps():
        corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))
    assert sum(used) > 100 and not all(used)  # known keys and new ones
    assert any(reread_after_write)  # a teaser stored as a change, then the rest read again


def test_rows_read_ahead_are_read_again_for_the_item_the_writer_says_it_changed():
    # storing a record changes its own item only, and the writer says which
    # (``KeyRows.wrote``): that item's row, and rows of keys no item had, are read again
    from kcna_cli.db import merge

    corpus = Corpus(":memory:")
    for name, data in fixture_dumps()[:6]:
        corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))
    conn = corpus.conn
    rows = conn.execute("SELECT id, key FROM items ORDER BY id LIMIT 3").fetchall()
    (a, ka), (b, kb), (c, kc) = rows
    ahead = merge.KeyRows(conn, [ka, kb, kc, "no|such|key"])
    reads = []
    real_read = ahead._read
    ahead._read = lambda keys: reads.append(list(keys)) or real_read(keys)  # type: ignore[method-assign]
    assert ahead.row(0)[0] == a and reads == [[ka, kb, kc, "no|such|key"]]
    # the record at 0 was item b (found by its opening words) and gave it its key ...
    conn.execute("UPDATE items SET key = 'no|such|key' WHERE id = ?", (b,))
    ahead.wrote(b)
    assert ahead.row(1) is None and ahead.row(2)[0] == c and ahead.row(3)[0] == b
    assert reads[1:] == [[kb, "no|such|key"]]  # c's row was not read again
    # a change the writer does not account for: every key still to come is read again
    conn.execute("UPDATE items SET title = 'Changed' WHERE id = ?", (c,))
    assert ahead.row(2)[2] == "Changed" and reads[2:] == [[kc, "no|such|key"]]


def test_rows_read_ahead_are_read_again_after_a_write():
    from kcna_cli.db import merge

    corpus = Corpus(":memory:")
    for name, data in fixture_dumps()[:6]:
        corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))
    keys = [k for (k,) in corpus.conn.execute("SELECT key FROM items ORDER BY id LIMIT 3")]
    ahead = merge.KeyRows(corpus.conn, [*keys, "no|such|key"])
    # positions come in order, as the writer stores a dump's records
    assert ahead.row(0)[6] == keys[0]
    assert ahead.row(1) == corpus.conn.execute(merge._FOUND + " WHERE key = ?", (keys[1],)).fetchone()
    corpus.conn.execute("UPDATE items SET title = 'Changed' WHERE key = ?", (keys[2],))
    assert ahead.row(2)[2] == "Changed"  # not the row read before the change
    assert ahead.row(3) is None


def test_teasers_the_rules_leave_alone_are_found_without_them(monkeypatch):
    # the writer's shortcut for the usual teaser (merge._seen_again): wherever it is
    # taken, the full rules would have changed nothing in the database or the writer's
    # bookkeeping, and answered the same item with no version
    from kcna_cli.db import merge

    real = merge._seen_again
    taken, passed = [], []

    def checked(w, row, rec):
        if not real(w, row, rec):
            passed.append(rec.key)
            return False
        changes, merged = w.conn.total_changes, w.report.duplicates_merged
        marks = (set(w.changed), set(w.reorder), set(w.fts_old), set(w.absorb))
        monkeypatch.setattr(merge, "_seen_again", lambda *a: False)
        try:
            full = merge.upsert(w, rec, "", ahead=None)
        finally:
            monkeypatch.setattr(merge, "_seen_again", checked)
        assert full == (row[0], None), rec.key
        assert w.conn.total_changes == changes, rec.key
        assert (set(w.changed), set(w.reorder), set(w.fts_old), set(w.absorb)) == marks
        w.report.duplicates_merged = merged
        taken.append(rec.key)
        return True

    dumps = fixture_dumps() + generated_dumps(seed=5)
    random.Random(5).shuffle(dumps)

    def build() -> Corpus:
        corpus = Corpus(":memory:")
        half = len(dumps) // 2
        for name, data in dumps[:half]:
            corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))
        # stored articles the teasers to come may outrank or disagree with: an outlet
        # unknown or inferred (a page that printed none), a first paragraph since edited
        q = corpus.conn.execute
        ids = [i for (i,) in q("SELECT id FROM items WHERE kind = 'article' AND body IS NOT NULL ORDER BY id")]
        with corpus.conn:
            q(f"UPDATE items SET source = NULL WHERE id IN ({','.join(map(str, ids[0::4]))})")
            q(f"UPDATE items SET source_note = 'inferred' WHERE id IN ({','.join(map(str, ids[1::4]))})")
            edited = ",".join(map(str, ids[2::4]))
            q(f"UPDATE items SET lede = 'Edited: ' || lede, body = 'Edited: ' || body WHERE id IN ({edited})")
            q(f"UPDATE versions SET text = 'Edited: ' || text WHERE item_id IN ({edited})")
        for name, data in dumps[half:] + dumps:
            corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))
        return corpus

    monkeypatch.setattr(merge, "_seen_again", checked)
    shortcut = snapshot(build())
    assert len(taken) > 50 and len(passed) > 10  # the usual teaser, and others
    monkeypatch.setattr(merge, "_seen_again", lambda *a: False)
    assert snapshot(build()) == shortcut


def test_an_article_first_stored_has_nothing_to_settle():
    # the writer settles an article's versions after each capture of it, but not after
    # its first (db.settle needs another capture to weigh a cut one against)
    from kcna_cli.db.corpus import IngestReport
    from kcna_cli.db.settle import settle
    from kcna_cli.db.writer import Writer

    cut_first = 0
    for name, data in generated_dumps(seed=3):
        corpus = Corpus(":memory:")
        corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))
        rows = corpus.conn.execute(
            "SELECT item_id, cut FROM sightings WHERE role = 'article' AND item_id IN"
            " (SELECT id FROM items WHERE body IS NOT NULL)"
        ).fetchall()
        for item_id, cut in rows:
            cut_first += cut is not None
            before = corpus.conn.total_changes
            w = Writer(corpus, IngestReport())
            settle(w, item_id)
            assert corpus.conn.total_changes == before and not w.reorder, name
        corpus.close()
    assert cut_first > 0  # first captures cut off among them


def _fresh_lookups(monkeypatch) -> dict:
    """Make every row the writer uses be checked against a lookup of its key alone, and count
    the rows served by the rows kept from earlier dumps (``found.RowCache``)."""
    from kcna_cli.db import found, merge

    real_row, real_rows_of = merge.KeyRows.row, found.RowCache.rows_of
    counts = {"used": 0, "kept": 0}

    def row(self, position):
        got = real_row(self, position)
        alone = self.conn.execute(merge._FOUND + " WHERE key = ?", (self.keys[position],)).fetchone()
        assert got == alone, (position, self.keys[position])
        counts["used"] += got is not None
        return got

    def rows_of(self, keys):
        out = real_rows_of(self, keys)
        counts["kept"] += len(out)
        return out

    monkeypatch.setattr(merge.KeyRows, "row", row)
    monkeypatch.setattr(found.RowCache, "rows_of", rows_of)
    return counts


def test_rows_kept_from_earlier_dumps_are_what_one_lookup_reads(monkeypatch):
    # in one ingest the writer keeps the rows of the keys it read (teasers recur in every
    # capture); each row it uses is still the one a lookup reads, across dumps and
    # transactions, and the corpus is the one stored without kept rows
    from kcna_cli.db import writer

    dumps = fixture_dumps() + generated_dumps() + fixture_dumps()

    def pages():
        for name, data in dumps:
            for page in parse_pages(read_pages(data)):
                yield name, page

    def stored(keep: bool) -> tuple:
        corpus = Corpus(":memory:")
        if not keep:
            monkeypatch.setattr(corpus, "row_cache", lambda: None)
        report = corpus.ingest_pages(pages())
        out = snapshot(corpus), report.to_dict()
        corpus.close()
        return out

    monkeypatch.setattr(writer, "BATCH_DUMPS", 3)  # many transactions
    counts = _fresh_lookups(monkeypatch)
    with_kept = stored(True)
    assert counts["kept"] > 200 and counts["used"] > counts["kept"]
    kept = counts["kept"]
    assert stored(False) == with_kept
    assert counts["kept"] == kept  # (none served without them)


def test_rows_kept_are_dropped_when_another_connection_writes(tmp_path, monkeypatch):
    # another kcna process may store pages between two of the writer's transactions: the
    # rows kept before are not used after that
    from kcna_cli.db import writer

    dumps = generated_dumps()
    db = tmp_path / "kcna.db"
    other_done = []

    def pages():
        for k, (name, data) in enumerate(dumps):
            if k == len(dumps) // 2:
                # (between two batches: no transaction open) another connection changes
                # the title of every item stored so far
                other = Corpus(db)
                other.conn.execute("UPDATE items SET title = title || ' (2)' WHERE title IS NOT NULL")
                other.close()
                other_done.append(k)
            for page in parse_pages(read_pages(data)):
                yield name, page

    from kcna_cli import readahead

    real_batches = readahead.batches
    monkeypatch.setattr(readahead, "batches", lambda pages, failed: real_batches(pages, failed, most=3))
    monkeypatch.setattr(writer, "BATCH_DUMPS", 2)
    counts = _fresh_lookups(monkeypatch)
    corpus = Corpus(db)
    report = corpus.ingest_pages(pages())
    corpus.close()
    assert other_done and counts["kept"] > 20
    assert report.dumps_read == len(dumps) and not report.failed


def test_rows_kept_follow_every_change_and_every_undo(tmp_path):
    from kcna_cli.db import found

    db = tmp_path / "kcna.db"
    corpus = Corpus(db)
    for name, data in fixture_dumps()[:6]:
        corpus.ingest_pages((name, page) for page in parse_pages(read_pages(data)))
    conn = corpus.conn
    cache = corpus.row_cache()
    assert cache is not None
    (a, ka), (b, kb) = conn.execute("SELECT id, key FROM items ORDER BY id LIMIT 2").fetchall()

    def read(keys):
        conn.execute("BEGIN IMMEDIATE")
        cache.begun()
        ahead = found.KeyRows(conn, keys, cache)
        return [ahead.row(i) for i in range(len(keys))]

    def alone(key):
        return conn.execute(found._FOUND + " WHERE key = ?", (key,)).fetchone()

    rows = read([ka, kb])
    conn.execute("COMMIT")
    cache.committed()
    assert cache.rows_of([ka, kb]) == {ka: rows[0], kb: rows[1]}
    # any statement that changes an item's row or its versions drops it
    conn.execute("UPDATE items SET title = 'Changed' WHERE id = ?", (a,))
    assert cache.rows_of([ka, kb]) == {kb: rows[1]}
    conn.execute("INSERT INTO versions (item_id, number, kind, fingerprint) VALUES (?, 9, 'lede', 'x')", (b,))
    assert cache.rows_of([ka, kb]) == {}
    # rows read in a transaction, or a savepoint, that is rolled back are not kept
    assert read([ka])[0] == alone(ka)
    conn.execute("SAVEPOINT dump")
    conn.execute("UPDATE items SET title = 'Undone' WHERE id = ?", (a,))
    assert found.KeyRows(conn, [ka], cache).row(0)[2] == "Undone"
    conn.execute("ROLLBACK TO dump")
    conn.execute("RELEASE dump")
    cache.rolled_back()
    assert cache.rows_of([ka]) == {}
    conn.execute("ROLLBACK")
    # kept rows are dropped when another connection has committed since
    read([ka, kb])
    conn.execute("COMMIT")
    cache.committed()
    assert len(cache.rows_of([ka, kb])) == 2
    other = Corpus(db)
    other.conn.execute("UPDATE items SET title = 'Elsewhere' WHERE id = ?", (b,))
    other.close()
    assert read([kb])[0][2] == "Elsewhere"
    conn.execute("ROLLBACK")
    # and when the triggers that keep them true are gone (changing temp_store drops them)
    read([ka])
    conn.execute("COMMIT")
    cache.committed()
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("UPDATE items SET title = 'Unseen' WHERE id = ?", (a,))
    assert read([ka])[0][2] == "Unseen"
    conn.execute("ROLLBACK")
    corpus.close()
