"""What changed between two releases: triples added and removed per named graph, as RDF and as prose.

A side of a diff is a built release directory (its ``netzwerke-kg.nq``), a project directory
(ontology/, data/, shapes/) or a git revision of the project's sources (``git archive``), built
in memory exactly as kg.build publishes them. Blank nodes are skolemised by content (kg.skolem),
so the comparison is plain set difference on triples per named graph (RDF 1.1 Concepts §3.5).

The change set is written as TriG (RDF 1.1 TriG): one PROV-O activity (W3C PROV-O §3.1,
``prov:Activity`` that ``prov:used`` the old release and ``prov:generated`` the new one) naming
its added and removed graphs with the Delta vocabulary's ``diff:insertion`` / ``diff:deletion``
(https://www.w3.org/DesignIssues/Diff), each graph holding the triples themselves.
"""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from netzwerke_kg.kg import dumps
from netzwerke_kg.kg.skolem import from_ox
from netzwerke_kg.namespaces import DEFAULT_BASE_IRI, GEO, NKG, ORG, prefixes

#: the Delta vocabulary (Berners-Lee, Connolly: "Delta: an ontology for the distribution of
#: differences between RDF graphs")
DELTA = Namespace("http://www.w3.org/2004/delta#")
#: the quads dump a release directory is read from
QUADS_FILE = "netzwerke-kg.nq"
#: at most this many lines of prose about single resources before "… and N more"
MAX_LINES = 40


class DiffError(Exception):
    """A side of a diff that is neither a release directory, a project nor a git revision."""


@dataclass
class Side:
    """One side of a diff: its named graphs (IRI -> set of triples) and what it is."""

    label: str
    graphs: dict[str, set]
    version: str = ""
    release: str = ""
    issued: str = ""
    base: str = DEFAULT_BASE_IRI


@dataclass
class Diff:
    """The change set between two sides: per named graph, the triples added and removed."""

    old: Side
    new: Side
    added: dict[str, set] = field(default_factory=dict)
    removed: dict[str, set] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not any(self.added.values()) and not any(self.removed.values())

    def counts(self) -> dict:
        """Triples added and removed, in total and per graph (graphs without change left out)."""
        graphs = sorted(set(self.added) | set(self.removed))
        return {"added": sum(len(t) for t in self.added.values()),
                "removed": sum(len(t) for t in self.removed.values()),
                "graphs": {g: {"added": len(self.added.get(g, ())), "removed": len(self.removed.get(g, ()))}
                           for g in graphs}}

    def touching(self, iri: str) -> dict:
        """Triples added and removed whose subject or object is ``iri`` (for "changed in release X")."""
        node = URIRef(iri)
        pick = lambda triples: sorted(t for ts in triples.values() for t in ts  # noqa: E731
                                      if t[0] == node or t[2] == node)
        return {"added": pick(self.added), "removed": pick(self.removed)}

    def to_trig(self) -> str:
        """The change set as TriG: the PROV activity in the default graph's place, then the graphs."""
        base = self.new.base
        activity = URIRef(change_iri(base, self.old, self.new))
        meta: set = {(activity, RDF.type, PROV.Activity),
                     (activity, RDFS.label, Literal(f"changes from {self.old.label} to {self.new.label}", lang="en")),
                     (activity, PROV.used, URIRef(release_iri(base, self.old))),
                     (activity, PROV.generated, URIRef(release_iri(base, self.new)))}
        graphs: dict[str, set] = {}
        for kind, table, link in (("added", self.added, DELTA.insertion), ("removed", self.removed, DELTA.deletion)):
            for g, triples in sorted(table.items()):
                if not triples:
                    continue
                name = URIRef(f"{activity}/{kind}/{_graph_name(g, base)}")
                graphs[str(name)] = set(triples)
                meta |= {(activity, link, name), (name, RDF.type, PROV.Entity),
                         (name, PROV.wasGeneratedBy, activity), (name, DCTERMS.subject, URIRef(g)),
                         (name, DCTERMS.extent, Literal(len(triples), datatype=XSD.integer))}
        pmap = {**prefixes(base), "diff": str(DELTA)}
        graphs[f"{activity}/description"] = meta
        return dumps.trig(graphs, pmap)

    def to_json(self) -> dict:
        """The counts, both sides and the summary lines, for machines."""
        return {"old": _side_json(self.old), "new": _side_json(self.new), **self.counts(),
                "summary": summary(self)}


