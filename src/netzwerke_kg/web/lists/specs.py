"""The seven lists: their columns, facets and how their rows are built from list_queries.

Rows are flat dicts: an IRI column ``x`` has its label beside it in ``x_label`` (so CSV gets IRI
and label in separate columns), a multi-valued column holds lists. Labels are picked in the
reader's language by ``Loader.label``.
"""

from __future__ import annotations

from flask import current_app

from netzwerke_kg import list_queries as lq
from netzwerke_kg.queries import pick
from netzwerke_kg.web import iris
from netzwerke_kg.web.dumps import load_manifest
from netzwerke_kg.web.lists.engine import Column, Facet, ListSpec

STATUS = ("current", "former")
KINDS = ("city", "region", "other")


class Loader:
    """The raw rows of list_queries, fetched once per release and app, plus labels in a language."""

    def __init__(self, lang: str):
        """Bind the app's backend, the served release and the reader's language."""
        self.lang = lang
        self.backend = current_app.extensions["netzwerke_kg.backend"]
        self.base = iris.mapper().base_iri
        # the app serves one release, fixed when it was built (caching.register sets RELEASE)
        self.release = current_app.config.get("RELEASE") or (load_manifest() or {}).get("release")
        self._cache = current_app.extensions.setdefault("netzwerke_kg.list_cache", {})
        self._labels = None

    def _cached(self, key: tuple, make):
        """``make()`` once per release and key (releases are immutable; a new one starts afresh)."""
        key = (self.release, *key)
        if key not in self._cache:
            if len(self._cache) > 256:  # entries of an old release go once a new one is served
                self._cache.clear()
            self._cache[key] = make()
        return self._cache[key]

    def get(self, name: str):
        """The result of ``list_queries.{name}`` for the served release."""
        return self._cached((name,), lambda: getattr(lq, name)(self.backend, self.base))

    def rows(self, spec) -> list[dict]:
        """The rows of a list in the reader's language (built once per release and language)."""
        return self._cached(("rows", spec.name, self.lang), lambda: spec.build(self))

    def label(self, iri: str | None) -> str | None:
        """The label of an IRI in the reader's language (else English, untagged, German), else its slug."""
        if iri is None:
            return None
        if self._labels is None:
            self._labels = self.get("labels")
        names = self._labels.get(str(iri))
        return (pick(names, self.lang) if names else None) or str(iri).rstrip("/").rsplit("/", 1)[-1]

    def with_labels(self, row: dict, *keys: str) -> dict:
        """``row`` with ``{key}_label`` beside each IRI (or list of IRIs) column in ``keys``."""
        out = dict(row)
        for k in keys:
            v = row.get(k)
            out[f"{k}_label"] = [self.label(i) for i in v] if isinstance(v, list) else self.label(v)
        return out


def _networks(loader: Loader) -> list[dict]:
    """Rows of /networks."""
    return [loader.with_labels(n, "network") for n in loader.get("networks")]


def _cities(loader: Loader) -> list[dict]:
    """Rows of /cities (cities and regions)."""
    return [loader.with_labels(p, "place", "country", "networks") for p in loader.get("places")]


def _countries(loader: Loader) -> list[dict]:
    """Rows of /countries."""
    return [loader.with_labels(c, "country", "networks") for c in loader.get("countries")]


def _conferences(loader: Loader) -> list[dict]:
    """Rows of /conferences."""
    return [loader.with_labels(e, "event", "series", "network", "place", "country")
            for e in loader.get("conferences")]


def _sources(loader: Loader) -> list[dict]:
    """Rows of /sources."""
    return [loader.with_labels(s, "source", "publisher") for s in loader.get("sources")]


def _memberships(loader: Loader) -> list[dict]:
    """Rows of /memberships."""
    return [loader.with_labels(m, "membership", "member", "network", "country", "roles", "sources")
            for m in loader.get("memberships")]


def _disagreements(loader: Loader) -> list[dict]:
    """Rows of /disagreements: one per claim and source."""
    return [dict(loader.with_labels(c, "topic", "about", "claim", "property", "source"),
                 id=f"{c['claim']} {c.get('source') or ''}".strip())
            for c in loader.get("disagreement_claims")]


def _count(rows: list[dict], key: str, value) -> int:
    """How many rows have ``row[key] == value``."""
    return sum(1 for r in rows if r.get(key) == value)


NETWORK = Facet("network", "Network", "network", "iri")
COUNTRY = Facet("country", "Country", "country", "iri")

