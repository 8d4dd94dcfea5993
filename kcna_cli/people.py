"""People named in KCNA text, and the leader's public activities.

Pure functions, no I/O beyond reading the packaged name list once.

``find_persons(text)`` finds person mentions in English KCNA text:

* Korean names as KCNA prints them: a surname and one or two given
  syllables (``Choe Ryong Hae``, ``Jo Yong Won``, ``O Su Yong``), and the
  spellings other sources and users type: hyphenated or lower-cased given
  names (``Choe Ryong-hae``), McCune-Reischauer (``Ch'oe Ryong-hae``,
  ``Kim Yŏ-jŏng``) and South Korean surnames (``Choi``, ``Lee``, ``Rho``,
  ``Park``). ``kcna_cli.names.person_key`` folds them all to one key per
  person (``choe ryonghae``).
* Foreign leaders and envoys from ``data/foreign_persons.csv``, and
  unlisted ones printed after a title (``Russian Defence Minister Andrei
  Belousov``), marked ``foreign``.
* Not persons: the same names inside institutions and places (``Kim Il Sung
  University``, ``Kim Jong Suk County``, ``Kim Chaek Iron and Steel
  Complex``), orders, prizes, ships (``the destroyer Choe Hyon``), songs.
* The post printed with each mention, before (``Premier Pak Thae Song``) or
  after it (``Jo Yong Won, secretary of the C.C., WPK``), and its place in
  a list of names (``list_no``, ``list_pos``): the order KCNA ranks them.

The leader's activities are read by ``kcna_cli.activities``, which uses
``find_persons`` and ``sentences`` from here.

Every pattern here runs in time linear in its input: bounded repetitions
and alternations of fixed words, no nested unbounded quantifiers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .names import (
    _NOT_SYLLABLE,
    SURNAMES,
    _fold_foreign,
    _foreign_by_first,
    _foreign_index,
    _given_key,
    _words,
    canonical_surname,
    display_name,
    is_syllable,
    person_key,
)

__all__ = ["PersonMention", "canonical_surname", "find_persons", "person_key", "sentences"]


# --- finding mentions -------------------------------------------------------------


@dataclass(frozen=True)
class PersonMention:
    """One person named in a text: who (``key``), where, as printed, with the post printed with it."""

    key: str
    name: str
    surface: str
    start: int
    end: int
    foreign: bool = False
    post: str | None = None
    #: the list of names this mention is in (numbered from 0 in the text) and its place there (from 1)
    list_no: int = 0
    list_pos: int = 1

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
            "foreign": self.foreign,
            "post": self.post,
            "list_no": self.list_no,
            "list_pos": self.list_pos,
        }


_SURNAME_FORMS = {s for s in SURNAMES if " " not in s} | {s.replace("'", "\u2019") for s in SURNAMES if "'" in s}
#: a capitalized word; an apostrophe inside it only before two letters (``Ch'oe``, not ``Sung's``)
_WORD = r"[A-Z](?:[a-z\u014f\u016d]|['\u2019](?=[a-z\u014f\u016d]{2})){0,7}"
#: a capitalized word, a space and one or two given syllables; the first word must be a surname
#: (checked in Python: one set lookup is faster than an alternation of every surname)
_KOREAN = re.compile(
    r"(?<![\w'\u2019-])(?P<sur>[A-Z](?:[a-z\u014f\u016d]|['\u2019](?=[a-z\u014f\u016d]{2})){0,5})"
    r" (?P<given>" + _WORD + r"(?:-[a-z\u014f\u016d'\u2019]{1,7}|-[A-Z][a-z\u014f\u016d]{0,6}|"
    r" " + _WORD + r")?)"
    r"(?![\w\u014f\u016d])"
)
#: a capitalized word: ``(?<![\w'\u2019-])[A-Z][\w'\u2019-]*``, with the look-behind after the
#: capital so that ``re`` skips in C from capital to capital (a third of the time)
_CAPITAL = re.compile(r"[A-Z](?<![\w'\u2019-][A-Z])[\w'\u2019-]*")

#: words after a name that make it part of the name of something else
_INSTITUTION_WORDS = frozenset(
    _words(
        """University Universities County City District Square Street Stadium Prize Prizes Order Medal Youth Socialist
    Military Naval Political Iron Higher Institute School Schools College Academy Complex Mill Factory Works Plant
    Hall Palace Library Hospital Park Bridge Station Mausoleum Statue Statues Foundation Revolutionary Pyongyang
    Textile Teachers Teacher Memorial Museum Theatre Theater Art Arts Guards Division Regiment Unit Era Award Badge
    Commemorative Cup Flower Kimilsungia Kimjongilia Patriotism Mine Farm Co-op Cooperative Shipyard Complexes
    Steel Broadcasting Literature Prize-winning Children's Union League Institute Tower Arch Birthplace Street
    Line Company Mills Works Combined Enterprise Orchestra Troupe Ensemble Band Songs Film Studio Studios Hotel
    Airport Port Harbour Harbor Exhibition Centre Center Road Bay Lake Mountain Falls Field Stadiums Day Week
    Month Year Month's Commemoration Prize-Winner Lecture Lectures Sports Club Team Revolution Navy Building
    Juche Kindergarten Orphanage Boarding Secondary Primary Middle Senior Junior"""
    )
)
#: words before a name that make it the name of a ship, song, order, film ...
_BEFORE_THING = re.compile(
    r"(?i)(?:\b(?:destroyer|ship|vessel|warship|frigate|submarine|cruiser|boat|liner|tanker|freighter|"
    r"song|songs|opera|film|novel|book|poem|play|missile|rocket|satellite|order|prize|medal|title|named|class)"
    r"|\b(?:order|prize|medal|song|hero|title) of(?: the)?(?: general| marshal| generalissimo| president)?)"
    r"[\s\"'\u201c\u2018]{1,3}(?:(?:General|Marshal|Comrade|President|Generalissimo) )?$"
)
#: titles printed before a name: kept as the post of the mention
_TITLE_WORDS = frozenset(
    _words(
        """Premier Marshal Vice-Marshal General Colonel Lieutenant Major Admiral Vice-Admiral Rear Secretary President
    Vice-President Chairman Chairwoman Vice-Chairman Minister Vice-Minister Ambassador Foreign Defence Defense Prime
    Vice Deputy First Director Speaker Chief Commander King Queen Prince Emperor Chancellor Governor Mayor Envoy
    Special Party Ministry Russian Chinese Vietnamese Lao Cuban Belarusian Iranian Syrian Venezuelan Nicaraguan
    Mongolian Indonesian Cambodian Japanese U.S. US American Security State Council Supreme People's Assembly
    Presidium Politburo Senior Executive Sergeant Captain Field"""
    )
)
#: titles that make an unlisted two- or three-word name after them a foreign person
_FOREIGN_TITLE = re.compile(
    r"(?:Russian|Chinese|Vietnamese|Lao|Cuban|Belarusian|Iranian|Syrian|Venezuelan|Nicaraguan|Mongolian|"
    r"Indonesian|Cambodian|Japanese|U\.S\.|US|American|Ugandan|Zimbabwean|Palestinian|Egyptian|Indian|Pakistani|"
    r"Brazilian|German|French|British)"
    r" (?:[A-Z][a-z]+ ){0,3}$"
)
_NOT_FOREIGN_WORDS = frozenset(
    _words(
        "Minister President Ministry Federation Embassy Government Party Council Defence Defense Foreign Affairs "
        "Republic People's Army Navy State Duma Assembly Committee Secretary General Chairman Premier Prime "
        "Ambassador Delegation Vice First Deputy Security Director Speaker Governor"
    )
)
_WORD_BEFORE = re.compile(r"([A-Z][A-Za-z.'-]{0,20}) $")


@functools.lru_cache(maxsize=4096)
def _korean_ok(sur: str, given: str) -> tuple[str, str] | None:
    """(key, display name) of a printed Korean name, or None if it is not one."""
    parts = given.replace("-", " ").split()
    if not parts or any(p in _NOT_SYLLABLE and not p.islower() for p in parts[:1]):
        return None
    if not all(is_syllable(p) for p in parts):
        return None
    canon = canonical_surname(sur)
    if canon is None:
        return None
    return f"{canon.lower()} {_given_key(given)}", display_name(sur, given)


def find_persons(text: str | None, *, title: bool = False) -> list[PersonMention]:
    """Persons named in ``text``, in text order, with posts and list positions.

    ``title``: the text is a headline (Title Case), where a capitalized word
    after a name is a verb (``Kim Jong Un Inspects``), not part of a place.
    """
    if not text:
        return []
    foreign, surnames, national = _scan(text)
    found: list[tuple[int, int, str, str, bool, str | None]] = []
    for fs, fe, surface in foreign:
        key, name = _foreign_index()[_fold_foreign(surface)]
        found.append((fs, fe, key, name, True, None))
    taken = _Cover([(a, b) for a, b, *_ in found])
    pos = 0
    for start in surnames:
        m = _KOREAN.match(text, start) if start >= pos else None
        if m is None:
            continue
        s, e = m.span()
        pos = e
        if taken.overlaps(s, s + 1):
            continue
        sur, given = m.group("sur"), m.group("given")
        ok = _korean_ok(sur, given)
        if ok is None:
            # "Kim Jong Un The..."? try the first syllable only
            first = given.split(" ")[0]
            if " " in given and is_syllable(first):
                ok = _korean_ok(sur, first)
                e = m.start("given") + len(first)
            if ok is None:
                continue
        if _is_institution_after(text, e, title=title) or _thing_before(text, s):
            continue
        found.append((s, e, ok[0], ok[1], False, None))
    found.extend(_titled_foreign(text, found, national))
    found.sort()
    return _with_posts(text, found)


def _is_institution_after(text: str, end: int, *, title: bool = False) -> bool:
    nxt = text[end : end + 40]
    if nxt.startswith("-") and len(nxt) > 1 and nxt[1].isalpha():
        return True  # "Choe Hyon-class", "Kim Il Sung-Kim Jong Il Foundation", "O Jung Hup-led"
    m = re.match(r" ([A-Z][\w'-]*)", nxt)
    if not m:
        return False
    word = m.group(1)
    if word in _INSTITUTION_WORDS:
        return True
    if title:
        return False
    # in running text a capitalized word right after a name is part of a proper name
    return word not in ("And", "Comrade", "Premier", "Marshal", "General", "President")


def _thing_before(text: str, start: int) -> bool:
    return _BEFORE_THING.search(text[max(0, start - 45) : start]) is not None


_NATIONALITIES = frozenset(
    _words(
        "Russian Chinese Vietnamese Lao Cuban Belarusian Iranian Syrian Venezuelan Nicaraguan Mongolian Indonesian "
        "Cambodian Japanese American Ugandan Zimbabwean Palestinian Egyptian Indian Pakistani Brazilian German "
        "French British"
    )
)
_NATIONAL = re.compile(r"[A-Z][a-z]+((?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?){2,7})(?![\w-])")


@functools.lru_cache(maxsize=1)
def _starters() -> frozenset[str]:
    """Every word a name can start with: surnames, first words of listed foreign names, nationalities."""
    return frozenset(_SURNAME_FORMS) | frozenset(_foreign_by_first()) | _NATIONALITIES


def _scan(text: str) -> tuple[list[tuple[int, int, str]], list[int], list[int]]:
    """One pass over the capitalized words of a text: the listed foreign names (start, end,
    surface), where a surname starts a word, where a nationality does."""
    by_first = _foreign_by_first()
    foreign: list[tuple[int, int, str]] = []
    surnames: list[int] = []
    national: list[int] = []
    if _starters().isdisjoint(_CAPITAL.findall(text)):
        return foreign, surnames, national  # no word that can start a name: most texts, quickly
    end = 0
    for m in _CAPITAL.finditer(text):
        s, word = m.start(), m.group(0)
        if s < end:
            continue
        for name in by_first.get(word, ()):
            e = s + len(name)
            if text.startswith(name, s) and not (e < len(text) and (text[e].isalnum() or text[e] in "_-")):
                foreign.append((s, e, name))
                end = e
                break
        else:
            if word in _SURNAME_FORMS:
                surnames.append(s)
            elif word in _NATIONALITIES:
                national.append(s)
    return foreign, surnames, national


def _titled_foreign(text: str, found: list, starts: list[int]) -> list[tuple[int, int, str, str, bool, str | None]]:
    """Unlisted foreign persons printed after a national title: ``Russian Defence Minister Andrei Belousov``."""
    out: list[tuple[int, int, str, str, bool, str | None]] = []
    spans = _Cover([(a, b) for a, b, *_ in found])
    pos = 0
    for start in starts:
        m = _NATIONAL.match(text, start) if start >= pos else None
        if m is None:
            continue
        pos = m.end()
        words = m.group(1).split()
        k = 0
        while k < len(words) and (words[k] in _NOT_FOREIGN_WORDS or words[k] in _TITLE_WORDS):
            k += 1
        name_words = words[k : k + 3]
        if k == 0 or len(name_words) < 2:
            continue
        s = m.start(1) + len(" ".join(["", *words[:k]])) + 1
        e = s + len(" ".join(name_words))
        if spans.overlaps(s, e):
            continue
        name = " ".join(name_words)
        out.append((s, e, _fold_foreign(name), name, True, None))
    return out


class _Cover:
    """The union of some spans, asked about spans further and further on (linear in all)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.spans = merged
        self.at = 0

    def overlaps(self, start: int, end: int) -> bool:
        """Does [start, end) meet a span? ``start`` must not go back between calls."""
        while self.at < len(self.spans) and self.spans[self.at][1] <= start:
            self.at += 1
        return self.at < len(self.spans) and self.spans[self.at][0] < end


