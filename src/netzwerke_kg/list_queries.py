"""The questions behind the lists, the stored queries and the pictures, written once as SPARQL.

Every function takes a Backend (only ``backend.select`` is used, so the embedded store and a remote
engine answer alike) and the base IRI, and returns plain rows: IRIs as strings, labels as
``{lang: text}`` maps, dates as their lexical form. Lists are language-independent here; the web
layer picks the reader's language. SPARQL 1.1 Query Language: https://www.w3.org/TR/sparql11-query/.

Stored queries are fixed texts whose parameters are bound by an inline-data block (``VALUES``,
SPARQL 1.1 §10.2) built only from validated terms: the query text itself never changes with the
request, and the block is the one place a parameter enters the query.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from netzwerke_kg.backends.base import Backend
from netzwerke_kg.namespaces import prefix_block
from netzwerke_kg.queries import iri_ref, string_literal

ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"


def _select(backend: Backend, base: str, body: str) -> list[dict]:
    """Run a SELECT with the project's prefixes; rows map names to strings (unbound names absent)."""
    rows = backend.select(prefix_block(base) + body)
    return [{k: str(v) for k, v in r.items() if v is not None} for r in rows]


def _merged(rows: list[dict], *key: str) -> list[dict]:
    """One row per ``key``: each other name takes its smallest bound value over the key's rows.
    OPTIONAL joins repeat a thing once per combination, and engines order those rows differently;
    merging instead of keeping the first row gives the same answer on every engine."""
    groups: dict[tuple, dict] = {}
    for r in rows:
        merged = groups.setdefault(tuple(r.get(k) for k in key), {})
        for name, value in r.items():
            if value != "" and (name not in merged or value < merged[name]):
                merged[name] = value
    return [groups[k] for k in sorted(groups, key=lambda t: tuple(v or "" for v in t))]


def _year(date: str | None) -> str | None:
    """The year of a lexical xsd:date/gYear/dateTime ('1991-09-20' -> '1991'); None if there is none."""
    if not date:
        return None
    m = re.match(r"-?\d{4}", date)
    return m.group(0) if m else None


# --- labels ---------------------------------------------------------------------------------------


def labels(backend: Backend, base: str) -> dict[str, dict[str, str]]:
    """``{iri: {lang: label}}`` for every resource under ``{base}id/`` (rdfs:label, else dcterms:title)."""
    rows = backend.select(prefix_block(base) + f"""
SELECT ?s ?p ?label WHERE {{
  ?s ?p ?label . FILTER(?p IN (rdfs:label, dcterms:title))
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), {string_literal(base + 'id/')}))
}}""")
    # rdfs:label first, then a stable order, so the same label wins on every backend
    rows.sort(key=lambda r: (str(r["s"]), not str(r["p"]).endswith("#label"), str(r["label"])))
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        out[str(r["s"])].setdefault(getattr(r["label"], "language", None) or "", str(r["label"]))
    return dict(out)


# --- memberships: the spine of most lists ---------------------------------------------------------


def memberships(backend: Backend, base: str) -> list[dict]:
    """Every membership in a city network: member, kind (city/region/…), network, country, roles,
    start, end, status (former when it has an end date), sources."""
    rows = _select(backend, base, """
SELECT ?ms ?member ?network ?start ?end ?kind ?country WHERE {
  ?ms org:member ?member ; org:organization ?network . ?network a nkg:CityNetwork .
  OPTIONAL { ?ms schema:startDate ?start }
  OPTIONAL { ?ms schema:endDate ?end }
  OPTIONAL { ?member a ?kind . FILTER(?kind IN (schema:City, schema:AdministrativeArea)) }
  OPTIONAL { ?member schema:containedInPlace ?country . ?country a schema:Country }
}""")
    extra = _select(backend, base, """
SELECT ?ms ?p ?v WHERE {
  ?ms org:organization ?network . ?network a nkg:CityNetwork .
  ?ms ?p ?v . FILTER(?p IN (org:role, prov:wasDerivedFrom))
}""")
    roles, sources = defaultdict(set), defaultdict(set)
    for r in extra:
        (roles if r["p"] == ORG + "role" else sources)[r["ms"]].add(r["v"])
    out: dict[str, dict] = {}
    for r in _merged(rows, "ms"):
        if r["ms"] in out:
            continue
        out[r["ms"]] = {
            "membership": r["ms"], "member": r["member"], "kind": _kind(r.get("kind")),
            "network": r["network"], "country": r.get("country"),
            "start": r.get("start"), "end": r.get("end"),
            "since": _year(r.get("start")),
            "status": "former" if r.get("end") else "current",
            "roles": sorted(roles[r["ms"]]), "sources": sorted(sources[r["ms"]]),
        }
    return sorted(out.values(), key=lambda m: m["membership"])


