"""Cool URIs: /id/… 303 by Accept, /data/… in every RDF format, /ontology, Link headers, 404s,
sub-path deployment and a base IRI that differs from the server's host.

Every document that comes back is parsed (rdflib, and rapper for Turtle/N-Triples/RDF/XML).
"""

from __future__ import annotations

import subprocess
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF
from werkzeug.http import parse_options_header

from netzwerke_kg.queries import Queries
from tiny_project import BASE, parse_html, require_tool, tiny_app, tiny_build

#: extension -> (media type, rdflib parser, rapper parser or None)
FORMATS = {
    "ttl": ("text/turtle", "turtle", "turtle"),
    "nt": ("application/n-triples", "nt", "ntriples"),
    "jsonld": ("application/ld+json", "json-ld", None),
    "rdf": ("application/rdf+xml", "xml", "rdfxml"),
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The app over the tiny build (canonical base IRI)."""
    root, dist = tiny_build(tmp_path_factory)
    app = tiny_app(root, dist)
    yield app
    app.extensions["netzwerke_kg.backend"].close()


@pytest.fixture(scope="module")
def client(tiny):
    """A client of the tiny app."""
    return tiny.test_client()


def one_per_kind(app) -> dict[str, str]:
    """One IRI under {base}id/ for every kind present in the app's data."""
    base = app.config["SETTINGS"].base_iri
    q = Queries(app.extensions["netzwerke_kg.backend"], base)
    rows = q._select(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{base}id/")) }} ORDER BY ?s')
    found: dict[str, str] = {}
    for r in rows:
        kind = str(r["s"])[len(base) + 3:].split("/", 1)[0]
        found.setdefault(kind, str(r["s"]))
    return found


def links(response) -> list[dict]:
    """The Link header (RFC 8288) as a list of {href, rel, type}."""
    out = []
    for part in response.headers.get("Link", "").split(", <"):
        part = part if part.startswith("<") else "<" + part
        href, _, params = part.partition(">")
        _, options = parse_options_header("x" + params)
        out.append({"href": href.lstrip("<"), **options})
    return out


def check_document(client, url: str, iri: str, ext: str, tmp_path) -> Graph:
    """GET an RDF document, check its media type, parse it (rdflib + rapper); return the graph."""
    media_type, rdflib_format, rapper_format = FORMATS[ext]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=rdflib_format, publicID=iri)
    assert (URIRef(iri), None, None) in graph or (None, None, URIRef(iri)) in graph
    if rapper_format is not None:
        rapper = require_tool("rapper", "raptor2-utils parses what we serve")
        path = tmp_path / f"doc.{ext}"
        path.write_bytes(response.data)
        run = subprocess.run([rapper, "-q", "-i", rapper_format, "-c", str(path), iri],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
    return graph


def _check_every_kind_and_format(app, tmp_path):
    """303 for every kind by Accept to the right document, which parses in every format."""
    client = app.test_client()
    kinds = one_per_kind(app)
    assert kinds, "no resources under /id/"
    base = app.config["SETTINGS"].base_iri
    for kind, iri in kinds.items():
        path = "/" + iri[len(base):]
        slug = path.split("/", 3)[3]
        html = client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert html.status_code == 303, (kind, iri, html.status_code)
        assert html.headers["Location"] == f"/page/{kind}/{slug}"
        assert "Accept" in html.headers.get("Vary", "")
        page = client.get(html.headers["Location"])
        assert page.status_code == 200 and page.mimetype == "text/html"
        graphs = []
        for ext, (media_type, _, _) in FORMATS.items():
            r = client.get(path, headers={"Accept": media_type})
            assert r.status_code == 303, (kind, ext)
            assert r.headers["Location"] == f"/data/{kind}/{slug}.{ext}"
            graphs.append(check_document(client, r.headers["Location"], iri, ext, tmp_path))
        # the four serialisations say the same thing
        for g in graphs[1:]:
            assert isomorphic(graphs[0], g), kind


def test_every_kind_and_format_on_the_tiny_project(tiny, tmp_path):
    """Conneg + 303 + parseable documents for every kind of the tiny project."""
    kinds = one_per_kind(tiny)
    assert {"network", "city", "country", "membership", "claim", "disagreement", "source", "role"} <= set(kinds)
    _check_every_kind_and_format(tiny, tmp_path)


def test_every_kind_and_format_on_the_project_data(app, tmp_path):
    """The same over the project's real build (the shared ``app`` fixture of tests/web/conftest.py)."""
    _check_every_kind_and_format(app, tmp_path)


def test_description_has_outgoing_triples_and_labels_of_linked_things(client, tiny):
    """/data of a membership holds its triples and the labels of its member and network."""
    g = Graph().parse(data=client.get("/data/membership/evil-gdansk.ttl").data, format="turtle")
    ms = URIRef(BASE + "id/membership/evil-gdansk")
    city = URIRef(BASE + "id/city/gdansk")
    assert (ms, URIRef("http://www.w3.org/ns/org#member"), city) in g
    labels = {str(o) for o in g.objects(city, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert labels == {"Gdańsk", "Danzig"}


def test_format_parameter_and_errors(client):
    """?format= picks the serialisation; unknown formats 400; unacceptable Accept 406."""
    r = client.get("/data/city/gdansk?format=nt")
    assert r.status_code == 200 and r.mimetype == "application/n-triples"
    r = client.get("/data/city/gdansk", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.mimetype == "application/ld+json"
    assert r.headers["Content-Location"] == "/data/city/gdansk.jsonld"
    assert "Accept" in r.headers["Vary"]
    assert client.get("/data/city/gdansk?format=pdf").status_code == 400
    assert client.get("/id/city/gdansk", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/data/city/gdansk.ttl", headers={"Accept": "image/png"}).status_code == 200


def test_link_headers_and_tags(client):
    """Pages and documents name their twins, the VoID, the licence and the canonical page."""
    page = client.get("/page/city/gdansk")
    rels = links(page)
    alternates = {link.get("type") for link in rels if link["rel"] == "alternate"}
    assert alternates == {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}
    by_rel = {link["rel"]: link["href"] for link in rels if link["rel"] != "alternate"}
    assert urlsplit(by_rel["describedby"]).path == "/void"
    assert by_rel["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert by_rel["canonical"] == BASE + "page/city/gdansk"
    doc = parse_html(page.get_data(as_text=True))
    tags = {(link.attrs["rel"], link.attrs.get("type"), link.attrs["href"]) for link in doc.find_all("link")
            if link.attrs.get("rel") != "stylesheet"}
    # FAIR Signposting relations (web/signposting.py) travel in the header only
    signposting = {"cite-as", "type", "collection", "linkset", "item"}
    assert tags == {(link["rel"], link.get("type"), link["href"]) for link in rels
                    if link["rel"] not in signposting}
    for ext, (media_type, *_rest) in FORMATS.items():
        alternate = next(link for link in rels if link.get("type") == media_type)
        assert urlsplit(alternate["href"]).path == f"/data/city/gdansk.{ext}"
    data = client.get("/data/city/gdansk.ttl")
    data_alternates = {link.get("type") for link in links(data) if link["rel"] == "alternate"}
    assert data_alternates == {"text/html", "application/n-triples", "application/ld+json", "application/rdf+xml"}


def test_unknown_iri_gets_a_helpful_404(client):
    """An unknown IRI answers 404 with a search box and the nearest labels, never a 303 or 500."""
    for path in ("/id/city/gdansc", "/page/city/gdansc", "/data/city/gdansc.ttl"):
        r = client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert r.status_code == 404, path
        doc = parse_html(r.get_data(as_text=True))
        assert doc.find_all("form", role="search"), path
        suggestions = [a.attrs["href"] for a in doc.by_id("suggestions").find_all("a")]
        assert "/page/city/gdansk" in suggestions
    for path in ("/id/city/Not%20A%20Slug", "/page/CITY/x", "/data/city/%3Cx%3E.ttl", "/id/city/a..b"):
        r = client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert r.status_code == 404, path
        assert r.mimetype == "text/html"
        # the one error path (web/errors.py): a client that does not ask for HTML gets the JSON face
        r = client.get(path)
        assert r.status_code == 404 and r.get_json()["status"] == 404, path


def test_search(client):
    """/search?q= lists resources whose labels contain the text."""
    doc = parse_html(client.get("/search?q=danz").get_data(as_text=True))
    hrefs = [a.attrs["href"] for a in doc.by_id("results").find_all("a")]
    assert hrefs == ["/page/city/gdansk"]
    doc = parse_html(client.get("/search?q=zzzzzz").get_data(as_text=True))
    assert doc.by_id("results").find_all("a") == []
    # no label contains "gdansc", so the nearest labels are offered
    doc = parse_html(client.get("/search?q=gdansc").get_data(as_text=True))
    assert "/page/city/gdansk" in [a.attrs["href"] for a in doc.by_id("suggestions").find_all("a")]


def test_ontology_document(client):
    """/ontology: HTML with an anchor per term for browsers, RDF by Accept or extension."""
    html = client.get("/ontology", headers={"Accept": BROWSER_ACCEPT})
    assert html.status_code == 200 and html.mimetype == "text/html"
    doc = parse_html(html.get_data(as_text=True))
    assert doc.by_id("CityNetwork") is not None and doc.by_id("memberCount") is not None
    nkg = BASE + "ontology#"
    for ext, (media_type, rdflib_format, _) in FORMATS.items():
        r = client.get("/ontology", headers={"Accept": media_type})
        assert r.status_code == 200 and r.mimetype == media_type
        g = Graph().parse(data=r.data, format=rdflib_format)
        assert (URIRef(nkg + "CityNetwork"), RDF.type, OWL.Class) in g
        assert isomorphic(g, Graph().parse(data=client.get(f"/ontology.{ext}").data, format=rdflib_format))
    # a hash IRI names a term in the ontology document (Cool URIs §4.1): /id-style lookups do not apply
    assert client.get("/ontology.pdf").status_code == 404


def test_sub_path_deployment(tiny):
    """Behind a proxy at /kg (SCRIPT_NAME): redirects and every local link carry the prefix."""
    client = tiny.test_client()
    r = client.get("/id/network/evil-network", base_url="http://proxy.example/kg",
                   headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 303
    assert urlsplit(r.headers["Location"]).path == "/kg/page/network/evil-network"
    r = client.get("/id/network/evil-network", base_url="http://proxy.example/kg", headers={"Accept": "text/turtle"})
    assert urlsplit(r.headers["Location"]).path == "/kg/data/network/evil-network.ttl"
    for path in ("/page/network/evil-network", "/page/city/rostock", "/", "/ontology", "/search?q=town"):
        page = client.get(path, base_url="http://proxy.example/kg")
        assert page.status_code == 200, path
        doc = parse_html(page.get_data(as_text=True))
        for node in doc.iter():
            for attr in ("href", "action", "src"):
                url = node.attrs.get(attr)
                if url is None or url.startswith("#") or urlsplit(url).netloc not in ("", "proxy.example"):
                    continue
                assert urlsplit(url).path.startswith("/kg/"), (path, node.tag, url)


def test_trusted_proxy_prefix(tiny):
    """With trust_proxy, X-Forwarded-Prefix/Host (ProxyFix) shape redirects and links the same way."""
    from netzwerke_kg.web import create_app

    proxied = create_app(tiny.config["SETTINGS"].with_(trust_proxy=True),
                         backend=tiny.extensions["netzwerke_kg.backend"])
    client = proxied.test_client()
    headers = {"Accept": BROWSER_ACCEPT, "X-Forwarded-Prefix": "/kg", "X-Forwarded-Host": "kg.example",
               "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.1"}
    r = client.get("/id/city/gdansk", headers=headers)
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/kg/page/city/gdansk"
    page = client.get("/page/city/gdansk", headers=headers)
    alternates = [link["href"] for link in links(page) if link["rel"] == "alternate"]
    assert all(h.startswith("https://kg.example/kg/data/city/gdansk.") for h in alternates)
    # without trust, the same headers change nothing
    r = tiny.test_client().get("/id/city/gdansk", headers=headers)
    assert urlsplit(r.headers["Location"]).path == "/page/city/gdansk"


@pytest.fixture(scope="module")
def other_base(tmp_path_factory):
    """The tiny project built under another base IRI than the host it is served from."""
    root, dist = tiny_build(tmp_path_factory, base_iri="https://data.example.org/kg/")
    app = tiny_app(root, dist, base_iri="https://data.example.org/kg/")
    yield app
    app.extensions["netzwerke_kg.backend"].close()


def test_base_iri_differs_from_server_host(other_base, tmp_path):
    """Data under https://data.example.org/kg/ served at localhost: IRIs map onto this server."""
    client = other_base.test_client()
    r = client.get("/id/city/gdansk", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["Location"] == "/data/city/gdansk.ttl"
    g = check_document(client, "/data/city/gdansk.ttl", "https://data.example.org/kg/id/city/gdansk", "ttl", tmp_path)
    assert not any(str(s).startswith(BASE) for s in g.subjects())
    page = parse_html(client.get("/page/network/evil-network").get_data(as_text=True))
    city_links = [a.attrs["href"] for a in page.find_all("a", class_="city-link")]
    assert "/page/city/gdansk" in city_links
    assert all(not h.startswith("https://data.example.org") for h in city_links)
    rels = {link["rel"]: link["href"] for link in links(client.get("/page/city/gdansk")) if link["rel"] != "alternate"}
    assert rels["canonical"] == "https://data.example.org/kg/page/city/gdansk"
    assert other_base.test_client().get("/page/city/gdansk").status_code == 200


_INTEGER_TYPES = {URIRef(f"http://www.w3.org/2001/XMLSchema#{t}") for t in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int",
    "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


def _engine_neutral(graph: Graph) -> Graph:
    """The graph without two known engine differences, so the rest can be compared exactly:
    pyoxigraph stores integer-derived datatypes as xsd:integer (VoID's dcat:byteSize
    "1"^^xsd:nonNegativeInteger comes back as xsd:integer), Virtuoso keeps them; and Virtuoso turns
    geosparql:wktLiteral values into its own virtrdf:Geometry with float noise, so WKT is left out."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    wkt = URIRef("http://www.opengis.net/ont/geosparql#asWKT")
    out = Graph()
    for s, p, o in graph:
        if p == wkt:
            continue
        if isinstance(o, Literal) and o.datatype in _INTEGER_TYPES:
            o = Literal(str(o), datatype=XSD.integer)
        out.add((s, p, o))
    return out


@pytest.mark.virtuoso
def test_same_documents_and_pages_over_a_remote_engine(app, remote_app):
    """Pages talk to storage only through SPARQL: over Virtuoso (remote backend) every kind's
    description is the same graph and its page shows the same headings, properties and counts."""
    local, remote = app.test_client(), remote_app.test_client()
    base = app.config["SETTINGS"].base_iri
    for kind, iri in one_per_kind(app).items():
        path = iri[len(base):].split("/", 1)[1]
        docs = [_engine_neutral(Graph().parse(data=c.get(f"/data/{path}.nt").data, format="nt"))
                for c in (local, remote)]
        assert isomorphic(*docs), kind
        pages = [parse_html(c.get(f"/page/{path}?lang=en").get_data(as_text=True)) for c in (local, remote)]
        summary = [(p.find_all("h1")[0].text(),
                    sorted(th.text().strip() for th in p.by_id("properties").find_all("th")),
                    sorted(span.text() for span in p.find_all("span", class_="count")))
                   for p in pages]
        assert summary[0] == summary[1], kind
    homes = [parse_html(c.get("/?lang=de").get_data(as_text=True)) for c in (local, remote)]
    cards = [sorted(" ".join(card.text().split()) for card in h.by_id("networks").find_all("div", class_="card"))
             for h in homes]
    assert cards[0] == cards[1]
    assert len(homes[1].by_id("map").find_all("circle")) == len(homes[0].by_id("map").find_all("circle")) > 0
    for path in ("/ontology?lang=en", "/search?q=rostock"):
        docs = [parse_html(c.get(path).get_data(as_text=True)) for c in (local, remote)]
        assert [a.attrs.get("href") for a in docs[0].find_all("a")] == [a.attrs.get("href") for a in docs[1].find_all("a")], path
