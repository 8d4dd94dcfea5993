"""A parse worker process as the process that writes sees it (``_Worker``), and the
messages between them: an 8-byte length, then ``marshal`` (``_send``, ``_receive``).
The worker's side is ``pipeline._serve`` (``python -m kcna_cli.pipeline``).
"""

from __future__ import annotations

import marshal
import os

from .wire import KeptRecords


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

    def submit(self, task: tuple) -> None:
        self.tasks.put(task)

    def result(self):  # the answer of ``_work`` to the oldest task
        data = self.answers.get()
        if data is None:
            self.answers.put(None)  # the end stays the end
            raise RuntimeError(f"a parse worker stopped (exit status {self.proc.wait()})")
        return marshal.loads(data)

    def close(self, *, kill: bool = False) -> None:
        self.tasks.put(None)  # the worker reads the end of its input and exits
        if kill:
            self.proc.kill()
        self.feeder.join()
        self.proc.wait()
        self.reader.join()  # its output ended with it
        if self.proc.stdout is not None:
            self.proc.stdout.close()


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
