"""The query editor's data: the example-query gallery (examples/NN-slug.rq) and ``editor_context``.

Each example is one SPARQL file whose leading comment lines carry its metadata::

    # title@en: Members of the Union of the Baltic Cities
    # title@de: Mitglieder der Union of the Baltic Cities
    # description@en: …
    # description@de: …
    PREFIX …
    SELECT …

The files are written against the canonical base IRI (namespaces.DEFAULT_BASE_IRI); when the app
publishes under another base, their IRIs are rewritten to it so every example keeps working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from netzwerke_kg.namespaces import DEFAULT_BASE_IRI, prefix_block, prefixes
from netzwerke_kg.web.i18n import translate

EXAMPLES_DIR = Path(__file__).with_name("examples")
LANGS = ("en", "de")

#: ``# key@lang: value`` header lines; the header ends at the first line that is not a comment.
_HEADER = re.compile(r"^#\s*(title|description)@([a-z]{2})\s*:\s*(.*?)\s*$")
_FILENAME = re.compile(r"^(\d{2})-([a-z0-9-]+)\.rq$")

#: Result formats the editor offers, by query form (SPARQL 1.1 Protocol §2.1: the result formats
#: of SPARQL 1.1 Query Results JSON/XML/CSV-TSV for SELECT/ASK, RDF syntaxes for CONSTRUCT/DESCRIBE).
#: key -> (label, media type); keys are the ``format=`` aliases the endpoint accepts.
RESULT_FORMATS = {
    "json": ("SPARQL Results JSON", "application/sparql-results+json"),
    "xml": ("SPARQL Results XML", "application/sparql-results+xml"),
    "csv": ("CSV", "text/csv"),
    "tsv": ("TSV", "text/tab-separated-values"),
}
GRAPH_FORMATS = {
    "ttl": ("Turtle", "text/turtle"),
    "nt": ("N-Triples", "application/n-triples"),
    "jsonld": ("JSON-LD", "application/ld+json"),
    "rdf": ("RDF/XML", "application/rdf+xml"),
    "trig": ("TriG", "application/trig"),
    "nq": ("N-Quads", "application/n-quads"),
}

#: The editor script's UI strings: key -> English phrase, handed to the script in the page
#: language (web/i18n.py translates them like every other string of the site).
SCRIPT_STRINGS = {
    "cite": "Cite this result",
    "running": "Running…",
    "rows": "rows",
    "row": "row",
    "graph": "graph",
    "triples": "triples",
    "ms": "ms",
    "yes": "true",
    "no": "false",
    "error": "The query failed",
    "truncated": "The result was cut at the row limit.",
    "empty": "No results.",
    "network": "The endpoint could not be reached.",
    "loaded": "Example loaded:",
    "prefixes_show": "▸ {n} PREFIX lines (folded)",
    "prefixes_hide": "▾ Fold the PREFIX lines",
    "syntax_at": "Syntax error in line {line}, column {column}",
    "server_says": "The endpoint's message:",
    "table": "Result table",
    "views": "View",
    "view_table": "Table",
    "view_chart": "Chart",
    "view_map": "Map",
    "map_note": "{n} places with coordinates; each point links to its page.",
}

#: The form a query takes when no example is chosen: the four networks, in the page language.
DEFAULT_BODY = """SELECT ?network ?label ?founded WHERE {
  ?network a nkg:CityNetwork ;
           rdfs:label ?label .
  OPTIONAL { ?network schema:foundingDate ?founded }
  FILTER(lang(?label) = "en")
}
ORDER BY ?founded
"""


@dataclass(frozen=True)
class Example:
    """One example query of the gallery."""

    id: str  # the file stem, e.g. "01-network-members"
    number: int
    title: dict[str, str] = field(default_factory=dict)  # lang -> title
    description: dict[str, str] = field(default_factory=dict)  # lang -> description
    query: str = ""  # the SPARQL text without the metadata header

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, else English."""
        return self.title.get(lang) or self.title.get("en", self.id)

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, else English."""
        return self.description.get(lang) or self.description.get("en", "")

    def to_json(self) -> dict:
        """A JSON-ready dict for the editor's script."""
        return {
            "id": self.id,
            "title": dict(self.title),
            "description": dict(self.description),
            "query": self.query,
        }


class ExampleFormatError(ValueError):
    """An example file is misnamed or lacks its header (a packaging bug, caught by the tests)."""


def parse_example(path: Path) -> Example:
    """Read one ``NN-slug.rq`` file into an Example."""
    match = _FILENAME.match(path.name)
    if match is None:
        raise ExampleFormatError(f"{path.name}: example files are named NN-slug.rq")
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    body_start = 0
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            body_start = i
            break
        header = _HEADER.match(line)
        if header is not None:
            key, lang, value = header.groups()
            (titles if key == "title" else descriptions)[lang] = value
    else:
        body_start = len(lines)
    query = "\n".join(lines[body_start:]).strip() + "\n"
    if "en" not in titles:
        raise ExampleFormatError(f"{path.name}: missing '# title@en:' header")
    return Example(
        id=path.stem,
        number=int(match.group(1)),
        title=titles,
        description=descriptions,
        query=query,
    )


