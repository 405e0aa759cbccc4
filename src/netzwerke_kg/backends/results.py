"""One serialiser for every backend, so the embedded and the remote engine answer byte-for-byte alike.

Backends turn their native answers into neutral terms (plain tuples, picklable across the worker
pipe) and this module writes them out:

- ``("uri", iri)``, ``("bnode", label)``, ``("literal", lexical, datatype | None, language | None)``

Formats: SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/), XML
(https://www.w3.org/TR/rdf-sparql-XMLres/), CSV and TSV (https://www.w3.org/TR/sparql11-results-csv-tsv/);
graphs through the project's one RDF writer (kg.dumps: sorted, pyoxigraph's serialisers, the
project's JSON-LD). Media types come from the one format registry (netzwerke_kg.formats).

Every literal is built by ``literal``, which gives it the one lexical form the engine stores
(kg.dumps.canonical), so a remote engine that keeps ``"10.0"`` and the embedded one that answers
``"10"`` write the same bytes. XML 1.0 cannot carry most C0 control characters: an answer holding
one is refused in SPARQL XML (NotRepresentableError, HTTP 406) and a CR is written as ``&#13;``.
"""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape, quoteattr

from netzwerke_kg import formats
from netzwerke_kg.backends.base import BackendError
from netzwerke_kg.kg import dumps

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: SELECT/ASK result media types we write (from the registry)
RESULT_TYPES = formats.media_types("results")
#: CONSTRUCT/DESCRIBE media types we write (from the registry)
GRAPH_TYPES = formats.media_types("graph")
#: formats whose syntax has comments, so truncation is signalled in the body as well
_COMMENTING = {"text/turtle", "application/n-triples", "application/trig", "application/n-quads"}
#: Turtle's abbreviated numbers (Turtle §2.5.2, grammar [19]-[21]), which SPARQL TSV §3 uses
_TURTLE_NUMBER = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?([0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
}


class NotRepresentableError(BackendError):
    """The answer holds something the requested format cannot carry (HTTP 406, says what)."""


def content_type(media_type: str) -> str:
    """The Content-Type header value: every textual body we write is UTF-8."""
    return formats.get(media_type).content_type


def literal(lexical: str, datatype: str | None = None, language: str | None = None) -> tuple:
    """A neutral literal in its one lexical form; xsd:string and rdf:langString left implicit (RDF 1.1)."""
    if language:
        return ("literal", lexical, None, language.lower())
    if datatype in (None, XSD_STRING, RDF_LANGSTRING):
        return ("literal", lexical, None, None)
    return ("literal", dumps.canonical(lexical, datatype), datatype, None)


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


def _xml_text(text: str) -> str:
    """Character data for XML 1.0: markup escaped, CR as a reference (§2.11 would turn it into LF),
    characters XML cannot carry (§2.2) refused."""
    try:
        dumps.check_xml_text(text)
    except dumps.SerialisationError as exc:
        raise NotRepresentableError(str(exc).replace("XML 1.0", "SPARQL Results XML (XML 1.0)")) from None
    return escape(text).replace("\r", "&#13;")


def _xml_term(term: tuple) -> str:
    """A term as a SPARQL XML binding element (Results XML Format §2.3.1)."""
    kind = term[0]
    if kind == "uri":
        return f"<uri>{_xml_text(term[1])}</uri>"
    if kind == "bnode":
        return f"<bnode>{_xml_text(term[1])}</bnode>"
    if term[3]:
        return f"<literal xml:lang={quoteattr(term[3])}>{_xml_text(term[1])}</literal>"
    if term[2]:
        return f"<literal datatype={quoteattr(term[2])}>{_xml_text(term[1])}</literal>"
    return f"<literal>{_xml_text(term[1])}</literal>"


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


def tsv_term(term: tuple) -> str:
    """A term as SPARQL 1.1 TSV writes it (§3): Turtle syntax, numbers in their abbreviated form."""
    if term[0] == "literal" and term[2] in _TURTLE_NUMBER and _TURTLE_NUMBER[term[2]].fullmatch(term[1]):
        return term[1]
    return nt_term(term)


def _select_tsv(variables, rows) -> bytes:
    """SPARQL 1.1 TSV: ?-prefixed header, values in Turtle/N-Triples syntax, LF line ends (§3)."""
    lines = ["\t".join("?" + v for v in variables)]
    for row in rows:
        lines.append("\t".join("" if t is None else tsv_term(t) for t in row))
    return ("\n".join(lines) + "\n").encode()


# --- CONSTRUCT / DESCRIBE ------------------------------------------------------------------------

def write_graph(triples: list[tuple], media_type: str, *, prefixes: dict[str, str] | None = None,
                truncated_note: str | None = None) -> bytes:
    """Serialise neutral triples with the one RDF writer (sorted, so both backends write the same bytes)."""
    if media_type not in GRAPH_TYPES:
        raise ValueError(f"not an RDF media type: {media_type}")
    try:
        body = dumps.write([tuple(_ox(t) for t in triple) for triple in triples],
                           formats.get(media_type).key, prefixes=prefixes)
    except dumps.SerialisationError as exc:
        raise NotRepresentableError(str(exc)) from None
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
        # Already in the engine's one lexical form: no canonicalisation needed (nor paid for).
        if term.language:
            return ("literal", term.value, None, term.language.lower())
        datatype = term.datatype.value if term.datatype else None
        return ("literal", term.value, None if datatype in (None, XSD_STRING) else datatype, None)
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
        # normalize=False: rdflib would otherwise rewrite the lexical form the writer relies on
        return Literal(term[1], datatype=URIRef(term[2]), normalize=False)
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
