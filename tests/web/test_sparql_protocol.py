"""The SPARQL 1.1 Protocol query operation, one contract run over the embedded AND the remote backend.

Every test here takes ``sparql_client`` (tests/web/conftest.py), parametrised over both backends;
answers are compared with the same query on an in-process pyoxigraph store over the build.
"""

from __future__ import annotations

import json
import logging

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

NKG = "https://w3id.org/netzwerke-kg/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MEMBERS = f"""PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?member ?role WHERE {{
  ?m org:organization <{NKG}id/network/union-of-the-baltic-cities> ; org:member ?member ; org:role ?role .
}} ORDER BY ?member ?role"""
JSON = "application/sparql-results+json"


def oracle_count(store, **kwargs) -> int:
    """COUNT(*) over the union default graph, straight from pyoxigraph."""
    kwargs.setdefault("use_default_graph_as_union", True)
    return int(next(iter(store.query(COUNT, **kwargs)))["n"].value)


def json_rows(response) -> list[dict]:
    """(variable -> value) rows of a SPARQL JSON answer."""
    data = json.loads(response.data)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_get_query_answers_json_by_default(sparql_client, oracle_store):
    """§2.1.1 query via GET; without Accept the answer is SPARQL JSON."""
    r = sparql_client.get("/sparql", query_string={"query": COUNT})
    assert r.status_code == 200
    assert r.mimetype == JSON
    assert int(json_rows(r)[0]["n"]) == oracle_count(oracle_store)


def test_post_form_encoded(sparql_client, oracle_store):
    """§2.1.2 query via URL-encoded POST."""
    r = sparql_client.post("/sparql", data={"query": COUNT}, headers={"Accept": JSON})
    assert r.status_code == 200
    assert int(json_rows(r)[0]["n"]) == oracle_count(oracle_store)


def test_post_direct(sparql_client, oracle_store):
    """§2.1.3 query via POST directly (application/sparql-query)."""
    r = sparql_client.post("/sparql", data=COUNT.encode(), content_type="application/sparql-query",
                           headers={"Accept": JSON})
    assert r.status_code == 200
    assert int(json_rows(r)[0]["n"]) == oracle_count(oracle_store)


def test_head_has_headers_without_body(sparql_client):
    """HEAD answers like GET, with no body."""
    r = sparql_client.head("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    assert r.data == b""


def test_members_match_the_oracle(sparql_client, oracle_store):
    """A real query (members of the UBC) gives exactly the oracle's rows."""
    r = sparql_client.get("/sparql", query_string={"query": MEMBERS})
    expected = [{"member": s["member"].value, "role": s["role"].value}
                for s in oracle_store.query(MEMBERS, use_default_graph_as_union=True)]
    assert json_rows(r) == expected
    assert len(expected) > 10


def test_default_graph_is_union_of_named_graphs(sparql_client, built_dist):
    """The default graph holds the triples of every named graph (distinct triples of the union)."""
    manifest = json.loads((built_dist / "manifest.json").read_text())
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = sparql_client.get("/sparql", query_string={"query": q})
    void_quads = int(json_rows(sparql_client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NKG}graph/void> {{ ?s ?p ?o }} }}"}))[0]["n"])
    assert int(json_rows(r)[0]["n"]) == sum(manifest["graphs"].values()) + void_quads


def test_default_graph_uri_selects_one_graph(sparql_client, built_dist):
    """§2.1.4 default-graph-uri: the default graph becomes that graph alone."""
    manifest = json.loads((built_dist / "manifest.json").read_text())
    graph, count = sorted(manifest["graphs"].items())[0]
    r = sparql_client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": graph})
    assert r.status_code == 200
    assert int(json_rows(r)[0]["n"]) == count


def test_named_graph_uri_limits_graph_patterns(sparql_client, built_dist):
    """§2.1.4 named-graph-uri: GRAPH ?g sees only the given graphs."""
    manifest = json.loads((built_dist / "manifest.json").read_text())
    chosen = sorted(manifest["graphs"])[:2]
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    r = sparql_client.get("/sparql", query_string=[("query", q)] + [("named-graph-uri", g) for g in chosen])
    assert [row["g"] for row in json_rows(r)] == chosen


def test_ask(sparql_client):
    """ASK answers a boolean."""
    r = sparql_client.get("/sparql", query_string={"query": f"ASK {{ <{NKG}id/city/rostock> ?p ?o }}"})
    assert json.loads(r.data) == {"head": {}, "boolean": True}
    r = sparql_client.get("/sparql", query_string={"query": f"ASK {{ <{NKG}id/city/atlantis> ?p ?o }}"})
    assert json.loads(r.data)["boolean"] is False


