"""Properties of the site-shape detector, the date readers and language detection.

No input makes them raise; they run in time linear in the input (two sizes
compared, never an absolute clock); a page is either read with its title
and date consistent or refused with a message.
"""

import datetime as dt
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES

from kcna_cli import language, sitedates
from kcna_cli.parse import parse_text
from kcna_cli.sites import detect

SITE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "sites").glob("*.txt"))]
SITE_LINES = [ln for t in SITE_TEXTS for ln in t.splitlines()]
SITE_SHAPES = {"S1", "S1a", "S2", "S3", "S5", "S6", "S7", "S9", "S10", "S11", "S12", "S13", "S14", "S15"}
SITE_SHAPES |= {f"R{i}" for i in range(1, 7)}

READERS = [
    sitedates.read_dateline,
    sitedates.is_dateline_only,
    sitedates.read_calendar,
    sitedates.read_view_date,
    sitedates.read_section_date,
    sitedates.read_uriminzokkiri_date,
    sitedates.read_glued_date,
    sitedates.read_posted,
    sitedates.read_month_first,
    sitedates.read_glued_stamp,
    sitedates.read_title_date,
]

#: characters the readers' patterns care about, so that random text gets near a match
ALPHABET = st.sampled_from(
    list("0123456789 .,/()-–—【】《》年月日発电월일발 \n|>")
    + ["Pyongyang", "March", "марта", "ЦТАК", "de", "marzo", "(KCNA)", "(ACNC)", "Juche", "čučche", "평양", "平壌"]
    + ["calendar>>", "www.kcna.kp", "-0-", "(끝)", "---", "-о-", "Friday", "星期五", "금요일", "2026", "1911"]
)
TEXT = st.lists(ALPHABET, max_size=80).map("".join) | st.text(max_size=200)


def _valid(date):
    return date is None or dt.date.fromisoformat(date).isoformat() == date


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_date_readers_never_raise_and_give_real_dates(text):
    for read in READERS:
        got = read(text)
        if isinstance(got, sitedates.Dateline):
            assert 1 <= got.month <= 12 and 1 <= got.day <= 31 and got.city
        elif isinstance(got, sitedates.DateRead):
            assert _valid(got.date)
        elif isinstance(got, tuple):
            assert _valid(got[0].date)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SITE_LINES) | TEXT, min_size=1, max_size=40))
def test_shape_detector_never_raises(lines):
    raw = "\n".join(lines)
    cleaned = [ln.strip() for ln in lines if ln.strip()]
    detect(cleaned, raw)
    language.detect(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SITE_LINES) | TEXT, min_size=1, max_size=40))
def test_a_page_is_read_consistently_or_refused_with_a_message(lines):
    for page in parse_text("\n".join(lines)):
        if page.dump is None:
            assert page.error and "\n" not in page.error
            continue
        assert page.error is None
        for rec in page.dump.records:
            assert _valid(rec.date)
            text = f"{rec.title or ''} {rec.lede or ''}"
            # every item has a language, unless its text is in no script kcna tells (none, or Linear B)
            assert rec.language in language.LANGUAGES or language.detect(text) is None
            if page.dump.rendering in SITE_SHAPES:
                # site shapes: never a dateline promoted to a title, an undated item says why
                assert rec.title is None or (rec.title.strip() and sitedates.read_dateline(rec.title) is None)
                if rec.date is None:
                    assert rec.date_note
                if rec.kind == "article":
                    assert rec.title or rec.body


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SITE_TEXTS), st.integers(0, 5000))
def test_cut_site_pages_parse_or_are_refused(text, at):
    for page in parse_text(text[:at]):
        assert (page.dump is None) != (page.error is None)


# --- linear time on adversarial input ------------------------------------------------------

ADVERSARIAL = [
    "(평양 " * 2 + "3" * 400,
    "【" + "平" * 400,
    "Pyongyang" + ", Pyongyang" * 60,
    "Пхеньян, " + "14 " * 200,
    "Pchjongjang " + "14. " * 200,
    "calendar>>" + "March 1. " * 100,
    "2026.3.14." * 100,
    "-0- (" * 100,
    "a" * 1000,
    "1" * 1000,
]


def _time(fn, arg, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - start)
    return best


def _ratio(fn, make, small=2_000, big=32_000):
    """Time on a big input over time on a small one (16x the size)."""
    return _time(fn, make(big)) / max(_time(fn, make(small)), 1e-6)


def test_readers_are_linear_on_adversarial_lines():
    # the readers look at a bounded head of a line: a 16 times longer line costs about the same
    for seed in ADVERSARIAL:
        for read in (sitedates.read_dateline.__wrapped__, sitedates.read_glued_date, sitedates.read_glued_stamp):

            def make(n, seed=seed):
                return (seed * (n // len(seed) + 1))[:n]

            assert _ratio(read, make) < 40, (read.__name__, seed[:20])


def test_detector_and_parser_are_linear_in_page_size():
    def page(n):
        para = "(평양 3월 14일발 조선중앙통신)함경북도 " + "【平壌" * 5 + " Pyongyang, 14 de " + "1" * 20
        lines = ["/ News", "Title line"] + [para] * (n // len(para))
        return "\n".join(lines)

    def run(text):
        lines = [ln for ln in text.split("\n") if ln]
        detect(lines, text)
        parse_text(text)
        language.detect(text)

    # 16 times the text: well under 16 * 3 times the time (a quadratic cost would be 256 times)
    assert _ratio(run, page, small=100_000, big=1_600_000) < 48  # sizes past the CPU caches