# --- posts and lists ----------------------------------------------------------------

#: a word after ", " that ends an appositive post: the sentence goes on
_POST_STOP = re.compile(
    r",\s+(?:who|which|whom|whose|when|where|while|on|in|at|during|together|along|with|as|to|for|from|after|"
    r"before|and (?:his|her|their|other|officials|members|leading|commanding|senior)|said|says|was|were|is|are|"
    r"has|have|had|made|gave|sent|met|took|saw|spoke|told|left|won|held|led|began|came|went|brought|wrote|read|"
    r"laid|paid|kept|got|put|set|ran|sat|stood|"
    r"[a-z]+ed)\b"
)
#: words that start a clause, not a post: "Ch'oe Ryong-hae, written Choi Ryong-hae by ..."
_NOT_POST_START = frozenset(_words("written spelt spelled known called named quoted cited reported also then however"))
_POST_START = re.compile(r",\s+(?=[a-z]|the\b|an?\b|[A-Z]{2,}|C\.C\.|[A-Z][a-z]+ [a-z])")
_SEP = re.compile(r"^(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+)$")
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\"'\u201c])|[.!?]$|;|\n")


def _with_posts(text: str, found: list) -> list[PersonMention]:
    # drop overlaps (first wins)
    kept: list[tuple[int, int, str, str, bool, str | None]] = []
    for f in found:
        if kept and f[0] < kept[-1][1]:
            continue
        kept.append(f)
    out: list[PersonMention] = []
    list_no = -1
    pos = 0
    pending_share: list[int] = []  # mentions before this one in the list with no post of their own
    for i, (s, e, key, name, foreign, _) in enumerate(kept):
        prefix = _prefix_post(text, s)
        gap_end = kept[i + 1][0] if i + 1 < len(kept) else len(text)
        gap = text[e:gap_end]
        post, rest = _suffix_post(gap)
        same_list_as_prev = i > 0 and out and out[-1].list_no == list_no and _joined(text, out[-1], kept, i)
        if not same_list_as_prev:
            list_no += 1
            pos = 1
            pending_share = []
        else:
            pos += 1
        mention = PersonMention(
            key=key,
            name=name,
            surface=text[s:e],
            start=s,
            end=e,
            foreign=foreign or (prefix is not None and _FOREIGN_TITLE.search(prefix + " ") is not None),
            post=post or prefix,
            list_no=list_no,
            list_pos=pos,
        )
        if post and pending_share:
            # "Kim Jae Ryong and Ri Il Hwan, secretaries of the WPK Central Committee"
            for j in pending_share:
                if out[j].post is None:
                    out[j] = _replace_post(out[j], post)
            pending_share = []
        out.append(mention)
        if post is None and prefix is None and _SEP.match(rest or gap) and i + 1 < len(kept):
            pending_share.append(len(out) - 1)
        elif post is not None:
            pending_share = []
    return out


