"""``netzwerke-kg stats``: counts per class and per network, checked against rdflib counts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from netzwerke_kg.cli import main
from netzwerke_kg.kg.sources import load_sources
from netzwerke_kg.kg.stats import compute_stats, format_stats
from netzwerke_kg.namespaces import NKG, ORG

TINY = """\
@prefix nkg: <https://w3id.org/netzwerke-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix id: <https://w3id.org/netzwerke-kg/id/> .

<https://w3id.org/netzwerke-kg/id/network/n> a nkg:CityNetwork ; rdfs:label "Net"@en, "Netz"@de ;
    prov:wasDerivedFrom <https://w3id.org/netzwerke-kg/id/source/a> .
<https://w3id.org/netzwerke-kg/id/city/x> a schema:City .
<https://w3id.org/netzwerke-kg/id/city/y> a schema:City .
<https://w3id.org/netzwerke-kg/id/role/member> rdfs:label "member"@en .
<https://w3id.org/netzwerke-kg/id/role/founder> rdfs:label "founder"@en .
<https://w3id.org/netzwerke-kg/id/membership/x> a org:Membership ;
    org:organization <https://w3id.org/netzwerke-kg/id/network/n> ; org:member <https://w3id.org/netzwerke-kg/id/city/x> ;
    org:role <https://w3id.org/netzwerke-kg/id/role/member>, <https://w3id.org/netzwerke-kg/id/role/founder> ;
    prov:wasDerivedFrom <https://w3id.org/netzwerke-kg/id/source/b> .
<https://w3id.org/netzwerke-kg/id/membership/y> a org:Membership ;
    org:organization <https://w3id.org/netzwerke-kg/id/network/n> ; org:member <https://w3id.org/netzwerke-kg/id/city/y> ;
    org:role <https://w3id.org/netzwerke-kg/id/role/member> ;
    prov:wasDerivedFrom <https://w3id.org/netzwerke-kg/id/source/b> .
<https://w3id.org/netzwerke-kg/id/claim/c1> a nkg:Claim ; rdf:subject <https://w3id.org/netzwerke-kg/id/network/n> ;
    prov:wasDerivedFrom <https://w3id.org/netzwerke-kg/id/source/c> .
<https://w3id.org/netzwerke-kg/id/claim/c2> a nkg:Claim ; rdf:subject <https://w3id.org/netzwerke-kg/id/network/n> ;
    prov:wasDerivedFrom <https://w3id.org/netzwerke-kg/id/source/a> .
<https://w3id.org/netzwerke-kg/id/disagreement/d> a nkg:Disagreement ;
    nkg:about <https://w3id.org/netzwerke-kg/id/network/n> ;
    nkg:claim <https://w3id.org/netzwerke-kg/id/claim/c1>, <https://w3id.org/netzwerke-kg/id/claim/c2> .
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A one-network project with known counts (shapes are irrelevant to stats)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tiny.ttl").write_text(TINY, encoding="utf-8")
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "s.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:s> a sh:NodeShape .\n", encoding="utf-8")
    return tmp_path


def test_counts_of_a_tiny_project_are_exact(tiny):
    """Members with role breakdown, claims, disagreements and sources of one network."""
    stats = compute_stats(tiny)
    (net,) = stats["networks"]
    assert net["network"] == "https://w3id.org/netzwerke-kg/id/network/n"
    assert (net["label_en"], net["label_de"]) == ("Net", "Netz")
    assert (net["members"], net["memberships"]) == (2, 2)
    assert net["roles"] == {"member": 2, "founder": 1}
    assert net["member_kinds"] == {"https://schema.org/City": 2}
    assert (net["claims"], net["disagreements"], net["sources"]) == (2, 1, 3)
    classes = {c["class"]: c["count"] for c in stats["classes"]}
    assert classes["https://schema.org/City"] == 2 and classes[str(ORG.Membership)] == 2
    assert "http://www.w3.org/ns/shacl#NodeShape" not in classes  # shapes are not instances
    assert stats["quads"] == stats["triples"] + 1  # the one shape triple is a quad, not data
    assert stats["totals"] == {"claims": 2, "disagreements": 1, "sources": 0, "memberships": 2}


def test_stats_of_the_project_match_rdflib_counts(root):
    """Per-class counts and per-network member counts equal what rdflib counts in the sources."""
    stats = compute_stats(root)
    merged = load_sources(root).graph("ontology", "data")
    assert stats["triples"] == len(merged)
    real = Counter(c for _, c in set(merged.subject_objects(RDF.type)))
    assert {URIRef(c["class"]): c["count"] for c in stats["classes"]} == dict(real)
    networks = set(merged.subjects(RDF.type, NKG.CityNetwork))
    assert {URIRef(n["network"]) for n in stats["networks"]} == networks
    for n in stats["networks"]:
        memberships = set(merged.subjects(ORG.organization, URIRef(n["network"]))) & set(
            merged.subjects(RDF.type, ORG.Membership))
        members = {m for ms in memberships for m in merged.objects(ms, ORG.member)}
        assert (n["memberships"], n["members"]) == (len(memberships), len(members)), n["network"]
        claims = {c for c in merged.subjects(RDF.subject, URIRef(n["network"]))
                  if (c, RDF.type, NKG.Claim) in merged}
        assert n["claims"] == len(claims)


def test_cli_json_is_compute_stats_and_text_names_every_network(tiny, capsys):
    """``stats --format json`` prints compute_stats; the text form lists each network."""
    assert main(["stats", "--root", str(tiny), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == compute_stats(tiny)
    assert main(["stats", "--root", str(tiny)]) == 0
    text = capsys.readouterr().out
    assert text == format_stats(compute_stats(tiny), "text") + "\n"
    assert "  Net  <https://w3id.org/netzwerke-kg/id/network/n>" in text.splitlines()


def test_syntax_error_exits_2(tiny, capsys):
    """Unreadable sources: exit 2 with file and line."""
    (tiny / "data" / "bad.ttl").write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    assert main(["stats", "--root", str(tiny)]) == 2
    assert "data/bad.ttl:1" in capsys.readouterr().err
