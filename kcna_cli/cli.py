"""The ``kcna`` command: options -> library calls -> render; errors -> exit codes.

Thin on purpose: every command parses its options, calls ``store`` /
``query`` and hands plain data to ``render``. Expected failures are
``KcnaError`` and print one line on stderr; anything else is a bug and
prints one line too, unless ``--debug`` asks for the traceback. Heavy
modules (sqlite-utils, rich tables, the gazetteer) are imported inside the
commands, so ``kcna --help`` and shell completion stay fast.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .errors import ExitCode, KcnaError

app = typer.Typer(
    name="kcna",
    help=(
        "Turn KCNA Watch page dumps into a deduplicated, searchable SQLite corpus.\n\n"
        "Start with: kcna ingest DUMPS...  then: kcna search WORDS --place NAME --since 2025-01"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_debug = {"on": bool(os.environ.get("KCNA_DEBUG"))}

# --- shared options -----------------------------------------------------------------

DbOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        envvar="KCNA_DB",
        show_envvar=True,
        dir_okay=False,
        help="Database file. Default: kcna.db in the user's application data folder.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON array.", rich_help_panel="Output")]
JsonlOpt = Annotated[
    bool, typer.Option("--jsonl", help="Print one JSON object per line (default when piped).", rich_help_panel="Output")
]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.", rich_help_panel="Output")]
TableOpt = Annotated[
    bool, typer.Option("--table", help="Print a table (default on a terminal).", rich_help_panel="Output")
]

WordsArg = Annotated[
    Optional[list[str]], typer.Argument(help='Words to search for; "quoted phrase", prefix*.', show_default=False)
]
PlaceOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--place",
        "-p",
        help="Place name or alias, with what lies inside it (repeat for any of several).",
        rich_help_panel="Filters",
    ),
]
SinceOpt = Annotated[
    Optional[str],
    typer.Option(
        "--since", help="From this date on, inclusive: 2025, 2025-02 or 2025-02-10.", rich_help_panel="Filters"
    ),
]
UntilOpt = Annotated[
    Optional[str],
    typer.Option(
        "--until", help="Up to this date, inclusive: 2025-12-31, 2025-12 (whole month).", rich_help_panel="Filters"
    ),
]
OnOpt = Annotated[
    Optional[str], typer.Option("--on", help="On this day (or month, or year).", rich_help_panel="Filters")
]
YearOpt = Annotated[Optional[str], typer.Option("--year", help="In this year.", rich_help_panel="Filters")]
SourceOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--source",
        "-s",
        help="Outlet or label, prefix allowed: KCNA, 'Rodong Sinmun' (repeat for any).",
        rich_help_panel="Filters",
    ),
]
KindOpt = Annotated[Optional[str], typer.Option("--kind", help="article or teaser.", rich_help_panel="Filters")]
RawOpt = Annotated[
    bool, typer.Option("--raw", help="Pass WORDS to SQLite FTS5 as query syntax.", rich_help_panel="Filters")
]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kcna {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
) -> None:
    """KCNA Watch dumps -> a deduplicated, searchable SQLite corpus."""
    if debug:
        _debug["on"] = True


@contextmanager
def _guard():
    """Expected failures -> one line and an exit code; bugs -> one line unless --debug."""
    try:
        yield
    except typer.Exit:
        raise
    except KcnaError as exc:
        sys.stderr.write(f"kcna: error: {exc.message}\n")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        sys.stderr.write("kcna: interrupted\n")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - quiet the final flush
        except OSError:
            pass
        raise typer.Exit(0) from None
    except Exception as exc:
        import sqlite3

        if _debug["on"]:
            raise
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            sys.stderr.write("kcna: error: the database is busy (another kcna is writing); try again\n")
            raise typer.Exit(int(ExitCode.FAILED)) from None
        sys.stderr.write(f"kcna: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)\n")
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _open(db: Path | None, *, create: bool = False):
    from .store import Corpus, default_db_path

    return Corpus(db or default_db_path(), create=create)


def _filters(words, place, since, until, on, year, source, kind, raw):
    from .query import Filters

    return Filters(
        words=" ".join(words) if words else None,
        raw=raw,
        places=list(place or []),
        since=since,
        until=until,
        on=on,
        year=year,
        sources=list(source or []),
        kind=kind,
    )


# --- ingest -----------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Dump files, folders (searched recursively), globs, or - for stdin.", show_default=False),
    ],
    db: DbOpt = None,
    json_: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary (errors still shown).")
    ] = False,
    jobs: Annotated[
        Optional[int],
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Worker processes that parse while this one stores (default: 1 with 2 CPUs or more; 0: none).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Read dumps into the database: parse, deduplicate, store with the raw text.

    Example: [bold]kcna ingest ~/dumps/ new-capture.txt[/bold]
    """
    with _guard():
        from .inputs import display_path, expand
        from .pipeline import default_jobs, parsed_sources
        from .render import Env, message, write_json
        from .store import IngestReport

        env = Env()
        report = IngestReport()
        corpus = _open(db, create=True)

        sources = list(expand(paths))
        done = {"bytes": 0, "files": 0, "whole": 0}
        shown: dict[str, str] = {}  # stored (absolute) path -> as the user gave it

        def pages():
            # workers when asked for, or by default when the input is large enough to gain
            auto = jobs is None
            for part in parsed_sources(sources, jobs=default_jobs() if auto else jobs, min_bytes=None if auto else 0):
                src = part.source
                stored = src.path if src.path == "-" else os.path.abspath(src.path)
                shown[stored] = src.path
                for page in part.pages:
                    done["bytes"] += page.chars
                    yield stored, page
                if part.error:
                    report.fail(src.path, part.error)
                if part.final:
                    report.files_read += 1
                    done["files"] += 1
                    done["whole"] += _size(src)
                    done["bytes"] = max(done["bytes"], done["whole"])

        if env.stderr_isatty and not quiet:
            _ingest_with_progress(env, corpus, pages(), report, sources, done)
        else:
            corpus.ingest_pages(pages(), report)
        corpus.close()

        def as_given(where: str) -> str:
            base, sep, rest = where.partition(" (page ")
            return shown.get(base, display_path(base)) + sep + rest

        for f in report.failed:
            f["path"] = as_given(f["path"])
            sys.stderr.write(f"kcna: {f['path']}: {f['error']}\n")
        for w in report.warnings:
            w["path"] = as_given(w["path"])
        if json_:
            write_json(env, _summary(report))
        elif not quiet and env.stderr_isatty:
            _summary_table(env, report)
        elif not quiet:
            message(
                env,
                f"{report.dumps_read} dumps read ({report.dumps_known} already known), "
                f"{report.items_new} new items, {report.teasers_upgraded} teasers upgraded, "
                f"{report.duplicates_merged} duplicates merged, {len(report.failed)} failed",
            )
        if report.failed:
            raise typer.Exit(int(ExitCode.FAILED))