def _kind(type_iri: str | None) -> str:
    """'city', 'region' or 'other' for the type of a member."""
    if type_iri == SCHEMA + "City":
        return "city"
    if type_iri == SCHEMA + "AdministrativeArea":
        return "region"
    return "other"


# --- places, countries, networks ------------------------------------------------------------------


def places(backend: Backend, base: str) -> list[dict]:
    """Every city and region: kind, country, coordinates, Wikidata, and the networks it is or was in."""
    rows = _select(backend, base, """
SELECT ?place ?kind ?country ?lat ?long ?wikidata WHERE {
  ?place a ?kind . FILTER(?kind IN (schema:City, schema:AdministrativeArea))
  OPTIONAL { ?place schema:containedInPlace ?country . ?country a schema:Country }
  OPTIONAL { ?place geo:lat ?lat ; geo:long ?long }
  OPTIONAL { ?place owl:sameAs ?wikidata . FILTER(STRSTARTS(STR(?wikidata), "http://www.wikidata.org/entity/")) }
}""")
    ms = memberships(backend, base)
    networks, current, former = defaultdict(set), defaultdict(set), defaultdict(set)
    for m in ms:
        networks[m["member"]].add(m["network"])
        (current if m["status"] == "current" else former)[m["member"]].add(m["network"])
    out: dict[str, dict] = {}
    for r in _merged(rows, "place"):
        if r["place"] in out:
            continue
        lat, long = _float(r.get("lat")), _float(r.get("long"))
        located = lat is not None and long is not None
        nets = sorted(networks[r["place"]])
        out[r["place"]] = {
            "place": r["place"], "kind": _kind(r["kind"]), "country": r.get("country"),
            "lat": lat if located else None, "long": long if located else None,
            "coordinates": "yes" if located else "no", "wikidata": r.get("wikidata"),
            "networks": nets, "network_count": len(nets),
            "current_networks": sorted(current[r["place"]]),
            "former_networks": sorted(former[r["place"]] - current[r["place"]]),
        }
    return sorted(out.values(), key=lambda p: p["place"])


def _float(text: str | None) -> float | None:
    """A coordinate as a float; None when missing or malformed (it is then counted as missing)."""
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def countries(backend: Backend, base: str) -> list[dict]:
    """Every country with its ISO code, its cities and regions in the graph, and the members among them."""
    rows = _select(backend, base, """
SELECT ?country ?iso WHERE { ?country a schema:Country . OPTIONAL { ?country nkg:isoCode ?iso } }""")
    by_country: dict[str, list[dict]] = defaultdict(list)
    for p in places(backend, base):
        if p["country"]:
            by_country[p["country"]].append(p)
    out = {}
    for r in _merged(rows, "country"):
        if r["country"] in out:
            continue
        ps = by_country[r["country"]]
        nets = sorted({n for p in ps for n in p["networks"]})
        out[r["country"]] = {
            "country": r["country"], "iso": r.get("iso"), "places": len(ps),
            "members": sum(1 for p in ps if p["networks"]),
            "current_members": sum(1 for p in ps if p["current_networks"]),
            "networks": nets,
        }
    return sorted(out.values(), key=lambda c: c["country"])


