"""Safe on the public internet: a timeout that holds, no outbound requests (SSRF), a row cap that is never silent."""

from __future__ import annotations

import io
import json
import socket
import threading
import time

import pytest
from rdflib import Graph
from rdflib.query import Result

from netzwerke_kg.backends.embedded import EmbeddedBackend
from netzwerke_kg.backends.remote import RemoteBackend
from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app

ROOT_TIMEOUT = 2.0
#: a 6-way cross join over every triple: ~7 000^6 combinations, far beyond any timeout
EXPLOSIVE = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
             "?m ?n1 ?o . ?p ?q ?r }")
CHEAP = "ASK { ?s ?p ?o }"


class Listener:
    """A TCP listener on loopback that records every connection it receives (and never answers)."""

    def __init__(self):
        """Bind a free port and start accepting in the background."""
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        """Accept and hold connections until stopped."""
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections.append(conn)

    def close(self):
        """Stop accepting and close everything."""
        self._stop.set()
        self._thread.join(2)
        for c in self.connections:
            c.close()
        self.sock.close()


@pytest.fixture()
def listener():
    """A local listener that must receive nothing in the SSRF tests."""
    lst = Listener()
    yield lst
    lst.close()


# --- timeout ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def short_timeout_app(built_dist, root):
    """The embedded backend with a 2 s query timeout and two workers."""
    settings = Settings(root=root, dist=built_dist, query_timeout=ROOT_TIMEOUT, query_workers=2)
    application = create_app(settings, EmbeddedBackend(settings))
    yield application
    application.extensions["netzwerke_kg.backend"].close()


@pytest.mark.slow
def test_explosive_query_is_stopped_while_others_are_answered(short_timeout_app):
    """An explosive query gets a 503 within the timeout (+ slack); a cheap query meanwhile succeeds."""
    outcome = {}

    def explode():
        """Send the explosive query and time it."""
        started = time.monotonic()
        r = short_timeout_app.test_client().get("/sparql", query_string={"query": EXPLOSIVE})
        outcome["elapsed"] = time.monotonic() - started
        outcome["response"] = r

    thread = threading.Thread(target=explode)
    thread.start()
    time.sleep(0.5)  # the explosive query is running now
    started = time.monotonic()
    cheap = short_timeout_app.test_client().get("/sparql", query_string={"query": CHEAP})
    cheap_elapsed = time.monotonic() - started
    assert cheap.status_code == 200
    assert json.loads(cheap.data)["boolean"] is True
    assert cheap_elapsed < ROOT_TIMEOUT  # answered while the other one was still running
    thread.join(30)
    r = outcome["response"]
    assert r.status_code == 503
    assert f"stopped after {ROOT_TIMEOUT:g} s" in json.loads(r.data)["message"]
    assert ROOT_TIMEOUT <= outcome["elapsed"] < ROOT_TIMEOUT + 3
    # The killed worker was replaced: the endpoint still answers afterwards.
    again = short_timeout_app.test_client().get("/sparql", query_string={"query": CHEAP})
    assert again.status_code == 200
    health = json.loads(short_timeout_app.test_client().get("/health").data)
    assert health["workers_killed"] >= 1


def test_remote_timeout_when_the_endpoint_never_answers(built_dist, root, listener):
    """A remote endpoint that accepts but never answers: 503 after the timeout."""
    settings = Settings(root=root, dist=built_dist, endpoint=f"http://127.0.0.1:{listener.port}/sparql",
                        query_timeout=1.5)
    backend = RemoteBackend(settings)
    try:
        started = time.monotonic()
        r = create_app(settings, backend).test_client().get("/sparql", query_string={"query": CHEAP})
        elapsed = time.monotonic() - started
    finally:
        backend.close()
    assert r.status_code == 503
    assert "stopped after" in json.loads(r.data)["message"]
    assert elapsed < 1.5 + 3


# --- SSRF ------------------------------------------------------------------------------------------

def ssrf_queries(port: int) -> list[tuple[str, dict]]:
    """Queries and parameters that would make a careless engine call 127.0.0.1:port."""
    url = f"http://127.0.0.1:{port}/"
    return [
        (f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}", {}),
        (f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}", {}),
        (f"PREFIX x: <{url}> SELECT * WHERE {{ service x:sparql {{ ?s ?p ?o }} }}", {}),
        (f"BASE <{url}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}", {}),
        (f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"default-graph-uri": f"{url}data.ttl"}),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", {"named-graph-uri": f"{url}data.ttl"}),
    ]


