"""Validate the product against its SHACL shapes and report in words a city clerk can act on.

The data graph is the merged ontology + data (no inference: the data asserts the standard types
directly, and SHACL's ``sh:targetClass`` follows ``rdfs:subClassOf`` in the data graph by itself,
SHACL §2.1.3.3). The shapes graph is ``shapes/``. Each result is tied back to the file and line
where its focus node is defined (``SourceSet.locate``), so a clerk knows which line to edit.

Conformance here means "no result of severity sh:Violation": warnings and infos are reported but
do not fail validation (pySHACL's ``allow_warnings``, which also sets ``sh:conforms`` in the report
graph accordingly).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from netzwerke_kg.kg import dumps
from netzwerke_kg.kg.skolem import skolemised
from netzwerke_kg.kg.sources import Location, SourceError, SourceSet, load_sources
from netzwerke_kg.namespaces import DEFAULT_BASE_IRI, SCHEMA, prefixes

#: severity IRI → short name, in the order reports list them (SHACL §3.6.1.3)
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_RANK = {"Violation": 0, "Warning": 1, "Info": 2}

#: the namespace of the shapes in shapes/ (nkgsh:)
SHAPES_NS = f"{DEFAULT_BASE_IRI}shapes#"

#: label properties tried, in order, to name a resource in a report
_LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SCHEMA.name, SH.name)

#: the fixed words of the text report in both languages of the project
_WORDS = {
    "en": {
        "title": "Validation report",
        "counts": (("violation", "violations"), ("warning", "warnings"), ("note", "notes")),
        "ok": "The data conforms: nothing must be fixed.",
        "ok_warn": "The data conforms; the warnings below are worth a look but block nothing.",
        "bad": "The data does NOT conform: fix every violation below, then run "
               "`netzwerke-kg validate` again.",
        "defined": "defined in {loc}",
        "nowhere": "not defined as a subject in any source file",
        "property": "property",
        "value": "value",
        "Violation": "VIOLATION",
        "Warning": "WARNING",
        "Info": "NOTE",
        "shape": "rule",
    },
    "de": {
        "title": "Prüfbericht",
        "counts": (("Verstoß", "Verstöße"), ("Warnung", "Warnungen"), ("Hinweis", "Hinweise")),
        "ok": "Die Daten sind gültig: nichts muss korrigiert werden.",
        "ok_warn": "Die Daten sind gültig; die Warnungen unten sind einen Blick wert, "
                   "blockieren aber nichts.",
        "bad": "Die Daten sind NICHT gültig: bitte jeden Verstoß unten beheben und danach "
               "`netzwerke-kg validate` erneut ausführen.",
        "defined": "definiert in {loc}",
        "nowhere": "in keiner Quelldatei als Subjekt definiert",
        "property": "Eigenschaft",
        "value": "Wert",
        "Violation": "VERSTOSS",
        "Warning": "WARNUNG",
        "Info": "HINWEIS",
        "shape": "Regel",
    },
}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result, tied to the source file and line of its focus node."""

    focus: str  # IRI (or blank node id) of the resource with the problem
    severity: str  # Violation | Warning | Info
    path: str | None  # the property (IRI) or None for node-level results
    value: str | None  # the offending value in Turtle notation, if any
    messages: tuple[tuple[str, str], ...]  # (language, text), sorted
    shape: str | None  # the node shape the result belongs to (IRI)
    source_shape: str | None  # the named shape that produced it (None for a blank property shape)
    constraint: str | None  # sh:sourceConstraintComponent IRI
    location: Location | None  # where the focus node is defined
    focus_labels: tuple[tuple[str, str], ...] = ()  # (language, label) of the focus node
    path_labels: tuple[tuple[str, str], ...] = ()  # (language, label) of the property

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``, else English, else any."""
        return _pick(self.messages, lang) or ""

    def focus_label(self, lang: str = "en") -> str | None:
        """The label of the focus node in ``lang`` (fallback English, then any)."""
        return _pick(self.focus_labels, lang)

    def path_label(self, lang: str = "en") -> str | None:
        """The label of the property in ``lang`` (fallback English, then any)."""
        return _pick(self.path_labels, lang)

    def sort_key(self) -> tuple:
        """Order: by file and line, then resource, severity, property, constraint, value."""
        loc = self.location
        return (
            str(loc.path) if loc else "~",
            loc.line if loc else 0,
            self.focus,
            _RANK.get(self.severity, 9),
            self.path or "",
            self.constraint or "",
            self.value or "",
            self.messages,
        )

    def as_dict(self) -> dict:
        """A JSON-ready dict with stable keys."""
        return {
            "focus": self.focus,
            "focus_label": dict(self.focus_labels),
            "severity": self.severity,
            "path": self.path,
            "path_label": dict(self.path_labels),
            "value": self.value,
            "message": dict(self.messages),
            "shape": self.shape,
            "source_shape": self.source_shape,
            "constraint": self.constraint,
            "file": str(self.location.path) if self.location else None,
            "line": self.location.line if self.location else None,
        }


@dataclass
class ValidationReport:
    """The outcome of validating a project: results, the SHACL report graph and renderings."""

    conforms: bool
    results: list[ValidationResult]
    graph: Graph
    root: Path | None = None
    files: list[str] = field(default_factory=list)

    @property
    def violations(self) -> list[ValidationResult]:
        """Results of severity sh:Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """Results of severity sh:Warning."""
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def infos(self) -> list[ValidationResult]:
        """Results of severity sh:Info."""
        return [r for r in self.results if r.severity == "Info"]

    def summary(self, lang: str = "en") -> str:
        """One line: N violations, M warnings, K notes."""
        words = _WORDS.get(lang, _WORDS["en"])
        counts = (len(self.violations), len(self.warnings), len(self.infos))
        return ", ".join(f"{n} {forms[0] if n == 1 else forms[1]}" for n, forms in zip(counts, words["counts"]))

    def to_text(self, lang: str = "en") -> str:
        """A plain-language report grouped by resource, with file and line of each resource."""
        lang = lang if lang in _WORDS else "en"
        words = _WORDS[lang]
        lines = [f"{words['title']}: {self.summary(lang)}"]
        if not self.conforms:
            lines.append(words["bad"])
        elif self.results:
            lines.append(words["ok_warn"])
        else:
            lines.append(words["ok"])
        groups: dict[str, list[ValidationResult]] = {}
        for r in self.results:
            groups.setdefault(r.focus, []).append(r)
        # resources with violations first, so a clerk sees what blocks the build before the warnings
        ordered = sorted(groups.items(), key=lambda kv: min(_RANK.get(r.severity, 9) for r in kv[1]))
        for focus, results in ordered:
            first = results[0]
            label = first.focus_label(lang)
            lines.append("")
            lines.append(f"“{label}” <{focus}>" if label else f"<{focus}>")
            if first.location:
                lines.append("  " + words["defined"].format(loc=f"{first.location.path}, line {first.location.line}"
                                                          if lang == "en" else
                                                          f"{first.location.path}, Zeile {first.location.line}"))
            else:
                lines.append("  " + words["nowhere"])
            for r in results:
                head = f"  - {words[r.severity]}"
                if r.path:
                    plabel = r.path_label(lang)
                    shown = f"“{plabel}” ({_short(r.path)})" if plabel else _short(r.path)
                    head += f", {words['property']} {shown}"
                lines.append(head)
                lines.append(f"      {r.message(lang)}")
                if r.value is not None:
                    lines.append(f"      {words['value']}: {r.value}")
                if r.shape:
                    lines.append(f"      {words['shape']}: {_short(r.shape)}"
                                 + (f" / {_short(r.constraint)}" if r.constraint else ""))
        return "\n".join(lines)

    def to_json(self) -> str:
        """The report as JSON for machines (sorted keys, results in report order)."""
        doc = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "infos": len(self.infos),
            "results": [r.as_dict() for r in self.results],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)

    def to_turtle(self) -> str:
        """The SHACL report graph as deterministic Turtle: blank nodes skolemised as in the dumps."""
        return dumps.turtle(skolemised(self.graph, "validation"), REPORT_PREFIXES)


