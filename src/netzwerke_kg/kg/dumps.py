"""The one RDF writer: the build's dumps, every RDF route and every CONSTRUCT answer go through here.

Three rules make the output the same in every process, every format and every route:

1. **One lexical form.** pyoxigraph, the engine that answers SPARQL, stores typed literals by value
   and gives them back in the XSD 1.1 canonical form (``"10.0"^^xsd:decimal`` comes back as
   ``"10"``). So every literal is written in that same canonical form (``canonical``), and a
   document merged with a dump or a query answer never holds one value twice (RDF 1.1 Concepts
   §3.3: literal term equality is by lexical form).
2. **Sorted input.** Triples are de-duplicated and sorted (subject, ``rdf:type`` first, predicate,
   object, by their N-Triples form) before they reach a serialiser; nothing depends on hashing or
   insertion order, so the bytes do not change with ``PYTHONHASHSEED``.
3. **pyoxigraph's serialisers** write N-Triples, N-Quads, Turtle, TriG and RDF/XML (RDF 1.1 W3C
   Recommendations); JSON-LD is the project's compacted form (JSON-LD 1.1 §4.1.5, §4.3), written
   here so literals keep their lexical form (serialisers that turn ``"054"^^xsd:integer`` into
   the JSON number 54 would lose it) and nodes come out sorted.

XML 1.0 (§2.2 Char) cannot carry most C0 control characters at all, and a raw carriage return
is read back as a line feed (§2.11): RDF/XML writes CR as ``&#13;`` and refuses the others with
SerialisationError, naming the character.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: pyoxigraph's format per registry key (netzwerke_kg.formats)
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
              "rdfxml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG,
              "nquads": ox.RdfFormat.N_QUADS}
#: formats whose syntax declares prefixes
_PREFIXED = {"turtle", "trig", "rdfxml"}
#: local parts written as prefixed names or compact IRIs; narrower than Turtle's PN_LOCAL, so every
#: parser (rdflib, raptor, pyoxigraph, Virtuoso) and JSON-LD processor reads them back the same
_SAFE_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?")
#: characters XML 1.0 cannot carry (§2.2 Char), CR aside, which is escaped
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class SerialisationError(ValueError):
    """A graph that cannot be written in the requested syntax (a character XML cannot carry, …)."""


# --- terms ---------------------------------------------------------------------------------------

_canon_lock = threading.Lock()
#: one small in-memory store per process does the engine's canonicalisation (a store per call
#: would cost address space, which the sandboxed query workers have little of)
_canon_store: list = []


@lru_cache(maxsize=65536)
def canonical(lexical: str, datatype: str) -> str:
    """The lexical form the engine gives back for a typed literal (XSD 1.1 canonical mapping)."""
    node = ox.NamedNode("urn:x-canonical:s")
    with _canon_lock:
        if not _canon_store:
            _canon_store.append(ox.Store())
        store = _canon_store[0]
        store.add(ox.Quad(node, node, ox.Literal(lexical, datatype=ox.NamedNode(datatype))))
        value = next(iter(store)).object.value
        store.clear()
    return value


def literal(lexical: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    """A pyoxigraph literal in its one lexical form."""
    if language:
        return ox.Literal(lexical, language=language.lower())
    if datatype in (None, XSD_STRING, RDF_LANGSTRING):
        return ox.Literal(lexical)
    return ox.Literal(canonical(lexical, datatype), datatype=ox.NamedNode(datatype))


def ox_term(term):
    """An rdflib or pyoxigraph term as a pyoxigraph term, literals in their one lexical form."""
    if isinstance(term, ox.Literal):
        return literal(term.value, term.datatype.value, term.language)
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        return literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise SerialisationError(f"unexpected term {term!r}")


def nt_term(term) -> str:
    """One term in N-Triples syntax (xsd:string literals without datatype)."""
    return str(ox_term(term))


def _key(s, p, o, g=None) -> tuple:
    """The sort key of a statement: graph, subject, rdf:type first, predicate, object."""
    return ("" if g is None else str(g), str(s), p.value != RDF_TYPE, str(p), str(o))


def sorted_triples(triples: Iterable) -> list[ox.Triple]:
    """Distinct triples as pyoxigraph triples, in the writer's order."""
    unique = {(ox_term(s), ox_term(p), ox_term(o)) for s, p, o in triples}
    return [ox.Triple(*t) for t in sorted(unique, key=lambda t: _key(*t))]


