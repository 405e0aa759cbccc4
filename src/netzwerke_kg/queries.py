"""Every domain question the pages ask, written once as SPARQL over a Backend.

Only ``select``/``ask``/``construct`` of backends/base.py are used, so every page works the same over
the embedded pyoxigraph store and over a remote engine. SPARQL 1.1 Query Language:
https://www.w3.org/TR/sparql11-query/. IRIs are checked before they are written into a query and
strings are escaped as SPARQL string literals (section 19.7, ECHAR), so no request can inject SPARQL.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef

from netzwerke_kg.backends.base import Backend
from netzwerke_kg.namespaces import prefix_block, prefixes

#: properties whose values name a thing, in order of preference
LABEL_PROPERTIES = ("rdfs:label", "skos:prefLabel", "dcterms:title", "schema:name")
#: properties that tie an n-ary resource (membership, participation, twinning, claim) to its parts
PART_PROPERTIES = ("org:member", "org:organization", "nkg:participant", "nkg:participatesIn",
                   "nkg:partner", "nkg:founded")
#: characters of a "did you mean" text (and of each label) compared; longer ones are cut
NEAREST_MAX_CHARS = 64
#: the similarity (difflib ratio) a "did you mean" suggestion must exceed
NEAREST_CUTOFF = 0.3
#: properties that date an event
DATE_PROPERTIES = ("schema:startDate", "schema:foundingDate", "schema:endDate", "schema:dissolutionDate")

_BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')


class UnsafeIriError(ValueError):
    """An IRI that cannot be written into a SPARQL query."""


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query; refuses characters the IRIREF production excludes (SPARQL 1.1 §19.8)."""
    iri = str(iri)
    if not iri or _BAD_IRI.search(iri):
        raise UnsafeIriError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def string_literal(text: str) -> str:
    """A SPARQL string literal for arbitrary text (escapes per SPARQL 1.1 §19.7 ECHAR)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


class Queries:
    """The domain questions for one backend and one base IRI."""

    def __init__(self, backend: Backend, base_iri: str):
        """Bind a backend and the base IRI the data is published under."""
        self.backend = backend
        self.base = base_iri
        self.nkg = f"{base_iri}ontology#"
        self._prefixes = prefixes(base_iri)
        self._prologue = prefix_block(base_iri)

    # --- plumbing -----------------------------------------------------------------------------

    def _select(self, body: str) -> list[dict]:
        """Run a SELECT with the standard prefixes."""
        return self.backend.select(self._prologue + body)

    def _ask(self, body: str) -> bool:
        """Run an ASK with the standard prefixes."""
        return self.backend.ask(self._prologue + body)

    def _construct(self, body: str) -> Graph:
        """Run a CONSTRUCT with the standard prefixes; the graph gets the project's prefixes."""
        graph = self.backend.construct(self._prologue + body)
        for prefix, ns in self._prefixes.items():
            graph.bind(prefix, ns, override=True)
        return graph

    # --- existence, description ---------------------------------------------------------------

    def exists(self, iri: str) -> bool:
        """True when the IRI occurs as subject or object anywhere in the data."""
        ref = iri_ref(iri)
        return self._ask(f"ASK {{ {{ {ref} ?p ?o }} UNION {{ ?s ?p {ref} }} }}")

    def describe(self, iri: str, incoming_limit: int = 500) -> Graph:
        """The RDF description of a resource: its outgoing triples, labels of what they link to,
        and (up to ``incoming_limit``) incoming triples with the labels of their subjects."""
        ref = iri_ref(iri)
        return self._construct(f"""
CONSTRUCT {{ {ref} ?p ?o . ?o ?lp ?ol . ?s ?ip {ref} . ?s ?slp ?sl . }}
WHERE {{
  {{ {ref} ?p ?o . OPTIONAL {{ ?o ?lp ?ol . FILTER(?lp IN ({', '.join(LABEL_PROPERTIES)})) }} }}
  UNION
  {{ SELECT ?s ?ip WHERE {{ ?s ?ip {ref} }} LIMIT {int(incoming_limit)} }}
  UNION
  {{ SELECT ?s ?slp ?sl WHERE {{ ?s ?x {ref} . ?s ?slp ?sl . FILTER(?slp IN ({', '.join(LABEL_PROPERTIES)})) }} LIMIT {int(incoming_limit)} }}
}}""")

    def outgoing(self, iri: str) -> list[tuple]:
        """Every (property, value) of a resource, in a stable order."""
        rows = self._select(f"SELECT ?p ?o WHERE {{ {iri_ref(iri)} ?p ?o }} ORDER BY ?p ?o")
        return [(r["p"], r["o"]) for r in rows]

    def annotations(self, iris) -> dict[str, dict]:
        """Labels, comments and parts of IRIs: ``{iri: {"label": {lang: text}, "comment": {...},
        "parts": [label maps]}}``, so pages can name anything in the reader's language."""
        iris = sorted({str(i) for i in iris if isinstance(i, URIRef)})
        out: dict[str, dict] = {i: {"label": {}, "comment": {}, "parts": []} for i in iris}
        names = ", ".join(LABEL_PROPERTIES)
        for chunk_start in range(0, len(iris), 200):
            chunk = iris[chunk_start:chunk_start + 200]
            values = " ".join(iri_ref(i) for i in chunk)
            # Two plain joins with FILTER(?p IN …): engines plan these far better than a UNION of
            # property-path alternatives (pyoxigraph: ~1 s -> ~30 ms for 200 terms).
            rows = self._select(f"""
SELECT ?t ?p ?v WHERE {{
  VALUES ?t {{ {values} }} ?t ?p ?v .
  FILTER(?p IN ({names}, rdfs:comment, skos:definition))
}}""")
            for r in rows:
                kind = "comment" if str(r["p"]).endswith(("#comment", "#definition")) else "label"
                lang = getattr(r["v"], "language", None) or ""
                # keep the first value per language; sources hold one per language anyway
                out[str(r["t"])][kind].setdefault(lang, str(r["v"]))
            rows = self._select(f"""
SELECT ?t ?part ?v WHERE {{
  VALUES ?t {{ {values} }} ?t ?pp ?part . FILTER(?pp IN ({', '.join(PART_PROPERTIES)}))
  ?part ?lp ?v . FILTER(?lp IN (rdfs:label, skos:prefLabel))
}}""")
            parts: dict[str, dict] = defaultdict(lambda: defaultdict(dict))
            for r in rows:
                lang = getattr(r["v"], "language", None) or ""
                parts[str(r["t"])][str(r["part"])].setdefault(lang, str(r["v"]))
            for t, by_part in parts.items():
                out[t]["parts"] = [by_part[p] for p in sorted(by_part)]
        return out

    # --- incoming links -----------------------------------------------------------------------

    def incoming_counts(self, iri: str) -> list[tuple[URIRef, int]]:
        """How many distinct subjects link to the resource, per property (largest first)."""
        rows = self._select(f"""
SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {iri_ref(iri)} }}
GROUP BY ?p ORDER BY DESC(?n) ?p""")
        return [(r["p"], int(r["n"])) for r in rows]

    def incoming(self, iri: str, prop: str, limit: int, offset: int) -> list[URIRef | BNode]:
        """One page of the subjects linking to the resource through ``prop``."""
        rows = self._select(f"""
SELECT DISTINCT ?s WHERE {{ ?s {iri_ref(prop)} {iri_ref(iri)} }}
ORDER BY ?s LIMIT {int(limit)} OFFSET {int(offset)}""")
        return [r["s"] for r in rows]

    # --- networks, cities, memberships --------------------------------------------------------

    def networks(self) -> list[dict]:
        """The city networks with their number of distinct members (from org:Membership)."""
        rows = self._select("""
SELECT ?n (COUNT(DISTINCT ?m) AS ?members) WHERE {
  ?n a nkg:CityNetwork .
  OPTIONAL { ?ms org:organization ?n ; org:member ?m . }
} GROUP BY ?n ORDER BY ?n""")
        return [{"iri": r["n"], "members": int(r["members"])} for r in rows]

    def stated_member_counts(self) -> dict:
        """The latest member-count claim per subject: ``{subject: row(value, date, approx, source)}``."""
        rows = self._select("""
SELECT ?subject ?value ?date ?approx ?source ?claim WHERE {
  ?claim rdf:predicate nkg:memberCount ; rdf:subject ?subject ; rdf:object ?value .
  OPTIONAL { ?claim dcterms:date ?date }
  OPTIONAL { ?claim nkg:approximate ?approx }
  OPTIONAL { ?claim prov:wasDerivedFrom ?source }
} ORDER BY ?subject DESC(STR(?date)) ?claim""")
        latest: dict = {}
        for r in rows:
            latest.setdefault(r["subject"], r)
        return latest

    def members(self, network: str) -> list[dict]:
        """Members of a network: member, membership, role, start and end, coordinates."""
        rows = self._select(f"""
SELECT ?member ?ms ?role ?start ?end ?lat ?long WHERE {{
  ?ms org:organization {iri_ref(network)} ; org:member ?member .
  OPTIONAL {{ ?ms org:role ?role }}
  OPTIONAL {{ ?ms schema:startDate ?start }}
  OPTIONAL {{ ?ms schema:endDate ?end }}
  OPTIONAL {{ ?member geo:lat ?lat ; geo:long ?long }}
}} ORDER BY ?member ?ms ?role ?start ?end ?lat ?long""")
        return _first_per(rows, "ms")

    def memberships_of(self, member: str) -> list[dict]:
        """The networks a city (or other agent) belongs to, with role and dates."""
        rows = self._select(f"""
SELECT ?network ?ms ?role ?start ?end WHERE {{
  ?ms org:member {iri_ref(member)} ; org:organization ?network .
  OPTIONAL {{ ?ms org:role ?role }}
  OPTIONAL {{ ?ms schema:startDate ?start }}
  OPTIONAL {{ ?ms schema:endDate ?end }}
}} ORDER BY ?network ?ms ?role ?start ?end""")
        return _first_per(rows, "ms")

    def coordinates(self, iris=None) -> list[dict]:
        """Places with geo:lat/geo:long (all of them, or those in ``iris``)."""
        values = ""
        if iris is not None:
            iris = [i for i in iris if isinstance(i, URIRef)]
            if not iris:
                return []
            values = "VALUES ?place { " + " ".join(iri_ref(i) for i in iris) + " }"
        rows = self._select(f"""
SELECT ?place ?lat ?long WHERE {{ {values} ?place geo:lat ?lat ; geo:long ?long . }} ORDER BY ?place ?lat ?long""")
        out = []
        for r in _first_per(rows, "place"):
            try:
                out.append({"iri": r["place"], "lat": float(r["lat"]), "long": float(r["long"])})
            except (TypeError, ValueError):
                continue  # a malformed coordinate is left off the map rather than failing the page
        return out

    def event_places(self, iri: str) -> list[URIRef]:
        """Where an event or the editions of an event series took place (schema:location, nkg:host)."""
        ref = iri_ref(iri)
        rows = self._select(f"""
SELECT DISTINCT ?place WHERE {{
  {{ {ref} ?p ?place }} UNION {{ ?edition schema:superEvent {ref} ; ?p ?place }}
  FILTER(?p IN (schema:location, nkg:host) && isIRI(?place))
}} ORDER BY ?place""")
        return [r["place"] for r in rows]

    # --- provenance, claims, disagreements ----------------------------------------------------

    def provenance(self, iri: str) -> list[dict]:
        """Which source says what about a resource: the resource itself and everything that points
        to it (memberships, foundings, claims …), each with its source, the source's date and URL."""
        ref = iri_ref(iri)
        rows = self._select(f"""
SELECT DISTINCT ?thing ?via ?source ?url ?issued ?retrieved WHERE {{
  {{ BIND({ref} AS ?thing) }} UNION {{ ?thing ?via {ref} . FILTER(?via != prov:wasDerivedFrom) }}
  ?thing prov:wasDerivedFrom ?source .
  OPTIONAL {{ ?source schema:url ?url }}
  OPTIONAL {{ ?source dcterms:issued ?issued }}
  OPTIONAL {{ ?source nkg:retrievedOn ?retrieved }}
}} ORDER BY ?thing ?source ?via ?url ?issued ?retrieved""")
        seen, out = set(), []
        for r in rows:
            key = (r["thing"], r["source"])
            if key in seen:
                continue
            seen.add(key)
            out.append(r)
        return out

    def claims(self, iri: str) -> list[dict]:
        """Claims whose rdf:subject is the resource (e.g. member counts over time)."""
        rows = self._select(f"""
SELECT ?claim ?property ?value ?date ?approx ?source ?comment WHERE {{
  ?claim a nkg:Claim ; rdf:subject {iri_ref(iri)} ; rdf:predicate ?property ; rdf:object ?value .
  OPTIONAL {{ ?claim dcterms:date ?date }}
  OPTIONAL {{ ?claim nkg:approximate ?approx }}
  OPTIONAL {{ ?claim prov:wasDerivedFrom ?source }}
  OPTIONAL {{ ?claim rdfs:comment ?comment }}
}} ORDER BY ?property ?date ?claim ?value ?approx ?source ?comment""")
        return _first_per(rows, "claim")

    def disagreements(self, iri: str) -> list[dict]:
        """Disagreements about the resource (or the disagreement itself), with their claims."""
        ref = iri_ref(iri)
        rows = self._select(f"""
SELECT ?d ?claim ?subject ?property ?value ?date ?approx ?source WHERE {{
  {{ ?d nkg:about {ref} }} UNION {{ BIND({ref} AS ?d) ?d a nkg:Disagreement }}
  UNION {{ {ref} a nkg:Claim . ?d nkg:claim {ref} }}
  ?d nkg:claim ?claim .
  OPTIONAL {{ ?claim rdf:subject ?subject }}
  OPTIONAL {{ ?claim rdf:predicate ?property }}
  OPTIONAL {{ ?claim rdf:object ?value }}
  OPTIONAL {{ ?claim dcterms:date ?date }}
  OPTIONAL {{ ?claim nkg:approximate ?approx }}
  OPTIONAL {{ ?claim prov:wasDerivedFrom ?source }}
}} ORDER BY ?d ?date ?claim ?subject ?property ?value ?approx ?source""")
        grouped: dict = {}
        for r in _first_per(rows, "claim", also="d"):
            grouped.setdefault(r["d"], []).append(r)
        return [{"iri": d, "claims": claims} for d, claims in grouped.items()]

    # --- timeline -----------------------------------------------------------------------------

    def timeline(self, iri: str) -> list[dict]:
        """Dated events around a resource: its own dates, things pointing to it (memberships,
        foundings, twinnings, participations, conference editions) and editions of series
        pointing to it; sorted by date."""
        ref = iri_ref(iri)
        rows = self._select(f"""
SELECT DISTINCT ?e ?dp ?date ?type ?member ?organization WHERE {{
  {{ BIND({ref} AS ?e) }}
  UNION {{ ?e ?p {ref} . FILTER(?p NOT IN (prov:wasDerivedFrom, rdf:subject, rdf:object)) }}
  UNION {{ ?e schema:superEvent ?series . ?series ?p2 {ref} . }}
  ?e ?dp ?date . FILTER(?dp IN ({', '.join(DATE_PROPERTIES)}))
  OPTIONAL {{ ?e a ?type . FILTER(?type IN (org:Membership, nkg:Founding, nkg:Designation, nkg:Twinning,
                                           nkg:Participation, schema:Event, schema:EventSeries)) }}
  OPTIONAL {{ ?e org:member ?member }}
  OPTIONAL {{ ?e org:organization ?organization }}
}}""")
        # an event has several types (nkg:Founding and schema:Event): keep the most specific
        priority = [f"{self.nkg}{n}" for n in ("Founding", "Designation", "Twinning", "Participation")]
        priority += [self._prefixes["org"] + "Membership", self._prefixes["schema"] + "Event",
                     self._prefixes["schema"] + "EventSeries"]
        best: dict = {}
        for r in rows:
            key = (r["e"], r["dp"])
            rank = priority.index(str(r["type"])) if r.get("type") is not None else len(priority)
            if key not in best or rank < best[key][0]:
                best[key] = (rank, r)
        events = [r for _, r in best.values()]
        events.sort(key=lambda r: (str(r["date"]), str(r["e"]), str(r["dp"])))
        return events

    # --- labels for search and the 404 page ---------------------------------------------------

    def search(self, text: str, limit: int = 50) -> list[dict]:
        """Resources whose label contains ``text`` (case-insensitive), shortest labels first."""
        rows = self._select(f"""
SELECT ?s ?label WHERE {{
  ?s rdfs:label|skos:prefLabel|skos:altLabel|dcterms:title|nkg:nativeName ?label .
  FILTER(isIRI(?s) && CONTAINS(LCASE(STR(?label)), LCASE({string_literal(text)})))
}} ORDER BY STRLEN(STR(?label)) ?s LIMIT {int(limit) * 4}""")
        out, seen = [], set()
        for r in rows:
            if r["s"] in seen:
                continue
            seen.add(r["s"])
            out.append({"iri": r["s"], "label": r["label"]})
        return out[:limit]

    def nearest(self, text: str, limit: int = 8) -> list[dict]:
        """Resources whose label (or IRI slug) is most similar to ``text`` (difflib ratio)."""
        rows = self._select(f"""
SELECT ?s ?label WHERE {{
  ?s rdfs:label|skos:prefLabel|skos:altLabel ?label . FILTER(isIRI(?s) && STRSTARTS(STR(?s), {string_literal(self.base)}))
}}""")
        # Bounded cost (a 4,000-character slug took 6 s): the text and each label are cut to
        # NEAREST_MAX_CHARS, the text is analysed once (set_seq2, as difflib's docs advise for one
        # sequence against many), and the cheap upper bounds skip pairs that cannot reach the cut-off.
        needle = text.lower().replace("-", " ")[:NEAREST_MAX_CHARS]
        matcher = difflib.SequenceMatcher(None)
        matcher.set_seq2(needle)
        scored: dict = {}
        for r in rows:
            slug = str(r["s"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("-", " ").lower()
            score = 0.0
            for candidate in (str(r["label"]).lower()[:NEAREST_MAX_CHARS], slug[:NEAREST_MAX_CHARS]):
                matcher.set_seq1(candidate)
                floor = max(score, NEAREST_CUTOFF)
                if matcher.real_quick_ratio() > floor and matcher.quick_ratio() > floor:
                    score = max(score, matcher.ratio())
            if score > scored.get(r["s"], (0, None))[0]:
                scored[r["s"]] = (score, r["label"])
        best = sorted(scored.items(), key=lambda kv: (-kv[1][0], str(kv[0])))[:limit]
        return [{"iri": s, "label": label, "score": score} for s, (score, label) in best if score > NEAREST_CUTOFF]

    # --- home page figures --------------------------------------------------------------------

    def figures(self) -> dict:
        """Dataset figures: triples, resources under /id/, source documents, and VoID facts."""
        rows = self._select("""
SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }""")
        triples = int(rows[0]["triples"]) if rows else 0
        rows = self._select(f"""
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o . FILTER(STRSTARTS(STR(?s), {string_literal(self.base + 'id/')})) }}""")
        resources = int(rows[0]["n"]) if rows else 0
        rows = self._select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a foaf:Document }")
        sources = int(rows[0]["n"]) if rows else 0
        void_graph = iri_ref(f"{self.base}graph/void")
        rows = self._select(f"""
SELECT ?p ?o WHERE {{ GRAPH {void_graph} {{ ?d a void:Dataset ; ?p ?o .
  FILTER(?p IN (void:triples, void:entities, dcterms:modified, dcterms:issued)) }} }}""")
        void = {}
        for r in rows:
            void.setdefault(str(r["p"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1], r["o"].toPython())
        return {"triples": triples, "resources": resources, "sources": sources, "void": void}

    # --- ontology and shapes ------------------------------------------------------------------

    def ontology_graph(self) -> Graph:
        """Every triple in the ontology graphs ``{base}graph/ontology/…``."""
        prefix = string_literal(f"{self.base}graph/ontology/")
        return self._construct(f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {prefix})) }}""")

    def ontology_terms(self) -> list[dict]:
        """Classes and properties of the ontology namespace with their kind and alignments."""
        rows = self._select(f"""
