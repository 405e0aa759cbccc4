"""Remote engine faults: garbage answers, wrong media types, redirects off the engine's host, an
engine that is down. Every one is a clear 502/503 on /sparql and on pages, never a 500 or "no results".

The broken engine is a real HTTP server on loopback (fake_engine.py); the happy path runs against
a real Virtuoso (tests/web/conftest.py's ``virtuoso`` fixture is session-wide; here its own).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app
from tests.security.fake_engine import broken_engine
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"


@pytest.fixture(scope="module")
def engine():
    """The broken engine and the host its redirects point to."""
    with broken_engine() as servers:
        yield servers


@pytest.fixture(scope="module")
def remote_client(engine, built_dist):
    """A client of the app over the remote backend pointing at the broken engine."""
    app = create_app(Settings(root=ROOT, dist=built_dist, endpoint=engine[0].url, fair_use_budget=0))
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["netzwerke_kg.backend"].close()


def _error(response) -> dict:
    """The JSON error body of a refusal (one shape for every error)."""
    assert response.mimetype == "application/json", response.data[:200]
    return json.loads(response.data)


@pytest.mark.parametrize("mode, query, words", [
    ("garbage-json", SELECT, "malformed SPARQL JSON"),
    ("shapeless-json", SELECT, "malformed SPARQL JSON"),
    ("not-json", SELECT, "malformed SPARQL JSON"),
    ("turtle-for-select", SELECT, "answered a SELECT query with text/turtle"),
    ("bad-turtle", CONSTRUCT, "unreadable Turtle"),
    ("html-500", SELECT, "answered HTTP 500"),
    ("cut-off", SELECT, "malformed SPARQL JSON"),
])
def test_a_broken_answer_is_a_502_with_a_clear_message(engine, remote_client, mode, query, words):
    """Each kind of broken engine answer gives 502 naming the engine and what was wrong."""
    engine[0].mode = mode
    r = remote_client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json, text/turtle"})
    assert r.status_code == 502, (mode, r.status_code, r.data[:300])
    body = _error(r)
    assert words in body["message"] and engine[0].url in body["message"], body
    assert r.headers["Access-Control-Allow-Origin"] == "*" and "Content-Security-Policy" in r.headers


@pytest.mark.parametrize("mode", ["garbage-json", "turtle-for-select", "html-500"])
def test_a_page_over_a_broken_engine_is_a_502_not_a_500(engine, remote_client, mode):
    """Pages ask the same backend: a broken engine is a 502 there too, with the message."""
    engine[0].mode = mode
    r = remote_client.get("/page/city/rostock")
    assert r.status_code == 502, (mode, r.status_code, r.data[:300])
    assert engine[0].url in _error(r)["message"]


def test_a_redirect_to_another_host_is_not_followed(engine, remote_client):
    """A 302 from the engine to another host gives 502; the other host receives nothing."""
    engine[0].mode = "redirect-off-host"
    before = len(engine[1].seen)
    r = remote_client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 502
    message = _error(r)["message"]
    assert "another host" in message and "not followed" in message
    assert len(engine[1].seen) == before, engine[1].seen


def test_an_engine_that_is_down_gives_503_with_retry_after(built_dist):
    """Nothing listens at the endpoint: 503 with Retry-After on /sparql, and /health says so."""
    url = f"http://127.0.0.1:{free_port()}/sparql"
    app = create_app(Settings(root=ROOT, dist=built_dist, endpoint=url, fair_use_budget=0))
    try:
        client = app.test_client()
        r = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 503 and r.headers.get("Retry-After")
        assert "cannot be reached" in _error(r)["message"]
        health = client.get("/health")
        assert health.status_code == 503 and json.loads(health.data)["ok"] is False
        assert client.get("/page/city/rostock").status_code == 503
    finally:
        app.extensions["netzwerke_kg.backend"].close()


@pytest.mark.virtuoso
def test_the_real_virtuoso_still_answers_through_the_same_opener(built_dist, tmp_path_factory, tool):
    """Happy path: a real Virtuoso answers SELECT, ASK and CONSTRUCT through the hardened client."""
    from rdflib import Graph

    from tests.support.virtuoso import running_virtuoso

    tool("virtuoso-t", "the remote backend's happy path runs against a real Virtuoso")
    tool("isql-vt")
    with running_virtuoso(built_dist, tmp_path_factory.mktemp("virtuoso-sec")) as facts:
        app = create_app(Settings(root=ROOT, dist=built_dist, endpoint=facts["url"], fair_use_budget=0))
        try:
            client = app.test_client()
            r = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s a <https://schema.org/City> } LIMIT 5"},
                           headers={"Accept": "application/sparql-results+json"})
            assert r.status_code == 200 and len(json.loads(r.data)["results"]["bindings"]) == 5
            r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
            assert json.loads(r.data)["boolean"] is True
            r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/turtle"})
            assert r.status_code == 200 and len(Graph().parse(data=r.data, format="turtle")) == 3
            assert client.get("/page/city/rostock").status_code == 200
            assert json.loads(client.get("/health").data)["ok"] is True
        finally:
            app.extensions["netzwerke_kg.backend"].close()
