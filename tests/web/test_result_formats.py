"""Result formats checked against their specifications, and the characters XML cannot carry.

- SPARQL Query Results XML Format: every answer validates against the format's schema
  (tests/support/sparql-results.xsd, lxml), and XML 1.0 §2.11 / §2.2 are respected: a CR survives
  a parser, a control character XML cannot carry is refused with a clear 406.
- SPARQL 1.1 Query Results JSON Format §3: the object structure.
- SPARQL 1.1 Query Results CSV and TSV Formats §2/§3: CRLF and quoting in CSV; in TSV the Turtle
  forms, numbers abbreviated.
- One lexical form: a literal reads the same in every route and format (RDF 1.1 Concepts §3.3).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

NKG = "https://w3id.org/netzwerke-kg/"
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).resolve().parents[1] / "support" / "sparql-results.xsd")))
RES = "{http://www.w3.org/2005/sparql-results#}"
XMLRES = "application/sparql-results+xml"
QUERIES = [
    f"SELECT ?p ?o WHERE {{ <{NKG}id/city/rostock> ?p ?o }} ORDER BY ?p ?o",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 200",
    "SELECT ?unbound ?n WHERE { BIND(42 AS ?n) OPTIONAL { <urn:x:a> <urn:x:b> ?unbound } }",
    f"ASK {{ <{NKG}id/city/rostock> ?p ?o }}",
    "ASK { FILTER(false) }",
]
GEO_LONG = "http://www.w3.org/2003/01/geo/wgs84_pos#long"
HAMBURG = f"{NKG}id/city/hamburg"


def get(client, query: str, accept: str):
    """A GET query answered in ``accept``."""
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})


@pytest.mark.parametrize("query", QUERIES)
def test_xml_answers_validate_against_the_results_schema(sparql_client, query):
    """Every SELECT/ASK answer in XML is valid against the SPARQL Results XML schema."""
    r = get(sparql_client, query, XMLRES)
    assert r.status_code == 200
    SCHEMA.assertValid(etree.fromstring(r.data))


def test_truncated_xml_answer_validates_and_carries_its_link(sparql_client, backend_app):
    """A capped answer names its limit in <link href> and is still valid."""
    cap = backend_app.config["SETTINGS"].max_rows
    r = get(sparql_client, f"SELECT ?a ?b WHERE {{ ?a ?p ?o . ?b ?q ?r }} LIMIT {cap + 5}", XMLRES)
    doc = etree.fromstring(r.data)
    SCHEMA.assertValid(doc)
    assert doc.find(f"{RES}head/{RES}link").get("href").endswith("#max-rows")


def test_carriage_return_survives_an_xml_parser(sparql_client):
    """XML 1.0 §2.11 reads a raw CR as LF: the CR is written as a character reference."""
    r = get(sparql_client, r'SELECT ?x WHERE { BIND("a\rb\r\nc" AS ?x) }', XMLRES)
    literal = etree.fromstring(r.data).find(f"{RES}results/{RES}result/{RES}binding/{RES}literal")
    assert literal.text == "a\rb\r\nc"
    construct = r'CONSTRUCT { <urn:x:s> <urn:x:p> "a\rb" } WHERE {}'
    r = get(sparql_client, construct, "application/rdf+xml")
    assert r.status_code == 200
    assert set(Graph().parse(data=r.data, format="xml").objects()) == {Literal("a\rb")}


@pytest.mark.parametrize("query, accept", [
    (r'SELECT ?x WHERE { BIND("bell \u0007 here" AS ?x) }', XMLRES),
    (r'CONSTRUCT { <urn:x:s> <urn:x:p> "bell \u0007 here" } WHERE {}', "application/rdf+xml"),
])
def test_a_character_xml_cannot_carry_is_refused_clearly(sparql_client, query, accept):
    """U+0007 cannot appear in XML 1.0 at all (§2.2 Char): a 406 that names it, never broken XML."""
    r = get(sparql_client, query, accept)
    assert r.status_code == 406
    assert "U+0007" in r.get_json()["message"]
    # the same answer in JSON (or Turtle) carries it
    if accept == XMLRES:
        data = json.loads(get(sparql_client, query, "application/sparql-results+json").data)
        assert data["results"]["bindings"][0]["x"]["value"] == "bell \u0007 here"
    else:
        graph = Graph().parse(data=get(sparql_client, query, "text/turtle").data, format="turtle")
        assert set(graph.objects()) == {Literal("bell \u0007 here")}


def test_json_answer_has_the_specified_structure(sparql_client):
    """SPARQL 1.1 Results JSON §3: head.vars, results.bindings; RDF terms with type and value,
    xml:lang or datatype only on literals, never both."""
    data = json.loads(get(sparql_client, QUERIES[0], "application/sparql-results+json").data)
    assert data["head"]["vars"] == ["p", "o"]
    bindings = data["results"]["bindings"]
    assert bindings
    for row in bindings:
        assert set(row) <= {"p", "o"}
        for term in row.values():
            assert term["type"] in ("uri", "literal", "bnode") and isinstance(term["value"], str)
            assert set(term) <= {"type", "value", "xml:lang", "datatype"}
            assert not ("xml:lang" in term and "datatype" in term)
            if term["type"] != "literal":
                assert set(term) == {"type", "value"}
    ask = json.loads(get(sparql_client, QUERIES[3], "application/sparql-results+json").data)
    assert ask["boolean"] is True and "results" not in ask


def test_csv_answer_follows_the_csv_note(sparql_client):
    """CSV §2: a header of variable names, CRLF line ends, RFC 4180 quoting, values without types."""
    q = 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("x,y" "say \\"hi\\"") ("line\\nbreak" 42) } }'
    body = get(sparql_client, q, "text/csv").data.decode()
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "").replace("line\nbreak", "")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0] == ["a", "b"]
    assert sorted(rows[1:]) == sorted([["x,y", 'say "hi"'], ["line\nbreak", "42"]])


def test_tsv_writes_turtle_forms_and_abbreviates_numbers(sparql_client):
    """TSV §3: terms in Turtle syntax, and the abbreviated forms for integers and decimals (42,
    not "42"^^<…#integer>); other literals keep their datatype, strings their quotes."""
    q = ('SELECT ?i ?d ?s ?t ?u WHERE { BIND(42 AS ?i) BIND(1.5 AS ?d) BIND("tab\\there" AS ?s) '
         'BIND("2021-05-01"^^<http://www.w3.org/2001/XMLSchema#date> AS ?t) BIND(<urn:x:y> AS ?u) }')
    lines = get(sparql_client, q, "text/tab-separated-values").data.decode().split("\n")
    assert lines[0] == "?i\t?d\t?s\t?t\t?u"
    assert lines[1].split("\t") == ["42", "1.5", '"tab\\there"',
                                    '"2021-05-01"^^<http://www.w3.org/2001/XMLSchema#date>', "<urn:x:y>"]


def test_one_lexical_form_in_every_route_and_format(client):
    """Hamburg's longitude is one literal in SPARQL JSON/XML/TSV, in every /data document, and in
    the dump: merging any two never duplicates the value."""
    sparql = client.get("/sparql", query_string={"query": f"SELECT ?o WHERE {{ <{HAMBURG}> <{GEO_LONG}> ?o }}"})
    (term,) = [b["o"] for b in json.loads(sparql.data)["results"]["bindings"]]
    expected = Literal(term["value"], datatype=URIRef(term["datatype"]), normalize=False)
    assert expected.datatype == XSD.decimal
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")):
        body = client.get(f"/data/city/hamburg.{ext}").data
        found = set(Graph().parse(data=body, format=fmt).objects(URIRef(HAMBURG), URIRef(GEO_LONG)))
        assert {str(o) for o in found} == {str(expected)}, ext
    nt = client.get("/downloads/netzwerke-kg.nt", headers={"Accept-Encoding": "identity"}).data.decode()
    assert f'<{HAMBURG}> <{GEO_LONG}> "{expected}"^^<{XSD.decimal}> .' in nt.splitlines()
