"""The options every kcna command shares, declared once, and the command wrapper.

``kcna_command`` wraps a command function for typer (the way sqlite-utils'
``output_options`` decorator does for click):

- it adds the shared filter options (``--place``, ``--since`` ... ``--raw``)
  and the output flags (``--json``, ``--jsonl``, ``--csv``, ``--table``) to
  the function's signature, so typer shows and parses them like any other;
- it builds one ``Env`` (the streams) per command and one ``Filters`` from
  the filter options, and hands them to the command in a ``Run``;
- it turns expected failures into one line on stderr and an exit code
  (``KcnaError``), Ctrl-C into exit 130, a closed pipe into exit 0, and
  anything else into one line and exit 70 unless ``--debug`` is on.

Nothing heavy is imported here: typer, and the standard library.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
import typer.core

from .errors import ExitCode, KcnaError, UsageError

if TYPE_CHECKING:
    from .db import Corpus
    from .query import Filters
    from .views.formats import Env

#: ``--debug`` (or ``KCNA_DEBUG``): show tracebacks of unexpected errors
DEBUG = {"on": bool(os.environ.get("KCNA_DEBUG"))}

DbOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        envvar="KCNA_DB",
        show_envvar=True,
        dir_okay=False,
        help="Database file. Default: kcna.db in the user's data folder (~/.local/share/kcna on Linux).",
    ),
]
WordsArg = Annotated[
    Optional[list[str]], typer.Argument(help='Words to search for; "quoted phrase", prefix*.', show_default=False)
]

#: the filter options of search, stats, export and revisions: name -> (annotation, default)
FILTER_OPTIONS: dict[str, tuple[Any, Any]] = {
    "place": (
        Annotated[
            Optional[list[str]],
            typer.Option(
                "--place",
                "-p",
                help="Place name or alias, with what lies inside it (repeat for any of several).",
                rich_help_panel="Filters",
            ),
        ],
        None,
    ),
    "since": (
        Annotated[
            Optional[str],
            typer.Option(
                "--since",
                help=(
                    "From this date on, inclusive: 2025, 2025-02, 2025-02-10, '10 Feb 2025', 'February 2025',"
                    " yesterday, 7d, 2w, 3m."
                ),
                rich_help_panel="Filters",
            ),
        ],
        None,
    ),
    "until": (
        Annotated[
            Optional[str],
            typer.Option(
                "--until",
                help="Up to this date, inclusive: 2025-12-31, 2025-12 (whole month), 'Dec 2025', 1m.",
                rich_help_panel="Filters",
            ),
        ],
        None,
    ),
    "on": (
        Annotated[
            Optional[str], typer.Option("--on", help="On this day (or month, or year).", rich_help_panel="Filters")
        ],
        None,
    ),
    "year": (Annotated[Optional[str], typer.Option("--year", help="In this year.", rich_help_panel="Filters")], None),
    "source": (
        Annotated[
            Optional[list[str]],
            typer.Option(
                "--source",
                "-s",
                help=(
                    "Outlet or label, prefix allowed, any case: KCNA, 'Rodong Sinmun' (repeat for any);"
                    " an unknown one is an error."
                ),
                rich_help_panel="Filters",
            ),
        ],
        None,
    ),
    "kind": (
        Annotated[
            Optional[str], typer.Option("--kind", help="article or teaser (any case).", rich_help_panel="Filters")
        ],
        None,
    ),
    "person": (
        Annotated[
            Optional[list[str]],
            typer.Option(
                "--person",
                help="Items naming this person, any spelling: 'Choe Ryong Hae', 'Choi Ryong-hae' (repeat for any).",
                rich_help_panel="Filters",
            ),
        ],
        None,
    ),
    "language": (
        Annotated[
            Optional[list[str]],
            typer.Option(
                "--language",
                help="Language: ko, ja, zh, ru, es, fr, de, en (or Korean, ...; repeat for any).",
                rich_help_panel="Filters",
            ),
        ],
        None,
    ),
    "raw": (
        Annotated[
            bool, typer.Option("--raw", help="Pass WORDS to SQLite FTS5 as query syntax.", rich_help_panel="Filters")
        ],
        False,
    ),
    "seen_since": (
        Annotated[
            Optional[str],
            typer.Option(
                "--seen-since",
                help="First captured on or after this date (the dump's capture date): 2025-02-10, 7d, yesterday.",
                rich_help_panel="New items",
            ),
        ],
        None,
    ),
    "seen_until": (
        Annotated[
            Optional[str],
            typer.Option(
                "--seen-until",
                help="First captured on or before this date.",
                rich_help_panel="New items",
            ),
        ],
        None,
    ),
    "added_since": (
        Annotated[
            Optional[str],
            typer.Option(
                "--added-since",
                help="First stored in this database (ingest time) on or after this date: today, 2d.",
                rich_help_panel="New items",
            ),
        ],
        None,
    ),
}

#: the output flags: format name -> (parameter name, annotation)
OUTPUT_FLAGS: dict[str, tuple[str, Any]] = {
    "json": (
        "json_",
        Annotated[bool, typer.Option("--json", help="Print one JSON document (see README).", rich_help_panel="Output")],
    ),
    "jsonl": (
        "jsonl",
        Annotated[
            bool,
            typer.Option(
                "--jsonl", help="Print one JSON object per line (default when piped).", rich_help_panel="Output"
            ),
        ],
    ),
    "csv": (
        "csv_",
        Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.", rich_help_panel="Output")],
    ),
    "table": (
        "table",
        Annotated[
            bool, typer.Option("--table", help="Print a table (default on a terminal).", rich_help_panel="Output")
        ],
    ),
}

#: ``--csv-bom`` / ``--excel``, added wherever ``--csv`` is
CSV_BOM = (
    "csv_bom",
    Annotated[
        bool,
        typer.Option(
            "--csv-bom",
            "--excel",
            help="CSV starting with a UTF-8 byte-order mark, for spreadsheets (implies --csv).",
            rich_help_panel="Output",
        ),
    ],
)

ALL_FORMATS = ("json", "jsonl", "csv", "table")
ALL_FILTERS = tuple(FILTER_OPTIONS)


@dataclass
class Run:
    """What a command gets besides its own options: the streams, the filters, the output flags."""

    env: Env
    filters: Filters | None = None
    flags: dict[str, bool] = field(default_factory=dict)

    def format(self, piped: str = "jsonl") -> str:
        """The output format: a flag, else ``KCNA_FORMAT``, else a table on a terminal and ``piped`` otherwise."""
        from .views.formats import choose_format

        return choose_format(self.env, piped=piped, **{OUTPUT_FLAGS[k][0]: v for k, v in self.flags.items()})

    @property
    def flagged(self) -> bool:
        """Was a format flag given?"""
        return any(self.flags.values())


def open_corpus(db: Path | None, *, create: bool = False, quiet: bool = False) -> Corpus:
    """The database of ``--db``, ``KCNA_DB`` or the default place.

    A read command (``create`` false) pointed at a file that does not exist
    is a usage error, not an empty corpus; ``ingest`` creates the file and
    says so on stderr (unless ``quiet``).
    """
    from .db import Corpus, default_db_path

    # KCNA_DB reaches --db through typer, unexpanded: ~ is the home folder there too
    path = Path(db).expanduser() if db else default_db_path()
    if str(path) != ":memory:" and not path.exists():
        if not create:
            from .inputs import display_path

            raise UsageError(f"no database at {display_path(str(path))}; run kcna ingest first (or pass --db)")
        corpus = Corpus(path, create=True)
        if not quiet:
            sys.stderr.write(f"kcna: new database at {path}\n")
        return corpus
    return Corpus(path, create=create)


def filters_from(words: list[str] | None, values: dict[str, Any]) -> Filters:
    """The ``Filters`` of a command line's words and filter options."""
    from .query import Filters

    return Filters(
        words=" ".join(words) if words else None,
        raw=bool(values.get("raw")),
        places=list(values.get("place") or []),
        since=values.get("since"),
        until=values.get("until"),
        on=values.get("on"),
        year=values.get("year"),
        sources=list(values.get("source") or []),
        kind=values.get("kind"),
        persons=list(values.get("person") or []),
        languages=list(values.get("language") or []),
        seen_since=values.get("seen_since"),
        seen_until=values.get("seen_until"),
        added_since=values.get("added_since"),
    )


