"""Every offered format, chosen by Accept or by format=/output=, parsed back by a real parser, on both backends."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.query import Result

from netzwerke_kg import formats

NKG = "https://w3id.org/netzwerke-kg/"
SELECT = f"""PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?member ?label WHERE {{
  ?m org:organization <{NKG}id/network/union-of-the-baltic-cities> ; org:member ?member .
  OPTIONAL {{ ?member rdfs:label ?label }}
}} ORDER BY ?member STR(?label) LANG(?label)"""
CONSTRUCT = f"""PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT {{ ?m ?p ?o }} WHERE {{ ?m org:organization <{NKG}id/network/union-of-the-baltic-cities> ; ?p ?o }}"""

RESULT_FORMATS = {  # media type -> rdflib results parser
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_FORMATS = {  # media type -> (rdflib parser, rapper input syntax or None)
    "text/turtle": ("turtle", "turtle"),
    "application/n-triples": ("nt", "ntriples"),
    "application/ld+json": ("json-ld", None),  # raptor2 has no JSON-LD parser
    "application/rdf+xml": ("xml", "rdfxml"),
    "application/trig": ("trig", "trig"),
    "application/n-quads": ("nquads", "nquads"),
}


def _rows(media: str, body: bytes) -> list[tuple]:
    """Rows of a results document as plain strings (CSV carries no types, so compare lexical forms)."""
    parsed = Result.parse(source=io.BytesIO(body), format=RESULT_FORMATS[media])
    return [tuple("" if v is None else str(v) for v in row) for row in parsed]


def _graph(media: str, body: bytes) -> Graph:
    """Parse an RDF answer with rdflib (quads formats into their default graph)."""
    fmt = GRAPH_FORMATS[media][0]
    if fmt in ("trig", "nquads"):
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=body.decode(), format=fmt)
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return Graph().parse(data=body.decode(), format=fmt)


@pytest.mark.parametrize("media", list(RESULT_FORMATS))
def test_select_in_every_results_format(sparql_client, media):
    """SELECT by Accept: each format parses and carries the same rows as JSON."""
    reference = sparql_client.get("/sparql", query_string={"query": SELECT},
                                  headers={"Accept": "application/sparql-results+json"})
    r = sparql_client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": media})
    assert r.status_code == 200
    assert r.mimetype == media
    assert r.headers["Content-Type"].endswith("charset=utf-8")
    rows = _rows(media, r.data)
    assert len(rows) > 10
    assert rows == _rows("application/sparql-results+json", reference.data)


@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
def test_construct_in_every_rdf_format(sparql_client, media):
    """CONSTRUCT by Accept: each format parses (rdflib) into the same graph as N-Triples."""
    reference = _graph("application/n-triples", sparql_client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"}).data)
    r = sparql_client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": media})
    assert r.status_code == 200
    assert r.mimetype == media
    got = _graph(media, r.data)
    assert len(got) > 20
    assert isomorphic(got, reference)


@pytest.mark.rapper
@pytest.mark.parametrize("media", [m for m, (_, rap) in GRAPH_FORMATS.items() if rap])
def test_rapper_parses_every_rdf_format(sparql_client, media, tmp_path, tool):
    """An independent parser (raptor2's rapper) reads each RDF answer and counts the same triples."""
    rapper = tool("rapper", "RDF answers are checked with an independent parser")
    reference = _graph("application/n-triples", sparql_client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"}).data)
    body = sparql_client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": media}).data
    path = tmp_path / "answer"
    path.write_bytes(body)
    out = subprocess.run([rapper, "-q", "-i", GRAPH_FORMATS[media][1], "-o", "ntriples", str(path),
                          "http://example.org/base"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert len([line for line in out.stdout.splitlines() if line.strip()]) == len(reference)


@pytest.mark.parametrize("param", ["format", "output"])
@pytest.mark.parametrize("alias", ["json", "xml", "csv", "tsv"])
def test_format_parameter_for_results(sparql_client, param, alias):
    """format=/output= short names choose the results format, whatever Accept says."""
    r = sparql_client.get("/sparql", query_string={"query": SELECT, param: alias},
                          headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert r.mimetype == formats.lookup(alias, formats.offered("results")).media_type
    assert len(_rows(r.mimetype, r.data)) > 10


@pytest.mark.parametrize("alias", ["ttl", "nt", "jsonld", "rdf", "trig", "nq", "json", "xml", "text/turtle"])
def test_format_parameter_for_graphs(sparql_client, alias):
    """format= for CONSTRUCT: RDF short names and media types (json/xml mean JSON-LD/RDF-XML here)."""
    r = sparql_client.get("/sparql", query_string={"query": CONSTRUCT, "format": alias})
    assert r.status_code == 200
    assert r.mimetype in GRAPH_FORMATS
    assert len(_graph(r.mimetype, r.data)) > 20


def test_format_parameter_full_media_type(sparql_client):
    """format= also takes a full media type."""
    r = sparql_client.get("/sparql", query_string={"query": SELECT,
                                                   "format": "application/sparql-results+xml"})
    assert r.mimetype == "application/sparql-results+xml"


@pytest.mark.parametrize("accept, expected", [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/*;q=0.2, text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;charset=utf-8", "text/csv"),
    ("text/csv;q=0, */*;q=0.1", "application/sparql-results+json"),
])
def test_accept_negotiation_for_results(sparql_client, accept, expected):
    """q-values, wildcards, parameters and specificity pick the results format."""
    r = sparql_client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.mimetype == expected


@pytest.mark.parametrize("accept, expected", [
    ("application/ld+json;q=0.9, text/turtle;q=0.8", "application/ld+json"),
    ("*/*", "text/turtle"),
    ("application/json", "application/ld+json"),
    ("text/plain", "application/n-triples"),
    ("application/json+ld", "application/ld+json"),  # the same synonym table as format=
])
def test_accept_negotiation_for_graphs(sparql_client, accept, expected):
    """Graph results negotiate over the RDF formats."""
    r = sparql_client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.mimetype == expected


def test_406_when_nothing_acceptable(sparql_client):
    """Nothing we offer is acceptable: 406 naming what is available."""
    r = sparql_client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "text/csv" in json.loads(r.data)["message"]
    r = sparql_client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert r.status_code == 406


def test_format_parameter_of_the_wrong_kind(sparql_client):
    """format=csv for a CONSTRUCT is refused with the formats that would work."""
    r = sparql_client.get("/sparql", query_string={"query": CONSTRUCT, "format": "csv"})
    assert r.status_code == 406
    assert "ttl" in json.loads(r.data)["message"]


@pytest.mark.parametrize("media", ["text/turtle", "application/ld+json", "application/rdf+xml",
                                   "application/n-triples"])
def test_service_description_in_rdf_formats(sparql_client, media):
    """The service description negotiates over the RDF formats too."""
    r = sparql_client.get("/sparql", headers={"Accept": media})
    assert r.status_code == 200 and r.mimetype == media
    assert len(_graph(media, r.data)) > 30


def test_ask_in_results_formats(sparql_client):
    """ASK in JSON and XML parse as booleans."""
    q = f"ASK {{ <{NKG}id/city/rostock> ?p ?o }}"
    for media, fmt in (("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml")):
        r = sparql_client.get("/sparql", query_string={"query": q}, headers={"Accept": media})
        assert Result.parse(source=io.BytesIO(r.data), format=fmt).askAnswer is True
    r = sparql_client.get("/sparql", query_string={"query": q}, headers={"Accept": "text/csv"})
    assert r.data == b"true"


@pytest.mark.virtuoso
def test_both_backends_write_the_same_results(app, request):
    """Byte-identical SELECT answers from embedded and remote in every results format."""
    remote_app = request.getfixturevalue("remote_app")
    for media in RESULT_FORMATS:
        a = app.test_client().get("/sparql", query_string={"query": SELECT}, headers={"Accept": media})
        b = remote_app.test_client().get("/sparql", query_string={"query": SELECT}, headers={"Accept": media})
        assert a.data == b.data, media
    n = json.loads(app.test_client().get("/sparql", query_string={"query": SELECT}).data)
    assert n["results"]["bindings"]


@pytest.mark.virtuoso
@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
def test_both_backends_write_the_same_graphs(app, request, media):
    """Byte-identical CONSTRUCT answers (no blank nodes involved) from embedded and remote."""
    remote_app = request.getfixturevalue("remote_app")
    q = f"CONSTRUCT {{ <{NKG}id/city/rostock> ?p ?o }} WHERE {{ <{NKG}id/city/rostock> ?p ?o FILTER(!isBlank(?o)) }}"
    a = app.test_client().get("/sparql", query_string={"query": q}, headers={"Accept": media})
    b = remote_app.test_client().get("/sparql", query_string={"query": q}, headers={"Accept": media})
    assert a.status_code == b.status_code == 200
    assert len(_graph(media, a.data)) > 5
    assert a.data == b.data
