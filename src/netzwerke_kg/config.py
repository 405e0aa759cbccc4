"""Settings: one frozen dataclass, built from arguments (tests) or from the environment (deploys)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from netzwerke_kg.namespaces import DEFAULT_BASE_IRI


@dataclass(frozen=True)
class Settings:
    """Everything the library, the backends and the web app may be configured with."""

    #: the project directory holding ontology/, data/ and shapes/ (like git: the current one)
    root: Path = field(default_factory=Path.cwd)
    #: where the build writes and the embedded backend reads; default ``{root}/dist``
    dist: Path | None = None
    #: the base IRI of the published data
    base_iri: str = DEFAULT_BASE_IRI
    #: a remote SPARQL 1.1 endpoint; None means the embedded pyoxigraph store
    endpoint: str | None = None
    #: seconds a query may run before it is stopped (503/504 to the client)
    query_timeout: float = 10.0
    #: the most result rows one response carries; truncation is always signalled
    max_rows: int = 10_000
    #: the largest request body or query string accepted, in bytes
    max_request_bytes: int = 1_000_000
    #: SERVICE endpoints a query may call; empty: SERVICE is refused
    service_allowlist: tuple[str, ...] = ()
    #: honour X-Forwarded-* headers (only behind a proxy you control)
    trust_proxy: bool = False
    #: killable worker processes answering embedded queries
    query_workers: int = 2
    #: address space one query worker may add beyond its loaded store, in MiB (RLIMIT_AS); 0: no cap
    query_memory_mb: int = 1024
    #: the largest serialised answer a query may produce, in bytes (413-style refusal beyond)
    max_answer_bytes: int = 50_000_000
    #: the in-memory response cache of each web worker, in bytes; 0 disables it
    cache_bytes: int = 64_000_000
    #: query seconds one client may spend per fair-use window (as WDQS does); 0 disables fair use
    fair_use_budget: float = 60.0
    #: the fair-use window in seconds
    fair_use_window: float = 60.0
    #: host names the server answers for in generated URLs (Host header); empty: the request's host
    #: is used only when it is loopback, else the base IRI's host
    allowed_hosts: tuple[str, ...] = ()

    def __post_init__(self):
        """Make the paths absolute, so nothing later resolves them against another directory."""
        object.__setattr__(self, "root", Path(self.root).resolve())
        if self.dist is not None:
            object.__setattr__(self, "dist", Path(self.dist).resolve())

    @property
    def dist_dir(self) -> Path:
        """The dist/ directory in use."""
        return self.dist if self.dist is not None else self.root / "dist"

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, prefix: str = "NETZWERKE_KG_", environ=None, **overrides) -> "Settings":
        """Settings from ``{prefix}FIELD`` environment variables; keyword arguments win."""
        environ = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            raw = environ.get(prefix + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _coerce(name: str, raw: str):
    """Turn one environment string into the type of the field ``name`` (read off its annotation)."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if name in {"root", "dist"}:
        return Path(raw)
    if kind == "float":
        return float(raw)
    if kind == "int":
        return int(raw)
    if kind == "bool":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind.startswith("tuple"):
        return tuple(s for s in raw.replace(",", " ").split() if s)
    if name == "endpoint":
        return raw or None
    return raw
