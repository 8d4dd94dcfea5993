"""The package as installed from a wheel: every module the source tree has goes in it."""

import re

from support import ROOT


def test_the_wheel_takes_every_subpackage():
    """An editable install reads the source tree, so a subpackage left out of the
    package list only fails once installed from a wheel (``kcna_cli.db`` and
    ``kcna_cli.views`` once were): the list must name them all, or find them."""
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    subpackages = sorted(".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kcna_cli").rglob("__init__.py"))
    assert "kcna_cli.db" in subpackages and "kcna_cli.views" in subpackages
    found = re.search(r"\[tool\.setuptools\.packages\.find\]\s*include\s*=\s*\[([^\]]*)\]", config)
    if found:
        patterns = re.findall(r'"([^"]+)"', found.group(1))
        assert all(
            any(re.fullmatch(p.replace(".", r"\.").replace("*", ".*"), s) for p in patterns) for s in subpackages
        )
    else:
        listed = re.search(r"^packages\s*=\s*\[([^\]]*)\]", config, re.M)
        assert listed, "pyproject.toml names no packages"
        assert set(subpackages) <= set(re.findall(r'"([^"]+)"', listed.group(1)))
