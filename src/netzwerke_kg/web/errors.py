"""One error path: every refusal and failure of every route becomes the same answer, in two faces.

Machines get JSON ``{"error": reason, "status": code, "message": text}``; browsers (an Accept
header that prefers text/html to JSON) get the site's error page with the same status and message.
One handler serves werkzeug's HTTP errors (unknown paths, 405 with its Allow header, 413 from
MAX_CONTENT_LENGTH, ``abort(…)`` anywhere), backend errors (one table: fail specifically, map
centrally), format refusals from the registry (400/406) and the endpoint's protocol errors. A
message a human can act on, never a stack trace.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES, parse_accept_header

from netzwerke_kg.backends.base import (
    AnswerTooLargeError,
    BackendError,
    BackendUnavailableError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
)
from netzwerke_kg.backends.limits import UpdateRefusedError
from netzwerke_kg.backends.remote import RemoteEndpointError
from netzwerke_kg.backends.results import NotRepresentableError
from netzwerke_kg.formats import FormatError

log = logging.getLogger("netzwerke_kg.web")

#: exception class -> HTTP status; the most specific class wins (Flask walks the MRO)
STATUS = {
    QuerySyntaxError: 400,
    QueryRefusedError: 400,
    AnswerTooLargeError: 413,
    UpdateRefusedError: 403,
    NotRepresentableError: 406,
    QueryTimeoutError: 503,
    BackendUnavailableError: 503,
    RemoteEndpointError: 502,
    BackendError: 500,
}
#: response headers an error keeps from the exception that raised it
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Content-Range")


class RequestError(Exception):
    """A request a view refuses (status, message, extra headers such as Allow)."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        """Remember the HTTP status, the message and extra headers."""
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def status_for(exc: BaseException) -> int:
    """The HTTP status of a backend error (most specific class in STATUS)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def reason(status: int) -> str:
    """The reason phrase of a status (RFC 9110 §15; 413 by its current name)."""
    return "Content Too Large" if status == 413 else HTTP_STATUS_CODES.get(status, "Error")


def wants_html() -> bool:
    """True when the client prefers an HTML page to JSON (browsers name text/html; curl says */*)."""
    accept = parse_accept_header(request.headers.get("Accept"), MIMEAccept)
    return accept.best_match(["application/json", "text/html"]) == "text/html"


def error_response(status: int, message: str, error: str | None = None,
                   headers: dict | None = None) -> Response:
    """The error answer: the JSON body for machines, the error page for browsers."""
    if wants_html():
        if status == 404:
            # The helpful 404 (search box, nearest labels) is the site's one "not found" page.
            from netzwerke_kg.web.resources import not_found

            response = not_found(None)
        else:
            page = render_template("error.html", status=status, reason=reason(status), message=message)
            response = Response(page, status=status, content_type="text/html; charset=utf-8")
    else:
        response = jsonify(error=error or reason(status), status=status, message=message)
        response.status_code = status
    response.vary.add("Accept")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register(app: Flask) -> None:
    """Install the one error path on ``app``."""
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(BackendError, _handle_backend_error)
    app.register_error_handler(FormatError, _handle_format_error)
    app.register_error_handler(RequestError, _handle_request_error)


def _handle_http(exc: HTTPException):
    """Werkzeug's HTTP errors (404, 405, 413, abort(…)) in our two faces, keeping Allow & co."""
    if exc.code is None or exc.code < 400:
        return exc  # a routing redirect (e.g. a missing trailing slash) is no error
    status = exc.code
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"The request is larger than this endpoint accepts ({limit} bytes)."
    elif status == 404 and exc.description == type(exc).description:
        message = f"Nothing is published at {request.path}."
    elif status == 405 and exc.description == type(exc).description:
        allowed = getattr(exc, "valid_methods", None) or []
        message = f"{request.method} is not allowed here; use {', '.join(sorted(allowed))}."
    else:
        message = exc.description or reason(status)
    kept = {k: v for k, v in exc.get_headers() if k in _KEPT_HEADERS}
    return error_response(status, message, headers=kept)


def _handle_backend_error(exc: BackendError):
    """Answer a backend error with its mapped status and its own message."""
    status = status_for(exc)
    if status == 500:
        # An engine failure we did not foresee: log it, tell the client without internals.
        log.error("backend error: %s", exc)
        return error_response(500, "The query engine failed on this query.", type(exc).__name__)
    headers = {"Retry-After": "5"} if isinstance(exc, BackendUnavailableError) else None
    return error_response(status, str(exc), type(exc).__name__, headers)


def _handle_format_error(exc: FormatError):
    """A format the registry cannot offer: 400 (unknown name) or 406 (not offered)."""
    return error_response(exc.status, exc.message)


def _handle_request_error(exc: RequestError):
    """A refusal raised by a view."""
    return error_response(exc.status, exc.message, headers=exc.headers)
