"""The default backend: a read-only pyoxigraph store loaded from dist/, queried in killable workers.

The store holds every named graph of ``dist/netzwerke-kg.nq`` plus ``dist/void.ttl`` in the graph
``{base}graph/void``; the default graph is the union of the named graphs. Nothing can write to
it: updates are refused before they reach the engine (limits.py) and ``Store.query`` executes
queries only.
"""

from __future__ import annotations

from netzwerke_kg.backends.base import (
    Backend,
    BackendError,
    BackendUnavailableError,
    QuerySyntaxError,
)
from netzwerke_kg.backends.common import QueryRunner, manifest_graphs, void_graph_iri
from netzwerke_kg.backends.limits import explain_syntax_error
from netzwerke_kg.backends.pool import WorkerPool, worker_argv
from netzwerke_kg.config import Settings
from netzwerke_kg.kg.build import read_manifest
from netzwerke_kg.namespaces import prefixes


class EmbeddedBackend(QueryRunner, Backend):
    """pyoxigraph over dist/, each query in a worker process that is killed when it overruns."""

    name = "embedded"

    def __init__(self, settings: Settings, pool_size: int | None = None):
        """Start the workers (they load dist/ in the background); raise if dist/ has no dump."""
        super().__init__(settings)
        dist = settings.dist_dir
        nq = dist / "netzwerke-kg.nq"
        if not nq.is_file():
            raise BackendUnavailableError(
                f"{nq} does not exist: run `netzwerke-kg build` first (serve does it for you)."
            )
        manifest = read_manifest(dist) or {}
        void = dist / "void.ttl"
        self.void_graph = void_graph_iri(settings, manifest)
        argv = worker_argv(str(nq), str(void) if void.is_file() else None, self.void_graph)
        self.pool = WorkerPool(argv, pool_size or settings.query_workers)
        self._graphs = manifest_graphs(settings, manifest)

    @property
    def graphs(self) -> frozenset[str]:
        """IRIs of the named graphs in the store (from dist/manifest.json, else asked from a worker once)."""
        if self._graphs is None:
            self._graphs = frozenset(self.pool.ping(self.settings.query_timeout + 60)["graphs"])
        return self._graphs

    def _run(self, sparql: str, info, default_graphs, named_graphs, timeout: float, max_rows) -> dict:
        """Run the query in a worker; the worker's neutral answer (see worker.execute)."""
        answer = self.pool.call(
            {"op": "query", "sparql": sparql, "default_graphs": default_graphs,
             "named_graphs": named_graphs, "max_rows": max_rows},
            timeout,
        )
        if not answer.get("ok"):
            if answer.get("kind") == "syntax":
                raise QuerySyntaxError(
                    explain_syntax_error(sparql, answer["message"], prefixes(self.settings.base_iri)))
            raise BackendError(answer.get("message", "query failed"))
        return answer

    def ping(self) -> dict:
        """Health: a worker answers and reports the size of the store."""
        try:
            info = self.pool.ping(timeout=min(5.0, self.settings.query_timeout))
        except BackendError as exc:
            return {"ok": False, "backend": self.name, "detail": str(exc)}
        return {"ok": True, "backend": self.name, "detail": "pyoxigraph store loaded from dist/",
                "quads": info["quads"], "graphs": len(info["graphs"]),
                "workers": self.pool.size, "workers_killed": self.pool.killed}

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.close()

