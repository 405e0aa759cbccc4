"""A remote SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, QLever …) behind the same interface, over SPARQLWrapper.

Queries are scoped to our named graphs: engines such as Virtuoso take the union of *all* their
graphs (system graphs included) as the default graph, so when the client names no dataset we send
``default-graph-uri`` and ``named-graph-uri`` for every graph in dist/manifest.json (SPARQL 1.1
Protocol §2.1.4). Answers are read as SPARQL JSON / Turtle and re-serialised by results.py, so
both backends answer every format identically. The endpoint is asked afresh on every request, so
the backend recovers by itself when an unreachable endpoint comes back.
"""

from __future__ import annotations

import http.client
import math
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from netzwerke_kg.backends import results
from netzwerke_kg.backends.base import (
    AnswerTooLargeError,
    Backend,
    BackendUnavailableError,
    QuerySyntaxError,
    QueryTimeoutError,
)
from netzwerke_kg.backends.common import QueryRunner, manifest_graphs, render
from netzwerke_kg.backends.limits import canonical, explain_syntax_error
from netzwerke_kg.config import Settings
from netzwerke_kg.namespaces import graph_iri, prefixes

#: seconds the local syntax check may take (it runs on an empty store, see _check_syntax)
SYNTAX_CHECK_SECONDS = 2.0
#: media types that carry SPARQL JSON results (SPARQL 1.1 Query Results JSON §4; plain JSON as sent by some engines)
JSON_TYPES = ("application/sparql-results+json", "application/json")
#: media types that carry a Turtle graph (N-Triples is a subset of Turtle)
TURTLE_TYPES = ("text/turtle", "application/x-turtle", "application/turtle", "application/n-triples", "text/plain")


class RemoteEndpointError(BackendUnavailableError):
    """The remote endpoint answered, but with an error of its own (HTTP 502)."""


