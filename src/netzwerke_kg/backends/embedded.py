"""The default backend: a read-only pyoxigraph store loaded from the release, held in memory once.

The store holds every named graph of ``netzwerke-kg.nq`` plus ``void.ttl`` in the graph
``{base}graph/void``; the default graph is the union of the named graphs. Trust decides the road:

- our own queries (queries.py: ``select`` / ``ask`` / ``construct``) run in-process on the store,
  in about a millisecond, without a process hop;
- untrusted text (``query``: ``/sparql``, the CLI) runs in sandboxed worker processes forked from
  this one (pool.py, sandbox.py): killable on timeout, memory-capped, without network.

Loaded before gunicorn forks (``serve`` preloads the app), the store's memory is shared
copy-on-write by every web worker and every query worker. Nothing can write to it: updates are
refused before they reach the engine (limits.py) and ``Store.query`` executes queries only.
"""

from __future__ import annotations

from netzwerke_kg.backends import worker
from netzwerke_kg.backends.base import Backend, BackendError, BackendUnavailableError
from netzwerke_kg.backends.common import QueryRunner, manifest_graphs, void_graph_iri
from netzwerke_kg.backends.pool import Spawn, WorkerPool, worker_argv
from netzwerke_kg.config import Settings
from netzwerke_kg.kg.build import read_manifest


class EmbeddedBackend(QueryRunner, Backend):
    """pyoxigraph over the release: in-process for our queries, sandboxed workers for users'."""

    name = "embedded"

    def __init__(self, settings: Settings, pool_size: int | None = None):
        """Load the store (an unparsable dump raises here, at start-up) and prepare the workers."""
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
        void_path = str(void) if void.is_file() else None
        try:
            self.store = worker.load_store(str(nq), void_path, self.void_graph)
        except (OSError, SyntaxError, ValueError) as exc:
            raise BackendUnavailableError(f"cannot load {nq}: {exc}") from None
        network = bool(settings.service_allowlist)
        spawn = Spawn(store=self.store, memory_mb=settings.query_memory_mb, network=network,
                      max_frame=settings.max_answer_bytes + (1 << 20),
                      argv=worker_argv(str(nq), void_path, self.void_graph, settings.query_memory_mb, network))
        self.pool = WorkerPool(spawn, pool_size or settings.query_workers)
        self._graphs = manifest_graphs(settings, manifest)

    @property
    def graphs(self) -> frozenset[str]:
        """IRIs of the named graphs in the store (from the manifest, else read off the store once)."""
        if self._graphs is None:
            self._graphs = frozenset(g.value for g in self.store.named_graphs() if hasattr(g, "value"))
        return self._graphs

    def _execute(self, req: dict, info, timeout: float, trusted: bool) -> dict:
        """Our queries in-process; untrusted ones in a sandboxed worker, killed when they overrun."""
        if trusted:
            return worker.answer(self.store, req)
        return self.pool.call(req, timeout)

    def after_fork(self) -> None:
        """Start this process's query workers (gunicorn's post_fork hook; otherwise on first use)."""
        self.pool.start()

    def ping(self) -> dict:
        """Health: a sandboxed worker answers and reports the store and its confinement.

        When every worker is busy with a query, the node is still healthy (pages answer from the
        in-process store; queries wait their turn): that is said, and no worker is waited for, so
        a load balancer does not take a busy node out of rotation.
        """
        if self.pool.busy:
            return {"ok": True, "backend": self.name, "detail": "every query worker is busy; pages answer",
                    "quads": len(self.store), "graphs": len(self.graphs), "workers": self.pool.size,
                    "workers_busy": self.pool.size, "workers_killed": self.pool.killed}
        try:
            info = self.pool.ping(timeout=min(5.0, self.settings.query_timeout))
        except BackendError as exc:
            return {"ok": False, "backend": self.name, "detail": str(exc)}
        return {"ok": True, "backend": self.name, "detail": "pyoxigraph store loaded from the release",
                "quads": info["quads"], "graphs": len(info["graphs"]),
                "workers": self.pool.size, "workers_killed": self.pool.killed,
                "sandbox": {k: info.get(k) for k in ("network", "netns", "memory_limit", "pdeathsig")}}

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.close()