def _side_json(side: Side) -> dict:
    """A side as JSON: label, version, release id, issued."""
    return {"label": side.label, "version": side.version, "release": side.release, "issued": side.issued}


def release_iri(base: str, side: Side) -> str:
    """The IRI of a release: its page under /releases/ (the release id, else its label)."""
    return f"{base}releases/{side.release or _slug(side.label)}"


def change_iri(base: str, old: Side, new: Side) -> str:
    """The IRI of the change activity between two releases."""
    return f"{base}releases/{new.release or _slug(new.label)}/changes-since/{old.release or _slug(old.label)}"


def _slug(text: str) -> str:
    """A path segment from free text (a git revision or a directory name)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "unnamed"


def _graph_name(g: str, base: str) -> str:
    """The source-file part of a named graph IRI (``data/places``), else a slug of the IRI."""
    prefix = f"{base}graph/"
    return g[len(prefix):] if g.startswith(prefix) else _slug(g)


# --- reading sides -------------------------------------------------------------------------------


def compare(old: Side, new: Side) -> Diff:
    """The change set from ``old`` to ``new``, per named graph."""
    diff = Diff(old=old, new=new)
    for g in sorted(set(old.graphs) | set(new.graphs)):
        before, after = old.graphs.get(g, set()), new.graphs.get(g, set())
        if after - before:
            diff.added[g] = after - before
        if before - after:
            diff.removed[g] = before - after
    return diff


def read_release(directory: Path) -> Side:
    """A built release directory: its quads dump and manifest."""
    directory = Path(directory)
    manifest = _manifest(directory)
    graphs: dict[str, set] = defaultdict(set)
    with open(directory / QUADS_FILE, "rb") as fh:
        for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            graphs[str(q.graph_name.value)].add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    # kg.release names a release by its directory under releases/; older flat builds by the manifest
    rid = directory.name if directory.parent.name == "releases" else str(manifest.get("release") or "")
    return Side(label=manifest.get("version") or directory.name, graphs=dict(graphs),
                version=str(manifest.get("version") or ""), release=rid,
                issued=str(manifest.get("issued") or ""), base=manifest.get("base_iri") or DEFAULT_BASE_IRI)


def _manifest(directory: Path) -> dict:
    """The manifest of a release directory ({} when absent or unreadable)."""
    try:
        return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_project(root: Path, label: str = "", base: str = DEFAULT_BASE_IRI) -> Side:
    """The graphs a build of the project at ``root`` would publish (no validation, nothing written)."""
    from netzwerke_kg.kg.build import published_graphs, version_of
    from netzwerke_kg.kg.sources import load_sources

    sources = load_sources(Path(root))
    return Side(label=label or Path(root).resolve().name, graphs=published_graphs(sources, base),
                version=version_of(sources), base=base)


def read_revision(repo: Path, rev: str, base: str = DEFAULT_BASE_IRI) -> Side:
    """The sources at git revision ``rev`` of the repository at ``repo``, read as read_project does."""
    from netzwerke_kg.kg.sources import KINDS

    def git(*args) -> bytes:
        """Run git in ``repo``; DiffError with git's message on failure."""
        try:
            r = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise DiffError(f"cannot run git: {exc}") from exc
        if r.returncode != 0:
            raise DiffError(f"{rev!r} is not a release directory, a project or a git revision of "
                            f"{repo}: {r.stderr.decode('utf-8', 'replace').strip()}")
        return r.stdout

    commit = git("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
    prefix = git("rev-parse", "--show-prefix").decode().strip()
    present = git("ls-tree", "--name-only", commit, "--", *(prefix + k for k in KINDS)).decode().split()
    with tempfile.TemporaryDirectory(prefix="netzwerke-kg-diff-") as tmp:
        if present:
            archive = git("archive", "--format=tar", commit, "--", *present)
            with tarfile.open(fileobj=BytesIO(archive)) as tar:
                tar.extractall(tmp, filter="data")
        side = read_project(Path(tmp) / prefix, label=rev, base=base)
    side.release = commit[:12]
    return side


def read_side(spec: str, repo: Path, base: str = DEFAULT_BASE_IRI) -> Side:
    """A release (id under ``repo``/dist/releases, or directory), a project directory or a git revision."""
    path = Path(spec)
    held = Path(repo) / "dist" / "releases" / spec  # a release id of the project's own dist/
    if re.fullmatch(r"[0-9a-f]{8,64}", spec) and (held / QUADS_FILE).is_file():
        return read_release(held)
    if path.is_dir() and (path / QUADS_FILE).is_file():
        return read_release(path.resolve())
    if path.is_dir() and (path / "data").is_dir():
        return read_project(path, label=spec, base=base)
    return read_revision(repo, spec, base=base)


# --- the readable summary ------------------------------------------------------------------------


class _Names:
    """Short English names of resources, from the labels of both sides."""

    def __init__(self, *sides: Side):
        """Collect rdfs:label and skos:altLabel of every subject, English first."""
        self.labels: dict = {}
        self.short: dict = {}
        for side in sides:
            for triples in side.graphs.values():
                for s, p, o in triples:
                    if isinstance(o, Literal) and p in (RDFS.label, SKOS.altLabel):
                        table = self.labels if p == RDFS.label else self.short
                        rank = (o.language != "en", o.language or "", len(str(o)), str(o))
                        if s not in table or rank < table[s][0]:
                            table[s] = (rank, str(o))

    def name(self, iri) -> str:
        """The English label, else the last path segment of the IRI."""
        if iri in self.labels:
            return self.labels[iri][1]
        return re.split(r"[/#]", str(iri).rstrip("/"))[-1]

    def abbreviation(self, iri) -> str:
        """The shortest alternative label ("UBC") when it is shorter than the label."""
        if iri in self.short and len(self.short[iri][1]) < len(self.name(iri)):
            return self.short[iri][1]
        return self.name(iri)


def _words(iri) -> str:
    """A property IRI's local name as words (``memberCount`` -> "member count")."""
    local = re.split(r"[/#]", str(iri))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def _plural(n: int, word: str) -> str:
    """``n`` and ``word``, with an s when n is not 1 ("3 coordinates")."""
    return f"{n} {word}" + ("" if n == 1 else ("es" if word.endswith("s") else "s"))


def summary(diff: Diff) -> list[str]:
    """The change set in plain English lines ("Kemi left the UBC", "3 coordinates added", …)."""
    if diff.empty:
        return ["no change"]
    names = _Names(diff.old, diff.new)
    added = {t for ts in diff.added.values() for t in ts}
    removed = {t for ts in diff.removed.values() for t in ts}
    types_before = {(s, o) for ts in diff.old.graphs.values() for s, p, o in ts if p == RDF.type}
    types_after = {(s, o) for ts in diff.new.graphs.values() for s, p, o in ts if p == RDF.type}
    born = {s for s, _ in types_after} - {s for s, _ in types_before}
    gone = {s for s, _ in types_before} - {s for s, _ in types_after}
    added_by, removed_by = _index(added), _index(removed)  # subject -> {(p, o)}
    facts = lambda index, s: index.get(s, set())  # noqa: E731
    values: dict = {}
    for side in (diff.old, diff.new):
        for ts in side.graphs.values():
            for s, p, o in ts:
                values.setdefault((s, p), o)
    value = lambda s, p: values.get((s, p))  # noqa: E731
    kinds_of = _index(types_before | types_after)

    lines: list[str] = [f"{_plural(len(added), 'triple')} added, {len(removed)} removed"]
    explained: set = set()
    joined: set = set()
    for subjects, verb, triples in ((gone, "left", removed_by), (born, "joined", added_by)):
        for s in sorted(subjects):
            kinds = kinds_of.get(s, set())
            own = {(s, p, o) for p, o in facts(triples, s)}
            if ORG.Membership in kinds:
                member, org = value(s, ORG.member), value(s, ORG.organization)
                if member is not None and org is not None:
                    lines.append(f"{names.name(member)} {verb} the {names.abbreviation(org)}")
                    joined.add((member, org))
                    explained |= own
            elif NKG.Claim in kinds:
                about, prop, date = value(s, RDF.subject), value(s, RDF.predicate), value(s, DCTERMS.date)
                year = f" of {str(date)[:4]}" if date is not None else ""
                what = f"the {names.abbreviation(about)} " if about is not None else "a "
                prop_words = f"{_words(prop)} " if prop is not None else ""
                lines.append(f"{what}{prop_words}claim{year} {'added' if verb == 'joined' else 'removed'}")
                explained |= own
    # org:hasMember / org:memberOf shortcuts of memberships already told
    for triples, verb in ((removed, "left"), (added, "joined")):
        for s, p, o in sorted(triples):
            pair = (o, s) if p == ORG.hasMember else (s, o) if p == ORG.memberOf else None
            if pair is None:
                continue
            if pair not in joined:
                lines.append(f"{names.name(pair[0])} {verb} the {names.abbreviation(pair[1])}")
                joined.add(pair)
            explained.add((s, p, o))
    # coordinates: one per geo:lat; a place whose latitude was both removed and added "changed"
    lat_added = {s for s, p, _ in added if p == GEO.lat}
    lat_removed = {s for s, p, _ in removed if p == GEO.lat}
    for n, word in ((len(lat_added - lat_removed), "added"), (len(lat_added & lat_removed), "changed"),
                    (len(lat_removed - lat_added), "removed")):
        if n:
            lines.append(f"{_plural(n, 'coordinate')} {word}")
    explained |= {t for t in added | removed if t[1] in (GEO.lat, GEO.long)}
    # other resources that appeared or disappeared, by class
    for subjects, word, triples in ((born, "added", added_by), (gone, "removed", removed_by)):
        by_class: dict = defaultdict(list)
        for s in subjects:
            if all((s, p, o) in explained for p, o in facts(triples, s)):
                continue
            kinds = sorted(kinds_of.get(s, set()))
            by_class[_words(kinds[0]) if kinds else "resource"].append(names.name(s))
            explained |= {(s, p, o) for p, o in facts(triples, s)}
        for kind, labels in sorted(by_class.items()):
            labels.sort()
            shown = ", ".join(labels[:5]) + (", …" if len(labels) > 5 else "")
            lines.append(f"{_plural(len(labels), kind)} {word}: {shown}" if len(labels) > 1
                         else f"{kind} {labels[0]} {word}")
    # what is left: per resource and property
    rest: dict = defaultdict(lambda: [0, 0])
    for i, triples in ((0, added - explained), (1, removed - explained)):
        for s, p, _ in triples:
            rest[(s, p)][i] += 1
    detail = []
    for (s, p), (plus, minus) in sorted(rest.items(), key=lambda kv: (names.name(kv[0][0]), str(kv[0][1]))):
        how = "changed" if plus and minus else "added" if plus else "removed"
        detail.append(f"{names.name(s)}: {_words(p)} {how}")
    if len(detail) > MAX_LINES:
        detail = detail[:MAX_LINES] + [f"… and {len(detail) - MAX_LINES} more changes"]
    return lines + detail


def _index(pairs_or_triples) -> dict:
    """Subject -> the rest of each tuple (a set), for (s, o) pairs and (s, p, o) triples alike."""
    out: dict = defaultdict(set)
    for t in pairs_or_triples:
        out[t[0]].add(t[1] if len(t) == 2 else t[1:])
    return out


def text_report(diff: Diff) -> str:
    """The human report: both sides, the summary, then counts per graph."""
    out = [f"from {diff.old.label} ({diff.old.release[:12] or 'sources'}) to {diff.new.label} "
           f"({diff.new.release[:12] or 'sources'})"]
    out += [f"  {line}" for line in summary(diff)]
    for g, c in diff.counts()["graphs"].items():
        out.append(f"  {_graph_name(g, diff.new.base)}: +{c['added']} -{c['removed']}")
    return "\n".join(out)
