"""The W3C SPARQL 1.1 Protocol test suite (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl),
adapted to our own named graphs and run over both backends.

The manifest's graphs data1/data2/data3 (each holding one typed resource) become three of our
named graphs, each holding a typed resource the others do not: ``data/places`` (Rostock, a
schema:City), ``data/countries`` (Germany, a schema:Country) and ``ontology/netzwerke-kg``
(nkg:CityNetwork, an owl:Class). The tests keep the manifest's names, requests (method, content
type, parameters, query shape) and expected outcomes (status class, boolean, result format);
its update tests become refusals, because this endpoint is read-only (Protocol §2.2 is optional
for a query service). Dataset semantics (Query §13.2, Protocol §2.1.4) are spelt out beyond the
manifest: the union default graph applies only when a request names no dataset at all.
"""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.query import Result

BASE = "https://w3id.org/netzwerke-kg/"
DATA1, DATA2, DATA3 = (f"{BASE}graph/data/places", f"{BASE}graph/data/countries",
                       f"{BASE}graph/ontology/netzwerke-kg")
R1, R2, R3 = f"{BASE}id/city/rostock", f"{BASE}id/country/de", f"{BASE}ontology#CityNetwork"
DIRECT = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
RESULTS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
           "text/csv": "csv", "text/tab-separated-values": "tsv"}
BOOLEANS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml"}
RDF_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


