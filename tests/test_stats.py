"""kcna stats: counts by month, year, source, place and kind, as data and as a chart."""

import json

import pytest
from support import kcna


def test_stats_by_month_fills_gaps_and_counts_every_item(all_fixtures):
    rows = json.loads(kcna("stats", "--json").stdout)
    assert all(list(r) == ["month", "items"] for r in rows)
    months = [r["month"] for r in rows if r["month"]]
    assert months == sorted(months) and len(set(months)) == len(months)
    y, m = int(months[0][:4]), int(months[0][5:])
    for month in months[1:]:  # consecutive months, no gap
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        assert month == f"{y:04d}-{m:02d}"
    total = json.loads(kcna("info", "--json").stdout)["items"]
    assert sum(r["items"] for r in rows) == total
    assert rows[-1]["month"] is None  # undated items come last


def test_stats_place_question(all_fixtures):
    """'When was Kimhwa in the news': only the months of items naming it."""
    rows = json.loads(kcna("stats", "--place", "Kimhwa", "--json").stdout)
    search = json.loads(kcna("search", "--place", "Kimhwa", "--json", "--limit", "0").stdout)
    assert sum(r["items"] for r in rows) == len(search) >= 2
    assert {r["month"] for r in rows if r["items"]} == {s["date"][:7] for s in search}


@pytest.mark.parametrize("by", ["year", "source", "place", "kind"])
def test_stats_by_each_grouping(all_fixtures, by):
    r = kcna("stats", "--by", by, "--csv")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == f"{by},items"
    rows = json.loads(kcna("stats", "--by", by, "--json").stdout)
    if by in ("source", "place", "kind"):
        counts = [x["items"] for x in rows if x[by] is not None]
        assert counts == sorted(counts, reverse=True)
    if by == "kind":
        info = json.loads(kcna("info", "--json").stdout)
        assert {x["kind"]: x["items"] for x in rows} == {"article": info["articles"], "teaser": info["teasers"]}


def test_stats_words_and_limit(all_fixtures):
    rows = json.loads(kcna("stats", "greenhouse", "--by", "source", "--json").stdout)
    assert rows == [{"source": "KCNA.kp (En)", "items": 1}]  # the label, as printed
    rows = json.loads(kcna("stats", "greenhouse", "--by", "outlet", "--json").stdout)
    assert rows == [{"outlet": "KCNA.kp", "items": 1}]
    assert len(json.loads(kcna("stats", "--by", "place", "-n", "3", "--json").stdout)) == 3
    assert json.loads(kcna("stats", "zzzunknownword", "--json").stdout) == []


def test_stats_errors(all_fixtures):
    r = kcna("stats", "--by", "week")
    assert r.exit_code == 2 and "--by must be one of" in r.stderr
    r = kcna("stats", "--place", "Kimwha")
    assert r.exit_code == 2 and "Kimhwa County" in r.stderr


def test_stats_bar_chart_on_a_terminal_and_piped(all_fixtures):
    r = kcna("stats", "--by", "kind", "--table")
    assert "article" in r.stdout and "█" in r.stdout and "items by kind" in r.stdout
    piped = kcna("stats", "--by", "kind")  # CliRunner output is not a terminal: JSON Lines
    assert [json.loads(x)["kind"] for x in piped.stdout.splitlines()] == ["article", "teaser"]
    assert "█" not in piped.stdout and "\x1b" not in piped.stdout


def test_stats_chart_collapses_long_empty_stretches(all_fixtures):
    r = kcna("stats", "--table")
    assert "empty months" in r.stdout  # the fixtures span 2014 to 2026
