"""The context of a resource page: properties, incoming links, provenance, disagreements, claims,
timeline, map and schema.org JSON-LD, all from SPARQL via queries.py (rendered by resource.html)."""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections import OrderedDict

from flask import request
from rdflib import BNode, Literal, URIRef

from netzwerke_kg.namespaces import prefixes
from netzwerke_kg.queries import Labeller, Queries, claim_statements, countries_of, pick, retrieval_dates
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
#: the list CSV of a network's memberships (issue #11 builds it; the page links it)
MEMBERSHIPS_CSV = "/memberships.csv"
#: a folded section (provenance, claims) opens by itself up to this many rows
FOLD_AFTER = 12
#: a literal that is a web address becomes a link (only these schemes: never javascript: or data:)
_WEB_ADDRESS = ("http://", "https://")


def labeller_for(q: Queries, terms, lang: str) -> Labeller:
    """A Labeller for ``terms`` in ``lang`` with the project's prefixes; reused vocabulary terms the
    graph does not label get their names from web/labels/vocabulary.ttl (i18n.vocab_annotation)."""
    annotations = _annotations(q, terms)
    # an unlabelled claim is named by what it states ("member count: 83"), in both languages
    statements = claim_statements(q, [URIRef(i) for i, a in annotations.items() if not a["label"]])
    if statements:
        parts = _annotations(q, [t for p, o in statements.values() for t in (p, o)])
        for claim, (p, o) in statements.items():
            names = {}
            for language in ("en", "de"):
                said = Labeller(parts, language, prefixes(q.base))
                value = _literal_display(o, language) if isinstance(o, Literal) else said.label(o)
                names[language] = f"{said.label(p)}: {value}"
            annotations[str(claim)]["label"] = names
    return Labeller(annotations, lang, prefixes(q.base))


def _annotations(q: Queries, terms) -> dict:
    """queries.annotations, with reused vocabulary terms named from web/labels/vocabulary.ttl."""
    annotations = q.annotations(terms)
    for iri, ann in annotations.items():
        if not ann["label"]:
            fallback = i18n.vocab_annotation(iri)
            if fallback is not None:
                annotations[iri] = fallback
    return annotations


def value_view(value, labeller: Labeller) -> dict:
    """What a template needs to show one RDF term: link and label, or literal with lang/datatype."""
    if isinstance(value, Literal):
        dt = value.datatype
        if str(value).startswith(_WEB_ADDRESS) and not any(c.isspace() for c in str(value)):
            return {"kind": "url", "text": str(value), "href": str(value)}
        return {"kind": "literal", "text": str(value), "lang": value.language,
                "display": _literal_display(value, labeller.lang),
                "datatype": labeller.curie(dt) if dt is not None else None,
                "datatype_iri": str(dt) if dt is not None else None}
    if isinstance(value, BNode) or "/.well-known/genid/" in str(value):
        # a blank node, or its skolem IRI from the build (RDF 1.1 Concepts §3.5): no page of its own
        return {"kind": "bnode", "text": f"_:{str(value).rsplit('/', 1)[-1]}"}
    ours = iris.mapper().is_ours(value)
    return {"kind": "iri", "iri": str(value), "href": iris.page_url(value) if ours else str(value),
            "label": labeller.label(value), "label_lang": label_language(labeller, value),
            "external": not ours, "css_class": iris.css_class(value)}


def picked_language(by_lang: dict, lang: str) -> str | None:
    """The language queries.pick takes from ``by_lang`` when it is not ``lang`` ('' for an untagged
    text: lang="" says "unknown", HTML §3.2.6.2), so the page can mark it; None when it is the
    page's own."""
    for candidate in (lang, "en", "", "de"):
        if candidate in by_lang:
            return None if candidate == lang else candidate
    return next(iter(by_lang), None) if by_lang else None


def comment_language(labeller: Labeller, term) -> str | None:
    """The language of the comment Labeller.comment picks for ``term`` (see picked_language)."""
    ann = labeller.annotations.get(str(term))
    return picked_language(ann["comment"], labeller.lang) if ann and ann["comment"] else None


def label_language(labeller: Labeller, term) -> str | None:
    """The language of the label Labeller.label picks for ``term`` when it is not the page's
    (an English name on a German page gets lang="en", an untagged one lang=""); None when it is
    the page's own or the term has no label (its prefixed name is shown)."""
    ann = labeller.annotations.get(str(term))
    return picked_language(ann["label"], labeller.lang) if ann and ann["label"] else None


