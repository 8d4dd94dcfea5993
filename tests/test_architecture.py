"""The layers of docs/ARCHITECTURE.md, checked: imports only point down, views never touch SQL,
modules and functions stay small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import ROOT

PACKAGE = ROOT / "kcna_cli"

#: lowest first; a module may import its own layer or a lower one, never a higher one
LAYERS = [
    # rules with no kcna imports
    [
        "errors",
        "text",
        "dates",
        "facets",
        "grams",
        "language",
        "sitedates",
        "paths",
        "terminal",
        "spans",
        "sqlin",
        "recent",
    ],
    # text -> records; shared pure rules
    ["split", "parse", "teasers", "captures", "sitepage", "reposts", "sites", "places", "versions", "urls"],
    ["names", "people", "activities"],
    [
        "inputs",
        "listing",
        "htmltext",
        "packing",
        "wire",
        "workers",
        "cuts",
        "pipeline",
        "readahead",
    ],  # bytes -> page texts -> parsed pages
    ["db"],  # records -> rows
    ["query", "counts", "revisions", "info", "peoplequery", "links", "filtering", "showing", "watches", "cite", "geo"],
    ["views"],  # dicts -> output
    ["options", "cli", "cli_daily", "entry", "__init__", "__main__"],  # the command line
]
LAYER = {name: n for n, names in enumerate(LAYERS) for name in names}
MAX_MODULE_LINES = 650
MAX_FUNCTION_LINES = 80


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def unit(path: Path) -> str:
    """The layer unit of a module: its top-level name under kcna_cli (a package counts whole)."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def kcna_imports(path: Path, root: Path = ROOT) -> set[str]:
    """Top-level kcna units a module imports, anywhere in it (also inside functions and TYPE_CHECKING)."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - (node.level - 1)])
            parts = base + (node.module.split(".") if node.module else [])
            names = [parts] if node.module else [parts + [a.name] for a in node.names]
            for p in names:
                if len(p) > 1:
                    out.add(p[1])
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("kcna_cli.")}
    return {u for u in out if u != "__version__"}


def test_every_module_has_a_layer():
    assert {unit(p) for p in modules()} - {"data"} <= set(LAYER)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    here = LAYER[unit(path)]
    up = {u for u in kcna_imports(path) if LAYER[u] > here}
    assert not up, f"{path.name} (layer {here}) imports a higher layer: {sorted(up)}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "views").glob("*.py")), ids=lambda p: p.name)
def test_views_never_touch_the_database(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert "db" not in kcna_imports(path)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {"sqlite3", "sqlite_utils"} & imported
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args + n.kwonlyargs
    }
    attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert "corpus" not in names and not {"conn", "execute", "executemany"} & attributes


def test_the_checker_sees_imports_hidden_in_functions_and_subpackages(tmp_path):
    (tmp_path / "kcna_cli" / "views").mkdir(parents=True)
    probe = tmp_path / "kcna_cli" / "views" / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..db.corpus import Corpus\n"
        "def f():\n    from .. import query\n    from .formats import Env\n    import kcna_cli.parse\n"
    )
    assert kcna_imports(probe, root=tmp_path) == {"db", "query", "views", "parse"}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_are_small(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            body = "\n".join(lines[node.lineno - 1 : node.end_lineno])
            assert length <= MAX_FUNCTION_LINES or "# long:" in body, (
                f"{path.name}: {node.name} has {length} lines; split it or say why in a '# long:' comment"
            )
