"""The same lists, stored queries and pictures over the remote backend (a real Virtuoso loaded with
the same build) as over the embedded store: the web tier speaks only SPARQL (issue #11 §5)."""

from __future__ import annotations

import pytest

from netzwerke_kg.web.lists.specs import SPECS

pytestmark = pytest.mark.virtuoso


def _strip_host(doc):
    """A JSON document with absolute URLs made host-free (the two apps differ only in that)."""
    if isinstance(doc, dict):
        return {k: _strip_host(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_strip_host(v) for v in doc]
    if isinstance(doc, str) and doc.startswith("http://localhost/"):
        return doc[len("http://localhost"):]
    return doc


@pytest.mark.parametrize("name", list(SPECS))
def test_a_list_is_the_same_over_virtuoso(app, remote_app, name):
    """Rows, counts, totals and facets of each list (filtered by its commonest facet value) agree."""
    embedded, remote = app.test_client(), remote_app.test_client()
    first = embedded.get(f"/{name}.json?size=1000").get_json()
    assert _strip_host(remote.get(f"/{name}.json?size=1000").get_json()) == _strip_host(first)
    param, facet = next((p, f) for p, f in first["facets"].items() if f["values"])
    url = f"/{name}.csv?{param}={facet['values'][0]['value']}&lang=de"
    assert remote.get(url).data == embedded.get(url).data


@pytest.mark.parametrize("url", ["/api/members?network=union-of-the-baltic-cities&date=2010",
                                 "/api/cities-in-several-networks?min=2", "/api/foundings-by-year",
                                 "/api/city-timeline?city=rostock&format=csv"])
def test_a_stored_query_is_the_same_over_virtuoso(app, remote_app, url):
    """The VALUES-bound stored queries answer alike on both engines."""
    a, b = app.test_client().get(url), remote_app.test_client().get(url)
    assert a.status_code == b.status_code == 200
    if a.is_json:
        assert _strip_host(a.get_json()) == _strip_host(b.get_json())
    else:
        assert a.data == b.data


def test_the_overlap_picture_is_the_same_over_virtuoso(app, remote_app):
    """The drawn matrix (and with it every link and count) is byte for byte the same."""
    a, b = app.test_client().get("/pictures/overlap"), remote_app.test_client().get("/pictures/overlap")
    assert a.status_code == b.status_code == 200 and a.data == b.data
