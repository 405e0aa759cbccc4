"""The build: validate the sources, then write dist/ (dumps, VoID/DCAT, checksums, manifest) atomically.

Atomic: everything is written into a fresh temporary directory next to ``out`` (same file system),
which then replaces ``out`` by two renames (old away, new in) before the old tree is deleted. A
failure or an interrupt (KeyboardInterrupt included) before the swap leaves ``out`` byte-for-byte
as it was and removes the temporary directory.

Deterministic: two builds of the same sources are byte-identical. Blank nodes become skolem IRIs
(RDF 1.1 Concepts §3.5, ``{base}.well-known/genid/…``) named by a hash of the canonical form of
their file's graph (rdflib.compare, RGDA1), every serialiser sorts (kg.dumps), gzip headers carry
no name and mtime 0, and the ``issued`` timestamp never comes from the clock — see ``issued_time``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from netzwerke_kg import __version__
from netzwerke_kg.kg import dumps
from netzwerke_kg.kg.sources import SourceSet, discover, load_sources
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


class BuildRefused(Exception):
    """The sources violate the shapes; ``report`` says where."""

    def __init__(self, report):
        super().__init__(f"build refused: {len(report.violations)} SHACL violation(s)")
        self.report = report


@dataclass
class BuildResult:
    """What a build wrote: the directory and its manifest (as a dict)."""

    out: Path
    manifest: dict

    def summary(self) -> str:
        """A few human lines about the build."""
        m = self.manifest
        lines = [f"built {self.out}: {m['triples']} triples (ontology+data), {m['quads']} quads "
                 f"in {len(m['graphs'])} named graphs",
                 f"version {m['version']}, issued {m['issued']}, base {m['base_iri']}",
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
            return Literal(str(term), datatype=rebase(dt, base))
        if dt == XSD.anyURI and str(term).startswith(DEFAULT_BASE_IRI):
            return Literal(base + str(term)[len(DEFAULT_BASE_IRI):], datatype=XSD.anyURI)
    return term


def skolemised(graph: Graph, graph_name: str, base: str) -> set:
    """The triples of one source graph, blank nodes replaced by content-hash skolem IRIs.

    The canonical labels come from rdflib.compare (RGDA1), so they depend only on the graph's
    content; hashing them with the graph name keeps equal structures in two files apart.
    """
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return set(graph)
    canonical = to_canonical_graph(graph)

    def sk(term):
        """A skolem IRI for a canonical blank node."""
        if isinstance(term, BNode):
            digest = hashlib.sha256(f"{graph_name}\n{term}".encode("utf-8")).hexdigest()[:32]
            return URIRef(f"{DEFAULT_BASE_IRI}.well-known/genid/{digest}")
        return term

    return {(sk(s), p, sk(o)) for s, p, o in canonical}


def published_graphs(sources: SourceSet, base: str) -> dict[str, set]:
    """Named graph IRI (under ``base``) → its triples, skolemised and rebased."""
    graphs: dict[str, set] = {}
    for f in sources.files:
        g = sources.dataset.graph(f.graph_iri())
        triples = skolemised(g, f.name, base)
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
    """The dataset version: the ontology's owl:versionInfo, else the package version."""
    g = sources.graph("ontology")
    onto = sorted(str(v) for s in g.subjects(RDF.type, OWL.Ontology) for v in g.objects(s, OWL.versionInfo))
    return onto[0] if onto else __version__


def publisher_of(sources: SourceSet, base: str) -> URIRef | None:
    """The publisher of the data: the ontology's dcterms:publisher, else its creator."""
    g = sources.graph("ontology")
    for p in (DCTERMS.publisher, DCTERMS.creator):
        found = sorted(o for s in g.subjects(RDF.type, OWL.Ontology)
                       for o in g.objects(s, p) if isinstance(o, URIRef))
        if found:
            return rebase(found[0], base)
    return None


def source_hashes(root: Path) -> list[dict]:
    """Path and SHA-256 of every source file, sorted by path."""
    out = []
    for f in discover(Path(root)):
        full = f.path if f.path.is_absolute() else Path(root) / f.path
        out.append({"path": f.path.as_posix(), "sha256": hashlib.sha256(full.read_bytes()).hexdigest()})
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


def render(root: Path, sources: SourceSet, report, base: str) -> dict[str, bytes]:
    """Every file of dist/ as bytes, keyed by file name."""
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
        entries.append({"path": name, "format": fmt, "media_type": media, "bytes": len(data),
                        "sha256": _sha(data), "triples": count,
                        "gzip": {"path": name + ".gz", "bytes": len(packed), "sha256": _sha(packed)}})
        described.append(DumpFile(name, fmt, media, len(data), _sha(data), count))
        described.append(DumpFile(name + ".gz", fmt, media, len(packed), _sha(packed), count, True))

    issued, _origin = issued_time(root, sources)
    version = version_of(sources)
    void_triples = describe(base=base, triples=merged, dumps=described, prefixes=pmap,
                            version=version, issued=issued, publisher=publisher_of(sources, base),
                            title=TITLE)
    files["void.ttl"] = dumps.turtle(void_triples, {**pmap, **void_prefixes()}).encode("utf-8")
    files["context.jsonld"] = (json.dumps(dumps.context_document(pmap), indent=2, sort_keys=True)
                               + "\n").encode("utf-8")
    files["validation.ttl"] = _rebase_text(report.to_turtle(), base).encode("utf-8")
    for name, fmt, media, count in (("void.ttl", "turtle", "text/turtle", len(void_triples)),
                                    ("validation.ttl", "turtle", "text/turtle", len(report.graph)),
                                    ("context.jsonld", "jsonld-context", "application/ld+json", None)):
        entries.append({"path": name, "format": fmt, "media_type": media, "bytes": len(files[name]),
                        "sha256": _sha(files[name]), "triples": count, "gzip": None})

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
        "sources": source_hashes(root),
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
    root, out = Path(root), Path(out)
    base = base_iri or DEFAULT_BASE_IRI
    if not base.endswith(("/", "#")):
        raise ValueError(f"the base IRI must end with '/' or '#': {base!r}")
    sources = load_sources(root)
    report = _validate(root, sources)
    if not report.conforms:
        raise BuildRefused(report)
    files = render(root, sources, report, base)
    _write_atomically(out, files)
    return BuildResult(out=out, manifest=json.loads(files["manifest.json"]))


def _write_atomically(out: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a temp dir beside ``out`` and swap it in; clean up on any failure."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    old = None
    try:
        for name, data in sorted(files.items()):
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)
        for name in files:
            os.chmod(tmp / name, 0o644)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, old / "dist")
        try:
            os.rename(tmp, out)
        except BaseException:
            if old is not None:  # put the last good build back
                os.rename(old / "dist", out)
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not (old / "dist").exists():
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    if is_stale(root, out, base_iri):
        return build(root, out, base_iri=base_iri)
    return None
