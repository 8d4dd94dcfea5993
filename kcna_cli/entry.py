"""The ``kcna`` script's entry point: a fast path, then the typer app.

``kcna --version``, ``kcna --help`` and ``kcna`` alone answer from here
without importing typer, click or rich (they cost ~100 ms, and shell
completion and scripts call these often). Everything else, including
``kcna COMMAND --help`` and completion, goes to ``kcna_cli.cli``. The help
text below is checked against the typer app by the tests, so it cannot
drift from the real commands.
"""

from __future__ import annotations

import os
import sys

from . import __version__

#: (command, one-line summary): the first line of each command's docstring
COMMANDS = [
    ("ingest", "Read dumps into the database: parse, deduplicate, store with the raw text."),
    ("search", "Find items by words, place, date and source."),
    ("show", "Show items in full: text, places, date notes, and every dump they were seen in."),
    (
        "stats",
        "Count items by month, year, source, outlet, place, kind, person or language, as a bar chart or data.",
    ),
    ("export", "Export the whole corpus, or the filtered part, as JSON Lines (default) or CSV."),
    ("places", "Known places with the number of items naming each, as a province -> county tree."),
    ("revisions", "Items whose text changed between captures, and what changed in one of them."),
    ("info", "Where the database is and what it holds: counts, date range, sources."),
    ("reparse", "Re-read every stored dump with this version's parser and rebuild the corpus."),
    ("raw", "Print a stored dump's raw text exactly as it was ingested."),
    ("people", "Who is named, how often, first and last seen; with a NAME, one person's profile."),
    ("appearances", "The leader's public activities: date, type, object, places, who accompanied him."),
    ("watch", "Saved searches: the items that are new since each last ran."),
    ("cite", "Cite items: outlet, title, date, capture date and address, as text, Markdown, BibTeX or CSL-JSON."),
]

#: global options of the app (besides --help)
OPTIONS = [
    ("--version", "Print the version and exit."),
    ("--debug", "Show tracebacks of unexpected errors."),
    ("--install-completion", "Install completion for the current shell."),
    ("--show-completion", "Show completion for the current shell, to copy it or customize the installation."),
    ("--help, -h", "Show this message and exit."),
]

GUIDE = """\
Getting started:

  1. kcna ingest ~/dumps/               read page dumps (files, folders, globs, - for stdin)
  2. kcna search --place Kimhwa         items naming a place (or what lies inside it)
     kcna search missile --since 2025-02 --json
  3. kcna show ID                       one item in full, and every dump it was seen in
  4. kcna stats --place Kimhwa          when a place was in the news, by month
  5. kcna info                          where the database is and what it holds

Output is a table on a terminal and JSON Lines in a pipe (--json, --jsonl,
--csv, --table choose). The database is one SQLite file: --db PATH or
KCNA_DB, else kcna.db in your data folder (~/.local/share/kcna on Linux).
"""


def _style(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def help_text(*, color: bool = False, guide: bool = False) -> str:
    b = lambda s: _style(s, "1", color)  # noqa: E731
    c = lambda s: _style(s, "36", color)  # noqa: E731
    out = [
        f"{b('Usage:')} kcna [OPTIONS] COMMAND [ARGS]...",
        "",
        "Turn KCNA Watch page dumps into a deduplicated, searchable SQLite corpus.",
        "",
    ]
    if guide:
        out += [GUIDE]
    out.append(b("Commands:"))
    width = max(len(n) for n, _ in COMMANDS)
    out += [f"  {c(name.ljust(width))}  {summary}" for name, summary in COMMANDS]
    out += ["", b("Options:")]
    width = max(len(n) for n, _ in OPTIONS)
    out += [f"  {c(name.ljust(width))}  {summary}" for name, summary in OPTIONS]
    out += ["", "Run 'kcna COMMAND --help' for a command's options and examples."]
    return "\n".join(out) + "\n"


def main() -> None:
    """Entry point of the ``kcna`` script."""
    args = sys.argv[1:]
    completing = any(k.startswith("_KCNA") and k.endswith("_COMPLETE") for k in os.environ)
    if not completing:
        if args == ["--version"]:
            sys.stdout.write(f"kcna {__version__}\n")
            return
        if args in ([], ["--help"], ["-h"]):
            color = _isatty() and "NO_COLOR" not in os.environ
            try:
                sys.stdout.write(help_text(color=color, guide=not args))
                sys.stdout.flush()
            except BrokenPipeError:
                pass
            return
    from .cli import main as full

    full()


def _isatty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