SPECS: dict[str, ListSpec] = {s.name: s for s in (
    ListSpec(
        "networks", "Networks",
        "The city networks with their members now and before. Members are counted from the "
        "memberships in the graph; the stated count is what the latest source says.",
        (Column("network", "Network", "iri"), Column("founded", "Founded", "date"),
         Column("members", "Current members", "int"), Column("former_members", "Former members", "int"),
         Column("located", "Members with coordinates", "int"),
         Column("stated_members", "Stated member count", "int"), Column("stated_date", "Stated on", "date"),
         Column("url", "Web site", "url")),
        (Facet("founded", "Founding year", "founded", "year"),),
        "network", "network", _networks,
        lambda rows: {"networks": len(rows), "current_members": sum(r["members"] for r in rows),
                      "former_members": sum(r["former_members"] for r in rows)}),
    ListSpec(
        "cities", "Cities and regions",
        "Every city and region in the graph with its country and the networks it is or was a member "
        "of. Cities without coordinates are listed and counted, but cannot be drawn on a map.",
        (Column("place", "City or region", "iri"), Column("kind", "Kind"),
         Column("country", "Country", "iri"), Column("networks", "Networks", "iris", sortable=False),
         Column("network_count", "Number of networks", "int"),
         Column("lat", "Latitude", "float"), Column("long", "Longitude", "float"),
         Column("wikidata", "Wikidata", "url")),
        (Facet("network", "Network", "networks", "iri", many=True), COUNTRY,
         Facet("kind", "Kind", "kind", choices=KINDS),
         Facet("networks", "Number of networks", "network_count"),
         Facet("coordinates", "Has coordinates", "coordinates", choices=("yes", "no"))),
        "place", "place", _cities,
        lambda rows: {"places": len(rows), "with_coordinates": _count(rows, "coordinates", "yes"),
                      "without_coordinates": _count(rows, "coordinates", "no"),
                      "regions": _count(rows, "kind", "region")}),
    ListSpec(
        "countries", "Countries",
        "The countries of the cities in the graph, with how many of their cities are members.",
        (Column("country", "Country", "iri"), Column("iso", "ISO code"),
         Column("places", "Cities and regions", "int"), Column("members", "Members (ever)", "int"),
         Column("current_members", "Current members", "int"),
         Column("networks", "Networks", "iris", sortable=False)),
        (Facet("network", "Network", "networks", "iri", many=True),),
        "country", "country", _countries,
        lambda rows: {"countries": len(rows), "members": sum(r["members"] for r in rows),
                      "current_members": sum(r["current_members"] for r in rows)}),
    ListSpec(
        "conferences", "Conferences and meetings",
        "Conferences, general assemblies and colloquia of the networks, with place and date.",
        (Column("event", "Event", "iri"), Column("series", "Series", "iri"), Column("network", "Network", "iri"),
         Column("start", "Start", "date"), Column("end", "End", "date"),
         Column("place", "Place", "iri"), Column("country", "Country", "iri"),
         Column("edition", "Edition", "int")),
        (NETWORK, COUNTRY, Facet("year", "Year", "year", "year")),
        "event", "start", _conferences,
        lambda rows: {"events": len(rows), "undated": sum(1 for r in rows if not r.get("start"))}),
    ListSpec(
        "sources", "Sources",
        "The documents every fact is taken from, with their own date, the day they were read, and "
        "how many things in the graph cite them.",
        (Column("source", "Source", "iri"), Column("url", "Web address", "url"),
         Column("publisher", "Publisher", "iri"), Column("language", "Language"),
         Column("issued", "Issued", "date"), Column("retrieved", "Retrieved", "date"),
         Column("cited_by", "Cited by", "int")),
        (Facet("publisher", "Publisher", "publisher", "iri"), Facet("language", "Language", "language"),
         Facet("year", "Year issued", "year", "year")),
        "source", "source", _sources,
        lambda rows: {"sources": len(rows), "undated": sum(1 for r in rows if not r.get("issued"))}),
    ListSpec(
        "memberships", "Memberships",
        "Every membership of a city or region in a network: since when, until when, current or "
        "former, and the sources that say so. A membership is former when it has an end date.",
        (Column("membership", "Membership", "iri"), Column("member", "Member", "iri"), Column("kind", "Kind"),
         Column("network", "Network", "iri"), Column("country", "Country", "iri"),
         Column("start", "Start", "date"), Column("end", "End", "date"), Column("status", "Status"),
         Column("roles", "Roles", "iris", sortable=False), Column("sources", "Sources", "iris", sortable=False)),
        (NETWORK, COUNTRY, Facet("status", "Current or former", "status", choices=STATUS),
         Facet("since", "Member since", "since", "year"),
         Facet("source", "Source", "sources", "iri", many=True)),
        "membership", "member", _memberships,
        lambda rows: {"memberships": len(rows), "current": _count(rows, "status", "current"),
                      "former": _count(rows, "status", "former"),
                      "start_unknown": sum(1 for r in rows if not r.get("start"))}),
    ListSpec(
        "disagreements", "Disagreements",
        "Facts on which the sources disagree, grouped by topic: each claim with its value, its "
        "source and the source's own date, so the right one can be cited.",
        (Column("topic", "Topic", "iri"), Column("about", "About", "iri"), Column("claim", "Claim", "iri"),
         Column("property", "Property", "iri"), Column("value", "Value"), Column("approximate", "Approximate", "bool"),
         Column("date", "Date of the claim", "date"), Column("source", "Source", "iri"),
         Column("source_date", "Date of the source", "date"), Column("source_date_kind", "Source date is"),
         Column("source_url", "Web address", "url")),
        (Facet("about", "About", "about", "iri"), Facet("source", "Source", "source", "iri"),
         Facet("topic", "Topic", "topic", "iri")),
        "id", "topic", _disagreements,
        lambda rows: {"claims": len({r["claim"] for r in rows}), "rows": len(rows),
                      "topics": len({r["topic"] for r in rows})},
        template="lists/disagreements.html", page_size=200),
)}

