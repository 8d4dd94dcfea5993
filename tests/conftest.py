import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test touches a real user's database or inherits format settings."""
    monkeypatch.setenv("KCNA_DB", str(tmp_path / "kcna.db"))
    monkeypatch.delenv("KCNA_FORMAT", raising=False)
    monkeypatch.delenv("KCNA_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1") if os.environ.get("CI") else None
    yield


@pytest.fixture
def fixture_text():
    def read(name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    return read


@pytest.fixture
def corpus(tmp_path):
    from kcna_cli.db import Corpus

    c = Corpus(tmp_path / "corpus.db")
    yield c
    c.close()
