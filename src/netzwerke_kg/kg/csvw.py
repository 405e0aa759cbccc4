"""Tables of the main classes, generated from the SHACL shapes, with CSVW metadata that maps them back.

For networks, cities, memberships, sources and claims the release holds ``{table}.csv`` and
``{table}.csv-metadata.json`` (CSV on the Web, W3C Recommendation 2015: "Metadata Vocabulary for
Tabular Data", file-specific metadata as in "Model for Tabular Data" §5.2), so that a CSVW
processor ("Generating RDF from Tabular Data on the Web", csv2rdf) turns each CSV back into the
same triples: the row's ``aboutUrl`` is the resource IRI, each column's ``propertyUrl`` the
property, IRIs come from ``valueUrl`` templates, literals keep their datatype or language.

Columns: one per property the shapes that apply to the class allow (SHACL §2.1.3 targets:
``sh:targetClass``, ``sh:targetSubjectsOf`` and ``sh:targetObjectsOf`` that select instances of
the class; SHACL §2.3 property shapes' ``sh:path``), plus ``rdf:type``. A property whose values
come in several kinds (IRIs, languages, datatypes) gets one column per kind, and one numbered
column per further value, because a CSVW ``valueUrl`` names one IRI per cell.

``datapackage.json`` describes the same CSV files as a Frictionless Data Package (Data Package
and Table Schema specs, https://datapackage.org/), so ``frictionless validate`` checks them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import FOAF, RDF, SH, XSD

from netzwerke_kg.kg import dumps
from netzwerke_kg.namespaces import ORG, SCHEMA, nkg

#: table name -> (class local to its namespace, title); in the order they are listed
TABLES = {
    "networks": ("CityNetwork", "City networks"),
    "cities": (str(SCHEMA.City), "Cities"),
    "memberships": (str(ORG.Membership), "Memberships"),
    "sources": (str(FOAF.Document), "Source documents"),
    "claims": ("Claim", "Claims (statements with their source and date)"),
}
#: CSVW built-in datatypes (Metadata Vocabulary §5.11.1) we map XSD datatypes to by local name
CSVW_DATATYPES = {"string", "integer", "decimal", "double", "float", "boolean", "date", "dateTime",
                  "time", "gYear", "gYearMonth", "gMonthDay", "anyURI", "nonNegativeInteger",
                  "positiveInteger", "long", "int", "duration"}
#: Table Schema field type of each CSVW datatype (the rest are strings)
FRICTIONLESS_TYPES = {"integer": "integer", "nonNegativeInteger": "integer", "positiveInteger": "integer",
                      "long": "integer", "int": "integer", "decimal": "number", "double": "number",
                      "float": "number", "boolean": "boolean", "date": "date", "dateTime": "datetime",
                      "gYear": "year", "gYearMonth": "yearmonth"}
IRI = "iri"


@dataclass(frozen=True)
class Column:
    """One CSV column: its name, the property, the kind of value and which value of several it holds."""

    name: str
    path: URIRef
    kind: str  # "iri", "@lang" or a datatype IRI
    index: int = 1

    def cell(self, value) -> str:
        """The CSV text of one RDF term in this column."""
        return str(value)

    def metadata(self) -> dict:
        """The CSVW column description (Metadata Vocabulary §5.6)."""
        col: dict = {"name": self.name, "titles": self.name, "propertyUrl": str(self.path)}
        if self.kind == IRI:
            col["valueUrl"] = "{+" + self.name + "}"
            col["datatype"] = "string"
        elif self.kind.startswith("@"):
            col["datatype"] = "string"
            col["lang"] = self.kind[1:]
        else:
            col["datatype"] = _csvw_datatype(self.kind)
        return col

    def field(self) -> dict:
        """The Frictionless Table Schema field of this column."""
        if self.kind == IRI:
            return {"name": self.name, "type": "string", "format": "uri"}
        local = self.kind.rsplit("#", 1)[-1]
        kind = FRICTIONLESS_TYPES.get(local, "string") if not self.kind.startswith("@") else "string"
        out = {"name": self.name, "type": kind}
        if kind == "boolean":
            out.update(trueValues=["true", "1"], falseValues=["false", "0"])
        return out


def _csvw_datatype(datatype: str):
    """A CSVW datatype: the built-in name for XSD types, else a derived string type with its IRI."""
    if datatype.startswith(str(XSD)) and datatype[len(str(XSD)):] in CSVW_DATATYPES:
        return datatype[len(str(XSD)):]
    return {"base": "string", "@id": datatype}


def _local(iri: str, prefixes: Mapping[str, str]) -> str:
    """``prefix_local`` for a property IRI (a CSVW column name: letters, digits, underscore)."""
    for p, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and p:
            return re.sub(r"\W", "_", f"{p}_{iri[len(ns):]}")
    return re.sub(r"\W", "_", iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def _kind(term) -> str:
    """The kind of an RDF term for column purposes: iri, @lang or the datatype IRI."""
    if isinstance(term, URIRef):
        return IRI
    if isinstance(term, Literal) and term.language:
        return "@" + term.language
    return str(term.datatype or XSD.string)


def _shape_kind(shapes: Graph, prop) -> str:
    """The kind of value a property shape allows, for a column without any value in the data."""
    datatype = shapes.value(prop, SH.datatype)
    if datatype == RDF.langString:
        return "@en"
    if datatype is not None:
        return str(datatype)
    if shapes.value(prop, SH["class"]) is not None or shapes.value(prop, SH.nodeKind) == SH.IRI:
        return IRI
    return str(XSD.string)


def applicable_paths(shapes: Graph, cls: URIRef, instances: set, triples: set) -> dict[URIRef, list]:
    """Property -> the property shapes allowing it, over every node shape that targets ``cls``'s instances."""
    subjects_of = {p for s, p, _ in triples if s in instances}
    objects_of = {p for _, p, o in triples if o in instances}
    paths: dict[URIRef, list] = defaultdict(list)
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        targets = (cls in set(shapes.objects(shape, SH.targetClass))
                   or any(p in subjects_of for p in shapes.objects(shape, SH.targetSubjectsOf))
                   or any(p in objects_of for p in shapes.objects(shape, SH.targetObjectsOf)))
        if not targets:
            continue
        props = list(shapes.objects(shape, SH.property))
        for logical in (SH["or"], SH.xone, SH["and"]):  # node-level alternatives name paths too
            for head in shapes.objects(shape, logical):
                props += list(Collection(shapes, head))
        for prop in props:
            path = shapes.value(prop, SH.path)
            if isinstance(path, URIRef):  # only predicate paths are columns (SHACL §2.3.1.1)
                paths[path].append(prop)
    paths.setdefault(RDF.type, [])
    return paths


