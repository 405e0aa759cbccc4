"""Every IRI we publish dereferences (Linked Data principle 3, Cool URIs §4): a crawler that takes
every IRI under the base IRI from the dumps, the VoID and the service description gets a 200 or a
303 whose target answers 200, for a browser and for an RDF client alike."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPTS = {"browser": BROWSER, "rdf": "text/turtle", "none": None}


def published_iris(client, dist) -> set[str]:
    """IRIs under the base in the dataset dump (every named graph), void.ttl and the service description."""
    base = json.loads((dist / "manifest.json").read_text())["base_iri"]
    sources = [ox.parse(path=str(dist / "netzwerke-kg.nq"), format=ox.RdfFormat.N_QUADS),
               ox.parse(path=str(dist / "void.ttl"), format=ox.RdfFormat.TURTLE),
               ox.parse(client.get("/sparql", headers={"Accept": "application/n-triples"}).data,
                        format=ox.RdfFormat.N_TRIPLES)]
    found = set()
    for statements in sources:
        for st in statements:
            terms = (st.subject, st.predicate, st.object, getattr(st, "graph_name", None))
            found |= {t.value for t in terms if isinstance(t, ox.NamedNode) and t.value.startswith(base)}
    return {iri[len(base) - 1:] for iri in found}  # as server paths, '/' + the part after the base


def crawl(client, paths, accept) -> dict:
    """GET each document (fragment cut off), following one 303; failures grouped by path prefix."""
    headers = {"Accept": accept} if accept else {}
    seen: set[str] = set()
    failures: dict[tuple, str] = {}
    for path in sorted(paths):
        document = path.split("#", 1)[0]
        if document in seen:
            continue
        seen.add(document)
        r = client.get(document, headers=headers)
        if r.status_code == 303:
            r = client.get(r.headers["Location"], headers=headers)
        if r.status_code != 200:
            failures.setdefault(("/".join(document.split("/")[:3]), r.status_code), document)
    return failures


def test_every_published_iri_dereferences_for_an_rdf_client(client, built_dist):
    """All of them, asked for Turtle: 200, or 303 to a document that answers 200."""
    paths = published_iris(client, built_dist)
    assert len(paths) > 900  # things, terms, partitions, graphs, shapes, skolem nodes, distributions
    assert not crawl(client, paths, "text/turtle")


@pytest.mark.parametrize("who", ["browser", "none"])
def test_one_iri_of_each_kind_dereferences_for_browsers_and_plain_clients(client, built_dist, who):
    """One IRI per path prefix (/id/city, /graph/data, /shapes, /.well-known/genid …), asked as a
    browser and without Accept."""
    sample = {}
    for path in sorted(published_iris(client, built_dist)):
        sample.setdefault("/".join(path.split("#")[0].split("/")[:3]), path)
    assert len(sample) > 15
    assert not crawl(client, sample.values(), ACCEPTS[who])
