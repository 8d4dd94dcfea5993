"""Versions of edited articles and ``kcna revisions`` (README "Revisions")."""

import io
import itertools
import json
import re
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import FIXTURES, runner

from kcna_cli import revisions as rv
from kcna_cli.cli import app
from kcna_cli.db import Corpus
from kcna_cli.views.diff import show_diff, unified
from kcna_cli.views.formats import Env

REV = FIXTURES / "revisions"

THREE = ["capture-1.txt", "capture-2.txt", "capture-3.txt"]

SAME_AS_1 = ["capture-1-respaced.txt", "capture-1-cut.txt"]

TITLE = "Kim Jong Un Inspects Renovated Orchard in Kimhwa County"

REMOVED_SENTENCE = "Kang Chol Hwan explained the plan for a fruit belt along the Pukhan River."


def ingest(corpus, names):
    for name in names:
        corpus.ingest_text((REV / name).read_text(encoding="utf-8"), name)


def orchard(corpus):
    (item_id,) = corpus.conn.execute("SELECT id FROM items WHERE title = ?", (TITLE,)).fetchone()
    return item_id


def as_schema_2(db) -> None:
    """Make a database written by this kcna look as schema 2 left it (no facets in the index)."""
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER items_ad")
    conn.execute("DROP TABLE items_fts")
    conn.execute("ALTER TABLE items DROP COLUMN facets")
    conn.execute("ALTER TABLE items DROP COLUMN source_note")  # schema 4
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


LIST_KEYS = [
    "id",
    "title",
    "date",
    "outlet",
    "versions",
    "first_capture",
    "last_capture",
    "words_deleted",
    "words_inserted",
    "names_removed",
    "version_count",
]

WORDS = st.lists(
    st.sampled_from(["Kim", "Jong", "Un", "the", "farm", ",", ".", "Kang", "río", "40", "000"]), max_size=30
)


@pytest.mark.parametrize("order", list(itertools.permutations(THREE + SAME_AS_1)))
def test_three_captures_in_any_order_give_three_versions_in_capture_order(order):
    corpus = Corpus(":memory:")
    ingest(corpus, order)
    item_id = orchard(corpus)
    assert corpus.conn.execute("SELECT count(*) FROM items WHERE title = ?", (TITLE,)).fetchone()[0] == 1
    versions = rv.versions_of(corpus, item_id)
    assert [(v.number, v.kind, v.partial, v.first_capture, v.last_capture) for v in versions] == [
        (1, "body", False, "2026-03-12", "2026-03-15"),
        (2, "body", False, "2026-03-20", "2026-03-20"),
        (3, "body", False, "2026-03-27", "2026-03-27"),
    ]
    # stored numbers follow capture order too (readable as-is in sqlite3 / Datasette)
    stored = corpus.conn.execute("SELECT number FROM versions WHERE item_id = ? ORDER BY id", (item_id,)).fetchall()
    assert sorted(n for (n,) in stored) == [1, 2, 3]
    body = corpus.conn.execute("SELECT body FROM items WHERE id = ?", (item_id,)).fetchone()[0]
    assert body == versions[2].text  # the latest capture's text is current
    assert "sea of fruit trees" in body and "Kang Chol Hwan" not in body


def test_diff_of_version_1_and_2_is_exactly_the_removed_sentence_and_name(corpus):
    ingest(corpus, ["capture-3.txt", "capture-2.txt", "capture-1.txt"])
    rev = rv.revision(corpus, orchard(corpus), from_=1, to=2)
    assert rev["changes"] == [
        {"op": "delete", "old": ", Kang Chol Hwan", "new": None},
        {"op": "delete", "old": REMOVED_SENTENCE, "new": None},
    ]
    assert rev["names_removed"] == ["Kang Chol Hwan"]
    assert (rev["words_deleted"], rev["words_inserted"]) == (17, 0)
    added = rv.revision(corpus, orchard(corpus), from_=2, to=3)
    assert [c["op"] for c in added["changes"]] == ["insert"]
    assert added["changes"][0]["new"].startswith("The workers of the orchard pledged")
    assert added["names_removed"] == []


@pytest.mark.parametrize("name", THREE + SAME_AS_1)
def test_recapturing_the_same_text_adds_no_version(corpus, name):
    ingest(corpus, THREE + SAME_AS_1)
    before = corpus.counts()["versions"]
    text = (REV / name).read_text(encoding="utf-8")
    # another capture (another day, so another dump) of the same text
    recapture = re.sub(r"^March \d\d, 2026Mar \d\d, 2026", "March 29, 2026Mar 29, 2026", text)
    report = corpus.ingest_text(recapture, "again.txt")
    assert report.dumps_new == 1 and report.versions_new == 0
    assert corpus.counts()["versions"] == before
    report = corpus.ingest_text(text, name)  # the very same dump: skipped by hash
    assert report.dumps_known == 1


