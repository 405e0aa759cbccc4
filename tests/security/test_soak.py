"""A soak: several clients for a while against a live gunicorn server, mixing pages, downloads,
queries, 404s, hostile requests and now and then a query that runs to the time limit.

Nothing lost and nothing wrong served: every answer keeps SECURITY.md's promises (no 5xx but
503/504), the same query gives the same answer every time, and memory stays flat. ``make test``
runs it short (SOAK_SECONDS=20); ``make soak`` runs it for minutes with more clients.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest

from tests.security.hostile import request, violations

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "12"))
SOAK_CLIENTS = int(os.environ.get("SOAK_CLIENTS", "8"))
#: growth of the server's resident memory (web worker + query workers) tolerated over the soak
MAX_GROWTH_MB = 150

MEMBERS = ("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE { ?x org:organization "
           "<https://w3id.org/netzwerke-kg/id/network/union-of-the-baltic-cities> ; org:member ?m } ORDER BY ?m")
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
PAGES = ["/", "/page/city/rostock", "/page/network/union-of-the-baltic-cities", "/search?q=gda",
         "/downloads", "/void", "/ontology", "/sitemap.xml", "/robots.txt", "/health", "/fair-use",
         "/data/city/rostock.ttl", "/downloads/netzwerke-kg.nt", "/page/city/nowhere-" + "x" * 300]
HOSTILE = [("GET", "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { <urn:\\u0061#> ?p ?o . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")),
           ("GET", "/sparql?query=" + urllib.parse.quote("a." * 5000)),
           ("GET", "/downloads/..%2f..%2fpyproject.toml"), ("GET", "/page/city/%00"),
           ("PUT", "/sparql"), ("GET", "/sparql?query=INSERT%20DATA%7B%7D")]


def _rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes in MiB (from /proc)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


@pytest.mark.slow
def test_soak(live):
    """SOAK_CLIENTS clients for SOAK_SECONDS: no broken promise, same answers throughout, flat memory."""
    for path in PAGES:  # warm-up, so memory is measured after first renders and caches
        request(live.port, "GET", path)
    start_rss = _rss_mb(live.web_workers() + live.query_workers())
    statuses: Counter = Counter()
    problems: list = []
    digests: set = set()
    lock = threading.Lock()
    stop_at = time.monotonic() + SOAK_SECONDS

    def client(seed: int):
        """One client's loop of mixed requests."""
        rnd = random.Random(seed)
        while time.monotonic() < stop_at:
            roll = rnd.random()
            if roll < 0.55:
                answer = request(live.port, "GET", rnd.choice(PAGES), headers={"Accept": "text/html"})
            elif roll < 0.85:
                answer = request(live.port, "GET", "/sparql?" + urllib.parse.urlencode({"query": MEMBERS}),
                                 headers={"Accept": "application/sparql-results+json"})
                if answer.status == 200:
                    rows = json.loads(answer.body)["results"]["bindings"]
                    with lock:
                        digests.add(hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest())
            elif roll < 0.98:
                method, target = rnd.choice(HOSTILE)
                answer = request(live.port, method, target)
            else:
                answer = request(live.port, "POST", "/sparql", body=urllib.parse.urlencode({"query": EXPLOSIVE}).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
            with lock:
                statuses[answer.status] += 1
                found = violations(answer)
                if found:
                    problems.append((found, answer.status, answer.body[:200]))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(SOAK_CLIENTS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SOAK_SECONDS + 120)
    elapsed = time.monotonic() - began
    end_rss = _rss_mb(live.web_workers() + live.query_workers())
    total = sum(statuses.values())
    print(f"\nsoak: {SOAK_CLIENTS} clients, {elapsed:.0f} s, {total} requests ({total / elapsed:.0f}/s), "
          f"statuses {dict(sorted(statuses.items()))}, memory {start_rss:.0f} -> {end_rss:.0f} MiB")
    assert not problems, problems[:5]
    assert total > SOAK_CLIENTS * 10
    assert len(digests) == 1, "the same query gave different answers during the soak"
    assert end_rss - start_rss < MAX_GROWTH_MB, (start_rss, end_rss)
    assert request(live.port, "GET", "/health").status == 200
