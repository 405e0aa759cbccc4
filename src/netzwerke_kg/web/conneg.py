"""HTTP content negotiation: an ``Accept`` parser with q-values, wildcards, parameters, specificity.

Implements proactive negotiation as defined in RFC 9110 §12.5.1 (Accept) and §12.4.2 (quality
values), which the SPARQL 1.1 Protocol §2.1 (https://www.w3.org/TR/sparql11-protocol/#query-operation)
relies on for choosing a result format. ``FORMAT_ALIASES`` maps the short names that SPARQLWrapper,
Fuseki and Virtuoso users send in ``format=`` / ``output=`` to media types.
"""

from __future__ import annotations

from dataclasses import dataclass

#: short format names -> media types (the ``format=`` / ``output=`` parameters)
FORMAT_ALIASES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "owl": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "nquads": "application/n-quads",
}

#: for graph results (CONSTRUCT/DESCRIBE) the generic names mean the RDF twin of the format
GRAPH_FORMAT_ALIASES: dict[str, str] = {**FORMAT_ALIASES, "json": "application/ld+json",
                                        "xml": "application/rdf+xml"}

#: media types clients send (in Accept or ``format=``) that mean one of our SELECT/ASK result types
RESULT_SYNONYMS: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}

#: the same for graph results: legacy names, and the generic JSON/XML types meaning JSON-LD/RDF/XML
GRAPH_SYNONYMS: dict[str, str] = {
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json": "application/ld+json",
    "application/json+ld": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "application/x-trig": "application/trig",
    "text/x-nquads": "application/n-quads",
}


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header: type/subtype, parameters, quality."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    q: float

    def matches(self, offer: "MediaRange") -> int:
        """How specifically this range matches ``offer``: -1 no match, else 0 (*/*) … 3 (with params)."""
        if self.type != "*" and self.type != offer.type:
            return -1
        if self.subtype != "*" and self.subtype != offer.subtype:
            return -1
        # A range's parameters must all be present on the offer; charset never rules out an offer
        # because every body we send is UTF-8.
        own = {k: v for k, v in self.params if k != "charset"}
        offered = dict(offer.params)
        if any(offered.get(k) != v for k, v in own.items()):
            return -1
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if own else 2


def parse_media_range(text: str) -> MediaRange | None:
    """Parse ``type/subtype;p=v;q=0.5``; None when malformed (RFC 9110 §8.3.1, §12.5.1)."""
    parts = [p.strip() for p in text.split(";")]
    full = parts[0].lower()
    if full.count("/") != 1:
        return None
    type_, subtype = (s.strip() for s in full.split("/"))
    if not type_ or not subtype or (type_ == "*" and subtype != "*"):
        return None
    params: list[tuple[str, str]] = []
    q = 1.0
    for part in parts[1:]:
        if not part:
            continue
        if "=" not in part:
            return None
        key, _, value = part.partition("=")
        key, value = key.strip().lower(), value.strip().strip('"')
        if key == "q":
            # RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
            try:
                q = float(value)
            except ValueError:
                return None
            if not 0.0 <= q <= 1.0:
                return None
            break  # anything after q is an accept-ext, which we ignore
        params.append((key, value))
    return MediaRange(type_, subtype, tuple(params), q)


def parse_accept(header: str | None) -> list[MediaRange]:
    """All well-formed media ranges of an Accept header (malformed elements are skipped)."""
    if not header:
        return []
    ranges = []
    for element in _split_outside_quotes(header):
        if element.strip():
            parsed = parse_media_range(element)
            if parsed is not None:
                ranges.append(parsed)
    return ranges


def _split_outside_quotes(header: str) -> list[str]:
    """Split on commas that are not inside a quoted parameter value."""
    out, buf, quoted = [], [], False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return out


def quality(ranges: list[MediaRange], offer: str) -> float:
    """The q-value the client gives ``offer``: that of the most specific matching range (RFC 9110 §12.5.1)."""
    parsed = parse_media_range(offer)
    if parsed is None:
        return 0.0
    best, best_q = -1, 0.0
    for r in ranges:
        s = r.matches(parsed)
        if s > best:
            best, best_q = s, r.q
    return best_q if best >= 0 else 0.0


def negotiate(accept_header: str | None, offers: list[str], default: str | None = None) -> str | None:
    """The offer the client prefers; ``default`` (or the first offer) without an Accept header; None if none is acceptable.

    Ties go to ``default``, then to the order of ``offers`` (the server's preference).
    """
    if not offers:
        return None
    ranges = parse_accept(accept_header)
    if not ranges:
        # No (usable) Accept header means "any media type" (RFC 9110 §12.5.1).
        return default if default in offers else offers[0]
    scored = [(quality(ranges, offer), offer) for offer in offers]
    top = max(q for q, _ in scored)
    if top <= 0.0:
        return None
    winners = [offer for q, offer in scored if q == top]
    if default in winners:
        return default
    return winners[0]


def resolve_format(value: str, graph: bool) -> str | None:
    """The media type a ``format=``/``output=`` value names (short name or full media type); None if unknown."""
    value = value.strip()
    aliases = GRAPH_FORMAT_ALIASES if graph else FORMAT_ALIASES
    key = value.lower()
    if key in aliases:
        return aliases[key]
    parsed = parse_media_range(value)
    if parsed is None or "*" in (parsed.type, parsed.subtype):
        return None
    full = f"{parsed.type}/{parsed.subtype}"
    return (GRAPH_SYNONYMS if graph else RESULT_SYNONYMS).get(full, full)
