"""The daily-loop commands: ``kcna watch`` (saved searches) and ``kcna cite``.

Registered on the ``kcna`` app by ``kcna_cli.cli``; thin like the rest:
options -> ``kcna_cli.watches`` / ``kcna_cli.cite`` -> ``kcna_cli.views``.
"""

from __future__ import annotations

import sys
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

GeojsonOpt = Annotated[
    bool,
    typer.Option(
        "--geojson",
        help="The places the results name, as a GeoJSON FeatureCollection with item ids per place.",
        rich_help_panel="Output",
    ),
]
PlacesGeojsonOpt = Annotated[
    bool,
    typer.Option(
        "--geojson",
        help="A GeoJSON FeatureCollection: a point per place with its counts (null geometry when unknown).",
        rich_help_panel="Output",
    ),
]
MarkdownOpt = Annotated[
    bool,
    typer.Option("--markdown", "--md", help="A reading list in Markdown: each item's citation, date, places and text."),
]
ShowMarkdownOpt = Annotated[
    bool, typer.Option("--markdown", "--md", help="The items as a Markdown reading list (as export --markdown).")
]


def markdown_or_format(run: Run, markdown: bool, default: str | None = None) -> str:
    """``markdown`` for --markdown (alone), else the output format (``default`` without a flag or KCNA_FORMAT)."""
    from .errors import UsageError
    from .views.formats import env_format

    if markdown and run.flagged:
        raise UsageError("--markdown is a format of its own: it cannot go with --json, --jsonl, --csv or --table")
    if markdown:
        return "markdown"
    if default and not run.flagged and not env_format():
        return default
    return run.format()


def geojson_or_format(run: Run, geojson: bool) -> str:
    from .errors import UsageError

    if geojson and run.flagged:
        raise UsageError("--geojson is a format of its own: it cannot go with --json, --jsonl, --csv or --table")
    return "geojson" if geojson else run.format()


def write_geojson(env: Any, fc: dict) -> None:
    """A FeatureCollection on stdout, and how many places it could not locate on stderr."""
    from .geo import unlocated
    from .views.formats import note, write_json

    write_json(env, fc)
    missing = unlocated(fc)
    if missing:
        note(env, f"{missing} of {len(fc['features'])} places have no known coordinates (geometry null)")


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


# --- cite -----------------------------------------------------------------------------------


@kcna_command(formats=ALL_FORMATS)
def cite(
    run: Run,
    ids: Annotated[list[int], typer.Argument(help="Item ids (from search).", show_default=False)],
    style: Annotated[
        str,
        typer.Option("--format", "-f", help="text, markdown, bibtex or csl-json (any case).", show_default=True),
    ] = "text",
    db: DbOpt = None,
) -> None:
    """Cite items: outlet, title, date, capture date and address, as text, Markdown, BibTeX or CSL-JSON.

    Prints the citations (in a pipe too: [bold]kcna cite 22 >> notes.md[/bold]);
    --json, --jsonl and --csv print rows {id, style, citation, url, csl}.
    The style is described in README ("Citations").

    Examples: [bold]kcna cite 22 43[/bold] · [bold]kcna cite 22 --format markdown[/bold] ·
    [bold]kcna cite 22 43 --format bibtex >> refs.bib[/bold]
    """
    import json

    from . import cite as citing
    from . import query
    from .views.formats import emit

    env = run.env
    chosen = citing.check_style(style)
    fmt = run.format(piped="text")
    corpus = open_corpus(db)
    items = query.get_items(corpus, ids)

    def plain(_rows: list[dict]) -> None:
        if chosen == "csl-json":
            env.stdout.write(json.dumps([citing.csl(it) for it in items], ensure_ascii=False, indent=2) + "\n")
        else:
            sep = "\n\n" if chosen == "bibtex" else "\n"
            env.stdout.write(sep.join(citing.citation(it, chosen) for it in items) + "\n")

    if fmt == "text":
        plain([])
    else:
        emit(env, fmt, citing.rows(items, chosen), citing.CITE_FIELDS, table=plain)


# --- export (and its reading list) -----------------------------------------------------------


@kcna_command(words=True, filters=ALL_FILTERS, formats=ALL_FORMATS)
def export(
    run: Run,
    db: DbOpt = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    markdown: MarkdownOpt = False,
) -> None:
    """Export the whole corpus, or the filtered part, as JSON Lines (default) or CSV.

    JSON Lines unless a flag or KCNA_FORMAT says otherwise, on a terminal
    too; oldest first, every match (no limit).

    Examples: [bold]kcna export > corpus.jsonl[/bold] ·
    [bold]kcna export --place Kangwon --csv -o kangwon.csv[/bold] ·
    [bold]kcna export --place Kimhwa --since 2026-03 --markdown -o reading.md[/bold]
    """
    from . import query
    from .views.formats import Env, emit
    from .views.items import items_table

    assert run.filters is not None
    fmt = markdown_or_format(run, markdown, default="jsonl")
    corpus = open_corpus(db)
    stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
    try:
        env = Env(stdout=stream, bom=run.env.bom) if output else run.env
        rows = query.iter_items(corpus, run.filters)
        if fmt == "markdown":
            from .views.markdown import reading_list

            described = " · ".join(run.filters.described())
            reading_list(env.stdout, rows, note=f"Items: {described}" if described else "")
            return
        emit(env, fmt, rows, query.ITEM_FIELDS, table=lambda r: items_table(env, r, total=len(r)))
    finally:
        if output:
            stream.close()
