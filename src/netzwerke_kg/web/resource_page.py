"""The context of a resource page: properties, incoming links, provenance, disagreements, claims,
timeline, map and schema.org JSON-LD, all from SPARQL via queries.py (rendered by resource.html)."""

from __future__ import annotations

from collections import OrderedDict

from flask import request
from rdflib import BNode, Literal, URIRef

from netzwerke_kg.namespaces import prefixes
from netzwerke_kg.queries import Labeller, Queries, pick
from netzwerke_kg.web import i18n, iris, maps, timeline

OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
#: incoming links listed per page of a group
PAGE_SIZE = 25
#: external identity namespaces shown with a name
IDENTITY_NAMES = {"http://www.wikidata.org/entity/": "Wikidata", "https://sws.geonames.org/": "GeoNames",
                  "http://sws.geonames.org/": "GeoNames"}
#: headings for incoming groups whose property has a natural inverse reading (German in i18n)
INCOMING_HEADINGS = {
    "http://www.w3.org/ns/org#organization": "Memberships in this organisation",
    "http://www.w3.org/ns/org#member": "Memberships of this member",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "Facts taken from this source",
    "https://schema.org/containedInPlace": "Places within",
}


def labeller_for(q: Queries, terms, lang: str) -> Labeller:
    """A Labeller for ``terms`` in ``lang`` with the project's prefixes; reused vocabulary terms the
    graph does not label get their names from i18n.VOCAB."""
    annotations = q.annotations(terms)
    for iri, ann in annotations.items():
        if not ann["label"]:
            fallback = i18n.vocab_annotation(iri)
            if fallback is not None:
                annotations[iri] = fallback
    return Labeller(annotations, lang, prefixes(q.base))


def value_view(value, labeller: Labeller) -> dict:
    """What a template needs to show one RDF term: link and label, or literal with lang/datatype."""
    if isinstance(value, Literal):
        dt = value.datatype
        return {"kind": "literal", "text": str(value), "lang": value.language,
                "datatype": labeller.curie(dt) if dt is not None else None,
                "datatype_iri": str(dt) if dt is not None else None}
    if isinstance(value, BNode) or "/.well-known/genid/" in str(value):
        # a blank node, or its skolem IRI from the build (RDF 1.1 Concepts §3.5): no page of its own
        return {"kind": "bnode", "text": f"_:{str(value).rsplit('/', 1)[-1]}"}
    ours = iris.mapper().is_ours(value)
    return {"kind": "iri", "iri": str(value), "href": iris.page_url(value) if ours else str(value),
            "label": labeller.label(value), "external": not ours, "css_class": iris.css_class(value)}


