"""Requests the endpoint refuses, each with a status and a message a human can act on, on both backends."""

from __future__ import annotations

import json
import re

import pytest

NKG = "https://w3id.org/netzwerke-kg/"


def refused(response, status: int) -> str:
    """Assert a JSON error with ``status``; its message."""
    assert response.status_code == status, response.data
    body = json.loads(response.data)
    assert body["status"] == status
    assert "Traceback" not in body["message"]
    return body["message"]


def test_syntax_error_quotes_parser_message_and_position(sparql_client):
    """A syntax error is a 400 quoting the parser's message with line and column."""
    r = sparql_client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    message = refused(r, 400)
    assert "Syntax error" in message
    assert re.search(r"\bat 3:\d+", message)  # line 3: where the object is missing


def test_undeclared_prefix_names_the_fix(sparql_client):
    """Using a prefix without declaring it: the 400 says which one and the PREFIX line to add."""
    query = "PREFIX schema: <https://schema.org/>\nSELECT ?l WHERE { ?n a schema:City ; rdfs:label ?l }"
    message = refused(sparql_client.get("/sparql", query_string={"query": query}), 400)
    assert "'rdfs:' is used but not declared" in message
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in message
    # once declared as told, the same query answers
    fixed = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + query
    assert sparql_client.get("/sparql", query_string={"query": fixed, "format": "json"}).status_code == 200


def test_two_query_parameters(sparql_client):
    """Two query parameters: 400 saying so."""
    r = sparql_client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")])
    assert "2 'query' parameters" in refused(r, 400)


def test_missing_query_in_post(sparql_client):
    """A form POST without a query: 400."""
    r = sparql_client.post("/sparql", data={"default-graph-uri": f"{NKG}graph/data/places"})
    assert "no query" in refused(r, 400)


def test_empty_query(sparql_client):
    """An empty query parameter: 400."""
    assert "empty" in refused(sparql_client.get("/sparql", query_string={"query": "  "}), 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "multipart/form-data; boundary=x", None])
def test_wrong_content_type(sparql_client, content_type):
    """POST with anything but form encoding or application/sparql-query: 415 naming both."""
    headers = {"Content-Type": content_type} if content_type else {}
    r = sparql_client.post("/sparql", data=b"ASK {}", headers=headers)
    message = refused(r, 415)
    assert "application/sparql-query" in message


def test_non_utf8_body(sparql_client):
    """A direct POST body that is not UTF-8: 400."""
    r = sparql_client.post("/sparql", data="ASK { ?s ?p \"Gdańsk\" }".encode("latin-1", "replace") + b"\xff",
                           content_type="application/sparql-query")
    assert "UTF-8" in refused(r, 400)


def test_non_utf8_percent_encoding(sparql_client):
    """Percent-encoded bytes that are not UTF-8 in the query string: 400."""
    r = sparql_client.get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%E9%22%20%7D")
    assert "UTF-8" in refused(r, 400)


def test_non_utf8_form_body(sparql_client):
    """A form body with non-UTF-8 percent escapes: 400."""
    r = sparql_client.post("/sparql", data=b"query=ASK%7B%3Fs%3Fp%22%FC%22%7D",
                           content_type="application/x-www-form-urlencoded")
    assert "UTF-8" in refused(r, 400)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_write_methods_are_not_allowed(sparql_client, method):
    """PUT/DELETE/PATCH: 405 with an Allow header."""
    r = sparql_client.open("/sparql", method=method, data=b"x")
    assert "read-only" in refused(r, 405)
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


def test_update_form_field_is_forbidden(sparql_client):
    """SPARQL Update in the form field 'update': 403."""
    r = sparql_client.post("/sparql", data={"update": f"INSERT DATA {{ <{NKG}x> <{NKG}y> <{NKG}z> }}"})
    assert "read-only" in refused(r, 403)


def test_update_content_type_is_forbidden(sparql_client):
    """application/sparql-update: 403."""
    r = sparql_client.post("/sparql", data=b"CLEAR ALL", content_type="application/sparql-update")
    assert "read-only" in refused(r, 403)


@pytest.mark.parametrize("update", [
    f"INSERT DATA {{ <{NKG}x> <{NKG}y> <{NKG}z> }}",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "LOAD <http://127.0.0.1:9/evil.ttl>",
])
def test_update_smuggled_in_query_is_forbidden(sparql_client, update):
    """An update sent as a 'query' is refused with 403 before any engine sees it."""
    assert "read-only" in refused(sparql_client.get("/sparql", query_string={"query": update}), 403)
    count = sparql_client.get("/sparql", query_string={"query": f"ASK {{ <{NKG}x> ?p ?o }}"})
    assert json.loads(count.data)["boolean"] is False


def test_virtuoso_pragmas_are_refused(sparql_client):
    """Virtuoso's DEFINE pragmas (which can make it fetch the web) are refused."""
    r = sparql_client.get("/sparql", query_string={
        "query": 'DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:9/> WHERE { ?s ?p ?o }'})
    assert "DEFINE" in refused(r, 400)


def test_foreign_default_graph_uri(sparql_client):
    """default-graph-uri outside our graphs: 400 listing the graphs that exist."""
    r = sparql_client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "http://example.org/g"})
    message = refused(r, 400)
    assert f"{NKG}graph/data/places" in message


def test_request_size_cap(sparql_client, app):
    """A body larger than settings.max_request_bytes: 413."""
    limit = app.config["SETTINGS"].max_request_bytes
    padding = "#" + "x" * (limit + 10) + "\n"
    r = sparql_client.post("/sparql", data=(padding + "ASK {}").encode(), content_type="application/sparql-query")
    assert str(limit) in refused(r, 413)
    r = sparql_client.get("/sparql", query_string={"query": padding + "ASK {}"})
    assert str(limit) in refused(r, 413)
