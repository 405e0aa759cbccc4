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
"""

from __future__ import annotations

from flask import Flask, Response, request

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


def register(app: Flask) -> None:
    """Install the preflight handler and the header hook on ``app``."""
    app.before_request(answer_preflight)
    app.after_request(add_security_headers)


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
