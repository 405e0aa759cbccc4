"""/void and /.well-known/void (conneg), /sitemap.xml, /robots.txt and /validation."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from netzwerke_kg.web import create_app
from netzwerke_kg.web.iris import IriMapper, valid_kind_slug
from tests.conftest import require_tool

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RDF_FORMATS = {
    "text/turtle": ("turtle", "turtle"),
    "application/n-triples": ("nt", "ntriples"),
    "application/ld+json": ("json-ld", None),
    "application/rdf+xml": ("xml", "rdfxml"),
}


@pytest.fixture(scope="module")
def void_graph(built_dist) -> Graph:
    """dist/void.ttl as the build wrote it."""
    return Graph().parse(built_dist / "void.ttl", format="turtle")


class _Page(HTMLParser):
    """The parts of an HTML page the tests look at: lang, headings, elements by id, text."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.headings: list[str] = []
        self.ids: dict[str, dict] = {}
        self.text: list[str] = []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        """Record lang, ids and heading starts."""
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids[attrs["id"]] = attrs
        if tag in {"h1", "h2", "h3"}:
            self._heading = []

    def handle_endtag(self, tag):
        """Close a heading."""
        if tag in {"h1", "h2", "h3"} and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data):
        """Collect text."""
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


def _page(response) -> _Page:
    """Parse an HTML response."""
    parser = _Page()
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.mark.parametrize("path", ["/void", "/.well-known/void"])
@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_void_in_every_rdf_format_parses_back_to_the_built_description(client, void_graph, path, media_type):
    response = client.get(path, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    parsed = Graph().parse(data=response.get_data(), format=RDF_FORMATS[media_type][0])
    assert isomorphic(parsed, void_graph)


@pytest.mark.parametrize("media_type", ["text/turtle", "application/rdf+xml", "application/n-triples"])
def test_void_parses_with_rapper(client, void_graph, tmp_path, media_type):
    rapper = require_tool("rapper", "raptor2-utils parses the VoID independently of rdflib")
    response = client.get("/void", headers={"Accept": media_type})
    target = tmp_path / "void.doc"
    target.write_bytes(response.get_data())
    syntax = RDF_FORMATS[media_type][1]
    done = subprocess.run([rapper, "-q", "-i", syntax, "-o", "ntriples", str(target), "http://example.org/"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert isomorphic(Graph().parse(data=done.stdout, format="nt"), void_graph)


def test_void_format_parameter_and_link_header(client, void_graph):
    response = client.get("/void?format=nt")
    assert response.mimetype == "application/n-triples"
    assert isomorphic(Graph().parse(data=response.get_data(), format="nt"), void_graph)
    links = response.headers["Link"]
    for ext in ("ttl", "nt", "jsonld", "rdf"):
        assert f"/void?format={ext}>" in links


def test_void_without_preference_is_turtle(client, void_graph):
    response = client.get("/void", headers={"Accept": "*/*"})
    assert response.mimetype == "text/turtle"


def test_void_for_browsers_is_a_readable_page(client, void_graph):
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/.well-known/void", headers={"Accept": browser_accept})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = _page(response)
    assert page.lang in {"en", "de"}
    assert page.headings[0] == "Dataset description"
    dataset = URIRef(next(str(s) for s in void_graph.subjects() if str(s).endswith("id/dataset/netzwerke-kg")))
    # every statement about the dataset is on the page: each of its literal values appears as text
    text = " ".join(" ".join(page.text).split())
    for _, _, value in void_graph.triples((dataset, None, None)):
        if not isinstance(value, URIRef):
            assert " ".join(str(value).split()) in text
    # every checksum of every distribution, and the class and property partitions as tables
    spdx = "http://spdx.org/rdf/terms#"
    for value in void_graph.objects(None, URIRef(spdx + "checksumValue")):
        assert str(value) in text
    assert {"classes", "properties"} <= set(page.ids)


def test_void_bad_format_and_unacceptable_accept_are_clear_errors(client):
    assert client.get("/void?format=pdf").status_code == 400
    assert client.get("/void", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/downloads", headers={"Accept": "image/png"}).status_code == 406


def _sitemap_urls(client) -> tuple[list[str], list[str]]:
    """The <loc> and <lastmod> values of the sitemap."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{SITEMAP_NS}urlset"
    urls = root.findall(f"{SITEMAP_NS}url")
    return ([u.findtext(f"{SITEMAP_NS}loc") for u in urls],
            [u.findtext(f"{SITEMAP_NS}lastmod") for u in urls])


def test_sitemap_lists_a_page_for_every_instance_iri(client, built_dist, manifest):
    locs, lastmods = _sitemap_urls(client)
    base = manifest["base_iri"]
    data = Dataset()
    data.parse(built_dist / "netzwerke-kg.nq", format="nquads")
    mapper = IriMapper(base)
    expected = set()
    for s, _, _, _ in data.quads((None, None, None, None)):
        kind_slug = mapper.kind_slug(str(s)) if isinstance(s, URIRef) else None
        if kind_slug and valid_kind_slug(*kind_slug):
            expected.add("http://localhost" + mapper.doc_path(str(s)))
    listed = {loc for loc in locs if "/page/" in loc}
    assert listed == expected
    assert len(locs) == len(set(locs))
    assert set(lastmods) == {manifest["issued"]}


def test_every_sitemap_url_answers_200(client):
    locs, _ = _sitemap_urls(client)
    assert locs, "the sitemap lists pages"
    failures = {}
    for loc in locs:
        parts = urlsplit(loc)
        assert parts.scheme == "http" and parts.netloc == "localhost"
        response = client.get(parts.path, headers={"Accept": "text/html"})
        if response.status_code != 200:
            failures[loc] = response.status_code
    assert failures == {}


def test_sitemap_respects_the_script_root(client):
    response = client.get("/sitemap.xml", environ_overrides={"SCRIPT_NAME": "/kg"})
    root = ET.fromstring(response.get_data())
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in root.findall(f"{SITEMAP_NS}url")]
    assert locs and all(loc.startswith("http://localhost/kg/") for loc in locs)


def test_robots_allows_all_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    fields = [tuple(p.strip() for p in line.split(":", 1)) for line in response.get_data(as_text=True).splitlines()
              if ":" in line]
    assert ("User-agent", "*") in fields
    assert ("Allow", "/") in fields
    assert ("Sitemap", "http://localhost/sitemap.xml") in fields
    assert not any(name == "Disallow" and value for name, value in fields)


def test_validation_page_shows_the_conformance_of_the_release(client, manifest):
    response = client.get("/validation", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = _page(response)
    assert page.ids["conformance"]["data-conforms"] == ("true" if manifest["conforms"] else "false")
    assert page.headings[0] == "Validation report"


def test_validation_turtle_is_the_release_report(client, built_dist):
    response = client.get("/validation", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle"
    expected = Graph().parse(built_dist / "validation.ttl", format="turtle")
    assert isomorphic(Graph().parse(data=response.get_data(), format="turtle"), expected)


REPORT_WITH_RESULTS = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix city: <https://w3id.org/netzwerke-kg/id/city/> .
[] a sh:ValidationReport ; sh:conforms false ;
   sh:result [ a sh:ValidationResult ; sh:focusNode city:rostock ; sh:resultPath rdfs:label ;
               sh:resultSeverity sh:Violation ; sh:resultMessage "needs a label in German"@en ,
               "braucht eine deutsche Bezeichnung"@de ;
               sh:sourceConstraintComponent sh:MinCountConstraintComponent ] ,
             [ a sh:ValidationResult ; sh:focusNode city:rostock ; sh:resultPath rdfs:comment ;
               sh:resultSeverity sh:Warning ; sh:resultMessage "<script>alert(1)</script>" ;
               sh:sourceConstraintComponent sh:DatatypeConstraintComponent ] ,
             [ a sh:ValidationResult ; sh:focusNode city:gdansk ; sh:resultPath rdfs:label ;
               sh:resultSeverity sh:Info ; sh:resultMessage "consider a native name" ;
               sh:sourceConstraintComponent sh:MinCountConstraintComponent ] .
"""


def test_a_failing_report_is_grouped_by_message_with_counts(app, built_dist, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(built_dist, dist, symlinks=True)
    (dist / "validation.ttl").write_text(REPORT_WITH_RESULTS, encoding="utf-8")
    other = create_app(app.config["SETTINGS"].with_(dist=dist), backend=app.extensions["netzwerke_kg.backend"], verify=False)
    response = other.test_client().get("/validation", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = _page(response)
    assert page.ids["conformance"]["data-conforms"] == "false"
    html = response.get_data(as_text=True)
    counts = _Counts()
    counts.feed(html)
    assert counts.values == {"violations": "1", "warnings": "1", "infos": "1", "total": "3"}
    # one section per message, violations first; the affected resources by name, not city:rostock
    groups = _groups(html)
    assert [g["severity"] for g in groups] == ["violation", "warning", "info"]
    assert groups[0]["resources"] == ["Rostock"] and groups[2]["resources"] == ["Gdańsk"]
    assert not any(name.startswith("city:") for g in groups for name in g["resources"])
    # the severity filter keeps one kind; an unknown one is a clear 400
    only = _groups(other.test_client().get("/validation?severity=warning", headers={"Accept": "text/html"}).get_data(as_text=True))
    assert [g["severity"] for g in only] == ["warning"]
    assert other.test_client().get("/validation?severity=bogus", headers={"Accept": "text/html"}).status_code == 400
    # the message with markup is shown as text, never as a script element
    assert "<script>alert(1)</script>" in "".join(page.text)
    assert "<script>alert(1)" not in html
    # messages in the page language: English here, German under ?lang=de
    english_text = "".join(page.text)
    assert "needs a label in German" in english_text and "braucht eine deutsche Bezeichnung" not in english_text
    german = _page(other.test_client().get("/validation?lang=de", headers={"Accept": "text/html"}))
    german_text = "".join(german.text)
    assert "braucht eine deutsche Bezeichnung" in german_text and "needs a label in German" not in german_text


@pytest.mark.parametrize("path,heading_en,heading_de", [
    ("/downloads", "Downloads", "Downloads"),
    ("/void", "Dataset description", "Datensatzbeschreibung"),
    ("/validation", "Validation report", "Validierungsbericht"),
])
def test_dataset_pages_speak_the_reader_s_language(client, path, heading_en, heading_de):
    for lang, heading in (("en", heading_en), ("de", heading_de)):
        response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
        assert response.headers["Content-Language"] == lang
        page = _page(response)
        assert page.lang == lang
        assert page.headings[0] == heading


class _Counts(HTMLParser):
    """The numbers in the cells marked data-count."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._key = None

    def handle_starttag(self, tag, attrs):
        """Enter a data-count cell."""
        self._key = dict(attrs).get("data-count")

    def handle_data(self, data):
        """Keep the cell's number."""
        if self._key and data.strip():
            self.values[self._key] = data.strip()
            self._key = None


def _groups(html: str) -> list[dict]:
    """The message groups of a validation page: severity (from the class) and resource names."""
    from tiny_project import parse_html

    doc = parse_html(html)
    out = []
    for section in doc.find_all("section"):
        classes = (section.attrs.get("class") or "").split()
        if "validation-group" not in classes:
            continue
        severity = next(c.removeprefix("severity-") for c in classes if c.startswith("severity-"))
        names = [li.find_all("a")[0].text() for li in section.find_all("li")]
        out.append({"severity": severity, "resources": names})
    return out
