"""The DPRK gazetteer: loading it, finding places in text, resolving user input.

``Gazetteer.load()`` reads the packaged ``data/dprk_places.csv`` (GeoNames
and WFP/OCHA names in KCNA romanization, see ``data/dprk_places.README.md``)
and applies ``data/overrides.csv``, our own corrections for its known gaps.

``Gazetteer.extract(text)`` finds the places an item names, as KCNA writes
them: ``Kimhwa County``, ``Kimhwa and Cholwon Counties``, ``Kujang, Unsan
and Jangphung counties``, ``Ryanggang Provincial ...``, ``Pyongyang
Municipal ...``, bare province and special-city names. Second-level names
need their unit word (``Kim Jong Suk`` is a person, ``Kim Chaek University``
a school). ``Unsan County`` is two counties: a province named in the same
sentence decides, otherwise both are kept and flagged ambiguous. Datelines
(``Pyongyang, February 10 (KCNA) --``) are not mentions: callers strip them.

In Korean, Japanese and Chinese text (``data/dprk_places_ko.csv``: Hangul in
DPRK and ROK spelling, Hanja where known) a place is its name with its unit
(``김화군``, ``강원도``, ``江原道金化郡``), particles and endings after it
(``김화군에서``); bare names only for the capital and the cities that are no
common word (``평양에서``, ``함흥의``; not ``개성``, personality, nor
``원산지``). Hangul is folded as the search index folds it (``룡천``/``용천``),
Han characters to one form of each (``平壌``/``平壤``, ``黄``/``黃``, ``区``/``區``).
Each text is read once, with a longest-match lookup at each word start
(Hangul) or character (Han): linear in the text.

``Gazetteer.resolve(name)`` turns what a user typed (``Gimhwa``,
``Kangwon-do``, ``KIMHWA COUNTY``, ``김화``, ``강원도``, ``金化郡``) into places,
by exact name, alias, then a romanization-insensitive key; an unknown name
raises ``UsageError`` with close suggestions.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable

from .errors import UsageError
from .grams import fold_hangul
from .sitedates import strip_dateline as strip_dateline  # re-exported: where places are not
from .spans import Covered, Sentences
from .text import strip_accents, whole_words

UNIT_WORDS = {
    "province": "province",
    "provinces": "province",
    "county": "county",
    "counties": "county",
    "city": "city",
    "cities": "city",
    "district": "district",
    "districts": "district",
    "area": "area",
    "areas": "area",
}
#: levels that a unit word may name (a "City" may be a special city too)
UNIT_LEVELS = {
    "province": {"province"},
    "county": {"county"},
    "city": {"city", "special_city", "capital_city"},
    "district": {"district"},
    "area": {"area"},
}
#: second-level cities safe to recognize without "City": provincial capitals
BARE_CITIES = {
    "Hamhung",
    "Chongjin",
    "Sinuiju",
    "Wonsan",
    "Hyesan",
    "Kanggye",
    "Sariwon",
    "Haeju",
    "Phyongsong",
    "Kimchaek",
}


#: Korean unit words of each level; the first is the one shown
KO_UNITS = {
    "province": ("도",),
    "county": ("군",),
    "city": ("시",),
    "district": ("구역", "구"),
    "area": ("지구",),
    "special_city": ("특별시", "직할시", "시"),
    "capital_city": ("직할시", "시"),
}
HAN_UNITS = ("特別市", "直轄市", "區域", "地區", "郡", "市", "道", "區")
#: Korean names recognized without a unit: the capital, special cities and
#: provincial capitals that are no common word (개성 is "personality", 김책 a
#: man, 해주는 a verb form); 평양 may also begin a compound (평양종합병원)
KO_BARE = ("평양", "남포", "라선", "함흥", "청진", "신의주", "원산", "혜산", "강계", "사리원", "평성")
KO_BARE_COMPOUND = ("평양",)
HAN_BARE = ("平壤", "南浦", "羅先", "開城", "咸興", "淸津", "新義州", "元山", "惠山", "江界", "沙里院", "海州", "平城")
#: what may follow a bare Korean name in the same word: particles and the copula
_PARTICLES = """
은 는 이 가 을 를 의 에 에서 에게 에는 에도 에서는 에서도 에서의 에로 에로의 으로 로 으로는 로는 으로의 로의
와 과 와의 과의 도 만 까지 까지의 부터 부터의 이며 이고 이다 이였다 이었다 이라는 처럼 보다
시 시의 시에 시에서 시와 지구 지구의 지구에서 지역 지역의 지역에서 일대 일대에서 일대의
"""
KO_PARTICLES = frozenset(fold_hangul(p) for p in _PARTICLES.split())
#: simplified Chinese and Japanese forms of the Han characters in place names -> the gazetteer's form
HAN_VARIANTS = str.maketrans(
    "壌区镜黄兴东龙竜宁边辺盐塩阳徳银両两罗开义肃粛清青温満满润滩虚贞辖远铁鉄长云顺馆马凤亀龟仓内刚峯岘岛戦战时楽乐桥桧権权渊渓丰豐别园场恵兔冈会",
    "壤區鏡黃興東龍龍寧邊邊鹽鹽陽德銀兩兩羅開義肅肅淸靑溫滿滿潤灘虛貞轄遠鐵鐵長雲順館馬鳳龜龜倉內剛峰峴島戰戰時樂樂橋檜權權淵溪豊豊別園場惠兎岡會",
)
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_ANY = re.compile(r"[\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def fold_han(text: str) -> str:
    """Han characters as the gazetteer writes them (one character for one)."""
    return text.translate(HAN_VARIANTS)


@dataclass
class Place:
    id: str
    level: str
    name: str  # "Kimhwa"
    full: str  # "Kimhwa County"
    parent_id: str | None
    aliases: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    #: names it had before a change, with the month they were last used: [("Samjiyon County", "2019-12")]
    former: list[tuple[str, str]] = field(default_factory=list)
    #: Hangul, DPRK spelling: "김화" and "김화군"; ROK spelling where it differs; Hanja
    name_ko: str | None = None
    full_ko: str | None = None
    rok_ko: str | None = None
    hanja: str | None = None
    #: every Korean and Hanja form with a unit (older units too)
    forms_ko: list[str] = field(default_factory=list)

    @property
    def unit(self) -> str | None:
        rest = self.full[len(self.name) :].strip().lower()
        return rest or None


@dataclass(frozen=True)
class Mention:
    """One place found in a text: which place, where, as printed."""

    place_id: str
    start: int
    end: int
    surface: str
    ambiguous: bool = False


def roman_key(text: str) -> str:
    """A romanization-insensitive key: Gimhwa ~ Kimhwa, Pyeongannam-do ~ South Phyongan."""
    s = strip_accents(text).lower()
    s = re.sub(r"[’'`´\u2018\u2019]", "", s)
    s = re.sub(
        r"[\s-]+(province|county|city|district|area|do|to|gun|kun|si|guyok|kuyok|ku|gu)$",
        "",
        s.strip(),
    )
    direction = ""
    m = re.match(r"^(south|north)\s+", s)
    if m:
        direction = m.group(1)[0]
        s = s[m.end() :]
    s = re.sub(r"[^a-z]", "", s)
    m = re.search(r"(nam|buk|puk)(do|to)?$", s)
    if m and len(s) - len(m.group(0)) >= 4 and not direction:
        direction = "s" if m.group(1) == "nam" else "n"
        s = s[: m.start()]
    s = s.replace("eo", "o").replace("eu", "u").replace("oe", "oe")
    s = s.replace("tch", "ch").replace("ch", "j")
    s = re.sub(r"([ptk])h", r"\1", s)
    s = s.translate(str.maketrans("gdb", "ktp"))
    s = re.sub(r"^[rnl](?=[yi])", "", s)
    s = s.replace("l", "r")
    return f"{direction}:{s}" if direction else s


_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=8192)
def _fold_name(text: str) -> str:
    """A name as the gazetteer's indexes key it (the same few names recur in every text)."""
    return _SPACES.sub(" ", strip_accents(text).replace("’", "'")).strip().lower()