def validate_project(root, data_paths=None, *, sources: SourceSet | None = None) -> ValidationReport:
    """Validate ontology/ + data/ (or ``data_paths``) of ``root`` against shapes/.

    Raises kg.sources.SourceError (incl. SourceSyntaxError with file:line:column) when a source
    cannot be read. Pass ``sources`` to reuse an already-loaded SourceSet.
    """
    root = Path(root)
    if sources is None:
        sources = load_sources(root, [Path(p) for p in data_paths] if data_paths else None)
    data = sources.graph("ontology", "data")
    shapes = sources.graph("shapes")
    conforms, report_graph, text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
        advanced=True,
        inplace=True,
    )
    if not isinstance(report_graph, Graph):  # pySHACL's ValidationFailure: the shapes themselves are broken
        raise SourceError(f"shapes/: the SHACL shapes cannot be used: {text.strip()}")
    for prefix, ns in REPORT_PREFIXES.items():
        report_graph.bind(prefix, ns, override=True)
    results = sorted(_results(report_graph, data, shapes, sources), key=ValidationResult.sort_key)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=report_graph, root=root,
                            files=[str(f.path) for f in sources.files])


def _results(report: Graph, data: Graph, shapes: Graph, sources: SourceSet):
    """Turn the top-level sh:result nodes of a pySHACL report graph into ValidationResults."""
    for node in report.subjects(RDF.type, SH.ValidationReport):
        for res in report.objects(node, SH.result):
            focus = report.value(res, SH.focusNode)
            severity = SEVERITIES.get(report.value(res, SH.resultSeverity), "Violation")
            path = report.value(res, SH.resultPath)
            value = report.value(res, SH.value)
            source_shape = report.value(res, SH.sourceShape)
            constraint = report.value(res, SH.sourceConstraintComponent)
            templates = [m for node in (report.value(res, SH.sourceConstraint), source_shape) if node is not None
                         for m in shapes.objects(node, SH.message)]
            messages = _tagged_messages(list(report.objects(res, SH.resultMessage)), templates)
            yield ValidationResult(
                focus=str(focus),
                severity=severity,
                path=str(path) if isinstance(path, URIRef) else (_path_text(report, path) if path else None),
                value=_term_text(value) if value is not None else None,
                messages=messages,
                shape=_node_shape(shapes, source_shape),
                # a blank property shape has no stable name: JSON must not change between runs
                source_shape=str(source_shape) if isinstance(source_shape, URIRef) else None,
                constraint=str(constraint) if constraint is not None else None,
                location=sources.locate(focus) if isinstance(focus, URIRef) else None,
                focus_labels=_labels(data, focus),
                path_labels=_property_labels(data, shapes, path, source_shape),
            )


