"""Pages for people: the home page, search, and the ontology documentation's context."""

from __future__ import annotations

from datetime import date
from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request
from rdflib import URIRef

from netzwerke_kg.queries import Labeller, Queries, completion_terms, count_of_class, pick, retrieval_dates
from netzwerke_kg.web import i18n, iris
from netzwerke_kg.web.dumps import load_manifest
from netzwerke_kg.web.resource_page import approximate, labeller_for, map_view, value_view

bp = Blueprint("browse", __name__)


bp.after_request(i18n.name_language)


def _q() -> Queries:
    """The app's Queries (shared with resources.py)."""
    from netzwerke_kg.web.resources import queries

    return queries()


# --- pages ------------------------------------------------------------------------------------


@bp.get("/")
def home():
    """The home page: networks with member counts, a map of all cities, dataset figures."""
    from netzwerke_kg.web.resources import page_response, site_links

    q = _q()
    lang = i18n.choose_language()
    networks = q.networks()
    cities = q.coordinates()
    figures = q.figures()
    manifest = load_manifest()
    labeller = labeller_for(q, [n["iri"] for n in networks] + [c["iri"] for c in cities], lang)
    network_views = []
    for n in networks:
        claim, read_on = _latest_stated_count(q, n["iri"])
        members = _current_and_former(q.members(str(n["iri"])))
        network_views.append({
            "link": value_view(n["iri"], labeller), "members": n["members"], **members,
            "stated": None if claim is None else {
                "value": str(claim["value"]),
                "date": str(claim["date"]) if claim.get("date") is not None and read_on is None else None,
                "read_on": read_on,
                "approximate": approximate(claim),
                "href": iris.page_url(claim["claim"])}})
    city_points = [c for c in cities if (iris.mapper().kind_slug(str(c["iri"])) or ("", ""))[0] == "city"]
    map_ctx = map_view(city_points, labeller, i18n.translate("All cities", lang)) if city_points else None
    city_count = count_of_class(q, "schema:City")
    if map_ctx is not None:
        # the heading counts every city; the caption says how many of them the map can show
        map_ctx["caption"] = i18n.translate("{n} of {total} cities have coordinates and are shown.", lang,
                                            n=i18n.format_number(len(city_points), lang),
                                            total=i18n.format_number(city_count, lang))
    response = page_response("home.html", site_links(iris.mapper().base_iri), networks=network_views,
                             map=map_ctx, figures=figures, manifest=manifest, city_count=city_count)
    response.vary.add("Accept-Language")
    return response


def _latest_stated_count(q: Queries, network) -> tuple[dict | None, str | None]:
    """The network's latest member count that carries a date of its own, else the latest undated
    one (dated only by the day its source was read), with that reading day; (None, None) if none."""
    counts = [c for c in q.claims(str(network)) if str(c.get("property", "")).endswith("#memberCount")]
    read_on = retrieval_dates(q, [c["source"] for c in counts if c.get("source") is not None])
    dated, undated = [], []
    for c in counts:
        day = read_on.get(c.get("source"))
        own = c.get("date") is not None and str(c["date"]) != day
        (dated if own else undated).append((str(c.get("date") or ""), c, day))
    if dated:
        return max(dated, key=lambda t: t[0])[1], None
    if undated:
        _, claim, day = max(undated, key=lambda t: t[0])
        return claim, day
    return None, None


def _current_and_former(members: list[dict]) -> dict:
    """How many distinct members a network has now and how many left (an end date before today)."""
    today = date.today().isoformat()
    current, former = set(), set()
    for r in members:
        ended = r.get("end") is not None and str(r["end"])[:10] <= today
        (former if ended else current).add(r["member"])
    return {"current": len(current), "former": len(former - current)}


@bp.get("/language")
def language():
    """The de/en switch: remember the choice in a cookie, then 303 back to the page (``next``, a
    path of this site only: no open redirect). Pages themselves never set cookies, so every page
    answer stays one cacheable variant (caching.py keys on URL, Accept-Language and the cookie)."""
    lang = request.args.get("lang")
    if lang not in i18n.LANGUAGES:
        abort(400, description=f"Unknown language {lang!r}: use one of {', '.join(i18n.LANGUAGES)}.")
    target = request.args.get("next") or "/"
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        target = "/"  # only our own pages: never a redirect to another site
    response = redirect(iris.site_url(target), code=303)  # next is a path below the script root
    return i18n.remember(response, lang)


@bp.get("/sparql/completions.json")
def completions():
    """What the query editor completes: the dataset's prefixes and every IRI of ours with its
    labels and prefixed name. One release never changes, so the answer is computed once per
    release (caching.py gives it the release's ETag) and the editor fetches it once."""
    q = _q()
    manifest = load_manifest() or {}
    return jsonify(_completion_list(q.base, str(manifest.get("release")), q))


