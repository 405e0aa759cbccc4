"""Fixtures shared by the whole suite: the project root, one build of dist/, and tool checks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str, why: str = "") -> str:
    """The path of an external tool; skip without it, but fail under CI=true."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed{': ' + why if why else ''} (.ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture()
def tool():
    """require_tool as a fixture, for test modules that do not import it."""
    return require_tool


@pytest.fixture(scope="session")
def root() -> Path:
    """The project directory (ontology/, data/, shapes/)."""
    return ROOT


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory) -> Path:
    """One build of the project's sources, shared by every test that reads dist/."""
    from netzwerke_kg.kg.build import build

    out = tmp_path_factory.mktemp("build") / "dist"
    build(ROOT, out)
    return out


@pytest.fixture(scope="session")
def built_store(built_dist):
    """A pyoxigraph store loaded from the built N-Quads.

    Its own default graph is empty: query with ``use_default_graph_as_union=True`` to see the
    union of the named graphs, as the endpoint does.
    """
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(built_dist / "netzwerke-kg.nq"), format=ox.RdfFormat.N_QUADS)
    return store
