"""Where kcna keeps its database when neither ``--db`` nor ``KCNA_DB`` says.

The default is ``kcna.db`` in the user's data folder, by the platform's
rules: ``$XDG_DATA_HOME/kcna`` (``~/.local/share/kcna``) on Linux and other
Unix systems, ``~/Library/Application Support/kcna`` on macOS,
``%LOCALAPPDATA%\\kcna`` on Windows. Earlier versions kept it in the
configuration folder (``~/.config/kcna`` on Linux, ``%APPDATA%\\kcna`` on
Windows): a database found there, with none at the new place, is still
used, so an upgrade loses nothing. Standard library only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_NAME = "kcna.db"


def _home() -> Path:
    return Path(os.path.expanduser("~"))


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var, "").strip()
    # the XDG rules: only an absolute path counts
    return Path(value) if value and os.path.isabs(value) else _home() / fallback


def data_dir() -> Path:
    """The folder kcna's database lives in by default."""
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        return (Path(base) if base else _home() / "AppData" / "Local") / "kcna"
    if sys.platform == "darwin":
        return _home() / "Library" / "Application Support" / "kcna"
    return _xdg("XDG_DATA_HOME", ".local/share") / "kcna"


def old_data_dir() -> Path:
    """Where earlier versions kept the database (the configuration folder)."""
    if sys.platform.startswith("win"):
        base = os.environ.get("APPDATA")
        return (Path(base) if base else _home() / "AppData" / "Roaming") / "kcna"
    if sys.platform == "darwin":
        return _home() / "Library" / "Application Support" / "kcna"
    return _xdg("XDG_CONFIG_HOME", ".config") / "kcna"


def default_db_path() -> Path:
    """``$KCNA_DB``; else the database at the old place if only that one exists; else the data folder's."""
    env = os.environ.get("KCNA_DB")
    if env:
        return Path(env).expanduser()
    new = data_dir() / DB_NAME
    old = old_data_dir() / DB_NAME
    if not new.exists() and old.exists():
        return old
    return new
