"""kcna: a deduplicated, searchable SQLite corpus of KCNA Watch page dumps.

The library, layer by layer (data flows one way):

- ``inputs``, ``pipeline``: paths and bytes -> page texts (encodings, HTML,
  folders; parse workers).
- ``parse``, ``dates``, ``text``: page text -> ``Dump`` (article and teaser
  ``Record``s); pure.
- ``places``, ``facets``, ``versions``, ``packing``: rules shared by writing
  and reading (gazetteer, index tokens, text versions, stored pages); pure.
- ``db``: ``Corpus``, the SQLite file: schema and migrations, the writer,
  the merge rules.
- ``query``, ``counts``, ``revisions``, ``info``: ``Filters`` -> plain dicts;
  every read.
- ``views``: dicts -> tables, charts, reader view, diffs, JSON, JSON Lines,
  CSV; no SQL.
- ``options``, ``cli``: the ``kcna`` command, a thin typer layer over the
  above; ``entry`` answers ``--help``/``--version`` before loading it.

``docs/ARCHITECTURE.md`` has the whole map.

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
        from . import db

        return getattr(db, name)
    if name == "stats":
        from .counts import stats

        return stats
    if name in ("Filters", "search"):
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
