"""Pictures of the whole graph, drawn on the server as SVG: the overlap between the networks, one
timeline across all of them, and a map of every located city coloured by network.

Each drawing is readable without JavaScript and sits beside a table of exactly the data it draws.
Drawings that hold links are ``role="group"`` with a title, never ``role="img"``: an image's
children are presentational, so links inside one would vanish for screen readers (WAI-ARIA 1.2,
"img" role, children presentational: true). The map reuses web/maps.py (outlines, projection,
fit); markers carry an invisible hit circle of at least 24 CSS px (WCAG 2.2 SC 2.5.8 Target Size).
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, Response, render_template

from netzwerke_kg.web import i18n, iris, maps
from netzwerke_kg.web.lists import list_url
from netzwerke_kg.web.lists.engine import token
from netzwerke_kg.web.lists.specs import Loader
from netzwerke_kg.web.resources import link_header, site_links
from netzwerke_kg.web.timeline import nice_ticks, year_value

bp = Blueprint("pictures", __name__)
bp.after_request(i18n.name_language)

#: network colours: the Okabe–Ito palette, told apart with every common colour-vision deficiency
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
#: the colour of a city in several networks
SEVERAL = "#1d1d1f"
#: the width the map and charts are drawn for, in CSS px (they scale down with the page)
WIDTH = 800
#: the smallest tap target, in CSS px (WCAG 2.2 SC 2.5.8)
TAP_PX = 24
#: the narrowest width the map keeps its tap targets at: beside its table on a laptop it is drawn
#: about 560 px wide; narrower (a phone) the page stacks and the map takes the full width
TAP_WIDTH = 520


def _page(template: str, path: str, **ctx) -> Response:
    """A rendered picture page with its Link header."""
    links = site_links(iris.absolute(iris.site_url(path)))
    response = Response(render_template(template, links=links, **ctx))
    response.headers["Link"] = link_header(links)
    response.vary.add("Accept-Language")
    return response


def _networks(loader: Loader) -> list[dict]:
    """The networks by label, each with its colour, short number and label."""
    rows = sorted(loader.get("networks"), key=lambda n: loader.label(n["network"]).casefold())
    return [{"iri": n["network"], "slug": token(n["network"]), "label": loader.label(n["network"]),
             "colour": PALETTE[i % len(PALETTE)], "number": i + 1, "href": iris.page_url(n["network"])}
            for i, n in enumerate(rows)]


@bp.get("/pictures")
def index():
    """The three pictures, linked."""
    return _page("pictures/index.html", "/pictures")


# --- overlap ---------------------------------------------------------------------------------------


def overlap(loader: Loader) -> dict:
    """The matrix (places in both of two networks) and the exact combinations (UpSet-style)."""
    nets = _networks(loader)
    places = loader.get("places")
    sets = {n["iri"]: {p["place"] for p in places if n["iri"] in p["networks"]} for n in nets}
    cells = []
    for a in nets:
        row = []
        for b in nets:
            both = sets[a["iri"]] & sets[b["iri"]]
            pairs = [a["slug"]] if a is b else [a["slug"], b["slug"]]
            row.append({"a": a, "b": b, "count": len(both),
                        "href": list_url("cities", None, [("network", s) for s in pairs])})
        cells.append(row)
    most = max((c["count"] for row in cells for c in row), default=1) or 1
    for row in cells:
        for c in row:
            c["fill"] = _shade(c["count"] / most)
            c["ink"] = "#ffffff" if c["count"] / most > 0.55 else "#1d1d1f"
    combos = Counter(tuple(n["iri"] for n in nets if n["iri"] in p["networks"]) for p in places if p["networks"])
    by_iri = {n["iri"]: n for n in nets}
    upset = []
    for members, count in sorted(combos.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0])):
        args = [("network", by_iri[m]["slug"]) for m in members] + [("networks", str(len(members)))]
        upset.append({"networks": [by_iri[m] for m in members], "count": count,
                      "href": list_url("cities", None, args)})
    return {"networks": nets, "cells": cells, "upset": upset,
            "upset_max": max((u["count"] for u in upset), default=1),
            "unattached": sum(1 for p in places if not p["networks"])}


def _shade(share: float) -> str:
    """A blue from pale (few) to deep (many) for a matrix cell."""
    lo, hi = (0xEA, 0xF2, 0xF8), (0x00, 0x48, 0x8C)
    return "#" + "".join(f"{round(l + (h - l) * share):02x}" for l, h in zip(lo, hi))


@bp.get("/pictures/overlap")
def overlap_page():
    """Which cities are in several networks: a matrix and the exact combinations, with tables."""
    loader = Loader(i18n.choose_language())
    return _page("pictures/overlap.html", "/pictures/overlap", o=overlap(loader))


# --- timeline --------------------------------------------------------------------------------------


def timeline(loader: Loader) -> dict:
    """Lanes per network: foundings and designations (marks), conferences (dots), memberships
    begun per year (bars, each a link to that list) over one year axis."""
    nets = _networks(loader)
    # events the graph ties to no network (a meeting, the International Year of Peace) get a lane too
    other = {"iri": None, "slug": None, "label": i18n.translate("No network named", loader.lang),
             "colour": "#5f6368", "number": len(nets) + 1, "href": None}
    by_iri = {n["iri"]: n for n in nets}
    entries, undated = [], 0
    for e in loader.get("dated_events"):
        entries.append({"network": by_iri.get(e["network"], other), "kind": e["kind"], "date": e["date"],
                        "label": loader.label(e["event"]), "href": iris.page_url(e["event"]), "count": 1})
    for c in loader.get("conferences"):
        if not c["start"]:
            undated += 1
            continue
        entries.append({"network": by_iri.get(c["network"], other), "kind": "conference", "date": c["start"],
                        "label": loader.label(c["event"]), "href": iris.page_url(c["event"]), "count": 1})
    if any(e["network"] is other for e in entries):
        nets = nets + [other]
    joined = Counter((m["network"], m["since"]) for m in loader.get("memberships") if m["since"])
    for (net, year), n in sorted(joined.items()):
        if net in by_iri:
            entries.append({"network": by_iri[net], "kind": "joined", "date": year, "count": n,
                            "label": i18n.translate("{n} joined", loader.lang).format(n=n),
                            "href": list_url("memberships", None, [("network", by_iri[net]["slug"]), ("since", year)])})
    entries.sort(key=lambda e: (e["date"], e["network"]["number"], e["kind"], e["label"]))
    years = [y for y in (year_value(e["date"]) for e in entries) if y is not None]
    lo, hi = (min(years), max(years)) if years else (2000, 2025)
    first, last, step = nice_ticks(lo, hi, most=10)
    left, right, lane = 40, 20, 80
    span = WIDTH - left - right

    def x(date: str) -> float:
        """The x of a date on the axis."""
        return round(left + span * ((year_value(date) or first) - first) / (last - first), 2)

    most = max((e["count"] for e in entries if e["kind"] == "joined"), default=1)
    for e in entries:
        e["x"] = x(e["date"])
        top = 30 + (e["network"]["number"] - 1) * lane
        e["y"] = top + 44
        # square-root scale with a floor: one joining stays visible beside the 59 founding members
        e["bar"] = round(max(4.0, 32 * (e["count"] / most) ** 0.5), 2) if e["kind"] == "joined" else 0
        e["top"] = top
    ticks = [{"x": x(str(y)), "year": y} for y in range(first, last + 1, step)]
    lanes = [{"network": n, "y": 30 + (n["number"] - 1) * lane} for n in nets]
    return {"entries": entries, "ticks": ticks, "lanes": lanes, "height": 30 + lane * len(nets) + 30, "undated": undated,
            "width": WIDTH, "left": left, "right": WIDTH - right, "axis_y": 30 + lane * len(nets) + 4}


@bp.get("/pictures/timeline")
def timeline_page():
    """One timeline across all networks, with its entries as a table."""
    loader = Loader(i18n.choose_language())
    return _page("pictures/timeline.html", "/pictures/timeline", t=timeline(loader))


# --- map -------------------------------------------------------------------------------------------


def city_map(loader: Loader) -> dict:
    """Every located city and region, coloured by its network (or 'several'), fitted to them."""
    nets = _networks(loader)
    by_iri = {n["iri"]: n for n in nets}
    places = loader.get("places")
    located = [p for p in places if p["coordinates"] == "yes"]
    points = []
    for p in located:
        mine = [by_iri[i] for i in p["networks"] if i in by_iri]
        colour = mine[0]["colour"] if len(mine) == 1 else (SEVERAL if mine else "#8a8f98")
        label = loader.label(p["place"])
        points.append({"lat": p["lat"], "long": p["long"], "label": label, "href": iris.page_url(p["place"]),
                       "colour": colour, "networks": mine, "country": loader.label(p["country"]),
                       "iri": p["place"]})
    view = maps.build_map(points, width=WIDTH)  # no points: the whole world
    vx, vy, vw, vh = (float(v) for v in view.view_box.split())
    unit = vw / WIDTH  # user units per CSS px at the drawn width
    markers = [dict(p, x=round(m.x, 3), y=round(m.y, 3)) for p, m in zip(points, view.markers)]
    markers.sort(key=lambda m: m["label"].casefold())
    legend = [dict(n, count=sum(1 for p in points if p["networks"] == [n]),
                   href=list_url("cities", None, [("network", n["slug"]), ("networks", "1"), ("coordinates", "yes")]))
              for n in nets]
    several = sum(1 for p in points if len(p["networks"]) > 1)
    return {"view": view, "markers": markers, "legend": legend, "several": several, "several_colour": SEVERAL,
            "dot": round(6 * unit, 4), "hit": round(TAP_PX / 2 * vw / TAP_WIDTH, 4), "font": round(14 * unit, 4),
            "halo": round(3 * unit, 4), "located": len(located), "total": len(places),
            "missing_href": list_url("cities", None, [("coordinates", "no")]),
            "several_href": list_url("cities", None, [("coordinates", "yes")] + [
                ("networks", str(k)) for k in sorted({len(p["networks"]) for p in points if len(p["networks"]) > 1})])}


@bp.get("/pictures/map")
def map_page():
    """The map of all located cities coloured by network, with its points as a table."""
    loader = Loader(i18n.choose_language())
    return _page("pictures/map.html", "/pictures/map", m=city_map(loader))
