"""web/iris.py: the one place that maps IRIs under the base onto this server's URLs and back."""

from __future__ import annotations

import pytest
from flask import Flask

from netzwerke_kg.config import Settings
from netzwerke_kg.web import iris
from netzwerke_kg.web.iris import IriMapper

BASE = "https://w3id.org/netzwerke-kg/"


@pytest.fixture
def bare_app():
    """A Flask app with only the settings iris.py reads (no backend needed)."""
    app = Flask(__name__)
    app.config["SETTINGS"] = Settings(base_iri="https://data.example.org/kg/")
    return app


@pytest.mark.parametrize("iri, path", [
    (BASE + "id/city/rostock", "/id/city/rostock"),
    (BASE + "id/interval/ubc-rostock", "/id/interval/ubc-rostock"),
    (BASE + "ontology#City", "/ontology#City"),
    (BASE + "graph/data/cities", "/graph/data/cities"),
    ("https://schema.org/City", None),
    ("http://www.wikidata.org/entity/Q2861", None),
    ("https://w3id.org/netzwerke-kg-other/id/city/x", None),
])
def test_local_path_and_back(iri, path):
    """IRIs under the base map to server paths and back; foreign IRIs map to None."""
    m = IriMapper(BASE)
    assert m.local_path(iri) == path
    if path is not None:
        assert m.iri_for_path(path) == iri


def test_base_without_trailing_slash_is_normalised():
    """A base IRI given without its slash still yields the same paths."""
    assert IriMapper("https://w3id.org/netzwerke-kg").local_path(BASE + "id/city/rostock") == "/id/city/rostock"


def test_documents_about_things():
    """Slash IRIs get /page and /data documents; ontology terms the /ontology document (Cool URIs)."""
    m = IriMapper(BASE)
    assert m.doc_path(BASE + "id/city/rostock") == "/page/city/rostock"
    assert m.doc_path(BASE + "id/city/rostock", "ttl") == "/data/city/rostock.ttl"
    assert m.doc_path(BASE + "ontology#CityNetwork") == "/ontology#CityNetwork"
    assert m.doc_path(BASE + "ontology#CityNetwork", "jsonld") == "/ontology.jsonld"
    assert m.doc_path("https://schema.org/City") is None
    assert m.kind_slug(BASE + "id/topic/blackout-scenario") == ("topic", "blackout-scenario")
    assert m.kind_slug(BASE + "id/") is None
    assert m.ontology_term(BASE + "ontology#memberCount") == "memberCount"


@pytest.mark.parametrize("kind, slug, ok", [
    ("city", "rostock", True), ("instant", "1991-09-20", True), ("city", "Rostock", False),
    ("city", "ros tock", False), ("city", "../etc", False), ("city", "a/b", True), ("", "x", False),
    ("distribution", "netzwerke-kg.ttl", True), ("city", "a..b", False), ("ci.ty", "x", False),
])
def test_valid_kind_slug(kind, slug, ok):
    """Only lower-case ASCII slugs (docs/model.md) are accepted in /id, /page and /data paths."""
    assert iris.valid_kind_slug(kind, slug) is ok


def test_urls_use_the_local_server_and_script_root(bare_app):
    """The data's base IRI differs from the server: links go to this server, under SCRIPT_NAME."""
    iri = "https://data.example.org/kg/id/city/rostock"
    with bare_app.test_request_context("/page/city/rostock", base_url="http://127.0.0.1:5000/kg"):
        assert iris.url_for_iri(iri) == "/kg/id/city/rostock"
        assert iris.page_url(iri) == "/kg/page/city/rostock"
        assert iris.data_url(iri, "nt") == "/kg/data/city/rostock.nt"
        assert iris.absolute(iris.page_url(iri)) == "http://127.0.0.1:5000/kg/page/city/rostock"
        assert iris.url_for_iri("https://schema.org/City") == "https://schema.org/City"
        assert iris.canonical_url(iri) == "https://data.example.org/kg/page/city/rostock"
        assert iris.iri_for_request_path("/id/city/rostock") == iri


def test_chosen_language_travels_with_links(bare_app):
    """After ?lang=de, page links keep the language; an invalid ?lang is ignored."""
    iri = "https://data.example.org/kg/ontology#City"
    with bare_app.test_request_context("/page/city/rostock?lang=de"):
        assert iris.page_url(iri) == "/ontology?lang=de#City"
    with bare_app.test_request_context("/page/city/rostock?lang=xx"):
        assert iris.page_url(iri) == "/ontology#City"
