"""The build: validate the sources, then write dist/ (dumps, VoID/DCAT, checksums, manifest) atomically.

Atomic: every build is an immutable release directory ``dist/releases/<id>/``, written in full
into a temporary directory beside it and renamed into place; only then does the ``dist/current``
symlink switch to it, in one rename (kg.release). A failure or an interrupt (KeyboardInterrupt
included) before the switch leaves the current release byte-for-byte as it was and removes the
temporary directory.

Deterministic: two builds of the same sources are byte-identical. Blank nodes become skolem IRIs
(RDF 1.1 Concepts §3.5, ``{base}.well-known/genid/…``) named by a hash of their content and their
file (kg.skolem), every serialiser sorts (kg.dumps), gzip headers carry no name and mtime 0, and
the ``issued`` timestamp never comes from the clock — see ``issued_time``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, XSD

from netzwerke_kg import __version__
from netzwerke_kg.kg import csvw, dumps, release, rocrate
from netzwerke_kg.kg.skolem import from_ox, skolemised
from netzwerke_kg.kg.sources import SourceError, SourceSet, discover, load_sources
from netzwerke_kg.kg.void import DumpFile, describe, void_prefixes
from netzwerke_kg.namespaces import DEFAULT_BASE_IRI, NKG, graph_iri, prefixes

NAME = "netzwerke-kg"
TITLE = "Knowledge graph of Rostock's international city networks"

#: (file, format, media type, dataset|merged) of every dump, in manifest order
DUMPS = (
    (f"{NAME}.trig", "trig", "application/trig", "dataset"),
    (f"{NAME}.nq", "nquads", "application/n-quads", "dataset"),
    (f"{NAME}.ttl", "turtle", "text/turtle", "merged"),
    (f"{NAME}.nt", "ntriples", "application/n-triples", "merged"),
    (f"{NAME}.jsonld", "jsonld", "application/ld+json", "merged"),
    (f"{NAME}.rdf", "rdfxml", "application/rdf+xml", "merged"),
)


class InvalidBaseIRI(ValueError):
    """A --base-iri that cannot prefix the published IRIs."""


#: an absolute IRI ending in "/" or "#", without characters RFC 3987 forbids (spaces, <>"{}|^`\\)
_BASE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|^`\\]+[/#]")


def check_base_iri(base: str) -> str:
    """``base`` if it can serve as the base IRI, else InvalidBaseIRI saying why."""
    if not _BASE_IRI.fullmatch(base):
        raise InvalidBaseIRI(f"not a usable base IRI (absolute, ending in '/' or '#'): {base!r}")
    return base


class BuildRefused(Exception):
    """The sources violate the shapes; ``report`` says where."""

    def __init__(self, report):
        """Keep the report for the caller to print."""
        super().__init__(f"build refused: {len(report.violations)} SHACL violation(s)")
        self.report = report


@dataclass
class BuildResult:
    """What a build wrote: the directory, its manifest (as a dict) and the validation report."""

    out: Path
    manifest: dict
    report: object = None
    issued_from: str = ""

    def summary(self) -> str:
        """A few human lines about the build."""
        m = self.manifest
        lines = [f"built {self.out}: {m['triples']} triples (ontology+data), {m['quads']} quads "
                 f"in {len(m['graphs'])} named graphs",
                 f"version {m['version']}, issued {m['issued']}"
                 + (f" (from {self.issued_from})" if self.issued_from else "") + f", base {m['base_iri']}",
                 f"validation: {m['violations']} violations, {m['warnings']} warnings",
                 f"release {m['release']}"]
        for f in m["files"]:
            gz = f" (.gz {f['gzip']['bytes']} bytes)" if f.get("gzip") else ""
            lines.append(f"  {f['path']:<22} {f['bytes']:>9} bytes{gz}")
        return "\n".join(lines)


# --- the graph as published ----------------------------------------------------------------------


def rebase(term, base: str):
    """``term`` with the canonical base IRI replaced by ``base`` (IRIs and datatype IRIs)."""
    if base == DEFAULT_BASE_IRI:
        return term
    if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE_IRI):
        return URIRef(base + str(term)[len(DEFAULT_BASE_IRI):])
    if isinstance(term, Literal):
        dt = term.datatype
        if dt is not None and str(dt).startswith(DEFAULT_BASE_IRI):
            return Literal(str(term), datatype=rebase(dt, base), normalize=False)
        if dt == XSD.anyURI and str(term).startswith(DEFAULT_BASE_IRI):
            return Literal(base + str(term)[len(DEFAULT_BASE_IRI):], datatype=XSD.anyURI, normalize=False)
    return term


def read_exact(sources: SourceSet, f) -> Graph:
    """One source file's triples with their literals exactly as written.

    rdflib normalises some literals while parsing (``"054"^^xsd:integer`` becomes ``"54"``,
    ``"2020-01-01Z"^^xsd:date`` loses its zone), so the published triples are read by pyoxigraph,
    which keeps every lexical form, from the same bytes and with the same base IRI kg.sources used.
    pyoxigraph lower-cases language tags (allowed by RDF 1.1 Concepts §3.3), so their spelling
    (``sr-Cyrl``) is taken back from rdflib's reading of the same file.
    """
    base_iri = f.on_disk(sources.root).resolve().as_uri()
    spelled = {(str(o), o.language.lower()): o.language
               for o in sources.dataset.graph(f.graph_iri()).objects() if isinstance(o, Literal) and o.language}
    g = Graph(bind_namespaces="none")
    for q in ox.parse(sources.raw[f], format=ox.RdfFormat.TURTLE, base_iri=base_iri):
        o = from_ox(q.object)
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=spelled.get((str(o), o.language.lower()), o.language))
        g.add((from_ox(q.subject), from_ox(q.predicate), o))
    return g


def published_graphs(sources: SourceSet, base: str) -> dict[str, set]:
    """Named graph IRI (under ``base``) → its triples, skolemised and rebased."""
    graphs: dict[str, set] = {}
    for f in sources.files:
        triples = skolemised(read_exact(sources, f), f.name)
        graphs[graph_iri(f.name, base)] = {(rebase(s, base), rebase(p, base), rebase(o, base))
                                           for s, p, o in triples}
    return graphs


def published_prefixes(sources: SourceSet, base: str) -> dict[str, str]:
    """The project prefix map under ``base`` plus the sources' own prefixes (ours win)."""
    out = prefixes(base)
    taken = set(out.values())
    for prefix, ns in sorted(sources.dataset.namespaces()):
        ns = str(rebase(URIRef(ns), base))
        if prefix and prefix not in out and ns not in taken:
            out[prefix] = ns
            taken.add(ns)
    return out


