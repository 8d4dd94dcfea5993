"""The form parsed pages travel in between a parse worker and the writer: plain tuples
in ``marshal`` form (``to_wire``, ``from_wire``).

A teaser read from the parser's memo carries a number (``teasers._teaser``): a worker
sends its fields the first time and then only the number, while the writer's side
keeps it (``SentRecords`` and ``KeptRecords``, the last ``KEPT`` numbers on each side,
in the same order since answers are read in the order they were written).
"""

from __future__ import annotations

import marshal
import operator
from dataclasses import fields

from .parse import Dump, Page, Record
from .recent import remember

_record_tuple = operator.attrgetter(*(f.name for f in fields(Record)))

#: teaser records each side keeps by number (the writer's side holds their text: about 1 MB)
KEPT = 1024

#: a worker's numbers of the records sent whole lately, oldest first
SentRecords = dict[int, None]
#: the writer's side: the records a worker sent whole lately, by number, oldest first
KeptRecords = dict[int, Record]


def to_wire(pages: list[Page], sent: SentRecords | None = None) -> bytes:
    """Prepared pages as plain tuples in ``marshal`` form: read back four
    times faster than pickled dataclasses, which matters because the one
    process that writes is the one that reads them back.

    ``sent``: the numbered records sent whole before, on this stream (None: send all whole).
    """
    flat: list[tuple] = []
    for p in pages:
        d = p.dump
        if d is None:
            flat.append((p.number, p.text, p.error, None, None))
            continue
        recs: list = []
        for r in d.records:
            number = r.__dict__.get("_tid") if sent is not None else None
            if number is not None and number in sent:  # type: ignore[operator]
                recs.append(number)
                continue
            recs.append((*_record_tuple(r), r.key, number))  # the key, worked out here once
            if number is not None:
                remember(sent, number, None, KEPT)  # type: ignore[arg-type]
        head = (d.rendering, d.capture_date, d.source, d.warnings, d.complete, d.article is not None)
        flat.append((p.number, p.text, p.error, p.prepared, (head, recs)))
    return marshal.dumps(flat)


def from_wire(data: bytes, kept: KeptRecords | None = None) -> list[Page]:
    """The pages ``to_wire`` sent; ``kept``: the records this stream sent whole before."""
    kept = {} if kept is None else kept
    pages = []
    for number, text, error, prepared, dump in marshal.loads(data):
        if dump is None:
            pages.append(Page(number, text, None, error, prepared))
            continue
        (rendering, capture_date, source, warnings, complete, has_article), recs = dump
        records = []
        for r in recs:
            if type(r) is int:
                template = kept.get(r)
                if template is None:
                    raise RuntimeError(f"a parse worker named a record it never sent ({r})")
            else:
                template = Record(*r[:-2])
                template.__dict__["_key"] = r[-2]  # as ``Record.key`` caches it
                if r[-1] is not None:
                    remember(kept, r[-1], template, KEPT)  # both sides drop alike
            # a copy: the writer may change a record (``reposts``), a kept one stays as sent
            rec = object.__new__(Record)
            rec.__dict__.update(template.__dict__)
            records.append(rec)
        article = records.pop(0) if has_article else None
        d = Dump(rendering, capture_date, source, article, records, warnings, complete)
        pages.append(Page(number, text, d, error, prepared))
    return pages