_COMPLETIONS: dict = {}


def _completion_list(base: str, release: str, q: Queries) -> dict:
    """The completion list for one base IRI and release (kept for the process's life: small)."""
    key = (base, release)
    if key not in _COMPLETIONS:
        from netzwerke_kg.namespaces import prefixes

        table = prefixes(base)
        labeller = Labeller({}, "en", table)
        terms = [dict(t, curie=labeller.curie(t["iri"])) for t in completion_terms(q)]
        _COMPLETIONS.clear()  # one release at a time
        _COMPLETIONS[key] = {"release": release, "prefixes": table, "terms": terms}
    return _COMPLETIONS[key]


@bp.get("/search")
def search():
    """Resources whose labels contain ?q= (case-insensitive)."""
    from netzwerke_kg.web.resources import nearest_links

    q = _q()
    lang = i18n.choose_language()
    text = request.args.get("q", "").strip()[:200]
    results, suggestions = [], []
    if text:
        rows = q.search(text)
        labeller = labeller_for(q, [r["iri"] for r in rows], lang)
        results = [{"link": value_view(r["iri"], labeller), "matched": str(r["label"])} for r in rows]
        if not results:
            # nothing contains the text: offer the most similar labels instead
            suggestions = nearest_links(text)
    body = render_template("not_found.html", search_only=True, query=text, results=results,
                           suggestions=suggestions, iri=None, path=request.path)
    response = Response(body)
    response.vary.add("Accept-Language")
    return response


def ontology_context(q: Queries, lang: str) -> dict:
    """Everything ontology.html shows: classes, properties, alignments, SHACL shapes."""
    terms = q.ontology_terms()
    shapes = q.shapes()
    usage = q.term_usage()
    names = set()
    for t in terms:
        names.add(t["iri"])
        for rel, target in t["relations"]:
            names.update((rel, target))
    for s in shapes:
        names.add(s["target"])
        for c in s["constraints"]:
            names.update(v for v in c.values() if isinstance(v, URIRef))
    labeller = labeller_for(q, names, lang)
    ann = labeller.annotations
    m = iris.mapper()

    def term_view(t):
        """One class or property with its labels in both languages."""
        a = ann.get(str(t["iri"]), {"label": {}, "comment": {}})
        return {"iri": str(t["iri"]), "anchor": m.ontology_term(t["iri"]), "curie": labeller.curie(t["iri"]),
                "label_en": a["label"].get("en"), "label_de": a["label"].get("de"),
                "comment_en": a["comment"].get("en"), "comment_de": a["comment"].get("de"),
                "label": labeller.label(t["iri"]), "comment": labeller.comment(t["iri"]),
                "usage": usage.get(str(t["iri"]), 0),
                # alignments name the vocabulary: org:Organization, not just "organization"
                "relations": [(labeller.curie(rel), dict(value_view(target, labeller), label=labeller.curie(target)))
                              for rel, target in t["relations"]]}

    classes = [term_view(t) for t in terms if t["kind"] == "class"]
    properties = [term_view(t) for t in terms if t["kind"] == "property"]
    shape_views = [{"target": value_view(s["target"], labeller),
                    "constraints": [_constraint_view(c, labeller, lang) for c in s["constraints"]]}
                   for s in shapes]
    return {"classes": classes, "properties": properties, "shapes": shape_views,
            "iri": m.base_iri + "ontology",
            "data_links": [(ext, iris.data_url(m.base_iri + "ontology", ext)) for ext in iris.DATA_FORMATS]}


def _constraint_view(c: dict, labeller: Labeller, lang: str) -> dict:
    """One SHACL property constraint of queries.shapes() as the ontology page shows it."""
    path = value_view(c["path"], labeller)
    return {
        "path": path if path["kind"] == "iri" else {"kind": "bnode", "text": "(complex path)"},
        "min": int(c["min"]) if "min" in c else 0,
        "max": int(c["max"]) if "max" in c else None,
        "datatype": labeller.curie(c["datatype"]) if "datatype" in c else None,
        "class": value_view(c["class"], labeller) if "class" in c else None,
        "nodeKind": labeller.curie(c["nodeKind"]) if "nodeKind" in c else None,
        "pattern": str(c["pattern"]) if "pattern" in c else None,
        "message": pick(c["messages"], lang) if c["messages"] else None,
        "name": pick(c["names"], lang) if c["names"] else None,
        "severity": str(c["severity"]).rsplit("#", 1)[-1] if "severity" in c else "Violation",
    }
