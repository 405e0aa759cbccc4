"""With ``--endpoint``, no escape form makes the remote engine (a real Virtuoso) call out either."""

from __future__ import annotations

import time

import pytest

from netzwerke_kg.backends.remote import RemoteBackend
from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app
from tests.backends.test_sandbox import hostile_queries
from tests.web.test_sparql_limits import Listener

pytestmark = pytest.mark.virtuoso


@pytest.fixture(scope="module")
def remote_client(built_dist, root, virtuoso):
    """A client of an app over the remote backend."""
    settings = Settings(root=root, dist=built_dist, endpoint=virtuoso["url"], query_timeout=5)
    backend = RemoteBackend(settings)
    yield create_app(settings, backend).test_client()
    backend.close()


@pytest.mark.parametrize("name", sorted(hostile_queries(1)))
def test_no_escape_form_reaches_the_network_through_the_remote_engine(remote_client, name):
    """Refused before forwarding (4xx); the listener receives nothing."""
    listener = Listener()
    try:
        r = remote_client.get("/sparql", query_string={"query": hostile_queries(listener.port)[name]})
        assert 400 <= r.status_code < 500, (name, r.status_code, r.data[:300])
        time.sleep(0.2)
        assert listener.connections == [], name
    finally:
        listener.close()


def test_escapes_are_written_out_before_forwarding(remote_client):
    """A string with \\u escapes means the same on Virtuoso as here (the text goes out canonical)."""
    r = remote_client.get("/sparql", query_string={"query": 'SELECT ?x WHERE { BIND("a\\u0022b # c" AS ?x) }'},
                          headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.data[:300]
    assert r.get_json()["results"]["bindings"][0]["x"]["value"] == 'a"b # c'
