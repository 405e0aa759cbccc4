"""One error path (web/errors.py): every route answers every refusal the same way, JSON for
machines and the site's page for browsers, plus the canonical links of RDF documents (RFC 6596)."""

from __future__ import annotations

import html5lib
import pytest

from tests.web.test_resources import links

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BASE = "https://w3id.org/netzwerke-kg/"
#: (method, path, extra request headers, status): refusals from routing, views, the registry,
#: the backend and the request-size limit, across the blueprints
REFUSALS = [
    ("GET", "/no/such/page", {}, 404),
    ("GET", "/id/city/gdansc", {}, 404),
    ("GET", "/downloads/no-such-file.ttl", {}, 404),
    ("PUT", "/sparql", {}, 405),
    ("POST", "/void", {}, 405),
    ("DELETE", "/page/city/rostock", {}, 405),
    ("GET", "/data/city/rostock?format=pdf", {}, 400),
    ("GET", "/void?format=pdf", {}, 400),
    ("GET", "/downloads?format=pdf", {}, 400),
    ("GET", "/sparql?query=SELECT+%2A+WHERE+%7B", {}, 400),
    ("GET", "/sparql?query=SELECT+%2A+%7B%7D&format=pdf", {}, 400),
    ("GET", "/id/city/rostock", {"Accept": "image/png"}, 406),
    ("GET", "/data/city/rostock", {"Accept": "image/png"}, 406),
    ("GET", "/void", {"Accept": "image/png"}, 406),
    ("GET", "/downloads", {"Accept": "image/png"}, 406),
    ("GET", "/sparql?query=SELECT+%2A+%7B%7D", {"Accept": "image/png"}, 406),
    ("GET", "/sparql?update=CLEAR+ALL", {}, 403),
]


def request(client, method, path, headers, accept=None):
    """Send one request, with ``accept`` replacing any Accept given."""
    headers = dict(headers)
    if accept is not None:
        headers["Accept"] = accept if "Accept" not in headers else headers["Accept"] + ", " + accept + ";q=0.01"
    return client.open(path, method=method, headers=headers)


@pytest.mark.parametrize("method, path, headers, status", REFUSALS)
def test_machines_get_one_json_shape(client, method, path, headers, status):
    """{"error", "status", "message"} with the status of the response, on every route."""
    r = request(client, method, path, headers)
    assert r.status_code == status
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == {"error", "status", "message"} and body["status"] == status
    assert body["message"] and "Traceback" not in body["message"]
    if status == 405:
        assert "GET" in r.headers["Allow"]


@pytest.mark.parametrize("method, path, headers, status",
                         [x for x in REFUSALS if x[3] != 406 and "WHERE" not in x[1]])
def test_browsers_get_the_site_page(client, method, path, headers, status):
    """The same refusal for a browser is the site's HTML page, with the same status (a browser
    sending a broken query gets the editor with the query instead, which shows the error)."""
    r = request(client, method, path, headers, accept=BROWSER)
    assert r.status_code == status
    assert r.mimetype == "text/html"
    doc = html5lib.parse(r.data, namespaceHTMLElements=False)
    heading = "".join(doc.find(".//h1").itertext())
    assert str(status) in heading
    assert doc.find(".//header/nav") is not None  # the site's frame, not werkzeug's bare page


def test_too_large_request_is_413_in_the_one_shape(app):
    """A body over the request-size limit (Flask's MAX_CONTENT_LENGTH) answers 413 as JSON."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    r = app.test_client().post("/sparql", data=b"query=" + b"x" * limit,
                               content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert r.get_json()["status"] == 413 and str(limit) in r.get_json()["message"]


@pytest.mark.parametrize("ext", ["ttl", "nt", "jsonld", "rdf"])
def test_rdf_documents_are_their_own_canonical(client, ext):
    """RFC 6596 §3: the canonical of an RDF document is that document under the base IRI, not the
    HTML page (which holds other content); the page stays the page's own canonical."""
    rels = {link["rel"]: link["href"] for link in links(client.get(f"/data/city/rostock.{ext}"))}
    assert rels["canonical"] == f"{BASE}data/city/rostock.{ext}"
    page = {link["rel"]: link["href"] for link in links(client.get("/page/city/rostock"))}
    assert page["canonical"] == f"{BASE}page/city/rostock"
