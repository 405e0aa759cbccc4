"""The one format registry (netzwerke_kg.formats): names, negotiation, refusals, without an app."""

from __future__ import annotations

import pytest

from netzwerke_kg import formats
from netzwerke_kg.formats import FormatError, choose

RESULTS = "application/sparql-results+json"


@pytest.mark.parametrize("accept, expected", [
    (None, RESULTS),
    ("", RESULTS),
    ("*/*", RESULTS),
    ("text/csv", "text/csv"),
    ("text/*", "text/csv"),
    ("text/*;q=0.3, application/sparql-results+xml;q=0.2", "text/csv"),
    ("application/*;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
    ("TEXT/CSV", "text/csv"),
    ("text/csv;q=0.0, text/*", "text/tab-separated-values"),  # the specific q=0 excludes csv only
    ('text/csv;foo="a,b";q=0.5, application/sparql-results+xml;q=0.4', "application/sparql-results+xml"),
    ("garbage, text/csv", "text/csv"),  # malformed elements are skipped
    ("text/csv;q=2", RESULTS),  # an invalid q: the element is dropped, the header says nothing
    ("application/json", RESULTS),  # a synonym
])
def test_accept_negotiation_rfc9110(accept, expected):
    """q-values, wildcards, case, parameters and specificity (RFC 9110 §12.5.1) pick the format."""
    assert choose("results", None, accept).media_type == expected


def test_specific_range_beats_wildcard_even_with_lower_q():
    """The most specific matching range decides an offer's quality (text/turtle;q=0.1 beats text/*)."""
    got = choose("document", None, "text/*;q=0.9, text/turtle;q=0.1, application/ld+json;q=0.5")
    assert got.media_type == "application/ld+json"


def test_nothing_acceptable_is_406_naming_the_offers():
    """An Accept we cannot meet is a 406 whose message lists what is available."""
    with pytest.raises(FormatError) as caught:
        choose("results", None, "image/png")
    assert caught.value.status == 406 and "text/csv" in caught.value.message


@pytest.mark.parametrize("value, kind, expected", [
    # the values SPARQLWrapper sends in format=/output=/results= (Wrapper._allowedFormats)
    ("json", "results", "application/sparql-results+json"),
    ("xml", "results", "application/sparql-results+xml"),
    ("csv", "results", "text/csv"),
    ("tsv", "results", "text/tab-separated-values"),
    ("turtle", "graph", "text/turtle"),
    ("n3", "graph", "text/turtle"),
    ("rdf", "graph", "application/rdf+xml"),
    ("rdf+xml", "graph", "application/rdf+xml"),
    ("xml", "graph", "application/rdf+xml"),
    ("json-ld", "graph", "application/ld+json"),
    ("json", "graph", "application/ld+json"),
    # Fuseki / Virtuoso / file-extension names and media types
    ("ttl", "graph", "text/turtle"),
    ("nt", "graph", "application/n-triples"),
    ("ntriples", "graph", "application/n-triples"),
    ("jsonld", "graph", "application/ld+json"),
    ("trig", "graph", "application/trig"),
    ("nq", "graph", "application/n-quads"),
    ("text/turtle", "graph", "text/turtle"),
    ("application/json", "results", "application/sparql-results+json"),
    ("application/sparql-results+xml", "results", "application/sparql-results+xml"),
])
def test_format_names_clients_send(value, kind, expected):
    """Every name SPARQLWrapper, Fuseki and Virtuoso users put in format= resolves per answer kind."""
    for param in formats.FORMAT_PARAMS:
        assert choose(kind, {param: [value]}, "*/*").media_type == expected


def test_unknown_name_is_400_and_wrong_kind_is_406():
    """A name we do not know is a bad request; a known format not offered for this answer is 406."""
    with pytest.raises(FormatError) as unknown:
        choose("results", {"format": ["pdf"]}, None)
    assert unknown.value.status == 400 and "pdf" in unknown.value.message
    with pytest.raises(FormatError) as wrong:
        choose("graph", {"format": ["csv"]}, "*/*")
    assert wrong.value.status == 406 and "ttl" in wrong.value.message


def test_a_wrong_kind_name_yields_to_an_accept_that_names_a_type():
    """SPARQLWrapper sends format=json on a CONSTRUCT… with an explicit Accept the Accept decides."""
    assert choose("graph", {"format": ["csv"]}, "text/turtle").media_type == "text/turtle"


def test_every_format_once_with_unique_media_type_and_extension():
    """One entry per format: media types and extensions do not repeat, every RDF/results format has its W3C IRI."""
    media = [f.media_type for f in formats.FORMATS]
    assert len(media) == len(set(media))
    exts = [f.extension for f in formats.FORMATS]
    assert len(exts) == len(set(exts))
    for f in formats.by_kind("results", "graph", "dataset"):
        assert f.iri and f.iri.startswith("http://www.w3.org/ns/formats/")
