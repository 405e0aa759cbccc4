"""Filters, facets, sorting and keyset pagination over the rows of one list; no Flask in here.

The habits are Datasette's (https://docs.datasette.io/en/stable/json_api.html): a page carries an
opaque ``next`` token naming the last row it showed (its sort value and id), not an offset, so a
"next" link stays valid and visits every row once; facet counts are taken over the filtered rows,
so each count is exactly the number of rows its link shows.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Callable


class BadParameter(ValueError):
    """A request parameter that cannot be used; the message names it (HTTP 400)."""

    def __init__(self, name: str, message: str):
        """Remember which parameter was wrong and why."""
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass(frozen=True)
class Column:
    """One column: its row key, English header (translated by i18n), and how its values look.

    kinds: ``iri`` (one IRI, with a ``{key}_label`` column), ``iris`` (several), ``text``, ``int``,
    ``date``, ``url``, ``bool``, ``float``.
    """

    key: str
    header: str
    kind: str = "text"
    sortable: bool = True


@dataclass(frozen=True)
class Facet:
    """A facet: the URL parameter, its English heading and the row key its values come from.

    ``many`` marks a multi-valued column (a city's networks): repeated values narrow (AND), as in
    faceted search; on a single-valued column they widen (OR), the only useful reading there.
    """

    param: str
    header: str
    column: str
    kind: str = "text"  # iri | text | year
    many: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListSpec:
    """Everything that makes one list: its columns, facets, default sort and row builder."""

    name: str
    title: str
    intro: str
    columns: tuple[Column, ...]
    facets: tuple[Facet, ...]
    id_key: str
    default_sort: str
    build: Callable = field(repr=False, compare=False, default=None)  # (loader, lang) -> rows
    totals: Callable = field(repr=False, compare=False, default=None)  # rows -> {name: int}
    template: str = "lists/list.html"
    page_size: int = 50  # rows per HTML/JSON page unless ?size= says otherwise

    def column(self, key: str) -> Column | None:
        """The column with this key, if any."""
        return next((c for c in self.columns if c.key == key), None)


@dataclass
class Selection:
    """What the request asked for: filters per facet, sort, page size and the next token."""

    filters: dict[str, list[str]]
    sort: str
    size: int | None
    after: tuple | None = None


@dataclass
class Page:
    """One page of a list: its rows, the filtered count, facets, totals and the next token."""

    rows: list[dict]
    count: int
    facets: dict[str, list[dict]]
    totals: dict[str, int]
    next: str | None


#: a filter value naming an IRI: its slug, or the IRI itself (the OpenAPI document publishes both)
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._/-]{0,199}$"
IRI_PATTERN = r"^https?://[^\s<>\"{}|\\^`]{1,480}$"
YEAR_PATTERN = r"^-?[0-9]{4}$"
_SLUG = re.compile(SLUG_PATTERN)
_IRI = re.compile(IRI_PATTERN)
#: the most rows one page may ask for
MAX_SIZE = 1000
DEFAULT_SIZE = 50


def token(value) -> str:
    """The URL form of a facet value: an IRI's last path segments after ``/id/{kind}/``, else as is."""
    text = str(value)
    m = re.search(r"/id/[a-z0-9-]+/(.+)$", text)
    return m.group(1) if m else text


def parse(spec: ListSpec, args, default_size: int | None = DEFAULT_SIZE) -> Selection:
    """Read filters, ``sort``, ``size`` and ``next`` from request args (a MultiDict); BadParameter
    names the first unusable one."""
    if "lang" in args and args["lang"] not in ("en", "de"):
        raise BadParameter("lang", "must be en or de")
    filters: dict[str, list[str]] = {}
    for facet in spec.facets:
        values = [v.strip() for v in args.getlist(facet.param)]
        for v in values:
            _check_value(facet, v)
        if values:
            filters[facet.param] = [token(v) for v in dict.fromkeys(values)]
    sort = args.get("sort", spec.default_sort)
    column = spec.column(sort.lstrip("-"))
    if column is None or not column.sortable:
        raise BadParameter("sort", f"not a sortable column of {spec.name}: {sort[:60]!r}; use one of "
                           + ", ".join(c.key for c in spec.columns if c.sortable) + " (prefix - to reverse)")
    size = default_size
    if "size" in args:
        try:
            size = int(args["size"])
        except ValueError:
            raise BadParameter("size", "not a whole number") from None
        if not 1 <= size <= MAX_SIZE:
            raise BadParameter("size", f"must be between 1 and {MAX_SIZE}")
    after = None
    if "next" in args:
        after = _decode(args["next"], sort)
        if size is None:
            size = DEFAULT_SIZE
    return Selection(filters, sort, size, after)


def _check_value(facet: Facet, value: str) -> None:
    """Refuse a filter value that cannot name anything in this facet."""
    if facet.choices and value not in facet.choices:
        raise BadParameter(facet.param, f"{value[:60]!r} is not one of {', '.join(facet.choices)}")
    if facet.kind == "year" and not re.fullmatch(YEAR_PATTERN, value):
        raise BadParameter(facet.param, f"{value[:60]!r} is not a year (YYYY)")
    if facet.kind == "iri" and not (_SLUG.fullmatch(value) or _IRI.fullmatch(value)):
        raise BadParameter(facet.param, f"{value[:60]!r} is neither a slug nor an IRI")
    if len(value) > 500:
        raise BadParameter(facet.param, "longer than 500 characters")


def _encode(sort: str, key: tuple) -> str:
    """The opaque next token: base64url of the sort and the last row's sort key."""
    raw = json.dumps([sort, list(key)], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _decode(text: str, sort: str) -> tuple:
    """The sort key a next token names; BadParameter('next') when it is not one of ours for ``sort``."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        sort_of_token, key = json.loads(raw.decode("utf-8"))
        if sort_of_token != sort or not isinstance(key, list) or len(key) != 3:
            raise ValueError
        return (int(key[0]), _hashable(key[1]), str(key[2]))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadParameter("next", "not a token this list handed out for this sort order") from None


def _hashable(v):
    """A JSON-decoded sort value as a comparable scalar."""
    if isinstance(v, (str, int, float)) or v is None:
        return v if v is not None else ""
    raise ValueError("bad sort value")


def _sort_key(row: dict, column: Column, id_key: str) -> tuple:
    """(missing?, value, id): missing values last, labels case-insensitively, ties by id."""
    value = row.get(f"{column.key}_label") if column.kind == "iri" else row.get(column.key)
    if value is None or value == "":
        return (1, "", str(row[id_key]))
    if column.kind in ("int", "float"):
        return (0, value, str(row[id_key]))
    return (0, str(value).casefold(), str(row[id_key]))


def _values(row: dict, facet: Facet) -> list[str]:
    """The facet tokens of a row (several for a multi-valued column)."""
    v = row.get(facet.column)
    if v is None or v == "":
        return []
    items = v if isinstance(v, list) else [v]
    return [token(i) for i in items if i is not None and i != ""]


def matches(row: dict, facet: Facet, wanted: list[str]) -> bool:
    """True when the row passes one facet's filter (AND over values for ``many``, else OR)."""
    have = set(_values(row, facet))
    return all(w in have for w in wanted) if facet.many else any(w in have for w in wanted)


def select(spec: ListSpec, rows: list[dict], sel: Selection) -> Page:
    """Filter, count facets over the filtered rows, sort, and cut one page after ``sel.after``."""
    by_param = {f.param: f for f in spec.facets}
    kept = [r for r in rows if all(matches(r, by_param[p], vs) for p, vs in sel.filters.items())]
    facets = {f.param: facet_counts(f, kept, sel.filters.get(f.param, [])) for f in spec.facets}
    column = spec.column(sel.sort.lstrip("-"))
    desc = sel.sort.startswith("-")
    keyed = sorted(((_sort_key(r, column, spec.id_key), r) for r in kept), key=lambda kr: kr[0], reverse=desc)
    if sel.after is not None:
        after = sel.after
        keyed = [(k, r) for k, r in keyed if (k < after if desc else k > after)]
    page = keyed if sel.size is None else keyed[: sel.size]
    more = sel.size is not None and len(keyed) > sel.size
    nxt = _encode(sel.sort, page[-1][0]) if more and page else None
    totals = spec.totals(kept) if spec.totals else {}
    return Page([r for _, r in page], len(kept), facets, totals, nxt)


def facet_counts(facet: Facet, rows: list[dict], selected: list[str]) -> list[dict]:
    """``[{value, label, count, selected}]`` over ``rows``, largest first, then by label."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for r in rows:
        values = _values(r, facet)
        labels = r.get(f"{facet.column}_label")
        label_list = labels if isinstance(labels, list) else [labels] * len(values)
        for v, label in zip(values, label_list):
            counts[v] = counts.get(v, 0) + 1
            names.setdefault(v, label if label else v)
    out = [{"value": v, "label": names[v], "count": n, "selected": v in selected} for v, n in counts.items()]
    for v in selected:  # a selected value with no rows left still shows, so it can be removed
        if v not in counts:
            out.append({"value": v, "label": v, "count": 0, "selected": True})
    out.sort(key=lambda f: (-f["count"], str(f["label"]).casefold(), f["value"]))
    return out
