"""Places as GeoJSON (RFC 7946): ``kcna places --geojson`` and ``kcna search --geojson``.

One Feature per place: a Point at the gazetteer's coordinates
(``[longitude, latitude]``, WGS 84, as the RFC orders them), with the
place's name, id, level, parent, province and item counts as properties;
for a search also the ids of the matching items that name it. A place
the gazetteer has no coordinates for is listed with ``"geometry": null``
(an unlocated Feature, which the RFC allows), never given invented ones.
QGIS, kepler.gl and geojson.io open the result directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def feature(props: dict, lat: float | None, lon: float | None) -> dict:
    geometry = None
    if lat is not None and lon is not None:
        geometry = {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
    return {"type": "Feature", "id": props.get("id"), "geometry": geometry, "properties": props}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def places_collection(rows: Iterable[Mapping[str, Any]]) -> dict:
    """``kcna places`` rows (with ``latitude``/``longitude``) as a FeatureCollection."""
    out = []
    for r in rows:
        props = {k: v for k, v in r.items() if k not in ("latitude", "longitude", "aliases")}
        out.append(feature(props, r.get("latitude"), r.get("longitude")))
    return collection(out)


def items_collection(items: Iterable[Mapping[str, Any]], gazetteer: Any) -> dict:
    """Search results as a FeatureCollection: one Feature per place they name, with the item ids."""
    by_full = {p.full: p for p in gazetteer.places}
    ids: dict[str, list[int]] = {}
    for item in items:
        for name in item.get("places") or []:
            ids.setdefault(name, []).append(item["id"])
    out = []
    for name in sorted(ids, key=lambda n: (-len(ids[n]), n)):
        p = by_full.get(name)
        parent = gazetteer.by_id.get(p.parent_id) if p and p.parent_id else None
        props = {
            "name": name,
            "id": p.id if p else None,
            "level": p.level if p else None,
            "parent": parent.full if parent else None,
            "items": len(ids[name]),
            "item_ids": ids[name],
        }
        out.append(feature(props, p.lat if p else None, p.lon if p else None))
    return collection(out)


def unlocated(fc: dict) -> int:
    return sum(1 for f in fc["features"] if f["geometry"] is None)
