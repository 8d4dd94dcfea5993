"""Names as people spell them: one key per person, whatever the romanization.

``person_key`` folds the spellings of a Korean name that KCNA, other
sources and users write (``Choe Ryong Hae``, ``Choe Ryong-hae``, ``choe
ryonghae``, McCune-Reischauer ``Ch'oe Ryong-hae``, South Korean ``Choi
Ryong-hae``; ``Lee``/``Ri``, ``Park``/``Pak``, ``Rho``/``Ro``) to one key
(``choe ryonghae``), and the names and aliases of ``data/foreign_persons.csv``
(``Putin``) to the listed name (``vladimir putin``). Pure functions; the
name list is read once.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from importlib import resources


def _words(text: str) -> list[str]:
    return text.split()


# --- spelling ----------------------------------------------------------------

#: every way a Korean surname is spelt -> the KCNA spelling
SURNAMES: dict[str, str] = {}
_SURNAME_VARIANTS = {
    "Kim": "Gim",
    "Ri": "Lee Yi Rhee Rhie I Li Rhi",
    "Pak": "Park Bak Pack Bahk",
    "Choe": "Choi Ch'oe Chwe Choy Choe",
    "Jo": "Cho Joh Ch'o",
    "O": "Oh",
    "Jong": "Jung Chung Jeong Cheong Chong",
    "Han": "Hahn",
    "Kang": "Gang",
    "Yun": "Yoon Youn",
    "Jang": "Chang",
    "Hwang": "",
    "Ryu": "Yoo Lyu",
    "Yu": "",
    "Hong": "",
    "Jon": "Jeon Chon Chun Jun",
    "Ko": "Koh Go",
    "Mun": "Moon",
    "Son": "Sohn",
    "Sin": "Shin",
    "Yang": "",
    "Paek": "Baek Paik Baik",
    "Ho": "Heo Huh Hur",
    "Ju": "Joo Chu",
    "No": "Noh",
    "Ro": "Rho Roh",
    "Ryo": "Yeo Yo",
    "Hyon": "Hyun Hyeon",
    "Thae": "T'ae Tae",
    "Song": "Sung",
    "Nam": "",
    "Chae": "",
    "Cha": "",
    "Ji": "Chi",
    "Jin": "Chin",
    "Ma": "",
    "Kwon": "Gwon Kwŏn",
    "Chon": "Cheon",
    "Kye": "Gye",
    "Rim": "Lim Im",
    "Pyon": "Byun Pyeon Byeon",
    "Ok": "",
    "Sok": "Seok",
    "Tong": "Dong",
    "An": "Ahn",
    "Um": "Eom",
    "Wang": "",
    "Pang": "Bang",
    "U": "Woo",
    "Kil": "Gil",
    "Kwak": "Gwak",
    "Myong": "Myung",
    "Ryom": "Yeom Yom",
    "Tak": "",
    "So": "Seo Suh",
    "Sim": "Shim",
    "Pae": "Bae",
    "Rang": "",
    "Ryang": "",
    "Hwa": "",
    "Tae": "",
    "Mo": "",
    "Min": "",
    "Yom": "",
    "Chu": "",
    "Pong": "",
    "Kong": "",
    "Kuk": "",
    "Im": "",
}
for _canon, _variants in _SURNAME_VARIANTS.items():
    _canon = _canon.strip()
    SURNAMES.setdefault(_canon, _canon)
    for _v in _variants.split():
        SURNAMES.setdefault(_v, _canon)
# spellings that are the KCNA spelling of another surname in their own right
SURNAMES.update({"Ro": "Ro", "Rho": "Ro", "Roh": "Ro", "Yu": "Yu", "Jon": "Jon", "Chon": "Chon", "Ju": "Ju"})
SURNAMES["Tae"] = "Thae"
SURNAMES["Yom"] = "Ryom"
SURNAMES["Im"] = "Rim"
SURNAMES["Chu"] = "Ju"

_BREVES = str.maketrans({"ŏ": "o", "ŭ": "u", "Ŏ": "O", "Ŭ": "U", "’": "'", "‘": "'", "`": "'", "´": "'"})


def _plain(word: str) -> str:
    """McCune-Reischauer marks off: ``Ch'oe`` -> ``Choe``, ``T'ae`` -> ``Thae``, ``Yŏ`` -> ``Yo``."""
    word = word.translate(_BREVES)
    if "'" in word:
        word = re.sub(r"(?i)(?<=[ptk])'", "h", word)
        word = re.sub(r"(?i)(?<=[c]h)'", "", word)
        word = word.replace("'", "")
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return word


def _given_key(given: str) -> str:
    """Given syllables as one key: ``Ryong Hae``, ``Ryong-hae``, ``ryonghae`` -> ``ryonghae``."""
    s = _plain(given).lower()
    s = re.sub(r"[^a-z]", "", s)
    # South Korean (Revised) spellings of the same syllables
    s = s.replace("eo", "o").replace("eu", "u")
    return s


def canonical_surname(word: str) -> str | None:
    """The KCNA spelling of a surname as printed or typed, or None."""
    w = word.strip()
    if w in SURNAMES:
        return SURNAMES[w]
    plain = _plain(w)
    cap = plain[:1].upper() + plain[1:].lower()
    if cap in SURNAMES:
        return SURNAMES[cap]
    orig_cap = w[:1].upper() + w[1:].lower()
    return SURNAMES.get(orig_cap)


#: one romanized Korean syllable (validated after ``_plain``, lower case)
_SYLLABLE = re.compile(
    r"(?:kk|tt|pp|ss|jj|ch|kh|th|ph|sh|g|k|n|d|t|r|l|m|b|p|s|j|h)?"
    r"(?:w|y)?(?:ae|oe|eo|eu|ui|ai|a|e|i|o|u)"
    r"(?:ng|n|m|k|l|p|t|r|g|b)?"
)
#: capitalized English words that spell like a syllable but never are one in a name
_NOT_SYLLABLE = frozenset(
    _words(
        "The To In On At An As Is It He We Me Be Go Up So No Then Than Him His Her Hers Sent Set Let Met Got Get "
        "Put Ran Yet Not May Day Way Say Jan Mar Jun Jul Aug Sep Oct Nov Dec Mon Tue Wed Thu Fri Sat"
    )
)


def is_syllable(word: str) -> bool:
    w = _plain(word).lower()
    return 0 < len(w) <= 6 and _SYLLABLE.fullmatch(w) is not None


def is_given_name(given: str) -> bool:
    """``Ryong Hae``, ``Ryong-hae``, ``Ryonghae``: one or two syllables."""
    parts = [p for p in re.split(r"[\s-]+", given.strip()) if p]
    if not parts or len(parts) > 3:
        return False
    if len(parts) == 1:
        return _splits(_plain(parts[0]).lower(), 2)
    return all(is_syllable(p) for p in parts)


def _splits(word: str, n: int) -> bool:
    """Can ``word`` be cut into at most ``n`` syllables? (n <= 3: a few tries)"""
    if _SYLLABLE.fullmatch(word):
        return True
    if n <= 1:
        return False
    return any(_SYLLABLE.fullmatch(word[:k]) and _splits(word[k:], n - 1) for k in range(1, min(len(word), 7)))


def person_key(name: str) -> str | None:
    """One key per person, whatever the spelling: ``Ch'oe Ryong-hae`` -> ``choe ryonghae``.

    Foreign names known to the name list fold to their listed name
    (``Putin`` -> ``vladimir putin``); other text that is not a Korean name
    folds to its lower-cased words. None for empty input.
    """
    text = " ".join(name.replace("\u00a0", " ").split()).strip(" ,.;:")
    if not text:
        return None
    foreign = _foreign_index().get(_fold_foreign(text))
    if foreign:
        return foreign[0]
    parts = text.split(" ", 1)
    if len(parts) == 2:
        sur = canonical_surname(parts[0])
        if sur and is_given_name(parts[1]):
            return f"{sur.lower()} {_given_key(parts[1])}"
    return _fold_foreign(text)


def display_name(surname: str, given: str) -> str:
    """The KCNA spelling when the given name is cut into syllables: ``Choe Ryong Hae``."""
    sur = canonical_surname(surname) or surname
    parts = [p for p in re.split(r"[\s-]+", _plain(given)) if p]
    return " ".join([sur, *(p[:1].upper() + p[1:].lower() for p in parts)])


# --- the foreign name list ------------------------------------------------------


def _fold_foreign(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


@functools.lru_cache(maxsize=1)
def _foreign_index() -> dict[str, tuple[str, str]]:
    """folded name or alias -> (key, listed name)"""
    index: dict[str, tuple[str, str]] = {}
    for row in _foreign_rows():
        key = _fold_foreign(row["name"])
        for nm in [row["name"], *(a for a in row["aliases"].split("|") if a.strip())]:
            index.setdefault(_fold_foreign(nm), (key, row["name"]))
    return index


@functools.lru_cache(maxsize=1)
def _foreign_by_first() -> dict[str, list[str]]:
    """First word of each listed name or alias -> the names starting with it, longest first."""
    out: dict[str, list[str]] = {}
    for n in sorted(set(_foreign_surfaces()), key=len, reverse=True):
        out.setdefault(n.split(" ")[0].rstrip("."), []).append(n)
    return out


def _foreign_surfaces() -> list[str]:
    out = []
    for row in _foreign_rows():
        out.append(row["name"])
        out.extend(a for a in row["aliases"].split("|") if a.strip())
    return out


@functools.lru_cache(maxsize=1)
def _foreign_rows() -> tuple[dict[str, str], ...]:
    """``data/foreign_persons.csv``: our own list of foreign leaders and envoys."""
    text = (resources.files("kcna_cli") / "data" / "foreign_persons.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))