def sorted_quads(quads: Iterable) -> list[ox.Quad]:
    """Distinct quads (the graph an IRI string or term) as pyoxigraph quads, in the writer's order."""
    unique = set()
    for s, p, o, g in quads:
        graph = g if isinstance(g, (ox.NamedNode, ox.DefaultGraph)) else ox.NamedNode(str(g))
        unique.add((ox_term(s), ox_term(p), ox_term(o), graph))
    return [ox.Quad(*q) for q in sorted(unique, key=lambda q: _key(*q))]


# --- the writer ----------------------------------------------------------------------------------

def write(statements: Iterable, fmt: str, *, prefixes: Mapping[str, str] | None = None,
          context: str | Mapping | None = None) -> bytes:
    """Triples (or quads, for trig/nquads) written as registry format ``fmt``, sorted, as UTF-8."""
    items = list(statements)
    if fmt in ("trig", "nquads"):
        quads = sorted_quads(q if len(q) == 4 else (*q, ox.DefaultGraph()) for q in items)
        return _ox_write(quads, fmt, prefixes, [t for q in quads for t in (q.subject, q.predicate, q.object)])
    if any(len(t) == 4 for t in items):
        raise SerialisationError(f"{fmt} holds one graph; write a dataset as trig or nquads")
    triples = sorted_triples(items)
    if fmt == "jsonld":
        return jsonld_document(triples, prefixes or {}, context).encode("utf-8")
    if fmt not in OX_FORMATS:
        raise SerialisationError(f"not an RDF format: {fmt}")
    return _ox_write(triples, fmt, prefixes, [t for tr in triples for t in (tr.subject, tr.predicate, tr.object)])


def _ox_write(items: list, fmt: str, prefixes: Mapping[str, str] | None, terms: list) -> bytes:
    """pyoxigraph's serialiser for ``fmt``, declaring only the prefixes the statements use."""
    if fmt == "rdfxml":
        _check_xml(terms)
    used = _used_prefixes(prefixes, terms) if prefixes and fmt in _PREFIXED else None
    try:
        body = ox.serialize(items, format=OX_FORMATS[fmt], prefixes=used) if used else \
            ox.serialize(items, format=OX_FORMATS[fmt])
    except ValueError as exc:  # e.g. a predicate RDF/XML cannot name as a QName
        raise SerialisationError(f"cannot write {fmt}: {exc}") from None
    if fmt == "rdfxml":
        # XML 1.0 §2.11 turns a raw CR into LF; a character reference survives parsing.
        body = body.replace(b"\r", b"&#13;")
        if not body.endswith(b"\n"):
            body += b"\n"
    return body


def _used_prefixes(prefixes: Mapping[str, str], terms: list) -> dict[str, str]:
    """The prefixes whose namespace some IRI (or datatype) in ``terms`` starts with, sorted; a
    namespace that would leave any of its IRIs a local part outside ``_SAFE_LOCAL`` is left out,
    so no prefixed name needs an escape (``id:city\\/rostock`` is valid Turtle, but Virtuoso reads
    the backslash into the IRI): such IRIs are written in full or under a narrower prefix."""
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for t in terms if isinstance(t, ox.Literal)}
    used = {}
    for name, ns in sorted(prefixes.items()):
        locals_ = [i[len(ns):] for i in iris if i.startswith(ns)]
        if name and locals_ and all(not part or _SAFE_LOCAL.fullmatch(part) for part in locals_):
            used[name] = ns
    return used


def _check_xml(terms: list) -> None:
    """Refuse what XML 1.0 cannot carry, naming the character (XML 1.0 §2.2)."""
    for t in terms:
        text = t.value
        bad = XML_FORBIDDEN.search(text)
        if bad:
            raise SerialisationError(
                f"U+{ord(bad.group(0)):04X} (in {text[:40]!r}) cannot be written in XML 1.0; "
                "ask for Turtle, N-Triples or JSON instead")


def check_xml_text(text: str) -> None:
    """Raise SerialisationError when ``text`` holds a character XML 1.0 cannot carry."""
    _check_xml([ox.Literal(text)])


