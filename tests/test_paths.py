"""Where the database lives by default: the XDG data folder, and the old place still honoured."""

import json
import sys

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from kcna_cli.cli import app
from kcna_cli.paths import default_db_path

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the Linux/XDG rules")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("KCNA_DB", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_default_is_the_xdg_data_folder(home, monkeypatch):
    assert default_db_path() == home / ".local" / "share" / "kcna" / "kcna.db"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    assert default_db_path() == home / "data" / "kcna" / "kcna.db"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # XDG: only absolute paths count
    assert default_db_path() == home / ".local" / "share" / "kcna" / "kcna.db"
    monkeypatch.setenv("KCNA_DB", str(home / "elsewhere.db"))
    assert default_db_path() == home / "elsewhere.db"


def test_a_database_at_the_old_place_keeps_working(home):
    old = home / ".config" / "kcna" / "kcna.db"
    old.parent.mkdir(parents=True)
    r = CliRunner().invoke(app, ["ingest", str(FIXTURES / "page-kcna-kp.txt"), "--db", str(old), "-q"])
    assert r.exit_code == 0
    assert default_db_path() == old
    r = CliRunner().invoke(app, ["info", "--json"])
    data = json.loads(r.stdout)
    assert r.exit_code == 0 and data["database"] == str(old) and data["items"] == 5
    assert not (home / ".local").exists()


def test_ingest_creates_the_default_database_and_says_so(home):
    r = CliRunner().invoke(app, ["ingest", str(FIXTURES / "page-kcna-kp.txt")])
    new = home / ".local" / "share" / "kcna" / "kcna.db"
    assert r.exit_code == 0 and new.exists()
    assert r.stderr.splitlines()[0] == f"kcna: new database at {new}"
    again = CliRunner().invoke(app, ["ingest", str(FIXTURES / "page-kcna-kp.txt")])
    assert "new database" not in again.stderr