_NUMERIC = ("integer", "decimal", "double", "float", "long", "int", "short", "nonNegativeInteger",
            "positiveInteger")
_DATES = ("date", "gYear", "gYearMonth", "dateTime")


def _literal_display(value: Literal, lang: str) -> str:
    """A typed literal as the reader writes it: numbers grouped, dates in words (Babel); the
    lexical form stays in the tooltip and the machine-readable documents."""
    dt = str(value.datatype or "")
    local = dt.rsplit("#", 1)[-1]
    if dt.startswith("http://www.w3.org/2001/XMLSchema#"):
        if local in _NUMERIC:
            return i18n.format_number(str(value), lang)
        if local in _DATES:
            return i18n.format_date(str(value), lang)
        if local == "boolean":
            return i18n.translate("true" if str(value) in ("true", "1") else "false", lang)
    return str(value)


def sort_key(text: str) -> tuple:
    """A sort key that orders names as readers expect: case and accents ignored ("Åarhus" by A)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return ("".join(c for c in folded if not unicodedata.combining(c)), text)


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
    countries = countries_of(q, [r["member"] for r in members])
    # a claim dated the day its source was read has no date of its own (the date is the reading)
    all_claims = claims + [r for d in disagreements for r in d["claims"]]
    read_on = retrieval_dates(q, [r["source"] for r in all_claims if r.get("source") is not None])
    for r in all_claims:
        if r.get("date") is not None and r.get("source") is not None and read_on.get(r["source"]) == str(r["date"]):
            r["read_on"] = r.pop("date")
    terms.update(countries.values())
    labeller = labeller_for(q, terms, lang)

    types, props, identities = [], OrderedDict(), []
    for p, o in outgoing:
        if str(p) == RDF_TYPE:
            view = value_view(o, labeller)
            # org:Organization and schema:Organization are both "Organisation": name it once
            if all(t.get("label") != view.get("label") for t in types):
                types.append(view)
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
        # the relation read from this page's side ("member of", not "has member")
        heading = i18n.inverse_label(g["prop"], lang)
        incoming.append({
            "iri": str(g["prop"]), "label": labeller.label(g["prop"]), "heading": heading,
            "comment": labeller.comment(g["prop"]), "count": g["count"], "page": g["page"],
            "pages": g["pages"], "items": [value_view(s, labeller) for s in g["subjects"]],
            "prev": _incoming_page_url(g["prop"], g["page"] - 1) if g["page"] > 1 else None,
            "next": _incoming_page_url(g["prop"], g["page"] + 1) if g["page"] < g["pages"] else None,
        })

    label = labeller.label(iri)
    descriptions = _descriptions(outgoing, lang)
    description_lang = picked_language(_description_texts(outgoing), lang)

    ctx = {
        "iri": iri,
        "kind": kind,
        "label": label,
        "description": descriptions,
        "description_lang": description_lang,
        "label_lang": label_language(labeller, iri),
        "comment_lang": comment_language(labeller, iri),
        # rdfs:comment on instances is often an editor's note; it leads the page only where it is
        # the point (a disagreement explains itself in its comment)
        "comment": labeller.comment(iri) if kind in ("disagreement", "claim", "") else None,
        "types": types,
        "properties": properties,
        "identities": identities,
        "incoming": incoming,
        "members": _membership_rows(members, "member", labeller, countries),
        "memberships": _membership_rows(memberships, "network", labeller, {}),
        "members_csv": iris.site_url(MEMBERSHIPS_CSV, network=m.kind_slug(iri)[1]) if members else None,
        "provenance": [_provenance_view(r, labeller) for r in provenance],
        "claims": [_claim_view(r, labeller) for r in claims],
        "fold_after": FOLD_AFTER,
        "disagreements": [{"iri": str(d["iri"]), "href": iris.page_url(d["iri"]),
                           "label": labeller.label(d["iri"]), "comment": labeller.comment(d["iri"]),
                           "comment_lang": comment_language(labeller, d["iri"]),
                           "claims": [_claim_view(r, labeller) for r in d["claims"]]}
                          for d in disagreements],
        "timeline": timeline.entries(timeline_rows, iri, labeller, lang),
        "timeline_chart": timeline.chart(timeline_rows, iri, labeller, lang,
                                         memberships=len({r["ms"] for r in members + memberships})),
        "map": _resource_map(q, iri, kind, outgoing, members, labeller, lang),
        "jsonld": _jsonld(iri, types, outgoing, label, identities, descriptions),
        "sparql_url": iris.site_url("/sparql", query=f"DESCRIBE <{iri}>", lang=i18n.explicit_language()),
        "data_links": [(ext, iris.data_url(iri, ext)) for ext in iris.DATA_FORMATS],
        "has_label": labeller.has_label(iri),
        "count_chart": _count_chart(claims, labeller, lang),
    }
    ctx["toc"] = _contents(ctx, lang)
    return ctx


#: the sections of a resource page in order: (id, context key, heading)
_SECTIONS = (("map", "map", "Map"), ("members", "members", "Members"),
             ("memberships", "memberships", "Memberships"), ("properties", "properties", "Properties"),
             ("identities", "identities", "External identities"), ("timeline", "timeline", "Timeline"),
             ("disagreements", "disagreements", "Disagreements"), ("claims", "claims", "Claims"),
             ("provenance", "provenance", "Provenance"), ("incoming", "incoming", "Incoming links"))


def _contents(ctx: dict, lang: str) -> list[tuple[str, str]]:
    """The table of contents of a long page: (anchor, heading) for each section it shows; empty
    when the page has three sections or fewer (nothing to jump over)."""
    present = [(anchor, i18n.translate(heading, lang)) for anchor, key, heading in _SECTIONS if ctx.get(key)]
    return present if len(present) > 3 else []


def _membership_rows(rows: list[dict], side: str, labeller: Labeller, countries: dict) -> list[dict]:
    """Members or memberships for the table: current ones first, then former (ended before today),
    each by the name the reader sees."""
    today = _dt.date.today().isoformat()
    views = [_membership_view(r, side, labeller, countries, today) for r in rows]
    views.sort(key=lambda v: (v["former"], sort_key(v["who"].get("label", ""))))
    return views


def _count_chart(claims: list[dict], labeller: Labeller, lang: str) -> dict | None:
    """The stated member counts on a real time axis (x = the claim's own date, y = the count), with
    the claims that carry no date of their own listed apart, not drawn; None below two dated ones."""
    points, undated = [], []
    for r in claims:
        if not str(r.get("property", "")).endswith("#memberCount"):
            continue
        try:
            value = int(str(r["value"]))
        except (KeyError, ValueError):
            continue
        point = {"value": value, "shown": i18n.format_number(value, lang), "approximate": approximate(r),
                 "source": labeller.label(r["source"]) if r.get("source") is not None else "",
                 "href": iris.page_url(r["claim"])}
        year = timeline.year_value(str(r["date"])) if r.get("date") is not None else None
        if year is None:
            undated.append(point)
            continue
        points.append(dict(point, date=str(r["date"]), year=year,
                           date_text=i18n.format_date(str(r["date"]), lang)))
    if len(points) < 2:
        return None
    points.sort(key=lambda p: (p["year"], p["value"]))
    width, height, left, right, top, bottom = 640, 240, 48, 16, 16, 36
    first, last, step = timeline.nice_ticks(min(p["year"] for p in points), max(p["year"] for p in points), most=8)
    top_value = max(p["value"] for p in points) or 1
    _, y_max, y_step = timeline.nice_ticks(0, top_value, most=5)

    def x(year: float) -> float:
        """The x position of a fractional year."""
        return round(left + (width - left - right) * (year - first) / max(last - first, 1), 1)

    def y(value: float) -> float:
        """The y position of a count."""
        return round(height - bottom - (height - top - bottom) * value / max(y_max, 1), 1)

    dots = [dict(p, x=x(p["year"]), y=y(p["value"])) for p in points]
    line = " ".join(f"{d['x']},{d['y']}" for d in dots)
    x_ticks = [{"x": x(t), "label": str(t)} for t in range(first, last + 1, step)]
    y_ticks = [{"y": y(t), "label": i18n.format_number(t, lang)} for t in range(0, y_max + 1, y_step)]
    desc = "; ".join(f"{p['date_text']}: {'≈' if p['approximate'] else ''}{p['shown']} ({p['source']})" for p in points)
    return {"width": width, "height": height, "left": left, "right": width - right, "top": top,
            "baseline": height - bottom, "dots": dots, "line": line, "x_ticks": x_ticks, "y_ticks": y_ticks,
            "undated": undated, "title": i18n.translate("Member count over time", lang), "desc": desc}


def _description_texts(outgoing) -> dict:
    """``{lang: text}`` of the descriptions (dcterms:description, schema:description)."""
    by_lang = {}
    for p, o in outgoing:
        if str(p) in ("http://purl.org/dc/terms/description", f"{SCHEMA}description") and isinstance(o, Literal):
            by_lang.setdefault(o.language or "", str(o))
    return by_lang


def _descriptions(outgoing, lang: str) -> str | None:
    """The description (dcterms:description, schema:description) in the reader's language."""
    return pick(_description_texts(outgoing), lang)


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


def _membership_view(r: dict, side: str, labeller: Labeller, countries: dict, today: str) -> dict:
    """One row of the members / memberships table: who, country, role, dates, status."""
    who = r["member"] if side == "member" else r["network"]
    end = str(r["end"]) if r.get("end") is not None else None
    country = countries.get(who)
    return {"who": value_view(who, labeller), "membership": value_view(r["ms"], labeller),
            "country": value_view(country, labeller) if country is not None else None,
            "role": value_view(r["role"], labeller) if r.get("role") is not None else None,
            "start": str(r["start"]) if r.get("start") is not None else None,
            "end": end, "former": end is not None and end[:10] <= today}


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
    # an unlabelled claim is named by what it states ("member count: 83", see labeller_for)
    return {"claim": value_view(r["claim"], labeller),
            "subject": value_view(r["subject"], labeller) if r.get("subject") is not None else None,
            "property": value_view(r["property"], labeller) if r.get("property") is not None else None,
            "value": value_view(r["value"], labeller) if r.get("value") is not None else None,
            "approximate": approximate(r),
            "date": str(r["date"]) if r.get("date") is not None else None,
            "read_on": str(r["read_on"]) if r.get("read_on") is not None else None,
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
    if any(not labeller.has_label(p["iri"]) for p in points):
        # places found for the map (event venues, places in a country) were not on the page yet
        labeller = labeller_for(q, [URIRef(iri), *[p["iri"] for p in points]], lang)
    view = map_view(points, labeller, title, own=iri)
    if kind == "network":
        located = len({p["iri"] for p in points})
        total = len({r["member"] for r in members})
        view["caption"] = i18n.translate("{n} of {total} members have coordinates and are shown.", lang,
                                         n=i18n.format_number(located, lang), total=i18n.format_number(total, lang))
        if total > located:
            view["missing"] = i18n.translate("{n} members without coordinates are not on the map.", lang,
                                             n=i18n.format_number(total - located, lang))
    return view


#: Rostock, whose networks these are: its marker is drawn apart on every map it is on
HOME_SLUG = "rostock"


def map_view(points: list[dict], labeller: Labeller, title: str, own: str | None = None) -> dict:
    """Template data for one SVG map of points (dicts with lat, long, iri): fitted to all of them,
    the page's own place (``own``) and Rostock marked apart, with a legend of what is drawn."""
    seen, places = set(), []
    m = iris.mapper()
    for p in points:
        if p["iri"] in seen:
            continue
        seen.add(p["iri"])
        slug = (m.kind_slug(str(p["iri"])) or ("", ""))[1]
        role = "own" if str(p["iri"]) == own else ("home" if slug == HOME_SLUG else "")
        places.append({"lat": p["lat"], "long": p["long"], "label": labeller.label(p["iri"]),
                       "href": iris.page_url(p["iri"]), "role": role,
                       "css_class": iris.css_class(p["iri"]) or "place-link"})
    # the highlighted markers last, so they are drawn on top
    places.sort(key=lambda p: (p["role"] != "", sort_key(p["label"])))
    view = maps.build_map(places)
    lang = labeller.lang
    roles = {p["role"] for p in places}
    legend = [("place", i18n.translate("Place", lang))]
    if "own" in roles:
        legend.append(("own", i18n.translate("This place", lang)))
    if "home" in roles:
        legend.append(("home", "Rostock"))
    names = ", ".join(sorted((p["label"] for p in places), key=sort_key))
    return {"view": view, "title": title, "desc": names, "legend": legend}


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
