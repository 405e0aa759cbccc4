"""Smaller holes of issue #8 §4: non-web IRIs in the data never become links; the Host header is
believed only for configured names, loopback and the base IRI's host (web/security.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, URIRef

from netzwerke_kg.config import Settings
from netzwerke_kg.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from tiny_project import make_project, parse_html  # noqa: E402

#: IRIs a hostile data file may carry; none may end up in an href
HOSTILE_IRIS = ["javascript:alert(1)", "JavaScript:alert(document.domain)", "vbscript:msgbox(1)",
                "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "file:///etc/passwd"]
ROSTOCK = "https://w3id.org/netzwerke-kg/id/city/rostock"


@pytest.fixture(scope="module")
def hostile_links_app(tmp_path_factory):
    """The tiny project plus a data file linking Rostock and the source to non-web IRIs (owl:sameAs
    and a source's schema:url are held to the web by the shapes; rdfs:seeAlso is not, and data from a
    remote engine is not validated at all)."""
    from netzwerke_kg.kg.build import build

    where = tmp_path_factory.mktemp("links")
    root = make_project(where)
    same_as = " , ".join(f"<{iri}>" for iri in HOSTILE_IRIS)
    (root / "data" / "hostile-links.ttl").write_text(f"""
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{ROSTOCK}> rdfs:seeAlso {same_as} .
""", encoding="utf-8")
    dist = where / "dist"
    build(root, dist)
    app = create_app(Settings(root=root, dist=dist))
    app.config["TESTING"] = True
    yield app
    app.extensions["netzwerke_kg.backend"].close()


def _attributes(html: str, name: str) -> list[str]:
    """Every value of attribute ``name`` in the page."""
    return [node.attrs[name] for node in parse_html(html).iter() if node.attrs.get(name) is not None]


@pytest.mark.parametrize("path", ["/page/city/rostock", "/page/source/evil-source", "/page/network/evil-network"])
def test_non_web_iris_are_shown_but_never_linked(hostile_links_app, path):
    """No href on the page uses a scheme other than http(s); the hostile IRIs are still shown."""
    page = hostile_links_app.test_client().get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    hrefs = _attributes(html, "href")
    assert hrefs, "the page has no links at all"
    bad = [h for h in hrefs if urlsplit(h).scheme not in ("", "http", "https")]
    assert not bad, bad
    if path == "/page/city/rostock":
        assert "javascript:alert(1)" in html and "vbscript:msgbox(1)" in html  # shown as text/title


def test_the_web_link_test_accepts_only_web_and_site_urls():
    """The one predicate the templates use."""
    from netzwerke_kg.web.security import is_web_link

    assert all(is_web_link(u) for u in ("https://example.org/", "http://x/y", "/page/city/rostock", "#incoming", "?lang=de"))
    assert not any(is_web_link(u) for u in (*HOSTILE_IRIS, "", None, "//evil.example/", " javascript:x", "https:/x"))


# --- Host header -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def apps(built_dist):
    """Apps with default hosts, with allowed_hosts, and behind a trusted proxy (with and without hosts)."""
    root = Path(__file__).resolve().parents[2]
    made = {
        "default": create_app(Settings(root=root, dist=built_dist)),
        "allowed": create_app(Settings(root=root, dist=built_dist, allowed_hosts=("kg.example",))),
        "proxy": create_app(Settings(root=root, dist=built_dist, trust_proxy=True)),
        "proxy+allowed": create_app(Settings(root=root, dist=built_dist, trust_proxy=True, allowed_hosts=("kg.example",))),
    }
    yield made
    for app in made.values():
        app.extensions["netzwerke_kg.backend"].close()


def _generated_hosts(client, headers: dict) -> set[str]:
    """The hosts named in robots.txt's Sitemap line, a page's Link header and the service description."""
    robots = client.get("/robots.txt", headers=headers).get_data(as_text=True)
    hosts = {urlsplit(line.split(":", 1)[1].strip()).netloc for line in robots.splitlines()
             if line.lower().startswith("sitemap:")}
    page = client.get("/page/city/rostock", headers=headers)
    hosts |= {urlsplit(part.split(">")[0].strip(" <")).netloc for part in page.headers["Link"].split(",")}
    sd = Graph().parse(data=client.get("/sparql", headers={**headers, "Accept": "text/turtle"}).data, format="turtle")
    hosts |= {urlsplit(str(o)).netloc for o in sd.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"))}
    return hosts - {"creativecommons.org"}


@pytest.mark.parametrize("app_name, headers, expected", [
    ("default", {"Host": "evil.example"}, {"w3id.org"}),
    ("default", {"Host": "evil.example:80"}, {"w3id.org"}),
    ("default", {"Host": "127.0.0.1:5000"}, {"127.0.0.1:5000", "w3id.org"}),
    ("default", {"Host": "localhost:8080"}, {"localhost:8080", "w3id.org"}),
    ("default", {"Host": "[::1]:8080"}, {"[::1]:8080", "w3id.org"}),
    ("default", {"Host": "127.0.0.1:x@evil.example"}, {"w3id.org"}),
    ("allowed", {"Host": "kg.example"}, {"kg.example", "w3id.org"}),
    ("allowed", {"Host": "evil.example"}, {"w3id.org"}),
    ("proxy", {"X-Forwarded-Host": "kg.example"}, {"kg.example", "w3id.org"}),
    ("proxy+allowed", {"X-Forwarded-Host": "evil.example"}, {"w3id.org"}),
    ("proxy+allowed", {"X-Forwarded-Host": "kg.example"}, {"kg.example", "w3id.org"}),
])
def test_generated_urls_name_only_believed_hosts(apps, app_name, headers, expected):
    """robots.txt, Link headers and the service description name the request's host only when it
    is believed; otherwise the base IRI's (canonical links always name w3id.org)."""
    assert _generated_hosts(apps[app_name].test_client(), headers) <= expected