def _replace_post(m: PersonMention, post: str) -> PersonMention:
    return PersonMention(m.key, m.name, m.surface, m.start, m.end, m.foreign, post, m.list_no, m.list_pos)


def _joined(text: str, prev: PersonMention, kept: list, i: int) -> bool:
    """Is mention ``i`` in the same list as the one before it?"""
    gap = text[prev.end : kept[i][0]]
    post, rest = _suffix_post(gap)
    if post is not None:
        return rest is not None and _SEP.match(rest) is not None
    return _SEP.match(gap) is not None or _SEP.match(_strip_prefix_title(gap)) is not None


def _strip_prefix_title(gap: str) -> str:
    words = gap.rstrip().split(" ")
    while words and words[-1] in _TITLE_WORDS:
        words.pop()
    return " ".join(words) + " "


def _suffix_post(gap: str) -> tuple[str | None, str | None]:
    """(post, what is left of the gap after it) from the text after a name."""
    if len(gap) > 400:
        gap = gap[:400]
    m = _POST_START.match(gap)
    if not m:
        return None, None
    body = gap[m.end() :]
    end = len(body)
    stop = _POST_STOP.search(body)
    if stop:
        end = stop.start()
    sent = _SENTENCE_END.search(body)
    while sent and _abbrev_before(body, sent.start()):
        sent = _SENTENCE_END.search(body, sent.end())
    if sent and sent.start() < end:
        end = sent.start()
    post = body[:end]
    rest = body[end:]
    # the separator before the next name is not part of the post
    sep = re.search(r"(?:\s*,\s*and|\s*,|\s+and)\s*$", post)
    if sep and not stop and not (sent and sent.start() == end):
        rest = post[sep.start() :]
        post = post[: sep.start()]
    post = post.strip(" ,")
    if not post or len(post) > 250 or post.split(" ", 1)[0] in _NOT_POST_START:
        return None, None
    return post, rest


