"""Lists for people who do not write SPARQL: /networks, /cities, /countries, /conferences,
/sources, /memberships, /disagreements as HTML tables with sorting, facets and keyset pagination,
each also as ``.json`` and ``.csv`` with the same parameters (Datasette's habit, STYLE.md §8).

Parameters (all optional): one per facet (repeatable), ``sort`` (a column, ``-`` to reverse),
``size`` (1–1000; HTML and JSON default to 50, CSV to every row), ``next`` (the opaque token a
page hands out), ``lang`` (de|en: labels and CSV headers), ``bom=1`` (CSV only: a UTF-8 byte
order mark for spreadsheets that want one). JSON shape, stable:
``{list, title, lang, count, totals, sort, filters, columns, rows, next, next_url, facets}``.
Every representation names the others in ``Link: rel=alternate`` (RFC 8288) and on the page.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, render_template, request

from netzwerke_kg.web import i18n, iris
from netzwerke_kg.web.errors import error_response
from netzwerke_kg.web.lists.engine import BadParameter, ListSpec, Page, Selection, parse, select, token
from netzwerke_kg.web.lists.specs import SPECS, Loader
from netzwerke_kg.web.resources import link_header, site_links

bp = Blueprint("lists", __name__)
bp.after_request(i18n.name_language)

#: extension -> media type of the machine twins (CSV: RFC 4180 §3, with the header parameter)
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8; header=present"}
#: what joins several values in one CSV cell
MULTI_SEPARATOR = " | "


@bp.errorhandler(BadParameter)
def _bad_parameter(exc: BadParameter):
    """A parameter that cannot be used: 400 naming it."""
    return error_response(400, str(exc), "Bad Request")


def show(name: str, ext: str | None = None):
    """One list as HTML, JSON or CSV (extension, else ``format=``)."""
    spec = SPECS[name]
    fmt = ext or request.args.get("format", "html")
    if ext is not None and ext not in FORMATS:
        abort(404)
    if fmt not in ("html", *FORMATS):
        raise BadParameter("format", f"{fmt[:20]!r} is not one of html, json, csv")
    if "bom" in request.args and request.args["bom"] not in ("0", "1"):
        raise BadParameter("bom", "must be 0 or 1")
    lang = i18n.choose_language()
    sel = parse(spec, request.args, default_size=None if fmt == "csv" else spec.page_size)
    rows = Loader(lang).rows(spec)
    page = select(spec, rows, sel)
    links = alternates(spec, fmt) + _next_link(spec, fmt, page) + site_links(iris.absolute(list_url(spec.name)))
    if fmt == "json":
        response = jsonify(as_json(spec, sel, page, lang))
    elif fmt == "csv":
        body = as_csv(spec, page.rows, lang, bom=request.args.get("bom") == "1")
        response = Response(body, content_type=FORMATS["csv"])
        response.headers["Content-Disposition"] = f'inline; filename="{spec.name}.csv"'
    else:
        response = Response(render_template(spec.template, spec=spec, page=page, sel=sel,
                                            list_names=[(s.name, s.title) for s in SPECS.values()],
                                            view=html_view(spec, sel, page, lang), links=links))
    response.headers["Link"] = link_header(links)
    response.vary.add("Accept-Language")
    return response


for _name in SPECS:  # one plain rule per list, so the URL map (and the README's) names each
    bp.add_url_rule(f"/{_name}", f"show_{_name}", show, defaults={"name": _name}, methods=["GET"])
    bp.add_url_rule(f"/{_name}.<ext>", f"show_{_name}_twin", show, defaults={"name": _name}, methods=["GET"])


# --- URLs -----------------------------------------------------------------------------------------


def list_url(name: str, ext: str | None = None, args: list[tuple[str, str]] | None = None) -> str:
    """The URL of list ``name`` (``.ext`` for a twin) with query ``args`` (pairs, repeatable keys)."""
    url = iris.site_url(f"/{name}" + (f".{ext}" if ext else ""))
    return url + ("?" + urlencode(args) if args else "")


def _args(drop: tuple[str, ...] = (), **change) -> list[tuple[str, str]]:
    """The request's query as pairs, without keys in ``drop`` and with ``change`` applied."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in drop and k not in change and k != "format"]
    for k, v in change.items():
        if v is not None:
            pairs.append((k, v))
    return pairs


def alternates(spec: ListSpec, current: str) -> list[dict]:
    """rel=alternate links to the other representations of this very selection."""
    links = []
    if current != "html":
        links.append({"rel": "alternate", "type": "text/html",
                      "href": iris.absolute(list_url(spec.name, None, _args(("bom",))))})
    for ext, media in FORMATS.items():
        if ext != current:
            links.append({"rel": "alternate", "type": media.split(";")[0],
                          "href": iris.absolute(list_url(spec.name, ext, _args(("bom",))))})
    return links


def _next_link(spec: ListSpec, fmt: str, page: Page) -> list[dict]:
    """rel=next to the following page, when there is one."""
    if not page.next:
        return []
    return [{"rel": "next", "href": iris.absolute(list_url(spec.name, None if fmt == "html" else fmt,
                                                            _args(("next",), next=page.next)))}]