def resource_context(q: Queries, iri: str, lang: str) -> dict:
    """Everything resource.html shows about one resource."""
    m = iris.mapper()
    kind = (m.kind_slug(iri) or ("", ""))[0]
    outgoing = q.outgoing(iri)
    incoming_counts = q.incoming_counts(iri)
    provenance = q.provenance(iri)
    disagreements = q.disagreements(iri)
    claims = q.claims(iri)
    timeline_rows = q.timeline(iri) if kind in ("network", "city", "conference", "region", "organization") else []
    members = q.members(iri) if kind == "network" else []
    memberships = q.memberships_of(iri) if kind in ("city", "region", "organization") else []

    incoming_groups = []
    chosen_prop = request.args.get("incoming")
    try:
        page_no = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page_no = 1
    for prop, count in incoming_counts:
        this_page = page_no if chosen_prop == str(prop) else 1
        pages = max(1, -(-count // PAGE_SIZE))
        this_page = min(this_page, pages)
        subjects = q.incoming(iri, str(prop), PAGE_SIZE, (this_page - 1) * PAGE_SIZE)
        incoming_groups.append({"prop": prop, "count": count, "subjects": subjects,
                                "page": this_page, "pages": pages})

    terms = {URIRef(iri)}
    terms.update(p for p, _ in outgoing)
    terms.update(o for _, o in outgoing if isinstance(o, URIRef))
    terms.update(p for p, _ in incoming_counts)
    for g in incoming_groups:
        terms.update(s for s in g["subjects"] if isinstance(s, URIRef))
    for rows in (provenance, claims, members, memberships, timeline_rows):
        for r in rows:
            terms.update(v for v in r.values() if isinstance(v, URIRef))
    for d in disagreements:
        terms.add(d["iri"])
        for r in d["claims"]:
            terms.update(v for v in r.values() if isinstance(v, URIRef))
    labeller = labeller_for(q, terms, lang)

    types, props, identities = [], OrderedDict(), []
    for p, o in outgoing:
        if str(p) == RDF_TYPE:
            types.append(value_view(o, labeller))
            continue
        if str(p) == OWL_SAMEAS and isinstance(o, URIRef) and not m.is_ours(o):
            identities.append(_identity(o))
        props.setdefault(p, []).append(value_view(o, labeller))
    for values in props.values():
        # literals in the reader's language first, then untagged, then the other languages
        values.sort(key=lambda v: 0 if v.get("lang") == lang else (1 if not v.get("lang") else 2))
    properties = [{"iri": str(p), "label": labeller.label(p), "comment": labeller.comment(p),
                   "curie": labeller.curie(p), "values": values} for p, values in props.items()]
    # names first, then everything else by its label in the reader's language
    first = [f"{RDFS}label", f"{SKOS}prefLabel", f"{SKOS}altLabel", "http://purl.org/dc/terms/title"]
    properties.sort(key=lambda p: (first.index(p["iri"]) if p["iri"] in first else len(first),
                                   p["label"].casefold()))

    incoming = []
    for g in incoming_groups:
        english = INCOMING_HEADINGS.get(str(g["prop"]))
        heading = i18n.translate(english, lang) if english else None
        incoming.append({
            "iri": str(g["prop"]), "label": labeller.label(g["prop"]), "heading": heading,
            "comment": labeller.comment(g["prop"]), "count": g["count"], "page": g["page"],
            "pages": g["pages"], "items": [value_view(s, labeller) for s in g["subjects"]],
            "prev": _incoming_page_url(g["prop"], g["page"] - 1) if g["page"] > 1 else None,
            "next": _incoming_page_url(g["prop"], g["page"] + 1) if g["page"] < g["pages"] else None,
        })

    label = labeller.label(iri)
    descriptions = _descriptions(outgoing, lang)

    ctx = {
        "iri": iri,
        "kind": kind,
        "label": label,
        "description": descriptions,
        # rdfs:comment on instances is often an editor's note; it leads the page only where it is
        # the point (a disagreement explains itself in its comment)
        "comment": labeller.comment(iri) if kind in ("disagreement", "claim", "") else None,
        "types": types,
        "properties": properties,
        "identities": identities,
        "incoming": incoming,
        "members": [_membership_view(r, "member", labeller) for r in members],
        "memberships": [_membership_view(r, "network", labeller) for r in memberships],
        "provenance": [_provenance_view(r, labeller) for r in provenance],
        "claims": [_claim_view(r, labeller) for r in claims],
        "disagreements": [{"iri": str(d["iri"]), "href": iris.page_url(d["iri"]),
                           "label": labeller.label(d["iri"]), "comment": labeller.comment(d["iri"]),
                           "claims": [_claim_view(r, labeller) for r in d["claims"]]}
                          for d in disagreements],
        "timeline": timeline.entries(timeline_rows, iri, labeller, lang),
        "timeline_chart": timeline.chart(timeline_rows, iri, labeller, lang,
                                         memberships=len({r["ms"] for r in members + memberships})),
        "map": _resource_map(q, iri, kind, outgoing, members, labeller, lang),
        "jsonld": _jsonld(iri, types, outgoing, label, identities, descriptions),
        "sparql_url": iris.site_url("/sparql", query=f"DESCRIBE <{iri}>"),
        "data_links": [(ext, iris.data_url(iri, ext)) for ext in iris.DATA_FORMATS],
        "has_label": labeller.has_label(iri),
        "count_chart": _count_chart(claims, labeller, lang),
    }
    return ctx


def _count_chart(claims: list[dict], labeller: Labeller, lang: str) -> dict | None:
    """Bars of the stated member counts over time (one per dated numeric claim); None if < 2."""
    points = []
    for r in claims:
        if not str(r.get("property", "")).endswith("#memberCount") or r.get("date") is None:
            continue
        try:
            value = int(str(r["value"]))
        except (KeyError, ValueError):
            continue
        points.append({"date": str(r["date"]), "value": value, "approximate": approximate(r),
                       "source": labeller.label(r["source"]) if r.get("source") is not None else "",
                       "href": iris.page_url(r["claim"])})
    if len(points) < 2:
        return None
    points.sort(key=lambda p: (p["date"], p["value"]))
    width, height, top, bottom = 640, 220, 24, 40
    top_value = max(p["value"] for p in points) or 1
    step = width / len(points)
    bars = []
    for i, p in enumerate(points):
        h = (height - top - bottom) * p["value"] / top_value
        bars.append(dict(p, x=round(i * step + step * 0.15, 1), w=round(step * 0.7, 1),
                         y=round(height - bottom - h, 1), h=round(h, 1), cx=round(i * step + step / 2, 1)))
    desc = "; ".join(f"{p['date']}: {'≈' if p['approximate'] else ''}{p['value']} ({p['source']})" for p in points)
    return {"width": width, "height": height, "baseline": height - bottom, "bars": bars,
            "title": i18n.translate("Member count over time", lang), "desc": desc}


def _descriptions(outgoing, lang: str) -> str | None:
    """The description (dcterms:description, schema:description) in the reader's language."""
    by_lang = {}
    for p, o in outgoing:
        if str(p) in ("http://purl.org/dc/terms/description", f"{SCHEMA}description") and isinstance(o, Literal):
            by_lang.setdefault(o.language or "", str(o))
    return pick(by_lang, lang)


def _incoming_page_url(prop, page_no: int) -> str:
    """This page with one incoming group turned to ``page_no``."""
    args = {k: v for k, v in request.args.items() if k not in ("incoming", "page")}
    args.update(incoming=str(prop), page=page_no)
    return iris.site_url(request.path, **args) + "#incoming"


def _identity(iri) -> dict:
    """An external identity link with the name of its authority (Wikidata, GeoNames …)."""
    text = str(iri)
    for ns, name in IDENTITY_NAMES.items():
        if text.startswith(ns):
            return {"href": text, "authority": name, "id": text[len(ns):].strip("/")}
    return {"href": text, "authority": text.split("/")[2] if "://" in text else text, "id": text}


def _membership_view(r: dict, side: str, labeller: Labeller) -> dict:
    """One row of the members / memberships table."""
    who = r["member"] if side == "member" else r["network"]
    return {"who": value_view(who, labeller), "membership": value_view(r["ms"], labeller),
            "role": value_view(r["role"], labeller) if r.get("role") is not None else None,
            "start": str(r["start"]) if r.get("start") is not None else None,
            "end": str(r["end"]) if r.get("end") is not None else None}


def _provenance_view(r: dict, labeller: Labeller) -> dict:
    """One row of the provenance table: fact, source, date, source URL."""
    date = r.get("issued") or r.get("retrieved")
    return {"thing": value_view(r["thing"], labeller),
            "via": labeller.label(r["via"]) if r.get("via") is not None else None,
            "source": value_view(r["source"], labeller),
            "url": str(r["url"]) if r.get("url") is not None else None,
            "date": str(date) if date is not None else None,
            "date_kind": "issued" if r.get("issued") is not None else ("retrieved" if date is not None else None)}


def approximate(claim: dict) -> bool:
    """True when a claim row (queries.claims, stated_member_counts) says nkg:approximate true."""
    return claim.get("approx") is not None and claim["approx"].toPython() is True


def _claim_view(r: dict, labeller: Labeller) -> dict:
    """One row of a claims table: claim, property, value, approximate, date, source."""
    return {"claim": value_view(r["claim"], labeller),
            "subject": value_view(r["subject"], labeller) if r.get("subject") is not None else None,
            "property": value_view(r["property"], labeller) if r.get("property") is not None else None,
            "value": value_view(r["value"], labeller) if r.get("value") is not None else None,
            "approximate": approximate(r),
            "date": str(r["date"]) if r.get("date") is not None else None,
            "source": value_view(r["source"], labeller) if r.get("source") is not None else None}


def _resource_map(q: Queries, iri: str, kind: str, outgoing, members, labeller: Labeller, lang: str):
    """The map of a page: a network's members, or a place with its twin cities; None without points."""
    if kind == "network":
        points = [{"lat": float(r["lat"]), "long": float(r["long"]), "iri": r["member"]}
                  for r in members if r.get("lat") is not None and r.get("long") is not None]
        title = i18n.translate("Members", lang)
    elif kind in ("country", "region"):
        # the places that lie in this country or region
        points = q.coordinates(q.incoming(iri, f"{SCHEMA}containedInPlace", 1000, 0))
        title = i18n.translate("Cities", lang)
    elif kind == "conference":
        points = q.coordinates(q.event_places(iri))
        title = i18n.translate("Location", lang)
    else:
        linked = [o for p, o in outgoing if isinstance(o, URIRef) and str(p).endswith(("twinCity", "location"))]
        points = q.coordinates([URIRef(iri), *linked])
        if not any(str(p["iri"]) == iri for p in points):
            return None
        title = i18n.translate("Location", lang)
    if not points:
        return None
    view = map_view(points, labeller, title)
    if kind == "network":
        located = len({p["iri"] for p in points})
        total = len({r["member"] for r in members})
        view["caption"] = i18n.translate("{n} of {total} members have coordinates and are shown.", lang).format(
            n=located, total=total)
    return view


def map_view(points: list[dict], labeller: Labeller, title: str) -> dict:
    """Template data for one SVG map of points (dicts with lat, long, iri)."""
    seen, places = set(), []
    for p in points:
        if p["iri"] in seen:
            continue
        seen.add(p["iri"])
        places.append({"lat": p["lat"], "long": p["long"], "label": labeller.label(p["iri"]),
                       "href": iris.page_url(p["iri"]), "css_class": iris.css_class(p["iri"]) or "place-link"})
    view = maps.build_map(places)
    names = ", ".join(sorted(p["label"] for p in places))
    return {"view": view, "title": title, "desc": names}


def _jsonld(iri: str, types: list[dict], outgoing, label: str, identities, description) -> dict:
    """schema.org JSON-LD for search engines (rendered with |tojson, which escapes <, >, &, ')."""
    schema_types = [t["iri"][len(SCHEMA):] for t in types if t.get("iri", "").startswith(SCHEMA)]
    doc = {"@context": "https://schema.org", "@id": iri,
           "@type": schema_types[0] if len(schema_types) == 1 else (schema_types or "Thing"),
           "name": label, "url": iris.canonical_url(iri)}
    if description:
        doc["description"] = description
    if identities:
        doc["sameAs"] = [i["href"] for i in identities]
    lat = next((o for p, o in outgoing if str(p) == GEO + "lat"), None)
    long = next((o for p, o in outgoing if str(p) == GEO + "long"), None)
    if lat is not None and long is not None:
        doc["geo"] = {"@type": "GeoCoordinates", "latitude": str(lat), "longitude": str(long)}
    for p, o in outgoing:
        if str(p) in (f"{SCHEMA}foundingDate", f"{SCHEMA}startDate", f"{SCHEMA}endDate") and isinstance(o, Literal):
            doc.setdefault(str(p)[len(SCHEMA):], str(o))
    return doc