SELECT ?term ?kind ?rel ?target WHERE {{
  ?term a ?kind . FILTER(STRSTARTS(STR(?term), {string_literal(self.nkg)}))
  FILTER(?kind IN (owl:Class, rdfs:Class, owl:ObjectProperty, owl:DatatypeProperty, rdf:Property,
                   owl:AnnotationProperty))
  OPTIONAL {{ ?term ?rel ?target . FILTER(?rel IN (rdfs:subClassOf, rdfs:subPropertyOf, owl:equivalentClass,
              owl:equivalentProperty, rdfs:domain, rdfs:range, skos:closeMatch, skos:exactMatch)) FILTER(isIRI(?target)) }}
}} ORDER BY ?term ?rel ?target""")
        terms: dict = {}
        for r in rows:
            t = terms.setdefault(r["term"], {"iri": r["term"], "kind": "class", "relations": []})
            if str(r["kind"]).endswith(("Property",)):
                t["kind"] = "property"
            if r.get("rel") is not None and (r["rel"], r["target"]) not in t["relations"]:
                t["relations"].append((r["rel"], r["target"]))
        return list(terms.values())

    def term_usage(self) -> dict:
        """How often each ontology term is used: instances per class, triples per property."""
        ns = string_literal(self.nkg)
        rows = self._select(f"""
