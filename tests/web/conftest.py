"""The web app over the embedded backend on one build of dist/, shared by every web test."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app
from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def app(built_dist):
    """create_app over the embedded pyoxigraph backend reading ``built_dist`` (session-scoped)."""
    settings = Settings(root=ROOT, dist=built_dist)
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["netzwerke_kg.backend"].close()


@pytest.fixture()
def client(app):
    """A Flask test client of the shared app."""
    return app.test_client()


# --- a real Virtuoso for the remote backend (../shared/recipes/virtuoso.md) -------------------------

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _isql(port: int, sql: str) -> str:
    """Run SQL through isql-vt against the private instance; its stdout."""
    out = subprocess.run(["isql-vt", f"127.0.0.1:{port}", "dba", "dba", f"exec={sql}"],
                         capture_output=True, text=True, timeout=300, check=True)
    return out.stdout


def _private_ini(vdir: Path, sql_port: int, http_port: int) -> Path:
    """The packaged virtuoso.ini rewritten for a private, loopback-only instance in ``vdir``."""
    text = VIRTUOSO_INI.read_text()
    text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{vdir}/db/")
    sections = re.split(r"(?m)^(?=\[)", text)
    out = []
    for section in sections:
        if section.startswith("[Parameters]"):
            section = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{sql_port}", section)
            section = re.sub(r"(?m)^DirsAllowed\s*=.*$",
                             f"DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad, {vdir}/import", section)
        elif section.startswith("[HTTPServer]"):
            section = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{http_port}", section)
        elif section.startswith("[SPARQL]"):
            # Virtuoso cuts results at ResultSetMaxRows silently; our own cap must be the one that acts.
            section = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", section)
        out.append(section)
    ini = vdir / "virtuoso.ini"
    ini.write_text("".join(out))
    return ini


@pytest.fixture(scope="session")
def virtuoso(built_dist, tmp_path_factory):
    """A private Virtuoso on loopback holding the build's named graphs; yields its SPARQL endpoint URL."""
    require_tool("virtuoso-t", "the remote-backend tests run against a real Virtuoso")
    require_tool("isql-vt")
    vdir = tmp_path_factory.mktemp("virtuoso")
    (vdir / "db").mkdir()
    (vdir / "import").mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = _private_ini(vdir, sql_port, http_port)
    log = open(vdir / "virtuoso.stdout", "wb")
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=vdir / "db",
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"virtuoso-t exited: {(vdir / 'db' / 'virtuoso.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("virtuoso-t did not answer within 120 s")
                time.sleep(0.2)
        manifest = json.loads((built_dist / "manifest.json").read_text())
        void_graph = f"{manifest['base_iri']}graph/void"
        shutil.copy(built_dist / "netzwerke-kg.nq", vdir / "import" / "netzwerke-kg.nq")
        shutil.copy(built_dist / "void.ttl", vdir / "import" / "void.ttl")
        imp = vdir / "import"
        # N-Quads carry their own graph names; the graph argument only applies to the Turtle file.
        _isql(sql_port, f"ld_dir('{imp}', 'netzwerke-kg.nq', '{void_graph}'); "
                        f"ld_dir('{imp}', 'void.ttl', '{void_graph}'); rdf_loader_run(); checkpoint;")
        # isql exits 0 even when a file failed to load: check the loader's own bookkeeping.
        bad = _isql(sql_port, "SELECT ll_file, ll_error FROM DB.DBA.load_list "
                              "WHERE ll_state <> 2 OR ll_error IS NOT NULL;")
        if "0 Rows." not in bad:
            pytest.fail(f"Virtuoso bulk load failed:\n{bad}")
        yield {"url": url, "pid": proc.pid, "dir": vdir, "graphs": {**manifest["graphs"]},
               "void_graph": void_graph}
    finally:
        proc.terminate()  # by PID, never by name: other runs may have their own instance
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


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


@pytest.fixture()
def tool():
    """require_tool as a fixture, for test modules (which cannot import a conftest)."""
    return require_tool
