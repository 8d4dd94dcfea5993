"""Search forms for text the word tokenizer cannot split, and the queries that use them.

SQLite's FTS5 ``unicode61`` tokenizer splits on spaces and punctuation, so a
Korean word and its particle are one token (``김화군에``), and a run of
Japanese or Chinese is one token (``江界市で竣工式が行われた``). SQLite 3.40
has no way to add a tokenizer from Python, so kcna stores, beside each item's
text, the tokens FTS5 cannot make (the approach of Lucene's CJK analyzer):

- the **bigrams** of every run of Hangul, Han and kana characters
  (``김화군에`` -> ``김화 화군 군에``; a one-character run is kept whole),
  after NFKC and the **initial-sound fold** below; a kana reading inside a
  word is left out (``竣工(しゅんこう)式`` is indexed as ``竣工式``);
- McCune–Reischauer words without their apostrophes (``P'yŏngyang`` ->
  ``pyongyang``), and Russian words with ``ё`` as ``е``.

A search term of two or more CJK characters becomes the phrase of its
bigrams on those columns (``김화군`` -> ``"김화 화군"``, found in
``김화군에서``), a one-character term a prefix (``"강"*``), a quoted phrase
of several words a ``NEAR`` group (a particle may come between the words).

The initial-sound fold: the DPRK writes ``로동``, ``리``, ``령도``, ``력사``,
``녀성``; the ROK ``노동``, ``이``, ``영도``, ``역사``, ``여성`` (두음법칙). Both are
folded to the ROK form, in every syllable, not only the first of a word:
the ROK applies the rule to each part of a compound (``조선로동당`` is
``조선노동당`` there), and a bigram cannot know where a compound's parts
begin. The price is that ``나``/``라``, ``이``/``리``/``니`` and the like are
one letter to search (README, Search).
"""

from __future__ import annotations

import re
import unicodedata

from .errors import UsageError