# --- reproducible metadata -----------------------------------------------------------------------


def issued_time(root: Path, sources: SourceSet) -> tuple[str, str]:
    """The ``issued`` timestamp (ISO 8601 UTC) and where it came from — never the clock.

    In order: ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) when set; else, in a git checkout
    whose source files are all committed unchanged, the newest commit time touching them; else the
    newest retrieval/publication date stated in the sources (``nkg:retrievedOn``,
    ``dcterms:issued``, ``dcterms:modified``) at 00:00 UTC; else the Unix epoch.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return _iso(int(epoch)), "SOURCE_DATE_EPOCH"
        except ValueError:
            pass
    stamp = _git_time(root, [root / f.path for f in sources.files])
    if stamp is not None:
        return _iso(stamp), "git"
    dates = []
    everything = sources.graph()
    for p in (NKG.retrievedOn, DCTERMS.issued, DCTERMS.modified):
        for o in everything.objects(None, p):
            if isinstance(o, Literal) and o.datatype in (XSD.date, XSD.dateTime):
                dates.append(str(o)[:10])
    if dates:
        day = max(dates)
        try:
            return datetime.strptime(day, "%Y-%m-%d").strftime("%Y-%m-%dT00:00:00Z"), "sources"
        except ValueError:
            pass
    return _iso(0), "epoch"


def _iso(seconds: int) -> str:
    """Seconds since the epoch as ISO 8601 UTC."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _git_time(root: Path, files: list[Path]) -> int | None:
    """The newest commit time of ``files`` when all are committed and unmodified, else None."""
    if not files:
        return None
    try:
        def git(*args):
            """Run git in root; stdout or None."""
            r = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                               timeout=20, check=False)
            return r.stdout if r.returncode == 0 else None

        if git("rev-parse", "--is-inside-work-tree") is None:
            return None
        paths = [str(f.resolve()) for f in files]
        status = git("status", "--porcelain", "--untracked-files=all", "--", *paths)
        if status is None or status.strip():
            return None
        tracked = git("ls-files", "--", *paths)
        if tracked is None or len(tracked.splitlines()) != len(paths):
            return None
        out = git("log", "-1", "--format=%ct", "--", *paths)
        return int(out.strip()) if out and out.strip() else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def version_of(sources: SourceSet) -> str:
    """The dataset version: VERSION or a git tag (kg.release), else owl:versionInfo, else the package's."""
    declared = release.declared_version(sources.root)
    if declared:
        return declared
    g = sources.graph("ontology")
    onto = sorted(str(v) for s in g.subjects(RDF.type, OWL.Ontology) for v in g.objects(s, OWL.versionInfo))
    return onto[0] if onto else __version__


