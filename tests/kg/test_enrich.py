"""kg.enrich: the GeoNames and ISO 3166 enrichment is reproducible, complete enough, explained, and
agrees with the standards; every coordinate lies in its country (issue 10, sections 1 and 4)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from netzwerke_kg.kg import enrich as enrich_mod
from netzwerke_kg.kg import gazetteer

ROOT = Path(__file__).resolve().parents[2]
ATLAS = ROOT / "src" / "netzwerke_kg" / "web" / "static" / "vendor" / "world-atlas" / "countries-110m.json"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The enrichment run afresh on a copy of the project: its report and the files it wrote."""
    copy = tmp_path_factory.mktemp("enrich") / "project"
    shutil.copytree(ROOT / "data", copy / "data")
    report = enrich_mod.enrich(copy)
    return report, copy


def test_report_is_in_the_test_run_and_every_miss_is_explained(fresh, capsys):
    """The report (counts, ambiguities with candidates, misses with reasons) is printed here."""
    report, _ = fresh
    text = enrich_mod.format_report(report)
    with capsys.disabled():
        print("\n--- enrichment report ---\n" + text + "\n-------------------------")
    assert report.unexplained() == [], [r.slug for r in report.unexplained()]
    for r in report.cities("ambiguous"):
        assert len(r.match.candidates) >= 2
        assert all(p.iri in text for p in r.match.candidates), f"{r.slug}: candidates not listed"
    for r in report.cities("not-found"):
        assert r.note and r.note in text


def test_at_least_ninety_percent_of_cities_have_coordinates_and_a_geonames_link(built_store):
    """≥ 90 % of the cities of the built graph carry WGS84 coordinates and a GeoNames IRI."""
    q = """
    PREFIX schema: <https://schema.org/> PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
    PREFIX owl: <http://www.w3.org/2002/07/owl#>
    SELECT (COUNT(DISTINCT ?c) AS ?all) (COUNT(DISTINCT ?ok) AS ?done) WHERE {
      ?c a schema:City .
      OPTIONAL { ?c geo:lat ?lat ; geo:long ?long ; owl:sameAs ?gn .
                 FILTER(STRSTARTS(STR(?gn), "https://sws.geonames.org/")) BIND(?c AS ?ok) }
    }"""
    row = next(iter(built_store.query(q, use_default_graph_as_union=True)))
    total, done = int(row["all"].value), int(row["done"].value)
    assert total > 150 and done / total >= 0.9, (done, total)


