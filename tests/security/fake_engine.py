"""A tiny local HTTP server that plays a broken SPARQL engine, for the remote backend's fault tests.

Not a mock of our code: a real socket speaking HTTP, answering what a faulty engine answers
(malformed JSON, Turtle to a SELECT, redirects to another host, HTTP 500, a cut-off body). A
second listener ("elsewhere") records every request that reaches it, to prove nothing does.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: SPARQL JSON results of ASK {} (a healthy answer, for modes that only break SELECT/CONSTRUCT)
ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()


class _Engine(BaseHTTPRequestHandler):
    """Answers every POST/GET according to the server's ``mode``."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        """Stay quiet: the tests assert on answers, not on logs."""

    def do_GET(self):
        """Same as POST."""
        self.do_POST()

    def do_POST(self):
        """Record the request, then answer in the current mode."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, body))
        mode = self.server.mode
        if b"ASK" in body and b"%7B%7D" in body and mode not in ("html-500",):
            return self._send(200, "application/sparql-results+json", ASK_TRUE)  # /health's ping
        if mode == "garbage-json":
            payload = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "weird", "value": 1}}]}}
            return self._send(200, "application/sparql-results+json", json.dumps(payload).encode())
        if mode == "shapeless-json":
            return self._send(200, "application/sparql-results+json", b'{"results": "none"}')
        if mode == "not-json":
            return self._send(200, "application/sparql-results+json", b"<html><body>oops</body></html>")
        if mode == "turtle-for-select":
            return self._send(200, "text/turtle", b"<urn:a> <urn:b> <urn:c> .\n")
        if mode == "bad-turtle":
            return self._send(200, "text/turtle", b"<urn:a> <urn:b> oops oops .\n")
        if mode == "redirect-off-host":
            self.send_response(302)
            self.send_header("Location", self.server.elsewhere + "/steal")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if mode == "html-500":
            return self._send(500, "text/html", b"<h1>Internal Server Error</h1>")
        if mode == "cut-off":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bind')
            self.wfile.flush()
            self.close_connection = True
            return None
        return self._send(500, "text/plain", f"unknown mode {mode}".encode())

    def _send(self, status: int, media: str, body: bytes):
        """Send one complete answer."""
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Recorder(BaseHTTPRequestHandler):
    """The host a redirect points to: it only records that something arrived."""

    def log_message(self, format, *args):  # noqa: A002
        """Stay quiet."""

    def do_GET(self):
        """Record and answer something plausible."""
        self.server.seen.append((self.command, self.path))
        body = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


def _serve(handler, host: str):
    """A ThreadingHTTPServer on a free port of ``host``, serving in a daemon thread."""
    server = ThreadingHTTPServer((host, 0), handler)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def broken_engine():
    """Yield the engine server (set ``.mode``; its URL is ``.url``) and the redirect target (``.seen``)."""
    # another loopback address: a different host for the redirect check, still on this machine
    elsewhere = _serve(_Recorder, "127.0.0.2")
    engine = _serve(_Engine, "127.0.0.1")
    engine.elsewhere = f"http://127.0.0.2:{elsewhere.server_address[1]}"
    engine.url = f"http://127.0.0.1:{engine.server_address[1]}/sparql"
    engine.mode = "garbage-json"
    try:
        yield engine, elsewhere
    finally:
        for server in (engine, elsewhere):
            server.shutdown()
            server.server_close()
