"""Deterministic synthetic data in our model, at any size, that passes our SHACL shapes.

``python -m bench.synthetic OUT --triples 100000`` writes a project root (the real ontology/ and
shapes/, and a synthetic data/) whose data/ holds about that many triples, in the same shapes as
data/*.ttl: countries with ISO codes, cities with bilingual labels, coordinates, a WKT geometry
and Wikidata/GeoNames links, source documents, and networks (one file each, as a real network
is) with their founding event and memberships (ORG, with a role, an OWL-Time interval and a
source). Every city belongs to two networks. The same arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = """@prefix nkg: <https://w3id.org/netzwerke-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix geosparql: <http://www.opengis.net/ont/geosparql#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix network: <https://w3id.org/netzwerke-kg/id/network/> .
@prefix city: <https://w3id.org/netzwerke-kg/id/city/> .
@prefix country: <https://w3id.org/netzwerke-kg/id/country/> .
@prefix membership: <https://w3id.org/netzwerke-kg/id/membership/> .
@prefix role: <https://w3id.org/netzwerke-kg/id/role/> .
@prefix interval: <https://w3id.org/netzwerke-kg/id/interval/> .
@prefix instant: <https://w3id.org/netzwerke-kg/id/instant/> .
@prefix founding: <https://w3id.org/netzwerke-kg/id/founding/> .
@prefix source: <https://w3id.org/netzwerke-kg/id/source/> .
@prefix geometry: <https://w3id.org/netzwerke-kg/id/geometry/> .

