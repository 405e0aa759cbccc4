"""Security headers and CORS on every response, app-wide.

- Content Security Policy Level 3 (https://www.w3.org/TR/CSP3/): only our own scripts, styles and
  images (plus ``data:`` images), no plugins, no ``<base>``, no framing, forms post only to us. No
  inline script or style is allowed, so a label that breaks out of its markup cannot run.
- ``X-Content-Type-Options: nosniff`` (Fetch Standard §"X-Content-Type-Options"): browsers trust
  our Content-Type, so a Turtle literal is never sniffed into HTML.
- ``Referrer-Policy: strict-origin-when-cross-origin`` (W3C Referrer Policy) and
  ``X-Frame-Options: DENY`` (RFC 7034) for browsers without CSP ``frame-ancestors``.
- CORS (Fetch Standard §3.2 "CORS protocol"): the data is public and read-only, so every route
  answers any origin with ``Access-Control-Allow-Origin: *`` and no credentials; a preflight
  ``OPTIONS`` carrying ``Access-Control-Request-Method`` is answered here with 204.
- The ``Host`` header (RFC 9110 §7.2) is the client's to choose, yet it names this server in every
  absolute URL we generate (robots.txt, the sitemap, ``Link`` headers, the service description).
  Only configured host names (``allowed_hosts``), loopback names, and the base IRI's own host are
  believed; any other request is answered as if it had come in under the base IRI. Behind a
  trusted proxy (``trust_proxy``) without ``allowed_hosts`` the proxy's forwarded host is believed.
- Request bodies sent with ``Transfer-Encoding: chunked`` (RFC 9112 §7.1) carry no length: they are
  read here, at most ``max_request_bytes`` + 1 bytes, before the app sees them, so a longer one is
  refused with 413 (never cut and executed) and a malformed one with 400. A body over the cap is
  read and dropped up to ``DRAIN_BYTES`` more, so a client still sending it reads the 413 rather
  than a reset connection (RFC 9112 §9.6 on closing with unread input).
- Only ``http:`` and ``https:`` IRIs become links (the ``web_link`` template test): an IRI in the
  data such as ``javascript:…`` is shown as text, never as a clickable ``href``.
"""

from __future__ import annotations

import io
import ipaddress
from urllib.parse import urlsplit

from flask import Flask, Response, request

from netzwerke_kg.config import Settings

#: the policy; every directive is a fetch or navigation restriction of CSP3
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
#: methods a cross-origin client may use (SPARQL 1.1 Protocol: query via GET and POST)
ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
#: request headers a cross-origin client may send (Accept for conneg, conditionals, Range)
ALLOW_HEADERS = (
    "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Range"
)
#: response headers a cross-origin script may read besides the CORS-safelisted ones
EXPOSE_HEADERS = (
    "ETag, Link, Location, Content-Language, Content-Range, Accept-Ranges, Content-Disposition, "
    "Content-Location, X-Result-Truncated, X-Result-Rows, X-Row-Limit"
)
#: seconds a browser may cache a preflight answer
PREFLIGHT_MAX_AGE = "86400"

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": EXPOSE_HEADERS,
}


#: the environ key under which RequestGuard leaves a refusal (status, message) for the app to send
REFUSAL = "netzwerke_kg.refusal"
#: bytes of a refused (too large) body read and dropped before answering 413 (beyond them: reset)
DRAIN_BYTES = 4_000_000
#: URL schemes that may become links (everything else in the data is shown as text)
WEB_SCHEMES = ("http", "https")


def register(app: Flask) -> None:
    """Install the request guard, the preflight handler, the header hook and the link test on ``app``."""
    app.wsgi_app = RequestGuard(app.wsgi_app, app.config["SETTINGS"])
    app.before_request(send_refusal)
    app.before_request(answer_preflight)
    app.after_request(add_security_headers)
    app.jinja_env.tests["web_link"] = is_web_link


def refusal_headers() -> dict[str, str]:
    """The headers every answer carries, refusals made outside Flask (gunicorn's) included."""
    return dict(_HEADERS)


def is_web_link(url) -> bool:
    """True when ``url`` may be an ``href``: http(s), or a path/fragment/query on this site."""
    text = str(url or "").strip()
    if not text:
        return False
    if text.startswith(("/", "#", "?")) and not text.startswith("//"):
        return True  # a link within this site (iris.py mints them)
    scheme = urlsplit(text).scheme.lower()
    return scheme in WEB_SCHEMES and "://" in text


def send_refusal() -> Response | None:
    """Answer the refusal RequestGuard recorded (a malformed chunked body, or one over the cap)."""
    refusal = request.environ.get(REFUSAL)
    if refusal is None:
        return None
    from netzwerke_kg.web.errors import error_response

    status, message = refusal
    return error_response(status, message, headers={"Connection": "close"})


