"""The one interface every SPARQL backend implements (embedded pyoxigraph, remote SPARQLWrapper).

The web layer talks to storage only through this interface, so every route behaves the same over
the embedded store and over a remote engine such as Virtuoso.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class BackendError(Exception):
    """Base of the errors a backend raises; web/errors.py maps each subclass to an HTTP status."""


class QuerySyntaxError(BackendError):
    """The query does not parse; the message quotes the parser and its position (HTTP 400)."""


class QueryRefusedError(BackendError):
    """The query is well-formed but not allowed here: SERVICE, updates … (HTTP 400/403)."""


class AnswerTooLargeError(QueryRefusedError):
    """The serialised answer would exceed the byte cap of this endpoint (HTTP 413)."""


class QueryTimeoutError(BackendError):
    """The query ran past the configured timeout and was stopped (HTTP 503)."""


class BackendUnavailableError(BackendError):
    """The backend (e.g. a remote endpoint) cannot be reached right now (HTTP 502/503)."""


@dataclass(frozen=True)
class QueryResult:
    """A query answer serialised in the requested media type."""

    body: bytes
    media_type: str
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    rows: int | None = None  # solutions or triples, when known
    truncated: bool = False  # True when the row cap cut the result


class Backend(ABC):
    """Where SPARQL gets answered. Implementations never import Flask."""

    name: str = "backend"

    @abstractmethod
    def query(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graph_uris: tuple[str, ...] = (),
        named_graph_uris: tuple[str, ...] = (),
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a query and serialise its answer as ``media_type``."""

    @abstractmethod
    def select(self, sparql: str, *, timeout: float | None = None) -> list[dict]:
        """Run a SELECT; each row maps variable names to rdflib terms (URIRef, Literal, BNode)."""

    @abstractmethod
    def ask(self, sparql: str, *, timeout: float | None = None) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, sparql: str, *, timeout: float | None = None):
        """Run a CONSTRUCT or DESCRIBE; returns an rdflib Graph."""

    @abstractmethod
    def ping(self) -> dict:
        """Health: ``{"ok": bool, "backend": name, "detail": str, ...}``; never raises."""

    def after_fork(self) -> None:
        """Called in each web worker after gunicorn forked it: start per-process resources."""

    def close(self) -> None:
        """Release processes, connections and files."""