#: characters searched by bigrams: Hangul (syllables, jamo), kana, Han
_CJK_CLASS = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f"
)
CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
#: a McCune–Reischauer aspirate apostrophe: p' t' k' ch' before a vowel, w or y
_MR_APOSTROPHE = re.compile(r"(?<=[PpTtKk])['’ʼ‘](?=[aeiouwyAEIOUWYŏŭŎŬ])|(?<=[Cc]h)['’ʼ‘](?=[aeiouwyŏŭ])")
_MR_HINT = re.compile(r"(?:[PpTtKk]|[Cc]h)['’ʼ‘][aeiouwyAEIOUWYŏŭŎŬ]")
_MR_WORD = re.compile(r"(?<![\w'’ʼ‘])\w*?(?:[PpTtKk]|[Cc]h)['’ʼ‘][aeiouwyAEIOUWYŏŭŎŬ][\w'’ʼ‘]*")
#: a kana reading in parentheses after Han characters (NFKC made the parentheses ASCII)
_READING = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff])\([\u3040-\u30ff]+\)")
_YO_WORD = re.compile(r"\w*[ёЁ]\w*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _initial_fold_table() -> dict[int, int]:
    """ㄹ -> ㄴ (ㅇ before i and y), ㄴ -> ㅇ before i and y, for every Hangul syllable."""
    iy = {2, 3, 6, 7, 12, 17, 20}  # ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ
    table = {}
    for lead, other in ((5, None), (2, None)):  # ㄹ, ㄴ
        del other
        for vowel in range(21):
            if lead == 2 and vowel not in iy:
                continue
            to = 11 if vowel in iy else 2  # ㅇ, ㄴ
            for tail in range(28):
                table[0xAC00 + (lead * 21 + vowel) * 28 + tail] = 0xAC00 + (to * 21 + vowel) * 28 + tail
    return table


_INITIAL_FOLD = _initial_fold_table()
#: the same as a list indexed by code point: str.translate looks a list up without the
#: KeyError a dict raises for every character it does not map (2.5x faster on Korean)
_FOLD_LIST = list(range(0xD7A4))
for _k, _v in _INITIAL_FOLD.items():
    _FOLD_LIST[_k] = _v


def fold_hangul(text: str) -> str:
    """``로동`` -> ``노동``, ``령도`` -> ``영도``, ``녀성`` -> ``여성``, ``리`` -> ``이`` (every syllable)."""
    return text.translate(_FOLD_LIST)


def fold_cjk(text: str) -> str:
    """A CJK run as indexed: NFKC, initial sounds folded."""
    return fold_hangul(unicodedata.normalize("NFKC", text))


def bigrams(run: str) -> list[str]:
    """``김화군에`` -> ``["김화", "화군", "군에"]``; one character stays whole."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def needs_forms(text: str | None) -> bool:
    """Does a text hold anything that gets a search form? (cheap for plain English)"""
    if not text:
        return False
    if text.isascii():
        return "'" in text and _MR_HINT.search(text) is not None
    return (
        _CJK_CHAR.search(text) is not None
        or "ё" in text
        or "Ё" in text
        or (("'" in text or "’" in text or "ʼ" in text or "‘" in text) and _MR_HINT.search(text) is not None)
    )


def search_forms(text: str | None) -> str | None:
    """The tokens of ``text`` the word tokenizer cannot make, space-separated, in text order (None: none)."""
    if not text or not needs_forms(text):
        return None
    text = unicodedata.normalize("NFKC", text)
    if "(" in text:  # 竣工(しゅんこう)式: a reading inside a word is not indexed
        text = _READING.sub("", text)
    # one fold of the whole text (one character for one), then the bigrams of each run, in C
    found = [(m.start(), _run_grams(m.group())) for m in CJK_RUN.finditer(fold_hangul(text))]
    if _MR_HINT.search(text):
        found += [(m.start(), re.sub(r"['’ʼ‘]", "", m.group())) for m in _MR_WORD.finditer(text)]
    if "ё" in text or "Ё" in text:
        found += [(m.start(), m.group().replace("ё", "е").replace("Ё", "Е")) for m in _YO_WORD.finditer(text)]
    if not found:
        return None
    found.sort(key=lambda f: f[0])
    return " ".join(forms for _, forms in found)


def _run_grams(run: str) -> str:
    """``김화군에`` -> ``김화 화군 군에`` (``bigrams``, joined; a one-character run stays whole)."""
    return " ".join(map(str.__add__, run, run[1:])) if len(run) > 1 else run


def item_forms(title: str | None, lede: str | None, body: str | None) -> tuple[str | None, str | None]:
    """``(gram_title, gram_text)`` of an item: its title's forms, and its body's (else its lede's)."""
    if not title and not lede and not body:
        return None, None
    return search_forms(title), search_forms(body or lede)


# --- queries ----------------------------------------------------------------------------

#: the indexed columns user words are looked for in (never the facets)
TEXT_COLUMNS = "{title lede body gram_title gram_text}"
GRAM_COLUMNS = "{gram_title gram_text}"
#: tokens allowed between the words of a CJK phrase (a particle or ending of up to 4 characters)
PHRASE_GAP = 4

_TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')
#: case and verb endings, longest first
_RU_ENDINGS = sorted(
    (
        "иями",
        "ями",
        "ами",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "ией",
        "ия",
        "ие",
        "ий",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ый",
        "ой",
        "ую",
        "юю",
        "ым",
        "им",
        "ом",
        "ем",
        "их",
        "ых",
        "ах",
        "ях",
        "ов",
        "ев",
        "ей",
        "ам",
        "ям",
        "ать",
        "ять",
        "ить",
        "еть",
        "уть",
        "ла",
        "ло",
        "ли",
        "ет",
        "ут",
        "ют",
        "ит",
        "ат",
        "ят",
        "ешь",
        "ишь",
        "а",
        "я",
        "о",
        "е",
        "ы",
        "и",
        "у",
        "ю",
        "ь",
        "й",
    ),
    key=len,
    reverse=True,
)


def ru_stem(word: str) -> str:
    """A Russian word without its case or verb ending (a light stemmer: the stem keeps 3+ letters)."""
    w = word.lower().replace("ё", "е")
    for end in _RU_ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= 3:
            return w[: -len(end)]
    return w


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _segments(word: str) -> list[tuple[bool, str]]:
    """A ``\\w+`` word split into (is_cjk, text) runs: ``2026년`` -> [(False, "2026"), (True, "년")]."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in CJK_RUN.finditer(word):
        if m.start() > pos:
            out.append((False, word[pos : m.start()]))
        out.append((True, m.group()))
        pos = m.end()
    if pos < len(word):
        out.append((False, word[pos:]))
    return out


def _cjk_phrase(run: str, prefix: bool) -> str:
    grams = bigrams(fold_cjk(run))
    return _quote(" ".join(grams)) + ("*" if prefix or len(grams[0]) == 1 else "")


def match_query(text: str | None) -> str | None:
    """Any user text as a safe FTS5 query over the text columns; None when it holds no word.

    Plain words must all match; ``"a phrase"`` matches as a phrase; ``word*``
    is a prefix. Latin and Cyrillic words are looked for in title, lede and
    body (and in the search forms, for ``P'yŏngyang`` and ``ё``); CJK words as
    bigram phrases in the search forms; a Russian word outside quotes as its
    stem and any ending. FTS5 operators typed by a user are plain words.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    words_part: list[str] = []  # phrases looked for in the text columns
    grams_part: list[str] = []  # bigram phrases, in the search forms
    for tok in _TOKEN.findall(text):
        prefix = False
        quoted = tok.startswith('"')
        if quoted:
            inner = tok[1:-1] if len(tok) > 1 and tok.endswith('"') else tok[1:]
        else:
            prefix = tok.endswith("*")
            inner = tok.strip("*")
        inner = _MR_APOSTROPHE.sub("", inner).replace("ё", "е").replace("Ё", "Е")
        words = re.findall(r"\w+", inner, re.UNICODE)
        if not words:
            continue
        latin: list[str] = []
        cjk: list[str] = []
        for k, word in enumerate(words):
            last = k == len(words) - 1
            for is_cjk, seg in _segments(word):
                if is_cjk:
                    cjk.append(_cjk_phrase(seg, prefix and last))
                else:
                    latin.append(seg)
        if latin:
            if not quoted and not prefix and len(latin) == 1 and _CYRILLIC.search(latin[0]) and len(latin[0]) > 2:
                words_part.append(_quote(ru_stem(latin[0])) + "*")
            elif quoted or len(latin) == 1:
                words_part.append(_quote(" ".join(latin)) + ("*" if prefix and not cjk else ""))
            else:  # unquoted, split by CJK characters: each part a word of its own
                words_part.extend(_quote(w) for w in latin)
        if len(cjk) > 1 and quoted:
            grams_part.append(f"NEAR({' '.join(cjk)}, {PHRASE_GAP * (len(cjk) - 1)})")
        else:
            grams_part.extend(cjk)
    parts = []
    if words_part:
        parts.append(f"{TEXT_COLUMNS} : ({' '.join(words_part)})")
    if grams_part:
        parts.append(f"{GRAM_COLUMNS} : ({' '.join(grams_part)})")
    return " AND ".join(parts) if parts else None


def cjk_terms(text: str | None) -> list[str]:
    """The CJK runs of a user query, folded as indexed (to mark them in snippets)."""
    if not text:
        return []
    return [fold_cjk(m.group()) for m in CJK_RUN.finditer(unicodedata.normalize("NFC", text))]


def snippet(texts: list[str | None], terms: list[str], start: str, end: str, width: int = 90) -> str | None:
    """A piece of the first text that holds a term (folded as indexed), the terms marked;
    the start of the first text when none does (None: no text).

    The text is not folded: each syllable of a term matches every spelling
    that folds to it (``노동`` matches ``로동``), so a long body costs one scan.
    """
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if wanted:
        pattern = re.compile("|".join("".join(_spellings(c) for c in t) for t in wanted))
        for text in texts:
            hits = [(m.start(), m.end()) for m in pattern.finditer(text)] if text else []
            if hits:
                return _cut(text, hits, start, end, width)  # type: ignore[arg-type]
    first = next((t for t in texts if t), None)
    return _cut(first, [], start, end, width) if first else None


def _spellings(folded: str) -> str:
    """A regex for every character that folds to ``folded``: ``노`` -> ``[노로]``."""
    others = _UNFOLD.get(folded)
    return f"[{folded}{''.join(others)}]" if others else re.escape(folded)


_UNFOLD: dict[str, list[str]] = {}
for _k, _v in _INITIAL_FOLD.items():
    _UNFOLD.setdefault(chr(_v), []).append(chr(_k))


def _cut(plain: str, hits: list[tuple[int, int]], start: str, end: str, width: int) -> str:
    first = hits[0][0] if hits else 0
    lo = max(0, first - width // 3)
    if lo > 0:
        space = plain.find(" ", lo, first)
        lo = space + 1 if space != -1 else lo
    hi = min(len(plain), lo + width)
    out, pos = [], lo
    for s, e in hits:
        if s < pos or e > hi:
            continue
        out += [plain[pos:s], start, plain[s:e], end]
        pos = e
    out.append(plain[pos:hi])
    return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(plain) else "")


def check_raw(words: str) -> None:
    """Refuse raw FTS5 syntax whose parentheses (outside "strings") do not pair up."""
    depth, quoted = 0, False
    for c in words:
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "(":
            depth += 1
        elif not quoted and c == ")":
            depth -= 1
            if depth < 0:
                break
    if depth or quoted:
        raise UsageError(f"bad full-text query {words!r}: unbalanced parentheses or quotes")


def fts_query(text: str | None) -> str | None:
    """Make any user text a safe FTS5 query; None when it holds no word.

    Plain words must all match (as words, in any column); ``"a phrase"``
    matches as a phrase (an unclosed quote runs to the end); ``word*`` is a
    prefix. FTS5 operators typed by a user (``AND``, ``NEAR``, ``^``, ``:``)
    are plain words here.
    """
    if not text:
        return None
    parts = []
    for tok in _TOKEN.findall(text):
        prefix = False
        if tok.startswith('"'):
            inner = tok[1:-1] if len(tok) > 1 and tok.endswith('"') else tok[1:]
        else:
            prefix = tok.endswith("*")
            inner = tok.strip("*")
        words = re.findall(r"\w+", inner, re.UNICODE)
        if not words:
            continue
        phrase = " ".join(words)
        parts.append(f'"{phrase}"' + ("*" if prefix else ""))
    return " ".join(parts) if parts else None
