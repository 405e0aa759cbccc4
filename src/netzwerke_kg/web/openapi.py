"""The OpenAPI 3.1 description of the lists and the stored queries, at ``/openapi.json``.

Generated from the same tables the views read (lists.specs.SPECS, list_queries.STORED), so the
document cannot drift from the routes; a test runs schemathesis against the live app over every
path in it. OpenAPI Specification 3.1.0: https://spec.openapis.org/oas/v3.1.0 (its schemas are
JSON Schema 2020-12).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from netzwerke_kg import __version__
from netzwerke_kg import list_queries as lq
from netzwerke_kg.web import iris
from netzwerke_kg.web.lists.engine import IRI_PATTERN, MAX_SIZE, SLUG_PATTERN, YEAR_PATTERN, ListSpec
from netzwerke_kg.web.lists.specs import SPECS

bp = Blueprint("openapi", __name__)

_ERROR = {"$ref": "#/components/responses/BadRequest"}
_LANG = {"name": "lang", "in": "query", "description": "language of labels and headers",
         "schema": {"type": "string", "enum": list(iris.LANGUAGES)}}
_NAMED = {"anyOf": [{"type": "string", "pattern": SLUG_PATTERN}, {"type": "string", "pattern": IRI_PATTERN}]}


@bp.get("/openapi.json")
def document():
    """The OpenAPI 3.1 document (JSON)."""
    return jsonify(build())


def build() -> dict:
    """The whole OpenAPI document for this server."""
    paths: dict = {}
    for spec in SPECS.values():
        params = _list_params(spec)
        for ext, media, schema in (("", "text/html", {"type": "string"}),
                                   (".json", "application/json", {"$ref": "#/components/schemas/ListPage"}),
                                   (".csv", "text/csv", {"type": "string"})):
            extra = [{"name": "bom", "in": "query", "description": "1: start with a UTF-8 byte order mark",
                      "schema": {"type": "string", "enum": ["0", "1"]}}] if ext == ".csv" else []
            paths[f"/{spec.name}{ext}"] = {"get": {
                "operationId": f"list_{spec.name}_{ext.lstrip('.') or 'html'}",
                "summary": f"{spec.title} ({ext.lstrip('.') or 'html'})",
                "description": spec.intro,
                "tags": ["lists"],
                "parameters": params + extra,
                "responses": {"200": {"description": spec.title, "content": {media: {"schema": schema}}},
                              "400": _ERROR}}}
    for q in lq.STORED.values():
        paths[f"/api/{q.name}"] = {"get": {
            "operationId": f"query_{q.name.replace('-', '_')}",
            "summary": q.title, "description": q.description, "tags": ["stored queries"],
            "parameters": [_stored_param(p) for p in q.params] + [
                {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv", "html"]},
                 "description": "json (default), csv, or html: the page with the SPARQL behind it"}],
            "responses": {"200": {"description": q.title, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/StoredAnswer"}},
                "text/csv": {"schema": {"type": "string"}}, "text/html": {"schema": {"type": "string"}}}},
                "400": _ERROR}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "netzwerke-kg lists and stored queries", "version": __version__,
                 "description": "Lists with facets and stored queries over the knowledge graph of Rostock's "
                                "international city networks. The graph itself answers SPARQL at /sparql.",
                 "license": {"name": "CC BY 4.0 (data)", "identifier": "CC-BY-4.0"}},
        "servers": [{"url": iris.absolute(iris.site_url("/")).rstrip("/") or "/"}],
        "paths": paths,
        "components": {"schemas": _schemas(), "responses": {"BadRequest": {
            "description": "a parameter cannot be used; the message names it",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
    }


def _list_params(spec: ListSpec) -> list[dict]:
    """The query parameters of one list: its facets (repeatable), sort, size, next, lang."""
    out = []
    for f in spec.facets:
        if f.choices:
            item = {"type": "string", "enum": list(f.choices)}
        elif f.kind == "year":
            item = {"type": "string", "pattern": YEAR_PATTERN}
        elif f.kind == "iri":
            item = _NAMED
        else:
            item = {"type": "string", "maxLength": 500}
        out.append({"name": f.param, "in": "query", "style": "form", "explode": True,
                    "description": f"filter: {f.header}" + (" (repeat to narrow: all of them)" if f.many
                                                            else " (repeat for any of them)"),
                    "schema": {"type": "array", "items": item}})
    sortable = [c.key for c in spec.columns if c.sortable]
    out += [
        {"name": "sort", "in": "query", "description": "a column; prefix - to reverse",
         "schema": {"type": "string", "enum": sortable + [f"-{k}" for k in sortable]}},
        {"name": "size", "in": "query", "description": "rows per page",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SIZE}},
        {"name": "next", "in": "query", "description": "the opaque token of the previous page's next link",
         "schema": {"type": "string"}},
        _LANG,
    ]
    return out


def _stored_param(p: lq.Param) -> dict:
    """One stored-query parameter as an OpenAPI parameter (an optional one may be empty: not given,
    as a plain HTML form sends it)."""
    schema: dict
    if p.kind in ("network", "place", "subject"):
        schema = _NAMED
    elif p.kind == "date":
        schema = {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}
    elif p.kind == "int":
        schema = {"type": "integer", "minimum": 1, "maximum": 10}
    else:
        schema = {"type": "string", "enum": [*iris.LANGUAGES, ""]}
    if not p.required and p.kind != "lang":
        schema = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
    return {"name": p.name, "in": "query", "required": p.required, "description": p.description, "schema": schema}


def _schemas() -> dict:
    """The JSON Schemas of the answers."""
    nullable_str = {"type": ["string", "null"]}
    return {
        "Error": {"type": "object", "required": ["error", "status", "message"],
                  "properties": {"error": {"type": "string"}, "status": {"type": "integer"},
                                 "message": {"type": "string"}}},
        "FacetValue": {"type": "object", "required": ["value", "label", "count", "selected", "href"],
                       "properties": {"value": {"type": "string"}, "label": {"type": "string"},
                                      "count": {"type": "integer", "minimum": 0},
                                      "selected": {"type": "boolean"}, "href": {"type": "string"}}},
        "ListPage": {"type": "object",
                     "required": ["list", "title", "lang", "count", "totals", "sort", "filters", "columns",
                                  "rows", "next", "next_url", "facets"],
                     "properties": {
                         "list": {"type": "string"}, "title": {"type": "string"}, "lang": {"type": "string"},
                         "count": {"type": "integer", "minimum": 0},
                         "totals": {"type": "object", "additionalProperties": {"type": "integer"}},
                         "sort": {"type": "string"},
                         "filters": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                         "columns": {"type": "array", "items": {"type": "object", "required": ["key", "header", "kind"]}},
                         "rows": {"type": "array", "items": {"type": "object"}},
                         "next": nullable_str, "next_url": nullable_str,
                         "facets": {"type": "object", "additionalProperties": {
                             "type": "object", "required": ["header", "values"],
                             "properties": {"header": {"type": "string"},
                                            "values": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}}}}}},
        "StoredAnswer": {"type": "object",
                         "required": ["query", "title", "parameters", "columns", "count", "rows", "sparql", "editor_url"],
                         "properties": {
                             "query": {"type": "string"}, "title": {"type": "string"},
                             "parameters": {"type": "object", "additionalProperties": nullable_str},
                             "columns": {"type": "array", "items": {"type": "string"}},
                             "count": {"type": "integer", "minimum": 0},
                             "rows": {"type": "array", "items": {"type": "object"}},
                             "sparql": {"type": "string"}, "editor_url": {"type": "string"}}},
    }