def networks(backend: Backend, base: str) -> list[dict]:
    """The city networks: founding year, web site, members current and former, members with
    coordinates, and the latest stated member count with its date."""
    rows = _select(backend, base, """
SELECT ?network ?founded ?url WHERE {
  ?network a nkg:CityNetwork .
  OPTIONAL { ?network schema:foundingDate ?founded }
  OPTIONAL { ?network schema:url ?url }
}""")
    stated = _select(backend, base, """
SELECT ?network ?value ?date ?approx WHERE {
  ?claim rdf:predicate nkg:memberCount ; rdf:subject ?network ; rdf:object ?value . ?network a nkg:CityNetwork .
  OPTIONAL { ?claim dcterms:date ?date } OPTIONAL { ?claim nkg:approximate ?approx }
}""")
    latest: dict[str, dict] = {}
    for s in sorted(stated, key=lambda s: (s.get("date", ""), s["value"]), reverse=True):
        latest.setdefault(s["network"], s)
    located = {p["place"] for p in places(backend, base) if p["coordinates"] == "yes"}
    ms = memberships(backend, base)
    out = {}
    for r in _merged(rows, "network"):
        if r["network"] in out:
            continue
        mine = [m for m in ms if m["network"] == r["network"]]
        current = {m["member"] for m in mine if m["status"] == "current"}
        ever = {m["member"] for m in mine}
        claim = latest.get(r["network"])
        out[r["network"]] = {
            "network": r["network"], "founded": _year(r.get("founded")), "url": r.get("url"),
            "members": len(current), "former_members": len(ever - current), "members_ever": len(ever),
            "located": len(ever & located),
            "stated_members": int(float(claim["value"])) if claim else None,
            "stated_date": claim.get("date") if claim else None,
            "stated_approximate": bool(claim and claim.get("approx") in ("true", "1")),
        }
    return sorted(out.values(), key=lambda n: n["network"])


# --- conferences, sources, disagreements ----------------------------------------------------------


def conferences(backend: Backend, base: str) -> list[dict]:
    """Conferences and meetings (events that are not foundings or designations, not series): series,
    network (organiser of the event or its series), dates, place and its country, edition number."""
    # three plain queries rather than one with a UNION inside OPTIONAL, which Virtuoso 7 answered
    # with bindings missing
    rows = base_rows = _select(backend, base, """
SELECT ?event ?series ?start ?end ?edition WHERE {
  ?event a schema:Event .
  FILTER NOT EXISTS { ?event a ?not . FILTER(?not IN (nkg:Founding, nkg:Designation, schema:EventSeries)) }
  OPTIONAL { ?event schema:superEvent ?series }
  OPTIONAL { ?event schema:startDate ?start }
  OPTIONAL { ?event schema:endDate ?end }
  OPTIONAL { ?event nkg:editionNumber ?edition }
}""")
    events = {r["event"] for r in base_rows}
    rows = base_rows + _select(backend, base, """
SELECT ?event ?network WHERE {
  ?event a schema:Event . ?network a nkg:CityNetwork .
  { ?event schema:organizer ?network } UNION { ?event schema:superEvent ?series . ?series schema:organizer ?network }
}""")
    located = _select(backend, base, """
SELECT ?event ?place ?country WHERE {
  ?event a schema:Event ; schema:location ?place . ?place a schema:City .
  OPTIONAL { ?place schema:containedInPlace ?country . ?country a schema:Country }
}""")
    # an event in two places (Ypres and Dunkirk) is listed at the first; place and country stay a pair
    where: dict[str, tuple] = {}
    for r in located:
        pair = (r["place"], r.get("country", ""))
        where[r["event"]] = min(where.get(r["event"], pair), pair)
    rows = [r for r in rows if r["event"] in events]  # not the foundings, designations and series
    out: dict[str, dict] = {}
    for r in _merged(rows, "event"):
        if r["event"] in out:
            continue
        out[r["event"]] = {
            "event": r["event"], "series": r.get("series"), "network": r.get("network"),
            "start": r.get("start"), "end": r.get("end"), "year": _year(r.get("start")),
            "place": where.get(r["event"], (None,))[0], "country": where.get(r["event"], (None, None))[1] or None,
            "edition": int(float(r["edition"])) if r.get("edition") else None,
        }
    return sorted(out.values(), key=lambda e: e["event"])


