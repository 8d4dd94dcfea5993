"""kcna export: the corpus as JSON Lines and CSV."""

import csv
import json

from support import kcna


def test_export_jsonl_and_csv(two_dumps, tmp_path):
    r = kcna("export")
    rows = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert len(rows) == 8 and [x["id"] for x in rows] == sorted(x["id"] for x in rows)
    out = tmp_path / "k.csv"
    assert kcna("export", "--place", "Kangwon", "--csv", "-o", str(out)).exit_code == 0
    assert len(list(csv.DictReader(out.open()))) == 1
