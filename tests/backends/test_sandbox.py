"""The query sandbox (backends/sandbox.py, pool.py, limits.py): no outbound request, for every escape form,
even when the lexer is bypassed; memory and answer size capped; workers die with their parent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager

import pytest

from netzwerke_kg.backends import common
from netzwerke_kg.backends.embedded import EmbeddedBackend
from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app
from tests.web.test_sparql_limits import Listener


def hostile_queries(port: int) -> dict[str, str]:
    """Queries whose SERVICE (or what the engine reads as SERVICE) targets 127.0.0.1:port."""
    url = f"http://127.0.0.1:{port}/x"
    body = "{ ?s ?p ?o }"
    return {
        "u-escape in IRI hides the rest of the line": f"SELECT * {{ <urn:\\u0061#> ?p ?o . SERVICE <{url}> {body} }}",
        "U-escape in IRI": f"SELECT * {{ <urn:\\U00000061#> ?p ?o .\nSERVICE <{url}> {body} }}",
        "u-escape of a quote in a string": f'SELECT * {{ BIND("\\u0022 #" AS ?x) SERVICE <{url}> {body} }}',
        "escaped quote in a string": f'SELECT * {{ BIND("\\" #" AS ?x) SERVICE <{url}> {body} }}',
        "long string with quotes": f"SELECT * {{ BIND('''a'' # ''' AS ?x) SERVICE <{url}> {body} }}",
        "escaped SERVICE target": f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/\\u0078> {body} }}",
        "keyword glued to a prefixed name": f"PREFIX : <http://127.0.0.1:{port}/> SELECT * {{ SERVICE:x {body} }}",
        "keyword glued to SILENT": f"SELECT * {{ SERVICESILENT <{url}> {body} }}",
        "keyword glued to a variable": f"SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE?e {body} }}",
        "keyword after a number": f"SELECT * {{ ?s ?p 1SERVICE <{url}> {body} }}",
        "keyword after a dot": f"SELECT * {{ ?s ?p true.SERVICE <{url}> {body} }}",
        "less-than read as an IRI": f"SELECT * {{ BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b)SERVICE?e#>\n{body} "
                                    f"VALUES ?e {{ <{url}> }} }}",
        "lower case, comment before the target": f"select * {{ service #c\n<{url}> {body} }}",
        "prefix named like the keyword": f"PREFIX service: <http://127.0.0.1:{port}/> SELECT * {{ SERVICE service:x {body} }}",
        "relative IRI against BASE": f"BASE <http://127.0.0.1:{port}/> SELECT * {{ SERVICE <x> {body} }}",
        "escaped prefix IRI": f"PREFIX e: <http://127.0.0.1:{port}\\u002F> SELECT * {{ SERVICE e:x {body} }}",
    }


@pytest.fixture(scope="module")
def backend(built_dist, root):
    """The embedded backend with its default sandbox."""
    b = EmbeddedBackend(Settings(root=root, dist=built_dist, query_timeout=5, query_workers=1))
    yield b
    b.close()


@pytest.fixture
def listener():
    """A local listener that must receive nothing."""
    lst = Listener()
    yield lst
    lst.close()


def test_the_sandbox_is_active_and_reported(backend):
    """/health names the confinement: seccomp on Linux x86_64/aarch64 (CI must have it)."""
    client = create_app(backend.settings, backend).test_client()
    sandbox = json.loads(client.get("/health").data)["sandbox"]
    assert sandbox["network"] == "seccomp", sandbox
    assert sandbox["pdeathsig"] is True and sandbox["memory_limit"]


@pytest.mark.parametrize("name", sorted(hostile_queries(1)))
def test_no_escape_form_reaches_the_network(backend, listener, name):
    """Every form is refused (4xx) and the listener receives nothing."""
    client = create_app(backend.settings, backend).test_client()
    query = hostile_queries(listener.port)[name]
    r = client.get("/sparql", query_string={"query": query})
    assert 400 <= r.status_code < 500, (name, r.status_code, r.data[:300])
    time.sleep(0.2)
    assert listener.connections == [], name


@pytest.mark.parametrize("name", sorted(hostile_queries(1)))
def test_with_the_lexer_bypassed_the_worker_still_cannot_connect(backend, listener, monkeypatch, name):
    """Defence in depth: with the SERVICE check switched off, the sandboxed worker opens no socket."""
    monkeypatch.setattr(common, "check_query", lambda *args, **kwargs: None)
    client = create_app(backend.settings, backend).test_client()
    r = client.get("/sparql", query_string={"query": hostile_queries(listener.port)[name]})
    assert r.status_code < 500, (name, r.status_code, r.data[:300])
    time.sleep(0.2)
    assert listener.connections == [], name


def test_a_worker_called_directly_cannot_connect(backend, listener):
    """The worker process itself refuses sockets: a SERVICE sent past every check fails there."""
    reply = backend.pool.call({"op": "query", "sparql": f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/> "
                                                      "{ ?s ?p ?o } }", "max_rows": 10}, 5)
    assert not reply["ok"] and "denied" in reply["message"].lower()
    time.sleep(0.2)
    assert listener.connections == []


DOUBLING = ('SELECT (STRLEN(?x30) AS ?n) WHERE { BIND(REPEAT("a", 1024) AS ?x0) '
            + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(30)) + " }")
DOUBLING = DOUBLING.replace('REPEAT("a", 1024)', '"' + "a" * 1024 + '"')


@contextmanager
def embedded(built_dist, root, **settings):
    """An embedded backend with these settings (one query worker) and a test client of its app."""
    s = Settings(root=root, dist=built_dist, query_workers=1, **settings)
    b = EmbeddedBackend(s)
    try:
        yield b, create_app(s, b).test_client()
    finally:
        b.close()


def test_memory_cap_stops_the_query_with_a_clear_503_and_the_worker_is_replaced(built_dist, root):
    """A query doubling a string until it needs gigabytes: 503 naming the limit; the next query works."""
    with embedded(built_dist, root, query_timeout=20, query_memory_mb=256) as (_, client):
        r = client.get("/sparql", query_string={"query": DOUBLING})
        assert r.status_code == 503, r.data[:300]
        assert "256 MiB" in json.loads(r.data)["message"]
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def concatenation(parts: int) -> str:
    """A query whose one answer is ``parts`` kilobytes of one literal."""
    return 'SELECT ?x WHERE { BIND(CONCAT(' + ", ".join(['"' + "b" * 1000 + '"'] * parts) + ') AS ?x) }'


def test_answers_over_the_byte_cap_are_refused_with_413(built_dist, root):
    """max_answer_bytes counts bytes, not rows: one long literal is enough."""
    with embedded(built_dist, root, max_answer_bytes=50_000) as (_, client):
        r = client.get("/sparql", query_string={"query": concatenation(60)})
        assert r.status_code == 413
        assert "50,000 bytes" in json.loads(r.data)["message"]
        assert client.get("/sparql", query_string={"query": concatenation(2)}).status_code == 200


def test_a_large_answer_crosses_the_pipe_whole(built_dist, root):
    """A 20 MB answer arrives complete (read into one buffer, not by repeated concatenation)."""
    with embedded(built_dist, root, max_answer_bytes=100_000_000) as (b, _):
        lit = '"' + "c" * 10_000 + '"'
        q = ("SELECT ?x WHERE { VALUES ?i { " + " ".join(str(i) for i in range(2000)) + " } BIND(CONCAT("
             + lit + ", STR(?i)) AS ?x) }")
        result = b.query(q, "text/csv")
        assert result.rows == 2000 and len(result.body) > 20_000_000


def test_query_workers_die_with_their_web_worker(built_dist, root, tmp_path):
    """A web worker SIGKILLed mid-query leaves no query worker behind (PR_SET_PDEATHSIG)."""
    script = tmp_path / "owner.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        from netzwerke_kg.backends.embedded import EmbeddedBackend
        from netzwerke_kg.config import Settings
        b = EmbeddedBackend(Settings(root={str(root)!r}, dist={str(built_dist)!r}, query_workers=2))
        b.pool.start()
        print(" ".join(str(w.proc.pid) for w in b.pool._idle), flush=True)
        time.sleep(60)
    """))
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    pids = [int(p) for p in owner.stdout.readline().split()]
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    owner.send_signal(signal.SIGKILL)
    owner.wait(10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_started_from_a_short_lived_thread_outlive_it(built_dist, root):
    """PDEATHSIG follows the forking *thread*: workers started by a request thread (werkzeug makes
    one per request) must not die when that thread ends, so a spawner thread forks them all."""
    import threading

    b = EmbeddedBackend(Settings(root=root, dist=built_dist, query_workers=1))
    try:
        t = threading.Thread(target=lambda: b.query("ASK {}", "application/sparql-results+json"))
        t.start()
        t.join(30)
        pid = b.pool._idle[0].proc.pid
        time.sleep(0.5)
        assert _alive(pid)
        assert b.query("ASK { ?s ?p ?o }", "application/sparql-results+json").body
        assert b.pool._idle[0].proc.pid == pid
    finally:
        b.close()
