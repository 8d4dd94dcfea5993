"""The database file: schema version, migrations, refusal of newer or foreign databases, plain SQLite."""

import hashlib
import sqlite3
from pathlib import Path

from support import FIXTURES, kcna

from kcna_cli.db import SCHEMA_VERSION, Corpus
from kcna_cli.query import Filters, search


def items(corpus, **kw):
    return search(corpus, Filters(**kw), limit=0).items


REV = FIXTURES / "revisions"
TITLE = "Kim Jong Un Inspects Renovated Orchard in Kimhwa County"


def ingest(corpus, names):
    for name in names:
        corpus.ingest_text((REV / name).read_text(encoding="utf-8"), name)


def orchard(corpus):
    (item_id,) = corpus.conn.execute("SELECT id FROM items WHERE title = ?", (TITLE,)).fetchone()
    return item_id


def as_schema_9(db) -> None:
    """Make a database written by this kcna look as schema 9 left it (the file index keyed
    by path, its hashes whole in their index)."""
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        ALTER TABLE files RENAME TO files_10;
        DROP INDEX files_hash;
        CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, sha256 TEXT, pages INTEGER NOT NULL,
            reader TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX files_sha256 ON files(sha256);
        INSERT INTO files SELECT * FROM files_10;
        DROP TABLE files_10;
        PRAGMA user_version = 9;
        """
    )
    conn.close()


def as_schema_8(db) -> None:
    """Make a database written by this kcna look as schema 8 left it (no person tokens in the index)."""
    import re

    as_schema_9(db)
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, facets FROM items").fetchall()
    strip = [(re.sub(r"(^| )n[0-9]+", "", f or "").strip(), i) for i, f in rows]
    conn.executemany("UPDATE items SET facets = ? WHERE id = ?", strip)
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    conn.execute("PRAGMA user_version = 8")
    conn.commit()
    conn.close()


def as_schema_7(db) -> None:
    """Make a database written by this kcna look as schema 7 left it (no watches, URLs or map columns)."""
    as_schema_8(db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE watches")
    conn.execute("DROP INDEX dumps_ingested")
    conn.execute("DROP INDEX dumps_capture")
    conn.execute("ALTER TABLE items DROP COLUMN url")
    conn.execute("ALTER TABLE places DROP COLUMN latitude")
    conn.execute("ALTER TABLE places DROP COLUMN longitude")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()


def as_schema_6(db) -> None:
    """Make a database written by this kcna look as schema 6 left it (no file index)."""
    as_schema_7(db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE files")
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()


def as_schema_5(db) -> None:
    """Make a database written by this kcna look as schema 5 left it (no search forms, no Hangul places)."""
    as_schema_6(db)  # no file index
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER items_ad")
    conn.execute("DROP TABLE items_fts")
    conn.execute("ALTER TABLE items DROP COLUMN gram_title")
    conn.execute("ALTER TABLE items DROP COLUMN gram_text")
    conn.execute("ALTER TABLE places DROP COLUMN name_ko")
    conn.execute("ALTER TABLE places DROP COLUMN hanja")
    conn.execute("DELETE FROM item_places WHERE surface GLOB '*[가-힣一-龥]*'")  # schema 5 knew no such place
    conn.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, lede, body, facets, content=[items], content_rowid=[id],"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN INSERT INTO items_fts(items_fts, rowid, title, lede,"
        " body, facets) VALUES ('delete', old.id, old.title, old.lede, old.body, old.facets); END"
    )
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()


def as_schema_4(db) -> None:
    """Make a database written by this kcna look as schema 4 left it (no people tables)."""
    from kcna_cli.db.people import TABLES

    as_schema_5(db)
    conn = sqlite3.connect(db)
    for table in TABLES:
        conn.execute(f"DROP TABLE {table}")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()


def as_schema_2(db) -> None:
    """Make a database written by this kcna look as schema 2 left it (no facets in the index)."""
    as_schema_4(db)  # no people tables
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER items_ad")
    conn.execute("DROP TABLE items_fts")
    conn.execute("ALTER TABLE items DROP COLUMN facets")
    conn.execute("ALTER TABLE items DROP COLUMN source_note")  # schema 3 -> 4
    conn.execute("ALTER TABLE sightings DROP COLUMN cut")
    conn.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, lede, body, content=[items], content_rowid=[id],"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN INSERT INTO items_fts(items_fts, rowid, title, lede, body)"
        " VALUES ('delete', old.id, old.title, old.lede, old.body); END"
    )
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()


def test_schema_version_and_fts_consistent(corpus, fixture_text):
    for name in ("page-kcna-kp.txt", "multi-page.txt", "page-kcna-kp-recapture.txt"):
        corpus.ingest_text(fixture_text(name), name)
    assert corpus.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    corpus.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
    assert corpus.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_database_readable_by_plain_sqlite(tmp_path, fixture_text):
    path = tmp_path / "plain.db"
    with Corpus(path) as c:
        c.ingest_text(fixture_text("page-kcna-kp.txt"), "a.txt")
    conn = sqlite3.connect(path)
    titles = [r[0] for r in conn.execute("SELECT title FROM items ORDER BY id")]
    assert titles[0] == "Model Greenhouse Farm Built in Kimhwa County"
    hits = conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH 'greenhouse'").fetchall()
    assert hits == [(1,)]


def test_newer_schema_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "new.db"
    Corpus(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    for args in (["search"], ["ingest", str(FIXTURES / "page-kcna-kp.txt")], ["reparse"]):
        r = kcna(*args, "--db", str(db))
        assert r.exit_code == 1 and "newer kcna" in r.stderr, r.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert not Path(str(db) + "-wal").exists()


def test_foreign_sqlite_database_is_refused(tmp_path):
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    r = kcna("search", "--db", str(db))
    assert r.exit_code == 1 and "not a kcna one" in r.stderr


def test_version_2_schema_is_migrated_and_searches_alike(tmp_path):
    """Schema 2 -> 3: facets are computed for stored items and the index is rebuilt with them."""
    from kcna_cli.query import Filters, search

    fresh, old = tmp_path / "fresh.db", tmp_path / "v2.db"
    for db in (fresh, old):
        with Corpus(db) as corpus:
            for f in sorted(FIXTURES.glob("*.txt")):
                corpus.ingest_text(f.read_text(encoding="utf-8"), f.name)
    as_schema_2(old)
    questions = [
        Filters(words="county"),
        Filters(words="county", places=["Kangwon"]),
        Filters(words="the", since="2025-02", until="2026-01-04"),
        Filters(words="the", year="2026", places=["Pyongyang", "Kangwon"]),
    ]
    with Corpus(fresh) as a, Corpus(old) as b:
        assert b.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        facets = "SELECT id, facets FROM items ORDER BY id"
        assert b.conn.execute(facets).fetchall() == a.conn.execute(facets).fetchall()
        assert b.conn.execute("SELECT count(*) FROM items WHERE facets LIKE '%pkp%'").fetchone()[0] > 0

        def without_note(items):  # schema 4's source_note is filled by ingest or reparse, not by the migration;
            # added_at is when each database stored its copy, seconds apart
            return [{k: v for k, v in it.items() if k not in ("source_note", "added_at")} for it in items]

        for q in questions:
            assert without_note(search(a, q, limit=0).items) == without_note(search(b, q, limit=0).items), q
        assert any(search(a, q).total for q in questions[1:])
        assert b.conn.execute("SELECT count(*) FROM items WHERE source_note IS NOT NULL").fetchone()[0] == 0
        b.reparse()
        notes = "SELECT id, source_note FROM items ORDER BY id"
        assert b.conn.execute(notes).fetchall() == a.conn.execute(notes).fetchall()
        assert ("stamp",) in b.conn.execute("SELECT DISTINCT source_note FROM items").fetchall()


def test_version_1_schema_is_migrated(tmp_path):
    """A schema-1 database: versions numbered in ingest order, title in the fingerprint."""
    import hashlib

    from kcna_cli.parse import normalize

    db = tmp_path / "v1.db"
    with Corpus(db) as corpus:
        ingest(corpus, ["capture-3.txt", "capture-1.txt", "capture-2.txt"])
    conn = sqlite3.connect(db)

    def old_fingerprint(*parts):
        h = hashlib.sha1()
        for part in parts:
            h.update(normalize((part or "").replace("-0-", " ")).casefold().encode())
            h.update(b"\x00")
        return h.hexdigest()

    conn.close()
    as_schema_2(db)
    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX versions_revised")
    conn.execute("DROP TABLE items_fts")  # as schema 1 declared it
    conn.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, lede, body, content='items', content_rowid='id',"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    conn.execute("ALTER TABLE versions DROP COLUMN partial")
    for vid, title, text in conn.execute("SELECT id, title, text FROM versions").fetchall():
        conn.execute(
            "UPDATE versions SET number = ?, fingerprint = ? WHERE id = ?", (vid, old_fingerprint(title, text), vid)
        )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    with Corpus(db) as corpus:
        assert corpus.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = corpus.conn.execute("SELECT number, text LIKE '%sea of fruit%' FROM versions ORDER BY number").fetchall()
        assert rows == [(1, 0), (2, 0), (3, 1)]
        report = corpus.ingest_text((REV / "capture-1-respaced.txt").read_text(encoding="utf-8"), "respaced.txt")
        assert report.versions_new == 0
        assert corpus.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'versions_revised'").fetchone()[0]
        fts = corpus.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts'").fetchone()[0]
        assert "content=[items]" in fts
        hits = corpus.conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'orchard'").fetchone()[0]
        assert hits == 1


def ingest_people_twice(*dbs) -> None:
    """The people fixtures and the fixtures into each database (one to migrate, one to compare)."""
    files = sorted((FIXTURES / "people").glob("*.txt")) + sorted(FIXTURES.glob("*.txt"))
    for db in dbs:
        with Corpus(db) as corpus:
            for f in files:
                corpus.ingest_text(f.read_text(encoding="utf-8"), f.name)


def test_version_4_schema_is_migrated_with_people_and_events_as_a_fresh_ingest(tmp_path):
    """Schema 4 -> 5: persons, mentions and events are built from the stored items."""
    fresh, old = tmp_path / "fresh.db", tmp_path / "v4.db"
    ingest_people_twice(fresh, old)
    as_schema_4(old)
    people = (
        "SELECT p.key, m.item_id, m.field, m.start, m.post, m.list_no, m.list_pos FROM person_mentions m"
        " JOIN persons p ON p.id = m.person_id ORDER BY 2, 3, 4"
    )
    events = (
        "SELECT p.key, e.type, e.date, e.object, e.appearance, (SELECT group_concat(item_id) FROM event_reports r"
        " WHERE r.event_id = e.id) FROM events e JOIN persons p ON p.id = e.leader_id ORDER BY e.date, e.type"
    )
    with Corpus(fresh) as a, Corpus(old) as b:
        assert b.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert b.conn.execute(people).fetchall() == a.conn.execute(people).fetchall()
        assert b.conn.execute(events).fetchall() == a.conn.execute(events).fetchall()
        assert len(a.conn.execute(events).fetchall()) >= 5


def test_version_8_schema_is_migrated_with_persons_in_the_index(tmp_path):
    """Schema 8 -> 9: the persons an item names become tokens of its index row, as a
    fresh ingest makes them, so words with --person search alike."""
    fresh, old = tmp_path / "fresh.db", tmp_path / "v8.db"
    ingest_people_twice(fresh, old)
    as_schema_8(old)
    conn = sqlite3.connect(old)
    assert conn.execute("SELECT count(*) FROM items WHERE facets GLOB '*n[0-9]*'").fetchone()[0] == 0
    conn.close()
    facets = "SELECT id, facets FROM items ORDER BY id"
    with Corpus(fresh) as a, Corpus(old) as b:
        assert b.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
        assert b.conn.execute(facets).fetchall() == a.conn.execute(facets).fetchall()
        assert a.conn.execute("SELECT count(*) FROM items WHERE facets GLOB '*n[0-9]*'").fetchone()[0] >= 5
        b.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
        for words in ("inspected", "county", "Kim"):
            kw = {"words": words, "persons": ["Kim Jong Un"]}
            assert [i["id"] for i in items(b, **kw)] == [i["id"] for i in items(a, **kw)]
        assert items(b, words="inspected", persons=["Kim Jong Un"])