class RequestGuard:
    """WSGI middleware run before Flask (and its response cache): believe only allowed Host
    headers; bound request bodies, chunked ones included."""

    def __init__(self, app, settings: Settings):
        """Wrap ``app``; the allowed hosts and the canonical base come from ``settings``."""
        self.app = app
        self.settings = settings
        base = urlsplit(settings.base_iri)
        self.base_scheme, self.base_host = base.scheme or "https", base.netloc.lower()
        self.base_root = base.path.rstrip("/")
        self.allowed = {h.lower() for h in settings.allowed_hosts} | {_hostname(self.base_host)}

    def __call__(self, environ, start_response):
        """Fix up ``environ``, then hand it to the app."""
        self.guard_host(environ)
        if _is_chunked(environ):
            self.buffer_chunked(environ)
        else:
            self.refuse_oversized(environ)
        return self.app(environ, start_response)

    def refuse_oversized(self, environ) -> None:
        """A Content-Length over the cap: 413, after reading (and dropping) a bounded part of the
        body, so a client that is still sending sees the answer instead of a reset connection."""
        limit = self.settings.max_request_bytes
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return  # werkzeug treats an unreadable length as none; nothing is read then
        if length <= limit:
            return
        environ[REFUSAL] = (413, f"The request is larger than this endpoint accepts ({limit} bytes).")
        if length <= limit + DRAIN_BYTES:
            _drain(environ["wsgi.input"], length)
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["CONTENT_LENGTH"] = "0"

    def host_allowed(self, host: str) -> bool:
        """True for an allowed host name (any port), a loopback name or address, or the base's host."""
        name = _hostname(host)
        if name is None:
            return False
        if name in self.allowed or name == "localhost":
            return True
        try:
            return ipaddress.ip_address(name.strip("[]")).is_loopback
        except ValueError:
            return False

    def guard_host(self, environ) -> None:
        """Answer a request under an unknown Host as if it had come in under the base IRI."""
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if self.host_allowed(host):
            return
        if self.settings.trust_proxy and not self.settings.allowed_hosts:
            # A trusted proxy names the host (X-Forwarded-Host via ProxyFix); it must send its own
            # server name, never the client's Host (README "Deploying at scale"). Listing
            # allowed_hosts makes this check apply behind the proxy too.
            return
        environ["netzwerke_kg.rejected_host"] = host[:200]
        environ["HTTP_HOST"] = self.base_host
        environ["SERVER_NAME"] = _hostname(self.base_host) or self.base_host
        environ["SERVER_PORT"] = self.base_host.rpartition(":")[2] if ":" in self.base_host else (
            "443" if self.base_scheme == "https" else "80")
        environ["wsgi.url_scheme"] = self.base_scheme
        # A sub-path set by the deployment (the WSGI server or a trusted proxy) stays; else the
        # base IRI's own path, so absolute URLs are the canonical ones.
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME") or self.base_root

    def buffer_chunked(self, environ) -> None:
        """Read a chunked body up to the cap; record 413/400 for the app, or hand it on with a length."""
        limit = self.settings.max_request_bytes
        stream = environ["wsgi.input"]
        parts, size = [], 0
        try:
            while size <= limit:
                chunk = stream.read(min(65536, limit + 1 - size))
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
        except (OSError, ValueError, _ParseException) as exc:
            # gunicorn raises its ParseException (InvalidChunkSize, ChunkMissingTerminator …) or an
            # IOError subclass (NoMoreData) from inside read() when the framing is broken.
            environ[REFUSAL] = (400, f"The chunked request body is malformed ({_describe(exc)}); "
                                     "send a valid chunked body or a Content-Length.")
            body = b""
        else:
            body = b"".join(parts)
            if size > limit:
                environ[REFUSAL] = (413, f"The request is larger than this endpoint accepts ({limit} bytes).")
                body = b""
                _drain(stream, DRAIN_BYTES)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)


def _drain(stream, most: int) -> None:
    """Read and drop up to ``most`` bytes of a refused body, so the client is still reading when
    the 413 arrives (closing on unread data makes TCP reset the connection before the answer)."""
    try:
        while most > 0:
            chunk = stream.read(min(65536, most))
            if not chunk:
                return
            most -= len(chunk)
    except (OSError, ValueError, _ParseException):
        return


def _is_chunked(environ) -> bool:
    """True when the request body is framed by Transfer-Encoding: chunked (RFC 9112 §6.1)."""
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def _hostname(host: str) -> str | None:
    """The lower-case host name of a Host header value without its port; None when malformed."""
    host = (host or "").strip().lower()
    if not host or any(c in host for c in "/\\@ ?#"):
        return None
    if host.startswith("["):  # an IPv6 literal, RFC 3986 §3.2.2
        name, _, port = host.partition("]")
        name, port = name + "]", port[1:] if port.startswith(":") else port
    else:
        name, _, port = host.partition(":")
    if port and not port.isdigit():
        return None
    return name or None


def _describe(exc: BaseException) -> str:
    """A short, safe description of a body-reading failure."""
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


try:  # gunicorn's parse errors, when serving under gunicorn (a plain Exception subclass)
    from gunicorn.http.errors import ParseException as _ParseException
except ImportError:  # pragma: no cover - gunicorn is a dependency
    class _ParseException(Exception):
        """Stands in for gunicorn's ParseException where gunicorn is not installed."""


def answer_preflight() -> Response | None:
    """Answer a CORS preflight (OPTIONS with Access-Control-Request-Method) for any known route."""
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return None
    if request.routing_exception is not None:
        # An unknown URL: let the normal 404/405 answer it (the header hook still adds CORS).
        return None
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


def add_security_headers(response: Response) -> Response:
    """Set CSP, nosniff, referrer/framing policy and CORS headers (views may not relax them)."""
    for name, value in _HEADERS.items():
        response.headers[name] = value
    # CORS with "*" never carries credentials (Fetch: credentialed requests need one origin).
    response.headers.pop("Access-Control-Allow-Credentials", None)
    return response
