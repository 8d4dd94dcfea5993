"""The search table on an 80-column terminal: titles first, the snippet under them."""

import io
import re

import pytest
from rich.console import Console

from kcna_cli.views.formats import Env
from kcna_cli.views.items import items_table

LONG = "Kim Jong Un Inspects Renovated Orchard in Kimhwa County and Gives Field Guidance"
ITEMS = [
    {
        "id": 1043,
        "date": "2026-03-10",
        "kind": "article",
        "outlet": "Voice of Korea",
        "title": LONG,
        "lede": "x",
        "places": ["Kangwon Province"],
        "snippet": "the renovated **Kimhwa** Orchard in Kangwon Province, " * 3,
    },
    {
        "id": 7,
        "date": None,
        "kind": "teaser",
        "outlet": "KCNA.kp",
        "title": "Bridge Opened",
        "lede": "y",
        "places": [],
        "snippet": "a **bridge** over the river",
    },
]


def draw(width: int, items=ITEMS) -> str:
    out = io.StringIO()
    env = Env(stdout=out, stderr=io.StringIO(), stdout_isatty=True, stderr_isatty=True)
    env._consoles[False] = Console(file=out, width=width, force_terminal=False, no_color=True)
    items_table(env, items, total=2)
    return out.getvalue()


def title_cells(text: str) -> list[str]:
    """The last column of each table row (the title column at narrow widths)."""
    return [line.split("│")[-2] for line in text.splitlines() if line.startswith("│")]


@pytest.mark.parametrize("width", [80, 100])
def test_titles_keep_40_characters_and_the_snippet_wraps_under_them(width):
    text = draw(width)
    assert all(len(line) <= width for line in text.splitlines())
    cells = title_cells(text)
    assert len(cells[0].strip()) >= 40  # the title's first line, not cut to 20
    assert " ".join(c.strip() for c in cells[:2]).startswith(LONG[:60])
    body = " ".join(c.strip() for c in cells)
    assert "Kimhwa Orchard in Kangwon" in re.sub(r"\s+", " ", body)  # the snippet, under the title
    assert "Bridge Opened (teaser)" in body and "kind" not in text.splitlines()[1]


def test_below_60_columns_only_titles():
    text = draw(56)
    assert "Orchard in Kangwon Province," not in re.sub(r"\s+", " ", text)
    assert "Bridge Opened" in text


def test_wide_terminals_keep_the_snippet_column():
    text = draw(160)
    header = next(line for line in text.splitlines() if "title" in line)
    assert "kind" in header and "snippet" in header
