"""kcna show: items in full, as JSON and as the reader view."""

import json

from support import ITEM_KEYS, kcna


def test_show_json_is_an_array_whatever_the_number_of_ids(two_dumps):
    (one,) = json.loads(kcna("show", "1", "--json").stdout)
    assert one["id"] == 1 and one["sightings"][0]["capture_date"] == "2026-03-06"
    for key in ITEM_KEYS:
        assert key in one
    two = json.loads(kcna("show", "1", "2", "--json").stdout)
    assert [d["id"] for d in two] == [1, 2]
    missing = kcna("show", "999")
    assert missing.exit_code == 1 and "no item with id 999" in missing.stderr


def test_show_reader_view(two_dumps):
    r = kcna("show", "1", "--table")
    assert "Model Greenhouse Farm Built in Kimhwa County" in r.stdout
    assert "seen in 1 dump" in r.stdout
