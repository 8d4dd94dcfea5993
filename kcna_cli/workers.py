"""A parse worker process as the process that writes sees it (``_Worker``), and the
messages between them: an 8-byte length, then ``marshal`` (``_send``, ``_receive``).
The worker's side is ``pipeline._serve`` (``python -m kcna_cli.pipeline``).

An answer is read back into pages (``wire.from_wire``) by a thread of its own, not by the
one that writes: the writer's thread is the one an ingest waits for, and the other runs
while the writer waits on SQLite. It reads back one answer ahead of the writer.
"""

from __future__ import annotations

import marshal
import os
import queue
import threading
from collections.abc import Callable

from .wire import KeptRecords, from_wire


class _Worker:
    """A parse worker: ``python -m kcna_cli.pipeline``, fed tasks on its standard
    input and answering on its standard output (8-byte length, then marshal).

    A plain child process, not ``multiprocessing``: nothing is re-imported
    from the caller's script, and no resource-tracker process is started
    (13 MiB). When this process dies, even by kill -9, the worker reads the
    end of its input and exits.
    """

    #: the worker's command line (None: this Python, ``-m kcna_cli.pipeline``)
    command: list[str] | None = None

    def __init__(self, stored: str | None = None) -> None:
        import queue
        import subprocess
        import sys
        import threading

        env = dict(os.environ)
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            self.command or [sys.executable, "-m", "kcna_cli.pipeline", *([stored] if stored else [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.tasks: queue.SimpleQueue = queue.SimpleQueue()
        self.kept: KeptRecords = {}  # the records it sent whole lately (``wire``)
        # a thread writes the tasks: a large task must not block this process
        # while the worker is still writing an earlier answer
        self.feeder = threading.Thread(target=self._feed, daemon=True)
        self.feeder.start()
        # and a thread reads the answers as they come: a worker blocked on a full
        # pipe until the writer asks for its answer could not start the next task
        _larger_pipe(self.proc.stdout)
        self.answers: queue.SimpleQueue = queue.SimpleQueue()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        # and one reads the answers back into pages, one answer ahead of the writer (pages
        # take several times the memory of their message)
        self.ready: queue.SimpleQueue = queue.SimpleQueue()
        self.room = threading.Semaphore(1)
        self.closing = False
        self.decoder = threading.Thread(target=self._read_back, daemon=True)
        self.decoder.start()

    def _feed(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            while (task := self.tasks.get()) is not None:
                _send(stdin, marshal.dumps(task))
        except OSError:  # the worker is gone; result() says so
            pass
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def _drain(self) -> None:
        try:
            while (data := _receive(self.proc.stdout)) is not None:
                self.answers.put(data)
        except (OSError, ValueError):  # the worker is gone; result() says so
            pass
        finally:
            self.answers.put(None)

    def _read_back(self) -> None:
        """The answers as pages (``_pages``), in the order the worker wrote them (as ``kept``
        needs), each once the writer has taken the one before."""
        while True:
            self.room.acquire()
            if self.closing:
                return
            data = self.answers.get()
            if data is None:
                self.ready.put(None)
                return
            try:
                answer = _pages(marshal.loads(data), self.kept)
            except Exception as exc:  # an answer that cannot be read: result() raises it
                answer = _Unreadable(exc)
            self.ready.put(answer)

    def submit(self, task: tuple) -> None:
        self.tasks.put(task)

    def result(self):
        """The answer of ``_work`` to the oldest task, its pages read back (``_pages``)."""
        answer = self.ready.get()
        if answer is None:
            self.ready.put(None)  # the end stays the end
            raise RuntimeError(f"a parse worker stopped (exit status {self.proc.wait()})")
        self.room.release()  # the next one may be read back
        if isinstance(answer, _Unreadable):
            raise answer.error
        return answer

    def close(self, *, kill: bool = False) -> None:
        self.tasks.put(None)  # the worker reads the end of its input and exits
        if kill:
            self.proc.kill()
        self.feeder.join()
        self.proc.wait()
        self.reader.join()  # its output ended with it
        self.closing = True
        self.room.release()  # (a reading back that waits for room stops)
        self.decoder.join()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class _Unreadable:
    """An answer ``_pages`` could not read: the error, raised in the writer's thread."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _pages(answer, kept: KeptRecords):
    """``_work``'s answer with its pages read back: for files, a list of (pages, error) or
    the pages the file index knows (for files a worker read, see ``_read_and_work``);
    else (pages, error). The answers are read in the order
    the worker wrote them, as ``kept`` needs."""
    if isinstance(answer, list):
        return [_file_pages(a, kept) for a in answer]
    return from_wire(answer[0], kept), answer[1]


def _file_pages(answer, kept: KeptRecords):
    """One file's answer: its pages read back, if it has any."""
    if isinstance(answer, int):
        return answer
    if len(answer) == 3:  # (its hash, what, ...): a file the worker read
        sha, what, got = answer
        return (sha, what, (from_wire(got[0], kept), got[1])) if what == "pages" else answer
    return from_wire(answer[0], kept), answer[1]


def _larger_pipe(fh) -> None:
    """Let a worker write a whole answer (about 1 MiB) before anyone reads it, where the
    system allows (Linux); the default pipe holds 64 KiB."""
    try:
        import fcntl

        fcntl.fcntl(fh.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _send(fh, data: bytes) -> None:
    fh.write(len(data).to_bytes(8, "little"))
    fh.write(data)
    fh.flush()


def _receive(fh) -> bytes | None:
    """One message, or None at the end of the stream."""
    head = fh.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    data = fh.read(size)
    return data if len(data) == size else None


def _receiving(fh, ahead: Callable[[tuple], tuple]) -> queue.SimpleQueue:
    """The messages on ``fh``, each unmarshalled and given to ``ahead`` by a thread as it
    comes (in a worker: while the one before is worked on), then None at the end."""
    got: queue.SimpleQueue = queue.SimpleQueue()

    def receive() -> None:
        try:
            while (data := _receive(fh)) is not None:
                got.put(ahead(marshal.loads(data)))
        finally:
            got.put(None)  # the end of the input, or a message that cannot be read or prepared

    threading.Thread(target=receive, name="kcna-tasks", daemon=True).start()
    return got
