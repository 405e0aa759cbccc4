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
    """Turn one environment string into the type of the field ``name``."""
    if name in {"root", "dist"}:
        return Path(raw)
    if name in {"query_timeout"}:
        return float(raw)
    if name in {"max_rows", "max_request_bytes", "query_workers"}:
        return int(raw)
    if name == "trust_proxy":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if name == "service_allowlist":
        return tuple(s for s in raw.replace(",", " ").split() if s)
    if name == "endpoint":
        return raw or None
    return raw
