"""``netzwerke-kg query``: one query from the shell against the embedded store or a remote endpoint."""

from __future__ import annotations

import sys

from netzwerke_kg import formats
from netzwerke_kg.backends.base import BackendError, BackendUnavailableError, QueryTimeoutError
from netzwerke_kg.config import Settings
from netzwerke_kg.formats import FormatError

#: --format names -> media types, from the registry (``table`` is ours: aligned columns)
SHELL_FORMATS = {f.key: f.media_type for f in formats.by_kind("results", "graph", "dataset")}

EXIT_OK, EXIT_QUERY, EXIT_INPUT, EXIT_BACKEND = 0, 1, 2, 3


def read_query(arg: str) -> str:
    """The query text: the argument itself, ``@FILE``, or ``-`` for standard input."""
    if arg == "-":
        return sys.stdin.read()
    if arg.startswith("@"):
        with open(arg[1:], encoding="utf-8") as fh:
            return fh.read()
    return arg


def run_query(settings: Settings, sparql: str, fmt: str, timeout: float | None = None, out=None) -> int:
    """Run one query and print its answer; 0 ok, 1 bad query, 2 unreadable input, 3 backend down or timeout."""
    from netzwerke_kg.backends import create_backend
    from netzwerke_kg.backends.limits import inspect_query

    out = out or sys.stdout
    try:
        text = read_query(sparql)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the query: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if settings.endpoint is None:
        code = _ensure_dist(settings)
        if code:
            return code
    info = inspect_query(text)
    try:
        backend = create_backend(settings.with_(query_workers=1))
    except BackendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BACKEND
    try:
        media = _media_type(fmt, info.is_graph)
        result = backend.query(text, media, timeout=timeout)
        if fmt == "table" and not info.is_graph:
            out.write(format_table(result.body, settings.base_iri))
        else:
            out.write(result.body.decode("utf-8"))
            if not result.body.endswith(b"\n"):
                out.write("\n")
        if result.truncated:
            print(f"warning: result truncated at {settings.max_rows} rows (NETZWERKE_KG_MAX_ROWS raises the cap)",
                  file=sys.stderr)
        return EXIT_OK
    except FormatError as exc:
        print(f"error: --format {fmt}: {exc.message}", file=sys.stderr)
        return EXIT_QUERY
    except (BackendUnavailableError, QueryTimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BACKEND
    except BackendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_QUERY
    finally:
        backend.close()


def _media_type(fmt: str, graph: bool) -> str:
    """The media type ``--format`` names for this kind of answer: the registry's choice, as on
    /sparql (``json``/``xml`` mean JSON-LD/RDF-XML for a graph); ``table`` prints SPARQL JSON
    as columns, or Turtle for a graph."""
    if fmt == "table":
        return "text/turtle" if graph else "application/sparql-results+json"
    return formats.choose("graph" if graph else "results", {"format": [fmt]}, None).media_type


def _ensure_dist(settings: Settings) -> int:
    """Build dist/ when missing or stale; an exit code when that fails, else 0."""
    from netzwerke_kg.kg.build import BuildRefused, ensure_built
    from netzwerke_kg.kg.sources import SourceError

    try:
        ensure_built(settings.root, settings.dist_dir)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BuildRefused:
        print("error: the sources violate the shapes; run `netzwerke-kg validate`", file=sys.stderr)
        return EXIT_QUERY
    return 0


def format_table(body: bytes, base_iri: str) -> str:
    """SPARQL JSON results as aligned columns, IRIs shortened with the dataset's prefixes."""
    import json

    from netzwerke_kg.namespaces import prefixes

    data = json.loads(body)
    if "boolean" in data:
        return ("true" if data["boolean"] else "false") + "\n"
    pmap = sorted(prefixes(base_iri).items(), key=lambda kv: -len(kv[1]))
    variables = data["head"]["vars"]

    def cell(b: dict | None) -> str:
        """One binding as compact text."""
        if b is None:
            return ""
        if b["type"] == "uri":
            for name, ns in pmap:
                if b["value"].startswith(ns) and b["value"] != ns:
                    return f"{name}:{b['value'][len(ns):]}"
            return f"<{b['value']}>"
        if b["type"] == "bnode":
            return "_:" + b["value"]
        text = b["value"].replace("\n", "\\n")
        return f"{text}@{b['xml:lang']}" if "xml:lang" in b else text

    rows = [[cell(r.get(v)) for v in variables] for r in data["results"]["bindings"]]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