def publisher_of(sources: SourceSet, base: str) -> tuple[URIRef, set]:
    """The publisher of the dataset and any triples describing it.

    The ontology's dcterms:publisher (an IRI) when it names one; otherwise the project itself,
    as a foaf:Organization named by the ontology's dcterms:creator literals.
    """
    g = sources.graph("ontology")
    onto = sorted(g.subjects(RDF.type, OWL.Ontology))
    named = sorted(o for s in onto for o in g.objects(s, DCTERMS.publisher) if isinstance(o, URIRef))
    if named:
        return rebase(named[0], base), set()
    agent = URIRef(f"{base}id/organization/netzwerke-kg-project")
    names = {o for s in onto for o in g.objects(s, DCTERMS.creator) if isinstance(o, Literal)}
    names = names or {Literal("The netzwerke-kg project", lang="en")}
    return agent, {(agent, RDF.type, FOAF.Organization)} | {(agent, FOAF.name, n) for n in names}


def source_hashes(root: Path) -> list[dict]:
    """Path and SHA-256 of every source file, sorted by path."""
    out = []
    for f in discover(Path(root)):
        out.append({"path": f.path.as_posix(), "sha256": _sha(f.on_disk(root).read_bytes())})
    return sorted(out, key=lambda d: d["path"])


# --- writing -------------------------------------------------------------------------------------


def _validate(root: Path, sources: SourceSet):
    """Run the SHACL validation (kg.validation) over the loaded sources."""
    from netzwerke_kg.kg.validation import validate_project

    return validate_project(root, sources=sources)


