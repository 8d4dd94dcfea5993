"""The output contract: streams, formats, and the one ``emit`` every read command uses.

``Env`` describes the streams (httpie's ``Environment``): where data and
messages go and whether each is a terminal. It is built once per command
and passed down; its rich consoles are made once and cached.
``choose_format`` picks the format from the flags, ``KCNA_FORMAT`` and
``isatty()``; ``emit`` writes rows as JSON, JSON Lines or CSV, or hands them
to a table drawer. Tables are drawn with rich only on a terminal (or when
forced with ``--table``); data formats never carry colour codes or box
drawing. Nothing in ``kcna_cli.views`` runs SQL: it draws what it is given.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from ..errors import UsageError
from ..terminal import dumps, visible, visible_data

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "jsonl", "csv")


@dataclass
class Env:
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None
    #: start CSV with a UTF-8 byte-order mark (``--csv-bom``/``--excel``), so spreadsheets read it as UTF-8
    bom: bool = False
    _consoles: dict[bool, Console] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)

    def console(self, *, stderr: bool = False) -> Console:
        """The rich console of one stream (made once); colour only on a terminal."""
        if stderr not in self._consoles:
            self._consoles[stderr] = self._make_console(stderr)
        return self._consoles[stderr]

    def _make_console(self, stderr: bool) -> Console:
        from rich.console import Console

        stream = self.stderr if stderr else self.stdout
        tty = self.stderr_isatty if stderr else self.stdout_isatty
        width = None
        if not tty:
            width = 120
        console = Console(
            file=stream,
            force_terminal=tty,
            no_color=not tty or "NO_COLOR" in os.environ,
            width=width,
            highlight=False,
            soft_wrap=False,
        )
        # rich exits 1 on a closed pipe; kcna exits 0 on every path (options.guard)
        console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
        return console


def _closed_pipe() -> None:
    raise BrokenPipeError


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def env_format() -> str | None:
    """``KCNA_FORMAT`` (lower-cased), or None when unset; an invalid value is a usage error.

    Every command checks it, whether it prints data or not, so a typo in a
    shell profile is found at once, with the same message everywhere.
    """
    value = os.environ.get("KCNA_FORMAT", "").strip().lower()
    if not value:
        return None
    if value not in FORMATS:
        raise UsageError(f"KCNA_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


def choose_format(
    env: Env,
    *,
    json_: bool = False,
    jsonl: bool = False,
    csv_: bool = False,
    table: bool = False,
    piped: str = "jsonl",
) -> str:
    """A format flag, else ``KCNA_FORMAT``, else a table on a terminal and ``piped`` otherwise."""
    chosen = [name for name, on in (("json", json_), ("jsonl", jsonl), ("csv", csv_), ("table", table)) if on]
    if len(chosen) > 1:
        raise UsageError("choose one of --json, --jsonl, --csv, --table")
    if chosen:
        return chosen[0]
    from_env = env_format()
    if from_env:
        return from_env
    return "table" if env.stdout_isatty else piped


# --- data formats ----------------------------------------------------------------


def write_json(env: Env, value: Any) -> None:
    # control characters are escaped (C1 and DEL too): the value is the same, no terminal obeys them
    env.stdout.write(dumps(value, indent=2) + "\n")


def write_jsonl(env: Env, rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        env.stdout.write(dumps(row) + "\n")


def write_csv(env: Env, rows: Iterable[Mapping[str, Any]], fields: Sequence[str]) -> None:
    """CSV rows; on a terminal, control characters in the values are made visible
    (``terminal.visible``); in a pipe or a file the values are exact."""
    if env.bom:
        env.stdout.write("\ufeff")
    writer = csv.DictWriter(env.stdout, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    shown: Callable[[Any], Any] = visible_data if env.stdout_isatty else (lambda v: v)
    for row in rows:
        writer.writerow({k: shown(_csv_cell(v)) for k, v in row.items()})


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        if any(isinstance(v, (dict, list)) for v in value):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def emit(
    env: Env,
    fmt: str,
    rows: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    *,
    table: Callable[[list[Any]], None] | None = None,
) -> None:
    """Rows in a data format, or drawn by ``table(rows)`` for the table format
    (which gets the rows with their text made safe for a terminal)."""
    if fmt == "json":
        write_json(env, list(rows))
    elif fmt == "jsonl":
        write_jsonl(env, rows)
    elif fmt == "csv":
        write_csv(env, rows, fields)
    elif table is not None:
        table([visible_data(r) for r in rows])
    else:
        raise ValueError(f"no table drawer given for format {fmt!r}")


def note(env: Env, text: str) -> None:
    """A ``kcna: ...`` note on stderr, whatever the streams are (scripts read it too)."""
    env.stderr.write(f"kcna: {text}\n")


def cut_note(env: Env, fmt: str, shown: int, total: int, noun: str = "matching items") -> None:
    """Say on stderr that data output stopped at ``--limit`` (a table says it in its footer)."""
    if fmt != "table" and total > shown:
        note(env, f"{shown} of {total} {noun}; --limit 0 for all")


def message(env: Env, text: str, *, style: str = "") -> None:
    """A line for people, on stderr (control characters made visible)."""
    text = visible(text)
    if env.stderr_isatty and style:
        from rich.text import Text

        env.console(stderr=True).print(Text(text, style=style))
    else:
        env.stderr.write(text + "\n")


def safe_text(value: Any, style: str = ""):
    """Dump-derived text as a rich ``Text``: controls made visible, never read as markup."""
    from rich.text import Text

    return Text(visible("" if value is None else str(value)), style=style)
