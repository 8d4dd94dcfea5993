"""The language of a text: from a source label when there is one, else from the text.

``detect`` looks at the script first (Hangul -> Korean, kana -> Japanese,
Han characters with no kana -> Chinese, Cyrillic -> Russian) and tells the
Latin-script languages apart by their common short words and month names.
It reads at most ``SAMPLE`` characters, once: linear time, no backtracking.

Codes are ISO 639-1: ``ko ja zh ru es fr de en`` (and ``cs`` for the Czech
reposts described in ``fixtures/README.md``).
"""

from __future__ import annotations

import re

from .sitedates import read_dateline

#: the languages ``--language`` knows, in the order ``stats`` documents them
LANGUAGES = ("ko", "ja", "zh", "ru", "es", "fr", "de", "en", "cs")

#: characters looked at: the title and first paragraphs tell the language
SAMPLE = 3000

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\uff66-\uff9d]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"[a-zà-öø-ÿčďěňřšťůž]+")

# short words and month names frequent in one Latin-script language and rare in the others


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and in to is was were for on with by from at has have that this its which county province"
        " january february march april may june july august september october november december"
    ),
    "es": _words(
        "el los las del y que se por con para una al su sus fue es distrito provincia ciudad enero febrero"
        " marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre"
    ),
    "fr": _words(
        "le les des du et une est pour dans au aux sur qui ont été par avec janvier février fevrier mars"
        " avril mai juin juillet août aout septembre octobre novembre décembre"
    ),
    "de": _words(
        "der die das und im den dem des ist mit von zu ein eine auf für wurde wurden sich bezirk kreis stadt"
        " januar februar märz maerz april mai juni juli august september oktober november dezember"
    ),
    "cs": _words(
        "v ve na a se je byla byl bylo nová nový okrese provincii čučche ledna února března dubna května"
        " června července srpna září října listopadu prosince"
    ),
}


def detect(text: str | None) -> str | None:
    """The language of ``text`` (ISO 639-1), or None when it holds no letters."""
    if not text:
        return None
    sample = text[:SAMPLE]
    if sample.isascii():
        return _latin(sample.lower()) if any(c.isalpha() for c in sample) else None
    hangul = len(_HANGUL.findall(sample))
    kana = len(_KANA.findall(sample))
    han = len(_HAN.findall(sample))
    cyrillic = len(_CYRILLIC.findall(sample))
    low = sample.lower()
    latin = sum(len(w) for w in _LATIN_WORD.findall(low))
    best = max(hangul, kana + han, cyrillic, latin)
    if best == 0:
        return None
    if hangul == best:
        return "ko"
    if kana + han == best:
        # Japanese writes kana between its kanji; Chinese never does
        return "ja" if kana * 20 >= han or kana >= 10 else "zh"
    if cyrillic == best:
        return "ru"
    return _latin(low)


def _latin(low: str) -> str:
    """English unless another language's words are more frequent."""
    scores = dict.fromkeys(_WORDS, 0)
    for word in _LATIN_WORD.findall(low):
        for lang, words in _WORDS.items():
            if word in words:
                scores[lang] += 1
    best = max(scores, key=lambda k: (scores[k], k == "en"))
    return best if scores[best] else "en"


def of_texts(*texts: str | None) -> str | None:
    """The language of a record whose label names none, told from its texts (each read to 1,000 characters)."""
    return detect("\n".join(t[:1000] for t in texts if t))


def of_article(title: str | None, lede: str | None, more: str | None = None) -> str | None:
    """A record's language when its label names none: its dateline's (``Pyongyang, ... (KCNA)`` is
    English, ``(평양 ...발 조선중앙통신)`` Korean), else told from its title and first paragraphs."""
    d = read_dateline(lede) if lede else None
    return d.language if d else of_texts(title, lede, more)


def unknown_text(lines: list[str]) -> str | None:
    """Why a text in another language than English is no page kcna reads; None for English."""
    lang = detect("\n".join(lines[:6]))
    if not lang or lang == "en":
        return None
    return (
        f"{NAMES.get(lang, lang)} text of no page shape kcna knows: no Date: line, dateline, stamp, teaser list,"
        " site date line or site chrome found"
    )


#: English names of the languages, for messages
NAMES = {
    "ko": "Korean",
    "ja": "Japanese",
    "zh": "Chinese",
    "ru": "Russian",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "en": "English",
    "cs": "Czech",
}


_NAMES = {
    "korean": "ko",
    "japanese": "ja",
    "chinese": "zh",
    "russian": "ru",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "english": "en",
    "czech": "cs",
    # the tags KCNA Watch labels and other sites use
    "kr": "ko",
    "jp": "ja",
    "ch": "zh",
    "cn": "zh",
    "sp": "es",
}


def code(name: str) -> str | None:
    """A language as a user may type it (``ko``, ``Korean``, ``Kr``) -> its code; None if unknown."""
    low = name.strip().lower()
    if low in LANGUAGES:
        return low
    return _NAMES.get(low)


def codes(names: list[str]) -> list[str]:
    """``--language`` values (``ko``, ``Korean``, ``kr``) -> sorted codes; UsageError for one kcna does not know."""
    from .errors import UsageError

    out = set()
    for name in names:
        found = code(name)
        if found is None:
            raise UsageError(f"--language must be one of {', '.join(LANGUAGES)} (or its English name), not {name!r}")
        out.add(found)
    return sorted(out)