def sources(backend: Backend, base: str) -> list[dict]:
    """Every source document: URL, publisher, language, its own date (issued), the day it was read,
    and how many things in the graph are derived from it."""
    rows = _select(backend, base, """
SELECT ?source ?url ?publisher ?language ?issued ?retrieved WHERE {
  ?source a foaf:Document .
  OPTIONAL { ?source schema:url ?url }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source dcterms:language ?language }
  OPTIONAL { ?source dcterms:issued ?issued }
  OPTIONAL { ?source nkg:retrievedOn ?retrieved }
}""")
    cited = _select(backend, base, """
SELECT ?source (COUNT(DISTINCT ?thing) AS ?n) WHERE { ?thing prov:wasDerivedFrom ?source . ?source a foaf:Document }
GROUP BY ?source""")
    counts = {r["source"]: int(r["n"]) for r in cited}
    out: dict[str, dict] = {}
    for r in _merged(rows, "source"):
        if r["source"] in out:
            continue
        out[r["source"]] = {
            "source": r["source"], "url": r.get("url"), "publisher": r.get("publisher"),
            "language": r.get("language"), "issued": r.get("issued"), "retrieved": r.get("retrieved"),
            "year": _year(r.get("issued")), "cited_by": counts.get(r["source"], 0),
        }
    return sorted(out.values(), key=lambda s: s["source"])


def disagreement_claims(backend: Backend, base: str) -> list[dict]:
    """Every claim of every disagreement, once per source: the topic (the disagreement), what it is
    about, the property and value, the claim's date, approximate or not, the source with its own
    date (issued, else the day it was read) and URL."""
    rows = _select(backend, base, """
SELECT ?topic ?about ?claim ?property ?value ?date ?approx ?source ?url ?issued ?retrieved WHERE {
  ?topic a nkg:Disagreement ; nkg:claim ?claim .
  OPTIONAL { ?topic nkg:about ?about }
  OPTIONAL { ?claim rdf:predicate ?property }
  OPTIONAL { ?claim rdf:object ?value }
  OPTIONAL { ?claim dcterms:date ?date }
  OPTIONAL { ?claim nkg:approximate ?approx }
  OPTIONAL { ?claim prov:wasDerivedFrom ?source .
             OPTIONAL { ?source schema:url ?url } OPTIONAL { ?source dcterms:issued ?issued }
             OPTIONAL { ?source nkg:retrievedOn ?retrieved } }
}""")
    out: dict[tuple, dict] = {}
    for r in _merged(rows, "topic", "claim", "source"):
        key = (r["topic"], r["claim"], r.get("source"))  # a claim cited from two sources: two rows
        if key in out:
            continue
        out[key] = {
            "topic": r["topic"], "about": r.get("about"), "claim": r["claim"],
            "property": r.get("property"), "value": r.get("value"), "date": r.get("date"),
            "approximate": r.get("approx") in ("true", "1"), "source": r.get("source"),
            "source_url": r.get("url"), "source_date": r.get("issued") or r.get("retrieved"),
            "source_date_kind": "issued" if r.get("issued") else ("retrieved" if r.get("retrieved") else None),
        }
    return sorted(out.values(), key=lambda c: (c["topic"], c["date"] or "", c["claim"], c["source"] or ""))


def dated_events(backend: Backend, base: str) -> list[dict]:
    """Foundings and designations with their date and the network they concern (for the timeline)."""
    rows = _select(backend, base, """
SELECT ?event ?type ?date ?network WHERE {
  ?event a ?type . FILTER(?type IN (nkg:Founding, nkg:Designation))
  ?event schema:startDate ?date .
  OPTIONAL { ?event ?p ?network . ?network a nkg:CityNetwork }
}""")
    out: dict[str, dict] = {}
    for r in _merged(rows, "event"):
        out.setdefault(r["event"], {"event": r["event"], "kind": r["type"].rsplit("#", 1)[-1].lower(),
                                    "date": r["date"], "network": r.get("network")})
    return sorted(out.values(), key=lambda e: (e["date"], e["event"]))


