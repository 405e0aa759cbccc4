"""Blank nodes → skolem IRIs named by their content, so equal graphs are written with equal IRIs.

RDF 1.1 Concepts §3.5 (https://www.w3.org/TR/rdf11-concepts/#section-skolemization): a blank node
may be replaced by a fresh IRI under ``/.well-known/genid/``. Used for every dump (kg.build) and for
the validation report (kg.validation), so both name their blank nodes the same way.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from netzwerke_kg.kg.dumps import nt_term
from netzwerke_kg.namespaces import DEFAULT_BASE_IRI

#: the prefix of every skolem IRI (under the canonical base; kg.build rebases it)
GENID = f"{DEFAULT_BASE_IRI}.well-known/genid/"


def skolemised(graph: Graph, graph_name: str) -> set:
    """The triples of ``graph``, blank nodes replaced by content-hash skolem IRIs.

    ``{GENID}{hash}``: the hash of a blank node covers what it says (its outgoing triples, nested
    blank nodes by their own hash) and where it hangs (the path of incoming triples up to an IRI),
    plus ``graph_name``, so an unchanged shape keeps its IRIs when others change. If two blank
    nodes get the same hash (duplicates, or cycles of blank nodes) the labels of W3C RDF Dataset
    Canonicalization (RDFC-1.0, via pyoxigraph) are hashed instead, which are unique and
    deterministic.
    """
    bnodes = {t for triple in graph for t in (triple[0], triple[2]) if isinstance(t, BNode)}
    if not bnodes:
        return set(graph)
    labels = _content_labels(graph, bnodes)
    if labels is None:
        graph = _rdfc_canonical(graph)
        labels = {t: str(t) for triple in graph for t in (triple[0], triple[2]) if isinstance(t, BNode)}

    def sk(term):
        """A skolem IRI for a blank node."""
        if isinstance(term, BNode):
            digest = hashlib.sha256(f"{graph_name}\n{labels[term]}".encode("utf-8")).hexdigest()[:32]
            return URIRef(GENID + digest)
        return term

    return {(sk(s), p, sk(o)) for s, p, o in graph}


class _Cycle(Exception):
    """Blank nodes that reach themselves: content hashing is not well defined."""


def _content_labels(graph: Graph, bnodes: set) -> dict | None:
    """Blank node → hash of its content and position; None when not unique or cyclic."""
    out_memo: dict[BNode, str] = {}
    in_memo: dict[BNode, str] = {}

    def sha(parts) -> str:
        """Hash of a sorted list of strings."""
        return hashlib.sha256("\n".join(sorted(parts)).encode("utf-8")).hexdigest()

    def out(b: BNode, stack: frozenset) -> str:
        """Hash of what ``b`` says, nested blank nodes included."""
        if b in stack:
            raise _Cycle
        if b not in out_memo:
            out_memo[b] = sha(f"{p} " + (out(o, stack | {b}) if isinstance(o, BNode) else nt_term(o))
                              for p, o in graph.predicate_objects(b))
        return out_memo[b]

    def inc(b: BNode, stack: frozenset) -> str:
        """Hash of the incoming path of ``b`` up to IRIs."""
        if b in stack:
            raise _Cycle
        if b not in in_memo:
            in_memo[b] = sha(f"{p} " + (f"({inc(s, stack | {b})} {out(s, frozenset())})"
                                        if isinstance(s, BNode) else nt_term(s))
                             for s, p in graph.subject_predicates(b))
        return in_memo[b]

    try:
        labels = {b: sha([out(b, frozenset()), inc(b, frozenset())]) for b in bnodes}
    except _Cycle:
        return None
    return labels if len(set(labels.values())) == len(labels) else None


def _rdfc_canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes relabelled by RDFC-1.0 (pyoxigraph)."""
    def conv(t):
        """rdflib term → pyoxigraph term."""
        if isinstance(t, BNode):
            return ox.BlankNode(str(t))
        if isinstance(t, URIRef):
            return ox.NamedNode(str(t))
        if t.language:
            return ox.Literal(str(t), language=t.language)
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD.string)))

    ds = ox.Dataset(ox.Quad(conv(s), conv(p), conv(o)) for s, p, o in graph)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    out = Graph(bind_namespaces="none")
    for q in ds:
        out.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return out


def from_ox(term):
    """The rdflib term for a pyoxigraph term, literals unnormalised (also kg.build.read_exact)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"unsupported term {term!r}")
