"""Skolem IRIs (kg.skolem) back into blank nodes, to compare a written graph with its source."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef

from netzwerke_kg.kg.skolem import GENID


def deskolemise(graph: Graph) -> Graph:
    """A copy of ``graph`` with the build's skolem IRIs turned back into blank nodes."""
    def term(t):
        """Blank node for a skolem IRI."""
        return BNode(str(t)[len(GENID):]) if isinstance(t, URIRef) and str(t).startswith(GENID) else t

    out = Graph()
    for s, p, o in graph:
        out.add((term(s), p, term(o)))
    return out
