"""Stored queries as a stable API: ``/api/{name}?param=…&format=json|csv|html``.

Each stored query (list_queries.STORED) is a fixed SPARQL text; its parameters are validated here
(a bad or missing one is a 400 naming it) and bound by the inline-data block of
list_queries.values_block, never spliced into the query text. ``format=html`` is the query's page:
what it asks, a form for its parameters (no JavaScript needed), the SPARQL behind it with a link
that opens it in the query editor, and the answer as a table. JSON shape, stable:
``{query, title, parameters, columns, count, rows, sparql, editor_url}``; CSV has one header row.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from flask import Blueprint, Response, abort, jsonify, render_template, request
from rdflib import Literal

from netzwerke_kg import list_queries as lq
from netzwerke_kg.web import i18n, iris
from netzwerke_kg.web.errors import error_response
from netzwerke_kg.web.lists import defuse
from netzwerke_kg.web.lists.engine import BadParameter, token
from netzwerke_kg.web.lists.specs import Loader
from netzwerke_kg.web.resources import link_header, site_links

bp = Blueprint("api", __name__)
bp.after_request(i18n.name_language)

FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8; header=present",
           "html": "text/html; charset=utf-8"}
#: parameters every stored query takes besides its own
COMMON = ("format",)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: parameter kind -> (list_queries table, row key, what it is, the list that shows them)
_NAMED = {"network": ("networks", "network", "network", "/networks"),
          "place": ("places", "place", "city or region", "/cities"),
          "subject": ("disagreement_claims", "about", "subject of a disagreement", "/disagreements")}
_NUMERIC = ("integer", "decimal", "double", "float", "int", "long", "short")


@bp.errorhandler(BadParameter)
def _bad_parameter(exc: BadParameter):
    """A parameter that cannot be used: 400 naming it."""
    return error_response(400, str(exc), "Bad Request")


@bp.get("/api")
def index():
    """The stored queries, each with its parameters and links."""
    lang = i18n.choose_language()
    queries = [{"q": q, "href": iris.site_url(f"/api/{q.name}", format="html"),
                "title": i18n.translate(q.title, lang), "description": i18n.translate(q.description, lang)}
               for q in lq.STORED.values()]
    links = [{"rel": "service-desc", "href": iris.absolute(iris.site_url("/openapi.json")),
              "type": "application/openapi+json"}] + site_links(iris.absolute(iris.site_url("/api")))
    response = Response(render_template("api/index.html", queries=queries, links=links))
    response.headers["Link"] = link_header(links)
    return response


@bp.get("/api/<name>")
def stored(name: str):
    """One stored query's answer as JSON (default), CSV or its HTML page."""
    query = lq.STORED.get(name)
    if query is None:
        abort(404)
    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise BadParameter("format", f"{fmt[:20]!r} is not one of json, csv, html")
    loader = Loader(i18n.choose_language())
    params = validate(query, request.args, loader)
    backend = loader.backend
    text = lq.stored_text(loader.base, name, params)
    rows = [{c: _plain(r[c]) if c in r else None for c in query.columns}
            for r in lq.run_stored(backend, loader.base, name, params)]
    editor = iris.site_url("/sparql", query=text)
    links = _alternates(name, fmt) + site_links(iris.absolute(iris.site_url(f"/api/{name}")))
    if fmt == "json":
        response = jsonify({"query": name, "title": query.title, "parameters": params,
                            "columns": list(query.columns), "count": len(rows), "rows": rows,
                            "sparql": text, "editor_url": iris.absolute(editor)})
    elif fmt == "csv":
        response = Response(_csv(query.columns, rows), content_type=FORMATS["csv"])
        response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    else:
        lang = loader.lang
        form = [{"p": p, "value": request.args.get(p.name, ""),
                 "description": i18n.translate(p.description, lang)} for p in query.params]
        choices = {kind: _choices(loader, table, key) for kind, (table, key, _, _) in _NAMED.items()}
        response = Response(render_template(
            "api/query.html", query=query, title=i18n.translate(query.title, lang),
            description=i18n.translate(query.description, lang), form=form, choices=choices,
            sparql=text, editor_url=editor, rows=rows, columns=query.columns, links=links,
            twins=[(ext.upper(), _url(name, ext)) for ext in ("json", "csv")]))
    response.headers["Link"] = link_header(links)
    response.vary.add("Accept-Language")
    return response