def kcna_command(
    *, filters: tuple[str, ...] = (), words: bool = False, formats: tuple[str, ...] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap a command: add the shared options named, pass a ``Run``, map errors to exit codes.

    ``filters``: which filter options (``ALL_FILTERS`` for all); ``words``:
    a leading WORDS argument that goes into the filters; ``formats``: which
    output flags. The wrapped function takes ``run: Run`` first, then its
    own options.
    """

    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        sig = inspect.signature(fn, eval_str=True)
        own = [p for name, p in sig.parameters.items() if name != "run"]
        kw = inspect.Parameter.KEYWORD_ONLY
        added_front = []
        if words:
            added_front.append(inspect.Parameter("words", kw, default=None, annotation=WordsArg))
        added_front += [
            inspect.Parameter(name, kw, default=FILTER_OPTIONS[name][1], annotation=FILTER_OPTIONS[name][0])
            for name in filters
        ]
        added_back = [
            inspect.Parameter(OUTPUT_FLAGS[f][0], kw, default=False, annotation=OUTPUT_FLAGS[f][1]) for f in formats
        ]
        if "csv" in formats:
            added_back.append(inspect.Parameter(CSV_BOM[0], kw, default=False, annotation=CSV_BOM[1]))
        params = added_front + [p.replace(kind=kw) for p in own] + added_back

        @functools.wraps(fn)
        def command(**kwargs: Any) -> None:
            with guard():
                from .views.formats import Env, env_format

                env_format()  # an invalid KCNA_FORMAT is the same error for every command
                flags = {f: bool(kwargs.pop(OUTPUT_FLAGS[f][0])) for f in formats}
                bom = bool(kwargs.pop(CSV_BOM[0])) if "csv" in formats else False
                filter_values = {name: kwargs.pop(name) for name in filters}
                the_words = kwargs.pop("words") if words else None
                run = Run(env=Env(), flags=flags)
                if bom:
                    if any(on for f, on in flags.items() if f != "csv"):
                        raise UsageError("--csv-bom writes CSV: it cannot go with --json, --jsonl or --table")
                    flags["csv"] = True
                    run.env.bom = True
                if filters or words:
                    run.filters = filters_from(the_words, filter_values)
                fn(run, **kwargs)
                sys.stdout.flush()  # a closed pipe is found here, inside the guard

        command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return wrap


def error_line(line: str) -> None:
    """One line on stderr; file names and dump text in it cannot steer the terminal."""
    from .terminal import visible

    sys.stderr.write(visible(line) + "\n")


class _ClosedStream:
    """Standard output or error closed by the shell (``>&-``): a write is an error with a reason."""

    def write(self, text: str) -> int:
        raise KcnaError("standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@contextmanager
def guard() -> Iterator[None]:
    """Expected failures -> one line and an exit code; bugs -> one line unless --debug."""
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - nowhere to tell anything
    try:
        yield
        sys.stdout.flush()  # a failing write (disk full, /dev/full) is told here, not at exit
    except typer.Exit:
        raise
    except KcnaError as exc:
        error_line(f"kcna: error: {exc.message}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        sys.stderr.write("kcna: interrupted\n")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        quiet_stdout()
        raise typer.Exit(0) from None
    except OverflowError:
        error_line("kcna: error: a number is too large (ids and limits go up to 9223372036854775807)")
        raise typer.Exit(int(ExitCode.USAGE)) from None
    except Exception as exc:
        import sqlite3

        if DEBUG["on"]:
            raise
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            sys.stderr.write("kcna: error: the database is busy (another kcna is writing); try again\n")
            raise typer.Exit(int(ExitCode.FAILED)) from None
        if isinstance(exc, sqlite3.Error):
            from .db.failures import explain

            error_line(f"kcna: error: {explain(exc)}")
            raise typer.Exit(int(ExitCode.FAILED)) from None
        if isinstance(exc, OSError) and exc.errno is not None:  # writing the output: /dev/full, a closed stream
            quiet_stdout()
            error_line(f"kcna: error: cannot write the output: {exc.strerror}")
            raise typer.Exit(int(ExitCode.FAILED)) from None
        error_line(f"kcna: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


def quiet_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the final flush cannot fail (exit stays 0)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's buffer)
        pass
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit
    except OSError:
        pass


def _stderr_isatty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class KcnaGroup(typer.core.TyperGroup):
    """The ``kcna`` command group: usage errors are one line on stderr when it is not a terminal.

    On a terminal typer draws them in a box; in a pipe or a log they read
    like every other error: ``kcna: error: No such option: --bogus (kcna
    search -h for help)``, exit 2. A closed stdout exits 0 on every path.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        extra["windows_expand_args"] = windows_expand_args
        if not standalone_mode or _stderr_isatty():
            try:
                return super().main(args, prog_name, complete_var, standalone_mode=standalone_mode, **extra)
            except BrokenPipeError:
                quiet_stdout()
                sys.exit(0)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except Exception as exc:
            # click's exceptions (typer may carry its own copy of click): known by their interface
            name = type(exc).__name__
            if name == "Abort":
                sys.stderr.write("kcna: aborted\n")
                sys.exit(1)
            if isinstance(exc, OSError):
                import errno

                if exc.errno == errno.EPIPE:
                    quiet_stdout()
                    sys.exit(0)
                raise
            if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
                raise
            if name == "NoArgsIsHelpError":
                exc.show()  # type: ignore[attr-defined]
                sys.exit(exc.exit_code)
            ctx = getattr(exc, "ctx", None)
            where = f" ({ctx.command_path} -h for help)" if ctx is not None else ""
            msg = " ".join(exc.format_message().split())
            sys.stderr.write(f"kcna: error: {msg}{where}\n")
            sys.exit(exc.exit_code)
        sys.exit(rv if isinstance(rv, int) else 0)