def _abbrev_before(text: str, dot: int) -> bool:
    """Is the ``.`` at ``dot`` the end of an abbreviation (``C.C.``, ``Mr.``, ``U.S.``)?"""
    if text[dot] != ".":
        return False
    before = text[max(0, dot - 4) : dot]
    return bool(re.search(r"(?:^|[\s.(])(?:[A-Z]|Mr|Mrs|Ms|Dr|St|No|Jr)$", before))


def _prefix_post(text: str, start: int) -> str | None:
    """Title words printed right before a name: ``Premier``, ``Russian Defence Minister``."""
    words: list[str] = []
    pos = start
    while len(words) < 6:
        m = _WORD_BEFORE.search(text, max(0, pos - 22), pos)
        if not m or m.end() != pos:
            break
        w = m.group(1)
        if w not in _TITLE_WORDS:
            break
        words.insert(0, w)
        pos = m.start()
    while words and words[0] in ("Party", "Ministry", "State", "Council", "Security", "First", "Special"):
        words.pop(0)
    if not words or words == ["General"]:
        return None
    return " ".join(words)


# --- sentences ------------------------------------------------------------------------


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; ``C.C.``, ``Mr.`` and initials do not end one."""
    out = []
    start = 0
    for m in re.finditer(r"[.!?][\"'\u201d\u2019]?(?:\s+(?=[A-Z\"'\u201c\u2018(])|\s*$)|\n+", text):
        if m.group(0)[0] == "." and _abbrev_before(text, m.start()):
            continue
        end = m.start() + (0 if m.group(0).startswith("\n") else 1)
        if text[start:end].strip():
            out.append((start, end))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out
