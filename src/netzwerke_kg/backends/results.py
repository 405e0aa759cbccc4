"""One serialiser for every backend, so the embedded and the remote engine answer byte-for-byte alike.

Backends turn their native answers into neutral terms (plain tuples, picklable across the worker
pipe) and this module writes them out:

- ``("uri", iri)``, ``("bnode", label)``, ``("literal", lexical, datatype | None, language | None)``

Formats: SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/), XML
(https://www.w3.org/TR/rdf-sparql-XMLres/), CSV and TSV (https://www.w3.org/TR/sparql11-results-csv-tsv/);
graphs through pyoxigraph's RDF serialisers (Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads).
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: SELECT/ASK result media types we write
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: CONSTRUCT/DESCRIBE media types we write
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
)
#: formats whose syntax has comments, so truncation is signalled in the body as well
_COMMENTING = {"text/turtle", "application/n-triples", "application/trig", "application/n-quads"}


def content_type(media_type: str) -> str:
    """The Content-Type header value: every textual body we write is UTF-8."""
    return f"{media_type}; charset=utf-8"


def literal(lexical: str, datatype: str | None = None, language: str | None = None) -> tuple:
    """A neutral literal; xsd:string and rdf:langString are left implicit as in RDF 1.1."""
    if language:
        return ("literal", lexical, None, language.lower())
    if datatype in (None, XSD_STRING):
        return ("literal", lexical, None, None)
    return ("literal", lexical, datatype, None)


# --- SELECT / ASK --------------------------------------------------------------------------------

def write_select(variables: list[str], rows: list[tuple], media_type: str, *, link: str | None = None) -> bytes:
    """Serialise solutions; ``link`` (set when truncated) goes into head.link / <link> per the specs."""
    if media_type == "application/sparql-results+json":
        return _select_json(variables, rows, link)
    if media_type == "application/sparql-results+xml":
        return _select_xml(variables, rows, link)
    if media_type == "text/csv":
        return _select_csv(variables, rows)
    if media_type == "text/tab-separated-values":
        return _select_tsv(variables, rows)
    raise ValueError(f"not a results media type: {media_type}")


def write_ask(value: bool, media_type: str) -> bytes:
    """Serialise a boolean result."""
    if media_type == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media_type == "application/sparql-results+xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"  <head/>\n  <boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n"
        ).encode()
    if media_type in ("text/csv", "text/tab-separated-values"):
        # The CSV/TSV note defines no boolean form; like Oxigraph we answer the bare word.
        return b"true" if value else b"false"
    raise ValueError(f"not a results media type: {media_type}")


def _json_term(term: tuple) -> dict:
    """A term as a SPARQL JSON binding object (SPARQL 1.1 Results JSON §3.2.2)."""
    kind = term[0]
    if kind == "uri":
        return {"type": "uri", "value": term[1]}
    if kind == "bnode":
        return {"type": "bnode", "value": term[1]}
    out = {"type": "literal", "value": term[1]}
    if term[3]:
        out["xml:lang"] = term[3]
    elif term[2]:
        out["datatype"] = term[2]
    return out


def _select_json(variables, rows, link) -> bytes:
    """SPARQL 1.1 Query Results JSON Format §3."""
    head: dict = {"vars": list(variables)}
    if link:
        head["link"] = [link]  # §3.1: "link" refers to further metadata about the results
    bindings = []
    for row in rows:
        bindings.append({v: _json_term(t) for v, t in zip(variables, row) if t is not None})
    return json.dumps({"head": head, "results": {"bindings": bindings}}, ensure_ascii=False).encode()


def _xml_term(term: tuple) -> str:
    """A term as a SPARQL XML binding element (Results XML Format §2.3.1)."""
    kind = term[0]
    if kind == "uri":
        return f"<uri>{escape(term[1])}</uri>"
    if kind == "bnode":
        return f"<bnode>{escape(term[1])}</bnode>"
    if term[3]:
        return f"<literal xml:lang={quoteattr(term[3])}>{escape(term[1])}</literal>"
    if term[2]:
        return f"<literal datatype={quoteattr(term[2])}>{escape(term[1])}</literal>"
    return f"<literal>{escape(term[1])}</literal>"


def _select_xml(variables, rows, link) -> bytes:
    """SPARQL Query Results XML Format §2."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    out += [f"    <variable name={quoteattr(v)}/>" for v in variables]
    if link:
        out.append(f"    <link href={quoteattr(link)}/>")  # §2.2: link to metadata
    out += ["  </head>", "  <results>"]
    for row in rows:
        out.append("    <result>")
        for v, t in zip(variables, row):
            if t is not None:
                out.append(f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        out.append("    </result>")
    out += ["  </results>", "</sparql>", ""]
    return "\n".join(out).encode()


def _csv_field(text: str) -> str:
    """Quote a CSV field when needed (RFC 4180, as SPARQL CSV §2 requires)."""
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _select_csv(variables, rows) -> bytes:
    """SPARQL 1.1 CSV: header of names, values without type information, CRLF line ends (§2)."""
    lines = [",".join(_csv_field(v) for v in variables)]
    for row in rows:
        fields = []
        for t in row:
            if t is None:
                fields.append("")
            elif t[0] == "bnode":
                fields.append("_:" + t[1])
            else:
                fields.append(_csv_field(t[1]))
        lines.append(",".join(fields))
    return ("\r\n".join(lines) + "\r\n").encode()


def nt_term(term: tuple) -> str:
    """A term in N-Triples syntax (used by TSV §3 and for sorting)."""
    kind = term[0]
    if kind == "uri":
        return f"<{term[1]}>"
    if kind == "bnode":
        return f"_:{term[1]}"
    lex = (term[1].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
           .replace("\r", "\\r").replace("\t", "\\t"))
    if term[3]:
        return f'"{lex}"@{term[3]}'
    if term[2]:
        return f'"{lex}"^^<{term[2]}>'
    return f'"{lex}"'


def _select_tsv(variables, rows) -> bytes:
    """SPARQL 1.1 TSV: ?-prefixed header, values in Turtle/N-Triples syntax, LF line ends (§3)."""
    lines = ["\t".join("?" + v for v in variables)]
    for row in rows:
        lines.append("\t".join("" if t is None else nt_term(t) for t in row))
    return ("\n".join(lines) + "\n").encode()


# --- CONSTRUCT / DESCRIBE ------------------------------------------------------------------------

def write_graph(triples: list[tuple], media_type: str, *, prefixes: dict[str, str] | None = None,
                truncated_note: str | None = None) -> bytes:
    """Serialise neutral triples (sorted, so both backends write the same bytes)."""
    import pyoxigraph as ox

    if media_type not in GRAPH_TYPES:
        raise ValueError(f"not an RDF media type: {media_type}")
    fmt = ox.RdfFormat.from_media_type(media_type)
    ordered = sorted(triples, key=lambda t: tuple(nt_term(x) for x in t))
    ox_triples = [ox.Triple(_ox(s), _ox(p), _ox(o)) for s, p, o in ordered]
    items = ox_triples
    if fmt.supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in ox_triples]
    use_prefixes = None
    if prefixes and media_type in ("text/turtle", "application/trig", "application/rdf+xml"):
        # Declare only the namespaces the answer uses, so a small answer stays small.
        iris = {t[1] for triple in ordered for t in triple if t[0] == "uri"}
        iris |= {t[2] for triple in ordered for t in triple if t[0] == "literal" and t[2]}
        use_prefixes = {name: ns for name, ns in sorted(prefixes.items())
                        if any(i.startswith(ns) for i in iris)}
    body = ox.serialize(items, format=fmt, prefixes=use_prefixes) if use_prefixes else ox.serialize(items, format=fmt)
    if truncated_note and media_type in _COMMENTING:
        body = f"# {truncated_note}\n".encode() + body
    return body