def columns_for(shapes: Graph, cls: URIRef, triples: set, prefixes: Mapping[str, str]) -> tuple[set, list[Column]]:
    """The instances of ``cls`` and the columns of their table, in a stable order."""
    instances = {s for s, p, o in triples if p == RDF.type and o == cls}
    paths = applicable_paths(shapes, cls, instances, triples)
    # how many values of each kind each instance has per property
    most: dict = defaultdict(Counter)
    for s, p, o in triples:
        if s in instances and p in paths:
            most[(p, _kind(o))][s] += 1
    columns: list[Column] = []
    for path in sorted(paths, key=lambda p: (p != RDF.type, _local(str(p), prefixes))):
        kinds = sorted({k for (p, k) in most if p == path})
        if not kinds:
            kinds = [_shape_kind(shapes, paths[path][0]) if paths[path] else IRI]
        base = _local(str(path), prefixes)
        for kind in kinds:
            suffix = ""
            if len(kinds) > 1 or kind.startswith("@"):
                suffix = "_" + re.sub(r"\W", "_", kind[1:] if kind.startswith("@") else
                                      ("iri" if kind == IRI else kind.rsplit("#", 1)[-1]))
            count = max(most[(path, kind)].values(), default=1)
            for i in range(1, count + 1):
                columns.append(Column(base + suffix + ("" if i == 1 else f"_{i}"), path, kind, i))
    return instances, columns


def _one_form(term):
    """A literal in the one lexical form every dump and answer uses (kg.dumps: canonical XSD
    values, lower-case language tags), so the tables round-trip to the dumps' triples."""
    if not isinstance(term, Literal):
        return term
    if term.language:
        return Literal(str(term), lang=term.language.lower())
    if term.datatype is not None and term.datatype not in (XSD.string, RDF.langString):
        return Literal(dumps.canonical(str(term), str(term.datatype)), datatype=term.datatype,
                       normalize=False)
    return term


