"""World geometry for maps, from local files only (nothing is fetched at view time).

The country outlines are the npm package ``world-atlas`` 2.0.2 (countries-110m.json, Natural Earth 1:110m
admin-0 countries as TopoJSON; ISC licence, © Mike Bostock — see reference/ATTRIBUTION.md), vendored in
``brief/assets``.  :func:`world_geojson` decodes the TopoJSON into a GeoJSON FeatureCollection whose feature
``id`` is the ISO3 code, so plotly's ``choropleth(geojson=..., featureidkey="id")`` draws the map without
the CDN topojson plotly would otherwise download for ``locationmode="ISO-3"``.

TopoJSON decoding (spec: github.com/topojson/topojson-specification): arcs are delta-encoded integer
positions; with the transform, x_k = (Σ_{i≤k} dx_i)·scale_x + translate_x (same for y).  A ring is the
concatenation of its arcs, an index ``~i`` (i.e. −i−1) meaning arc i reversed, dropping each arc's first
point after the first arc (it repeats the previous arc's last point).
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

ASSET = "world-atlas-countries-110m.json"

# features without an ISO numeric id in world-atlas, matched by name
_NAME_IDS = {"Kosovo": "XKX"}


def _decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    tr = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((round(x * sx + tx, 4), round(y * sy + ty, 4)))
        else:
            pts = [(float(p[0]), float(p[1])) for p in arc]
        out.append(pts)
    return out


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    ring: list[tuple[float, float]] = []
    for k, i in enumerate(indices):
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if k == 0 else pts[1:])
    return [list(p) for p in ring]


def topo_to_geojson(topo: dict[str, Any], obj: str) -> dict[str, Any]:
    """Decode TopoJSON object ``obj`` into a GeoJSON FeatureCollection (ids and properties kept)."""
    arcs = _decode_arcs(topo)
    feats = []
    for g in topo["objects"][obj]["geometries"]:
        t = g.get("type")
        if t == "Polygon":
            geom = {"type": "Polygon", "coordinates": [_ring(r, arcs) for r in g["arcs"]]}
        elif t == "MultiPolygon":
            geom = {"type": "MultiPolygon", "coordinates": [[_ring(r, arcs) for r in poly] for poly in g["arcs"]]}
        else:
            continue
        feats.append({"type": "Feature", "id": g.get("id"), "properties": dict(g.get("properties", {})),
                      "geometry": geom})
    return {"type": "FeatureCollection", "features": feats}


@lru_cache(maxsize=1)
def _numeric_to_iso3() -> dict[int, str]:
    """ISO 3166-1 numeric → alpha-3, from country_converter's table (BACI codes differ for FRA, NOR, IND, CHE,
    USA, so the BACI code list is not used here)."""
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    data = coco.CountryConverter().data
    out = {}
    for num, iso3 in zip(data["ISOnumeric"], data["ISO3"]):
        try:
            out[int(num)] = str(iso3)
        except (TypeError, ValueError):
            continue
    return out


@lru_cache(maxsize=1)
def world_geojson() -> dict[str, Any]:
    """Country polygons keyed by ISO3 (``feature['id']``); features without a known code keep ``id=None``."""
    topo = json.loads(resources.files("samarkand.brief").joinpath("assets", ASSET).read_text("utf-8"))
    gj = topo_to_geojson(topo, "countries")
    num = _numeric_to_iso3()
    for f in gj["features"]:
        fid = f.get("id")
        iso = None
        if fid is not None and str(fid).isdigit():
            iso = num.get(int(fid))
        if iso is None:
            iso = _NAME_IDS.get(f["properties"].get("name", ""))
        f["id"] = iso
        f["properties"]["iso3"] = iso
    gj["features"] = [f for f in gj["features"] if f["id"] is not None]
    return gj


def iso3_on_map() -> frozenset[str]:
    """ISO3 codes the world map draws."""
    return frozenset(f["id"] for f in world_geojson()["features"])
