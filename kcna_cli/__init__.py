"""kcna: a deduplicated, searchable SQLite corpus of KCNA Watch page dumps.

The library, layer by layer (data flows one way):

- ``kcna_cli.parse``: text -> ``Dump`` (article and teaser ``Record``s); pure.
- ``kcna_cli.dates``: date readings and their reconciliation.
- ``kcna_cli.places``: the gazetteer, place extraction, user input resolution.
- ``kcna_cli.inputs``: paths and bytes -> text (encodings, HTML, folders).
- ``kcna_cli.pipeline``: sources -> parsed pages, in worker processes if asked.
- ``kcna_cli.store``: ``Corpus``, the SQLite file: schema, ingest, dedup, versions.
- ``kcna_cli.query``: ``Filters`` -> item dicts (search, export, show), ``stats``.
- ``kcna_cli.revisions``: text versions in capture order, word diffs, removed names.
- ``kcna_cli.info``: what a corpus holds.
- ``kcna_cli.render``, ``reader``, ``placeview``, ``diffview``: dicts -> table,
  JSON, JSON Lines, CSV, reader view, charts, coloured diffs.
- ``kcna_cli.cli``: the ``kcna`` command, a thin typer layer over the above;
  ``kcna_cli.entry`` answers ``--help``/``--version`` before loading it.

Example::

    from kcna_cli import Corpus, Filters, search
    with Corpus("kcna.db") as corpus:
        corpus.ingest_text(open("dump.txt").read(), "dump.txt")
        for item in search(corpus, Filters(places=["Kimhwa"])).items:
            print(item["date"], item["title"])
"""

__version__ = "0.1.0"

__all__ = [
    "Corpus",
    "Filters",
    "IngestReport",
    "corpus_info",
    "parse_page",
    "parse_text",
    "revised_items",
    "revision",
    "search",
    "stats",
    "versions_of",
    "__version__",
]


def __getattr__(name):  # lazy: importing kcna_cli stays cheap for the CLI
    if name in ("Corpus", "IngestReport"):
        from . import store

        return getattr(store, name)
    if name in ("Filters", "search", "stats"):
        from . import query

        return getattr(query, name)
    if name in ("revised_items", "revision", "versions_of"):
        from . import revisions

        return getattr(revisions, name)
    if name == "corpus_info":
        from .info import corpus_info

        return corpus_info
    if name in ("parse_page", "parse_text"):
        from . import parse

        return getattr(parse, name)
    raise AttributeError(name)
