"""What both backends share: our graphs, refusing what is not allowed, the dataset, the caps, and one serialiser.

A backend implements only ``_execute`` (run one request, return a reply dict); this mixin turns
that into the Backend interface, so both backends refuse, cap and serialise identically. Two roads:
``query`` is for untrusted text (``/sparql``, the CLI) and asks for the answer already serialised
(``render``, run inside the sandboxed worker on the embedded backend); ``select`` / ``ask`` /
``construct`` are for our own queries (queries.py) and get neutral terms, in-process.
"""

from __future__ import annotations

import re

from netzwerke_kg.backends import results
from netzwerke_kg.backends.base import (
    AnswerTooLargeError,
    BackendError,
    QueryRefusedError,
    QueryResult,
    QuerySyntaxError,
)
from netzwerke_kg.backends.limits import QueryInfo, check_query, explain_syntax_error, inspect_query
from netzwerke_kg.config import Settings
from netzwerke_kg.namespaces import graph_iri, prefixes


def void_graph_iri(settings: Settings, manifest: dict | None = None) -> str:
    """The named graph holding the VoID description: ``{base}graph/void`` (the build's base wins)."""
    base = (manifest or {}).get("base_iri") or settings.base_iri
    return graph_iri("void", base)


def manifest_graphs(settings: Settings, manifest: dict) -> frozenset[str] | None:
    """Our named graphs: those dist/manifest.json lists plus the VoID graph; None when it lists none."""
    names = manifest.get("graphs")
    return frozenset(names) | {void_graph_iri(settings, manifest)} if names else None


def render(neutral: dict, *, media_type: str, graph_form: str | None, cap: int | None,
           link: str | None, base_iri: str, max_bytes: int | None) -> dict:
    """Serialise a neutral answer as ``media_type``: ``{"ok", "form", "body", "rows", "truncated"}``.

    Refusals come back as ``{"ok": False, "kind": "refused" | "too-large", "message"}``, so the same
    function runs in a worker process and in the web process.
    """
    try:
        return _render(neutral, media_type, graph_form, cap, link, base_iri, max_bytes)
    except results.NotRepresentableError as exc:  # e.g. U+0007 in SPARQL XML: say so, as a 406
        return {"ok": False, "kind": "unrepresentable", "message": str(exc)}


def _render(neutral, media_type, graph_form, cap, link, base_iri, max_bytes) -> dict:
    """render() without the translation of NotRepresentableError."""
    form = neutral["form"]
    truncated = neutral.get("truncated", False)
    if form == "GRAPH":
        form = graph_form or "CONSTRUCT"
        if media_type not in results.GRAPH_TYPES:
            return {"ok": False, "kind": "refused", "message": f"{form} results are not available as {media_type}"}
        note = (f"Result truncated: only the first {cap} triples are shown (row limit of this "
                f"endpoint, see {link or 'the service description'}).") if truncated else None
        body = results.write_graph(neutral["triples"], media_type, prefixes=prefixes(base_iri),
                                   truncated_note=note)
        rows = len(neutral["triples"])
    elif media_type not in results.RESULT_TYPES:
        return {"ok": False, "kind": "refused", "message": f"{form} results are not available as {media_type}"}
    elif form == "ASK":
        body, rows = results.write_ask(neutral["boolean"], media_type), 1
    else:
        body = results.write_select(neutral["vars"], neutral["rows"], media_type,
                                    link=(link or f"{base_iri}sparql#max-rows") if truncated else None)
        rows = len(neutral["rows"])
    if max_bytes and len(body) > max_bytes:
        return {"ok": False, "kind": "too-large", "message": (
            f"The answer is {len(body):,} bytes, more than the {max_bytes:,} bytes this endpoint sends "
            "for one query. Ask for fewer rows (LIMIT) or shorter values, or download a dump.")}
    return {"ok": True, "form": form, "body": body, "rows": rows, "truncated": truncated,
            "media_type": media_type}


#: words that make even one of our own queries go through the full check
_CHECK_ANYWAY = re.compile(r"service|from", re.IGNORECASE)
#: the form keyword of one of our own queries (after its PREFIX lines, which never contain one)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


