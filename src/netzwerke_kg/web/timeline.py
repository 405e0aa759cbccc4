"""The timeline of a network or city: foundings, designations, memberships, twinnings, conferences."""

from __future__ import annotations

from netzwerke_kg.queries import Labeller
from netzwerke_kg.web import iris

ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"

#: what a date property means on the timeline, per language
_DATE_WORDS = {
    f"{SCHEMA}startDate": {"en": "", "de": ""},
    f"{SCHEMA}foundingDate": {"en": "founded", "de": "gegründet"},
    f"{SCHEMA}endDate": {"en": "ends", "de": "endet"},
    f"{SCHEMA}dissolutionDate": {"en": "dissolved", "de": "aufgelöst"},
}
_KIND_WORDS = {
    f"{ORG}Membership": {"en": "membership", "de": "Mitgliedschaft"},
    "Founding": {"en": "founding", "de": "Gründung"},
    "Designation": {"en": "designation", "de": "Ernennung"},
    "Twinning": {"en": "twinning", "de": "Städtepartnerschaft"},
    "Participation": {"en": "participation", "de": "Teilnahme"},
    f"{SCHEMA}Event": {"en": "event", "de": "Veranstaltung"},
    f"{SCHEMA}EventSeries": {"en": "event series", "de": "Veranstaltungsreihe"},
}


def _kind_word(type_iri, lang: str) -> str | None:
    """A short word for the kind of event (membership, founding …)."""
    if type_iri is None:
        return None
    text = str(type_iri)
    for key, words in _KIND_WORDS.items():
        if text == key or text.endswith("#" + key):
            return words[lang]
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
    out = []
    for r in rows:
        event = r["e"]
        date = str(r["date"])
        if event in merged and str(r["dp"]) == f"{SCHEMA}endDate":
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
        word = _DATE_WORDS.get(str(r["dp"]), {}).get(lang, "")
        out.append({
            "date": date,
            "until": until,
            "datetime": date if len(date) in (4, 7, 10) else None,
            "text": text,
            "qualifier": word,
            "kind": _kind_word(r.get("type"), lang),
            "href": iris.page_url(link_iri),
            "css_class": _css_class(link_iri),
        })
    return out


def _css_class(iri) -> str:
    """``network-link`` / ``city-link`` for links to networks and cities (stable test hooks)."""
    ks = iris.mapper().kind_slug(str(iri))
    if ks and ks[0] in ("network", "city"):
        return f"{ks[0]}-link"
    return ""