# --- stored queries: fixed texts, parameters bound as VALUES ---------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a stored query: its name, what it is, whether it must be given."""

    name: str
    kind: str  # network | place | subject | date | int | lang
    required: bool = False
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class StoredQuery:
    """A named SELECT whose ``{{VALUES}}`` slot receives the bound parameters."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    body: str
    columns: tuple[str, ...] = field(default=())

    def text(self, base: str, values: str) -> str:
        """The full query: prologue, then the body with the inline-data block in its slot."""
        return prefix_block(base) + self.body.strip().replace("{{VALUES}}", values) + "\n"


def values_block(bindings: list[tuple[str, str | None]]) -> str:
    """``VALUES (?a ?b) { (term term) }`` from (name, term) pairs; None is UNDEF (SPARQL 1.1 §10.2.1).
    Terms must come from term_for (validated and escaped), never from raw request text."""
    names = " ".join(f"?{n}" for n, _ in bindings)
    terms = " ".join(t if t is not None else "UNDEF" for _, t in bindings)
    return f"VALUES ({names}) {{ ({terms}) }}"


def term_for(kind: str, value: str) -> str:
    """The SPARQL term for a validated parameter value: an IRI reference or a string literal."""
    if kind in ("network", "place", "subject"):
        return iri_ref(value)
    if kind == "int":
        return str(int(value))
    return string_literal(value)


#: the label of ?{v} in ?lang, else the other language. The language filters inside OPTIONAL are
#: constants: Virtuoso 7 does not see a VALUES-bound ?lang inside an OPTIONAL's FILTER.
_LABEL = ("OPTIONAL {{ ?{v} rdfs:label ?{v}En . FILTER(LANGMATCHES(LANG(?{v}En), \"en\")) }}\n"
          "  OPTIONAL {{ ?{v} rdfs:label ?{v}De . FILTER(LANGMATCHES(LANG(?{v}De), \"de\")) }}\n"
          "  BIND(IF(?lang = \"de\", COALESCE(?{v}De, ?{v}En), COALESCE(?{v}En, ?{v}De)) AS ?{v}Label)")

STORED: dict[str, StoredQuery] = {q.name: q for q in (
    StoredQuery(
        "members", "Members of a network at a date",
        "The members of a network on a given day (or today's members without a date): memberships "
        "that began on or before it (or whose start is unknown) and had not ended. A date is compared "
        "at the precision the data has: a membership ending in 2014 still counts on 2014-06-01.",
        (Param("network", "network", True, description="the network: its slug or IRI"),
         Param("date", "date", description="YYYY, YYYY-MM or YYYY-MM-DD; without it: current members"),
         Param("lang", "lang", default="en", description="label language, en or de")),
        """
SELECT ?member ?memberLabel ?start ?end ?membership WHERE {
  {{VALUES}}
  ?membership org:organization ?network ; org:member ?member .
  OPTIONAL { ?membership schema:startDate ?start }
  OPTIONAL { ?membership schema:endDate ?end }
  BIND(STR(COALESCE(?start, "0000")) AS ?from)
  BIND(STR(COALESCE(?end, "9999")) AS ?until)
  BIND(COALESCE(?date, "") AS ?day)
  FILTER(IF(?day != "",
            ?from <= SUBSTR(?day, 1, STRLEN(?from)) && ?until >= SUBSTR(?day, 1, STRLEN(?until)),
            !BOUND(?end)))
  """ + _LABEL.format(v="member") + """
} ORDER BY ?memberLabel ?member ?membership""",
        ("member", "memberLabel", "start", "end", "membership")),
    StoredQuery(
        "networks-of-city", "The networks of a city",
        "Every network a city (or region) is or was a member of, with start and end.",
        (Param("city", "place", True, description="the city or region: its slug or IRI"),
         Param("lang", "lang", default="en", description="label language, en or de")),
        """
SELECT ?network ?networkLabel ?start ?end ?membership WHERE {
  {{VALUES}}
  ?membership org:member ?city ; org:organization ?network . ?network a nkg:CityNetwork .
  OPTIONAL { ?membership schema:startDate ?start }
  OPTIONAL { ?membership schema:endDate ?end }
  """ + _LABEL.format(v="network") + """
} ORDER BY ?networkLabel ?network ?membership""",
        ("network", "networkLabel", "start", "end", "membership")),
    StoredQuery(
        "cities-in-several-networks", "Cities in several networks",
        "Cities and regions that are or were members of at least ``min`` networks, with how many.",
        (Param("min", "int", default="2", description="the least number of networks (1-10)"),
         Param("lang", "lang", default="en", description="label language, en or de")),
        """
SELECT ?city ?cityLabel ?networks WHERE {
  {{VALUES}}
  { SELECT ?city (COUNT(DISTINCT ?network) AS ?networks) WHERE {
      ?membership org:member ?city ; org:organization ?network . ?network a nkg:CityNetwork .
    } GROUP BY ?city }
  FILTER(?networks >= ?min)
  """ + _LABEL.format(v="city") + """
} ORDER BY DESC(?networks) ?cityLabel ?city""",
        ("city", "cityLabel", "networks")),
    StoredQuery(
        "foundings-by-year", "Foundings and joinings by year",
        "Per year: the networks founded, and how many memberships began in each network.",
        (Param("network", "network", description="only this network (slug or IRI)"),
         Param("lang", "lang", default="en", description="label language, en or de")),
        """