class QueryRunner:
    """Implements query/select/ask/construct on top of ``_execute``."""

    graphs: frozenset[str] | None

    def __init__(self, settings: Settings):
        """Remember the settings (timeouts, caps, allowlist)."""
        self.settings = settings

    def _execute(self, req: dict, info: QueryInfo, timeout: float, trusted: bool) -> dict:
        """Run one request: a neutral answer (see worker.execute), rendered when ``req`` asks."""
        raise NotImplementedError

    def prepare(self, sparql: str, default_graph_uris=(), named_graph_uris=()) -> QueryInfo:
        """Lex the query and refuse updates, SERVICE and foreign graphs (raises QueryRefusedError)."""
        info = inspect_query(sparql, base=self.settings.base_iri)
        check_query(info, allowlist=self.settings.service_allowlist, graphs=self.graphs,
                    default_graph_uris=tuple(default_graph_uris), named_graph_uris=tuple(named_graph_uris))
        return info

    def _request(self, sparql: str, info: QueryInfo, default_graph_uris, named_graph_uris, max_rows) -> dict:
        """The request a backend executes: text, base IRI and dataset (SPARQL 1.1 Protocol §2.1.4)."""
        # Protocol dataset parameters, given by the client, replace the query's own FROM clauses;
        # None means "not given". Given either, the other is empty (see worker.dataset_options).
        dg = list(default_graph_uris) if default_graph_uris else None
        ng = list(named_graph_uris) if named_graph_uris else None
        return {"op": "query", "sparql": sparql, "base_iri": self.settings.base_iri,
                "default_graphs": dg, "named_graphs": ng, "query_dataset": info.has_dataset_clause,
                "max_rows": max_rows}

    def _checked(self, reply: dict, sparql: str) -> dict:
        """``reply`` when it is an answer; the matching backend error otherwise."""
        if reply.get("ok"):
            return reply
        kind, message = reply.get("kind"), reply.get("message", "query failed")
        if kind == "syntax":
            raise QuerySyntaxError(explain_syntax_error(sparql, message, prefixes(self.settings.base_iri)))
        if kind == "refused":
            raise QueryRefusedError(message)
        if kind == "too-large":
            raise AnswerTooLargeError(message)
        if kind == "unrepresentable":
            raise results.NotRepresentableError(message)
        if kind == "error":
            # The engine parsed the query and failed evaluating it (an unbound SERVICE variable, a
            # SERVICE the sandbox stopped …): the query's doing, so a 400 that quotes the engine.
            raise QueryRefusedError(f"The query could not be evaluated: {message}")
        raise BackendError(message)

    def _answer(self, sparql, default_graph_uris=(), named_graph_uris=(), timeout=None, max_rows=None,
                render_as: dict | None = None, trusted: bool = True):
        """Check (untrusted text only), build the request, execute; (info, checked reply)."""
        # Our own queries (queries.py) name no dataset and no SERVICE: lexing them on every page
        # would cost more than running them. One that mentions either is checked like a user's,
        # so a careless caller splicing text into a query can still not call out.
        if trusted and not _CHECK_ANYWAY.search(sparql):
            found = _FORM.search(sparql)
            info = QueryInfo(form=found.group(1).upper() if found else None)
        else:
            info = self.prepare(sparql, default_graph_uris, named_graph_uris)
        req = self._request(sparql, info, default_graph_uris, named_graph_uris, max_rows)
        if render_as is not None:
            req["render"] = {**render_as, "graph_form": info.form if info.is_graph else None}
        reply = self._execute(req, info, timeout or self.settings.query_timeout, trusted)
        return info, self._checked(reply, sparql)

    def query(self, sparql: str, media_type: str, *, default_graph_uris=(), named_graph_uris=(),
              timeout: float | None = None, link: str | None = None) -> QueryResult:
        """Run untrusted query text, serialised as ``media_type``; rows capped at settings.max_rows,
        bytes at settings.max_answer_bytes."""
        cap = self.settings.max_rows
        render_as = {"media_type": media_type, "cap": cap, "link": link, "base_iri": self.settings.base_iri,
                     "max_bytes": self.settings.max_answer_bytes}
        _, reply = self._answer(sparql, default_graph_uris, named_graph_uris, timeout, cap,
                                render_as=render_as, trusted=False)
        return QueryResult(reply["body"], media_type, reply["form"], reply["rows"], reply["truncated"])

    def select(self, sparql: str, *, timeout: float | None = None) -> list[dict]:
        """Run one of our SELECTs; rows map variable names to rdflib terms (unbound variables left out)."""
        _, answer = self._answer(sparql, timeout=timeout)
        if answer["form"] != "SELECT":
            raise QueryRefusedError("select() needs a SELECT query")
        return [{v: results.to_rdflib(t) for v, t in zip(answer["vars"], row) if t is not None}
                for row in answer["rows"]]

    def ask(self, sparql: str, *, timeout: float | None = None) -> bool:
        """Run one of our ASK queries."""
        _, answer = self._answer(sparql, timeout=timeout)
        if answer["form"] != "ASK":
            raise QueryRefusedError("ask() needs an ASK query")
        return bool(answer["boolean"])

    def construct(self, sparql: str, *, timeout: float | None = None):
        """Run one of our CONSTRUCT or DESCRIBE queries; an rdflib Graph."""
        from rdflib import Graph

        _, answer = self._answer(sparql, timeout=timeout)
        if answer["form"] != "GRAPH":
            raise QueryRefusedError("construct() needs a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for s, p, o in answer["triples"]:
            graph.add((results.to_rdflib(s), results.to_rdflib(p), results.to_rdflib(o)))
        return graph
