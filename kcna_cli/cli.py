"""The ``kcna`` command: options -> library calls -> views; errors -> exit codes.

Thin on purpose: each command parses its own options, gets the shared ones
(filters, output flags, ``Env``) from ``options.kcna_command``, calls the
library and hands plain data to ``views``; errors are mapped in
``options.guard``. Heavy modules are imported inside the commands, so
``kcna --help`` and shell completion stay fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from . import __version__
from . import cli_daily as daily
from .errors import ExitCode, KcnaError, UsageError
from .options import ALL_FILTERS, ALL_FORMATS, DEBUG, DbOpt, KcnaGroup, Run, guard, kcna_command, open_corpus
from .options import error_line as error_line  # one line on stderr, made safe for a terminal

if TYPE_CHECKING:
    from .db import IngestReport

app = typer.Typer(
    name="kcna",
    help=(
        "Turn KCNA Watch page dumps into a deduplicated, searchable SQLite corpus.\n\n"
        "Start with: kcna ingest DUMPS...  then: kcna search WORDS --place NAME --since 2025-01"
    ),
    no_args_is_help=True,
    cls=KcnaGroup,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

LimitOpt = Annotated[int, typer.Option("--limit", "-n", help="At most this many items; 0 for all.")]


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
        DEBUG["on"] = True


# --- ingest -----------------------------------------------------------------------------


@app.command()
@kcna_command()
def ingest(
    run: Run,
    paths: Annotated[
        list[str],
        typer.Argument(help="Dump files, folders (searched recursively), globs, or - for stdin.", show_default=False),
    ],
    db: DbOpt = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print the summary as a JSON object.", rich_help_panel="Output")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary (errors still shown).")
    ] = False,
    report_: daily.ReportOpt = False,
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
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Read and hash every file again, even those unchanged since they were ingested.",
        ),
    ] = False,
) -> None:
    """Read dumps into the database: parse, deduplicate, store with the raw text.

    With --report, every watch runs afterwards and its new items are
    printed (on stdout: a digest on a terminal, rows when piped; with
    --json, under "report" in the summary).

    Example: [bold]kcna ingest ~/dumps/ new-capture.txt[/bold] ·
    [bold]kcna ingest ~/dumps/today/ --report[/bold]
    """
    from .db import IngestReport
    from .listing import expand, totals
    from .views import ingest as view
    from .views.formats import write_json

    env = run.env
    report = IngestReport()
    corpus = open_corpus(db, create=True, quiet=quiet)

    shown: dict[str, str] = {}  # stored (absolute) path -> as the user gave it, for files with a problem
    done = {"bytes": 0, "files": 0, "whole": 0}
    if env.stderr_isatty and not quiet:
        total, files = totals(paths)  # listed once more as they are read: never held whole
        with view.progress_bar(env, total_bytes=total, files=files, done=done) as tick:
            _ingest_all(corpus, expand(paths), report, jobs, verify, done, shown, tick)
    else:
        _ingest_all(corpus, expand(paths), report, jobs, verify, done, shown)
    corpus.close()

    _name_as_given(report, shown)
    counts = report.to_dict()
    runs = daily.run_watches(db) if report_ else None
    if json_:
        summary = view.summary(counts)
        if runs is not None:
            summary["report"] = daily.run_rows(runs)
        write_json(env, summary)
    elif not quiet and env.stderr_isatty:
        view.summary_table(env, counts)
    elif not quiet:
        view.summary_line(env, counts)
    if runs is not None and not json_:
        daily.show_runs(run, runs)
    if report.failed:
        raise typer.Exit(int(ExitCode.FAILED))


def _name_as_given(report: IngestReport, shown: dict[str, str]) -> None:
    """Failures and warnings name files as given (bytes not UTF-8 as ``\\xNN``); each failure: a line on stderr."""
    from .db.files import storable
    from .inputs import display_path

    def as_given(where: str) -> str:
        base, sep, rest = where.partition(" (page ")
        return storable(shown.get(base, display_path(base))) + sep + rest

    for f in report.failed:
        f["path"] = as_given(f["path"])
        error_line(f"kcna: {f['path']}: {f['error']}")
    for w in report.warnings:
        w["path"] = as_given(w["path"])


def _ingest_all(corpus, sources, report, jobs: int | None, verify: bool, done: dict, shown: dict, tick=None) -> None:
    """``db.files.ingest_sources`` with workers as asked (by default when the input is large
    enough to gain), progress counted in ``done``, and the paths a failure may name in ``shown``."""
    from .db.files import ingest_sources, stored_path
    from .pipeline import default_jobs

    def seen(part) -> None:
        src = part.source
        if part.pages or part.error:  # (a file known unread has neither: most of them)
            if part.error or any(page.dump is None or page.dump.warnings for page in part.pages):
                shown[stored_path(src)] = src.path  # a failure or warning will name it
            done["bytes"] += sum(page.chars for page in part.pages)
        if part.final:
            done["files"] += 1
            done["whole"] += src.size
            done["bytes"] = max(done["bytes"], done["whole"])

    auto = jobs is None
    workers = default_jobs() if jobs is None else jobs
    ingest_sources(
        corpus, sources, report, jobs=workers, min_bytes=None if auto else 0, verify=verify, on_part=seen, progress=tick
    )


# --- search --------------------------------------------------------------------------


@app.command()
@kcna_command(words=True, filters=ALL_FILTERS, formats=ALL_FORMATS)
def search(
    run: Run,
    sort: Annotated[
        Optional[str], typer.Option("--sort", help="date (newest first) or relevance (default with words).")
    ] = None,
    limit: LimitOpt = 50,
    db: DbOpt = None,
    geojson: daily.GeojsonOpt = False,
) -> None:
    """Find items by words, place, date and source.

    Examples: [bold]kcna search --place Kimhwa[/bold] ·
    [bold]kcna search missile --since 2025-01 --json[/bold] ·
    [bold]kcna search '"regional industry"' --source KCNA --year 2025[/bold]
    """
    from . import query
    from .views.formats import cut_note, emit, message
    from .views.items import items_table

    env, f = run.env, run.filters
    assert f is not None
    fmt = daily.geojson_or_format(run, geojson)
    corpus = open_corpus(db)
    result = query.search(corpus, f, sort=sort, limit=limit)
    if fmt == "geojson":
        from .geo import items_collection

        daily.write_geojson(env, items_collection(result.items, corpus.gazetteer))
        cut_note(env, fmt, len(result.items), result.total)
        return
    fields = query.SEARCH_FIELDS if f.has_words else query.ITEM_FIELDS
    note = None
    if result.ranked_among:
        note = (
            f"best matches among the {result.ranked_among:,} most recently stored of {result.total:,}"
            " (narrow with more words or filters; --sort date or --limit 0 look at all)"
        )
    emit(
        env,
        fmt,
        result.items,
        fields,
        table=lambda rows: items_table(env, rows, total=result.total, hint="use --limit 0 for all", note=note),
    )
    cut_note(env, fmt, len(result.items), result.total)
    if note and fmt != "table" and env.stderr_isatty:
        message(env, note)


# --- show ------------------------------------------------------------------------------


@app.command()
@kcna_command(formats=ALL_FORMATS)
def show(
    run: Run,
    ids: Annotated[list[int], typer.Argument(help="Item ids (from search).", show_default=False)],
    db: DbOpt = None,
    markdown: daily.ShowMarkdownOpt = False,
) -> None:
    """Show items in full: text, places, date notes, and every dump they were seen in.

    --json prints an array with one object per id, however many ids are
    given; --jsonl one object per line; --csv one row per item (sightings
    as a JSON cell).

    Example: [bold]kcna show 1[/bold] · [bold]kcna show 1 2 --json[/bold]
    """
    from . import query
    from .links import add_other_languages
    from .views.formats import emit
    from .views.reader import show_items

    env = run.env
    fmt = daily.markdown_or_format(run, markdown)
    corpus = open_corpus(db)
    items = add_other_languages(corpus, query.with_provenance(corpus, query.get_items(corpus, ids)))
    if fmt == "markdown":
        from .views.markdown import reading_list

        reading_list(env.stdout, items)
        return
    emit(
        env,
        fmt,
        items,
        query.SHOW_FIELDS,
        table=lambda rows: show_items(env, rows, {it["id"]: query.place_spans(corpus, it["id"]) for it in rows}),
    )


# --- stats -------------------------------------------------------------------------------


@app.command()
@kcna_command(words=True, filters=ALL_FILTERS, formats=ALL_FORMATS)
def stats(
    run: Run,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            "-b",
            help="month, year, source (label), outlet, place, kind, person or language.",
            show_default=True,
        ),
    ] = "month",
    limit: Annotated[
        int, typer.Option("--limit", "-n", help="Only the N largest (source, place, kind, language); 0 for all.")
    ] = 0,
    db: DbOpt = None,
) -> None:
    """Count items by month, year, source, outlet, place, kind, person or language, as a bar chart or data.

    Takes the filters of search. Months and years include the empty ones
    between the first and the last. Rows are {BY: value, "items": n}.

    Examples: [bold]kcna stats --place Kimhwa[/bold] (when was Kimhwa in the news) ·
    [bold]kcna stats --by source --year 2025[/bold] · [bold]kcna stats missile --by year --csv[/bold]
    """
    from . import counts as counting
    from .views.charts import bar_chart
    from .views.formats import cut_note, emit

    env, f = run.env, run.filters
    assert f is not None
    fmt = run.format()
    if limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    by = by.strip().lower()
    rows = counting.stats(open_corpus(db), f, by=by)
    if limit and by not in ("month", "year"):
        cut_note(env, fmt, min(limit, len(rows)), len(rows), noun=f"{by} rows")
        rows = rows[:limit]
    title = f"items by {by}" + (f" · {' · '.join(f.described())}" if f.described() else "")
    emit(env, fmt, rows, [by, "items"], table=lambda r: bar_chart(env, r, by, title=title))


# --- places -----------------------------------------------------------------------------


@app.command()
@kcna_command(formats=ALL_FORMATS)
def places(
    run: Run,
    province: Annotated[
        Optional[str],
        typer.Option("--place", "--province", "-p", help="Only this place (a province, say) and what lies in it."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include places no item names.")] = False,
    flat: Annotated[bool, typer.Option("--flat", help="A flat table instead of a tree.")] = False,
    db: DbOpt = None,
    geojson: daily.PlacesGeojsonOpt = False,
) -> None:
    """Known places with the number of items naming each, as a province -> county tree.

    Examples: [bold]kcna places[/bold] · [bold]kcna places --place Kangwon --all[/bold] ·
    [bold]kcna places --json[/bold]
    """
    from .counts import PLACE_FIELDS, place_counts
    from .views.formats import emit
    from .views.places import places_table

    env = run.env
    fmt = daily.geojson_or_format(run, geojson)
    rows = place_counts(open_corpus(db), province=province, include_empty=all_)
    if fmt == "geojson":
        from .geo import places_collection

        daily.write_geojson(env, places_collection(rows))
        return
    emit(env, fmt, rows, PLACE_FIELDS, table=lambda r: places_table(env, r, flat=flat))


# --- info ---------------------------------------------------------------------------------


@app.command()
@kcna_command(formats=ALL_FORMATS)
def info(run: Run, db: DbOpt = None) -> None:
    """Where the database is and what it holds: counts, date range, sources.

    One object: --json prints it, --jsonl prints it on one line (the
    default in a pipe), --csv as one row (sources as a JSON cell).

    Example: [bold]kcna info[/bold] · [bold]kcna info --json | jq .items[/bold]
    """
    from .info import INFO_FIELDS, corpus_info
    from .views.formats import emit, write_json
    from .views.items import info_table

    env = run.env
    fmt = run.format()
    data = corpus_info(open_corpus(db))
    if fmt == "json":
        write_json(env, data)  # one object, not an array: info describes one database
    else:
        emit(env, fmt, [data], INFO_FIELDS, table=lambda rows: info_table(env, rows[0]))


# --- reparse ------------------------------------------------------------------------------


@app.command()
@kcna_command()
def reparse(
    run: Run,
    db: DbOpt = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print what changed as a JSON object.", rich_help_panel="Output")
    ] = False,
) -> None:
    """Re-read every stored dump with this version's parser and rebuild the corpus.

    Items, sightings, text versions, places and the search index are rebuilt
    from the raw dumps in one transaction: if anything fails, nothing changes.
    Items keep their ids when their identity is unchanged.

    Example: [bold]kcna reparse[/bold]
    """
    from .views.formats import message, write_json

    env = run.env
    result = open_corpus(db).reparse()
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
        error_line(f"kcna: dump {d['dump_id']} ({d['path']}): {d['error']}")


# --- revisions ---------------------------------------------------------------------------


@app.command()
@kcna_command(
    filters=("place", "since", "until", "on", "year", "source", "language", "seen_since", "seen_until", "added_since"),
    formats=ALL_FORMATS,
)
def revisions(
    run: Run,
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
    limit: LimitOpt = 50,
    db: DbOpt = None,
) -> None:
    """Items whose text changed between captures, and what changed in one of them.

    Without an id: the items with more than one text version (newest first),
    how many words changed and which names disappeared. With an id: a
    word-level diff of two versions (coloured on a terminal, a unified diff
    when piped, one object with the changes for --json and --jsonl, the
    changes as rows for --csv).

    Examples: [bold]kcna revisions --since 2013-12[/bold] ·
    [bold]kcna revisions 42[/bold] · [bold]kcna revisions 42 --from 2 --to 3 --json[/bold]
    """
    from . import revisions as rv
    from .views import diff
    from .views.formats import cut_note, emit, write_csv, write_json, write_jsonl

    env = run.env
    words = list(target or [])
    if len(words) == 1 and words[0].isdigit():
        rev = rv.revision(open_corpus(db), int(words[0]), from_=from_, to=to)
        fmt = run.format(piped="diff")
        if fmt == "csv":
            write_csv(env, rev["changes"], ["op", "old", "new"])
        elif fmt == "json":
            write_json(env, rev)
        elif fmt == "jsonl":
            write_jsonl(env, [rev])
        elif fmt == "diff":
            env.stdout.write(diff.unified(rev))
        else:
            diff.show_diff(env, rev)
        return
    if from_ is not None or to is not None:
        raise UsageError("--from and --to need an item id: kcna revisions ID --from 1 --to 2")
    fmt = run.format()
    assert run.filters is not None
    run.filters.words = " ".join(words) if words else None
    result = rv.revised_items(open_corpus(db), run.filters, limit=limit)
    emit(
        env,
        fmt,
        result.items,
        rv.REVISION_FIELDS,
        table=lambda rows: diff.revisions_table(env, rows, total=result.total),
    )
    cut_note(env, fmt, len(result.items), result.total, noun="revised items")


# --- raw ---------------------------------------------------------------------------------


@app.command()
@kcna_command()
def raw(
    run: Run,
    dump_id: Annotated[int, typer.Argument(help="Dump id (see 'kcna show ID').", show_default=False)],
    db: DbOpt = None,
) -> None:
    """Print a stored dump's raw text exactly as it was ingested.

    In a pipe or a file the text is exact; on a terminal its control
    characters are shown (ESC as ^[), never obeyed.

    Example: [bold]kcna raw 1 > page.txt[/bold]
    """
    from .terminal import visible

    text = open_corpus(db).raw_text(dump_id)
    # exact in a pipe or a file; on a terminal, control characters are shown, not obeyed
    run.env.stdout.write(visible(text) if run.env.stdout_isatty else text)
    run.env.stdout.write("\n")


# --- people ------------------------------------------------------------------------------


@app.command()
@kcna_command(words=True, filters=ALL_FILTERS, formats=ALL_FORMATS)
def people(
    run: Run,
    foreign: Annotated[
        Optional[bool], typer.Option("--foreign/--korean", help="Only foreign persons (or only Korean ones).")
    ] = None,
    sort: Annotated[str, typer.Option("--sort", help="mentions, last-seen or first-seen.")] = "mentions",
    gaps: Annotated[
        int, typer.Option("--gaps", min=0, help="With a NAME: list stretches of more than N days unseen.")
    ] = 0,
    limit: LimitOpt = 50,
    db: DbOpt = None,
) -> None:
    """Who is named, how often, first and last seen; with a NAME, one person's profile.

    WORDS that name a person (any spelling) show that person: mentions by
    month, posts with the dates they were printed, who they are named with
    most, when last seen. Other WORDS, and the filters of search, choose
    the items whose persons are counted.

    Examples: [bold]kcna people[/bold] · [bold]kcna people --foreign --year 2026[/bold] ·
    [bold]kcna people Choe Ryong Hae --gaps 90[/bold] · [bold]kcna people missile --sort last-seen[/bold]
    """
    from . import peoplequery as pq
    from .views.formats import emit, write_json
    from .views.people import people_table, profile_view

    env, f = run.env, run.filters
    assert f is not None
    corpus = open_corpus(db)
    who = pq.find_person(corpus, f.words) if f.words and not f.raw else None
    if who is not None:
        f.words = None
        prof = pq.profile(corpus, who[1], f, gaps=gaps)
        fmt = run.format()
        if fmt == "csv":  # a table of its own: mentions by month
            emit(env, fmt, prof["by_month"], ["month", "items"])
        elif fmt == "json":
            write_json(env, prof)
        else:
            emit(env, fmt, [prof], list(prof), table=lambda _: profile_view(env, prof))
        return
    if limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    rows = pq.people(corpus, f, foreign=foreign, sort=sort, limit=limit)
    title = " · ".join(f.described()) or None
    emit(env, run.format(), rows, pq.PERSON_FIELDS, table=lambda r: people_table(env, r, title=title))


@app.command()
@kcna_command(filters=("place", "since", "until", "on", "year", "source"), formats=ALL_FORMATS)
def appearances(
    run: Run,
    person: Annotated[
        Optional[list[str]],
        typer.Option("--person", help="The leader, any spelling (default: every leader).", rich_help_panel="Filters"),
    ] = None,
    type_: Annotated[
        Optional[list[str]],
        typer.Option("--type", "-t", help="inspection, visit, field_guidance, ..., message, letter, or all."),
    ] = None,
    with_: Annotated[
        Optional[list[str]], typer.Option("--with", "-w", help="Only activities where this official was present.")
    ] = None,
    by: Annotated[Optional[str], typer.Option("--by", "-b", help="Count by month, year or type.")] = None,
    limit: LimitOpt = 50,
    db: DbOpt = None,
) -> None:
    """The leader's public activities: date, type, object, places, who accompanied him.

    One row per activity, however many captures and outlets report it.
    Messages and letters are not appearances: they are left out unless
    asked for with --type. --person chooses the leader (default: all);
    dates, places and sources apply to the activity.

    Examples: [bold]kcna appearances --by month[/bold] · [bold]kcna appearances --with 'Jo Yong Won'[/bold] ·
    [bold]kcna appearances --type inspection --place Pyongyang --json[/bold]
    """
    from . import peoplequery as pq
    from .views.charts import bar_chart
    from .views.formats import emit
    from .views.people import appearances_table

    env, f = run.env, run.filters
    assert f is not None
    f.persons = list(person or [])
    corpus = open_corpus(db)
    types, with_names = list(type_ or []), list(with_ or [])
    if by:
        rows = pq.appearance_counts(corpus, f, by, types=types, with_=with_names)
        title = " · ".join(["activities by " + by, *f.described(), *types, *with_names])
        emit(
            env, run.format(), rows, [by, "events"], table=lambda r: bar_chart(env, r, by, title=title, count="events")
        )
        return
    if limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    rows = pq.appearances(corpus, f, types=types, with_=with_names, limit=limit)
    emit(env, run.format(), rows, pq.EVENT_FIELDS, table=lambda r: appearances_table(env, r))


# --- the daily loop: export and its reading list, watch lists, citations (cli_daily) ---------

app.command()(daily.export)
app.add_typer(daily.watch_app, name="watch")
app.command()(daily.cite)


def main() -> None:
    """Entry point of the ``kcna`` script."""
    try:
        app()
    except KcnaError as exc:  # raised outside a command (should not happen)
        sys.stderr.write(f"kcna: error: {exc.message}\n")
        sys.exit(int(exc.exit_code))


__all__ = ["app", "guard", "main"]
