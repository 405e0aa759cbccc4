"""Fair use (web/fairuse.py): a budget of query seconds per client per window, as WDQS has; over
it 429 with Retry-After; pages and other clients are not affected; published in the service
description and on /fair-use; 0 switches it off.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app
from netzwerke_kg.web.fairuse import Ledger, OverBudget
from tests.security.hostile import request, violations
from tests.security.live import serving

ROOT = Path(__file__).resolve().parents[2]
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        """Start at 1000 s."""
        self.now = 1000.0

    def __call__(self) -> float:
        """The current time."""
        return self.now


def test_a_client_within_budget_may_query_and_is_charged_what_it_spent():
    """Budget 10 s per 60 s: a 4 s query leaves 6 s."""
    clock = Clock()
    ledger = Ledger(10, 60, clock=clock)
    token = ledger.start("a")
    clock.now += 4
    assert ledger.finish("a", token) == pytest.approx(4)
    assert ledger.balance("a") == pytest.approx(6)


def test_over_budget_is_refused_with_the_seconds_until_the_balance_is_positive():
    """A 25 s query on a 10 s budget leaves 15 s of debt: refused, Retry-After = 15 s × 60/10 = 90 s."""
    clock = Clock()
    ledger = Ledger(10, 60, clock=clock)
    token = ledger.start("a")
    clock.now += 25
    ledger.finish("a", token)
    with pytest.raises(OverBudget) as refused:
        ledger.start("a")
    assert refused.value.retry_after == 90
    assert "10 s of query time per 60 s" in refused.value.message
    clock.now += 90.5  # the bucket refills at budget/window per second
    ledger.finish("a", ledger.start("a"))


def test_one_clients_spending_does_not_touch_anothers_budget():
    """Client b keeps its whole budget while a is over."""
    clock = Clock()
    ledger = Ledger(5, 60, clock=clock)
    token = ledger.start("a")
    clock.now += 30
    ledger.finish("a", token)
    with pytest.raises(OverBudget):
        ledger.start("a")
    assert ledger.balance("b") == pytest.approx(5)
    ledger.start("b")


def test_running_queries_count_while_they_run():
    """A burst of parallel queries cannot all pass on one balance: running time counts at once."""
    clock = Clock()
    ledger = Ledger(10, 60, clock=clock)
    ledger.start("a")
    ledger.start("a")
    clock.now += 6  # two queries running for 6 s each: 12 s spent of 10
    with pytest.raises(OverBudget):
        ledger.start("a")


def test_the_balance_never_exceeds_the_budget_and_the_table_is_bounded():
    """Idle clients refill only up to the budget; the least recently seen are forgotten past the cap."""
    clock = Clock()
    ledger = Ledger(10, 60, clock=clock, max_clients=3)
    clock.now += 10_000
    assert ledger.balance("a") == pytest.approx(10)
    for name in "bcde":
        ledger.balance(name)
    assert len(ledger._clients) == 3 and "a" not in ledger._clients


@pytest.fixture(scope="module")
def tight_app(built_dist):
    """An app with a 1 s budget per 60 s and a 2 s query time limit."""
    app = create_app(Settings(root=ROOT, dist=built_dist, fair_use_budget=1.0, fair_use_window=60.0,
                              query_timeout=2.0, cache_bytes=0))
    app.config["TESTING"] = True
    yield app
    app.extensions["netzwerke_kg.backend"].close()


def _query(client, query: str, addr: str):
    """POST a query as the client at ``addr``."""
    return client.post("/sparql", data={"query": query}, environ_base={"REMOTE_ADDR": addr},
                       headers={"Accept": "application/sparql-results+json"})


def test_over_budget_is_429_with_retry_after_and_pages_still_answer(tight_app):
    """A client that spent its second gets 429 + Retry-After; its pages and another client's
    queries are answered."""
    client = tight_app.test_client()
    assert _query(client, EXPLOSIVE, "192.0.2.1").status_code == 503  # 2 s spent of a 1 s budget
    refused = _query(client, "ASK { ?s ?p ?o }", "192.0.2.1")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 60  # 1 s of debt refills at 1/60 s per second
    body = json.loads(refused.data)
    assert body["status"] == 429 and "fair-use budget" in body["message"]
    assert refused.headers["Access-Control-Allow-Origin"] == "*" and "Content-Security-Policy" in refused.headers
    page = client.get("/page/city/rostock", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert page.status_code == 200
    other = _query(client, "ASK { ?s ?p ?o }", "198.51.100.7")
    assert other.status_code == 200 and json.loads(other.data)["boolean"] is True


def test_ipv6_clients_are_charged_per_64(tight_app):
    """Two addresses of one IPv6 /64 share a budget (one host gets a /64)."""
    client = tight_app.test_client()
    assert _query(client, EXPLOSIVE, "2001:db8:1:2::1").status_code == 503
    assert _query(client, "ASK {}", "2001:db8:1:2::ffff").status_code == 429
    assert _query(client, "ASK {}", "2001:db8:1:3::1").status_code == 200


def test_the_budget_is_published_in_the_service_description_and_on_the_fair_use_page(tight_app):
    """sd: the #fair-use node carries the budget; /fair-use states budget and window in words."""
    client = tight_app.test_client()
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=r.data, format="turtle")
    node = next(s for s in graph.subjects(RDF.value, None) if str(s).endswith("#fair-use"))
    assert float(graph.value(node, RDF.value)) == 1.0
    comment = str(graph.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    assert "per 60 s" in comment and "429" in comment
    page = client.get("/fair-use")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1 seconds" in text and "60 seconds" in text and "429 Too Many Requests" in text
    de = client.get("/fair-use?lang=de").get_data(as_text=True)
    assert "Abfragezeit" in de


def test_budget_zero_switches_fair_use_off(built_dist):
    """fair_use_budget=0: no 429 however much a client spends (for benchmarks)."""
    app = create_app(Settings(root=ROOT, dist=built_dist, fair_use_budget=0.0, query_timeout=1.0, cache_bytes=0))
    try:
        client = app.test_client()
        for _ in range(3):
            assert _query(client, EXPLOSIVE, "192.0.2.9").status_code == 503
        assert _query(client, "ASK { ?s ?p ?o }", "192.0.2.9").status_code == 200
        graph = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
        node = next(s for s in graph.subjects(RDF.value, None) if str(s).endswith("#fair-use"))
        assert float(graph.value(node, RDF.value)) == 0
        assert "no per-client budget" in client.get("/fair-use").get_data(as_text=True)
    finally:
        app.extensions["netzwerke_kg.backend"].close()


@pytest.mark.slow
def test_a_live_server_answers_429_in_the_one_error_shape(built_dist, root, tmp_path):
    """Under gunicorn: over budget is 429 with Retry-After, CSP and CORS; /health is never charged."""
    with serving(root, built_dist, tmp_path / "serve.log", fair_use_budget=1.0, query_timeout=2.0) as live:
        body = urllib.parse.urlencode({"query": EXPLOSIVE}).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assert request(live.port, "POST", "/sparql", body=body, headers=form).status == 503
        refused = request(live.port, "GET", "/sparql?query=ASK%7B%7D&format=json")
        assert refused.status == 429 and int(refused.headers["retry-after"]) > 0
        assert not violations(refused)
        assert request(live.port, "GET", "/health").status == 200
        assert request(live.port, "GET", "/page/city/rostock").status == 200
