"""Parsing and place finding take time linear in their input, whatever the input.

Adversarial generators build text from fragments of every pattern the parser
and the place finder look for (near-matches: names without a unit word,
lists that never end, capture and date lines that almost parse, runs of
separators and punctuation), repeated to two sizes. The time of the larger
is compared with the time of the smaller, four times smaller: linear work
takes four times as long, quadratic work sixteen times. No absolute time is
asserted.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcna_cli import revisions as rv
from kcna_cli.parse import fold, normalize, parse_text, split_pages
from kcna_cli.places import Gazetteer, strip_dateline

FRAGMENTS = [
    # place finder: names, lists, unit words, adjectives, near-matches
    "Unsan County ", "Unsan ", "County ", "Counties ", "Aa, ", "Aa and ", "Aa or ", "Aa ", "Bb-Cc ",
    "Kimhwa, ", "Kimhwa and Cholwon ", "South ", "North ", "Hwanghae ", "Provinces ", "Provincial ",
    "Municipal ", "Pyongyang ", "Hamhung-ri ", "City ", "Cities ", "District ", "Areas ",
    # sentences and datelines
    ". ", "! ", "? ", ".\n", "Pyongyang, March 4 (KCNA) -- ", "Pyongyang, March ", "(KCNA) ",
    # separators and punctuation runs
    " ", "  ", "\t", "\n", "\n\n", ",", ", ", "-", "--", " -", "...", "!?", ";:", "\u00a0", "\u2014", "\u201c",
    # line shapes split_pages and parse_page test
    "March 06, 2026", "Mar 06, 2026", "March 06, 2026Mar 06, 2026\n", "KCNA ", "KCNA KCNA.kp (En)\n",
    "Date: 04/03/2026 | Source: ", "Date: 04/03/", "| ", "(En)", "www.kcna.kp (2026.03.04.)", "(Juche114.",
    "-0-", "More From ", "More Articles", "Share Button\n", "Subscribe to ", "Title Line\n",
]  # fmt: skip

#: characters of the smaller input; the larger is GROWTH times this
SIZE = 10_000
GROWTH = 4
#: a quadratic step makes the ratio ~16; linear ~4 (a busy machine's noise allowed for)
MOST = 8.0
#: below this many seconds for the larger input, the timer's noise is all a ratio would show
FLOOR = 0.05

gazetteer = Gazetteer.load()


def parse_and_find(text: str) -> None:
    """What an ingest does with a text: split, parse, fold titles, find places."""
    for page in parse_text(text):
        for rec in page.dump.records if page.dump else []:
            fold(rec.title or "")
            for t in (rec.title, rec.body or rec.lede):
                gazetteer.extract(strip_dateline(t or ""))
    gazetteer.extract(text)  # the whole text as one body
    fold(text)
    normalize(text)
    split_pages(text)


def best_of(fn, text: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - started)
    return min(times)


def grows_linearly(fn, unit: str, attempts: int = 3) -> tuple[bool, float, float]:
    """(linear?, time of the smaller, time of the larger); a busy machine gets more than one try."""
    reps = max(1, SIZE // len(unit))
    small, large = unit * reps, unit * (GROWTH * reps)
    fn(small)  # warm caches (gazetteer, regex compilation)
    for _ in range(attempts):
        t1, t2 = best_of(fn, small), best_of(fn, large)
        if t2 < FLOOR or t2 / max(t1, 1e-9) < MOST:
            return True, t1, t2
    return False, t1, t2


units = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units)
def test_parser_and_place_finder_grow_linearly(unit):
    ok, t1, t2 = grows_linearly(parse_and_find, unit)
    assert ok, f"{unit!r}: {SIZE} chars {t1:.3f}s, {GROWTH * SIZE} chars {t2:.3f}s"


def test_the_reported_slow_inputs_grow_linearly():
    """The inputs that took 19-77 s: a run of one fragment, 10,000 and 40,000 characters."""
    for unit in ["Unsan County ", "Aa, ", "Aa and ", ". ", "!?", ".,;:", "- ", "Kimhwa, Unsan, "]:
        ok, t1, t2 = grows_linearly(parse_and_find, unit)
        assert ok, f"{unit!r}: {t1:.3f}s then {t2:.3f}s"


def test_word_diff_of_repetitive_text_grows_linearly():
    """difflib matching is superlinear on repetitive words: the diff is bounded."""

    def diff(text: str) -> None:
        rv.word_diff(text, text.replace("farm", "field", 3) + " Closing words.")

    for unit in ["the farm of the county ", "a a b ", "Kim Jong Un . "]:
        ok, t1, t2 = grows_linearly(diff, unit)
        assert ok, f"{unit!r}: {t1:.3f}s then {t2:.3f}s"
