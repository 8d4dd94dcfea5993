"""The finders' patterns that are written for speed find what their plain form finds.

``re`` skips in C to the next possible first character only when a pattern begins
with characters, not with a look-behind or ``\\b``; the fast forms move that test
after the first character. Each is checked against the plain form on text made of
names, unit words and the characters that decide a word boundary.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kcna_cli import people, places
from kcna_cli.places import Gazetteer
from kcna_cli.text import whole_words

PIECES = st.sampled_from(
    [
        "Kimhwa",
        "Kimhwa County",
        " County",
        " counties",
        " Province",
        " Provincial",
        " Municipal",
        "South Phyongan",
        "North",
        "Hamhung",
        "Pyongyang",
        "Kim Jong Un",
        "Ri Pyong Chol",
        "Choe Ryong Hae",
        "Sinuiju",
        ", ",
        " and ",
        " or ",
        " ",
        "\n",
        "-",
        "'",
        "\u2019",
        "_",
        "7",
        "é",
        "\u014f",
        "Ä",
        "-ri",
        " dong",
        ".",
    ]
)
TEXTS = st.lists(PIECES | st.text(max_size=6), max_size=30).map("".join)


def spans(pattern: re.Pattern[str], text: str) -> list[tuple]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_capitalized_words_are_those_of_the_plain_pattern(text):
    plain = re.compile(r"(?<![\w'\u2019-])[A-Z][\w'\u2019-]*")
    assert people._CAPITAL.findall(text) == plain.findall(text)


def _plain_whole_words(names, after=""):
    """The flat alternation, longest names first (as ``test_place_extraction_finds_what_the_flat_patterns_find``)."""
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\b" + after)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_whole_words_finds_what_the_plain_alternation_finds(text):
    gazetteer = Gazetteer.load()
    after = r"(?![ -]?(?:ri|dong|gu)\b)"
    names = list(gazetteer._bare)
    assert spans(whole_words(names, after=after), text) == spans(_plain_whole_words(names, after), text)
    odd = ["'s", "-x", "é", "Kim", "Kim Jong"]  # names that begin with a non-letter or a letter outside ASCII
    assert spans(whole_words(odd), text) == spans(_plain_whole_words(odd), text)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_unit_pattern_finds_what_the_plain_pattern_finds(text):
    fast = Gazetteer.load()._unit_re
    head = "(?P<names>" + places._FIRST_NAME
    assert fast.pattern.startswith(head)
    plain = re.compile(r"\b(?P<names>" + places._NAME + fast.pattern[len(head) :])
    assert spans(fast, text) == spans(plain, text)


def _plain_normalize(text: str) -> str:
    """``text.normalize`` as written plainly: regexes for the dashes and the spaces."""
    import unicodedata

    from kcna_cli.text import _QUOTES, _SPACE_BEFORE_PUNCT, _SPACES

    if text.isascii():
        text = " ".join(text.translate(_QUOTES).split())
    else:
        text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_QUOTES)).strip()
    return _SPACE_BEFORE_PUNCT.sub("", re.sub(r"-{2,}", "-", text))


PUNCTUATED = st.lists(
    st.sampled_from([" ", "  ", "-", "--", "---", "\u2014", ".", " .", " ,", " 's", "'s", "`", "\u2019", "\t", "\n"])
    | st.text(max_size=5),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(PUNCTUATED)
def test_normalize_is_the_plain_normalization(text):
    from kcna_cli.text import normalize

    assert normalize(text) == _plain_normalize(text)
