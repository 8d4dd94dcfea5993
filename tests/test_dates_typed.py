"""Dates as people type them, in every option that takes a date, and the new-item filters."""

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import pytest
from conftest import FIXTURES
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kcna_cli.cli import app
from kcna_cli.dates import user_range

runner = CliRunner()
TODAY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("2025-02-10", ("2025-02-10", "2025-02-10")),
        ("2025-02", ("2025-02-01", "2025-02-28")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2025", ("2025-01-01", "2025-12-31")),
        ("10 Feb 2025", ("2025-02-10", "2025-02-10")),
        ("Feb 10, 2025", ("2025-02-10", "2025-02-10")),
        ("10 february 2025", ("2025-02-10", "2025-02-10")),
        ("February 2025", ("2025-02-01", "2025-02-28")),
        ("Sept 2025", ("2025-09-01", "2025-09-30")),
        ("10/02/2025", ("2025-02-10", "2025-02-10")),  # day first, as KCNA Watch prints dates
        ("today", ("2026-03-10", "2026-03-10")),
        ("yesterday", ("2026-03-09", "2026-03-09")),
        ("Yesterday", ("2026-03-09", "2026-03-09")),
        ("7d", ("2026-03-03", "2026-03-03")),
        ("10 days", ("2026-02-28", "2026-02-28")),
        ("2w", ("2026-02-24", "2026-02-24")),
        ("3m", ("2025-12-10", "2025-12-10")),
        ("1y", ("2025-03-10", "2025-03-10")),
    ],
)
def test_typed_dates(typed, expected):
    assert user_range(typed, today=TODAY) == expected


def test_months_back_stop_at_the_end_of_a_shorter_month():
    assert user_range("3m", today=dt.date(2026, 5, 31)) == ("2026-02-28", "2026-02-28")
    assert user_range("1m", today=dt.date(2024, 3, 31)) == ("2024-02-29", "2024-02-29")


@pytest.mark.parametrize("typed", ["blursday", "12", "31 Feb 2025", "2025-13", "99999d", "Febtember 2025", ""])
def test_unreadable_dates_raise_naming_the_value(typed):
    with pytest.raises(ValueError, match="not a date"):
        user_range(typed, today=TODAY)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_reads_back_in_each_form(day):
    iso = day.isoformat()
    assert user_range(iso) == (iso, iso)
    assert user_range(day.strftime("%d %b %Y"), today=TODAY) == (iso, iso)
    assert user_range(day.strftime("%B %d, %Y"), today=TODAY) == (iso, iso)
    first, last = user_range(day.strftime("%B %Y"), today=TODAY)
    assert first == iso[:8] + "01" and first <= iso <= last and last[:7] == iso[:7]
    assert (dt.date.fromisoformat(last) + dt.timedelta(days=1)).day == 1  # the month's last day


@given(st.integers(min_value=0, max_value=3000))
def test_days_back_are_exact(n):
    back = (TODAY - dt.timedelta(days=n)).isoformat()
    assert user_range(f"{n}d", today=TODAY) == (back, back)


# --- on the command line ----------------------------------------------------------------------


@pytest.fixture
def loaded(tmp_path):
    db = tmp_path / "d.db"
    r = runner.invoke(app, ["ingest", str(FIXTURES), "--db", str(db), "-q"])
    assert r.exit_code == 1
    return db


def ids(db, *args):
    r = runner.invoke(app, ["search", "--db", str(db), "--json", "--limit", "0", *args])
    assert r.exit_code == 0, r.output
    return sorted(x["id"] for x in json.loads(r.stdout))


def test_every_date_option_takes_typed_dates(loaded):
    assert ids(loaded, "--since", "1 Mar 2026") == ids(loaded, "--since", "2026-03-01")
    assert ids(loaded, "--until", "January 2026") == ids(loaded, "--until", "2026-01")
    assert ids(loaded, "--on", "4 March 2026") == ids(loaded, "--on", "2026-03-04") != []
    assert ids(loaded, "--seen-since", "20 Mar 2026") == ids(loaded, "--seen-since", "2026-03-20") != []
    assert ids(loaded, "--seen-until", "Mar 2025") == ids(loaded, "--seen-until", "2025-03-31")
    assert ids(loaded, "--since", "yesterday") == []  # nothing published after 2026-03 in the fixtures
    assert ids(loaded, "--added-since", "1y") == ids(loaded)  # all stored just now


@pytest.mark.parametrize("option", ["--since", "--until", "--on", "--seen-since", "--seen-until", "--added-since"])
def test_an_unreadable_date_is_exit_2_naming_option_and_value(loaded, option):
    for command in ("search", "stats", "export"):
        r = runner.invoke(app, [command, "--db", str(loaded), option, "next blursday"])
        assert r.exit_code == 2, (command, r.output)
        assert r.stderr.startswith(f"kcna: error: {option}: not a date: 'next blursday'"), r.stderr
        assert r.stderr.count("\n") == 1


def test_dateutil_is_imported_only_for_typed_dates(loaded):
    probe = (
        "import sys; from typer.testing import CliRunner; from kcna_cli.cli import app\n"
        "r = CliRunner().invoke(app, sys.argv[1:]); assert r.exit_code == 0, r.output\n"
        "print('dateutil' in sys.modules)"
    )

    def loads_dateutil(*args):
        r = subprocess.run(
            [sys.executable, "-c", probe, "search", "--db", str(loaded), *args], capture_output=True, text=True
        )
        assert r.returncode == 0, r.stderr
        return r.stdout.strip() == "True"

    assert not loads_dateutil("--since", "2025-02", "--until", "2026", "--on", "2026-03-04")
    assert not loads_dateutil("--seen-since", "7d", "--added-since", "yesterday")
    assert loads_dateutil("--since", "Feb 2025")


def first_captures(db):
    r = runner.invoke(app, ["export", "--db", str(db), "--json"])
    return {x["id"]: x["first_capture"] for x in json.loads(r.stdout)}


@pytest.mark.parametrize("lo,hi", [("2026-03-12", None), (None, "2026-01-21"), ("2026-03-11", "2026-03-20")])
def test_seen_filters_follow_the_first_capture_date(loaded, lo, hi):
    args = (["--seen-since", lo] if lo else []) + (["--seen-until", hi] if hi else [])
    expected = sorted(i for i, c in first_captures(loaded).items() if c and (not lo or c >= lo) and (not hi or c <= hi))
    assert expected and ids(loaded, *args) == expected
    # with words too (the full-text path)
    with_words = ids(loaded, "the", *args)
    assert set(with_words) <= set(expected)


def test_an_item_seen_again_is_not_new(tmp_path):
    """--added-since: items whose first dump was stored since then, not items merely seen again."""
    db = tmp_path / "a.db"
    first = FIXTURES / "revisions" / "capture-1.txt"
    assert runner.invoke(app, ["ingest", str(first), "--db", str(db), "-q"]).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE dumps SET ingested_at = '2020-01-01T00:00:00+00:00'")
    before = ids(db)
    later = [FIXTURES / "revisions" / "capture-2.txt", FIXTURES / "page-kcna-kp.txt"]
    assert runner.invoke(app, ["ingest", *map(str, later), "--db", str(db), "-q"]).exit_code == 0
    new = ids(db, "--added-since", "2021-01-01")
    assert new and not set(new) & set(before)  # capture-2 shows the orchard article again: not new
    assert sorted(new + before) == ids(db)
    assert ids(db, "--added-since", "today") == new
    assert ids(db, "--added-since", "2030-01-01") == []
