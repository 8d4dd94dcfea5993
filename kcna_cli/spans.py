"""Positions in a text, looked up by bisection instead of a scan: linear work on crafted input.

``Covered`` answers "is this position inside one of these spans?";
``Sentences`` finds a text's sentence bounds once, and remembers what a
function found in each sentence (the place finder asks for the provinces
of a sentence once per sentence, not once per mention: 130 KB of ``Unsan
County`` took 77 s when every mention scanned its sentence again).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable


class Covered:
    """Is a position inside one of these spans?"""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.reach: list[int] = []  # the furthest end among the spans up to each one
        far = -1
        for _, b in spans:
            far = max(far, b)
            self.reach.append(far)

    def __call__(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos)
        return k > 0 and self.reach[k - 1] > pos


class Sentences:
    """The sentences of one text, cut where ``separator`` matches."""

    def __init__(self, text: str, separator: re.Pattern[str]) -> None:
        self.text = text
        self.ends: list[int] = []  # separators: (start, end) pairs, flattened
        for m in separator.finditer(text):
            self.ends.extend(m.span())
        self._found: dict[tuple[int, int], set[str]] = {}

    def span(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``pos``."""
        k = bisect.bisect_right(self.ends, pos)
        if k % 2:  # pos inside a separator: the sentence before it
            k -= 1
        start = self.ends[k - 1] if k else 0
        end = self.ends[k] if k < len(self.ends) else len(self.text)
        return start, end

    def named(self, pos: int, find: Callable[[str], set[str]]) -> set[str]:
        """``find(sentence)`` for the sentence holding ``pos``, worked out once per sentence."""
        span = self.span(pos)
        if span not in self._found:
            self._found[span] = find(self.text[span[0] : span[1]])
        return self._found[span]
