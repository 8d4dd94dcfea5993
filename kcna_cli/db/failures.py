"""Failures of the database file, told as what they are.

``check_place`` refuses a ``--db`` that cannot be a database file before
SQLite touches it (a folder, a device such as ``/dev/null`` or
``/dev/stdout``, a new folder that cannot be made, an empty file for a
command that only reads); ``explain`` turns SQLite's errors into one line
that names the cause (disk full, read-only, locked by another program,
damaged) instead of a generic "not a kcna database".
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from ..errors import ExitCode, KcnaError


def check_place(path: Path, *, create: bool) -> None:
    """Refuse a database path that is not, or cannot become, a regular database file."""
    shown = str(path)
    if shown.startswith(("/dev/", "/proc/")) or str(path.resolve()).startswith(("/dev/", "/proc/")):
        raise KcnaError(f"{shown} is a device, not a database file; give --db a file", ExitCode.USAGE)
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        if not create:
            raise KcnaError(f"no database at {path} (run 'kcna ingest' first, or pass --db)") from None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KcnaError(f"cannot make the folder {path.parent} for the database: {exc.strerror}") from None
        return
    except OSError as exc:
        raise KcnaError(f"cannot open the database {path}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise KcnaError(f"{path} is a folder, not a database file")
    if not stat.S_ISREG(st.st_mode):
        raise KcnaError(f"{path} is not a regular file (a device or a pipe?); give --db a file", ExitCode.USAGE)
    if st.st_size == 0 and not create:
        raise KcnaError(f"{path} is empty: it holds no kcna database (run 'kcna ingest --db {path} DUMPS')")


def explain(exc: sqlite3.Error | OSError, path: Path | str | None = None) -> str:
    """One line that says what went wrong with the database (and which one)."""
    text = str(exc)
    low = text.lower()
    where = f"{path}: " if path else ""
    if "locked" in low or "busy" in low:
        return f"{where}the database is locked by another program; try again when it is done"
    if "readonly" in low or "read-only" in low:
        return f"{where}the database is read-only (kcna needs to write to it for this command)"
    if "disk is full" in low or "no space" in low:
        return f"{where}the disk is full (or the file size limit was reached); nothing of the failed step was kept"
    if "disk i/o" in low:
        return f"{where}the database could not be written (disk I/O error: disk full, a file size limit?)"
    if "unable to open" in low:
        return f"{where}cannot open the database file (does its folder exist, and may kcna write to it?)"
    if "malformed" in low or "corrupt" in low:
        return f"{where}the database is damaged ({text}); 'kcna reparse' or a backup may restore it"
    if path is None:
        return f"database error: {text}"
    return f"{where}not a kcna database ({text})"
