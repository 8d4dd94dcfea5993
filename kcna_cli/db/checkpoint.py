"""Checkpoints in a thread of their own while an ingest of files runs.

In WAL mode SQLite copies the log into the database (a checkpoint) on the
commit that grows the log past ``wal_autocheckpoint`` pages, and that commit
waits for the copy. In a large corpus the copy is long (about half a second
at a million stored pages, every few seconds of ingest), and the one process
that writes stands still meanwhile.

During an ingest of files a thread copies the log instead, every
``CHECKPOINT_SECONDS``, on a connection of its own, while the writer goes on:
a PASSIVE checkpoint blocks neither the writer nor any reader, and copies
only what is committed, so a kill -9 at any moment leaves the same database
as before. The automatic checkpoint stays, at ``BACKSTOP`` times its size, in
case the thread falls behind; it is set back when the ingest ends.

The log can only start over when everything in it is copied, and the
writer adds to it while the thread copies: in a long ingest the log grows
to the backstop size (512 MiB), where the commit that reaches it copies
what the thread has not copied yet (a few seconds of ingest), and the log
starts over.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .corpus import Corpus

#: seconds between two checkpoints of the thread (the writer commits every half second)
CHECKPOINT_SECONDS = 3.0
#: the automatic checkpoint during the ingest, as a multiple of its usual size
BACKSTOP = 4


@contextmanager
def background_checkpoints(corpus: Corpus) -> Iterator[None]:
    """Checkpoint ``corpus`` in a thread while the body runs (nothing for a database in
    memory or opened read-only)."""
    from .corpus import BUSY_TIMEOUT, WAL_CHECKPOINT_PAGES

    if corpus.readonly or corpus.in_memory:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=_checkpoints, args=(str(corpus.path), stop, BUSY_TIMEOUT), name="kcna-checkpoint", daemon=True
    )
    corpus.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES * BACKSTOP}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        try:
            corpus.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        except sqlite3.Error:  # the connection failed with the ingest: that error is the one to tell
            pass


def _checkpoints(path: str, stop: threading.Event, timeout: float) -> None:
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        return  # the backstop checkpoints
    try:
        conn.execute("PRAGMA cache_size = -1024")  # a checkpoint copies log frames: no cache to speak of
        while not stop.wait(CHECKPOINT_SECONDS):
            checkpoint(conn)
    except sqlite3.Error:
        pass  # the backstop checkpoints
    finally:
        conn.close()


def checkpoint(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """One PASSIVE checkpoint: (1 if another one ran, pages in the log, pages copied)."""
    return conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