SELECT ?term (COUNT(*) AS ?n) WHERE {{
  {{ ?s a ?term }} UNION {{ ?s ?term ?o }}
  FILTER(STRSTARTS(STR(?term), {ns}))
}} GROUP BY ?term""")
        return {str(r["term"]): int(r["n"]) for r in rows}

    def shapes(self) -> list[dict]:
        """The SHACL property constraints per target class (what a valid record needs)."""
        graph = iri_ref(f"{self.base}graph/shapes/netzwerke-kg")
        rows = self._select(f"""
SELECT ?shape ?target ?prop ?path ?min ?qmin ?max ?datatype ?class ?nodeKind ?pattern ?message ?name ?severity WHERE {{
  GRAPH {graph} {{
    ?shape sh:targetClass ?target .
    OPTIONAL {{
      ?shape sh:property ?prop . ?prop sh:path ?path .
      OPTIONAL {{ ?prop sh:minCount ?min }}  OPTIONAL {{ ?prop sh:maxCount ?max }}
      OPTIONAL {{ ?prop sh:datatype ?datatype }}  OPTIONAL {{ ?prop sh:class ?class }}
      OPTIONAL {{ ?prop sh:nodeKind ?nodeKind }}  OPTIONAL {{ ?prop sh:pattern ?pattern }}
      OPTIONAL {{ ?prop sh:message ?message }}  OPTIONAL {{ ?prop sh:name ?name }}
      OPTIONAL {{ ?prop sh:qualifiedMinCount ?qmin }}  OPTIONAL {{ ?prop sh:severity ?severity }}
    }}
  }}
}} ORDER BY ?target ?shape ?path""")
        by_target: dict = {}
        for r in rows:
            entry = by_target.setdefault(r["target"], {"target": r["target"], "constraints": {}})
            if r.get("prop") is None:
                continue
            c = entry["constraints"].setdefault(r["prop"], {"path": r["path"], "messages": {}, "names": {}})
            if r.get("name") is not None:
                c["names"].setdefault(getattr(r["name"], "language", None) or "", str(r["name"]))
            if r.get("qmin") is not None and r.get("min") is None:
                r = dict(r, min=r["qmin"])
            for key in ("min", "max", "datatype", "class", "nodeKind", "pattern", "severity"):
                if r.get(key) is not None:
                    c.setdefault(key, r[key])
            if r.get("message") is not None:
                c["messages"].setdefault(getattr(r["message"], "language", None) or "", str(r["message"]))
        out = []
        for entry in by_target.values():
            constraints = sorted(entry["constraints"].values(),
                                 key=lambda c: (-(int(c["min"]) if "min" in c else 0), str(c["path"])))
            out.append({"target": entry["target"], "constraints": constraints})
        return out


def _first_per(rows: list[dict], key: str, also: str | None = None) -> list[dict]:
    """Rows deduplicated on ``key`` (and ``also``), keeping the first; OPTIONAL joins repeat rows."""
    seen, out = set(), []
    for r in rows:
        k = (r.get(key), r.get(also)) if also else r.get(key)
        if k in seen:
            continue
        seen.add(k)
        out.append(r)
    return out


@dataclass
class Labeller:
    """Names IRIs in the reader's language from an annotations() map."""

    annotations: dict
    lang: str = "en"
    curies: dict = field(default_factory=dict)

    def label(self, term) -> str:
        """The best label: reader's language, then English, untagged, German, parts, prefixed name."""
        ann = self.annotations.get(str(term))
        if ann:
            text = pick(ann["label"], self.lang)
            if text:
                return text
            if ann["parts"]:
                return " – ".join(pick(p, self.lang) for p in ann["parts"] if pick(p, self.lang))
        return self.curie(term)

    def comment(self, term) -> str | None:
        """The definition (rdfs:comment) in the reader's language, if any."""
        ann = self.annotations.get(str(term))
        return pick(ann["comment"], self.lang) if ann else None

    def has_label(self, term) -> bool:
        """True when the term has a label of its own."""
        ann = self.annotations.get(str(term))
        return bool(ann and ann["label"])

    def curie(self, term) -> str:
        """A prefixed name (``schema:City``) or the IRI's last segment, or the IRI."""
        text = str(term)
        best = None
        for prefix, ns in self.curies.items():
            if text.startswith(ns) and (best is None or len(ns) > len(best[1])):
                best = (prefix, ns)
        if best:
            return f"{best[0]}:{text[len(best[1]):]}"
        return text


