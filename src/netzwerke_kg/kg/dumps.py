"""Canonical serialisers: byte-stable N-Triples, N-Quads, Turtle, TriG, RDF/XML and JSON-LD.

rdflib's own serialisers walk its in-memory indexes, whose order depends on insertion order and on
Python's per-process string hashing, so two runs may write the same graph in different orders.
Here every writer sorts: subjects by IRI, ``rdf:type`` first and then predicates by IRI, objects by
their N-Triples form. The input must be free of blank nodes (kg.skolem replaces them first).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

Triple = tuple[URIRef, URIRef, URIRef | Literal]
Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]


class SerialisationError(ValueError):
    """A graph that cannot be written in the requested syntax (e.g. a predicate RDF/XML cannot name)."""


# --- N-Triples / N-Quads -------------------------------------------------------------------------
# RDF 1.1 N-Triples §"Canonical N-Triples" (https://www.w3.org/TR/n-triples/#canonical-ntriples):
# IRIs in full, literals escaping only \\ \" \n \r (plus \uXXXX for other control characters),
# one triple per line; lines sorted by code point (= UTF-8 byte order) for stable output.

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_CONTROL = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\\"\n\r]')
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _escape_string(text: str) -> str:
    """A string literal body escaped for N-Triples / Turtle."""
    return _CONTROL.sub(lambda m: _ECHAR.get(m.group(0), f"\\u{ord(m.group(0)):04X}"), text)


def nt_iri(iri: str) -> str:
    """An IRIREF; characters forbidden in IRIREF become UCHAR escapes (N-Triples grammar [8])."""
    return "<" + _IRI_BAD.sub(lambda m: f"\\u{ord(m.group(0)):04X}", str(iri)) + ">"


def _term(term, write_iri: Callable[[str], str]) -> str:
    """One term, IRIs (also datatypes) written by ``write_iri``; xsd:string literals without datatype.

    N-Triples and Turtle share the literal syntax; they differ only in how an IRI is written.
    """
    if isinstance(term, URIRef):
        return write_iri(str(term))
    if isinstance(term, Literal):
        body = '"' + _escape_string(str(term)) + '"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{body}^^{write_iri(str(term.datatype))}"
        return body
    raise SerialisationError(f"unexpected term {term!r} (blank nodes must be skolemised first)")


def nt_term(term) -> str:
    """One term in N-Triples syntax (xsd:string literals written without datatype)."""
    return _term(term, nt_iri)


def ntriples(triples: Iterable[Triple]) -> str:
    """Sorted canonical N-Triples."""
    lines = sorted({f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples})
    return "".join(lines)


def nquads(quads: Iterable[Quad]) -> str:
    """Sorted N-Quads (RDF 1.1 N-Quads), every statement in a named graph."""
    lines = sorted({f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {nt_iri(g)} .\n" for s, p, o, g in quads})
    return "".join(lines)


# --- Turtle / TriG -------------------------------------------------------------------------------
# RDF 1.1 Turtle (https://www.w3.org/TR/turtle/) and TriG (https://www.w3.org/TR/trig/).

#: local parts written as prefixed names; deliberately narrower than PN_LOCAL so every parser
#: (rdflib, raptor, pyoxigraph) reads them back the same
_SAFE_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?")


class _Namer:
    """Writes terms as prefixed names where safe and remembers which prefixes were used."""

    def __init__(self, prefixes: Mapping[str, str]):
        """Longest namespace first, so ``city:`` wins over ``id:``."""
        self.prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        """A prefixed name or an IRIREF."""
        for prefix, ns in self.prefixes:
            if iri.startswith(ns):
                local = iri[len(ns):]
                if local == "" or _SAFE_LOCAL.fullmatch(local):
                    self.used[prefix] = ns
                    return f"{prefix}:{local}"
        return nt_iri(iri)

    def term(self, term) -> str:
        """One term in Turtle (prefixed names where safe)."""
        return _term(term, self.iri)

    def header(self, directive: str = "@prefix") -> str:
        """The prefix declarations of the prefixes actually used, sorted."""
        lines = [f"{directive} {p}: {nt_iri(ns)} ." for p, ns in sorted(self.used.items())]
        return "\n".join(lines) + ("\n\n" if lines else "")


def _grouped(triples: Iterable[Triple]) -> dict:
    """subject -> predicate -> set of objects."""
    tree: dict = {}
    for s, p, o in triples:
        tree.setdefault(s, {}).setdefault(p, set()).add(o)
    return tree


def _pred_key(p: URIRef) -> tuple:
    """rdf:type first, then by IRI."""
    return (p != RDF.type, str(p))


def _turtle_body(triples: Iterable[Triple], namer: _Namer, indent: str = "") -> str:
    """Subject blocks, sorted, each ``s p o1 , o2 ; p2 o3 .``."""
    blocks = []
    for s, preds in sorted(_grouped(triples).items(), key=lambda kv: str(kv[0])):
        chunks = []
        for p in sorted(preds, key=_pred_key):
            objs = sorted(preds[p], key=nt_term)
            name = "a" if p == RDF.type else namer.term(p)
            chunks.append(f"{name} " + f" ,\n{indent}        ".join(namer.term(o) for o in objs))
        blocks.append(f"{indent}{namer.term(s)}\n{indent}    " + f" ;\n{indent}    ".join(chunks) + " .\n")
    return "\n".join(blocks)


def turtle(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> str:
    """Sorted Turtle with only the prefixes used."""
    namer = _Namer(prefixes)
    body = _turtle_body(triples, namer)
    return namer.header() + body


def trig(graphs: Mapping[str, Iterable[Triple]], prefixes: Mapping[str, str]) -> str:
    """Sorted TriG: one ``<g> { … }`` block per named graph, graphs sorted by IRI.

    The optional ``GRAPH`` keyword of TriG 1.1 is left out: raptor (rapper) does not accept it.
    """
    namer = _Namer(prefixes)
    parts = []
    for g in sorted(graphs):
        body = _turtle_body(graphs[g], namer, indent="    ")
        parts.append(f"{nt_iri(g)} {{\n{body}}}\n")
    return namer.header() + "\n".join(parts)


# --- RDF/XML -------------------------------------------------------------------------------------
# RDF 1.1 XML Syntax (https://www.w3.org/TR/rdf-syntax-grammar/): one rdf:Description per subject,
# every property element named by a QName, so each predicate must split into namespace + NCName.

_NCNAME_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*$")
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RDF_NS = str(RDF)


def _xml_text(text: str) -> str:
    """Character data escaped for XML; \\r kept as a character reference so it survives parsing."""
    if _XML_INVALID.search(text):
        raise SerialisationError(f"a literal holds a character XML 1.0 cannot carry: {text[:40]!r}")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attr(text: str) -> str:
    """An attribute value escaped for double quotes (whitespace kept through references)."""
    return (_xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def rdfxml(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> str:
    """Sorted, striped RDF/XML with namespace declarations for the predicates used."""
    tree = _grouped(triples)
    by_ns = {ns: p for p, ns in prefixes.items() if p}
    used: dict[str, str] = {"rdf": RDF_NS}
    qnames: dict[URIRef, str] = {}
    generated = 0
    for p in sorted({p for preds in tree.values() for p in preds}, key=str):
        iri = str(p)
        m = _NCNAME_TAIL.search(iri)
        if not m or m.start() == 0:
            raise SerialisationError(f"RDF/XML cannot name the predicate <{iri}>")
        ns, local = iri[: m.start()], m.group(0)
        prefix = by_ns.get(ns) or ("rdf" if ns == RDF_NS else None)
        if prefix is None or (prefix in used and used[prefix] != ns):
            prefix = f"ns{generated}"
            generated += 1
            by_ns[ns] = prefix
        used[prefix] = ns
        qnames[p] = f"{prefix}:{local}"
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF']
    out += [f'\n    xmlns:{p}="{_xml_attr(ns)}"' for p, ns in sorted(used.items())]
    out.append(">\n")
    for s, preds in sorted(tree.items(), key=lambda kv: str(kv[0])):
        out.append(f'  <rdf:Description rdf:about="{_xml_attr(str(s))}">\n')
        for p in sorted(preds, key=_pred_key):
            q = qnames[p]
            for o in sorted(preds[p], key=nt_term):
                if isinstance(o, URIRef):
                    out.append(f'    <{q} rdf:resource="{_xml_attr(str(o))}"/>\n')
                elif o.language:
                    out.append(f'    <{q} xml:lang="{o.language}">{_xml_text(str(o))}</{q}>\n')
                elif o.datatype is not None and o.datatype != XSD.string:
                    out.append(f'    <{q} rdf:datatype="{_xml_attr(str(o.datatype))}">'
                               f"{_xml_text(str(o))}</{q}>\n")
                else:
                    out.append(f"    <{q}>{_xml_text(str(o))}</{q}>\n")
        out.append("  </rdf:Description>\n")
    out.append("</rdf:RDF>\n")
    return "".join(out)


# --- JSON-LD -------------------------------------------------------------------------------------
# JSON-LD 1.1 (https://www.w3.org/TR/json-ld11/), compacted form (§4.1.5 compact IRIs, §4.3
# compacted document form): one node object per subject, IRIs shortened against the published
# context's prefixes, literals as value objects (strings bare), single values not wrapped in arrays.
# Written here rather than by rdflib so lexical forms stay exactly as in the sources (rdflib writes
# integers, booleans and doubles as JSON numbers) and the order is canonical.


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


def jsonld(triples: Iterable[Triple], prefixes: Mapping[str, str], context_iri: str) -> str:
    """Compacted JSON-LD referring to the published context by IRI; nodes and values sorted."""
    ordered = sorted(((p, ns) for p, ns in prefixes.items() if p), key=lambda kv: (-len(kv[1]), kv[0]))

    def value(o) -> object:
        """A node reference or value object for one object term."""
        if isinstance(o, URIRef):
            return {"@id": _compact_iri(str(o), ordered)}
        if not isinstance(o, Literal):
            raise SerialisationError(f"unexpected term {o!r} (blank nodes must be skolemised first)")
        if o.language:
            return {"@value": str(o), "@language": o.language}
        if o.datatype is None or o.datatype == XSD.string:
            return str(o)
        return {"@value": str(o), "@type": _compact_iri(str(o.datatype), ordered)}

    def one_or_many(items: list):
        """compactArrays: a single value stands alone."""
        return items[0] if len(items) == 1 else items

    nodes = []
    for s, preds in sorted(_grouped(triples).items(), key=lambda kv: str(kv[0])):
        node: dict = {"@id": _compact_iri(str(s), ordered)}
        for p, objs in preds.items():
            if p == RDF.type and all(isinstance(o, URIRef) for o in objs):
                node["@type"] = one_or_many(sorted(_compact_iri(str(o), ordered) for o in objs))
                continue
            items = sorted((value(o) for o in objs), key=lambda v: json.dumps(v, sort_keys=True,
                                                                                ensure_ascii=False))
            node[_compact_iri(str(p), ordered)] = one_or_many(items)
        nodes.append(node)
    doc = {"@context": context_iri, "@graph": nodes}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