def boolean(response) -> bool:
    """The boolean of an ASK answer (expectedFormat "boolean": XML or JSON)."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype in BOOLEANS, response.mimetype
    return Result.parse(source=io.BytesIO(response.data), format=BOOLEANS[response.mimetype]).askAnswer


def ask(client, query: str, method: str = "GET", **dataset) -> bool:
    """Run ASK with protocol dataset parameters (lists) by GET or direct POST."""
    params = [(k.replace("_", "-"), v) for k, vs in dataset.items() for v in vs]
    if method == "GET":
        return boolean(client.get("/sparql", query_string=[("query", query), *params]))
    return boolean(client.post("/sparql", query_string=params, data=query.encode(), content_type=DIRECT))


def test_query_get(sparql_client):
    """query via GET: ASK {} is true (2xx)."""
    assert ask(sparql_client, "ASK {}", default_graph_uri=[DATA1]) is True


def test_query_post_form(sparql_client):
    """query via URL-encoded POST."""
    r = sparql_client.post("/sparql", data={"query": "ASK {}", "default-graph-uri": DATA1})
    assert boolean(r) is True


def test_query_post_direct(sparql_client):
    """query via POST directly."""
    assert ask(sparql_client, "ASK {}", "POST", default_graph_uri=[DATA1]) is True


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_dataset_default_graphs(sparql_client, method):
    """protocol-specified default graphs: their merge is the default graph."""
    both = f"ASK {{ <{R1}> a ?type . <{R2}> a ?type2 . }}"
    assert ask(sparql_client, both, method, default_graph_uri=[DATA1, DATA2]) is True
    # and only their merge: what the third graph holds is not in it
    assert ask(sparql_client, f"ASK {{ <{R3}> a ?type }}", method, default_graph_uri=[DATA1, DATA2]) is False


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_dataset_named_graphs(sparql_client, method):
    """protocol-specified named graphs are the named graphs, and the default graph is then empty."""
    q = f"ASK {{ GRAPH ?g1 {{ <{R1}> a ?type }} GRAPH ?g2 {{ <{R2}> a ?type2 }} }}"
    assert ask(sparql_client, q, method, named_graph_uri=[DATA1, DATA2]) is True
    assert ask(sparql_client, f"ASK {{ GRAPH ?g {{ <{R3}> a ?type }} }}", method,
               named_graph_uri=[DATA1, DATA2]) is False
    # Query §13.2 / Protocol §2.1.4: a dataset without default graphs has an empty default graph
    assert ask(sparql_client, "ASK { ?s ?p ?o }", method, named_graph_uri=[DATA1, DATA2]) is False


def test_query_dataset_full(sparql_client):
    """protocol-specified dataset, both named and default graphs."""
    q = f"""ASK {{
  <{R3}> a ?type
  GRAPH ?g1 {{ <{R1}> a ?type1 }}
  GRAPH ?g2 {{ <{R2}> a ?type2 }}
}}"""
    assert ask(sparql_client, q, "POST", default_graph_uri=[DATA3], named_graph_uri=[DATA1, DATA2]) is True


def test_query_multiple_dataset(sparql_client):
    """dataset in both query and protocol: the protocol's wins (the query's FROM is ignored)."""
    q = f"ASK FROM <{DATA3}> {{ GRAPH ?g1 {{ <{R1}> a ?type }} GRAPH ?g2 {{ <{R2}> a ?type2 }} }}"
    assert ask(sparql_client, q, "POST", named_graph_uri=[DATA1, DATA2]) is True
    # FROM <data3> lost to the protocol's dataset, so the default graph is empty
    q = f"ASK FROM <{DATA3}> {{ <{R3}> a ?type }}"
    assert ask(sparql_client, q, "POST", named_graph_uri=[DATA1, DATA2]) is False


def test_query_dataset_in_the_query_is_honoured(sparql_client):
    """FROM <g> makes <g> the default graph (Query §13.2.1), not the union of all graphs."""
    assert ask(sparql_client, f"ASK FROM <{DATA1}> {{ <{R1}> a ?t }}") is True
    assert ask(sparql_client, f"ASK FROM <{DATA1}> {{ <{R2}> a ?t }}") is False


def test_from_named_alone_leaves_the_default_graph_empty(sparql_client):
    """FROM NAMED without FROM: an empty default graph (Query §13.2.2)."""
    assert ask(sparql_client, f"ASK FROM NAMED <{DATA1}> {{ GRAPH ?g {{ <{R1}> a ?t }} }}") is True
    assert ask(sparql_client, f"ASK FROM NAMED <{DATA1}> {{ ?s ?p ?o }}") is False


def test_default_graph_uri_alone_exposes_no_named_graphs(sparql_client):
    """default-graph-uri without named-graph-uri: no named graphs (Protocol §2.1.4)."""
    assert ask(sparql_client, "ASK { GRAPH ?g { ?s ?p ?o } }", default_graph_uri=[DATA1]) is False


def test_no_dataset_means_the_union_default_graph(sparql_client):
    """Without any dataset in query or request, the default graph is the union (sd:UnionDefaultGraph)."""
    assert ask(sparql_client, f"ASK {{ <{R1}> a ?t . <{R2}> a ?t2 . <{R3}> a ?t3 }}") is True


@pytest.mark.parametrize("accept", [None, *RESULTS])
def test_query_content_type_select(sparql_client, accept):
    """a SELECT answers one of XML, JSON, CSV, TSV, and it parses."""
    r = sparql_client.post("/sparql", data=b"SELECT (1 AS ?value) {}", content_type=DIRECT,
                           headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.mimetype in RESULTS
    rows = list(Result.parse(source=io.BytesIO(r.data), format=RESULTS[r.mimetype]))
    assert [str(row[0]) for row in rows] == ["1"]


def test_query_content_type_ask(sparql_client):
    """an ASK answers XML or JSON."""
    assert ask(sparql_client, "ASK {}", "POST") is True


@pytest.mark.parametrize("accept", [None, *RDF_TYPES])
def test_query_content_type_describe(sparql_client, accept):
    """a DESCRIBE answers RDF/XML, Turtle or N-Triples (or another RDF syntax we name)."""
    r = sparql_client.post("/sparql", data=f"DESCRIBE <{R1}>".encode(), content_type=DIRECT,
                           headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    fmt = RDF_TYPES.get(r.mimetype, "json-ld" if r.mimetype == "application/ld+json" else None)
    graph = Graph().parse(data=r.data, format=fmt)
    assert (URIRef(R1), RDF.type, None) in graph


def test_query_content_type_construct_with_relative_iris(sparql_client):
    """CONSTRUCT { <s> <p> 1 } WHERE {}: relative IRIs resolve against the service's base IRI,
    which the service description announces (Protocol §2.1, Query §4.1.1.1)."""
    sd = Graph().parse(data=sparql_client.get("/sparql", headers={"Accept": "text/turtle"}).data,
                       format="turtle")
    base = next(v for s, v in sd.subject_objects(RDF.value) if str(s).endswith("#base-iri"))
    r = sparql_client.post("/sparql", data=b"CONSTRUCT { <s> <p> 1 } WHERE {}", content_type=DIRECT,
                           headers={"Accept": "application/n-triples"})
    assert r.status_code == 200, r.get_data(as_text=True)
    graph = Graph().parse(data=r.data, format="nt")
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == {(f"{base}s", f"{base}p", "1")}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_bad_query_method(sparql_client, method):
    """a method other than GET or POST: 4xx (405, naming what is allowed)."""
    r = sparql_client.open("/sparql", method=method, query_string={"query": "ASK {}"},
                           data="query=ASK%20%7B%7D", content_type=FORM)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_bad_multiple_queries(sparql_client):
    """more than one query string: 4xx."""
    r = sparql_client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "SELECT * {}")])
    assert r.status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", None])
def test_bad_query_wrong_or_missing_media_type(sparql_client, content_type):
    """a POST body that is neither form-encoded nor application/sparql-query: 4xx (415)."""
    for body in (b"ASK {}", b"query=ASK%20%7B%7D"):
        r = sparql_client.post("/sparql", data=body,
                               headers={"Content-Type": content_type} if content_type else {})
        assert 400 <= r.status_code < 500 and r.get_json()["status"] == r.status_code


def test_bad_query_non_utf8(sparql_client):
    """a direct POST in UTF-16: 4xx."""
    r = sparql_client.post("/sparql", data="ASK {}".encode("utf-16"),
                           content_type="application/sparql-query; charset=UTF-16")
    assert 400 <= r.status_code < 500


def test_bad_query_syntax(sparql_client):
    """invalid query syntax: 4xx with the parser's message."""
    r = sparql_client.get("/sparql", query_string={"query": "ASK {"})
    assert r.status_code == 400 and r.get_json()["message"]


