"""kcna: a deduplicated, searchable SQLite corpus of KCNA Watch page dumps.

The library, layer by layer (data flows one way):

- ``kcna_cli.parse``: text -> ``Dump`` (article and teaser ``Record``s); pure.
- ``kcna_cli.dates``: date readings and their reconciliation.
- ``kcna_cli.places``: the gazetteer, place extraction, user input resolution.
- ``kcna_cli.inputs``: paths and bytes -> text (encodings, HTML, folders).
- ``kcna_cli.store``: ``Corpus``, the SQLite file: schema, ingest, dedup.
- ``kcna_cli.query``: ``Filters`` -> item dicts (search, export, show).
- ``kcna_cli.render``: item dicts -> table, JSON, JSON Lines, CSV.
- ``kcna_cli.cli``: the ``kcna`` command, a thin typer layer over the above.

Example::

    from kcna_cli import Corpus, Filters, search
    with Corpus("kcna.db") as corpus:
        corpus.ingest_text(open("dump.txt").read(), "dump.txt")
        for item in search(corpus, Filters(places=["Kimhwa"])).items:
            print(item["date"], item["title"])
"""

__version__ = "0.1.0"

__all__ = ["Corpus", "Filters", "IngestReport", "parse_page", "parse_text", "search", "__version__"]


def __getattr__(name):  # lazy: importing kcna_cli stays cheap for the CLI
    if name in ("Corpus", "IngestReport"):
        from . import store

        return getattr(store, name)
    if name in ("Filters", "search"):
        from . import query

        return getattr(query, name)
    if name in ("parse_page", "parse_text"):
        from . import parse

        return getattr(parse, name)
    raise AttributeError(name)
