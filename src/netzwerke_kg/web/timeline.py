"""The timeline of a network or city: foundings, designations, memberships, twinnings, conferences."""

from __future__ import annotations

from netzwerke_kg.queries import Labeller
from netzwerke_kg.web import i18n, iris

ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"

#: what a date property means on the timeline (UI strings, German in i18n)
_DATE_WORDS = {
    f"{SCHEMA}startDate": "",
    f"{SCHEMA}foundingDate": "founded",
    f"{SCHEMA}endDate": "ends",
    f"{SCHEMA}dissolutionDate": "dissolved",
}
#: a short word for the kind of a dated thing, by its type (an ontology term by its local name)
_KIND_WORDS = {
    f"{ORG}Membership": "membership",
    "Founding": "founding",
    "Designation": "designation",
    "Twinning": "twinning",
    "Participation": "participation",
    f"{SCHEMA}Event": "event",
    f"{SCHEMA}EventSeries": "event series",
}


def _kind_word(type_iri, lang: str) -> str | None:
    """A short word for the kind of event (membership, founding …)."""
    if type_iri is None:
        return None
    text = str(type_iri)
    for key, word in _KIND_WORDS.items():
        if text == key or text.endswith("#" + key):
            return i18n.translate(word, lang)
    return None


def entries(rows: list[dict], subject: str, labeller: Labeller, lang: str) -> list[dict]:
    """Timeline entries (date, datetime attribute, text, link, kind) from queries.timeline rows."""
    # an event that starts and ends in the same year is one entry with a date range
    ends = {}
    for r in rows:
        if str(r["dp"]) == f"{SCHEMA}endDate":
            ends[r["e"]] = str(r["date"])
    starts = {r["e"]: str(r["date"]) for r in rows if str(r["dp"]) == f"{SCHEMA}startDate"}
    merged = {e for e, end in ends.items() if e in starts and starts[e][:4] == end[:4]}
    # a founding is one entry per date: the network's foundingDate and its nkg:Founding event
    # say the same; the event (typed, not the page itself) is kept
    best_founding: dict = {}
    for r in rows:
        if _point_kind(r.get("type"), str(r["dp"])) == "founding":
            rank = (str(r["e"]) == subject, r.get("type") is None)
            date = str(r["date"])
            if date not in best_founding or rank < best_founding[date][0]:
                best_founding[date] = (rank, r)
    kept = {id(r) for _, r in best_founding.values()}
    out = []
    for r in rows:
        event = r["e"]
        date = str(r["date"])
        if event in merged and str(r["dp"]) == f"{SCHEMA}endDate":
            continue
        if _point_kind(r.get("type"), str(r["dp"])) == "founding" and id(r) not in kept:
            continue
        until = ends[event] if event in merged and ends[event] != date else None
        if r.get("type") is not None and str(r["type"]) == f"{ORG}Membership":
            # name the other side of the membership: the member on a network page, the network elsewhere
            other = r.get("member") if str(r.get("organization")) == subject else r.get("organization")
            text = labeller.label(other) if other is not None else labeller.label(event)
            link_iri = other if other is not None else event
        else:
            text = labeller.label(event)
            link_iri = event
        word = i18n.translate(_DATE_WORDS.get(str(r["dp"]), ""), lang)
        out.append({
            "date": i18n.format_date(date, lang),
            "iso": date,
            "until": until,
            "until_text": i18n.format_date(until, lang) if until else None,
            "datetime": date if len(date) in (4, 7, 10) else None,
            "text": text,
            "qualifier": word,
            "kind": _kind_word(r.get("type"), lang),
            "href": iris.page_url(link_iri),
            "css_class": iris.css_class(link_iri),
        })
    return out


# --- the drawn timeline: an SVG built from the same rows, rendered by _partials/timeline_chart.html ---