def test_no_outbound_request(sparql_client, listener):
    """SERVICE and FROM pointing at a local listener are refused with 400; it receives no connection."""
    for query, params in ssrf_queries(listener.port):
        r = sparql_client.get("/sparql", query_string={"query": query, **params})
        assert r.status_code == 400, (query, r.data)
        message = json.loads(r.data)["message"]
        assert "no outbound requests" in message or "nothing is ever fetched" in message
    time.sleep(0.5)
    assert listener.connections == []


def test_service_inside_a_string_is_not_refused(sparql_client):
    """The word SERVICE in a literal or comment is data, not a SERVICE call."""
    q = 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:1/>" AS ?x) } # SERVICE <http://x/>'
    r = sparql_client.get("/sparql", query_string={"query": q})
    assert r.status_code == 200


def test_allowlisted_service_is_called(built_dist, root, listener):
    """With an explicit allowlist the SERVICE is federated (the listener sees the call)."""
    url = f"http://127.0.0.1:{listener.port}/sparql"
    settings = Settings(root=root, dist=built_dist, service_allowlist=(url,), query_timeout=3, query_workers=1)
    backend = EmbeddedBackend(settings)
    try:
        client = create_app(settings, backend).test_client()
        client.get("/sparql", query_string={"query": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"})
    finally:
        backend.close()
    assert len(listener.connections) >= 1


# --- row cap ---------------------------------------------------------------------------------------

CAP = 5


@pytest.fixture(params=["embedded", pytest.param("remote", marks=pytest.mark.virtuoso)])
def capped_client(request, built_dist, root):
    """A client of an app whose row cap is 5, over each backend."""
    if request.param == "embedded":
        settings = Settings(root=root, dist=built_dist, max_rows=CAP)
        backend = EmbeddedBackend(settings, pool_size=1)
    else:
        virtuoso = request.getfixturevalue("virtuoso")
        settings = Settings(root=root, dist=built_dist, max_rows=CAP, endpoint=virtuoso["url"])
        backend = RemoteBackend(settings)
    yield create_app(settings, backend).test_client()
    backend.close()


MANY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 50"


def test_truncation_is_signalled_in_json(capped_client):
    """JSON: header plus head.link (SPARQL 1.1 Results JSON §3.1)."""
    r = capped_client.get("/sparql", query_string={"query": MANY})
    assert r.headers["X-Result-Truncated"] == f"true; limit={CAP}"
    data = json.loads(r.data)
    assert len(data["results"]["bindings"]) == CAP
    assert data["head"]["link"] == ["http://localhost/sparql#max-rows"]


def test_truncation_is_signalled_in_xml(capped_client):
    """XML: header plus <link href> in the head (Results XML §2.2)."""
    import xml.etree.ElementTree as ET

    r = capped_client.get("/sparql", query_string={"query": MANY}, headers={"Accept": "application/sparql-results+xml"})
    assert r.headers["X-Result-Truncated"] == f"true; limit={CAP}"
    root = ET.fromstring(r.data)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert root.find(f"{ns}head/{ns}link").get("href") == "http://localhost/sparql#max-rows"
    assert len(root.findall(f"{ns}results/{ns}result")) == CAP


def test_truncation_in_csv_is_in_the_header(capped_client):
    """CSV has no place for metadata: the header (and Link) carry the signal; the body stays valid CSV."""
    r = capped_client.get("/sparql", query_string={"query": MANY}, headers={"Accept": "text/csv"})
    assert r.headers["X-Result-Truncated"] == f"true; limit={CAP}"
    assert 'rel="describedby"' in r.headers["Link"]
    assert len(list(Result.parse(source=io.BytesIO(r.data), format="csv"))) == CAP


def test_truncated_graph_carries_a_comment(capped_client):
    """CONSTRUCT: triples capped too, signalled by header and a Turtle comment."""
    r = capped_client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                          headers={"Accept": "text/turtle"})
    assert r.headers["X-Result-Truncated"] == f"true; limit={CAP}"
    assert r.data.decode().startswith("# Result truncated")
    assert len(Graph().parse(data=r.data.decode(), format="turtle")) == CAP


def test_exactly_at_the_cap_is_not_truncated(capped_client):
    """A result of exactly the cap is complete, and says nothing."""
    r = capped_client.get("/sparql", query_string={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {CAP}"})
    assert "X-Result-Truncated" not in r.headers
    assert "link" not in json.loads(r.data)["head"]