def test_the_written_files_are_what_the_step_writes_now(fresh):
    """data/world-gazetteer.ttl and data/countries.ttl are reproduced byte for byte (offline, deterministic)."""
    _, copy = fresh
    for name in enrich_mod.OUTPUTS:
        assert (copy / "data" / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name


def test_ambiguous_places_get_no_link(fresh, built_store):
    """A place with several candidates is listed, not guessed: no GeoNames IRI of a candidate is written."""
    report, _ = fresh
    for r in report.cities("ambiguous"):
        for p in r.match.candidates:
            ask = f"ASK {{ <{r.iri}> <http://www.w3.org/2002/07/owl#sameAs> <{p.iri}> }}"
            assert not built_store.query(ask, use_default_graph_as_union=True), (r.slug, p.iri)


def test_geonames_source_names_release_url_licence_and_date(built_store):
    """Every GeoNames link is derived from a source document with URL, CC BY 4.0 licence and a date."""
    q = """
    PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX schema: <https://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/>
    ASK { ?c owl:sameAs ?gn . FILTER(STRSTARTS(STR(?gn), "https://sws.geonames.org/"))
          FILTER NOT EXISTS { ?c prov:wasDerivedFrom ?s . ?s schema:url ?u ; dcterms:issued ?d ;
                              dcterms:license <https://creativecommons.org/licenses/by/4.0/> } }"""
    # research sources (world-cities) gave some links first; those places are also confirmed by GeoNames
    assert not built_store.query(q, use_default_graph_as_union=True)


def test_research_values_are_never_overwritten(built_store):
    """Rostock keeps Natural Earth's point; GeoNames' differing point is a claim in a disagreement."""
    q = """
    PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#> PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
    PREFIX city: <https://w3id.org/netzwerke-kg/id/city/> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX geosparql: <http://www.opengis.net/ont/geosparql#>
    SELECT ?lat (COUNT(?claim) AS ?n) WHERE {
      city:rostock geo:lat ?lat .
      ?d a nkg:Disagreement ; nkg:about city:rostock ; nkg:claim ?claim .
      ?claim rdf:predicate geosparql:hasGeometry .
    } GROUP BY ?lat"""
    rows = list(built_store.query(q, use_default_graph_as_union=True))
    assert [(r["lat"].value, int(r["n"].value)) for r in rows] == [("54.07038", 2)]


def test_masovia_is_pl_14_from_iso():
    """Masovia's code since ISO 3166-2's 2018 change is PL-14, and ISO's German name is Masowien."""
    sub = gazetteer.iso_subdivision("PL-14")
    assert sub is not None and sub.name_de == "Masowien"
    assert [s.code for s in gazetteer.iso_subdivisions("PL", ["Masovian Voivodeship", "Masowien"])] == ["PL-14"]


def test_countries_and_regions_of_the_graph_agree_with_iso(built_dist):
    """No code or name of a country or region in the built graph disagrees with ISO 3166."""
    g = Graph().parse(built_dist / "netzwerke-kg.ttl", format="turtle")
    assert enrich_mod.iso_disagreements(g) == []
    ask = ("ASK { <https://w3id.org/netzwerke-kg/id/region/masovian-voivodeship> "
           "<https://w3id.org/netzwerke-kg/ontology#isoCode> \"PL-14\" }")
    assert g.query(ask).askAnswer


HAND_TYPED = """
@prefix nkg: <https://w3id.org/netzwerke-kg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix country: <https://w3id.org/netzwerke-kg/id/country/> .
@prefix region: <https://w3id.org/netzwerke-kg/id/region/> .
country:pl a schema:Country ; rdfs:label "Polska"@de , "Poland"@en ; nkg:isoCode "PO" .
region:masovian-voivodeship a schema:AdministrativeArea ; rdfs:label "Masowien"@de ;
    schema:containedInPlace country:pl ; nkg:isoCode "PL-MZ" .
"""


def test_a_hand_typed_code_or_name_that_disagrees_with_iso_fails():
    """A wrong alpha-2 code, a German label that is not ISO's, the pre-2018 letter code: all caught."""
    problems = enrich_mod.iso_disagreements(Graph().parse(data=HAND_TYPED, format="turtle"))
    assert any('"PO"' in p or "PO is not PL" in p for p in problems), problems
    assert any("Polska" in p for p in problems), problems
    assert any("PL-MZ" in p for p in problems), problems


def _atlas_boxes() -> dict[str, tuple[float, float, float, float]]:
    """Bounding boxes (west, south, east, north) of the Natural Earth countries by ISO numeric code.

    TopoJSON (https://github.com/topojson/topojson-specification): arcs are quantised and
    delta-encoded; a negative index ~i names arc i reversed.
    """
    topo = json.loads(ATLAS.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def indices(nested):
        """Every arc index inside a geometry's nested arc lists."""
        for item in nested:
            if isinstance(item, list):
                yield from indices(item)
            else:
                yield item if item >= 0 else ~item

    boxes = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        pts = [p for i in indices(geom.get("arcs", [])) for p in arcs[i]]
        if pts and "id" in geom:
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            boxes[geom["id"]] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def test_no_coordinate_lies_outside_its_countrys_bounding_box(built_store):
    """Every place's WGS84 point lies inside the bounding box of its country's Natural Earth outline
    (0.5° margin for the 1:110m simplification); countries too small for that map use the box of
    all GeoNames places of the country (≥ 15,000 inhabitants)."""
    boxes = _atlas_boxes()
    geonames = gazetteer.GeoNames(min_population=15000)
    fallback: dict[str, list[float]] = {}
    for p in geonames.by_id.values():
        b = fallback.setdefault(p.country, [180, 90, -180, -90])
        b[:] = [min(b[0], p.longitude), min(b[1], p.latitude), max(b[2], p.longitude), max(b[3], p.latitude)]
    q = """
    PREFIX schema: <https://schema.org/> PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
    PREFIX nkg: <https://w3id.org/netzwerke-kg/ontology#>
    SELECT ?place ?lat ?long ?code WHERE { ?place geo:lat ?lat ; geo:long ?long ;
                                             schema:containedInPlace/nkg:isoCode ?code . }"""
    outside, checked = [], 0
    for row in built_store.query(q, use_default_graph_as_union=True):
        code = row["code"].value
        parts = []
        # a country with a territory GeoNames files apart (Finland's Åland, ISO 3166-2 FI-01) spans both
        for part in gazetteer.GEONAMES_COUNTRY_ALIASES.get(code, (code,)):
            iso = gazetteer.iso_country(part)
            box = boxes.get(iso.numeric) if iso else None
            box = box or (tuple(fallback[part]) if part in fallback else None)
            if box:
                parts.append(box)
        assert parts, f"no bounding box for {code}"
        box = (min(b[0] for b in parts), min(b[1] for b in parts),
               max(b[2] for b in parts), max(b[3] for b in parts))
        lat, lon = float(row["lat"].value), float(row["long"].value)
        checked += 1
        if not (box[0] - 0.5 <= lon <= box[2] + 0.5 and box[1] - 0.5 <= lat <= box[3] + 0.5):
            outside.append((row["place"].value, code, lat, lon, box))
    assert checked > 150
    assert outside == []


def test_a_point_in_the_wrong_country_is_caught():
    """The box check can say no: Rostock's point is not inside Poland's box."""
    boxes = _atlas_boxes()
    west, south, east, north = boxes[gazetteer.iso_country("PL").numeric]
    lat, lon = 54.07038, 12.15
    assert not (west - 0.5 <= lon <= east + 0.5 and south - 0.5 <= lat <= north + 0.5)
