"""A tiny, valid netzwerke-kg project for the Linked Data page tests (engineer E's modules).

It copies the real ontology/ and shapes/ and writes one small data file whose labels contain
``<script>``, quotes, ``&`` and ``</script>`` (the XSS fixture), one network with ``EXTRA + 2``
member cities (enough to paginate incoming links), a disagreement between two member-count
claims, a twinning and a source document. Built with kg.build.build, served by create_app.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from netzwerke_kg.config import Settings

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    # `pytest` (unlike `python -m pytest`) does not put the project on sys.path; tests.conftest
    # (require_tool) must import either way
    sys.path.insert(0, str(ROOT))
from tests.conftest import require_tool  # noqa: E402,F401
BASE = "https://w3id.org/netzwerke-kg/"
#: labels a page must show as text, never as markup
EVIL_EN = 'Evil </script><script>alert("x")</script> & \'Co\' <b>bold</b>'
EVIL_DE = "Böse </SCRIPT ><img src=x onerror=alert(1)> \"Städte\""
EVIL_TITLE = "</script><!-- source title --><script>alert(2)</script>"
#: member cities generated besides Rostock and Gdańsk (more than one page of incoming links)
EXTRA = 28

PREFIXES = """\
@prefix nkg: <https://w3id.org/netzwerke-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix id: <https://w3id.org/netzwerke-kg/id/> .
"""


def turtle_string(text: str) -> str:
    """A Turtle long-string-free literal body for ``text`` (escapes backslash and quotes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def data_ttl() -> str:
    """The data file of the tiny project."""
    n = "<https://w3id.org/netzwerke-kg/id/network/evil-network>"
    src = "<https://w3id.org/netzwerke-kg/id/source/evil-source>"
    parts = [PREFIXES, f"""
{src} a foaf:Document , schema:WebPage , prov:Entity ;
    dcterms:title {turtle_string(EVIL_TITLE)}@en ;
    schema:url "https://example.org/source?a=1&b=<2>"^^xsd:anyURI ;
    dcterms:language "en" ;
    nkg:retrievedOn "2025-05-01"^^xsd:date .

<https://w3id.org/netzwerke-kg/id/country/de> a schema:Country ;
    rdfs:label "Germany"@en , "Deutschland"@de ; nkg:isoCode "DE" ;
    owl:sameAs <http://www.wikidata.org/entity/Q183> .

<https://w3id.org/netzwerke-kg/id/country/pl> a schema:Country ;
    rdfs:label "Poland"@en , "Polen"@de ; nkg:isoCode "PL" ;
    owl:sameAs <http://www.wikidata.org/entity/Q36> .

<https://w3id.org/netzwerke-kg/id/city/rostock> a schema:City ;
    rdfs:label {turtle_string(EVIL_EN)}@en , {turtle_string(EVIL_DE)}@de ;
    geo:lat "54.0887"^^xsd:decimal ; geo:long "12.1405"^^xsd:decimal ;
    schema:containedInPlace <https://w3id.org/netzwerke-kg/id/country/de> ;
    owl:sameAs <http://www.wikidata.org/entity/Q2861> , <https://sws.geonames.org/2844588/> ;
    nkg:twinCity <https://w3id.org/netzwerke-kg/id/city/gdansk> .

<https://w3id.org/netzwerke-kg/id/city/gdansk> a schema:City ;
    rdfs:label "Gdańsk"@en , "Danzig"@de ;
    geo:lat "54.3520"^^xsd:decimal ; geo:long "18.6466"^^xsd:decimal ;
    schema:containedInPlace <https://w3id.org/netzwerke-kg/id/country/pl> ;
    owl:sameAs <http://www.wikidata.org/entity/Q1792> ;
    nkg:twinCity <https://w3id.org/netzwerke-kg/id/city/rostock> .

{n} a nkg:CityNetwork , org:Organization , schema:Organization ;
    rdfs:label {turtle_string(EVIL_EN)}@en , "Netzwerk der Städte"@de ;
    dcterms:description {turtle_string(EVIL_EN + " description")}@en , "Ein Netzwerk."@de ;
    schema:url <https://example.org/network> ;
    schema:foundingDate "1991-09-20"^^xsd:date ;
    schema:foundingLocation <https://w3id.org/netzwerke-kg/id/city/gdansk> ;
    prov:wasDerivedFrom {src} .

<https://w3id.org/netzwerke-kg/id/role/member> a org:Role ; rdfs:label "member"@en , "Mitglied"@de .

<https://w3id.org/netzwerke-kg/id/membership/evil-rostock> a org:Membership ;
    org:member <https://w3id.org/netzwerke-kg/id/city/rostock> ; org:organization {n} ;
    org:role <https://w3id.org/netzwerke-kg/id/role/member> ;
    schema:startDate "1991"^^xsd:gYear ; prov:wasDerivedFrom {src} .

<https://w3id.org/netzwerke-kg/id/membership/evil-gdansk> a org:Membership ;
    org:member <https://w3id.org/netzwerke-kg/id/city/gdansk> ; org:organization {n} ;
    org:role <https://w3id.org/netzwerke-kg/id/role/member> ;
    schema:startDate "1992-03-01"^^xsd:date ; prov:wasDerivedFrom {src} .

<https://w3id.org/netzwerke-kg/id/claim/evil-member-count-2024> a nkg:Claim ;
    rdf:subject {n} ; rdf:predicate nkg:memberCount ; rdf:object 30 ;
    dcterms:date "2024"^^xsd:gYear ; prov:wasDerivedFrom {src} .

<https://w3id.org/netzwerke-kg/id/claim/evil-member-count-2025> a nkg:Claim ;
    rdf:subject {n} ; rdf:predicate nkg:memberCount ; rdf:object 100 ; nkg:approximate true ;
    dcterms:date "2025"^^xsd:gYear ; prov:wasDerivedFrom {src} .

<https://w3id.org/netzwerke-kg/id/disagreement/evil-member-count> a nkg:Disagreement ;
    rdfs:label "member count of the evil network"@en , "Mitgliederzahl des Netzwerks"@de ;
    rdfs:comment {turtle_string("Sources </script> disagree")}@en ;
    nkg:about {n} ;
    nkg:claim <https://w3id.org/netzwerke-kg/id/claim/evil-member-count-2024> ,
              <https://w3id.org/netzwerke-kg/id/claim/evil-member-count-2025> .
"""]
    for i in range(EXTRA):
        lat, long = 50 + (i % 7) * 1.3, 5 + (i // 7) * 3.1
        parts.append(f"""
<https://w3id.org/netzwerke-kg/id/city/town-{i:02d}> a schema:City ;
    rdfs:label "Town {i:02d}"@en , "Stadt {i:02d}"@de ;
    geo:lat "{lat:.4f}"^^xsd:decimal ; geo:long "{long:.4f}"^^xsd:decimal ;
    schema:containedInPlace <https://w3id.org/netzwerke-kg/id/country/de> .
<https://w3id.org/netzwerke-kg/id/membership/evil-town-{i:02d}> a org:Membership ;
    org:member <https://w3id.org/netzwerke-kg/id/city/town-{i:02d}> ; org:organization {n} ;
    org:role <https://w3id.org/netzwerke-kg/id/role/member> ;
    schema:startDate "{2017 if i == EXTRA - 1 else 1993}"^^xsd:gYear ; prov:wasDerivedFrom {src} .
""")
    return "".join(parts)


def make_project(where: Path) -> Path:
    """Write the tiny project (real ontology/ and shapes/, the evil data file) under ``where``."""
    root = where / "project"
    root.mkdir(parents=True)
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "shapes", root / "shapes")
    (root / "data").mkdir()
    (root / "data" / "evil.ttl").write_text(data_ttl(), encoding="utf-8")
    return root


def build_tiny(where: Path, base_iri: str | None = None) -> tuple[Path, Path]:
    """Build the tiny project; returns (root, dist)."""
    from netzwerke_kg.kg.build import build

    root = make_project(where)
    dist = where / "dist"
    build(root, dist, base_iri=base_iri)
    return root, dist


def tiny_app(root: Path, dist: Path, **settings):
    """create_app over the embedded backend on a tiny build."""
    from netzwerke_kg.backends.embedded import EmbeddedBackend
    from netzwerke_kg.web import create_app

    s = Settings(root=root, dist=dist, **settings)
    app = create_app(s, backend=EmbeddedBackend(s))
    app.config["TESTING"] = True
    return app


_BUILDS: dict[str, tuple[Path, Path]] = {}


def tiny_build(tmp_path_factory, base_iri: str | None = None) -> tuple[Path, Path]:
    """One build of the tiny project per base IRI per test session: (root, dist)."""
    key = base_iri or BASE
    if key not in _BUILDS:
        _BUILDS[key] = build_tiny(tmp_path_factory.mktemp("tiny"), base_iri)
    return _BUILDS[key]


# --- a small HTML tree, enough to ask "which elements exist" without substring matching -------

from html.parser import HTMLParser  # noqa: E402

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    """One element: tag, attributes, children, text."""

    def __init__(self, tag: str, attrs: dict, parent=None):
        """An element under ``parent``."""
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.parts: list = []  # text and child nodes in document order

    def text(self) -> str:
        """The text content (like DOM textContent)."""
        return "".join(p if isinstance(p, str) else p.text() for p in self.parts)

    def iter(self):
        """This node and every descendant, depth first."""
        yield self
        for c in self.children:
            yield from c.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list["Node"]:
        """Descendants with ``tag`` whose attributes equal ``attrs`` (class_ matches one class)."""
        out = []
        for n in self.iter():
            if tag is not None and n.tag != tag:
                continue
            ok = True
            for k, v in attrs.items():
                if k == "class_":
                    ok &= v in (n.attrs.get("class") or "").split()
                else:
                    ok &= n.attrs.get(k.replace("_", "-")) == v
            if ok:
                out.append(n)
        return out

    def by_id(self, ident: str) -> "Node | None":
        """The element with id ``ident``."""
        found = [n for n in self.iter() if n.attrs.get("id") == ident]
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    """Builds Node trees; tolerant of unclosed elements like browsers are."""

    def __init__(self):
        """An empty document."""
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        """Open an element (void elements close at once)."""
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        self.cur.parts.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        """A self-closed element (SVG)."""
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        self.cur.parts.append(node)

    def handle_endtag(self, tag):
        """Close the nearest open element with this tag."""
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        """Text."""
        self.cur.parts.append(data)


def parse_html(text: str) -> Node:
    """The document tree of an HTML page."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root
