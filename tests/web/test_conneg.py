"""The Accept parser and negotiation (RFC 9110 §12.5.1), without an app."""

from __future__ import annotations

import pytest

from netzwerke_kg.web.conneg import FORMAT_ALIASES, negotiate, parse_accept, resolve_format

RESULTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"]
RDF = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@pytest.mark.parametrize("accept, expected", [
    (None, "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("text/*", "text/csv"),
    ("text/*;q=0.3, application/sparql-results+xml;q=0.2", "text/csv"),
    ("application/*;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
    ("TEXT/CSV", "text/csv"),
    ("text/csv;q=0.0, text/*", "text/tab-separated-values"),  # the specific q=0 excludes csv only
    # a parameter the offer does not carry rules that range out; the xml range still matches
    ('text/csv;foo="a,b";q=0.5, application/sparql-results+xml;q=0.4', "application/sparql-results+xml"),
    ("image/png, text/html", None),
    ("garbage, text/csv", "text/csv"),  # malformed elements are skipped
    ("text/csv;q=2", "application/sparql-results+json"),  # invalid q: element ignored, header empty
])
def test_negotiate(accept, expected):
    """q-values, wildcards, case, parameters and specificity."""
    assert negotiate(accept, RESULTS, default=RESULTS[0]) == expected


def test_specific_beats_wildcard_even_with_lower_q():
    """The most specific matching range decides an offer's quality (text/turtle;q=0.1 beats text/*)."""
    assert negotiate("text/*;q=0.9, text/turtle;q=0.1, application/ld+json;q=0.5", RDF) == "application/ld+json"


def test_tie_goes_to_default_then_server_order():
    """Equal q-values: the default wins, else the first offer."""
    assert negotiate("text/turtle, application/ld+json", RDF, default="application/ld+json") == "application/ld+json"
    assert negotiate("application/ld+json, text/turtle", RDF) == "text/turtle"


def test_parse_accept_reads_parameters_and_q():
    """Parameters before q are kept; accept-extensions after q are ignored."""
    (r,) = parse_accept('text/plain; charset="utf-8"; q=0.4; ext=1')
    assert (r.type, r.subtype, r.params, r.q) == ("text", "plain", (("charset", "utf-8"),), 0.4)


@pytest.mark.parametrize("value, graph, expected", [
    ("json", False, "application/sparql-results+json"),
    ("json", True, "application/ld+json"),
    ("xml", True, "application/rdf+xml"),
    ("ttl", True, "text/turtle"),
    ("nq", True, "application/n-quads"),
    ("text/csv", False, "text/csv"),
    ("application/json", False, "application/sparql-results+json"),
    ("nonsense", False, None),
])
def test_resolve_format(value, graph, expected):
    """format=/output= values: short names per result kind, media types, synonyms."""
    assert resolve_format(value, graph) == expected


def test_format_aliases_cover_the_documented_names():
    """Every short name the issue lists is an alias."""
    for name in ("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdf", "trig", "nq"):
        assert "/" in FORMAT_ALIASES[name]
