"""The kcna database: schema and migrations, the corpus, the write path, the merge rules.

``schema``  tables, ``SCHEMA_VERSION``, numbered migrations;
``corpus``  ``Corpus`` (open, ingest, reparse) and ``IngestReport``;
``writer``  batching into short transactions, a savepoint per dump, the FTS queue;
``merge``   the identity and deduplication rules, one function each.

Reads are not here: they live in ``kcna_cli.query`` and the modules beside it.
"""

from __future__ import annotations

from .corpus import Corpus, IngestReport, default_db_path
from .schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Corpus", "IngestReport", "default_db_path"]
