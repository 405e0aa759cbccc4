"""``python -m bench``: side-by-side timings with ratios, on the project's own data and query shapes.

1. Engines in-process: pyoxigraph vs rdflib's SPARQL engine over the same quads (why rdflib's
   engine is kept off request paths).
2. Through the Flask app: the embedded backend (worker processes) vs the remote backend on a
   private Virtuoso (skipped when virtuoso-t is not installed).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
B = "https://w3id.org/netzwerke-kg/"
PREFIXES = f"""PREFIX org: <http://www.w3.org/ns/org#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/> PREFIX nkg: <{B}ontology#>
"""
QUERIES = {
    "member list (UBC, labels)": PREFIXES + f"""SELECT ?member ?label WHERE {{
        ?m org:organization <{B}id/network/union-of-the-baltic-cities> ; org:member ?member .
        OPTIONAL {{ ?member rdfs:label ?label FILTER(lang(?label) = "en") }} }} ORDER BY ?label""",
    "networks of a city (Rostock)": PREFIXES + f"""SELECT ?network ?label ?role WHERE {{
        ?m org:member <{B}id/city/rostock> ; org:organization ?network ; org:role ?role .
        ?network rdfs:label ?label FILTER(lang(?label) = "en") }} ORDER BY ?label""",
    "members per network (count)": PREFIXES + """SELECT ?network (COUNT(DISTINCT ?member) AS ?n) WHERE {
        ?m org:organization ?network ; org:member ?member } GROUP BY ?network ORDER BY DESC(?n)""",
    "cities per country (count)": PREFIXES + """SELECT ?country (COUNT(?city) AS ?n) WHERE {
        ?city a schema:City ; schema:containedInPlace ?country } GROUP BY ?country ORDER BY DESC(?n)""",
    "triples (count, union graph)": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
}


def timed(fn, repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def table(title: str, left: str, right: str, rows: list[tuple[str, float, float]]) -> None:
    """Print one comparison with ratios right/left."""
    print(f"\n{title}")
    print(f"  {'query':32} {left:>14} {right:>14} {'ratio':>8}")
    for name, a, b in rows:
        print(f"  {name:32} {a:11.2f} ms {b:11.2f} ms {b / a:7.1f}x")


def engines(dist: Path) -> None:
    """pyoxigraph vs rdflib in-process, same data, same queries."""
    import pyoxigraph as ox
    from rdflib import Dataset

    store = ox.Store()
    store.bulk_load(path=str(dist / "netzwerke-kg.nq"), format=ox.RdfFormat.N_QUADS)
    ds = Dataset(default_union=True)
    ds.parse(dist / "netzwerke-kg.nq", format="nquads")
    rows = []
    for name, q in QUERIES.items():
        a = timed(lambda: list(store.query(q, use_default_graph_as_union=True)), 20)
        b = timed(lambda: list(ds.query(q)), 3)
        rows.append((name, a, b))
    table("1. engines in-process (median)", "pyoxigraph", "rdflib", rows)


def backends(dist: Path) -> None:
    """The same queries through the Flask app: embedded backend vs remote Virtuoso."""
    from netzwerke_kg.config import Settings
    from netzwerke_kg.web import create_app

    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        print("\n2. backends through the app: skipped (virtuoso-t not installed)")
        return
    from tests.support.virtuoso import running_virtuoso  # the same launcher the remote-backend tests use

    embedded = create_app(Settings(root=ROOT, dist=dist))
    with tempfile.TemporaryDirectory() as tmp, running_virtuoso(dist, Path(tmp)) as virtuoso:
        remote = create_app(Settings(root=ROOT, dist=dist, endpoint=virtuoso["url"]))
        rows = []
        for name, q in QUERIES.items():
            ce, cr = embedded.test_client(), remote.test_client()

            def run(client):
                """One request; fail loudly on anything but 200."""
                r = client.get("/sparql", query_string={"query": q})
                assert r.status_code == 200, r.data
            a = timed(lambda: run(ce), 30)
            b = timed(lambda: run(cr), 30)
            rows.append((name, a, b))
        remote.extensions["netzwerke_kg.backend"].close()
    embedded.extensions["netzwerke_kg.backend"].close()
    table("2. through the Flask app, JSON results (median)", "embedded", "Virtuoso", rows)


def main() -> int:
    """Build the data once into a temp dir, then run both comparisons."""
    from netzwerke_kg.kg.build import build

    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        result = build(ROOT, dist)
        print(result.summary().splitlines()[0])
        engines(dist)
        backends(dist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