_UNIT_AHEAD = r"(?!(?:Count(?:y|ies)|Cit(?:y|ies)|Districts?|Provinces?|Areas?|Provincial|Municipal)\b)"
#: a place name before its unit word: one to three capitalized words (``Kimhwa``, ``South
#: Phyongan``, ``Kim Jong Suk``: counties named after people are three words long)
_NAME = r"[A-Z][a-z]+(?:[ -]" + _UNIT_AHEAD + r"[A-Z][a-z]+){0,2}"
#: ``\b`` + ``_NAME`` with the look-behind after the capital (``(?<!\w)[A-Z]``): a pattern
#: that begins with a letter class lets ``re`` skip in C to the next capital
_FIRST_NAME = r"[A-Z](?<!\w[A-Z])" + _NAME.removeprefix("[A-Z]")
#: names in one list ("Kujang, Unsan and Jangphung counties"); real lists have under 15
MAX_LIST = 30
#: every match of the unit pattern holds one of these (a superset, found in one C scan)
_UNIT_HINT = re.compile(r"[Pp]rovinc|[Cc]ount|[Cc]it|[Dd]istrict|[Aa]rea|Municipal")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“‘])|\n+")


def _csv_rows(path: Traversable) -> list[dict[str, str]]:
    """The rows of a packaged CSV file (read whole: it may sit inside a zip)."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


class Gazetteer:
    """All known places, indexed for extraction and for user input."""

    #: the sentences of the text being read, found when a mention is ambiguous (``_mentions``)
    _sentences: Sentences | None = None

    def __init__(self, places: list[Place]):
        self.places = places
        self.by_id = {p.id: p for p in places}
        self.children: dict[str, list[str]] = {}
        for p in places:
            if p.parent_id:
                self.children.setdefault(p.parent_id, []).append(p.id)
        # "kimhwa county" -> [ids]; names and aliases, each with the unit word
        self._unit_index: dict[str, dict[str, list[str]]] = {}
        self._bare: dict[str, list[str]] = {}
        self._names: dict[str, list[str]] = {}
        self._keys: dict[str, list[str]] = {}
        for p in places:
            names = {p.name, *p.aliases}
            for nm in names:
                base = _fold_name(nm)
                unit = p.unit
                if unit:
                    self._unit_index.setdefault(base, {}).setdefault(unit, [])
                    if p.id not in self._unit_index[base][unit]:
                        self._unit_index[base][unit].append(p.id)
            for full, _until in p.former:
                # a former name is found with its own unit word ("Samjiyon County" before 2019)
                m = re.fullmatch(r"(?P<name>.+?)\s+(?P<unit>" + "|".join(UNIT_WORDS) + ")", full, re.IGNORECASE)
                if m:
                    by_unit = self._unit_index.setdefault(_fold_name(m.group("name")), {})
                    ids = by_unit.setdefault(UNIT_WORDS[m.group("unit").lower()], [])
                    if p.id not in ids:
                        ids.append(p.id)
            for nm in {p.name, p.full, *p.aliases, *(f for f, _ in p.former)}:
                self._add(self._names, _fold_name(nm), p.id)
                self._add(self._keys, roman_key(nm), p.id)
            if p.level in ("province", "special_city", "capital_city") or p.name in BARE_CITIES:
                self._add(self._bare, p.name, p.id)
                for alias in p.aliases:
                    if p.level == "province" and re.fullmatch(r"(North |South )?[A-Z][a-z]+", alias):
                        self._add(self._bare, alias, p.id)
        self._index_cjk()
        self._bare_re = whole_words(self._bare, after=r"(?![ -]?(?:ri|dong|gu)\b)")
        # at most MAX_LIST names in a list: a match is tried at every name, and a
        # long run of names with no unit word after it must not be walked from each
        self._unit_re = re.compile(
            r"(?P<names>" + _FIRST_NAME + r"(?:(?:\s*,\s*|\s*,?\s+and\s+|\s+or\s+)" + _NAME + rf"){{0,{MAX_LIST - 1}}})"
            r"\s+(?P<unit>[Pp]rovinces?|[Cc]ount(?:y|ies)|[Cc]it(?:y|ies)|[Dd]istricts?|[Aa]reas?|Provincial|Municipal)\b"
        )

    @staticmethod
    def _add(index: dict[str, list[str]], key: str, pid: str) -> None:
        ids = index.setdefault(key, [])
        if pid not in ids:
            ids.append(pid)

    def _index_cjk(self) -> None:
        """Korean and Han forms -> ids, with every prefix, for a longest-match scan."""
        #: folded form -> (ids, bare: needs a particle after it, or may begin a compound)
        self._ko: dict[str, tuple[list[str], str]] = {}
        self._han: dict[str, tuple[list[str], str]] = {}
        self._ko_prefixes: set[str] = set()
        self._han_prefixes: set[str] = set()
        #: what a user may type: folded names with and without unit, Hangul and Hanja
        self._cjk_names: dict[str, list[str]] = {}
        for p in self.places:
            for form in p.forms_ko:
                if _HAN_RUN.fullmatch(form):
                    key = fold_han(form)
                    self._add_form(self._han, self._han_prefixes, key, p.id, "unit")
                    self._add(self._cjk_names, key, p.id)
                    name = _strip_han_unit(key)
                    if name != key:
                        self._add(self._cjk_names, name, p.id)
                        if name in _HAN_BARE_FOLDED and p.level != "province":
                            self._add_form(self._han, self._han_prefixes, name, p.id, "bare")
                else:
                    key = fold_hangul(form)
                    self._add_form(self._ko, self._ko_prefixes, key, p.id, "unit")
                    self._add(self._cjk_names, key, p.id)
            for bare in (p.name_ko, p.rok_ko and _strip_ko_unit(p.rok_ko, p.level)):
                if not bare:
                    continue
                key = fold_hangul(bare)
                self._add(self._cjk_names, key, p.id)
                if key in _KO_BARE_FOLDED and p.level != "province":
                    kind = "compound" if key in _KO_COMPOUND_FOLDED else "bare"
                    self._add_form(self._ko, self._ko_prefixes, key, p.id, kind)

    @staticmethod
    def _add_form(index: dict, prefixes: set[str], key: str, pid: str, kind: str) -> None:
        ids, old = index.get(key, ([], kind))
        if pid not in ids:
            ids.append(pid)
        # a form that is a full name somewhere needs no particle anywhere
        index[key] = (ids, "unit" if "unit" in (kind, old) else kind)
        prefixes.update(key[:i] for i in range(1, len(key) + 1))

    # --- loading ------------------------------------------------------------

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> Gazetteer:
        data = resources.files("kcna_cli") / "data"
        rows: dict[str, dict] = {}
        for row in _csv_rows(data / "dprk_places.csv"):
            rows[row["id"]] = row
        for row in _csv_rows(data / "overrides.csv"):
            current = rows.setdefault(row["id"], {"lat": "", "lon": ""})
            # an empty cell keeps the gazetteer's value (a row may only add former names)
            current.update({k: v for k, v in row.items() if k != "reason" and v})
        korean: dict[str, list[dict]] = {}
        for name in ("dprk_places_ko.csv", "overrides_ko.csv"):
            for row in _csv_rows(data / name):
                korean.setdefault(row["id"], []).append(row)
        places = []
        for row in rows.values():
            aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
            places.append(
                Place(
                    id=row["id"],
                    level=row["level"],
                    name=row["kcna_name"],
                    full=row["kcna_full"],
                    parent_id=row.get("parent_id") or None,
                    aliases=aliases,
                    lat=float(row["lat"]) if row.get("lat") else None,
                    lon=float(row["lon"]) if row.get("lon") else None,
                    former=_former(row.get("former")),
                    **_korean(korean.get(row["id"], []), row["level"]),
                )
            )
        return cls(places)

    # --- hierarchy ------------------------------------------------------------

    def descendants(self, pid: str) -> set[str]:
        out = {pid}
        stack = [pid]
        while stack:
            for child in self.children.get(stack.pop(), []):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out

    def ancestors(self, pid: str) -> list[str]:
        out = []
        p = self.by_id.get(pid)
        while p and p.parent_id and p.parent_id not in out:
            out.append(p.parent_id)
            p = self.by_id.get(p.parent_id)
        return out

    def province_of(self, pid: str) -> str | None:
        for a in [pid, *self.ancestors(pid)]:
            if self.by_id[a].level in ("province", "special_city", "capital_city"):
                return a
        return None

    # --- extraction -----------------------------------------------------------

    def extract(self, text: str | None) -> list[Mention]:
        """Places named in ``text`` (strip a dateline first), in text order."""
        if not text:
            return []
        self._sentences = None  # cut into sentences only if a name is ambiguous
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        units = self._unit_re.finditer(text) if _UNIT_HINT.search(text) else ()  # none without a unit word
        for m in units:
            unit_word = m.group("unit").lower()
            names_text = m.group("names")
            base = m.start("names")
            if unit_word in ("provincial", "municipal"):
                # "Ryanggang Provincial", "Pyongyang Municipal": the last name only
                last = list(re.finditer(_NAME, names_text))[-1]
                name = last.group(0)
                ids = self._adjective(name, unit_word)
                if ids:
                    s, e = base + last.start(), base + last.end()
                    found.extend(self._mentions(ids, s, e, text[s : m.end()], text))
                    taken.append((s, m.end()))
                continue
            unit = UNIT_WORDS[unit_word]
            plural = unit_word.endswith("s") and unit_word not in ("province", "county", "city")
            parts = list(re.finditer(_NAME, names_text))
            if not plural:
                parts = parts[-1:]
            for k, part in enumerate(parts):
                name = part.group(0)
                if name in ("South", "North") and k + 1 < len(parts):
                    # "South and North Hwanghae provinces"
                    following = parts[k + 1].group(0).split(" ", 1)
                    if len(following) == 2 and following[0] in ("South", "North"):
                        name = f"{name} {following[1]}"
                ids = self._with_unit(name, unit)
                if not ids and " " in name:
                    # "Songchon County" inside "In Songchon County", "South Phyongan Province"
                    # inside "In South Phyongan Province": try the last words
                    words = name.split()
                    for k in range(1, len(words)):
                        tail = " ".join(words[k:])
                        ids = self._with_unit(tail, unit)
                        if ids:
                            part_start = base + part.start() + name.rfind(tail)
                            s, e = part_start, part_start + len(tail)
                            found.extend(self._mentions(ids, s, e, tail, text))
                            taken.append((s, e))
                            break
                    continue
                if ids:
                    s, e = base + part.start(), base + part.end()
                    surface = text[s : m.end()] if part is parts[-1] else part.group(0)
                    found.extend(self._mentions(ids, s, e, surface, text))
                    taken.append((s, m.end() if part is parts[-1] else e))
        covered = Covered(taken)
        for m in self._bare_re.finditer(text):
            s, e = m.span()
            if covered(s):
                continue
            ids = self._bare[m.group(1)]
            found.extend(self._mentions(ids, s, e, m.group(0), text))
        if not text.isascii() and _CJK_ANY.search(text):
            found.extend(self._extract_cjk(text))
        found.sort(key=lambda x: (x.start, x.place_id))
        return found

    def _extract_cjk(self, text: str) -> list[Mention]:
        """Places named in Korean (at word starts) and in Han characters (anywhere)."""
        found: list[Mention] = []
        folded = fold_hangul(text)
        for word in _HANGUL_WORD.finditer(folded):
            pos, end = word.start(), word.end()
            if folded[pos] not in self._ko_prefixes:  # most words: no name starts so
                continue
            while pos < end:  # 강원도김화군에서: several names in one word
                key, hit = _longest(folded, pos, end, self._ko, self._ko_prefixes)
                if hit is None:
                    break
                ids, kind = hit
                stop = pos + len(key)
                rest = folded[stop:end]
                if kind == "bare" and rest and rest not in KO_PARTICLES:
                    break  # 원산지 (origin), not 원산
                found.extend(self._cjk_mentions(ids, pos, stop, text))
                if kind != "unit":
                    break
                pos = stop
        if _HAN_RUN.search(text):
            han = fold_han(text)
            for run in _HAN_RUN.finditer(han):
                pos, end = run.start(), run.end()
                while pos < end:
                    key, hit = _longest(han, pos, end, self._han, self._han_prefixes)
                    if hit is None:
                        pos += 1
                        continue
                    found.extend(self._cjk_mentions(hit[0], pos, pos + len(key), text))
                    pos += len(key)
        return found

    def _cjk_mentions(self, ids: list[str], s: int, e: int, text: str) -> list[Mention]:
        if len(ids) == 1:
            return [Mention(ids[0], s, e, text[s:e])]
        return [Mention(i, s, e, text[s:e], ambiguous=True) for i in ids]

    def _with_unit(self, name: str, unit: str) -> list[str]:
        by_unit = self._unit_index.get(_fold_name(name), {})
        ids = list(by_unit.get(unit, []))
        if not ids and unit == "city":
            # special cities and the capital: "Nampho City", "Pyongyang City"
            ids = [i for i in self._bare.get(name, []) if self.by_id[i].level != "province"]
        return ids

    def _adjective(self, name: str, word: str) -> list[str]:
        if word == "provincial":
            return [i for i in self._bare.get(name, []) if self.by_id[i].level == "province"]
        # municipal: the capital or a city
        ids = [i for i in self._bare.get(name, []) if self.by_id[i].level != "province"]
        return ids or self._with_unit(name, "city")

    def _mentions(self, ids: list[str], s: int, e: int, surface: str, text: str) -> list[Mention]:
        if len(ids) == 1:
            return [Mention(ids[0], s, e, surface)]
        # ambiguous: a province named in the same sentence decides
        sentences = self._sentences
        if sentences is None or sentences.text is not text:
            sentences = self._sentences = Sentences(text, _SENTENCE_END)
        bare, bare_re = self._bare, self._bare_re
        named = sentences.named(s, lambda sentence: {p for m in bare_re.finditer(sentence) for p in bare[m.group(1)]})
        chosen = [i for i in ids if self.province_of(i) in named]
        if len(chosen) == 1:
            return [Mention(chosen[0], s, e, surface)]
        return [Mention(i, s, e, surface, ambiguous=True) for i in ids]

    def names_in(self, *texts: str | None) -> list[str]:
        """Canonical full names of the places in these texts, sorted, unique."""
        ids = {m.place_id for t in texts for m in self.extract(t)}
        return sorted({self.by_id[i].full for i in ids})

    # --- user input ---------------------------------------------------------------

    def resolve(self, text: str) -> list[Place]:
        """What the user typed -> places. Raises UsageError with suggestions."""
        q = _fold_name(text)
        if not q:
            raise UsageError("--place needs a name")
        typed = unicodedata.normalize("NFKC", "".join(text.split()))
        if _CJK_ANY.search(typed):
            key = fold_han(fold_hangul(typed))
            cjk = self._cjk_names.get(key)
            if cjk:
                return [self.by_id[i] for i in cjk]
        ids = self._names.get(q)
        if not ids:
            stripped = re.sub(r"[\s-]+(province|county|city|district|area|do|gun|si)$", "", q)
            ids = self._names.get(stripped)
        if not ids:
            ids = self._keys.get(roman_key(text))
        if not ids:
            raise UsageError(self._unknown(text))
        return [self.by_id[i] for i in ids]

    def _unknown(self, text: str) -> str:
        typed = fold_han(fold_hangul(unicodedata.normalize("NFKC", "".join(text.split()))))
        if _CJK_ANY.search(typed):
            close = difflib.get_close_matches(typed, list(self._cjk_names), n=6, cutoff=0.5)
            found = [self.by_id[i] for i in dict.fromkeys(i for c in close for i in self._cjk_names[c])][:3]
            if found:
                hint = " or ".join(f'"{p.full_ko or p.full}" ({p.full})' for p in found)
                return f"unknown place {text!r}: did you mean {hint}?"
            return f"unknown place {text!r} (see 'kcna places --all' for known names)"
        choices: dict[str, str] = {}
        for p in self.places:
            for nm in (p.name, p.full, *p.aliases):
                choices.setdefault(nm.lower(), p.full)
        close = difflib.get_close_matches(text.lower(), list(choices), n=8, cutoff=0.75)
        if not close:
            key = roman_key(text)
            keyed = {k: ids for k, ids in self._keys.items()}
            close_keys = difflib.get_close_matches(key, list(keyed), n=3, cutoff=0.75)
            names = []
            for k in close_keys:
                for pid in keyed[k]:
                    names.append(self.by_id[pid].full)
        else:
            names = [choices[c] for c in close]
        names = list(dict.fromkeys(names))[:3]
        if names:
            hint = " or ".join(f'"{n}"' for n in names)
            return f"unknown place {text!r}: did you mean {hint}?"
        return f"unknown place {text!r} (see 'kcna places --all' for known names)"


def _former(text: str | None) -> list[tuple[str, str]]:
    """``Samjiyon County@2019-12|...`` (overrides.csv ``former``) -> [("Samjiyon County", "2019-12")]."""
    out = []
    for part in (text or "").split("|"):
        name, _, until = part.strip().partition("@")
        if name.strip():
            out.append((name.strip(), until.strip()))
    return out


_KO_BARE_FOLDED = frozenset(fold_hangul(n) for n in KO_BARE)
_KO_COMPOUND_FOLDED = frozenset(fold_hangul(n) for n in KO_BARE_COMPOUND)
_HAN_BARE_FOLDED = frozenset(fold_han(n) for n in HAN_BARE)


def _korean(rows: list[dict], level: str) -> dict:
    """The Korean fields of a place from its rows (gazetteer, then our overrides: the last wins
    what is shown, every full form stays known)."""
    if not rows:
        return {}
    out: dict = {"forms_ko": []}
    for row in rows:
        name = row.get("ko_name") or None
        full = row.get("ko_full") or None
        rok = row.get("ko_rok") or None
        hanja = row.get("hanja") or None
        out.update({k: v for k, v in (("name_ko", name), ("full_ko", full), ("rok_ko", rok), ("hanja", hanja)) if v})
        forms = [full, rok, hanja]
        if name:
            forms += [name + unit for unit in KO_UNITS.get(level, ())]
        if rok and full and name and full.startswith(name):
            forms.append(_strip_ko_unit(rok, level) + full[len(name) :])
        for f in forms:
            if f and f not in out["forms_ko"]:
                out["forms_ko"].append(f)
    return out


def _strip_ko_unit(full: str, level: str) -> str:
    for unit in sorted({u for units in KO_UNITS.values() for u in units}, key=len, reverse=True):
        if full.endswith(unit) and len(full) > len(unit):
            return full[: -len(unit)]
    return full


def _strip_han_unit(full: str) -> str:
    for unit in HAN_UNITS:
        if full.endswith(unit) and len(full) > len(unit):
            return full[: -len(unit)]
    return full


def _longest(text: str, pos: int, end: int, index: dict, prefixes: set[str]):
    """The longest form of ``index`` that starts at ``pos``: (form, value), or ("", None)."""
    best: tuple[str, object] = ("", None)
    k = pos + 1
    while k <= end:
        piece = text[pos:k]
        if piece not in prefixes:
            break
        hit = index.get(piece)
        if hit is not None:
            best = (piece, hit)
        k += 1
    return best
