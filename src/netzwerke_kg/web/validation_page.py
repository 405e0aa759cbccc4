"""The validation report for the clerk: results grouped by message with counts, the affected
resources by name with the file and line where each is defined (as ``netzwerke-kg validate`` prints
them), and a severity filter (``?severity=violation|warning|info``) that works without JavaScript.

Reads the SHACL report graph of the release (SHACL §3.6 https://www.w3.org/TR/shacl/#validation-report)
as meta.summarise_report does; the names come from the data through queries.py, the lines from the
release's own source files (only when their SHA-256 still matches the manifest, so a line number
never points into an edited file).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from netzwerke_kg.web import i18n, iris
from netzwerke_kg.web.resource_page import label_language

#: severities in the order of urgency, with the ?severity= value that selects each
SEVERITIES = ("Violation", "Warning", "Info")
#: what the filter buttons say
_PLURAL = {"Violation": "Violations", "Warning": "Warnings", "Info": "Notes"}
_PREFIX = re.compile(r"^\s*@?prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*)")


@lru_cache(maxsize=4)
def _lines(root: str, sources: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, int]]:
    """``{iri: (path, line)}``: where each subject is first written in the release's sources.

    Our Turtle style writes each subject at column 0 (kg/sources.subject_lines relies on the same),
    so a scan of the text is exact; a file whose bytes differ from the release is skipped."""
    found: dict[str, tuple[str, int]] = {}
    for path, sha256 in sources:
        file = Path(root) / path
        try:
            raw = file.read_bytes()
        except OSError:
            continue
        if sha256 and hashlib.sha256(raw).hexdigest() != sha256:
            continue
        namespaces: dict[str, str] = {}
        for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), start=1):
            prefix = _PREFIX.match(line)
            if prefix is not None:
                namespaces[prefix.group(1) or ""] = prefix.group(2)
                continue
            if not line or line[0].isspace() or line[0] == "#":
                continue
            subject = _SUBJECT.match(line)
            if subject is None:
                continue
            token = subject.group(1)
            if token.startswith("<"):
                iri = token[1:-1]
            else:
                name, _, local = token.partition(":")
                if name not in namespaces:
                    continue
                iri = namespaces[name] + local
            found.setdefault(iri, (path, number))
    return found


def locations(settings, manifest: dict) -> dict[str, tuple[str, int]]:
    """Where each subject of the release is defined, from the project's sources (cached per release)."""
    sources = tuple((s["path"], s.get("sha256", "")) for s in manifest.get("sources", []))
    return _lines(str(settings.root), sources)


def report_context(graph: Graph, lang: str, labeller_for, q, settings, manifest: dict,
                   severity: str | None) -> dict:
    """Everything validation.html shows: conformance, counts, results grouped by message."""
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    conforms = None
    if reports:
        value = graph.value(reports[0], SH.conforms)
        conforms = bool(value.toPython()) if isinstance(value, Literal) else None
    counts = {s: 0 for s in SEVERITIES}
    groups: dict = defaultdict(lambda: {"focus": {}, "paths": set(), "lang": ""})
    foci = set()
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        level = graph.value(result, SH.resultSeverity)
        level = str(level).rsplit("#", 1)[-1] if level is not None else "Violation"
        counts[level] = counts.get(level, 0) + 1
        messages = list(graph.objects(result, SH.resultMessage))
        mine = [m for m in messages if getattr(m, "language", None) == lang]
        english = [m for m in messages if getattr(m, "language", None) in ("en", None)]
        chosen_message = sorted(mine or english or messages, key=str)[0] if messages else None
        message = str(chosen_message) if chosen_message is not None else ""
        message_lang = getattr(chosen_message, "language", None) or ""
        focus = graph.value(result, SH.focusNode)
        group = groups[(level, message)]
        group["lang"] = message_lang
        if focus is not None:
            group["focus"][focus] = graph.value(result, SH.value)
            foci.add(focus)
        path = graph.value(result, SH.resultPath)
        if path is not None:
            group["paths"].add(path)
    labeller = labeller_for(q, foci | {p for g in groups.values() for p in g["paths"]}, lang)
    where = locations(settings, manifest)
    chosen = severity.capitalize() if severity and severity.capitalize() in SEVERITIES else None
    views = []
    for (level, message), group in groups.items():
        if chosen and level != chosen:
            continue
        resources = []
        for focus, value in group["focus"].items():
            located = where.get(str(focus))
            resources.append({
                "label": labeller.label(focus), "href": iris.url_for_iri(str(focus)), "iri": str(focus),
                "label_lang": label_language(labeller, focus),
                "where": f"{located[0]}:{located[1]}" if located else None,
                "value": None if value is None else str(value)})
        resources.sort(key=lambda r: (r["where"] is None, r["where"] or "", r["label"].casefold()))
        views.append({"severity": level, "severity_text": i18n.translate(level, lang), "message": message,
                      "message_lang": group["lang"],
                      "count": len(resources), "resources": resources,
                      "properties": sorted(labeller.label(p) for p in group["paths"])})
    views.sort(key=lambda g: (SEVERITIES.index(g["severity"]) if g["severity"] in SEVERITIES else 9,
                              -g["count"], g["message"]))
    return {
        "conforms": conforms,
        "total": sum(counts.values()),
        "violations": counts.get("Violation", 0),
        "warnings": counts.get("Warning", 0),
        "infos": counts.get("Info", 0),
        "groups": views,
        "severity": chosen,
        "filters": [(s.lower(), i18n.translate(_PLURAL[s], lang), counts.get(s, 0)) for s in SEVERITIES],
    }


def page_report(graph: Graph) -> dict:
    """report_context for the current request: page language, ?severity= (400 when unknown)."""
    from flask import abort, current_app, request

    from netzwerke_kg.web.dumps import load_manifest
    from netzwerke_kg.web.resource_page import labeller_for
    from netzwerke_kg.web.resources import queries

    severity = request.args.get("severity")
    if severity is not None and severity.capitalize() not in SEVERITIES:
        abort(400, description=f"Unknown severity {severity!r}: use violation, warning or info.")
    return report_context(graph, i18n.choose_language(), labeller_for, queries(),
                          current_app.config["SETTINGS"], load_manifest() or {}, severity)
