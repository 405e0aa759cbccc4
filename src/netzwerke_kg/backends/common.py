"""What both backends share: our graphs, refusing what is not allowed, the row cap, and one serialiser.

A backend only implements ``_run`` (execute, return neutral terms, see results.py); this mixin
turns that into the Backend interface, so both backends refuse, cap and serialise identically.
"""

from __future__ import annotations

from netzwerke_kg.backends import results
from netzwerke_kg.backends.base import QueryRefusedError, QueryResult
from netzwerke_kg.backends.limits import QueryInfo, check_query, inspect_query
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


class QueryRunner:
    """Implements query/select/ask/construct on top of ``_run``."""

    graphs: frozenset[str]

    def __init__(self, settings: Settings):
        """Remember the settings (timeouts, caps, allowlist)."""
        self.settings = settings

    def _run(self, sparql: str, info: QueryInfo, default_graphs, named_graphs, timeout: float,
             max_rows: int | None) -> dict:
        """Execute: {"form": "SELECT", "vars", "rows", "truncated"} | {"form": "ASK", "boolean"} | {"form": "GRAPH", "triples", "truncated"}."""
        raise NotImplementedError

    def prepare(self, sparql: str, default_graph_uris=(), named_graph_uris=()) -> QueryInfo:
        """Lex the query and refuse updates, SERVICE and foreign graphs (raises QueryRefusedError)."""
        info = inspect_query(sparql)
        check_query(info, allowlist=self.settings.service_allowlist, graphs=self.graphs,
                    default_graph_uris=tuple(default_graph_uris), named_graph_uris=tuple(named_graph_uris))
        return info

    def _answer(self, sparql, default_graph_uris=(), named_graph_uris=(), timeout=None, max_rows=None):
        """Check, then run with protocol dataset parameters (None = not given by the client)."""
        info = self.prepare(sparql, default_graph_uris, named_graph_uris)
        # SPARQL 1.1 Protocol §2.1.4: dataset parameters given by the client replace the query's own.
        dg = list(default_graph_uris) or None
        ng = list(named_graph_uris) or None
        # Whichever of the two the client leaves out stays "all our graphs", on both backends alike.
        if dg is not None and ng is None and self.graphs:
            ng = sorted(self.graphs)
        if ng is not None and dg is None and self.graphs:
            dg = sorted(self.graphs)
        answer = self._run(sparql, info, dg, ng, timeout or self.settings.query_timeout, max_rows)
        return info, answer

    def query(self, sparql: str, media_type: str, *, default_graph_uris=(), named_graph_uris=(),
              timeout: float | None = None, link: str | None = None) -> QueryResult:
        """Run a query and serialise it as ``media_type``, capping rows at settings.max_rows."""
        cap = self.settings.max_rows
        info, answer = self._answer(sparql, default_graph_uris, named_graph_uris, timeout, cap)
        form = answer["form"]
        if form == "GRAPH":
            form = info.form if info.is_graph else "CONSTRUCT"
            if media_type not in results.GRAPH_TYPES:
                raise QueryRefusedError(f"{form} results are not available as {media_type}")
            truncated = answer["truncated"]
            note = (f"Result truncated: only the first {cap} triples are shown (row limit of this "
                    f"endpoint, see {link or 'the service description'}).") if truncated else None
            body = results.write_graph(answer["triples"], media_type,
                                       prefixes=prefixes(self.settings.base_iri), truncated_note=note)
            return QueryResult(body, media_type, form, len(answer["triples"]), truncated)
        if media_type not in results.RESULT_TYPES:
            raise QueryRefusedError(f"{form} results are not available as {media_type}")
        if form == "ASK":
            return QueryResult(results.write_ask(answer["boolean"], media_type), media_type, "ASK", 1)
        truncated = answer["truncated"]
        body = results.write_select(answer["vars"], answer["rows"], media_type,
                                    link=(link or f"{self.settings.base_iri}sparql#max-rows") if truncated else None)
        return QueryResult(body, media_type, "SELECT", len(answer["rows"]), truncated)

    def select(self, sparql: str, *, timeout: float | None = None) -> list[dict]:
        """Run a SELECT; rows map variable names to rdflib terms (unbound variables left out)."""
        _, answer = self._answer(sparql, timeout=timeout)
        if answer["form"] != "SELECT":
            raise QueryRefusedError("select() needs a SELECT query")
        return [{v: results.to_rdflib(t) for v, t in zip(answer["vars"], row) if t is not None}
                for row in answer["rows"]]

    def ask(self, sparql: str, *, timeout: float | None = None) -> bool:
        """Run an ASK query."""
        _, answer = self._answer(sparql, timeout=timeout)
        if answer["form"] != "ASK":
            raise QueryRefusedError("ask() needs an ASK query")
        return bool(answer["boolean"])

    def construct(self, sparql: str, *, timeout: float | None = None):
        """Run a CONSTRUCT or DESCRIBE; an rdflib Graph."""
        from rdflib import Graph

        _, answer = self._answer(sparql, timeout=timeout)
        if answer["form"] != "GRAPH":
            raise QueryRefusedError("construct() needs a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for s, p, o in answer["triples"]:
            graph.add((results.to_rdflib(s), results.to_rdflib(p), results.to_rdflib(o)))
        return graph
