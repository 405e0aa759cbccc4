"""Standards-exact against live gunicorn servers: byte-stable documents across processes, and
every SPARQLWrapper return format over every request method.

Two servers of one build, started with different PYTHONHASHSEEDs, must send byte-identical bodies
and identical strong ETags (RFC 9110 §8.8.3) for every document, or two machines behind one
CDN (or one server after a restart) disagree about the same representation.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import pytest
from rdflib import Graph
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from tests.test_live_server import serving

NKG = "https://w3id.org/netzwerke-kg/"
ROSTOCK = f"{NKG}id/city/rostock"
SELECT = f"SELECT ?p ?o WHERE {{ <{ROSTOCK}> ?p ?o }} ORDER BY ?p ?o"
ASK = f"ASK {{ <{ROSTOCK}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ <{ROSTOCK}> ?p ?o }} WHERE {{ <{ROSTOCK}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{ROSTOCK}>"
#: documents whose bytes must not depend on the process (path, Accept)
DOCUMENTS = [
    *[(f"/data/city/hamburg.{ext}", None) for ext in ("ttl", "nt", "jsonld", "rdf")],
    *[(f"/void?format={ext}", None) for ext in ("ttl", "nt", "jsonld", "rdf")],
    *[("/sparql", media) for media in ("text/turtle", "application/n-triples", "application/ld+json",
                                       "application/rdf+xml", "application/trig", "application/n-quads")],
    ("/ontology.ttl", None), ("/ontology.jsonld", None), ("/validation?format=nt", None),
    ("/graph/data/places", "application/rdf+xml"), ("/shapes", "application/n-triples"),
    ("/page/city/rostock", "text/html"), ("/", "text/html"), ("/downloads?format=json", None),
    *[("/sparql?" + urllib.parse.urlencode({"query": CONSTRUCT, "format": fmt}), None)
      for fmt in ("ttl", "nt", "jsonld", "rdf", "trig", "nq")],
    *[("/sparql?" + urllib.parse.urlencode({"query": SELECT, "format": fmt}), None)
      for fmt in ("json", "xml", "csv", "tsv")],
]


def fetch(base: str, path: str, accept: str | None) -> tuple[int, bytes, str | None]:
    """GET ``path`` uncompressed: status, body, ETag. Both servers are asked under one Host, as
    two machines behind one load balancer or CDN are (the ETag names the URL it belongs to)."""
    headers = {"Accept-Encoding": "identity", "Host": "localhost",
               **({"Accept": accept} if accept else {})}
    with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=60) as r:
        return r.status, r.read(), r.headers.get("ETag")


@pytest.fixture(scope="module")
def servers(built_dist, root, tmp_path_factory):
    """Two live servers of one build, PYTHONHASHSEED 1 and 2 (two gunicorn workers each)."""
    logs = tmp_path_factory.mktemp("seeds")
    with serving(root, built_dist, logs / "a.log", env={"PYTHONHASHSEED": "1"}) as a, \
            serving(root, built_dist, logs / "b.log", env={"PYTHONHASHSEED": "2"}) as b:
        yield a, b


@pytest.mark.slow
def test_two_hash_seeds_send_byte_identical_documents_and_etags(servers):
    """Every document and answer: same bytes, same strong ETag, whatever the process's hash seed."""
    a, b = servers
    for path, accept in DOCUMENTS:
        status_a, body_a, etag_a = fetch(a, path, accept)
        status_b, body_b, etag_b = fetch(b, path, accept)
        assert status_a == status_b == 200, path
        assert body_a == body_b, (path, accept)
        assert etag_a == etag_b and etag_a and not etag_a.startswith("W/"), (path, accept)


@pytest.mark.slow
def test_every_worker_sends_one_service_description(servers):
    """The service description names no blank node, so every worker (and request) has one ETag."""
    a, _ = servers
    seen = {fetch(a, "/sparql", "text/turtle")[2] for _ in range(8)}
    assert len(seen) == 1
    assert b"_:" not in fetch(a, "/sparql", "application/n-triples")[1]