def toggle_url(spec: ListSpec, param: str, value: str, selected: bool, ext: str | None = None) -> str:
    """This list (or its ``ext`` twin) with one facet value added or removed, back on the first page."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in ("next", "format")]
    if selected:
        pairs = [(k, v) for k, v in pairs if not (k == param and _same(v, value))]
    else:
        pairs.append((param, value))
    return list_url(spec.name, ext, pairs)


def _same(given: str, value: str) -> bool:
    """True when a URL value names the facet value (as a slug or a full IRI)."""
    return token(given) == value


# --- representations ------------------------------------------------------------------------------


def public_row(spec: ListSpec, row: dict) -> dict:
    """A row as the twins publish it: every column, an IRI column's label beside it."""
    out = {}
    for c in spec.columns:
        out[c.key] = row.get(c.key)
        if c.kind in ("iri", "iris"):
            out[f"{c.key}_label"] = row.get(f"{c.key}_label")
    if spec.id_key not in out:
        out[spec.id_key] = row.get(spec.id_key)
    return out


def as_json(spec: ListSpec, sel: Selection, page: Page, lang: str) -> dict:
    """The JSON document of one page (the stable shape described in the module docstring)."""
    return {
        "list": spec.name,
        "title": i18n.translate(spec.title, lang),
        "lang": lang,
        "count": page.count,
        "totals": page.totals,
        "sort": sel.sort,
        "filters": sel.filters,
        "columns": [{"key": c.key, "header": i18n.translate(c.header, lang), "kind": c.kind} for c in spec.columns],
        "rows": [public_row(spec, r) for r in page.rows],
        "next": page.next,
        "next_url": _next_link(spec, "json", page)[0]["href"] if page.next else None,
        "facets": {param: {"header": i18n.translate(f.header, lang),
                           "values": [dict(v, href=iris.absolute(toggle_url(spec, param, v["value"], v["selected"], "json")))
                                      for v in values]}
                   for (param, values), f in zip(page.facets.items(), spec.facets)},
    }


def csv_header(spec: ListSpec, lang: str) -> list[str]:
    """The one header row: an IRI column gives two, the label and the IRI, in the page language."""
    out = []
    for c in spec.columns:
        name = i18n.translate(c.header, lang)
        if c.kind in ("iri", "iris"):
            out.extend([name, f"{name} (IRI)"])
        else:
            out.append(name)
    return out


def _cell(value) -> str:
    """One CSV cell: lists joined, booleans as true/false, nothing as empty, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(_cell(v) for v in value)
    if isinstance(value, (int, float)):
        return str(value)
    return defuse(str(value))


_FORMULA = re.compile(r"^[=+@\t\r]|^-(?![0-9.])")


def defuse(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP "CSV Injection");
    numbers, negative ones included, stay as they are."""
    return "'" + text if _FORMULA.match(text) else text


def as_csv(spec: ListSpec, rows: list[dict], lang: str, bom: bool = False) -> bytes:
    """Rows as CSV (RFC 4180: CRLF line ends, one header row), UTF-8, with an optional BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header(spec, lang))
    for r in rows:
        cells = []
        for c in spec.columns:
            if c.kind in ("iri", "iris"):
                cells.extend([_cell(r.get(f"{c.key}_label")), _cell(r.get(c.key))])
            else:
                cells.append(_cell(r.get(c.key)))
        writer.writerow(cells)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def html_view(spec: ListSpec, sel: Selection, page: Page, lang: str) -> dict:
    """What the HTML table needs beyond the page: sort links, facet links, twins, next."""
    current, desc = sel.sort.lstrip("-"), sel.sort.startswith("-")
    headers = []
    for c in spec.columns:
        entry = {"key": c.key, "text": i18n.translate(c.header, lang), "kind": c.kind, "sort": None, "href": None}
        if c.sortable:
            flip = f"-{c.key}" if c.key == current and not desc else c.key
            entry["href"] = list_url(spec.name, None, _args(("next", "sort"), sort=flip))
            if c.key == current:
                entry["sort"] = "descending" if desc else "ascending"
        headers.append(entry)
    facets = []
    for f in spec.facets:
        values = [dict(v, href=toggle_url(spec, f.param, v["value"], v["selected"])) for v in page.facets[f.param]]
        facets.append({"param": f.param, "header": i18n.translate(f.header, lang), "values": values})
    twins = [(ext.upper(), list_url(spec.name, ext, _args(("next", "bom")))) for ext in FORMATS]
    twins.append(("CSV (BOM)", list_url(spec.name, "csv", _args(("next", "bom"), bom="1"))))
    first = list_url(spec.name, None, _args(("next",))) if sel.after is not None else None
    # consecutive rows of one topic form a group, in the page's order (Jinja's groupby would re-sort)
    groups: list[tuple[str, list[dict]]] = []
    for row in page.rows:
        if not groups or groups[-1][0] != row.get("topic"):
            groups.append((row.get("topic"), []))
        groups[-1][1].append(row)
    return {"headers": headers, "facets": facets, "twins": twins, "first": first, "groups": groups,
            "next": list_url(spec.name, None, _args(("next",), next=page.next)) if page.next else None,
            "title": i18n.translate(spec.title, lang), "intro": i18n.translate(spec.intro, lang),
            "clear": list_url(spec.name) if sel.filters else None}