def _tagged_messages(messages: list, templates: list) -> tuple[tuple[str, str], ...]:
    """(language, text) pairs; restores the tag pySHACL drops when it fills in {?var} (SHACL §5.3.2)."""
    patterns = []
    for t in templates:
        if isinstance(t, Literal) and t.language:
            parts = re.split(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}", str(t))
            patterns.append((t.language, re.compile("^" + "(.*?)".join(re.escape(p) for p in parts) + "$", re.S)))
    found = set()
    for m in messages:
        lang = m.language if isinstance(m, Literal) else None
        if not lang:
            lang = next((tag for tag, rx in patterns if rx.match(str(m))), "")
        found.add((lang, str(m)))
    return tuple(sorted(found))


def _pick(pairs: tuple[tuple[str, str], ...], lang: str) -> str | None:
    """From (language, text) pairs: the one in ``lang``, else English, else untagged, else any."""
    found = dict(pairs)
    for want in (lang, "en", ""):
        if want in found:
            return found[want]
    return next(iter(found.values()), None)


def _tagged(graph: Graph, node, prop) -> tuple[tuple[str, str], ...]:
    """The literal values of ``node prop`` as sorted (language, text) pairs ("" when untagged)."""
    found = {(o.language or "", str(o)) for o in graph.objects(node, prop) if isinstance(o, Literal)}
    return tuple(sorted(found))


def _labels(graph: Graph, node) -> tuple[tuple[str, str], ...]:
    """The (language, label) pairs naming ``node``, from the first label property it has."""
    if node is None:
        return ()
    for prop in _LABELS:
        found = _tagged(graph, node, prop)
        if found:
            return found
    return ()


def _property_labels(data: Graph, shapes: Graph, path, source_shape) -> tuple[tuple[str, str], ...]:
    """Labels of a property: the ontology's rdfs:label, else the shape's sh:name."""
    found = _tagged(data, path, RDFS.label) if isinstance(path, URIRef) else ()
    if not found and source_shape is not None:
        found = _tagged(shapes, source_shape, SH.name)
    return found


def _node_shape(shapes: Graph, shape) -> str | None:
    """The named node shape a (possibly nested, blank) source shape belongs to."""
    if shape is None:
        return None
    seen, frontier = set(), [shape]
    while frontier:
        nxt = []
        for s in frontier:
            if s in seen:
                continue
            seen.add(s)
            if isinstance(s, URIRef) and (s, RDF.type, SH.NodeShape) in shapes:
                return str(s)
            nxt.extend(shapes.subjects(None, s))
        frontier = nxt
    return str(shape) if isinstance(shape, URIRef) else None


def _path_text(graph: Graph, path) -> str:
    """A complex SHACL property path in SPARQL-like notation (§2.3.1)."""
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (str(inverse) if isinstance(inverse, URIRef) else _path_text(graph, inverse))
    if graph.value(path, RDF.first) is not None:
        from rdflib.collection import Collection

        return "/".join(str(p) if isinstance(p, URIRef) else _path_text(graph, p) for p in Collection(graph, path))
    for op, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, op)
        if inner is not None:
            return (str(inner) if isinstance(inner, URIRef) else _path_text(graph, inner)) + mark
    return str(path)


#: the prefixes reports are written with: the project's map plus the shapes' namespace
REPORT_PREFIXES = {**prefixes(), "nkgsh": SHAPES_NS}
_NM_GRAPH = Graph(bind_namespaces="none")
for _p, _ns in REPORT_PREFIXES.items():
    _NM_GRAPH.bind(_p, _ns)


def _short(iri: str) -> str:
    """A prefixed name for ``iri`` when one of the project's prefixes fits, else <iri>."""
    try:
        return _NM_GRAPH.namespace_manager.normalizeUri(URIRef(iri))
    except Exception:  # noqa: BLE001 - rdflib raises varied errors for IRIs it cannot shorten
        return f"<{iri}>"


def _term_text(term) -> str:
    """A value in Turtle notation with the project's prefixes (e.g. ``"12"^^xsd:integer``)."""
    return term.n3(_NM_GRAPH.namespace_manager)
