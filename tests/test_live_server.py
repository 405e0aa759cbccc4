"""Real clients (SPARQLWrapper, curl) against a live gunicorn server on loopback, started like `serve` does."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from tests.security.live import serving as live_serving

NKG = "https://w3id.org/netzwerke-kg/"
MEMBERS = f"""PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?member WHERE {{ ?m org:organization <{NKG}id/network/union-of-the-baltic-cities> ; org:member ?member }}
ORDER BY ?member"""


@contextmanager
def serving(root, dist, log, *, workers: int = 2, query_timeout: float = 10.0, env: dict | None = None):
    """`serve()` under gunicorn on a free loopback port, as `make serve` runs it; yields the base URL.
    ``env`` adds environment variables (e.g. PYTHONHASHSEED) to the server's."""
    with live_serving(root, dist, log, workers=workers, env=env, query_timeout=query_timeout) as live:
        yield live.base


@pytest.fixture(scope="module")
def live(built_dist, root, tmp_path_factory):
    """`serve()` under gunicorn (2 workers) on a free loopback port; yields the base URL and log."""
    log = tmp_path_factory.mktemp("live") / "serve.log"
    with serving(root, built_dist, log) as base:
        yield {"base": base, "log": log}


def test_one_gunicorn_worker_answers_while_a_slow_query_runs(built_dist, root, tmp_path):
    """With a single gunicorn worker, a cheap request is answered while an explosive query runs."""
    explosive = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
                 "?m ?n1 ?o . ?p ?q ?r }")
    timeout = 4.0
    with serving(root, built_dist, tmp_path / "serve.log", workers=1, query_timeout=timeout) as base:
        slow: dict = {}

        def send_explosive():
            """Send the explosive query and remember its status and duration."""
            started = time.monotonic()
            request = urllib.request.Request(
                base + "/sparql", data=urllib.parse.urlencode({"query": explosive}).encode(),
                headers={"Accept": "application/sparql-results+json"})
            try:
                urllib.request.urlopen(request, timeout=60).close()
                slow["status"] = 200
            except urllib.error.HTTPError as exc:
                slow["status"] = exc.code
                slow["body"] = exc.read().decode("utf-8", "replace")
            slow["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=send_explosive)
        thread.start()
        time.sleep(1.0)  # the explosive query is running in a query worker now
        started = time.monotonic()
        with urllib.request.urlopen(base + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D&format=json",
                                    timeout=30) as r:
            assert json.loads(r.read())["boolean"] is True
        cheap_seconds = time.monotonic() - started
        thread.join(timeout=60)
        assert "seconds" in slow, "the explosive request never finished"
        assert cheap_seconds < timeout - 1.0, f"the cheap request waited {cheap_seconds:.1f} s"
        assert slow["status"] == 503 and "stopped" in slow["body"], slow
        assert slow["seconds"] < timeout + 5


def test_serve_prints_its_urls(live):
    """serve prints the URLs it serves."""
    text = live["log"].read_text()
    assert f"{live['base']}/sparql" in text and f"{live['base']}/health" in text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json_and_xml(live, method):
    """SPARQLWrapper: SELECT as JSON and as XML, by GET and by POST, same members."""
    sw = SPARQLWrapper(live["base"] + "/sparql")
    sw.setMethod(method)
    sw.setQuery(MEMBERS)
    sw.setReturnFormat(JSON)
    members = [b["member"]["value"] for b in sw.query().convert()["results"]["bindings"]]
    assert len(members) > 10
    sw.setReturnFormat(XML)
    doc = sw.query().convert()  # an xml.dom.minidom Document
    uris = [n.firstChild.data for n in doc.getElementsByTagName("uri")]
    assert uris == members


def test_sparqlwrapper_ask_construct_csv(live):
    """SPARQLWrapper: ASK, CONSTRUCT as Turtle, SELECT as CSV, with a default graph."""
    sw = SPARQLWrapper(live["base"] + "/sparql")
    sw.setMethod(POST)
    sw.setQuery(f"ASK {{ <{NKG}id/city/rostock> ?p ?o }}")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setQuery(f"CONSTRUCT WHERE {{ <{NKG}id/city/rostock> ?p ?o }}")
    sw.setReturnFormat(TURTLE)
    assert len(Graph().parse(data=sw.query().convert(), format="turtle")) > 5
    sw = SPARQLWrapper(live["base"] + "/sparql")
    sw.addDefaultGraph(f"{NKG}graph/data/countries")
    sw.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    sw.setReturnFormat(CSV)
    lines = sw.query().convert().decode().split()
    assert lines[0] == "n" and int(lines[1]) > 0


def _curl(*args: str) -> subprocess.CompletedProcess:
    """Run curl quietly, writing headers and body to stdout."""
    return subprocess.run(["curl", "-sS", *args], capture_output=True, text=True, timeout=60)


def test_curl_forms_and_errors(live, tool):
    """curl: GET with Accept, form POST, direct POST, HEAD, PUT refused, CORS preflight."""
    tool("curl", "curl is one of the real clients the issue names")
    url = live["base"] + "/sparql"
    r = _curl("-H", "Accept: text/csv", "-G", "--data-urlencode", f"query={MEMBERS}", url)
    assert r.stdout.splitlines()[0] == "member" and len(r.stdout.splitlines()) > 10
    r = _curl("--data-urlencode", f"query={MEMBERS}", url)
    form_members = json.loads(r.stdout)["results"]["bindings"]
    r = _curl("-H", "Content-Type: application/sparql-query", "--data-binary", MEMBERS, url)
    assert json.loads(r.stdout)["results"]["bindings"] == form_members
    r = _curl("-I", "-G", "--data-urlencode", "query=ASK {}", url)
    assert r.stdout.splitlines()[0].split()[1] == "200"
    r = _curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data", "x", url)
    assert r.stdout == "405"
    r = _curl("-i", "-X", "OPTIONS", "-H", "Origin: https://example.org",
              "-H", "Access-Control-Request-Method: POST", url)
    headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip()
               for line in r.stdout.splitlines()[1:] if ":" in line}
    assert headers.get("access-control-allow-origin") == "*"
