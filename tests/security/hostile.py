"""Sending hostile requests to a live server and judging the answers (shared by the hostile suite and the soak).

Every answer must keep the promises of SECURITY.md: no 5xx other than the deliberate 503/504, the
security headers (CSP, nosniff, CORS) on every answer including the ones gunicorn itself writes,
and a JSON error body with a message on every JSON refusal.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field

#: the only 5xx statuses the server may answer: deliberate overload / time limit refusals, and the
#: remote engine's faults (502), which only a remote backend produces
DELIBERATE_5XX = {502, 503, 504}


@dataclass
class Answer:
    """One HTTP answer: status, headers (lower-case names) and body, and how long it took."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


def request(port: int, method: str, target: str, *, headers: dict | None = None, body: bytes | None = None,
            timeout: float = 60.0) -> Answer:
    """Send one well-formed HTTP/1.1 request with http.client; the answer (never raises on 4xx/5xx)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True,
                        skip_host="host" in {k.lower() for k in (headers or {})})
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data,
                      time.monotonic() - started)
    finally:
        conn.close()


def raw(port: int, data: bytes, timeout: float = 30.0) -> Answer:
    """Send raw bytes (malformed HTTP welcome) and read the answer until the server closes."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may refuse before reading everything; its answer is what counts
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if _complete(b"".join(chunks)):
                    break
        except (TimeoutError, ConnectionResetError):
            pass
    whole = b"".join(chunks)
    head, _, body = whole.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        status = 0  # no answer at all
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(status, headers, body, time.monotonic() - started)


def _complete(data: bytes) -> bool:
    """True once a whole answer with Content-Length has arrived."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":", 1)[1])
    return False


def violations(answer: Answer) -> list[str]:
    """What is wrong with an answer by SECURITY.md's promises (empty when nothing)."""
    problems = []
    if answer.status == 0:
        problems.append("no HTTP answer")
    if answer.status >= 500 and answer.status not in DELIBERATE_5XX:
        problems.append(f"status {answer.status}")
    if "content-security-policy" not in answer.headers:
        problems.append("no Content-Security-Policy")
    if answer.headers.get("access-control-allow-origin") != "*":
        problems.append("no CORS header")
    if answer.headers.get("x-content-type-options") != "nosniff":
        problems.append("no nosniff")
    if answer.status >= 400 and answer.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(answer.body)
            # errors carry "message"; /health's status document (503 when no worker is free) "detail"
            message = body.get("message") or body.get("detail")
        except (ValueError, AttributeError):
            message = None
        if not message:
            problems.append("JSON refusal without a message")
    if b"Traceback (most recent call last)" in answer.body:
        problems.append("a stack trace in the body")
    return problems


@dataclass
class Listener:
    """A TCP listener on loopback that counts every connection made to it (it must stay at zero)."""

    port: int = 0
    connections: list = field(default_factory=list)

    def __post_init__(self):
        """Listen on a free port and accept in a daemon thread."""
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        """Record each connection, answer something SPARQL-ish, close."""
        while True:
            try:
                conn, addr = self._sock.accept()
            except OSError:
                return
            self.connections.append(addr)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: 54\r\n\r\n"
                             b'{"head":{"vars":["leak"]},"results":{"bindings":[]}} ')
            finally:
                conn.close()

    def close(self):
        """Stop listening."""
        self._sock.close()