def table_csv(instances: set, columns: list[Column], triples: set) -> bytes:
    """The CSV (RFC 4180, UTF-8, CRLF) of one table: ``id`` then the columns, one row per instance."""
    values: dict = defaultdict(list)
    for s, p, o in triples:
        if s in instances:
            values[(s, p, _kind(o))].append(o)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id"] + [c.name for c in columns])
    for s in sorted(instances, key=str):
        row = [str(s)]
        for c in columns:
            these = sorted(values.get((s, c.path, c.kind), []), key=str)
            row.append(c.cell(these[c.index - 1]) if len(these) >= c.index else "")
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def table_metadata(name: str, title: str, cls: URIRef, columns: list[Column], licence: str,
                   dataset: str) -> dict:
    """The CSVW metadata of one table (Metadata Vocabulary §5.3 tables, §5.5 schemas)."""
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": f"{name}.csv",
        "dc:title": title,
        "dc:license": {"@id": licence},
        "dc:isPartOf": {"@id": dataset},
        "rdfs:comment": f"Every {cls} of the release, one row each; generated from the SHACL shapes.",
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {
            "aboutUrl": "{+id}",
            "primaryKey": "id",
            "columns": [{"name": "id", "titles": "id", "datatype": "string", "required": True,
                         "suppressOutput": True}] + [c.metadata() for c in columns],
        },
    }


def tables(shapes: Graph, triples: Iterable, prefixes: Mapping[str, str], base: str,
           licence: str, dataset: str) -> dict[str, bytes]:
    """Every table file of the release: CSV, CSVW metadata per table, and datapackage.json."""
    triples = {(s, p, _one_form(o)) for s, p, o in triples}
    files: dict[str, bytes] = {}
    resources = []
    for name, (cls_name, title) in TABLES.items():
        cls = URIRef(cls_name if "/" in cls_name else str(nkg(base)[cls_name]))
        instances, columns = columns_for(shapes, cls, triples, prefixes)
        files[f"{name}.csv"] = table_csv(instances, columns, triples)
        meta = table_metadata(name, title, cls, columns, licence, dataset)
        files[f"{name}.csv-metadata.json"] = _json(meta)
        resources.append({"name": name, "path": f"{name}.csv", "title": title, "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": {"fields": [{"name": "id", "type": "string", "format": "uri",
                                                 "constraints": {"required": True, "unique": True}}]
                                     + [c.field() for c in columns],
                                     "primaryKey": ["id"]}})
    package = {"name": "netzwerke-kg-tables", "title": "Tables of Rostock's international city networks",
               "profile": "tabular-data-package", "id": dataset,
               "licenses": [{"name": "CC-BY-4.0", "path": licence, "title": "Creative Commons Attribution 4.0"}],
               "resources": resources}
    files["datapackage.json"] = _json(package)
    return files


def _json(data: dict) -> bytes:
    """Stable, readable JSON bytes."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def release_tables(sources, graphs: Mapping[str, set], merged: set, prefixes: Mapping[str, str],
                   base: str) -> dict[str, bytes]:
    """The table files of a build (kg.build.render): columns from the published shapes graph."""
    from netzwerke_kg.kg.void import LICENCE, dataset_iri
    from netzwerke_kg.namespaces import graph_iri

    shapes = Graph()
    for f in sources.files:
        if f.kind == "shapes":
            for triple in graphs[graph_iri(f.name, base)]:
                shapes.add(triple)
    return tables(shapes, merged, prefixes, base, str(LICENCE), str(dataset_iri(base)))


def manifest_entries(files: Mapping[str, bytes]) -> list[dict]:
    """Manifest ``files`` entries (kg.build's form) for the table files among ``files``."""
    import hashlib

    out = []
    for name in sorted(files):
        if name.endswith(".csv") or name.endswith(".csv-metadata.json") or name == "datapackage.json":
            fmt = "csv" if name.endswith(".csv") else "csvw-metadata" if name.endswith("-metadata.json") \
                else "datapackage"
            media = {"csv": "text/csv", "csvw-metadata": "application/csvm+json",
                     "datapackage": "application/json"}[fmt]
            out.append({"path": name, "format": fmt, "media_type": media, "bytes": len(files[name]),
                        "sha256": hashlib.sha256(files[name]).hexdigest(), "triples": None, "gzip": None})
    return out