def pick(by_lang: dict, lang: str) -> str | None:
    """The text for ``lang``, else English, else untagged, else German, else any."""
    for candidate in (lang, "en", "", "de"):
        if candidate in by_lang:
            return by_lang[candidate]
    return next(iter(by_lang.values()), None) if by_lang else None


# --- questions of the presentation layer (web pages, issue #12) ------------------------------


def countries_of(q: Queries, places) -> dict:
    """``{place: country}`` for places lying in a schema:Country (directly or through one region)."""
    places = [p for p in places if isinstance(p, URIRef)]
    if not places:
        return {}
    values = " ".join(iri_ref(p) for p in sorted(set(places)))
    # two plain steps instead of a transitive path: places lie in a country or in a region of one,
    # and every engine (Virtuoso included) plans fixed joins well
    rows = q._select(f"""
SELECT ?place ?country WHERE {{
  VALUES ?place {{ {values} }}
  {{ ?place schema:containedInPlace ?country . }}
  UNION {{ ?place schema:containedInPlace ?region . ?region schema:containedInPlace ?country . }}
  ?country a schema:Country .
}} ORDER BY ?place ?country""")
    out: dict = {}
    for r in rows:
        out.setdefault(r["place"], r["country"])
    return out


def count_of_class(q: Queries, class_curie: str) -> int:
    """How many distinct instances a class has (``schema:City``); the CURIE uses the prologue's prefixes."""
    if not re.fullmatch(r"[A-Za-z][\w-]*:[A-Za-z][\w-]*", class_curie):
        raise UnsafeIriError(f"not a prefixed name: {class_curie!r}")
    rows = q._select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {class_curie} }}")
    return int(rows[0]["n"]) if rows else 0