#: at most this many membership bars are drawn; the rest are named in the list below the chart
MAX_BARS = 25
#: the chart's coordinate system (viewBox units; CSS scales it to the column width)
WIDTH, LEFT, RIGHT = 800, 200, 24
LEGEND_ROW_H, AXIS_H, ROW_H, BAR_H, MARK_ROW_H = 20, 28, 16, 10, 14
#: the most characters of a label drawn beside a bar (the whole label is in the tooltip)
LABEL_CHARS = 28
_NKG_SUFFIX = "/ontology#"
#: point lanes, top to bottom, and the shape of their marks
_POINT_KINDS = ("founding", "designation", "twinning", "event", "other")
_SHAPES = {"founding": "diamond", "designation": "triangle", "twinning": "circle", "event": "square",
           "other": "dot"}
_CHART_WORDS = {
    "founding": "Foundings",
    "designation": "Designations",
    "twinning": "Twinnings",
    "event": "Conferences & events",
    "other": "Other dates",
    "membership": "Memberships",
    "ongoing": "ongoing / no end date",
    "no_start": "start unknown",
    "title": "Timeline",
    "more": "+{n} more memberships in the list below.",
    "undated": "{n} memberships without a date are not drawn (see the table above).",
    "undated_one": "One membership without a date is not drawn (see the table above).",
    "desc": "{bars} memberships drawn as bars from {lo} to {hi}; {points} dated events as marks. "
            "The list below gives every entry as text.",
}


def _say(key: str, lang: str) -> str:
    """One of the chart's words (_CHART_WORDS) in the page language."""
    return i18n.translate(_CHART_WORDS[key], lang)


def _point_kind(type_iri, dp: str) -> str:
    """The lane of a dated thing that is not a membership."""
    text = str(type_iri) if type_iri is not None else ""
    if dp in (f"{SCHEMA}foundingDate", f"{SCHEMA}dissolutionDate") or \
            text.endswith(_NKG_SUFFIX + "Founding"):
        return "founding"
    if text.endswith(_NKG_SUFFIX + "Designation"):
        return "designation"
    if text.endswith(_NKG_SUFFIX + "Twinning"):
        return "twinning"
    if text.endswith(_NKG_SUFFIX + "Participation") or \
            text in (f"{SCHEMA}Event", f"{SCHEMA}EventSeries"):
        return "event"
    return "other"


def year_value(date: str) -> float | None:
    """An xsd:date/gYearMonth/gYear lexical form as a fractional year (1991-07-01 -> 1991.49)."""
    parts = date.split("T")[0].lstrip("-").split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2][:2]) if len(parts) > 2 else 1
    except ValueError:
        return None
    return year + (month - 1) / 12 + (day - 1) / 365


def nice_ticks(lo: float, hi: float, most: int = 9) -> tuple[int, int, int]:
    """(first year, last year, step) of an axis covering [lo, hi] with at most ``most`` ticks at
    round years (steps 1, 2, 5, 10, 20, 25, 50, 100 …)."""
    first, last = int(lo), int(hi) + 1  # the last year's end is inside the axis
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        start = first - first % step
        if (last - start) / step <= most:
            return start, last, step
    return first, last, last - first


def _events(rows: list[dict]) -> dict:
    """Per dated thing: its type, member, organisation and dates keyed by date property."""
    events: dict = {}
    for r in rows:
        ev = events.setdefault(r["e"], {"type": r.get("type"), "member": r.get("member"),
                                        "organization": r.get("organization"), "dates": {}})
        ev["dates"].setdefault(str(r["dp"]), str(r["date"]))
    return events


def _truncate(text: str, most: int = LABEL_CHARS) -> str:
    """``text`` shortened to ``most`` characters with an ellipsis."""
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _span(start: str | None, end: str | None, lang: str = "en") -> str:
    """'1991 – 1995', '1991 –', '– 2022' for a tooltip, dates in the reader's form."""
    start = i18n.format_date(start, lang) if start else start
    end = i18n.format_date(end, lang) if end else end
    if start and end:
        return start if start == end else f"{start} – {end}"
    return f"{start} –" if start else f"– {end}"