class RemoteBackend(QueryRunner, Backend):
    """Any SPARQL 1.1 endpoint, scoped to our named graphs."""

    name = "remote"

    def __init__(self, settings: Settings):
        """Remember the endpoint and our graph IRIs (from dist/manifest.json when present)."""
        super().__init__(settings)
        import pyoxigraph as ox

        from netzwerke_kg.backends.pool import Spawn, WorkerPool, worker_argv
        from netzwerke_kg.kg.build import read_manifest

        self.endpoint = settings.endpoint
        # None: no manifest, no scoping possible
        self.graphs = manifest_graphs(settings, read_manifest(settings.dist_dir) or {})
        # One empty-store worker checks syntax locally, so a syntax error reads the same on both backends.
        # It runs untrusted text, so it is sandboxed like the embedded workers (no network).
        self._syntax = WorkerPool(Spawn(store=ox.Store(), memory_mb=settings.query_memory_mb,
                                        argv=worker_argv(memory_mb=settings.query_memory_mb)), 1)

    def _check_syntax(self, sparql: str) -> None:
        """Parse with pyoxigraph on an empty store; raise QuerySyntaxError with its message and position."""
        try:
            answer = self._syntax.call({"op": "query", "sparql": sparql, "max_rows": 0,
                                        "base_iri": self.settings.base_iri}, SYNTAX_CHECK_SECONDS)
        except QueryTimeoutError:
            return  # it parsed and is busy evaluating (e.g. big VALUES blocks): syntax is fine
        if not answer.get("ok") and answer.get("kind") == "syntax":
            raise QuerySyntaxError(
                explain_syntax_error(sparql, answer["message"], prefixes(self.settings.base_iri)))

    def _wrapper(self, sparql: str, info, default_graphs, named_graphs, timeout: float):
        """A SPARQLWrapper set up for one request."""
        from SPARQLWrapper import POST, SPARQLWrapper

        sw = SPARQLWrapper(self.endpoint, agent="netzwerke-kg (+https://w3id.org/netzwerke-kg/)")
        sw.setMethod(POST)
        sw.setTimeout(max(1, math.ceil(timeout)))
        if default_graphs is None and named_graphs is None and not info.has_dataset_clause and self.graphs:
            default_graphs = named_graphs = sorted(self.graphs)
        elif (default_graphs is None) != (named_graphs is None):
            # Protocol §2.1.4: given one dataset parameter, the other part of the dataset is empty.
            # There is no way to send "no graphs", so name a graph that holds nothing.
            empty = [graph_iri("empty", self.settings.base_iri)]
            default_graphs, named_graphs = default_graphs or empty, named_graphs or empty
        for g in default_graphs or ():
            sw.addParameter("default-graph-uri", g)
        for g in named_graphs or ():
            sw.addParameter("named-graph-uri", g)
        sw.setQuery(sparql)
        return sw

    def _execute(self, req: dict, info, timeout: float, trusted: bool) -> dict:
        """Ask the endpoint (neutral terms back), then serialise here when the request asks.

        Untrusted text goes out in its canonical form (limits.canonical: no comments, no escapes),
        so the engine cannot read it otherwise than the checks did.
        """
        if not trusted:  # our own queries parse; a user's get the local parser's message
            self._check_syntax(req["sparql"])
        given = req["default_graphs"] is not None or req["named_graphs"] is not None
        sparql = req["sparql"] if trusted else canonical(req["sparql"], base=self.settings.base_iri,
                                                             drop_dataset=given)
        neutral = {"ok": True, **self._run(sparql, info, req["default_graphs"], req["named_graphs"],
                                           timeout, req["max_rows"])}
        return render(neutral, **req["render"]) if "render" in req else neutral

    def _run(self, sparql, info, default_graphs, named_graphs, timeout, max_rows) -> dict:
        """Ask the endpoint; answers come back as neutral terms."""
        from SPARQLWrapper import JSON, TURTLE

        sw = self._wrapper(sparql, info, default_graphs, named_graphs, timeout)
        graph = info.is_graph
        sw.setReturnFormat(TURTLE if graph else JSON)
        media, body = self._call(sw, timeout)
        if graph:
            self._expect(media, TURTLE_TYPES, info.form)
            return self._graph_answer(body, max_rows)
        self._expect(media, JSON_TYPES, info.form)
        return self._results_answer(body, info.form, max_rows)

    def _expect(self, media: str, offered: tuple[str, ...], form: str) -> None:
        """Refuse an answer in a media type that cannot carry a ``form`` result (502, not "no results")."""
        if media not in offered:
            raise RemoteEndpointError(
                f"The endpoint {self.endpoint} answered a {form} query with {media or 'no Content-Type'}, "
                f"not with {' or '.join(offered)}; its answer cannot be read.")

    def _results_answer(self, body: bytes, form: str, max_rows) -> dict:
        """Read SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/) strictly."""
        import json

        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("the answer is not a JSON object")
            if form == "ASK" or (form is None and "boolean" in data):
                if not isinstance(data.get("boolean"), bool):
                    raise ValueError("an ASK answer needs a boolean member")
                return {"form": "ASK", "boolean": data["boolean"]}
            variables = data["head"]["vars"]
            bindings = data["results"]["bindings"]
            if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
                raise ValueError("head.vars is not a list of names")
            if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
                raise ValueError("results.bindings is not a list of objects")
            bindings, truncated = results.capped(bindings, max_rows)
            rows = [tuple(results.from_json_binding(b[v]) if v in b else None for v in variables)
                    for b in bindings]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Foreign data: any shape error in it is the endpoint's fault, said as a 502.
            raise RemoteEndpointError(
                f"The endpoint {self.endpoint} sent malformed SPARQL JSON results ({_describe(exc)}).") from None
        return {"form": "SELECT", "vars": variables, "rows": rows, "truncated": truncated}

    def _graph_answer(self, data: bytes, max_rows) -> dict:
        """Parse a Turtle answer into neutral triples, deduplicated and capped."""
        import pyoxigraph as ox

        try:
            parsed = ox.parse(data, format=ox.RdfFormat.TURTLE)  # lazy: SyntaxError while iterating
            triples, truncated = results.unique_triples(parsed, max_rows)
        except (SyntaxError, ValueError) as exc:
            raise RemoteEndpointError(f"The endpoint {self.endpoint} sent unreadable Turtle: {exc}") from None
        return {"form": "GRAPH", "triples": triples, "truncated": truncated}

    def _call(self, sw, timeout: float) -> tuple[str, bytes]:
        """Send the request SPARQLWrapper built; the answer's media type and body (read up to the byte
        cap), with transport failures translated into backend errors."""
        # SPARQLWrapper builds the protocol request (method, Accept, dataset parameters); it is sent
        # by our own opener, which follows redirects only on the engine's host (_SameHostRedirects).
        request = sw._createRequest()
        cap = self.settings.max_answer_bytes
        try:
            with _OPENER.open(request, timeout=max(1, math.ceil(timeout))) as response:
                media = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
                body = response.read(cap + 1 if cap else -1)
        except _OffHostRedirect as exc:
            raise RemoteEndpointError(
                f"The SPARQL endpoint {self.endpoint} redirected to {exc.location}, another host; "
                "the redirect was not followed.") from None
        except urllib.error.HTTPError as exc:
            detail = _short(exc.read(2000).decode("utf-8", "replace")) if exc.fp else ""
            if exc.code == 400:
                raise QuerySyntaxError(f"The endpoint rejected the query: {detail}") from None
            raise RemoteEndpointError(
                f"The SPARQL endpoint {self.endpoint} answered HTTP {exc.code}"
                + (f": {detail}" if detail else ".")) from None
        except (TimeoutError, socket.timeout):
            raise QueryTimeoutError(
                f"The query was stopped after {timeout:g} s (the time limit of this endpoint): "
                f"{self.endpoint} did not answer in time."
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise QueryTimeoutError(
                    f"The query was stopped after {timeout:g} s: {self.endpoint} did not answer in time."
                ) from None
            raise BackendUnavailableError(
                f"The SPARQL endpoint {self.endpoint} cannot be reached ({exc.reason}). "
                "Try again later; this server reconnects by itself."
            ) from None
        except http.client.HTTPException as exc:  # a status line or body that breaks HTTP itself
            raise RemoteEndpointError(
                f"The SPARQL endpoint {self.endpoint} sent a broken HTTP answer ({_describe(exc)}).") from None
        except (ConnectionError, OSError) as exc:
            raise BackendUnavailableError(
                f"The SPARQL endpoint {self.endpoint} cannot be reached ({_describe(exc)}). "
                "Try again later; this server reconnects by itself."
            ) from None
        if cap and len(body) > cap:
            raise AnswerTooLargeError(
                f"The endpoint {self.endpoint} sent an answer larger than {cap} bytes "
                "(the answer size limit of this endpoint); narrow the query down (LIMIT).")
        return media, body

    def ping(self) -> dict:
        """Health: the endpoint answers ``ASK {}`` within a few seconds."""
        from SPARQLWrapper import JSON

        from netzwerke_kg.backends.limits import inspect_query

        try:
            sw = self._wrapper("ASK {}", inspect_query("ASK {}"), None, None, min(5.0, self.settings.query_timeout))
            sw.setReturnFormat(JSON)
            media, body = self._call(sw, 5.0)
            self._expect(media, JSON_TYPES, "ASK")
            self._results_answer(body, "ASK", None)
        except BackendUnavailableError as exc:
            return {"ok": False, "backend": self.name, "endpoint": self.endpoint, "detail": str(exc)}
        except QueryTimeoutError:
            return {"ok": False, "backend": self.name, "endpoint": self.endpoint,
                    "detail": f"{self.endpoint} did not answer ASK {{}} within 5 s"}
        detail = "reachable" if self.graphs else "reachable; no dist/manifest.json, so queries are not scoped to our graphs"
        return {"ok": True, "backend": self.name, "endpoint": self.endpoint, "detail": detail,
                "graphs": len(self.graphs or ())}

    def close(self) -> None:
        """Stop the syntax-check worker."""
        self._syntax.close()


def _short(exc) -> str:
    """The first 500 characters of a message or response body, whitespace folded."""
    text = " ".join(str(exc).split())
    return text[:500]


def _describe(exc: BaseException) -> str:
    """An exception as 'Type: message', short."""
    text = _short(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _OffHostRedirect(Exception):
    """The endpoint redirected to another scheme, host or port."""

    def __init__(self, location: str):
        """Remember where the endpoint wanted to send us."""
        super().__init__(location)
        self.location = location[:300]


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same scheme, host and port: the engine may move a path, but it
    must not send our server to fetch from anywhere else (SSRF)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """The redirected request when it stays on the engine's origin; else raise _OffHostRedirect."""
        if urlsplit(newurl)[:2] != urlsplit(req.full_url)[:2]:
            raise _OffHostRedirect(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


#: the opener every remote request goes through (same-host redirects only)
_OPENER = urllib.request.build_opener(_SameHostRedirects)
