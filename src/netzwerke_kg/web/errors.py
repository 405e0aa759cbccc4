"""Fail specifically, map centrally: one table turns library errors into HTTP answers.

Error bodies are JSON ``{"error": name, "status": code, "message": text}``: a message a human can
act on, never a stack trace.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

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

log = logging.getLogger("netzwerke_kg.web")

#: exception class -> HTTP status; the most specific class wins (Flask walks the MRO)
STATUS = {
    QuerySyntaxError: 400,
    QueryRefusedError: 400,
    AnswerTooLargeError: 413,
    UpdateRefusedError: 403,
    QueryTimeoutError: 503,
    BackendUnavailableError: 503,
    RemoteEndpointError: 502,
    BackendError: 500,
}


def status_for(exc: BaseException) -> int:
    """The HTTP status of a backend error (most specific class in STATUS)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_response(status: int, message: str, error: str | None = None, headers: dict | None = None):
    """A JSON error answer with a human-readable message."""
    response = jsonify(error=error or _REASONS.get(status, "Error"), status=status, message=message)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            406: "Not Acceptable", 413: "Content Too Large", 415: "Unsupported Media Type",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""
    for exc_class in STATUS:
        app.register_error_handler(exc_class, _handle_backend_error)
    app.register_error_handler(413, _handle_too_large)


def _handle_backend_error(exc: BackendError):
    """Answer a backend error with its mapped status and its own message."""
    status = status_for(exc)
    if status == 500:
        # An engine failure we did not foresee: log it, tell the client without internals.
        log.error("backend error: %s", exc)
        return error_response(500, "The query engine failed on this query.", type(exc).__name__)
    headers = {"Retry-After": "5"} if isinstance(exc, BackendUnavailableError) else None
    return error_response(status, str(exc), type(exc).__name__, headers)


def _handle_too_large(exc: HTTPException):
    """413 for bodies over settings.max_request_bytes (Flask's MAX_CONTENT_LENGTH)."""
    from flask import current_app

    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return error_response(413, f"The request is larger than this endpoint accepts ({limit} bytes).")