def validate(query: lq.StoredQuery, args, loader: Loader) -> dict[str, str | None]:
    """Each parameter checked and normalised (IRIs full, dates ISO); BadParameter names a bad one."""
    known = {p.name for p in query.params} | set(COMMON)
    for name in args:
        if name not in known:
            raise BadParameter(name, f"not a parameter of {query.name}; it takes "
                               + ", ".join(p.name for p in query.params))
    out: dict[str, str | None] = {}
    for p in query.params:
        values = args.getlist(p.name)
        if len(values) > 1:
            raise BadParameter(p.name, "given more than once")
        raw = values[0].strip() if values else None
        if not raw:
            raw = i18n.choose_language() if p.kind == "lang" else p.default
        if raw is None:
            if p.required:
                raise BadParameter(p.name, "is required")
            out[p.name] = None
            continue
        out[p.name] = _check(p, raw, loader)
    return out


def _check(p: lq.Param, raw: str, loader: Loader) -> str:
    """One parameter value, validated for its kind and normalised."""
    if p.kind == "lang":
        if raw not in iris.LANGUAGES:
            raise BadParameter(p.name, f"must be one of {', '.join(iris.LANGUAGES)}")
        return raw
    if p.kind == "int":
        if not re.fullmatch(r"\d{1,2}", raw) or not 1 <= int(raw) <= 10:
            raise BadParameter(p.name, "must be a whole number from 1 to 10")
        return str(int(raw))
    if p.kind == "date":
        m = _DATE.match(raw)
        try:
            if not m:
                raise ValueError
            date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            raise BadParameter(p.name, f"{raw[:40]!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
        return raw
    # a network, a place or a disagreement's subject: a slug or an IRI that names one we have
    table, key, what, where = _NAMED[p.kind]
    wanted = token(raw)
    for row in loader.get(table):
        if row.get(key) and token(row[key]) == wanted:
            return row[key]
    raise BadParameter(p.name, f"{raw[:80]!r} names no {what} in the graph (see {where})")


def _choices(loader: Loader, table: str, key: str) -> list[tuple[str, str]]:
    """(slug, label) pairs for a parameter's select box, by label."""
    pairs = {token(r[key]): loader.label(r[key]) for r in loader.get(table) if r.get(key)}
    return sorted(pairs.items(), key=lambda c: (c[1].casefold(), c[0]))


def _plain(term) -> str | int | float:
    """A JSON value for an RDF term: numbers as numbers, everything else as its lexical form."""
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype).rsplit("#", 1)[-1] in _NUMERIC:
        value = term.toPython()
        if isinstance(value, (int, float)):
            return value
        return float(value) if "." in str(term) else int(str(term))
    return str(term)


def _csv(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    """Rows as CSV (RFC 4180), UTF-8, one header row of the query's variable names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r[c] if isinstance(r[c], (int, float)) else defuse(str(r[c]))
                         for c in columns])
    return buffer.getvalue().encode("utf-8")


def _url(name: str, fmt: str) -> str:
    """This stored query with the request's parameters in another format."""
    args = {k: v for k, v in request.args.items() if k != "format"}
    return iris.site_url(f"/api/{name}", **args, format=fmt)


def _alternates(name: str, current: str) -> list[dict]:
    """rel=alternate links to the other formats of the same answer (RFC 8288)."""
    return [{"rel": "alternate", "type": FORMATS[f].split(";")[0], "href": iris.absolute(_url(name, f))}
            for f in FORMATS if f != current]