def test_construct_is_isomorphic_to_the_oracle(sparql_client, oracle_store):
    """CONSTRUCT returns the same graph as pyoxigraph in-process."""
    q = f"CONSTRUCT {{ <{NKG}id/city/rostock> ?p ?o }} WHERE {{ <{NKG}id/city/rostock> ?p ?o }}"
    r = sparql_client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/n-triples"})
    got = Graph().parse(data=r.data.decode(), format="nt")
    expected = Graph().parse(data=ox.serialize(oracle_store.query(q, use_default_graph_as_union=True),
                                               format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    assert len(got) > 5
    assert set(got) == set(expected)


def test_describe(sparql_client):
    """DESCRIBE answers an RDF graph about the resource."""
    r = sparql_client.get("/sparql", query_string={"query": f"DESCRIBE <{NKG}id/city/rostock>"},
                          headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.data.decode(), format="turtle")
    assert (URIRef(f"{NKG}id/city/rostock"), RDF.type, URIRef("https://schema.org/City")) in g


def test_vary_accept_and_cors(sparql_client):
    """Responses vary on Accept and may be read cross-origin."""
    r = sparql_client.get("/sparql", query_string={"query": COUNT}, headers={"Origin": "https://example.org"})
    assert "accept" in [v.strip().lower() for v in r.headers.get("Vary", "").split(",")]
    assert r.headers.get("Access-Control-Allow-Origin") == "*"


def test_service_description_machine_readable(sparql_client, app):
    """GET /sparql without a query: an sd:Service with formats, limits and a VoID-described dataset."""
    r = sparql_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = Graph().parse(data=r.data.decode(), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = URIRef("http://localhost/sparql")
    assert (service, RDF.type, URIRef(sd + "Service")) in g
    assert len(set(g.objects(service, URIRef(sd + "resultFormat")))) == 10
    assert (service, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in g
    settings = app.config["SETTINGS"]
    limit = g.value(URIRef("http://localhost/sparql#max-rows"), RDF.value)
    assert int(limit) == settings.max_rows
    timeout = g.value(URIRef("http://localhost/sparql#query-timeout"), RDF.value)
    assert float(timeout) == settings.query_timeout
    dataset = g.value(service, URIRef(sd + "defaultDataset"))
    assert (dataset, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in g
    assert len(list(g.objects(dataset, URIRef(sd + "namedGraph")))) >= 13


def test_service_description_for_browsers_is_the_editor(sparql_client):
    """A browser asking for HTML gets the query editor."""
    r = sparql_client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    from html.parser import HTMLParser

    names = []

    class Collect(HTMLParser):
        """Collect textarea/input names."""

        def handle_starttag(self, tag, attrs):
            """Remember form fields."""
            if tag in ("textarea", "input", "select"):
                names.append(dict(attrs).get("name"))

    Collect().feed(r.data.decode())
    assert "query" in names


def test_health(sparql_client):
    """/health reports the backend."""
    r = sparql_client.get("/health")
    assert r.status_code == 200
    body = json.loads(r.data)
    assert body["ok"] is True and body["backend"] in ("embedded", "remote")


def test_one_structured_log_line_per_query(sparql_client, caplog):
    """Every query logs one JSON line with duration, form, rows, status and backend."""
    with caplog.at_level(logging.INFO, logger="netzwerke_kg.sparql"):
        sparql_client.get("/sparql", query_string={"query": MEMBERS})
    lines = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "netzwerke_kg.sparql"]
    assert len(lines) == 1
    assert lines[0]["form"] == "SELECT" and lines[0]["status"] == 200 and lines[0]["rows"] > 10
    assert lines[0]["duration_ms"] >= 0 and lines[0]["backend"] in ("embedded", "remote")


@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { BIND(\"tab\\tnew\\nline, \\\"quote\\\"\" AS ?x) }",
    "SELECT ?x WHERE { BIND(\"Gdańsk\"@pl AS ?x) }",
    "SELECT ?x ?y WHERE { BIND(42 AS ?x) OPTIONAL { ?nothing <urn:none> ?y } }",
])
def test_awkward_values_survive_every_results_format(sparql_client, query):
    """Escapes, languages, datatypes and unbound values round-trip through JSON, XML, CSV and TSV."""
    from rdflib.query import Result

    answers = {}
    for media, fmt in [(JSON, "json"), ("application/sparql-results+xml", "xml"),
                       ("text/tab-separated-values", "tsv")]:
        r = sparql_client.get("/sparql", query_string={"query": query}, headers={"Accept": media})
        assert r.status_code == 200, r.data
        parsed = Result.parse(source=__import__("io").BytesIO(r.data), format=fmt)
        answers[fmt] = [tuple(row) for row in parsed]
    assert answers["json"] == answers["xml"] == answers["tsv"]


def test_browser_following_a_shared_query_link_gets_the_editor(sparql_client):
    """A browser opening /sparql?query=… (no format=) sees the editor holding that query."""
    from html.parser import HTMLParser

    q = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    r = sparql_client.get("/sparql", query_string={"query": q},
                          headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    texts = []

    class Textareas(HTMLParser):
        """Collect the text of the textarea named query."""

        inside = False

        def handle_starttag(self, tag, attrs):
            """Enter the query textarea."""
            self.inside = tag == "textarea" and dict(attrs).get("name") == "query"

        def handle_endtag(self, tag):
            """Leave it."""
            self.inside = False

        def handle_data(self, data):
            """Keep its text."""
            if self.inside:
                texts.append(data)

    Textareas().feed(r.data.decode())
    assert "".join(texts).strip() == q


def test_service_description_cache_is_bounded_under_invented_hosts(client, app):
    """Invented Host headers are not believed (web/security.py): the description names the endpoint
    under the base IRI, and the cache cannot grow with them."""
    from netzwerke_kg.web.sparql import SD_CACHE_URLS

    base = app.config["SETTINGS"].base_iri
    for n in range(SD_CACHE_URLS + 5):
        host = f"host{n}.example"
        r = client.get("/sparql", headers={"Accept": "text/turtle", "Host": host})
        assert r.status_code == 200
        graph = Graph().parse(data=r.data, format="turtle")
        endpoints = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"))}
        assert endpoints == {f"{base}sparql"}
    assert len(app.extensions["netzwerke_kg.sd"]) <= SD_CACHE_URLS
