"""Server-side SVG maps: country outlines from the vendored Natural Earth TopoJSON, city markers.

No tile server, no JavaScript, no network: the outlines ship in static/vendor/world-atlas/.
TopoJSON (https://github.com/topojson/topojson-specification): arcs are quantized and
delta-encoded; a geometry refers to arcs by index, ``~i`` (= -i-1) meaning arc i reversed.
The projection is equirectangular with the x axis scaled by cos(52°) (a standard parallel through
the Baltic), so the region most members lie in keeps its proportions; outline paths are projected
once and cached, and each map keeps only the countries that meet its view box.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ATLAS = Path(__file__).parent / "static" / "vendor" / "world-atlas" / "countries-110m.json"
#: cos of the standard parallel of the equirectangular projection
_K = math.cos(math.radians(52.0))


@dataclass(frozen=True)
class Country:
    """One country outline: its name, projected SVG path data and projected bounding box."""

    name: str
    path: str
    bbox: tuple[float, float, float, float]  # min x, min y, max x, max y


@dataclass(frozen=True)
class Marker:
    """A point on the map with a label and an optional link."""

    x: float
    y: float
    label: str
    href: str | None = None
    css_class: str = "city-link"
    #: "own" for the page's own place, "home" for Rostock, "" for any other
    role: str = ""


@dataclass(frozen=True)
class MapView:
    """Everything a template needs to draw one map."""

    view_box: str
    countries: list[Country]
    markers: list[Marker]
    radius: float
    width: int
    height: int


def project(lon: float, lat: float) -> tuple[float, float]:
    """Longitude/latitude in degrees to SVG user units (x right, y down)."""
    return lon * _K, -lat


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat positions of every arc: undo the delta encoding, then the quantization."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    """The positions of one ring, stitching its arcs (a shared end point is kept once)."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc[1:] if points else arc)
    return points


def _path(rings: list[list[tuple[float, float]]]) -> tuple[str, tuple[float, float, float, float]]:
    """SVG path data for rings (projected, rounded) and their bounding box."""
    parts = []
    xs, ys = [], []
    for ring in rings:
        coords = [project(lon, lat) for lon, lat in ring]
        xs.extend(c[0] for c in coords)
        ys.extend(c[1] for c in coords)
        parts.append("M" + "L".join(f"{x:.2f},{y:.2f}" for x, y in coords) + "Z")
    return "".join(parts), (min(xs), min(ys), max(xs), max(ys))


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country outline, decoded and projected once per process."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        rings = [r for r in rings if len(r) >= 3]
        if not rings:
            continue
        path, bbox = _path(rings)
        out.append(Country(geometry.get("properties", {}).get("name", ""), path, bbox))
    return tuple(out)


def fit(points: list[tuple[float, float]], margin: float = 0.12, min_span_deg: float = 8.0,
        aspect: float = 1.6) -> tuple[float, float, float, float]:
    """A view box (x, y, w, h) around projected points with a margin, a minimum extent and an
    aspect ratio near ``aspect`` (width/height), so one city still shows its surroundings."""
    if not points:
        return fit([project(-170, 75), project(190, -60)], margin=0)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    w = max(max_x - min_x, min_span_deg * _K)
    h = max(max_y - min_y, min_span_deg / aspect)
    w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (min_x + max_x) / 2, (min_y + max_y) / 2
    return cx - w / 2, cy - h / 2, w, h


def build_map(places: list[dict], width: int = 800) -> MapView:
    """A map of places (dicts with lat, long, label, href, role) fitted to their bounding box."""
    projected = [project(p["long"], p["lat"]) for p in places]
    x, y, w, h = fit(projected)
    visible = [c for c in countries()
               if c.bbox[2] >= x and c.bbox[0] <= x + w and c.bbox[3] >= y and c.bbox[1] <= y + h]
    markers = [Marker(px, py, p["label"], p.get("href"), p.get("css_class", "city-link"), p.get("role", ""))
               for (px, py), p in zip(projected, places)]
    return MapView(
        view_box=f"{x:.2f} {y:.2f} {w:.2f} {h:.2f}",
        countries=visible,
        markers=markers,
        radius=round(max(w, h) * 0.007, 3),
        width=width,
        height=round(width * h / w),
    )