def chart(rows: list[dict], subject: str, labeller: Labeller, lang: str,
          max_bars: int = MAX_BARS, memberships: int = 0) -> dict | None:
    """The drawn timeline of queries.timeline rows: a year axis fitted to the dates, one bar per
    dated membership (at most ``max_bars``; open ends run to the axis end with an arrow), point
    marks in one lane per kind (founding, designation, twinning, event, other); None if no dates.
    ``memberships`` is how many memberships the page has in all, so the undated ones can be counted.

    Every mark carries an href from iris.page_url and a tooltip; labels stay plain strings for the
    template to escape.
    """
    events = _events(rows)
    bars, points = [], []
    for e, ev in events.items():
        dates = ev["dates"]
        if ev["type"] is not None and str(ev["type"]) == f"{ORG}Membership":
            other = ev["member"] if str(ev["organization"]) == subject else ev["organization"]
            start, end = dates.get(f"{SCHEMA}startDate"), dates.get(f"{SCHEMA}endDate")
            if start is None and end is None:
                continue
            who = other if other is not None else e
            bars.append({"iri": e, "start": start, "end": end, "label": labeller.label(who),
                         "href": iris.page_url(e), "label_href": iris.page_url(who),
                         "label_class": iris.css_class(who)})
            continue
        for dp, date in dates.items():
            if dp == f"{SCHEMA}endDate" and f"{SCHEMA}startDate" in dates:
                continue  # an event's end is in its tooltip, its mark sits at the start
            kind = _point_kind(ev["type"], dp)
            end = dates.get(f"{SCHEMA}endDate") if dp == f"{SCHEMA}startDate" else None
            word = i18n.translate(_DATE_WORDS.get(dp, ""), lang) or _kind_word(ev["type"], lang)
            points.append({"iri": e, "kind": kind, "date": date, "end": end, "label": labeller.label(e),
                           "href": iris.page_url(e), "self": str(e) == subject,
                           "typed": ev["type"] is not None, "word": word})
    points = _one_founding_per_date(points)
    years = [year_value(d) for b in bars for d in (b["start"], b["end"]) if d]
    years += [year_value(p["date"]) for p in points]
    years = [y for y in years if y is not None]
    if not years:
        return None
    first, last, step = nice_ticks(min(years), max(years))
    x0, x1 = LEFT, WIDTH - RIGHT

    def x(date: str | None, default: float) -> float:
        """The x position of a date (``default`` when there is none)."""
        year = year_value(date) if date else None
        return default if year is None else round(x0 + (x1 - x0) * (year - first) / (last - first), 1)

    drawn, hidden = _capped(bars, max_bars)
    undated = memberships - len(bars)
    kinds = [k for k in _POINT_KINDS if any(p["kind"] == k for p in points)]
    legend, legend_h = _legend(kinds, bool(drawn), any(b["end"] is None for b in drawn),
                               any(b["start"] is None for b in drawn), lang)
    axis_y = legend_h + AXIS_H
    y = axis_y
    lanes = []
    for kind in kinds:
        marks = sorted((p for p in points if p["kind"] == kind), key=lambda p: (p["date"], p["label"]))
        if not marks:
            continue
        # marks closer than a mark's width go to the next sub-row, so none hides another
        row_ends: list[float] = []
        placed = []
        for p in marks:
            px = x(p["date"], x0)
            row = next((i for i, end in enumerate(row_ends) if px - end >= 11), len(row_ends))
            if row == len(row_ends):
                row_ends.append(px)
            row_ends[row] = px
            placed.append(dict(p, x=px, y=y + 10 + row * MARK_ROW_H, shape=_SHAPES[kind],
                               tooltip=f"{p['label']}: {_span(p['date'], p['end'], lang)}"
                                       + (f" ({p['word']})" if p["word"] else "")))
        height = 6 + len(row_ends) * MARK_ROW_H
        lanes.append({"kind": kind, "name": _say(kind, lang), "y": y, "label_y": y + 14,
                      "height": height, "marks": placed})
        y += height
    membership_word = i18n.translate(_KIND_WORDS[f"{ORG}Membership"], lang)
    bar_rows = []
    if drawn:
        y += 8
    for b in drawn:
        bx0 = x(b["start"], x0)
        bx1 = x(b["end"], x1)
        bar_rows.append(dict(b, y=y, label_y=y + ROW_H - 4, bar_y=y + (ROW_H - BAR_H) / 2,
                             x=bx0, width=max(round(bx1 - bx0, 1), 3.0), x_end=bx1,
                             open_start=b["start"] is None, open_end=b["end"] is None,
                             short_label=_truncate(b["label"]),
                             tooltip=f"{b['label']}: {_span(b['start'], b['end'], lang)} ({membership_word})"))
        y += ROW_H
    height = y + 8
    ticks = [{"year": t, "x": x(str(t), x0)} for t in range(first, last + 1, step)]
    return {
        "width": WIDTH, "height": round(height), "x0": x0, "x1": x1, "first": first, "last": last,
        "axis_y": axis_y, "tick_label_y": axis_y - 6, "ticks": ticks,
        "lanes": lanes, "bars": bar_rows, "hidden": max(hidden, 0), "legend": legend,
        "title": _say("title", lang),
        "desc": _say("desc", lang).format(bars=len(drawn), lo=first, hi=last,
                                                  points=sum(len(lane["marks"]) for lane in lanes)),
        "more": _say("more", lang).format(n=hidden) if hidden > 0 else None,
        "undated": (_say("undated_one" if undated == 1 else "undated", lang).format(n=undated)
                    if undated > 0 else None),
        "memberships_label": _say("membership", lang),
    }