# --- SPARQLWrapper: every return format × GET, POST (URL-encoded), POST (direct) ------------------
#: query form -> the return formats SPARQLWrapper sends a specific Accept for (Wrapper._getAcceptHeader)
MEANINGFUL = {
    "SELECT": (JSON, XML, CSV, TSV),
    "ASK": (JSON, XML, CSV, TSV),
    "CONSTRUCT": (TURTLE, N3, XML, RDF, RDFXML, JSONLD),
    "DESCRIBE": (TURTLE, N3, XML, RDF, RDFXML, JSONLD),
}
#: formats SPARQLWrapper sends only as a name beside "Accept: */*"
UNSPECIFIC = {"SELECT": (TURTLE, N3, RDF, RDFXML, JSONLD), "ASK": (TURTLE, N3, RDF, RDFXML, JSONLD),
              "CONSTRUCT": (JSON, CSV, TSV), "DESCRIBE": (JSON, CSV, TSV)}
QUERIES = {"SELECT": SELECT, "ASK": ASK, "CONSTRUCT": CONSTRUCT, "DESCRIBE": DESCRIBE}
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


def wrapper(base: str, form: str, fmt: str, method: tuple[str, str]) -> SPARQLWrapper:
    """A SPARQLWrapper for one query form, return format and request method."""
    sw = SPARQLWrapper(base + "/sparql")
    sw.setQuery(QUERIES[form])
    sw.setReturnFormat(fmt)
    sw.setMethod(method[0])
    sw.setRequestMethod(method[1])
    return sw


def check_answer(form: str, fmt: str, body: bytes, content_type: str) -> None:
    """The body parses in the format SPARQLWrapper asked for and holds the answer."""
    media = content_type.split(";")[0].strip()
    if form in ("SELECT", "ASK"):
        parser = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                  "text/csv": "csv", "text/tab-separated-values": "tsv"}[media]
        if form == "ASK" and parser in ("csv", "tsv"):
            assert body == b"true"
            return
        result = Result.parse(source=io.BytesIO(body), format=parser)
        assert result.askAnswer is True if form == "ASK" else len(list(result)) > 5
        return
    expected = {TURTLE: "text/turtle", N3: "text/turtle", XML: "application/rdf+xml", RDF: "application/rdf+xml",
                RDFXML: "application/rdf+xml", JSONLD: "application/ld+json"}[fmt]
    assert media == expected
    graph = Graph().parse(data=body, format={"text/turtle": "turtle", "application/rdf+xml": "xml",
                                             "application/ld+json": "json-ld"}[media])
    assert len(graph) > 5


@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS, ids=["GET", "POST-form", "POST-direct"])
@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper_every_meaningful_return_format(servers, form, method):
    """Each return format SPARQLWrapper has a media type for, by GET and both POSTs, is answered
    in that format (it sends format=/output=/results= names such as n3 and rdf+xml besides Accept)."""
    for fmt in MEANINGFUL[form]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            response = wrapper(servers[0], form, fmt, method).query()
        body = response.response.read()
        assert response.response.status == 200, (fmt, body[:300])
        check_answer(form, fmt, body, response.response.headers["Content-Type"])


@pytest.mark.slow
@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper_unspecific_formats_are_refused_clearly(servers, form):
    """A format that cannot carry this kind of answer (CSV for a CONSTRUCT, Turtle for a SELECT),
    sent with "Accept: */*", is a 406 that names the formats that would work, never a wrong body."""
    for fmt in UNSPECIFIC[form]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sw = wrapper(servers[0], form, fmt, (GET, URLENCODED))
            if fmt == JSON:
                # format=json on a CONSTRUCT names JSON-LD, the JSON serialisation of a graph
                response = sw.query()
                assert response.response.headers["Content-Type"].startswith("application/ld+json")
                json.loads(response.response.read())
                continue
            with pytest.raises(urllib.error.HTTPError) as caught:
                sw.query()
        assert caught.value.code == 406, fmt
        message = json.loads(caught.value.read())["message"]
        assert "ttl" in message or "json" in message, message
