"""Fixtures every test file may use (paths and runners are in ``support.py``)."""

import json
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "benchmarks"))  # the corpus generator

from support import FIXTURES, kcna  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test touches a real user's database or inherits format settings."""
    monkeypatch.setenv("KCNA_DB", str(tmp_path / "kcna.db"))
    monkeypatch.delenv("KCNA_FORMAT", raising=False)
    monkeypatch.delenv("KCNA_DEBUG", raising=False)
    from kcna_cli import options

    monkeypatch.setitem(options.DEBUG, "on", False)  # a --debug run in-process must not carry over
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


@pytest.fixture
def two_dumps():
    """The database of KCNA_DB holds two fixture files (three dumps); returns the ingest summary."""
    r = kcna("ingest", str(FIXTURES / "page-kcna-kp.txt"), str(FIXTURES / "multi-page.txt"), "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture
def all_fixtures():
    """The database of KCNA_DB holds every fixture (the one bad file is reported); returns the summary."""
    r = kcna("ingest", str(FIXTURES), "--json")
    assert r.exit_code == 1, r.output  # fixtures/bad/not-a-dump.txt is reported, the rest stored
    summary = json.loads(r.stdout)
    assert summary["dumps_read"] > 20
    return summary
