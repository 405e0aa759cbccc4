"""The Backend interface itself (select/ask/construct/ping), as other parts of the app call it, on both backends."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from netzwerke_kg.backends.base import QueryRefusedError, QuerySyntaxError

NKG = "https://w3id.org/netzwerke-kg/"
ROSTOCK = URIRef(f"{NKG}id/city/rostock")


@pytest.fixture()
def backend(backend_app):
    """The backend behind the parametrised app."""
    return backend_app.extensions["netzwerke_kg.backend"]


def test_select_returns_rdflib_terms(backend):
    """select(): rows of rdflib terms, unbound variables left out."""
    rows = backend.select(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?missing WHERE {{ <{ROSTOCK}> rdfs:label ?label
        OPTIONAL {{ <{ROSTOCK}> <urn:none> ?missing }} }} ORDER BY ?label""")
    assert {r["label"] for r in rows} >= {Literal("Rostock", lang="de"), Literal("Rostock", lang="en")}
    assert all("missing" not in r for r in rows)


def test_ask(backend):
    """ask(): a bool."""
    assert backend.ask(f"ASK {{ <{ROSTOCK}> ?p ?o }}") is True
    assert backend.ask(f"ASK {{ <{NKG}id/city/nowhere> ?p ?o }}") is False


def test_construct_matches_across_backends(backend, app):
    """construct(): an rdflib Graph, the same on every backend."""
    q = f"CONSTRUCT {{ <{ROSTOCK}> ?p ?o }} WHERE {{ <{ROSTOCK}> ?p ?o }}"
    g = backend.construct(q)
    assert len(g) > 5
    assert isomorphic(g, app.extensions["netzwerke_kg.backend"].construct(q))


def test_errors_are_typed(backend):
    """Syntax errors and refusals raise the interface's exceptions."""
    with pytest.raises(QuerySyntaxError):
        backend.select("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryRefusedError):
        backend.select("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")


def test_ping(backend):
    """ping(): ok with the backend's name."""
    state = backend.ping()
    assert state["ok"] is True and state["backend"] == backend.name