def test_normalization_cases_add_no_version(corpus):
    base = (REV / "capture-1.txt").read_text(encoding="utf-8")
    ingest(corpus, ["capture-1.txt"])
    variants = [
        base.replace("Kangwon Province.", "Kangwon Province ."),  # Kim Jong Un . vs Kim Jong Un.
        base.replace('"has become', "\u201chas become").replace('country".', "country\u201d."),
        base.replace("Workers' Party", "Workers\u2019 Party"),
        base.replace(" the ", "  the ").replace("\n\nHe set", "\nHe set"),
        base.replace(" -- ", " \u2014 "),
        base.replace("next year. -0-", "next year."),
    ]
    for n, text in enumerate(variants):
        text = text.replace("March 12, 2026Mar 12, 2026", f"March {13 + n}, 2026Mar {13 + n}, 2026")
        report = corpus.ingest_text(text, f"v{n}.txt")
        assert report.dumps_new == 1 and report.versions_new == 0, n
    assert len(rv.versions_of(corpus, orchard(corpus))) == 1


def test_teaser_lede_that_contradicts_the_text_is_a_lede_version_in_any_order():
    results = set()
    for order in itertools.permutations(["teaser-edited-lede.txt", "capture-1.txt", "capture-2.txt"]):
        corpus = Corpus(":memory:")
        ingest(corpus, order)
        versions = rv.versions_of(corpus, orchard(corpus))
        results.add(tuple((v.number, v.kind, v.first_capture) for v in versions))
        # the lede is compared with the start of the text only
        rev = rv.revision(corpus, orchard(corpus), from_=1, to=2)
        assert rev["changes"] == [
            {"op": "delete", "old": "Respected Comrade", "new": None},
            {"op": "insert", "old": None, "new": ", general secretary of the Workers' Party of Korea,"},
            {"op": "replace", "old": "together with Kang Chol Hwan,", "new": "in Kangwon Province."},
        ]
        assert rev["names_removed"] == []  # version 2 still names him, further down
        assert rv.revision(corpus, orchard(corpus), from_=1, to=3)["names_removed"] == ["Kang Chol Hwan"]
    assert results == {((1, "lede", "2026-03-11"), (2, "body", "2026-03-12"), (3, "body", "2026-03-20"))}


def test_teaser_lede_that_agrees_adds_no_version(corpus):
    ingest(corpus, ["capture-2.txt"])
    text = (REV / "teaser-edited-lede.txt").read_text(encoding="utf-8")
    agreeing = (
        "Pyongyang, March 10 (KCNA) -- Kim Jong Un, general secretary of the Workers' Party of Korea, "
        "inspected the renovated Kimhwa Orchard in Kangwon -"
    )
    text = re.sub(r"Pyongyang, March 10 \(KCNA\) -- Respected.*", agreeing, text)
    report = corpus.ingest_text(text, "t.txt")
    assert report.versions_new == 0 and report.duplicates_merged == 1
    assert len(rv.versions_of(corpus, orchard(corpus))) == 1


def test_reparse_rebuilds_the_same_versions(corpus):
    ingest(corpus, ["capture-3.txt", "teaser-edited-lede.txt", "capture-1.txt", "capture-2.txt", "capture-1-cut.txt"])
    before = [v.to_dict() for v in rv.versions_of(corpus, orchard(corpus))]
    corpus.reparse()
    assert [v.to_dict() for v in rv.versions_of(corpus, orchard(corpus))] == before


@pytest.fixture
def revised_db(tmp_path):
    db = tmp_path / "rev.db"
    r = runner.invoke(app, ["ingest", str(REV), str(FIXTURES / "page-kcna-kp.txt"), "--db", str(db), "-q"])
    assert r.exit_code == 0, r.output
    return db


