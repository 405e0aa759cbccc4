"""The shared serialisers (backends/results.py) read back by pyoxigraph's own results parser."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from netzwerke_kg.backends import results

XSD = "http://www.w3.org/2001/XMLSchema#"
ROWS = [
    (("uri", "https://w3id.org/netzwerke-kg/id/city/gdansk"), results.literal("Gdańsk", language="PL")),
    (("bnode", "b0"), results.literal('a "quoted"\tvalue,\nwith lines')),
    (None, results.literal("54.35", XSD + "decimal")),
    (("uri", "http://x/a?b=1&c=2"), results.literal("x", XSD + "string")),
]
FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@pytest.mark.parametrize("media", list(FORMATS))
def test_select_round_trips_through_pyoxigraph(media):
    """What we write, Oxigraph reads back term for term (languages lower-cased, xsd:string implicit)."""
    body = results.write_select(["s", "o"], ROWS, media)
    parsed = ox.parse_query_results(body, format=FORMATS[media])
    got = [tuple(results.from_ox(sol[v]) for v in ("s", "o")) for sol in parsed]
    assert got == ROWS


def test_csv_is_rfc4180():
    """CSV: lexical forms only, quoted where needed, CRLF line ends (SPARQL 1.1 CSV §2)."""
    body = results.write_select(["s", "o"], ROWS, "text/csv").decode()
    import csv
    import io

    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0] == ["s", "o"]
    assert rows[2] == ["_:b0", 'a "quoted"\tvalue,\nwith lines']
    assert rows[3] == ["", "54.35"]
    assert body.endswith("\r\n")


def test_json_link_only_when_given():
    """head.link appears only for a truncated result."""
    import json

    assert "link" not in json.loads(results.write_select(["s"], [], "application/sparql-results+json"))["head"]
    assert json.loads(results.write_select(["s"], [], "application/sparql-results+json", link="http://l/"))[
        "head"]["link"] == ["http://l/"]


def test_unique_triples_drops_repeats_before_counting_the_cap():
    """A CONSTRUCT may repeat a triple: repeats are dropped, the cap counts distinct triples only."""
    a, b, c = (ox.Triple(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal(v))
               for v in "abc")
    neutral = [(("uri", "http://x/s"), ("uri", "http://x/p"), results.literal(v)) for v in "abc"]
    assert results.unique_triples([a, a, b, a, b], 2) == (neutral[:2], False)
    assert results.unique_triples([a, b, a, c], 2) == (neutral[:2], True)
    assert results.unique_triples([c, a, c, b], None) == ([neutral[2], neutral[0], neutral[1]], False)
