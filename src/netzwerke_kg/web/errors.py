"""Fail specifically, map centrally: one table turns library errors into HTTP answers."""

from __future__ import annotations

from flask import Flask, jsonify

from netzwerke_kg.backends.base import (
    BackendUnavailableError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
)

#: exception class -> HTTP status
STATUS = {
    QuerySyntaxError: 400,
    QueryRefusedError: 400,
    QueryTimeoutError: 503,
    BackendUnavailableError: 503,
}


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""
    for exc_class, status in STATUS.items():
        app.register_error_handler(exc_class, _handler(status))


def _handler(status: int):
    """A handler answering ``status`` with the exception's message as plain text."""

    def handle(exc):
        return jsonify(error=type(exc).__name__, message=str(exc)), status

    return handle