# --- the build's named entry points (kg.build calls these) --------------------------------------

def ntriples(triples: Iterable) -> str:
    """Sorted N-Triples (RDF 1.1 N-Triples)."""
    return write(triples, "ntriples").decode("utf-8")


def nquads(quads: Iterable) -> str:
    """Sorted N-Quads (RDF 1.1 N-Quads), every statement in a named graph."""
    return write(quads, "nquads").decode("utf-8")


def turtle(triples: Iterable, prefixes: Mapping[str, str]) -> str:
    """Sorted Turtle (RDF 1.1 Turtle) with only the prefixes used."""
    return write(triples, "turtle", prefixes=prefixes).decode("utf-8")


def trig(graphs: Mapping[str, Iterable], prefixes: Mapping[str, str]) -> str:
    """Sorted TriG (RDF 1.1 TriG): one block per named graph, graphs sorted by IRI."""
    quads = [(s, p, o, g) for g, triples in graphs.items() for s, p, o in triples]
    return write(quads, "trig", prefixes=prefixes).decode("utf-8")


def rdfxml(triples: Iterable, prefixes: Mapping[str, str]) -> str:
    """Sorted RDF/XML (RDF 1.1 XML Syntax)."""
    return write(triples, "rdfxml", prefixes=prefixes).decode("utf-8")


def jsonld(triples: Iterable, prefixes: Mapping[str, str], context_iri: str) -> str:
    """Compacted JSON-LD naming the published context by IRI."""
    return write(triples, "jsonld", prefixes=prefixes, context=context_iri).decode("utf-8")


# --- JSON-LD -------------------------------------------------------------------------------------
# JSON-LD 1.1 (https://www.w3.org/TR/json-ld11/), compacted form (§4.1.5 compact IRIs, §4.3
# compacted document form): one node object per subject, IRIs shortened against the context's
# prefixes, literals as value objects (strings bare), single values not wrapped in arrays.



def context_document(prefixes: Mapping[str, str]) -> dict:
    """The published JSON-LD context: one term per prefix."""
    return {"@context": {p: ns for p, ns in sorted(prefixes.items()) if p}}


def _compact_iri(iri: str, ordered: list[tuple[str, str]]) -> str:
    """``prefix:local`` when a prefix matches and the result cannot be read as another IRI."""
    for prefix, ns in ordered:
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and not local.startswith("//") and _SAFE_LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
    return iri


def jsonld_document(triples: list[ox.Triple], prefixes: Mapping[str, str],
                    context: str | Mapping | None) -> str:
    """Compacted JSON-LD of sorted triples; ``context`` an IRI (published) or None (inline prefixes)."""
    if context is None:
        context = context_document(_used_prefixes(prefixes, [t for tr in triples for t in tr]))["@context"]
    table = context if isinstance(context, Mapping) else prefixes
    ordered = sorted(((p, ns) for p, ns in table.items() if p), key=lambda kv: (-len(kv[1]), kv[0]))

    def node_id(term) -> str:
        """The @id of a subject or node reference."""
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact_iri(term.value, ordered)

    def value(o) -> object:
        """A node reference or value object for one object term."""
        if not isinstance(o, ox.Literal):
            return {"@id": node_id(o)}
        if o.language:
            return {"@value": o.value, "@language": o.language}
        if o.datatype.value == XSD_STRING:
            return o.value
        return {"@value": o.value, "@type": _compact_iri(o.datatype.value, ordered)}

    def one_or_many(items: list):
        """compactArrays: a single value stands alone."""
        return items[0] if len(items) == 1 else items

    nodes: dict[str, dict] = {}
    for t in triples:
        node = nodes.setdefault(str(t.subject), {"@id": node_id(t.subject)})
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(_compact_iri(t.object.value, ordered))
        else:
            node.setdefault(_compact_iri(t.predicate.value, ordered), []).append(value(t.object))
    graph = []
    for key in sorted(nodes):
        node = nodes[key]
        for name, items in node.items():
            if name != "@id":
                node[name] = one_or_many(sorted(items, key=lambda v: json.dumps(v, sort_keys=True,
                                                                                ensure_ascii=False)))
        graph.append(node)
    doc = {"@context": context, "@graph": graph}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
