"""What is measured: the queries and requests, and which contender answers which.

Every SPARQL contender gets the same query text and asks for the same result format. A query
with ``{n}`` in it is a *distinct* case: wrk's Lua script puts a fresh token there on every
request (run, thread, counter), inside ``FILTER(?x != <urn:bench:{n}>)`` on a variable bound to
IRIs: the answer stays the same, the text never repeats, so no cache anywhere can answer it. (A
counter in LIMIT does not work everywhere: Virtuoso refuses a sorted LIMIT above 10,000.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

B = "https://w3id.org/netzwerke-kg/"
PREFIXES = (
    "PREFIX org: <http://www.w3.org/ns/org#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"

#: the members of every network with their English labels, 50 rows (the issue's repeated SELECT)
MEMBERS = PREFIXES + """SELECT ?network ?member ?label WHERE {
  ?network org:hasMember ?member .
  ?member rdfs:label ?label FILTER(lang(?label) = "en")
} ORDER BY ?network ?label LIMIT 50"""

#: the same, with a filter nothing matches: same answer, different text every time
MEMBERS_DISTINCT = PREFIXES + """SELECT ?network ?member ?label WHERE {
  ?network org:hasMember ?member .
  ?member rdfs:label ?label FILTER(lang(?label) = "en")
  FILTER(?member != <urn:bench:{n}>)
} ORDER BY ?network ?label LIMIT 50"""

#: cheap: everything said about one resource (an index lookup)
CHEAP_DISTINCT = f"SELECT ?p ?o WHERE {{ <{B}id/city/rostock> ?p ?o FILTER(?p != <urn:bench:{{n}}>) }}"

#: costly: a join over every membership, grouped and sorted (cities in more than one network)
COSTLY_DISTINCT = PREFIXES + """SELECT ?city (MIN(STR(?label)) AS ?name) (COUNT(DISTINCT ?network) AS ?networks) WHERE {
  ?m org:member ?city ; org:organization ?network .
  ?city rdfs:label ?label
  FILTER(?city != <urn:bench:{n}>)
} GROUP BY ?city HAVING (COUNT(DISTINCT ?network) > 1) ORDER BY DESC(?networks) ?name LIMIT 100"""

#: a graph answer: every membership's member and organisation
CONSTRUCT = PREFIXES + """CONSTRUCT { ?m org:member ?city ; org:organization ?network } WHERE {
  ?m org:member ?city ; org:organization ?network
}"""


@dataclass(frozen=True)
class Case:
    """One kind of request: a label, how to build it for a server, what a good answer looks like."""

    key: str
    label: str
    query: str | None = None  # SPARQL text (``{n}`` marks a distinct case)
    path: str | None = None  # a plain GET path on our server
    accept: str | None = None
    expect: int = 200
    revalidate: bool = False  # send the ETag of the first answer back in If-None-Match
    headers: dict = field(default_factory=dict)

    @property
    def distinct(self) -> bool:
        """True when every request carries a different query text."""
        return self.query is not None and "{n}" in self.query


CASES = {c.key: c for c in (
    Case("hello", 'bare Flask "hello" (ceiling)', path="/", accept="text/plain"),
    Case("select-repeated", "repeated SELECT (members with labels, LIMIT 50)", query=MEMBERS, accept=SPARQL_JSON),
    Case("select-distinct", "distinct SELECTs (members query, counter in a FILTER)", query=MEMBERS_DISTINCT,
         accept=SPARQL_JSON),
    Case("cheap-distinct", "distinct cheap SELECT (one resource)", query=CHEAP_DISTINCT,
         accept=SPARQL_JSON),
    Case("costly-distinct", "distinct costly SELECT (join + GROUP BY)", query=COSTLY_DISTINCT,
         accept=SPARQL_JSON),
    Case("construct", "CONSTRUCT (memberships, N-Triples)", query=CONSTRUCT, accept=N_TRIPLES),
    Case("page", "resource page /page/city/rostock", path="/page/city/rostock", accept="text/html"),
    Case("document", "resource document /data/city/rostock.ttl", path="/data/city/rostock.ttl",
         accept="text/turtle"),
    Case("revalidate", "304 revalidation of the page (If-None-Match)", path="/page/city/rostock",
         accept="text/html", expect=304, revalidate=True),
    Case("dump", "dump download /downloads/netzwerke-kg.ttl", path="/downloads/netzwerke-kg.ttl",
         accept="text/turtle"),
)}

#: contender → (label, the cases it runs); the order is the report's order
CONTENDERS = {
    "hello": ('bare Flask "hello", same gunicorn (stack ceiling)', ["hello"]),
    "oxigraph": ("Oxigraph's own server, same dump (engine ceiling)",
                 ["select-repeated", "select-distinct", "cheap-distinct", "costly-distinct", "construct"]),
    "ours": ("our server, embedded store",
             ["select-repeated", "select-distinct", "cheap-distinct", "costly-distinct", "construct",
              "page", "document", "revalidate", "dump"]),
    "rdflib-endpoint": ("rdflib-endpoint, same dump",
                        ["select-repeated", "select-distinct", "cheap-distinct", "costly-distinct"]),
    "virtuoso": ("Virtuoso's own /sparql, same dump",
                 ["select-repeated", "select-distinct", "cheap-distinct", "costly-distinct"]),
    "ours-remote": ("our server with --endpoint on that Virtuoso",
                    ["select-repeated", "select-distinct", "cheap-distinct", "costly-distinct"]),
}
