"""The daily-loop commands: ``kcna watch`` (saved searches) and ``kcna cite``.

Registered on the ``kcna`` app by ``kcna_cli.cli``; thin like the rest:
options -> ``kcna_cli.watches`` / ``kcna_cli.cite`` -> ``kcna_cli.views``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .options import ALL_FILTERS, ALL_FORMATS, DbOpt, Run, kcna_command, open_corpus

watch_app = typer.Typer(
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

ReportOpt = Annotated[
    bool,
    typer.Option(
        "--report",
        help="Then run every watch: the day's new items in one step (moves the marks, like kcna watch).",
    ),
]

DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what is new but leave the marks where they are (run it again later).")
]


def run_watches(db: Path | None) -> list[Any]:
    """Run every watch (``kcna ingest --report``): the runs, marks moved."""
    from . import watches

    with open_corpus(db) as corpus:
        return watches.run(corpus)


def run_rows(runs: list[Any]) -> list[dict]:
    from . import watches

    return watches.run_rows(runs)


def show_runs(run: Run, runs: list[Any], *, dry_run: bool = False) -> None:
    """Watch runs in the chosen format: flat rows ``{"watch": name, **item}`` for data, a digest for people."""
    from .views.formats import emit, message
    from .views.watch import digest
    from .watches import RUN_FIELDS, run_rows

    env = run.env
    fmt = run.format()
    emit(env, fmt, run_rows(runs), RUN_FIELDS, table=lambda _rows: digest(env, runs, dry_run=dry_run))
    if fmt != "table" and env.stderr_isatty:
        for r in runs:
            message(env, f"watch {r.watch.name}: {len(r.items)} new", style="dim")


@watch_app.callback(invoke_without_command=True)
@kcna_command(formats=ALL_FORMATS)
def watch(run: Run, ctx: typer.Context, dry_run: DryRunOpt = False, db: DbOpt = None) -> None:
    """Saved searches: the items that are new since each last ran.

    [bold]kcna watch[/bold] alone runs every watch (like [bold]kcna watch run[/bold]).

    Examples: [bold]kcna watch add kimhwa --place Kimhwa[/bold] ·
    [bold]kcna watch add missiles missile --source KCNA[/bold] · [bold]kcna watch[/bold] ·
    [bold]kcna watch run kimhwa --dry-run --json[/bold] · [bold]kcna watch list[/bold] ·
    [bold]kcna watch rm kimhwa[/bold]
    """
    if ctx.invoked_subcommand is not None:
        return
    from . import watches

    show_runs(run, watches.run(open_corpus(db), dry_run=dry_run), dry_run=dry_run)


@watch_app.command("run")
@kcna_command(formats=ALL_FORMATS)
def watch_run(
    run: Run,
    names: Annotated[
        Optional[list[str]], typer.Argument(help="Watches to run (default: all).", show_default=False)
    ] = None,
    dry_run: DryRunOpt = False,
    db: DbOpt = None,
) -> None:
    """Run watches: each one's items first seen since it last ran, newest first; then move its mark.

    Rows are items with a leading "watch" field (--json: one array).

    Example: [bold]kcna watch run kimhwa --dry-run[/bold]
    """
    from . import watches

    show_runs(run, watches.run(open_corpus(db), names or None, dry_run=dry_run), dry_run=dry_run)


@watch_app.command("add")
@kcna_command(filters=ALL_FILTERS)
def watch_add(
    run: Run,
    name: Annotated[str, typer.Argument(help="A name for the watch (a word).", show_default=False)],
    words: Annotated[
        Optional[list[str]], typer.Argument(help='Words to search for; "quoted phrase", prefix*.', show_default=False)
    ] = None,
    since_start: Annotated[
        bool, typer.Option("--since-start", help="Its first run reports every match stored so far.")
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a watch of the same name.")] = False,
    db: DbOpt = None,
) -> None:
    """Save a search as a watch: later runs report its new items.

    Takes the words and filters of search. The search is checked now (an
    unknown place or source, an unreadable date is an error); relative dates
    (--since 7d) are read at each run.

    Example: [bold]kcna watch add kangwon-farms farm --place Kangwon[/bold]
    """
    from . import watches
    from .views.formats import note

    assert run.filters is not None
    run.filters.words = " ".join(words) if words else None
    w = watches.add(open_corpus(db), name, run.filters, since_start=since_start, replace_=replace)
    when = "everything stored so far" if since_start else "items stored from now on"
    note(run.env, f"watch {w.name} saved: {w.search or '(everything)'}; its runs report {when}")


@watch_app.command("list")
@kcna_command(formats=ALL_FORMATS)
def watch_list(run: Run, db: DbOpt = None) -> None:
    """List the watches: name, search, items waiting for the next run, last run.

    Example: [bold]kcna watch list --json[/bold]
    """
    from . import watches
    from .views.formats import emit
    from .views.watch import watch_table

    env = run.env
    emit(env, run.format(), watches.listing(open_corpus(db)), watches.WATCH_FIELDS, table=lambda r: watch_table(env, r))


@watch_app.command("rm")
@kcna_command()
def watch_rm(
    run: Run,
    name: Annotated[str, typer.Argument(help="The watch to remove.", show_default=False)],
    db: DbOpt = None,
) -> None:
    """Remove a watch.

    Example: [bold]kcna watch rm kimhwa[/bold]
    """
    from . import watches
    from .views.formats import note

    watches.remove(open_corpus(db), name)
    note(run.env, f"watch {name} removed")