def test_revisions_list_json(revised_db):
    r = runner.invoke(app, ["revisions", "--db", str(revised_db), "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == LIST_KEYS
    assert row["title"] == TITLE and row["versions"] == 4
    assert (row["first_capture"], row["last_capture"]) == ("2026-03-11", "2026-03-27")
    assert row["names_removed"] == ["Kang Chol Hwan"]


def test_revisions_list_filters_like_search(revised_db):
    def ids(*args):
        r = runner.invoke(app, ["revisions", "--db", str(revised_db), "--jsonl", *args])
        assert r.exit_code == 0, r.output
        return [json.loads(line)["id"] for line in r.stdout.splitlines()]

    assert len(ids()) == 1
    assert ids("--place", "Kangwon") == ids() == ids("orchard") == ids("--since", "2026-03")
    assert ids("--place", "Ryanggang") == []
    assert ids("--until", "2026-02") == []
    r = runner.invoke(app, ["revisions", "--db", str(revised_db), "--source", "Rodong"])
    assert r.exit_code == 2 and "unknown source 'Rodong'" in r.stderr
    assert ids("greenhouse") == []  # an unrevised item matches the words but is not listed
    r = runner.invoke(app, ["revisions", "--db", str(revised_db), "--csv"])
    assert r.stdout.splitlines()[0] == ",".join(LIST_KEYS)
    r = runner.invoke(app, ["revisions", "greenhouse", "--db", str(revised_db), "--table"])
    assert r.exit_code == 0 and "no matching item has more than one text version" in r.stdout


def test_revisions_item_json(revised_db):
    item_id = json.loads(runner.invoke(app, ["revisions", "--db", str(revised_db), "--json"]).stdout)[0]["id"]
    r = runner.invoke(app, ["revisions", str(item_id), "--from", "2", "--to", "3", "--db", str(revised_db), "--json"])
    assert r.exit_code == 0, r.output
    rev = json.loads(r.stdout)
    assert list(rev)[:7] == ["id", "title", "date", "outlet", "versions", "from", "to"]
    assert [v["number"] for v in rev["versions"]] == [1, 2, 3, 4]
    assert list(rev["versions"][0]) == rv.VERSION_FIELDS
    assert rev["changes"] == [
        {"op": "delete", "old": ", Kang Chol Hwan", "new": None},
        {"op": "delete", "old": REMOVED_SENTENCE, "new": None},
    ]
    assert rev["names_removed"] == ["Kang Chol Hwan"]
    # show says how many versions, and which one each sighting showed
    (shown,) = json.loads(runner.invoke(app, ["show", str(item_id), "--db", str(revised_db), "--json"]).stdout)
    assert shown["versions"] == shown["version_count"] == rev["version_count"] == 4
    assert sorted({s["version"] for s in shown["sightings"]}) == [1, 2, 3, 4]


def test_revisions_item_errors(revised_db):
    def run(*args):
        return runner.invoke(app, ["revisions", *args, "--db", str(revised_db)])

    r = run("1", "--from", "9")
    assert r.exit_code == 2 and "no version 9" in r.stderr and "Traceback" not in r.output
    r = run("99999")
    assert r.exit_code == 1 and "no item with id 99999" in r.stderr
    greenhouse = json.loads(runner.invoke(app, ["search", "greenhouse", "--db", str(revised_db), "--json"]).stdout)
    r = run(str(greenhouse[0]["id"]))
    assert r.exit_code == 1 and "nothing to compare" in r.stderr
    r = run("--from", "1")
    assert r.exit_code == 2 and "need an item id" in r.stderr


def test_diff_on_a_forced_terminal_and_piped(corpus, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    ingest(corpus, THREE)
    rev = rv.revision(corpus, orchard(corpus), from_=1, to=2)
    out = io.StringIO()
    show_diff(Env(stdout=out, stdout_isatty=True), rev)
    tty = out.getvalue()
    assert "\x1b[9;31m, Kang Chol Hwan\x1b[0m" in tty  # struck through, red
    assert "names removed: Kang Chol Hwan" in tty
    assert "Pak Song Chol\x1b" in tty  # no stray space before the deletion
    monkeypatch.setenv("NO_COLOR", "1")  # a terminal without colour: git-style word-diff marks
    out = io.StringIO()
    show_diff(Env(stdout=out, stdout_isatty=True), rev)
    assert "Pak Song Chol[-, Kang Chol Hwan-] and Ri Myong Su" in out.getvalue()
    assert "\x1b[9" not in out.getvalue()
    piped = unified(rev)
    assert "\x1b" not in piped and not any(c in piped for c in "┏━│└")
    lines = piped.splitlines()
    assert lines[0] == "# names removed: Kang Chol Hwan"
    assert lines[1].startswith("--- item") and lines[2].startswith("+++ item")
    assert "-He was accompanied by Pak Song Chol, Kang Chol Hwan and Ri Myong Su, officials" in piped
    assert "+He was accompanied by Pak Song Chol and Ri Myong Su, officials" in piped


def test_revisions_piped_is_a_unified_diff_in_a_subprocess(revised_db):
    env = {"KCNA_DB": str(revised_db), "PATH": "/usr/bin:/bin"}
    listed = subprocess.run(
        [sys.executable, "-m", "kcna_cli", "revisions"], capture_output=True, text=True, env=env, check=True
    )
    item_id = json.loads(listed.stdout.splitlines()[0])["id"]  # JSON Lines when piped
    r = subprocess.run(
        [sys.executable, "-m", "kcna_cli", "revisions", str(item_id), "--from", "2", "--to", "3"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# names removed: Kang Chol Hwan\n--- item")
    assert "\x1b" not in r.stdout


@given(WORDS, WORDS)
def test_word_diff_turns_old_into_new(a, b):
    old, new = " ".join(a), " ".join(b)
    ops = rv.diff_ops(old, new)
    rebuilt_old = [w for tag, x, _ in ops for w, _ in x if tag != "insert"]
    rebuilt_new = [w for tag, _, y in ops for w, _ in y if tag != "delete"]
    assert rebuilt_old == [w for w, _ in rv._tokens(old)]
    assert rebuilt_new == [w for w, _ in rv._tokens(new)]
    changes = rv.word_diff(old, new)
    assert (changes == []) == (rebuilt_old == rebuilt_new)
    assert all(c["op"] in ("delete", "insert", "replace") for c in changes)


@given(st.text(max_size=200))
def test_diff_and_names_never_raise(text):
    rv.word_diff(text, text[::-1])
    rv.removed_names(text, "")
    assert rv.word_diff(text, text) == []
