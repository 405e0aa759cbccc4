"""The one format registry: every format we read or write, once, and one way to choose among them.

Each entry names a format once: its media type (IANA), the other media types clients send for it,
the names clients put in ``format=`` / ``output=`` / ``results=`` (SPARQLWrapper sends all three;
Fuseki reads ``format``/``output``, Virtuoso ``format``), its file extension, its kind, its W3C
unique format IRI (https://www.w3.org/ns/formats/, used by the SPARQL 1.1 Service Description's
``sd:resultFormat`` and DCAT's ``dcterms:conformsTo``) and a label. Adding a format is one entry.

Kinds: ``results`` (SELECT/ASK: SPARQL 1.1 Query Results JSON, XML, CSV, TSV), ``graph`` (RDF
documents and CONSTRUCT/DESCRIBE answers), ``dataset`` (quad syntaxes, which also carry a graph),
``page`` (HTML) and ``data`` (plain JSON, for /downloads).

``choose`` implements the format choice of the SPARQL 1.1 Protocol §2.1.5 / §2.2.6 (content
negotiation, RFC 9110 §12.5.1) plus the widespread ``format=`` convention; every view and the
CLI call it. Accept is parsed by Werkzeug's ``MIMEAccept`` (q-values, wildcards, parameters, the
most specific range deciding, RFC 9110 §12.4.2/§12.5.1), which passes the same cases the project's
hand-written parser did, so that parser is gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: the W3C namespace of unique format IRIs
FORMATS_NS = "http://www.w3.org/ns/formats/"
#: the parameters SPARQL clients name a format in, in the order they are read
FORMAT_PARAMS = ("format", "output", "results")


@dataclass(frozen=True)
class Format:
    """One serialisation format."""

    key: str  # our name for it (CLI --format, dist/manifest.json "format")
    media_type: str
    kind: str  # results | graph | dataset | page | data
    extension: str
    label: str
    sd_name: str | None = None  # local name under FORMATS_NS, None when W3C names none
    aliases: tuple[str, ...] = ()  # format=/output=/results= values besides key and extension
    synonyms: tuple[str, ...] = ()  # other media types meaning this format

    @property
    def iri(self) -> str | None:
        """The W3C unique format IRI (https://www.w3.org/ns/formats/), if there is one."""
        return FORMATS_NS + self.sd_name if self.sd_name else None

    @property
    def content_type(self) -> str:
        """The Content-Type header value: every textual body we write is UTF-8."""
        return f"{self.media_type}; charset=utf-8"

    def names(self) -> tuple[str, ...]:
        """Every short name a client may use for this format."""
        return (self.key, self.extension, *self.aliases)


#: every format, in the server's order of preference within each kind
FORMATS: tuple[Format, ...] = (
    # SPARQL 1.1 Query Results JSON / XML / CSV / TSV
    Format("json", "application/sparql-results+json", "results", "srj", "SPARQL Results JSON",
           "SPARQL_Results_JSON", ("sparql-results+json",),
           ("application/json", "text/javascript", "application/javascript")),
    Format("xml", "application/sparql-results+xml", "results", "srx", "SPARQL Results XML",
           "SPARQL_Results_XML", ("sparql-results+xml",), ("application/xml", "text/xml")),
    Format("csv", "text/csv", "results", "csv", "CSV", "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", "results", "tsv", "TSV", "SPARQL_Results_TSV"),
    # RDF graphs. N3 is a superset of Turtle, so every Turtle document is the N3 a client asks for.
    Format("turtle", "text/turtle", "graph", "ttl", "Turtle", "Turtle", ("n3", "text/n3"),
           ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3")),
    Format("ntriples", "application/n-triples", "graph", "nt", "N-Triples", "N-Triples",
           ("n-triples",), ("text/plain",)),
    Format("jsonld", "application/ld+json", "graph", "jsonld", "JSON-LD", "JSON-LD",
           ("json-ld", "json"), ("application/json", "application/json+ld", "application/x-json+ld")),
    Format("rdfxml", "application/rdf+xml", "graph", "rdf", "RDF/XML", "RDF_XML",
           ("rdf+xml", "xml", "owl"), ("application/xml", "text/xml")),
    # RDF datasets (quads)
    Format("trig", "application/trig", "dataset", "trig", "TriG", "TriG", (), ("application/x-trig",)),
    Format("nquads", "application/n-quads", "dataset", "nq", "N-Quads", "N-Quads", ("n-quads",),
           ("text/x-nquads",)),
    # pages and plain data
    Format("html", "text/html", "page", "html", "HTML", None, (), ("application/xhtml+xml",)),
    Format("json-data", "application/json", "data", "json", "JSON"),
)

#: what each kind of answer may be written as (a quad syntax also carries a single graph)
OFFERS = {
    "results": ("results",),
    "graph": ("graph", "dataset"),
    "document": ("graph",),
    "dataset": ("dataset",),
}


class FormatError(Exception):
    """A format request we cannot meet: 400 for an unknown name, 406 for a format not offered."""

    def __init__(self, status: int, message: str):
        """Remember the HTTP status and a message naming what is available."""
        super().__init__(message)
        self.status, self.message = status, message


def by_kind(*kinds: str) -> tuple[Format, ...]:
    """The formats of the given kinds, in registry order."""
    return tuple(f for f in FORMATS if f.kind in kinds)


def offered(kind: str) -> tuple[Format, ...]:
    """The formats an answer of ``kind`` (results, graph, document, dataset) can be written in."""
    return by_kind(*OFFERS[kind])


def media_types(kind: str) -> tuple[str, ...]:
    """The media types of ``offered(kind)``."""
    return tuple(f.media_type for f in offered(kind))


def extensions(kind: str) -> dict[str, str]:
    """extension -> media type for ``offered(kind)`` (the /data/….{ext} documents)."""
    return {f.extension: f.media_type for f in offered(kind)}


def by_key(key: str) -> Format:
    """The format with this key (the build's and the CLI's name for it)."""
    for f in FORMATS:
        if f.key == key:
            return f
    raise KeyError(key)


def get(media_type: str) -> Format:
    """The format with this (exact) media type."""
    for f in FORMATS:
        if f.media_type == media_type:
            return f
    raise KeyError(media_type)


def by_extension(ext: str, candidates: Iterable[Format] = FORMATS) -> Format | None:
    """The format a file extension names among ``candidates``."""
    return next((f for f in candidates if f.extension == ext), None)


def lookup(value: str, candidates: Iterable[Format] = FORMATS) -> Format | None:
    """The first of ``candidates`` a ``format=`` value names: a short name, a media type or a synonym."""
    key = value.strip().lower()
    media = key.split(";", 1)[0].strip()
    candidates = tuple(candidates)
    for f in candidates:
        if key in f.names() or media == f.media_type:
            return f
    return next((f for f in candidates if media in f.synonyms), None)


def choose(kind: str | Iterable[str], params: Mapping[str, list[str]] | None, accept: str | None,
           *, default: str | None = None, extra: Iterable[str] = ()) -> Format:
    """The format to answer in: named by ``format=``/``output=``/``results=``, else negotiated by Accept.

    ``kind`` is a key of OFFERS or a list of format kinds; ``extra`` adds kinds (e.g. ``page``) the
    view can also answer with; ``default`` (a media type) is what a client without preference gets.
    Raises FormatError: 400 for a name we do not know, 406 for a format not offered here.
    """
    kinds = OFFERS.get(kind, (kind,)) if isinstance(kind, str) else tuple(kind)
    offers = by_kind(*kinds, *extra)
    if default is not None:
        offers = (get(default), *[f for f in offers if f.media_type != default])
    negotiated = _negotiate(accept, offers)
    for name in FORMAT_PARAMS:
        for value in (params or {}).get(name, []):
            if not value.strip():
                continue
            named = lookup(value, offers)
            if named is not None:
                return named
            known = lookup(value)
            if known is None:
                raise FormatError(400, f"{name}={value} names no format we know; use one of "
                                       f"{', '.join(_names(offers))}.")
            # A name of another kind (SPARQLWrapper sends its return format on every query):
            # an Accept header that names one of ours by type still decides; else say no.
            if negotiated is not None and _named_by_type(accept, negotiated):
                return negotiated
            raise FormatError(406, f"{name}={value} ({known.label}) is not available here; use one "
                                   f"of {', '.join(_names(offers))}.")
    if negotiated is None:
        raise FormatError(406, "None of the media types in the Accept header is available here. "
                               f"Available: {', '.join(f.media_type for f in offers)}.")
    return negotiated


def negotiate(accept: str | None, media_types: Iterable[str], default: str | None = None) -> str | None:
    """Plain content negotiation among media types outside the registry (linksets, change sets …):
    the one the Accept header prefers, ``default`` (else the first) without a usable header, or None."""
    types = list(media_types)
    if default is not None:
        types = [default, *[t for t in types if t != default]]
    offers = tuple(Format(t, t, "other", "", t) for t in types)
    chosen = _negotiate(accept, offers)
    return chosen.media_type if chosen else None


def resolve(value: str, graph: bool) -> str | None:
    """The media type a ``format=`` value names among the answers of a query form, or None."""
    named = lookup(value, offered("graph" if graph else "results"))
    return named.media_type if named else None


def _names(offers: Iterable[Format]) -> list[str]:
    """The short names of ``offers`` for an error message."""
    return [f.key if f.extension == f.key else f"{f.key} ({f.extension})" for f in offers]


def _negotiate(accept: str | None, offers: tuple[Format, ...]) -> Format | None:
    """The offer the Accept header prefers (ties to the earlier offer); the first without a usable header.

    An offer's quality is Werkzeug's for its media type (the most specific matching range decides,
    RFC 9110 §12.5.1); a synonym counts only where the client names it, never through a wildcard.
    """
    parsed = _parse(accept)
    if not parsed:
        return offers[0] if offers else None  # no Accept means any type (RFC 9110 §12.5.1)
    named = {}
    for value, q in parsed:
        media = value.split(";", 1)[0].strip().lower()
        named[media] = max(named.get(media, 0), q)
    best, best_q = None, 0.0
    for f in offers:
        q = max([parsed.quality(f.media_type), *[named.get(s, 0) for s in f.synonyms]])
        if q > best_q:
            best, best_q = f, q
    return best


def _parse(accept: str | None):
    """The Accept header parsed by Werkzeug (a MIMEAccept), ``charset`` parameters dropped: every
    body we write is UTF-8, so a charset never rules an offer out."""
    # Imported here: the registry itself (read by kg/ at build time) needs no web library.
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    parsed = parse_accept_header(accept, MIMEAccept)
    cleaned = []
    for value, q in parsed:
        parts = [p for p in value.split(";") if p.split("=", 1)[0].strip().lower() != "charset"]
        cleaned.append((";".join(parts), q))
    return MIMEAccept(cleaned)


def _named_by_type(accept: str | None, fmt: Format) -> bool:
    """True when the Accept header names ``fmt`` (or a synonym) explicitly, not by a wildcard."""
    parsed = _parse(accept)
    types = {fmt.media_type, *fmt.synonyms}
    return any(value.split(";", 1)[0].strip().lower() in types and q > 0 for value, q in parsed)
