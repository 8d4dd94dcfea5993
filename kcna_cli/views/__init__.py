"""Output: plain data in, tables, charts, reader views and data formats out.

``formats``  ``Env`` (the streams), ``choose_format``, ``emit`` and the JSON / JSON Lines / CSV writers;
``items``    item lists and key-value tables;
``charts``   bar charts of counts;
``reader``   the reader view of ``kcna show``;
``places``   the place tree of ``kcna places``;
``diff``     revision lists and word diffs;
``ingest``   the ingest progress bar and summary.

Nothing here runs SQL or imports ``kcna_cli.db``: every module draws what it is given.
"""