SELECT ?year ?network ?networkLabel ?founded ?joined WHERE {
  {{VALUES}}
  { SELECT ?year ?network (SUM(?f) AS ?founded) (SUM(?j) AS ?joined) WHERE {
      ?network a nkg:CityNetwork .
      { ?network schema:foundingDate ?d . BIND(1 AS ?f) BIND(0 AS ?j) }
      UNION
      { ?membership org:organization ?network ; schema:startDate ?d . BIND(0 AS ?f) BIND(1 AS ?j) }
      BIND(SUBSTR(STR(?d), 1, 4) AS ?year)
    } GROUP BY ?year ?network }
  FILTER(!BOUND(?only) || ?network = ?only)
  """ + _LABEL.format(v="network") + """
} ORDER BY ?year ?networkLabel ?network""",
        ("year", "network", "networkLabel", "founded", "joined")),
    StoredQuery(
        "disagreements", "Claims where sources disagree",
        "Every claim of every recorded disagreement: what it is about, the value, the claim's date, "
        "the source and the source's own date.",
        (Param("about", "subject", description="only disagreements about this resource (slug or IRI)"),
         Param("lang", "lang", default="en", description="label language, en or de")),
        """
SELECT ?topic ?topicLabel ?about ?claim ?value ?date ?source ?sourceDate WHERE {
  {{VALUES}}
  ?topic a nkg:Disagreement ; nkg:claim ?claim .
  OPTIONAL { ?topic nkg:about ?about }
  FILTER(!BOUND(?only) || ?about = ?only)
  OPTIONAL { ?claim rdf:object ?value }
  OPTIONAL { ?claim dcterms:date ?date }
  OPTIONAL { ?claim prov:wasDerivedFrom ?source .
             OPTIONAL { ?source dcterms:issued ?issued } OPTIONAL { ?source nkg:retrievedOn ?read }
             BIND(COALESCE(?issued, ?read) AS ?sourceDate) }
  """ + _LABEL.format(v="topic") + """
} ORDER BY ?topic ?date ?claim ?source""",
        ("topic", "topicLabel", "about", "claim", "value", "date", "source", "sourceDate")),
    StoredQuery(
        "city-timeline", "A city's timeline",
        "Dated events of a city: memberships beginning and ending, events it hosted, twinnings.",
        (Param("city", "place", True, description="the city or region: its slug or IRI"),
         Param("lang", "lang", default="en", description="label language, en or de")),
        """
SELECT ?date ?what ?event ?eventLabel WHERE {
  {{VALUES}}
  { ?event org:member ?city ; schema:startDate ?date . BIND("joined" AS ?what) }
  UNION { ?event org:member ?city ; schema:endDate ?date . BIND("left" AS ?what) }
  UNION { ?event nkg:host ?city ; schema:startDate ?date . BIND("hosted" AS ?what) }
  UNION { ?event a nkg:Twinning ; nkg:partner ?city ; schema:startDate ?date . BIND("twinned" AS ?what) }
  """ + _LABEL.format(v="event") + """
} ORDER BY ?date ?what ?event""",
        ("date", "what", "event", "eventLabel")),
)}

#: the variable each parameter is bound to in the VALUES block (where it differs from its name)
BOUND_AS = {("foundings-by-year", "network"): "only", ("disagreements", "about"): "only"}


def stored_text(base: str, name: str, params: dict[str, str | None]) -> str:
    """The full text of stored query ``name`` with validated ``params`` bound as VALUES."""
    q = STORED[name]
    bindings = []
    for p in q.params:
        value = params.get(p.name)
        var = "lang" if p.kind == "lang" else BOUND_AS.get((name, p.name), p.name)
        bindings.append((var, None if value is None else term_for(p.kind, value)))
    return q.text(base, values_block(bindings))


def run_stored(backend: Backend, base: str, name: str, params: dict[str, str | None]) -> list[dict]:
    """Rows of stored query ``name`` (rdflib terms; unbound names absent) for validated ``params``."""
    return [{k: v for k, v in r.items() if v is not None}
            for r in backend.select(stored_text(base, name, params))]
