"""Server-side SVG maps: the vendored Natural Earth outlines, TopoJSON decoding, fitting, markup."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET

import pytest

from netzwerke_kg.web import maps
from tiny_project import EXTRA, parse_html

SVG = "{http://www.w3.org/2000/svg}"


def test_vendored_atlas_matches_its_readme():
    """countries-110m.json is the file the README names (SHA-256), with its licence beside it."""
    folder = maps.ATLAS.parent
    readme = (folder / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(maps.ATLAS.read_bytes()).hexdigest()
    assert digest in readme
    assert "Permission to use, copy, modify" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "world-atlas` 2.0.2" in readme


def test_decode_quantized_delta_arcs():
    """Delta-decoding plus the transform gives absolute positions; ~i reverses arc i."""
    topology = {"transform": {"scale": [0.5, 2.0], "translate": [10.0, -5.0]},
                "arcs": [[[0, 0], [2, 0], [0, 3]], [[2, 3], [-2, -3]]]}
    arcs = maps._decode_arcs(topology)
    assert arcs[0] == [(10.0, -5.0), (11.0, -5.0), (11.0, 1.0)]
    assert arcs[1] == [(11.0, 1.0), (10.0, -5.0)]
    ring = maps._ring(arcs, [0, 1])
    assert ring == [(10.0, -5.0), (11.0, -5.0), (11.0, 1.0), (10.0, -5.0)]
    assert maps._ring(arcs, [~1]) == [(10.0, -5.0), (11.0, 1.0)]


def test_countries_are_decoded_where_they_belong():
    """Germany's outline (decoded, projected) contains Rostock's projected position in its box."""
    by_name = {c.name: c for c in maps.countries()}
    assert len(by_name) > 150
    x, y = maps.project(12.1405, 54.0887)
    box = by_name["Germany"].bbox
    assert box[0] < x < box[2] and box[1] < y < box[3]
    x, y = maps.project(18.6466, 54.3520)
    assert not (box[0] < x < box[2])  # Gdańsk lies east of Germany


def test_fit_keeps_points_inside_with_a_margin():
    """The view box holds every point with room around it, and a single point gets surroundings."""
    points = [maps.project(12.14, 54.09), maps.project(34.78, 32.08)]
    x, y, w, h = maps.fit(points)
    for px, py in points:
        assert x < px < x + w and y < py < y + h
        assert min(px - x, x + w - px) > 0.05 * w or min(py - y, y + h - py) > 0.05 * h
    x, y, w, h = maps.fit([maps.project(12.14, 54.09)])
    assert w >= 8 * 0.6 and h > 0


def test_build_map_keeps_only_visible_countries():
    """A Baltic map leaves out far-away countries (smaller pages); markers keep their labels."""
    view = maps.build_map([{"lat": 54.09, "long": 12.14, "label": "Rostock", "href": "/page/city/rostock"}])
    names = {c.name for c in view.countries}
    assert "Germany" in names and "Australia" not in names
    assert view.markers[0].label == "Rostock"


def _svg(html: str) -> ET.Element:
    """The map's <svg> element, parsed as XML (it must be well-formed on its own)."""
    match = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert match, "no <svg> in the page"
    return ET.fromstring(match.group(0))


@pytest.mark.parametrize("path, markers", [
    ("/page/network/evil-network", EXTRA + 2),  # the members
    ("/page/city/rostock", 2),                  # the city and its twin city
    ("/", EXTRA + 2),                           # every city
    ("/page/country/pl", 1),                    # the cities in a country
])
def test_map_on_pages(tiny_client, path, markers):
    """#map svg: well-formed, accessible (a labelled group, not role=img, as its markers are links:
    axe nested-interactive), one linked marker per place."""
    html = tiny_client.get(path).get_data(as_text=True)
    svg = _svg(html)
    assert svg.get("role") == "group"
    assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
    assert svg.get("aria-labelledby") == "map-title" and svg.get("aria-describedby") == "map-desc"
    circles = [c for c in svg.iter(f"{SVG}circle") if "marker" in c.get("class", "").split()]
    assert len(circles) == markers
    links = [a for a in svg.iter(f"{SVG}a") if a.find(f"{SVG}circle[@class='marker']") is not None]
    assert len(links) == markers
    assert all(a.get("href").startswith("/page/") for a in links)
    assert all(c.find(f"{SVG}title").text for c in circles)
    assert len(list(svg.iter(f"{SVG}path"))) > 0  # country outlines
    doc = parse_html(html)
    assert doc.by_id("map").find_all("svg")


def test_pages_without_coordinates_have_no_map(tiny_client):
    """A membership has no place of its own: no empty map is drawn."""
    doc = parse_html(tiny_client.get("/page/membership/evil-gdansk").get_data(as_text=True))
    assert doc.by_id("map") is None


def test_marker_positions_follow_coordinates(tiny_client):
    """Markers sit at the projected coordinates of their city."""
    svg = _svg(tiny_client.get("/page/city/rostock").get_data(as_text=True))
    by_href = {a.get("href"): a.find(f"{SVG}circle") for a in svg.iter(f"{SVG}a")}
    c = by_href["/page/city/rostock"]
    x, y = maps.project(12.1405, 54.0887)
    assert abs(float(c.get("cx")) - x) < 1e-3 and abs(float(c.get("cy")) - y) < 1e-3
    vx, vy, vw, vh = map(float, svg.get("viewBox").split())
    for circle in svg.iter(f"{SVG}circle"):
        assert vx <= float(circle.get("cx")) <= vx + vw and vy <= float(circle.get("cy")) <= vy + vh
