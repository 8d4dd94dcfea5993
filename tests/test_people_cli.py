"""kcna people, kcna appearances, search --person, stats --by person: what a user sees, and the database behind it."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES, kcna

from kcna_cli.db import Corpus

PEOPLE = FIXTURES / "people"
#: one activity: KCNA's article captured twice and seen once more as a teaser, and Rodong Sinmun's report
INSPECTION = [
    "activity-kcna-kp.txt",
    "activity-kcna-kp-recapture.txt",
    "activity-message.txt",
    "activity-rodong-sinmun.txt",
]


def ingest(*names: str) -> None:
    for name in names:
        r = kcna("ingest", str(PEOPLE / name), "-q")
        assert r.exit_code == 0, r.output


def js(*args: str):
    r = kcna(*args, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# --- counting by construction ----------------------------------------------------------------


@pytest.mark.parametrize("order", [INSPECTION, INSPECTION[::-1]], ids=["in order", "reversed"])
def test_one_activity_reported_by_three_captures_and_two_outlets_counts_once(order):
    ingest(*order)
    rows = js("appearances")
    inspections = [r for r in rows if r["type"] == "inspection"]
    assert len(inspections) == 1
    (ev,) = inspections
    assert ev["date"] == "2026-05-03"
    assert ev["object"] == "Kangdong Precision Machine Factory"
    assert ev["places"] == ["Kangdong County", "Pyongyang"]
    assert ev["companions"] == ["Jo Yong Won", "Kim Jae Ryong", "Ri Il Hwan", "Kim Yo Jong"]
    assert ev["greeters"] == ["Ri Hi Yong", "Choe Hui Thae"]
    assert ev["reports"] == 2  # KCNA's item (three dumps) and Rodong Sinmun's
    items = {i["id"]: i for i in js("search", "--limit", "0")}
    assert {items[i]["outlet"] for i in ev["items"]} == {"KCNA.kp", "Rodong Sinmun"}
    kcna_item = next(i for i in ev["items"] if items[i]["outlet"] == "KCNA.kp")
    assert items[kcna_item]["seen_in"] == 3
    months = {r["month"]: r["events"] for r in js("appearances", "--by", "month")}
    assert months == {"2026-04": 1, "2026-05": 1}  # the inspection once; the visit of April 28


def test_a_message_or_a_letter_is_not_an_appearance():
    ingest(*INSPECTION)
    assert {r["type"] for r in js("appearances")} == {"inspection", "visit"}
    every = js("appearances", "--type", "all")
    assert {r["type"] for r in every} == {"inspection", "visit", "message", "letter"}
    (msg,) = js("appearances", "--type", "message")
    assert msg["appearance"] is False and msg["object"] == "Vladimir Putin" and msg["date"] == "2026-05-07"
    by_type = {r["type"]: r["events"] for r in js("appearances", "--by", "type", "--type", "all")}
    assert by_type == {"inspection": 1, "visit": 1, "message": 1, "letter": 1}


def test_appearances_fields_and_filters():
    ingest(*INSPECTION)
    (ev,) = js("appearances", "--with", "Jo Yong-won")
    assert list(ev) == [
        "id",
        "date",
        "type",
        "leader",
        "object",
        "places",
        "companions",
        "greeters",
        "appearance",
        "reports",
        "items",
    ]
    assert ev["type"] == "inspection"
    # present: he greeted him on the spot
    assert [r["type"] for r in js("appearances", "--with", "Ri Hi Yong")] == ["inspection"]
    assert js("appearances", "--with", "Pak Thae Song") == []  # named elsewhere, not at an activity
    assert [r["type"] for r in js("appearances", "--place", "Pyongyang")] == ["inspection", "visit"]
    assert [r["type"] for r in js("appearances", "--since", "2026-05")] == ["inspection"]
    assert [r["type"] for r in js("appearances", "--source", "Rodong")] == ["inspection"]
    assert len(js("appearances", "--person", "Kim Jong-un")) == 2
    r = kcna("appearances", "--with", "Nobody Here")
    assert r.exit_code == 2 and "unknown person" in r.stderr
    r = kcna("appearances", "--type", "picnic")
    assert r.exit_code == 2 and "--type must be one of" in r.stderr


def test_appearances_table_and_chart_on_a_terminal():
    ingest(*INSPECTION)
    r = kcna("appearances", "--table")
    assert r.exit_code == 0
    assert "Kangdong Precision" in r.stdout and "Jo Yong Won" in r.stdout
    assert "2 activities · reported by 3 items" in r.stdout
    r = kcna("appearances", "--by", "month", "--table")
    assert "2026-05" in r.stdout and "2 events · 2 months" in r.stdout


# --- people ---------------------------------------------------------------------------------


def test_people_list_fields_sort_and_foreign():
    ingest(*INSPECTION)
    rows = js("people")
    assert list(rows[0]) == ["name", "key", "foreign", "mentions", "first_seen", "last_seen", "latest_post"]
    assert rows[0]["name"] == "Kim Jong Un"
    assert [r["mentions"] for r in rows] == sorted((r["mentions"] for r in rows), reverse=True)
    jo = next(r for r in rows if r["name"] == "Jo Yong Won")
    assert jo["mentions"] == 2 and jo["first_seen"] == jo["last_seen"] == "2026-05-04"
    assert jo["latest_post"].startswith("member of the Presidium")
    (putin,) = js("people", "--foreign")
    assert putin["name"] == "Vladimir Putin" and putin["foreign"] is True
    assert all(not r["foreign"] for r in js("people", "--korean"))
    last = [r["last_seen"] for r in js("people", "--sort", "last-seen")]
    assert last == sorted(last, reverse=True)
    assert {r["name"] for r in js("people", "--source", "Rodong")} >= {"Kim Jong Un", "Ri Il Hwan"}
    assert "Vladimir Putin" not in {r["name"] for r in js("people", "--source", "Rodong")}
    r = kcna("people", "--sort", "height")
    assert r.exit_code == 2


def test_person_profile_by_any_spelling():
    ingest(*INSPECTION, "activity-variants.txt")
    profiles = [js("people", *spelling.split()) for spelling in ("Choe Ryong Hae", "choi ryong-hae", "Ch'oe Ryonghae")]
    assert profiles[0] == profiles[1] == profiles[2]
    p = profiles[0]
    assert list(p) == [
        "name",
        "key",
        "foreign",
        "mentions",
        "first_seen",
        "last_seen",
        "days_since_last_seen",
        "by_month",
        "posts",
        "appears_with",
        "events",
        "gaps",
    ]
    assert p["name"] == "Choe Ryong Hae" and p["mentions"] == 2
    assert p["posts"] == [
        {
            "post": "chairman of the Standing Committee of the Supreme People's Assembly",
            "first": "2026-05-19",
            "last": "2026-05-19",
            "mentions": 1,
        }
    ]
    assert p["by_month"] == [{"month": "2026-05", "items": 2}]
    jo = js("people", "Jo", "Yong", "Won", "--gaps", "10")
    assert jo["events"] == {"leader": 0, "companion": 1, "greeter": 0}
    assert jo["gaps"] == [{"from": "2026-05-04", "to": "2026-05-19", "days": 15}]
    top = jo["appears_with"][0]["items"]
    assert "Kim Jong Un" in {w["name"] for w in jo["appears_with"] if w["items"] == top}
    r = kcna("people", "Jo", "Yong", "Won", "--table")
    assert r.exit_code == 0 and "member of the Presidium" in r.stdout and "items by month" in r.stdout


# --- search --person, stats --by person -----------------------------------------------------


@pytest.mark.parametrize(
    "spelling", ["Choe Ryong Hae", "Choe Ryong-hae", "choe ryong hae", "Ch'oe Ryong-hae", "Choi Ryong-hae"]
)
def test_search_person_any_spelling(spelling):
    ingest("activity-variants.txt", "activity-kcna-kp.txt")
    ids = [i["id"] for i in js("search", "--person", spelling)]
    assert len(ids) == 2
    titles = {i["title"] for i in js("search", "--person", spelling)}
    assert titles == {"Veteran Officials Honored at Meeting", "Foreign Press Quotes Ch\u2019oe Ryong-hae"}


def test_search_person_unknown_exits_2_with_suggestions():
    ingest("activity-variants.txt")
    r = kcna("search", "--person", "Choe Ryong Ha")
    assert r.exit_code == 2
    assert "unknown person" in r.stderr and '"Choe Ryong Hae"' in r.stderr
    assert "Traceback" not in r.output


def test_search_person_combines_with_words_and_places():
    ingest(*INSPECTION, "activity-variants.txt")
    hits = js("search", "factory", "--person", "Kim Yo Jong")
    assert {h["title"] for h in hits} == {
        "Kim Jong Un Inspects Kangdong Precision Machine Factory",
        "Respected Comrade Kim Jong Un Inspects Kangdong Precision Machine Factory",
    }
    assert js("search", "--person", "Putin", "--place", "Kangdong") == []


def test_stats_by_person():
    ingest(*INSPECTION)
    rows = js("stats", "--by", "person")
    # KCNA's inspection, message and letter, the Hwasong visit teaser, Rodong Sinmun's inspection
    assert rows[0] == {"person": "Kim Jong Un", "items": 5}
    assert {"person": "Vladimir Putin", "items": 1} in rows
    r = kcna("stats", "--by", "person", "--csv")
    assert r.stdout.splitlines()[0] == "person,items"


# --- the database ---------------------------------------------------------------------------


def test_reparse_rebuilds_people_and_events(tmp_path):
    ingest(*INSPECTION, "activity-variants.txt")
    before = (js("people", "--limit", "0"), js("appearances", "--type", "all"))
    r = kcna("reparse", "--yes") if "--yes" in kcna("reparse", "--help").stdout else kcna("reparse")
    assert r.exit_code == 0, r.output
    after = (js("people", "--limit", "0"), js("appearances", "--type", "all"))
    strip = [{k: v for k, v in e.items() if k != "id"} for e in after[1]]
    assert after[0] == before[0]
    assert strip == [{k: v for k, v in e.items() if k != "id"} for e in before[1]]


def test_tables_are_plain_sqlite(tmp_path):
    db = tmp_path / "plain.db"
    with Corpus(db) as corpus:
        for name in INSPECTION:
            corpus.ingest_text((PEOPLE / name).read_text(encoding="utf-8"), name)
        conn = corpus.conn
        ranks = conn.execute(
            "SELECT p.name, m.list_pos FROM person_mentions m JOIN persons p ON p.id = m.person_id"
            " JOIN items i ON i.id = m.item_id WHERE i.outlet = 'Rodong Sinmun' AND m.list_no = 2 ORDER BY m.list_pos"
        ).fetchall()
        assert ranks == [("Jo Yong Won", 1), ("Kim Jae Ryong", 2), ("Ri Il Hwan", 3), ("Kim Yo Jong", 4)]
        roles = conn.execute(
            "SELECT role, position, p.name FROM event_people ep JOIN persons p ON p.id = ep.person_id"
            " JOIN events e ON e.id = ep.event_id WHERE e.type = 'inspection' ORDER BY role, position"
        ).fetchall()
        assert roles[0] == ("companion", 1, "Jo Yong Won") and roles[-1] == ("greeter", 2, "Choe Hui Thae")


# --- hostile input ------------------------------------------------------------------------

HOSTILE = """May 05, 2026May 05, 2026
KCNA KCNA.kp (En)

