"""The web app over the embedded backend on one build of dist/, shared by every web test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app
from tests.conftest import require_tool
from tests.support.virtuoso import running_virtuoso
from tiny_project import tiny_app, tiny_build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def app(built_dist):
    """create_app over the embedded pyoxigraph backend reading ``built_dist`` (session-scoped)."""
    settings = Settings(root=ROOT, dist=built_dist)
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["netzwerke_kg.backend"].close()


@pytest.fixture(scope="session")
def manifest(built_dist) -> dict:
    """The manifest of the test build."""
    return json.loads((built_dist / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture()
def client(app):
    """A Flask test client of the shared app."""
    return app.test_client()


@pytest.fixture(scope="session")
def tiny_client(tmp_path_factory):
    """A client of the app over the tiny build (tests/web/tiny_project.py: the evil labels), per session."""
    root, dist = tiny_build(tmp_path_factory)
    app = tiny_app(root, dist)
    # no cookie jar: the session-wide client must not carry one test's ?lang= choice (a cookie,
    # web/i18n.py) into the next test; tests of the cookie use a client of their own
    yield app.test_client(use_cookies=False)
    app.extensions["netzwerke_kg.backend"].close()


# --- a real Virtuoso for the remote backend (../shared/recipes/virtuoso.md) -------------------------

@pytest.fixture(scope="session")
def virtuoso(built_dist, tmp_path_factory):
    """A private Virtuoso on loopback holding the build's named graphs (tests/support/virtuoso.py).

    Yields ``{"url", "pid", "dir", "graphs", "void_graph"}``; a failed start or load fails the test.
    """
    require_tool("virtuoso-t", "the remote-backend tests run against a real Virtuoso")
    require_tool("isql-vt")
    try:
        with running_virtuoso(built_dist, tmp_path_factory.mktemp("virtuoso")) as facts:
            yield facts
    except RuntimeError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def remote_app(built_dist, virtuoso):
    """create_app over the remote backend pointing at the private Virtuoso."""
    settings = Settings(root=ROOT, dist=built_dist, endpoint=virtuoso["url"])
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["netzwerke_kg.backend"].close()


@pytest.fixture(params=["embedded", pytest.param("remote", marks=pytest.mark.virtuoso)])
def backend_app(request):
    """The contract suite's app: the same tests over the embedded and the remote backend."""
    if request.param == "embedded":
        return request.getfixturevalue("app")
    return request.getfixturevalue("remote_app")


@pytest.fixture()
def sparql_client(backend_app):
    """A test client of ``backend_app``."""
    return backend_app.test_client()


@pytest.fixture(scope="session")
def oracle_store(built_dist):
    """The answer key: pyoxigraph in-process over the build's quads plus void.ttl in {base}graph/void."""
    import pyoxigraph as ox

    manifest = json.loads((built_dist / "manifest.json").read_text())
    store = ox.Store()
    store.bulk_load(path=str(built_dist / "netzwerke-kg.nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(path=str(built_dist / "void.ttl"), format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(f"{manifest['base_iri']}graph/void"))
    return store
