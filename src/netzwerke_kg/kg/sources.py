"""Read the product (ontology/, data/, shapes/) into one rdflib Dataset, one named graph per file.

Turtle is first checked by pyoxigraph, whose syntax errors carry exact line and column, so a typo
is reported as ``data/cities.ttl:12:7: …``. Every subject is indexed to the file and line where it
is defined, so validation reports can point a city clerk at the line to edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from netzwerke_kg.namespaces import DEFAULT_BASE_IRI, graph_iri

#: the three directories of the product, in load order
KINDS = ("ontology", "data", "shapes")


class SourceError(Exception):
    """A source file that cannot be read or parsed."""


@dataclass(frozen=True)
class Location:
    """A place in a source file (1-based line; column 0 when unknown)."""

    path: Path
    line: int
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")


class SourceSyntaxError(SourceError):
    """A Turtle syntax error, with the file, line and column where the parser stopped."""

    def __init__(self, location: Location, message: str):
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


@dataclass(frozen=True)
class SourceFile:
    """One Turtle file of the product and the named graph it becomes."""

    path: Path  # as given or relative to the root, for messages
    kind: str  # ontology | data | shapes
    name: str  # e.g. "data/cities" – the graph name below {base}graph/

    def graph_iri(self, base: str = DEFAULT_BASE_IRI) -> URIRef:
        """The named graph IRI of this file."""
        return URIRef(graph_iri(self.name, base))

    def on_disk(self, root: Path) -> Path:
        """The file itself: ``path`` below ``root``, unless ``path`` is absolute."""
        return self.path if self.path.is_absolute() else Path(root) / self.path


@dataclass
class SourceSet:
    """All parsed sources: the dataset, the files, their bytes, and where each subject is defined."""

    root: Path
    files: list[SourceFile]
    dataset: Dataset
    index: dict[URIRef, Location] = field(default_factory=dict)
    raw: dict[SourceFile, bytes] = field(default_factory=dict)  # the bytes each file was parsed from

    def locate(self, iri) -> Location | None:
        """The file and line where a subject is (first) defined, if known."""
        return self.index.get(URIRef(str(iri)))

    def graph(self, *kinds: str) -> Graph:
        """One plain Graph merging the files of the given kinds (all kinds when none given)."""
        merged = Graph()
        for prefix, ns in self.dataset.namespaces():
            merged.bind(prefix, ns, override=True)
        for f in self.files:
            if not kinds or f.kind in kinds:
                for triple in self.dataset.graph(f.graph_iri()):
                    merged.add(triple)
        return merged


def discover(root: Path, data_paths: list[Path] | None = None) -> list[SourceFile]:
    """The source files of a project, sorted; ``data_paths`` (files or dirs) replace data/."""
    root = Path(root)
    found: list[SourceFile] = []
    for kind in KINDS:
        if kind == "data" and data_paths:
            candidates = []
            for p in data_paths:
                p = Path(p)
                candidates.extend(sorted(p.rglob("*.ttl")) if p.is_dir() else [p])
        else:
            candidates = sorted((root / kind).rglob("*.ttl")) if (root / kind).is_dir() else []
        for path in candidates:
            shown = _relative(path, root)
            if kind == "data" and data_paths:
                name = "data/" + path.stem
            else:
                name = shown.with_suffix("").as_posix()
            found.append(SourceFile(path=shown, kind=kind, name=name))
    return found


def load_sources(root: Path, data_paths: list[Path] | None = None) -> SourceSet:
    """Parse every source file of the project; raise SourceError naming file, line and column."""
    root = Path(root)
    files = discover(root, data_paths)
    dataset = Dataset()
    index: dict[URIRef, Location] = {}
    raw: dict[SourceFile, bytes] = {}
    for f in files:
        raw[f] = read_source(root, f)
        text = raw[f].decode("utf-8")
        g = Graph()
        g.parse(data=text, format="turtle", publicID=f.on_disk(root).resolve().as_uri())
        named = dataset.graph(f.graph_iri())
        for triple in g:
            named.add(triple)
        for prefix, ns in g.namespaces():
            dataset.bind(prefix, ns, override=False)
        for iri, line in subject_lines(text, dict(g.namespaces())).items():
            index.setdefault(iri, Location(f.path, line))
    return SourceSet(root=root, files=files, dataset=dataset, index=index, raw=raw)


def read_source(root: Path, f: SourceFile) -> bytes:
    """The bytes of one source file, checked to be UTF-8 Turtle; SourceError naming file and line."""
    full = f.on_disk(root)
    if not full.is_file():
        raise SourceError(f"{f.path}: no such file")
    try:
        raw = full.read_bytes()
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceSyntaxError(Location(f.path, line), "the file is not valid UTF-8") from exc
    except OSError as exc:
        raise SourceError(f"{f.path}: cannot read ({exc.strerror})") from exc
    check_turtle(raw, f.path)
    return raw


def check_turtle(raw: bytes, shown: Path) -> None:
    """Raise SourceSyntaxError with file, line and column if ``raw`` is not valid Turtle."""
    try:
        for _ in ox.parse(raw, format=ox.RdfFormat.TURTLE, base_iri="file:///source/"):
            pass
    except SyntaxError as exc:
        message = str(exc.msg or exc)
        message = re.sub(r"^Parser error (at|between) [^:]*: ", "", message)
        raise SourceSyntaxError(Location(shown, exc.lineno or 0, exc.offset or 0), message) from exc


_SUBJECT = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)")


def subject_lines(text: str, namespaces: dict[str, URIRef]) -> dict[URIRef, int]:
    """Map each subject written at the start of a line to its first line number.

    Our Turtle style puts every subject at column 0, so a textual scan is exact for our files
    and harmless for others (an unmatched subject simply has no location).
    """
    found: dict[URIRef, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0].isspace() or line.startswith(("@", "#", "PREFIX", "BASE", "prefix")):
            continue
        m = _SUBJECT.match(line)
        if not m:
            continue
        token = m.group(1)
        if token.startswith("<"):
            iri = token[1:-1]
        else:
            prefix, _, local = token.partition(":")
            ns = namespaces.get(prefix)
            if ns is None:
                continue
            iri = str(ns) + local.replace("\\", "")
        found.setdefault(URIRef(iri), number)
    return found


def _relative(path: Path, root: Path) -> Path:
    """``path`` relative to ``root`` when it is inside it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path