Officials Meet Workers

Date: 04/05/2026 | Source: KCNA.kp (En) | Read original version at source

Pyongyang, May 4 (KCNA) -- Ri Il Hwan, secretary of the [bold red]WPK[/] \x1b[31mCentral\x1b[0m Committee, met workers.

He spoke to them. -0-

More Articles
"""


def test_text_from_a_dump_is_drawn_as_text_not_markup_or_escapes():
    r = kcna("ingest", "-", input=HOSTILE)
    assert r.exit_code == 0, r.output
    (row,) = js("people")
    assert row["latest_post"] == "secretary of the [bold red]WPK[/] \x1b[31mCentral\x1b[0m Committee"
    r = kcna("people", "--table")
    assert r.exit_code == 0
    assert "[bold red]WPK[/]" in r.stdout and "\x1b[31m" not in r.stdout
    r = kcna("people", "Ri", "Il", "Hwan", "--table")
    assert "[bold red]WPK[/]" in r.stdout and "\x1b[31m" not in r.stdout


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_person_name_is_found_or_refused_in_one_line(name):
    from kcna_cli.db.people import resolve
    from kcna_cli.errors import UsageError

    with Corpus(":memory:") as corpus:
        corpus.ingest_text((PEOPLE / "activity-variants.txt").read_text(encoding="utf-8"), "v.txt")
        try:
            found = resolve(corpus.conn, name)
        except UsageError as exc:
            assert "\n" not in exc.message and exc.message.startswith(("unknown person", "--person needs"))
        else:
            assert found and all(isinstance(pid, int) for pid, _ in found)