def _size(src) -> int:
    try:
        return os.path.getsize(src.path) if src.path != "-" and not src.error else 0
    except OSError:
        return 0


def _ingest_with_progress(env, corpus, pages, report, sources, done) -> None:
    """A progress bar on stderr: files, bytes, dumps/s, items new and merged."""
    import time

    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    total = sum(_size(s) for s in sources) or None
    started = time.monotonic()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        console=env.console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"file 0/{len(sources)}", total=total, stats="")
        last = [0.0]

        def tick(r):
            now = time.monotonic()
            if now - last[0] < 0.1:
                return
            last[0] = now
            rate = r.dumps_read / max(now - started, 1e-6)
            bar.update(
                task,
                completed=done["bytes"],
                description=f"file {min(done['files'] + 1, len(sources))}/{len(sources)}",
                stats=f"{r.dumps_read} dumps · {rate:,.0f}/s · {r.items_new} new · {r.duplicates_merged} merged",
            )

        corpus.ingest_pages(pages, report, progress=tick)


def _summary_table(env, report) -> None:
    from rich.table import Table

    table = Table(title="ingest", title_justify="left", title_style="bold", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(justify="right", style="cyan")
    rows = [
        ("dumps read", report.dumps_read),
        ("already known", report.dumps_known),
        ("new items", report.items_new),
        ("teasers upgraded", report.teasers_upgraded),
        ("duplicates merged", report.duplicates_merged),
        ("new text versions", report.versions_new),
        ("failed", len(report.failed)),
    ]
    for k, v in rows:
        table.add_row(k, f"{v:,}")
    env.console(stderr=True).print(table)


def _summary(report) -> dict:
    d = report.to_dict()
    keys = [
        "dumps_read",
        "dumps_known",
        "items_new",
        "teasers_upgraded",
        "duplicates_merged",
        "failed",
        "dumps_new",
        "versions_new",
        "files_read",
        "warnings",
    ]
    return {k: d[k] for k in keys}


# --- search --------------------------------------------------------------------------


@app.command()
def search(
    words: WordsArg = None,
    place: PlaceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    on: OnOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    kind: KindOpt = None,
    raw: RawOpt = False,
    sort: Annotated[
        Optional[str], typer.Option("--sort", help="date (newest first) or relevance (default with words).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many items; 0 for all.")] = 50,
    db: DbOpt = None,
    json_: JsonOpt = False,
    jsonl: JsonlOpt = False,
    csv_: CsvOpt = False,
    table: TableOpt = False,
) -> None:
    """Find items by words, place, date and source.

    Examples: [bold]kcna search --place Kimhwa[/bold] ·
    [bold]kcna search missile --since 2025-01 --json[/bold] ·
    [bold]kcna search '"regional industry"' --source KCNA --year 2025[/bold]
    """
    with _guard():
        from . import query, render

        env = render.Env()
        fmt = render.choose_format(env, json_=json_, jsonl=jsonl, csv_=csv_, table=table)
        f = _filters(words, place, since, until, on, year, source, kind, raw)
        corpus = _open(db)
        result = query.search(corpus, f, sort=sort, limit=limit)
        fields = query.SEARCH_FIELDS if f.has_words else query.ITEM_FIELDS
        note = None
        if result.ranked_among:
            note = (
                f"best matches among the {result.ranked_among:,} most recently stored of {result.total:,}"
                " (narrow with more words or filters; --sort date or --limit 0 look at all)"
            )
        render.write_rows(
            env,
            fmt,
            result.items,
            fields,
            table=lambda rows: render.items_table(
                env, rows, total=result.total, hint="use --limit 0 for all", note=note
            ),
        )
        if note and fmt != "table" and env.stderr_isatty:
            render.message(env, note)


# --- show ------------------------------------------------------------------------------


@app.command()
def show(
    ids: Annotated[list[int], typer.Argument(help="Item ids (from search).", show_default=False)],
    db: DbOpt = None,
    json_: JsonOpt = False,
    jsonl: JsonlOpt = False,
    table: TableOpt = False,
) -> None:
    """Show items in full: text, places, date notes, and every dump they were seen in.

    Example: [bold]kcna show 1[/bold] · [bold]kcna show 1 2 --json[/bold]
    """
    with _guard():
        from . import query, reader, render

        env = render.Env()
        fmt = render.choose_format(env, json_=json_, jsonl=jsonl, table=table)
        corpus = _open(db)
        items = reader.with_provenance(corpus, query.get_items(corpus, ids))
        if fmt == "json":
            render.write_json(env, items[0] if len(ids) == 1 else items)
        elif fmt in ("jsonl", "csv"):
            render.write_jsonl(env, items)
        else:
            reader.show_items(env, corpus, items)


# --- stats -------------------------------------------------------------------------------


@app.command()
def stats(
    words: WordsArg = None,
    by: Annotated[
        str, typer.Option("--by", "-b", help="month, year, source, place or kind.", show_default=True)
    ] = "month",
    place: PlaceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    on: OnOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    kind: KindOpt = None,
    raw: RawOpt = False,
    limit: Annotated[
        int, typer.Option("--limit", "-n", help="Only the N largest (source, place, kind); 0 for all.")
    ] = 0,
    db: DbOpt = None,
    json_: JsonOpt = False,
    jsonl: JsonlOpt = False,
    csv_: CsvOpt = False,
    table: TableOpt = False,
) -> None:
    """Count items by month, year, source, place or kind, as a bar chart or data.

    Takes the filters of search. Months and years include the empty ones
    between the first and the last. Rows are {BY: value, "items": n}.

    Examples: [bold]kcna stats --place Kimhwa[/bold] (when was Kimhwa in the news) ·
    [bold]kcna stats --by source --year 2025[/bold] · [bold]kcna stats missile --by year --csv[/bold]
    """
    with _guard():
        from . import query, render

        env = render.Env()
        fmt = render.choose_format(env, json_=json_, jsonl=jsonl, csv_=csv_, table=table)
        if limit < 0:
            raise KcnaError("--limit must be 0 (all) or more", ExitCode.USAGE)
        f = _filters(words, place, since, until, on, year, source, kind, raw)
        rows = query.stats(_open(db), f, by=by)
        if limit and by not in ("month", "year"):
            rows = rows[:limit]
        what = [w for w in (" ".join(words or []), ", ".join(place or []), since and f"since {since}",
                            until and f"until {until}", on and f"on {on}", year and f"in {year}",
                            ", ".join(source or []), kind) if w]  # fmt: skip
        title = f"items by {by}" + (f" · {' · '.join(what)}" if what else "")
        render.write_rows(env, fmt, rows, [by, "items"], table=lambda r: render.bar_chart(env, r, by, title=title))


# --- export ------------------------------------------------------------------------------


@app.command()
def export(
    words: WordsArg = None,
    place: PlaceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    on: OnOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    kind: KindOpt = None,
    raw: RawOpt = False,
    db: DbOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Export the whole corpus, or the filtered part, as JSON Lines (default) or CSV.

    Examples: [bold]kcna export > corpus.jsonl[/bold] ·
    [bold]kcna export --place Kangwon --csv -o kangwon.csv[/bold]
    """
    with _guard():
        from . import query, render

        if json_ and csv_:
            raise KcnaError("choose one of --json, --csv", ExitCode.USAGE)
        f = _filters(words, place, since, until, on, year, source, kind, raw)
        corpus = _open(db)
        stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
        try:
            env = render.Env(stdout=stream)
            rows = query.iter_items(corpus, f)
            if csv_:
                render.write_csv(env, rows, query.ITEM_FIELDS)
            elif json_:
                render.write_json(env, list(rows))
            else:
                render.write_jsonl(env, rows)
        finally:
            if output:
                stream.close()


# --- places -----------------------------------------------------------------------------


@app.command()
def places(
    province: Annotated[
        Optional[str], typer.Option("--province", help="Only this province (or special city) and what lies in it.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include places no item names.")] = False,
    flat: Annotated[bool, typer.Option("--flat", help="A flat table instead of a tree.")] = False,
    db: DbOpt = None,
    json_: JsonOpt = False,
    jsonl: JsonlOpt = False,
    csv_: CsvOpt = False,
    table: TableOpt = False,
) -> None:
    """Known places with the number of items naming each, as a province -> county tree.

    Examples: [bold]kcna places[/bold] · [bold]kcna places --province Kangwon --all[/bold] ·
    [bold]kcna places --json[/bold]
    """
    with _guard():
        from . import placeview, render

        env = render.Env()
        fmt = render.choose_format(env, json_=json_, jsonl=jsonl, csv_=csv_, table=table)
        corpus = _open(db)
        rows = placeview.place_counts(corpus, province=province, include_empty=all_)
        render.write_rows(
            env,
            fmt,
            rows,
            placeview.PLACE_FIELDS,
            table=lambda r: placeview.places_table(env, corpus, r, flat=flat),
        )


# --- info ---------------------------------------------------------------------------------


@app.command()
def info(
    db: DbOpt = None,
    json_: JsonOpt = False,
    table: TableOpt = False,
) -> None:
    """Where the database is and what it holds: counts, date range, sources.

    Example: [bold]kcna info[/bold] · [bold]kcna info --json | jq .items[/bold]
    """
    with _guard():
        from . import render
        from .info import corpus_info, human_bytes
        from .inputs import display_path

        env = render.Env()
        data = corpus_info(_open(db))
        if json_ or (not table and not env.stdout_isatty and os.environ.get("KCNA_FORMAT", "") != "table"):
            render.write_json(env, data)
            return
        render.kv_table(
            env,
            [
                ("database", display_path(data["database"])),
                ("schema", data["schema_version"]),
                ("size", f"{human_bytes(data['size_bytes'])} (raw dumps {human_bytes(data['raw_bytes'])})"),
                ("dumps", data["dumps"]),
                ("items", f"{data['items']} ({data['articles']} articles, {data['teasers']} teasers)"),
                ("revised items", data["revised_items"]),
                ("places named", data["places_named"]),
                ("published", f"{data['first_date'] or '?'} to {data['last_date'] or '?'}"),
                ("captured", f"{data['first_capture'] or '?'} to {data['last_capture'] or '?'}"),
                (
                    "sources",
                    ", ".join(f"{s['outlet'] or '(unknown)'} ({s['items']})" for s in data["sources"]) or "none",
                ),
            ],
        )


# --- reparse ------------------------------------------------------------------------------


@app.command()
def reparse(
    db: DbOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Re-read every stored dump with this version's parser and rebuild the corpus.

    Items, sightings, text versions, places and the search index are rebuilt
    from the raw dumps in one transaction: if anything fails, nothing changes.
    Items keep their ids when their identity is unchanged.

    Example: [bold]kcna reparse[/bold]
    """
    with _guard():
        from .render import Env, message, write_json

        env = Env()
        corpus = _open(db)
        result = corpus.reparse()
        if json_:
            write_json(env, result)
        else:
            message(
                env,
                f"{result['dumps']} dumps re-read; items {result['items_before']} -> {result['items_after']} "
                f"({result['items_added']} added, {result['items_removed']} removed, "
                f"{result['items_changed']} changed); {len(result['dumps_unparsable'])} dumps no longer parse",
            )
        for d in result["dumps_unparsable"]:
            sys.stderr.write(f"kcna: dump {d['dump_id']} ({d['path']}): {d['error']}\n")


# --- revisions ---------------------------------------------------------------------------


@app.command()
def revisions(
    target: Annotated[
        Optional[list[str]],
        typer.Argument(
            help="An item id: show what changed. Otherwise words that listed items must contain.",
            show_default=False,
        ),
    ] = None,
    from_: Annotated[
        Optional[int],
        typer.Option(
            "--from", help="Compare from this version (default 1, the earliest capture).", rich_help_panel="Diff"
        ),
    ] = None,
    to: Annotated[
        Optional[int],
        typer.Option(
            "--to", help="Compare to this version (default the latest; -1 counts back).", rich_help_panel="Diff"
        ),
    ] = None,
    place: PlaceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    on: OnOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many items; 0 for all.")] = 50,
    db: DbOpt = None,
    json_: JsonOpt = False,
    jsonl: JsonlOpt = False,
    csv_: CsvOpt = False,
    table: TableOpt = False,
) -> None:
    """Items whose text changed between captures, and what changed in one of them.

    Without an id: the items with more than one text version (newest first),
    how many words changed and which names disappeared. With an id: a
    word-level diff of two versions (coloured on a terminal, a unified diff
    when piped, the list of changes with --json).

    Examples: [bold]kcna revisions --since 2013-12[/bold] ·
    [bold]kcna revisions 42[/bold] · [bold]kcna revisions 42 --from 2 --to 3 --json[/bold]
    """
    with _guard():
        from . import diffview, render
        from . import revisions as rv

        env = render.Env()
        words = list(target or [])
        if len(words) == 1 and words[0].isdigit():
            rev = rv.revision(_open(db), int(words[0]), from_=from_, to=to)
            if json_ or jsonl or csv_ or table:
                fmt = render.choose_format(env, json_=json_, jsonl=jsonl, csv_=csv_, table=table)
            else:
                fmt = "table" if env.stdout_isatty else "diff"
            if fmt == "csv":
                render.write_csv(env, rev["changes"], ["op", "old", "new"])
            elif fmt == "json":
                render.write_json(env, rev)
            elif fmt == "jsonl":
                render.write_jsonl(env, [rev])
            elif fmt == "diff":
                env.stdout.write(diffview.unified(rev))
            else:
                diffview.show_diff(env, rev)
            return
        if from_ is not None or to is not None:
            raise KcnaError("--from and --to need an item id: kcna revisions ID --from 1 --to 2", ExitCode.USAGE)
        fmt = render.choose_format(env, json_=json_, jsonl=jsonl, csv_=csv_, table=table)
        f = _filters(words, place, since, until, on, year, source, None, False)
        result = rv.revised_items(_open(db), f, limit=limit)
        render.write_rows(
            env,
            fmt,
            result.items,
            rv.REVISION_FIELDS,
            table=lambda rows: diffview.revisions_table(env, rows, total=result.total),
        )


# --- raw ---------------------------------------------------------------------------------


@app.command()
def raw(
    dump_id: Annotated[int, typer.Argument(help="Dump id (see 'kcna show ID').", show_default=False)],
    db: DbOpt = None,
) -> None:
    """Print a stored dump's raw text exactly as it was ingested.

    Example: [bold]kcna raw 1 > page.txt[/bold]
    """
    with _guard():
        corpus = _open(db)
        sys.stdout.write(corpus.raw_text(dump_id))
        sys.stdout.write("\n")


def main() -> None:
    """Entry point of the ``kcna`` script."""
    try:
        app()
    except KcnaError as exc:  # raised outside a command (should not happen)
        sys.stderr.write(f"kcna: error: {exc.message}\n")
        sys.exit(int(exc.exit_code))