def _sha(data: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def _gzip(data: bytes) -> bytes:
    """gzip with mtime 0 and no file name in the header (RFC 1952), so the bytes are reproducible."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def _rebase_text(text: str, base: str) -> str:
    """Rewrite the canonical base in an already-serialised document (for the validation report)."""
    return text if base == DEFAULT_BASE_IRI else text.replace(DEFAULT_BASE_IRI, base)


def render(sources: SourceSet, report, base: str, issued: str,
           hashes: list[dict]) -> dict[str, bytes]:
    """Every file of dist/ as bytes, keyed by file name; ``hashes`` are the sources' (source_hashes)."""
    graphs = published_graphs(sources, base)
    pmap = published_prefixes(sources, base)
    merged: set = set()
    for f in sources.files:
        if f.kind in ("ontology", "data"):
            merged |= graphs[graph_iri(f.name, base)]
    quads = [(s, p, o, URIRef(g)) for g, triples in graphs.items() for s, p, o in triples]
    context_iri = f"{base}context.jsonld"

    texts = {
        "trig": lambda: dumps.trig(graphs, pmap),
        "nquads": lambda: dumps.nquads(quads),
        "turtle": lambda: dumps.turtle(merged, pmap),
        "ntriples": lambda: dumps.ntriples(merged),
        "jsonld": lambda: dumps.jsonld(merged, pmap, context_iri),
        "rdfxml": lambda: dumps.rdfxml(merged, pmap),
    }
    files: dict[str, bytes] = {}
    entries: list[dict] = []
    described: list[DumpFile] = []
    for name, fmt, media, scope in DUMPS:
        data = texts[fmt]().encode("utf-8")
        count = len(quads) if scope == "dataset" else len(merged)
        packed = _gzip(data)
        files[name], files[name + ".gz"] = data, packed
        plain = DumpFile(name, fmt, media, len(data), _sha(data), count)
        gz = DumpFile(name + ".gz", fmt, media, len(packed), _sha(packed), count, True)
        described += [plain, gz]
        entries.append({"path": name, "format": fmt, "media_type": media, "bytes": plain.bytes,
                        "sha256": plain.sha256, "triples": count,
                        "gzip": {"path": gz.path, "bytes": gz.bytes, "sha256": gz.sha256}})
    files.update(csvw.release_tables(sources, graphs, merged, pmap, base))  # CSV + CSVW tables

    version = version_of(sources)
    publisher, about_publisher = publisher_of(sources, base)
    void_triples = describe(base=base, triples=merged, dumps=described, prefixes=pmap,
                            version=version, issued=issued, publisher=publisher,
                            title=TITLE) | about_publisher
    files["void.ttl"] = dumps.turtle(void_triples, {**pmap, **void_prefixes()}).encode("utf-8")
    files["context.jsonld"] = (json.dumps(dumps.context_document(pmap), indent=2, sort_keys=True)
                               + "\n").encode("utf-8")
    files["validation.ttl"] = _rebase_text(report.to_turtle(), base).encode("utf-8")
    for name, fmt, media, count in (("void.ttl", "turtle", "text/turtle", len(void_triples)),
                                    ("validation.ttl", "turtle", "text/turtle", len(report.graph)),
                                    ("context.jsonld", "jsonld-context", "application/ld+json", None)):
        entries.append({"path": name, "format": fmt, "media_type": media, "bytes": len(files[name]),
                        "sha256": _sha(files[name]), "triples": count, "gzip": None})
    entries += csvw.manifest_entries(files)
    files[rocrate.FILE_NAME] = rocrate.release_crate(files, base=base, version=version, issued=issued,
                                                     title=TITLE, publisher=str(publisher))

    # release: the hash of the checksum list of every file but the manifest (which carries it)
    listing = _sums(files)
    manifest = {
        "name": NAME,
        "version": version,
        "base_iri": base,
        "issued": issued,
        "release": _sha(listing.encode("utf-8")),
        "conforms": bool(report.conforms),
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "triples": len(merged),
        "quads": len(quads),
        "graphs": {g: len(t) for g, t in sorted(graphs.items())},
        "files": entries,
        "sources": hashes,
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
                              + "\n").encode("utf-8")
    files["SHA256SUMS"] = _sums(files).encode("utf-8")
    return files


def _sums(files: dict[str, bytes]) -> str:
    """``sha256sum`` format (hash, two spaces, name), sorted by name; SHA256SUMS itself excluded."""
    return "".join(f"{_sha(data)}  {name}\n" for name, data in sorted(files.items())
                   if name != "SHA256SUMS")


def build(root, out, base_iri: str | None = None) -> BuildResult:
    """Validate the project at ``root`` and write its dist/ to ``out`` atomically.

    Raises kg.sources.SourceError on unreadable sources and BuildRefused on SHACL violations;
    in both cases, and on any failure while writing, ``out`` is left untouched.
    """
    with _build_lock(Path(out)):
        return _build(Path(root), Path(out), base_iri)


def _build(root: Path, out: Path, base_iri: str | None) -> BuildResult:
    """The build itself; the caller holds the build lock."""
    base = check_base_iri(base_iri or DEFAULT_BASE_IRI)
    before = source_hashes(root)
    sources = load_sources(root)
    report = _validate(root, sources)
    if not report.conforms:
        raise BuildRefused(report)
    issued, issued_from = issued_time(root, sources)
    files = render(sources, report, base, issued, before)
    if source_hashes(root) != before:
        # what was validated must be what is published
        raise SourceError("the sources changed while building; nothing was written, build again")
    release.publish(out, files)
    return BuildResult(out=out, manifest=json.loads(files["manifest.json"]), report=report,
                       issued_from=issued_from)


@contextmanager
def _build_lock(out: Path):
    """Serialise builds into one directory: an flock on its parent, released even if we crash.

    Whoever holds the lock knows that temp dirs of ``out`` lying around belong to builds that
    died (SIGKILL, power loss), so it removes them. (Gunicorn workers or two shells may build at
    once; without the lock one could delete the other's temp dir.)
    """
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, no clean-up of others' leftovers
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for stale in sorted(parent.glob(f".{out.name}.new-*")) + sorted(parent.glob(f".{out.name}.old-*")):
            shutil.rmtree(stale, ignore_errors=True)  # temp dirs of the flat layout before releases
        release.clean_temporaries(out)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# --- staleness -----------------------------------------------------------------------------------


def read_manifest(out) -> dict | None:
    """The manifest of a built dist/, or None when missing or unreadable."""
    try:
        return json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_stale(root, out, base_iri: str | None = None) -> bool:
    """Whether ``out`` must be rebuilt: no manifest, other source hashes, base or missing files."""
    manifest = read_manifest(out)
    if manifest is None:
        return True
    if base_iri and manifest.get("base_iri") != base_iri:
        return True
    try:
        if manifest.get("sources") != source_hashes(Path(root)):
            return True
    except OSError:
        return True
    names = [f["path"] for f in manifest.get("files", [])]
    return not all((Path(out) / n).is_file() for n in names + ["manifest.json"])


def ensure_built(root, out, base_iri: str | None = None) -> BuildResult | None:
    """Build ``out`` when missing or stale (used by ``serve``); None when it was up to date."""
    with _build_lock(Path(out)):  # checked under the lock: another process may just have built
        if is_stale(root, out, base_iri):
            return _build(Path(root), Path(out), base_iri)
    return None