@pytest.mark.parametrize("request_kind", ["get", "form", "direct"])
def test_update_operations_are_refused_by_a_read_only_service(sparql_client, request_kind):
    """The manifest's update tests (update_post_form, update_post_direct, bad_update_get, …):
    a read-only service refuses every update, 4xx, whichever way it arrives."""
    update = f"INSERT DATA {{ <{R1}> <{BASE}p> 1 }}"
    if request_kind == "get":
        r = sparql_client.get("/sparql", query_string={"update": update})
    elif request_kind == "form":
        r = sparql_client.post("/sparql", data={"update": update, "using-graph-uri": DATA1})
    else:
        r = sparql_client.post("/sparql", data=update.encode(), content_type="application/sparql-update")
    assert r.status_code == 403
    assert ask(sparql_client, f"ASK {{ <{R1}> <{BASE}p> 1 }}") is False


def test_service_description_names_the_dataset_and_its_true_sizes(sparql_client):
    """SPARQL 1.1 Service Description: the default graph's void:triples is what COUNT(*) over the
    union says, and every named graph is listed with its own count."""
    sd = Graph().parse(data=sparql_client.get("/sparql", headers={"Accept": "text/turtle"}).data,
                       format="turtle")
    SD = "http://www.w3.org/ns/sparql-service-description#"
    VOID = "http://rdfs.org/ns/void#"
    counted = sparql_client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    total = int(json.loads(counted.data)["results"]["bindings"][0]["n"]["value"])
    default = next(sd.objects(None, URIRef(SD + "defaultGraph")))
    assert int(sd.value(default, URIRef(VOID + "triples"))) == total
    names = {str(sd.value(n, URIRef(SD + "name"))) for n in sd.objects(None, URIRef(SD + "namedGraph"))}
    assert {DATA1, DATA2, DATA3} <= names