@lru_cache(maxsize=8)
def load_examples(base_iri: str = DEFAULT_BASE_IRI, directory: Path = EXAMPLES_DIR) -> tuple[Example, ...]:
    """Every example in ``directory``, in file order, rebased onto ``base_iri``."""
    examples = []
    for path in sorted(directory.glob("*.rq")):
        example = parse_example(path)
        if base_iri != DEFAULT_BASE_IRI:
            example = replace(example, query=example.query.replace(DEFAULT_BASE_IRI, base_iri))
        examples.append(example)
    return tuple(examples)


def default_query(base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The query the editor opens with: every dataset prefix, then the four networks."""
    return prefix_block(base_iri) + "\n" + DEFAULT_BODY


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside comments, IRIs, strings."""
    # Strip comments, IRIs and strings so a keyword inside them does not count.
    text = re.sub(r"#[^\n]*", " ", query)
    text = re.sub(r"<[^<>\s]*>", " ", text)
    text = re.sub(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", " ", text)
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", text, re.IGNORECASE)
    return match.group(1).upper() if match else "SELECT"


def _endpoint_url() -> str:
    """The URL of the SPARQL endpoint route, respecting the script root; '/sparql' before it exists."""
    from flask import request, url_for
    from werkzeug.routing import BuildError

    try:
        return url_for("sparql.endpoint")
    except BuildError:
        return request.script_root + "/sparql"


def _iri_mapping(base_iri: str) -> list[list[str]]:
    """``[iri_prefix, url_prefix]`` pairs that turn dataset IRIs into local URLs in the browser.

    The browser cannot ask web/iris.py per IRI, so we ask it once for each IRI space under the base
    (instances under ``id/``, ontology terms under ``ontology``) and hand the prefixes to the script.
    Instance IRIs map onto ``/id/…``, which answers 303 to the page (Cool URIs, section 4.3).
    """
    from netzwerke_kg.web.iris import url_for_iri

    probe = "probe"
    pairs = []
    for space in ("id/", "ontology"):
        url = url_for_iri(base_iri + space + probe)
        if url.endswith(space + probe) and url != base_iri + space + probe:
            pairs.append([base_iri + space, url[: -len(probe)]])
    return pairs


def url_for_static(filename: str) -> str:
    """The URL of one of our static files (respecting the script root)."""
    from flask import url_for

    return url_for("static", filename=filename)


def _route_url(endpoint: str) -> str | None:
    """The URL of a route of the app, or None when the app has no such route."""
    from flask import url_for
    from werkzeug.routing import BuildError

    try:
        return url_for(endpoint)
    except BuildError:
        return None


def _completions_url() -> str | None:
    """The URL of the completion list (web/browse.py), or None when the app has no such route."""
    return _route_url("browse.completions")


def _formats(table: dict) -> list[dict]:
    """A format table as a list of ``{key, label, media_type}`` dicts."""
    return [{"key": k, "label": label, "media_type": mt} for k, (label, mt) in table.items()]


def editor_context(query: str | None, fmt: str | None) -> dict:
    """The template context of ``sparql/editor.html`` for the current app and request."""
    from flask import current_app

    settings = current_app.config.get("SETTINGS")
    base_iri = getattr(settings, "base_iri", DEFAULT_BASE_IRI)
    examples = load_examples(base_iri)
    initial = query if query and query.strip() else default_query(base_iri)
    form = query_form(initial)
    offered = RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS
    all_keys = set(RESULT_FORMATS) | set(GRAPH_FORMATS)
    chosen = fmt if fmt in all_keys else next(iter(offered))
    endpoint = _endpoint_url()
    data = {
        "endpoint": endpoint,
        "base_iri": base_iri,
        "iri_mapping": _iri_mapping(base_iri),
        "prefixes": prefixes(base_iri),
        "examples": [e.to_json() for e in examples],
        "query": initial,
        "query_from_url": bool(query and query.strip()),
        "format": chosen,
        "formats": {
            "results": _formats(RESULT_FORMATS),
            "graph": _formats(GRAPH_FORMATS),
        },
        "strings": {key: translate(text) for key, text in SCRIPT_STRINGS.items()},
        # country outlines for the result map (served by us: no CDN, no tile server)
        "atlas": url_for_static("vendor/world-atlas/countries-110m.json"),
        # autocompletion: the release's own IRIs and labels, fetched when the editor first needs them
        "completions": _completions_url(),
        # "cite this result": a permalink pinning query, release, format and the answer's hash (#13)
        "cite": _route_url("releases.cite"),
    }
    return {
        "editor": data,
        "examples": examples,
        "query": initial,
        "format": chosen,
        "endpoint": endpoint,
        "base_iri": base_iri,
        "prefixes": data["prefixes"],
        "result_formats": data["formats"]["results"],
        "graph_formats": data["formats"]["graph"],
        "query_form": form,
    }