"""

#: triples per city: 10 about the city, 3 about its geometry
CITY_TRIPLES = 13
#: triples per membership: 7 about it, 1 org:hasMember on the network
MEMBERSHIP_TRIPLES = 8
#: every city is a member of this many networks
NETWORKS_PER_CITY = 2
#: members per network (about)
NETWORK_SIZE = 100
#: the last year a membership may start in; the first depends on the size (see ``plan``)
LAST_YEAR = 2024

#: fixed, small vocabulary: roles (as data/roles.ttl) — copied so the roles are the real ones
ROLE_FILE = "roles.ttl"

#: the demo resources the scale benchmark asks for
FIRST_CITY = "synthetic-city-000001"
FIRST_NETWORK = "synthetic-network-0001"


def plan(triples: int) -> dict:
    """How many of each kind make about ``triples`` triples (at least one network of two cities)."""
    # measured: a city brings 31.8 triples with its memberships and its share of networks, sources…
    per_city = CITY_TRIPLES + NETWORKS_PER_CITY * MEMBERSHIP_TRIPLES + 2.8
    cities = max(2, round(triples / per_city))
    networks = max(NETWORKS_PER_CITY, round(cities * NETWORKS_PER_CITY / NETWORK_SIZE))
    return {
        "cities": cities,
        "networks": networks,
        "countries": max(2, min(200, cities // 40)),
        "sources": max(1, cities // 50),
        # one shared instant and interval per year (5 triples): a few years for small graphs
        "years": max(3, min(65, cities // 20)),
    }


def _code(i: int) -> str:
    """The i-th two-letter code AA, AB, … (synthetic ISO 3166-1 alpha-2)."""
    return chr(65 + i // 26) + chr(65 + i % 26)


def generate(out: Path, triples: int, seed: int = 7) -> dict:
    """Write a project root at ``out`` with about ``triples`` data triples; the plan and files written."""
    rnd = random.Random(seed)
    p = plan(triples)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    for kind in ("ontology", "shapes"):
        shutil.copytree(ROOT / kind, out / kind)
    data = out / "data"
    data.mkdir(parents=True)
    shutil.copy(ROOT / "data" / ROLE_FILE, data / ROLE_FILE)
    files = [data / ROLE_FILE]

    files.append(_write(data / "synthetic-countries.ttl", _countries(p["countries"])))
    files.append(_write(data / "synthetic-sources.ttl", _sources(p["sources"])))
    years = range(LAST_YEAR + 1 - p["years"], LAST_YEAR + 1)
    files.append(_write(data / "synthetic-time.ttl", _time(years)))
    files.append(_write(data / "synthetic-places.ttl", _cities(p, rnd)))
    # Memberships: city c joins networks (c + k·stride) mod n for k < NETWORKS_PER_CITY.
    members: dict[int, list[int]] = {n: [] for n in range(p["networks"])}
    stride = max(1, p["networks"] // NETWORKS_PER_CITY)
    for c in range(p["cities"]):
        joined = {(c + k * stride) % p["networks"] for k in range(NETWORKS_PER_CITY)}
        for n in sorted(joined):
            members[n].append(c)
    for n in range(p["networks"]):
        files.append(_write(data / f"synthetic-network-{n + 1:04d}.ttl",
                            _network(n, members[n], p, years, rnd)))
    return {"plan": p, "files": [str(f.relative_to(out)) for f in files]}


def _write(path: Path, body: str) -> Path:
    """Write one Turtle file with our prefixes."""
    path.write_text(f"# netzwerke-kg – synthetic data ({path.name}), made by bench/synthetic.py\n\n"
                    + PREFIXES + body, encoding="utf-8")
    return path


def _countries(n: int) -> str:
    """``n`` countries: type, German and English label, ISO code matching the IRI, a Wikidata link."""
    return "".join(
        f"country:{_code(i).lower()}\n    a schema:Country ;\n"
        f'    rdfs:label "Synthland {_code(i)}"@de , "Synthland {_code(i)}"@en ;\n'
        f'    nkg:isoCode "{_code(i)}" ;\n    owl:sameAs wd:Q{800000000 + i} .\n\n'
        for i in range(n))


def _sources(n: int) -> str:
    """``n`` source documents: typed, titled, with a URL, a language and a retrieval date."""
    return "".join(
        f"source:synthetic-{i + 1:05d}\n    a foaf:Document , schema:WebPage , prov:Entity ;\n"
        f'    dcterms:title "Synthetic source {i + 1}"@en ;\n'
        f'    schema:url "https://example.org/synthetic/{i + 1}"^^xsd:anyURI ;\n'
        f'    dcterms:language "en" ;\n    nkg:retrievedOn "2026-11-26"^^xsd:date .\n\n'
        for i in range(n))


def _time(years: range) -> str:
    """One instant and one interval from that year on, per year a membership may start."""
    return "".join(
        f'instant:{y}\n    a time:Instant ;\n    time:inXSDgYear "{y}"^^xsd:gYear .\n\n'
        f"interval:since-{y}\n    a time:Interval ;\n    time:hasBeginning instant:{y} .\n\n"
        for y in years)


def _source(i: int, p: dict) -> str:
    """The source of thing ``i``."""
    return f"source:synthetic-{i % p['sources'] + 1:05d}"


def _cities(p: dict, rnd: random.Random) -> str:
    """Every city with labels, country, coordinates, geometry, identities and source."""
    parts = []
    for c in range(p["cities"]):
        slug = f"synthetic-city-{c + 1:06d}"
        lat = f"{rnd.uniform(-60, 70):.5f}"
        long = f"{rnd.uniform(-170, 170):.5f}"
        country = _code(c % p["countries"]).lower()
        source = _source(c, p)
        parts.append(
            f"city:{slug}\n    a schema:City ;\n"
            f'    rdfs:label "Synthstadt {c + 1}"@de , "Synth City {c + 1}"@en ;\n'
            f"    schema:containedInPlace country:{country} ;\n"
            f'    geo:lat "{lat}"^^xsd:decimal ;\n    geo:long "{long}"^^xsd:decimal ;\n'
            f"    geosparql:hasGeometry geometry:{slug} ;\n"
            f"    owl:sameAs wd:Q{900000000 + c} , <https://sws.geonames.org/{90000000 + c}/> ;\n"
            f"    prov:wasDerivedFrom {source} .\n\n"
            f"geometry:{slug}\n    a geosparql:Geometry ;\n"
            f'    geosparql:asWKT "POINT({long} {lat})"^^geosparql:wktLiteral ;\n'
            f"    prov:wasDerivedFrom {source} .\n\n")
    return "".join(parts)


def _network(n: int, members: list[int], p: dict, years: range, rnd: random.Random) -> str:
    """One network, its founding and its memberships (one file, one named graph, as in data/)."""
    slug = f"synthetic-network-{n + 1:04d}"
    founded = years[n % len(years)]
    seat = f"city:synthetic-city-{members[0] + 1:06d}" if members else None
    source = _source(n, p)
    head = [
        f"network:{slug}\n    a nkg:CityNetwork , org:Organization , schema:Organization ;\n"
        f'    rdfs:label "Synthetisches Netzwerk {n + 1}"@de , "Synthetic Network {n + 1}"@en ;\n'
        f'    schema:url "https://example.org/network/{n + 1}"^^xsd:anyURI ;\n'
        f'    schema:foundingDate "{founded}"^^xsd:gYear ;\n'
        + (f"    schema:foundingLocation {seat} ;\n" if seat else "")
        + f'    dcterms:description "Ein erfundenes Städtenetzwerk."@de , "An invented city network."@en ;\n'
        f"    prov:wasDerivedFrom {source} .\n\n"
        f"founding:{slug}\n    a nkg:Founding , schema:Event , prov:Activity ;\n"
        f'    rdfs:label "Gründung von Netzwerk {n + 1}"@de , "Founding of network {n + 1}"@en ;\n'
        f"    nkg:founded network:{slug} ;\n"
        f'    schema:startDate "{founded}"^^xsd:gYear ;\n'
        + (f"    schema:location {seat} ;\n" if seat else "")
        + f"    prov:wasDerivedFrom {source} .\n\n"
    ]
    body = []
    for i, c in enumerate(members):
        city = f"synthetic-city-{c + 1:06d}"
        year = rnd.randint(founded, years[-1])
        role = "role:founding-member" if year == founded else "role:member"
        body.append(
            f"membership:{slug}-{city}\n    a org:Membership ;\n"
            f'    rdfs:label "Synth City {c + 1} in Netzwerk {n + 1}"@de , "Synth City {c + 1} in network {n + 1}"@en ;\n'
            f"    org:member city:{city} ;\n    org:organization network:{slug} ;\n"
            f"    org:role {role} ;\n    org:memberDuring interval:since-{year} ;\n"
            f"    prov:wasDerivedFrom {_source(c + i, p)} .\n\n")
    if members:
        has = " ,\n        ".join(f"city:synthetic-city-{c + 1:06d}" for c in members)
        head.append(f"network:{slug} org:hasMember\n        {has} .\n\n")
    return "".join(head + body)


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic project root; print the plan."""
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the project root to write (replaced if it exists)")
    parser.add_argument("--triples", type=int, default=1000, help="about this many data triples")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    result = generate(args.out, args.triples, args.seed)
    print(result["plan"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
