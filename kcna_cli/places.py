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

``Gazetteer.resolve(name)`` turns what a user typed (``Gimhwa``,
``Kangwon-do``, ``KIMHWA COUNTY``) into places, by exact name, alias, then a
romanization-insensitive key; an unknown name raises ``UsageError`` with
close suggestions.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable

from .dates import DATELINE
from .errors import UsageError
from .text import strip_accents

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


def _fold_name(text: str) -> str:
    return re.sub(r"\s+", " ", strip_accents(text).replace("’", "'")).strip().lower()


_UNIT_AHEAD = r"(?!(?:Count(?:y|ies)|Cit(?:y|ies)|Districts?|Provinces?|Areas?|Provincial|Municipal)\b)"
#: a place name before its unit word: one to three capitalized words (``Kimhwa``, ``South
#: Phyongan``, ``Kim Jong Suk``: counties named after people are three words long)
_NAME = r"[A-Z][a-z]+(?:[ -]" + _UNIT_AHEAD + r"[A-Z][a-z]+){0,2}"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“‘])|\n+")


def strip_dateline(text: str) -> str:
    """Blank out a leading dateline, keeping positions (it is not a mention)."""
    m = DATELINE.match(text)
    if not m:
        return text
    return " " * m.end() + text[m.end() :]


def _csv_rows(path: Traversable) -> list[dict[str, str]]:
    """The rows of a packaged CSV file (read whole: it may sit inside a zip)."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


class Gazetteer:
    """All known places, indexed for extraction and for user input."""

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
        bare = sorted(self._bare, key=len, reverse=True)
        self._bare_re = re.compile(r"\b(" + "|".join(map(re.escape, bare)) + r")\b(?![ -]?(?:ri|dong|gu)\b)")
        self._unit_re = re.compile(
            r"\b(?P<names>" + _NAME + r"(?:(?:\s*,\s*|\s*,?\s+and\s+|\s+or\s+)" + _NAME + r")*)"
            r"\s+(?P<unit>[Pp]rovinces?|[Cc]ount(?:y|ies)|[Cc]it(?:y|ies)|[Dd]istricts?|[Aa]reas?|Provincial|Municipal)\b"
        )

    @staticmethod
    def _add(index: dict[str, list[str]], key: str, pid: str) -> None:
        ids = index.setdefault(key, [])
        if pid not in ids:
            ids.append(pid)

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
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for m in self._unit_re.finditer(text):
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
        for m in self._bare_re.finditer(text):
            s, e = m.span()
            if any(a <= s < b for a, b in taken):
                continue
            ids = self._bare[m.group(1)]
            found.extend(self._mentions(ids, s, e, m.group(0), text))
        found.sort(key=lambda x: (x.start, x.place_id))
        return found

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
        sentence = _sentence_around(text, s)
        named = {pid for m in self._bare_re.finditer(sentence) for pid in self._bare[m.group(1)]}
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


def _sentence_around(text: str, pos: int) -> str:
    start = 0
    end = len(text)
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return text[start:end]
