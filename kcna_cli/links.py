"""The same story in other languages: separate items, linked.

KCNA and the other outlets publish one story in several languages; each
version is an item of its own (its title and text differ). Two articles are
versions of one story when they have the same outlet (as identity sees it:
KCNA.kp and KCNA.co.jp are one), the same publication date, the same
dateline city (``Pyongyang``, ``평양``, ``平壌`` and ``Пхеньян`` are one; no
dateline on both also matches), different languages, and places that agree:
both name places and one's places are all among the other's. Without places
on both sides there is no evidence beyond the date, so no link is made (an
outlet publishes dozens of stories a day from one city).

``other_languages`` looks the links up when an item is shown; nothing is
stored, so a link appears as soon as the other version is ingested.
"""

from __future__ import annotations

import unicodedata

from .parse import outlet_group

#: dateline cities as each language writes them -> one key
_CITIES = {
    "pyongyang": ("평양", "平壌", "平壤", "пхеньян", "pchjongjang", "pjöngjang", "pjongjang", "p'yŏngyang"),
    "hamhung": ("함흥", "咸興", "咸兴", "хамхын", "hamhŭng"),
    "kaesong": ("개성", "開城", "开城", "кэсон", "kesong"),
    "wonsan": ("원산", "元山", "вонсан"),
    "nampho": ("남포", "南浦", "нампхо", "namp'o"),
    "sinuiju": ("신의주", "新義州", "新义州", "синыйджу"),
    "chongjin": ("청진", "清津", "чхонджин"),
    "kowon": ("고원", "高原", "ковон"),
    "hyesan": ("혜산", "恵山", "惠山", "хесан"),
}
_CITY_KEYS = {alias: key for key, aliases in _CITIES.items() for alias in (key, *aliases)}


def city_key(city: str | None) -> str:
    """A dateline city in any language -> one key (``평양`` -> ``pyongyang``); "" for none."""
    if not city:
        return ""
    low = unicodedata.normalize("NFKC", city).strip().lower()
    return _CITY_KEYS.get(low, low)


def places_agree(a: set[str], b: set[str]) -> bool:
    """Both name places, and the places of one are all among the other's."""
    return bool(a) and bool(b) and (a <= b or b <= a)


def other_languages(corpus, item: dict) -> list[dict]:
    """Other-language versions of an article: ``[{"id", "language", "title"}]``, by id."""
    if item.get("kind") != "article" or not item.get("date") or not item.get("language") or not item.get("outlet"):
        return []
    conn = corpus.conn
    rows = conn.execute(
        "SELECT id, outlet, language, dateline, title FROM items"
        " WHERE date = ? AND kind = 'article' AND id != ? AND language IS NOT NULL AND language != ?",
        (item["date"], item["id"], item["language"]),
    ).fetchall()
    group, city = outlet_group(item["outlet"]), city_key(item.get("dateline"))
    candidates = [r for r in rows if r[1] and outlet_group(r[1]) == group and city_key(r[3]) == city]
    if not candidates:
        return []
    mine = _places(conn, item["id"])
    out = []
    for item_id, _, lang, _, title in candidates:
        if places_agree(mine, _places(conn, item_id)):
            out.append({"id": item_id, "language": lang, "title": title})
    return sorted(out, key=lambda x: x["id"])


def _places(conn, item_id: int) -> set[str]:
    return {r[0] for r in conn.execute("SELECT place_id FROM item_places WHERE item_id = ?", (item_id,))}


def add_other_languages(corpus, items: list[dict]) -> list[dict]:
    """Give each item dict its ``other_languages`` (a key added for ``show``)."""
    for item in items:
        item["other_languages"] = other_languages(corpus, item)
    return items
