"""What only the remote backend has to prove: scoping to our graphs, outages reported, recovery by itself."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from netzwerke_kg.backends.remote import RemoteBackend
from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app
from tests.support.ports import free_port

pytestmark = pytest.mark.virtuoso

GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


class Forwarder:
    """A TCP forwarder from a local port to another (an endpoint 'coming back')."""

    def __init__(self, port: int, target_port: int):
        """Listen on ``port`` and pipe every connection to ``target_port``."""
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(16)
        self.target = target_port
        self.running = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        """Accept connections until closed."""
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        """Copy bytes one way until either side closes."""
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        """Stop listening."""
        self.running = False
        self.server.close()


def test_scoped_to_our_graphs(remote_app, virtuoso):
    """Through the app, GRAPH ?g sees only our graphs; Virtuoso on its own has more (system graphs)."""
    r = remote_app.test_client().get("/sparql", query_string={"query": GRAPHS})
    ours = [b["g"]["value"] for b in json.loads(r.data)["results"]["bindings"]]
    assert ours == sorted([*virtuoso["graphs"], virtuoso["void_graph"]])
    sw = SPARQLWrapper(virtuoso["url"])
    sw.setQuery(GRAPHS)
    sw.setReturnFormat(JSON)
    everything = [b["g"]["value"] for b in sw.query().convert()["results"]["bindings"]]
    assert set(everything) > set(ours)


def test_unreachable_endpoint_then_recovery(built_dist, root, virtuoso):
    """A closed port: 503 with a clear message and /health 503; once the endpoint is there, both recover."""
    port = free_port()
    settings = Settings(root=root, dist=built_dist, endpoint=f"http://127.0.0.1:{port}/sparql", query_timeout=5)
    backend = RemoteBackend(settings)
    client = create_app(settings, backend).test_client()
    try:
        r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert r.status_code == 503
        message = json.loads(r.data)["message"]
        assert f"127.0.0.1:{port}" in message and "cannot be reached" in message
        health = client.get("/health")
        assert health.status_code == 503
        assert json.loads(health.data)["ok"] is False
        forwarder = Forwarder(port, urlparse(virtuoso["url"]).port)
        try:
            r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
            assert r.status_code == 200
            assert json.loads(r.data)["boolean"] is True
            assert client.get("/health").status_code == 200
        finally:
            forwarder.close()
    finally:
        backend.close()


class _Failing(BaseHTTPRequestHandler):
    """An endpoint that fails every request with HTTP 500."""

    def do_POST(self):  # noqa: N802 - the name http.server calls
        """Fail."""
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"internal failure")

    do_GET = do_POST

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture()
def failing_endpoint():
    """A local HTTP server answering 500 to everything."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_endpoint_failure_is_502(built_dist, root, failing_endpoint):
    """An endpoint answering with its own error: 502 Bad Gateway naming it."""
    settings = Settings(root=root, dist=built_dist, endpoint=failing_endpoint)
    backend = RemoteBackend(settings)
    try:
        r = create_app(settings, backend).test_client().get("/sparql", query_string={"query": "ASK {}"})
    finally:
        backend.close()
    assert r.status_code == 502
    assert failing_endpoint in json.loads(r.data)["message"]
