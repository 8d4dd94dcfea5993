"""Golden files: each fixture beside the JSON it must parse to.

``python tests/golden.py`` rewrites ``fixtures/*.json`` from the current
parser; review the diff before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SUFFIXES = {".txt", ".html"}


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in SUFFIXES)


def parsed(path: Path) -> list[dict]:
    from kcna_cli.inputs import read_pages
    from kcna_cli.parse import parse_pages

    out = []
    for page in parse_pages(read_pages(path.read_bytes())):
        out.append(
            {
                "page": page.number,
                "error": page.error,
                "dump": page.dump.to_dict() if page.dump else None,
            }
        )
    return out


def golden_path(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".json")


if __name__ == "__main__":
    for f in fixture_files():
        golden_path(f).write_text(json.dumps(parsed(f), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print("wrote", golden_path(f).name)