def _bar_order(b: dict) -> tuple:
    """Bars top to bottom: unknown starts first, then by start (or end), then by label."""
    return (b["start"] is not None, b["start"] or b["end"] or "", b["label"].casefold())


def _capped(bars: list[dict], most: int) -> tuple[list[dict], int]:
    """At most ``most`` bars in drawing order, and how many were left out. Every distinct span
    (start, end) is drawn at least once before a span is repeated, so eighty members who joined in
    the founding year do not push the one who joined last out of the picture."""
    ordered = sorted(bars, key=_bar_order)
    if len(ordered) <= most:
        return ordered, 0
    seen, first_of_span, rest = set(), [], []
    for b in ordered:
        span = (b["start"], b["end"])
        (rest if span in seen else first_of_span).append(b)
        seen.add(span)
    chosen = (first_of_span + rest)[:most]
    return sorted(chosen, key=_bar_order), len(bars) - most


def _one_founding_per_date(points: list[dict]) -> list[dict]:
    """One founding mark per date: a network's foundingDate and its nkg:Founding event are the
    same founding; keep the one that is not this page's own resource, typed before untyped."""
    best: dict = {}
    out = []
    for p in points:
        if p["kind"] != "founding":
            out.append(p)
            continue
        rank = (p["self"], not p["typed"])
        if p["date"] not in best or rank < best[p["date"]][0]:
            best[p["date"]] = (rank, p)
    return out + [p for _, p in best.values()]


def _legend(kinds: list[str], has_bars: bool, open_end: bool, open_start: bool,
            lang: str) -> tuple[list[dict], float]:
    """Legend entries (shape, text, x, y) for what is drawn, left to right, wrapping into a new row
    where the chart's width ends; and the height of the legend."""
    items = [(_SHAPES[k], _say(k, lang)) for k in kinds]
    if has_bars:
        items.append(("bar", _say("membership", lang)))
    if open_end:
        items.append(("bar-open-end", _say("ongoing", lang)))
    if open_start:
        items.append(("bar-open-start", _say("no_start", lang)))
    out, cursor, row = [], 4.0, 0
    for shape, text in items:
        sample = 26 if shape.startswith("bar") else 14  # the width of the drawn sample
        # about 6.6 units per character at the legend's 11px font
        width = sample + len(text) * 6.6
        if cursor > 4.0 and cursor + width > WIDTH - 4:
            cursor, row = 4.0, row + 1
        top = row * LEGEND_ROW_H
        out.append({"shape": shape, "text": text, "x": cursor, "text_x": cursor + sample,
                    "y": top + 8, "mid": top + 13, "text_y": top + 17})
        cursor += width + 16
    return out, (row + 1) * LEGEND_ROW_H
