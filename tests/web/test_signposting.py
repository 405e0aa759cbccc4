"""FAIR Signposting: Link headers that parse per RFC 8288 on every page type and every dump; the linkset."""

from __future__ import annotations

import re

import pytest

#: RFC 8288 §3 (with RFC 9110 §5.6 token / quoted-string): one link-value at a time
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_LINK_VALUE = re.compile(r"\s*<([^>]*)>((?:\s*;\s*" + _TOKEN + r"(?:\s*=\s*(?:" + _TOKEN + "|" + _QUOTED + r"))?)*)\s*(,|$)")
_PARAM = re.compile(r"\s*;\s*(" + _TOKEN + r")(?:\s*=\s*(" + _TOKEN + "|" + _QUOTED + r"))?")


def parse_link_header(value: str) -> list[dict]:
    """The links of a Link header value; AssertionError where it breaks the RFC 8288 grammar."""
    links, pos = [], 0
    while pos < len(value):
        m = _LINK_VALUE.match(value, pos)
        assert m, f"not RFC 8288 at {pos}: {value[pos:pos + 80]!r}"
        link = {"href": m.group(1)}
        for name, raw in _PARAM.findall(m.group(2)):
            text = raw[1:-1].replace('\\"', '"') if raw.startswith('"') else raw
            if name.lower() == "rel":  # §3.3: rel may hold several space-separated types
                link.setdefault("rel", []).extend(text.split())
            else:
                link[name.lower()] = text
        assert link.get("rel"), f"link without rel: {m.group(0)!r}"
        links.append(link)
        pos = m.end()
    return links


def _rels(response) -> dict[str, list[dict]]:
    """rel -> the links with that relation, from every Link header of a response."""
    out: dict[str, list[dict]] = {}
    for value in response.headers.getlist("Link"):
        for link in parse_link_header(value):
            for rel in link["rel"]:
                out.setdefault(rel, []).append(link)
    return out


PAGES = ["/", "/downloads", "/releases", "/void", "/validation", "/ontology", "/page/city/rostock",
         "/page/network/union-of-the-baltic-cities", "/search?q=Rostock", "/sparql"]
DOCUMENTS = ["/data/city/rostock.ttl", "/data/city/rostock.jsonld", "/ontology.ttl", "/void?format=ttl",
             "/sparql?query=ASK%7B%7D", "/downloads?format=json", "/releases?format=json",
             "/validation?format=nt", "/linkset"]
LANDING = {"/", "/downloads", "/releases", "/void", "/linkset"}


@pytest.mark.parametrize("path", PAGES + DOCUMENTS)
def test_every_page_and_document_names_the_void_and_licence(client, path):
    """Each Link header parses; describedby reaches the VoID, license the data licence."""
    response = client.get(path, headers={"Accept": "text/html"} if path in PAGES else {})
    assert response.status_code == 200, path
    rels = _rels(response)
    assert any(link["href"].endswith("/void") for link in rels["describedby"])
    assert [link["href"] for link in rels["license"]] == ["https://creativecommons.org/licenses/by/4.0/"]
    assert rels["linkset"][0]["type"] == "application/linkset+json"
    if path.split("?")[0] not in LANDING:
        assert rels["collection"][0]["href"].endswith("/")


@pytest.mark.parametrize("path", sorted(LANDING))
def test_landing_pages_name_citation_type_metadata_and_every_file(client, manifest, path):
    """cite-as is the base IRI; items are exactly the release's files, each with its media type."""
    rels = _rels(client.get(path, headers={"Accept": "text/html"} if path != "/linkset" else {}))
    assert [link["href"] for link in rels["cite-as"]] == [manifest["base_iri"]]
    assert "https://schema.org/Dataset" in {link["href"] for link in rels["type"]}
    crate = [link for link in rels["describedby"] if link["href"].endswith("/ro-crate-metadata.json")]
    assert crate and crate[0]["profile"].startswith("https://w3id.org/ro/crate/")
    items = {link["href"].rsplit("/", 1)[-1]: link["type"] for link in rels["item"]}
    assert items == {f["path"]: f["media_type"] for f in manifest["files"]}


def test_resource_pages_cite_the_resource_iri(client, manifest):
    """A resource page and its RDF twin cite the resource's IRI."""
    iri = manifest["base_iri"] + "id/city/rostock"
    for path in ("/page/city/rostock", "/data/city/rostock.ttl"):
        assert [link["href"] for link in _rels(client.get(path))["cite-as"]] == [iri]


def test_every_dump_links_to_its_collection(client, manifest):
    """Every file of the release (and its .gz) names the landing page, citation, licence, type."""
    names = [f["path"] for f in manifest["files"]] + [f["gzip"]["path"] for f in manifest["files"] if f.get("gzip")]
    for name in names:
        response = client.get(f"/downloads/{name}", headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, name
        rels = _rels(response)
        assert rels["collection"][0]["href"].endswith("/downloads"), name
        assert rels["cite-as"][0]["href"] == manifest["base_iri"]
        assert rels["type"][0]["href"] == "https://schema.org/DataDownload"
        assert rels["license"] and rels["describedby"]


def test_linkset_is_rfc9264_json_and_native(client, manifest):
    """/linkset: the landing page and every file as link contexts, in both RFC 9264 formats."""
    response = client.get("/linkset")
    assert response.mimetype == "application/linkset+json"
    contexts = response.get_json()["linkset"]
    anchors = [c["anchor"] for c in contexts]
    assert anchors[0].endswith("/") and len(anchors) == 1 + len(manifest["files"])
    assert contexts[0]["cite-as"] == [{"href": manifest["base_iri"]}]
    assert all(c["collection"][0]["href"].endswith("/downloads") for c in contexts[1:])
    native = client.get("/linkset", headers={"Accept": "application/linkset"})
    assert native.mimetype == "application/linkset"
    links = parse_link_header(native.get_data(as_text=True).replace(",\n", ", ").strip())
    assert all("anchor" in link for link in links)
    assert len(links) == sum(len(v) for c in contexts for k, v in c.items() if k != "anchor")
    assert client.get("/linkset?format=xml").status_code == 400


def test_void_names_uri_space_and_endpoint_on_one_subject_as_comunica_reads_them(client, manifest):
    """Comunica's VoID link filter (comunica-feature-link-traversal, link-filter-void) pairs
    void:sparqlEndpoint and void:uriSpace by subject and skips links under the URI space: our
    instance IRIs fall under it, the endpoint is ours, and documents point at the VoID."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import VOID

    rels = _rels(client.get("/data/city/rostock.ttl"))
    void_url = next(link["href"] for link in rels["describedby"] if link["href"].endswith("/void"))
    graph = Graph().parse(data=client.get(void_url.replace("http://localhost", ""),
                                          headers={"Accept": "application/n-triples"}).data, format="nt")
    endpoints = {s: o for s, o in graph.subject_objects(VOID.sparqlEndpoint)}
    spaces = {s: str(o) for s, o in graph.subject_objects(VOID.uriSpace) if s in endpoints}
    assert spaces, "no subject with both void:sparqlEndpoint and void:uriSpace"
    base = manifest["base_iri"]
    for subject, space in spaces.items():
        assert endpoints[subject] == URIRef(base + "sparql")
        assert (base + "id/city/rostock").startswith(space)
        assert not "http://www.wikidata.org/entity/Q2861".startswith(space)