def _ox(term: tuple):
    """A neutral term as a pyoxigraph term."""
    import pyoxigraph as ox

    if term[0] == "uri":
        return ox.NamedNode(term[1])
    if term[0] == "bnode":
        return ox.BlankNode(term[1])
    if term[3]:
        return ox.Literal(term[1], language=term[3])
    if term[2]:
        return ox.Literal(term[1], datatype=ox.NamedNode(term[2]))
    return ox.Literal(term[1])


def from_ox(term) -> tuple | None:
    """A pyoxigraph term as a neutral term."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, term.datatype.value if term.datatype else None, term.language)
    raise ValueError(f"unsupported term {term!r}")  # RDF-star triples are not in our data

def capped(items, cap: int | None) -> tuple[list, bool]:
    """At most ``cap`` of ``items`` (all when None), and whether a further one was cut off."""
    if cap is None:
        return list(items), False
    kept = []
    for item in items:
        if len(kept) >= cap:
            return kept, True
        kept.append(item)
    return kept, False


def unique_triples(ox_triples, cap: int | None) -> tuple[list[tuple], bool]:
    """pyoxigraph triples as distinct neutral triples (first-seen order), at most ``cap`` of them;
    and whether a further distinct triple was cut off (CONSTRUCT answers may repeat triples)."""
    triples = ((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in ox_triples)
    return capped(_distinct(triples), cap)


def _distinct(items):
    """``items`` without repeats, in first-seen order (lazily, so a cap stops the reading)."""
    seen = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def to_rdflib(term: tuple | None):
    """A neutral term as an rdflib term (for select() callers)."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if term[0] == "uri":
        return URIRef(term[1])
    if term[0] == "bnode":
        return BNode(term[1])
    if term[3]:
        return Literal(term[1], lang=term[3])
    if term[2]:
        return Literal(term[1], datatype=URIRef(term[2]))
    return Literal(term[1])


def from_rdflib(term) -> tuple:
    """An rdflib term as a neutral term (the inverse of to_rdflib)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ("uri", str(term))
    if isinstance(term, BNode):
        return ("bnode", str(term))
    if isinstance(term, Literal):
        return literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise TypeError(term)


def from_json_binding(b: dict) -> tuple:
    """A SPARQL JSON binding object as a neutral term (tolerates Virtuoso's "typed-literal")."""
    kind = b.get("type")
    if kind == "uri":
        return ("uri", b["value"])
    if kind == "bnode":
        return ("bnode", b["value"].removeprefix("_:"))
    if kind in ("literal", "typed-literal"):
        return literal(b["value"], b.get("datatype"), b.get("xml:lang"))
    raise ValueError(f"unknown binding type {kind!r}")
