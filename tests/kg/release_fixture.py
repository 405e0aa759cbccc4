"""A small valid project in two editions, for the release tests (diff, pinned queries).

Edition 1: the UBC with Rostock, Kemi, Gdańsk and Turku as members, one member-count claim (2024);
only Rostock has coordinates. Edition 2 changes exactly: Kemi leaves the UBC (its membership and
the org:hasMember shortcut go), Kemi, Gdańsk and Turku get coordinates, a 2025 claim is added.
``CHANGE_ADDED`` and ``CHANGE_REMOVED`` are those triples, written out by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PREFIXES = """\
@prefix nkg: <https://w3id.org/netzwerke-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix source: <https://w3id.org/netzwerke-kg/id/source/> .
@prefix country: <https://w3id.org/netzwerke-kg/id/country/> .
@prefix role: <https://w3id.org/netzwerke-kg/id/role/> .
@prefix network: <https://w3id.org/netzwerke-kg/id/network/> .
@prefix claim: <https://w3id.org/netzwerke-kg/id/claim/> .
@prefix city: <https://w3id.org/netzwerke-kg/id/city/> .
@prefix membership: <https://w3id.org/netzwerke-kg/id/membership/> .
"""

CITIES = {"rostock": ("Rostock", "Q2861", "de"), "kemi": ("Kemi", "Q207736", "fi"),
          "gdansk": ("Gdańsk", "Q1792", "pl"), "turku": ("Turku", "Q38511", "fi")}
COORDINATES = {"rostock": ("54.0887", "12.1405"), "kemi": ("65.7364", "24.5637"),
               "gdansk": ("54.352", "18.6466"), "turku": ("60.4518", "22.2666")}


def data_ttl(edition: int) -> str:
    """The data file of edition 1 or 2."""
    members = ["rostock", "gdansk", "turku"] + (["kemi"] if edition == 1 else [])
    with_coordinates = ["rostock"] if edition == 1 else list(COORDINATES)
    out = [PREFIXES, """
source:ubc-site a foaf:Document , schema:WebPage , prov:Entity ;
    dcterms:title "UBC member cities"@en ;
    schema:url "https://ubc.net/member-cities"^^xsd:anyURI ;
    nkg:retrievedOn "2025-05-01"^^xsd:date .

country:de a schema:Country ; rdfs:label "Germany"@en , "Deutschland"@de ; nkg:isoCode "DE" ;
    owl:sameAs <http://www.wikidata.org/entity/Q183> .
country:fi a schema:Country ; rdfs:label "Finland"@en , "Finnland"@de ; nkg:isoCode "FI" ;
    owl:sameAs <http://www.wikidata.org/entity/Q33> .
country:pl a schema:Country ; rdfs:label "Poland"@en , "Polen"@de ; nkg:isoCode "PL" ;
    owl:sameAs <http://www.wikidata.org/entity/Q36> .

role:member a org:Role ; rdfs:label "member"@en , "Mitglied"@de .

network:union-of-the-baltic-cities a nkg:CityNetwork , org:Organization , schema:Organization ;
    rdfs:label "Union of the Baltic Cities"@en , "Union der Ostseestädte"@de ;
    skos:altLabel "UBC"@en ;
    schema:foundingDate "1991-09-20"^^xsd:date ;
    prov:wasDerivedFrom source:ubc-site ;
    org:hasMember """ + " , ".join(f"city:{m}" for m in sorted(members)) + """ .

claim:ubc-member-count-2024 a nkg:Claim ;
    rdf:subject network:union-of-the-baltic-cities ; rdf:predicate nkg:memberCount ;
    rdf:object 69 ; dcterms:date "2024"^^xsd:gYear ; prov:wasDerivedFrom source:ubc-site .
"""]
    for slug, (label, qid, country) in CITIES.items():
        coords = ""
        if slug in with_coordinates:
            lat, long = COORDINATES[slug]
            coords = f' ;\n    geo:lat "{lat}"^^xsd:decimal ; geo:long "{long}"^^xsd:decimal'
        out.append(f"""
city:{slug} a schema:City ; rdfs:label "{label}"@en , "{label}"@de ;
    schema:containedInPlace country:{country} ;
    owl:sameAs <http://www.wikidata.org/entity/{qid}>{coords} .
""")
    for slug in members:
        out.append(f"""
membership:ubc-{slug} a org:Membership ;
    rdfs:label "{CITIES[slug][0]} in the UBC"@en ;
    org:member city:{slug} ; org:organization network:union-of-the-baltic-cities ;
    org:role role:member ; prov:wasDerivedFrom source:ubc-site .
""")
    if edition == 2:
        out.append("""
claim:ubc-member-count-2025 a nkg:Claim ;
    rdf:subject network:union-of-the-baltic-cities ; rdf:predicate nkg:memberCount ;
    rdf:object 70 ; dcterms:date "2025"^^xsd:gYear ; prov:wasDerivedFrom source:ubc-site .
""")
    return "".join(out)


#: the triples edition 2 adds, all in the named graph of data/ubc.ttl
CHANGE_ADDED = PREFIXES + """
city:kemi geo:lat "65.7364"^^xsd:decimal ; geo:long "24.5637"^^xsd:decimal .
city:gdansk geo:lat "54.352"^^xsd:decimal ; geo:long "18.6466"^^xsd:decimal .
city:turku geo:lat "60.4518"^^xsd:decimal ; geo:long "22.2666"^^xsd:decimal .
claim:ubc-member-count-2025 a nkg:Claim ;
    rdf:subject network:union-of-the-baltic-cities ; rdf:predicate nkg:memberCount ;
    rdf:object 70 ; dcterms:date "2025"^^xsd:gYear ; prov:wasDerivedFrom source:ubc-site .
"""
#: the triples edition 2 removes
CHANGE_REMOVED = PREFIXES + """
network:union-of-the-baltic-cities org:hasMember city:kemi .
membership:ubc-kemi a org:Membership ;
    rdfs:label "Kemi in the UBC"@en ;
    org:member city:kemi ; org:organization network:union-of-the-baltic-cities ;
    org:role role:member ; prov:wasDerivedFrom source:ubc-site .
"""
#: the named graph all changes happen in
GRAPH = "https://w3id.org/netzwerke-kg/graph/data/ubc"


def make_project(where: Path, edition: int) -> Path:
    """Write edition 1 or 2 of the project (real ontology/ and shapes/) under ``where``."""
    root = Path(where)
    if not (root / "ontology").exists():
        shutil.copytree(ROOT / "ontology", root / "ontology")
        shutil.copytree(ROOT / "shapes", root / "shapes")
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "ubc.ttl").write_text(data_ttl(edition), encoding="utf-8")
    return root


def build_edition(where: Path, edition: int) -> Path:
    """Build edition 1 or 2 into ``where``/dist-{edition}; return the release directory."""
    from netzwerke_kg.kg.build import build

    root = make_project(Path(where) / f"project-{edition}", edition)
    out = Path(where) / f"dist-{edition}"
    build(root, out)
    return out