def retrieval_dates(q: Queries, sources) -> dict:
    """``{source: nkg:retrievedOn}``: when each source document was read (a claim dated that day
    carries no date of its own)."""
    sources = [s for s in sources if isinstance(s, URIRef)]
    if not sources:
        return {}
    values = " ".join(iri_ref(s) for s in sorted(set(sources)))
    rows = q._select(f"SELECT ?s ?d WHERE {{ VALUES ?s {{ {values} }} ?s nkg:retrievedOn ?d }}")
    return {r["s"]: str(r["d"]) for r in rows}


def completion_terms(q: Queries) -> list[dict]:
    """Every IRI of the release under the base with its labels (instances and ontology terms), for
    the query editor's autocompletion: ``[{iri, labels: {lang: text}}]`` sorted by IRI."""
    rows = q._select(f"""
SELECT ?s ?label WHERE {{
  ?s rdfs:label|skos:prefLabel ?label .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), {string_literal(q.base)}) && !CONTAINS(STR(?s), "/.well-known/"))
}} ORDER BY ?s""")
    out: dict = {}
    for r in rows:
        entry = out.setdefault(str(r["s"]), {"iri": str(r["s"]), "labels": {}})
        entry["labels"].setdefault(getattr(r["label"], "language", None) or "", str(r["label"]))
    return list(out.values())


def claim_statements(q: Queries, iris) -> dict:
    """``{claim: (predicate, object)}`` for the unlabelled claims among ``iris`` (rdf:predicate,
    rdf:object of an RDF reification), so pages can name a claim by what it states."""
    iris = [i for i in iris if isinstance(i, URIRef) and "/id/claim/" in str(i)]
    if not iris:
        return {}
    values = " ".join(iri_ref(i) for i in sorted(set(iris)))
    rows = q._select(f"""
SELECT ?c ?p ?o WHERE {{ VALUES ?c {{ {values} }} ?c rdf:predicate ?p ; rdf:object ?o . }} ORDER BY ?c ?p ?o""")
    out: dict = {}
    for r in rows:
        out.setdefault(r["c"], (r["p"], r["o"]))
    return out
