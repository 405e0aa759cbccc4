"""``netzwerke-kg stats``: counts per class and per network, by SPARQL over the sources in pyoxigraph.

Every source file is loaded into its own named graph of an in-memory pyoxigraph store (the same
graphs the build publishes); the counts are SPARQL 1.1 aggregate queries
(https://www.w3.org/TR/sparql11-query/#aggregates) whose default graph is ontology + data, so the
shapes do not count as instances.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from netzwerke_kg.kg.sources import discover, read_source
from netzwerke_kg.namespaces import prefix_block, prefixes

PREFIXES = prefix_block()

CLASSES = PREFIXES + """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) (SAMPLE(?l) AS ?label) WHERE {
  ?s a ?class .
  OPTIONAL { ?class rdfs:label ?l FILTER(langMatches(lang(?l), "en")) }
} GROUP BY ?class ORDER BY DESC(?n) STR(?class)
"""

NETWORKS = PREFIXES + """
SELECT ?network (SAMPLE(?en) AS ?label_en) (SAMPLE(?de) AS ?label_de) WHERE {
  ?network a nkg:CityNetwork .
  OPTIONAL { ?network rdfs:label ?en FILTER(langMatches(lang(?en), "en")) }
  OPTIONAL { ?network rdfs:label ?de FILTER(langMatches(lang(?de), "de")) }
} GROUP BY ?network ORDER BY STR(?network)
"""

MEMBERS = PREFIXES + """
SELECT ?network (COUNT(DISTINCT ?m) AS ?memberships) (COUNT(DISTINCT ?member) AS ?members) WHERE {
  ?m a org:Membership ; org:organization ?network .
  OPTIONAL { ?m org:member ?member }
} GROUP BY ?network
"""

ROLES = PREFIXES + """
SELECT ?network ?role (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?member) AS ?n) WHERE {
  ?m a org:Membership ; org:organization ?network ; org:member ?member ; org:role ?role .
  OPTIONAL { ?role rdfs:label ?l FILTER(langMatches(lang(?l), "en")) }
} GROUP BY ?network ?role ORDER BY DESC(?n) STR(?role)
"""

MEMBER_KINDS = PREFIXES + """
SELECT ?network ?kind (COUNT(DISTINCT ?member) AS ?n) WHERE {
  ?m a org:Membership ; org:organization ?network ; org:member ?member .
  ?member a ?kind .
  FILTER(?kind IN (schema:City, schema:AdministrativeArea, schema:Country, org:Organization))
} GROUP BY ?network ?kind ORDER BY STR(?kind)
"""

CLAIMS = PREFIXES + """
SELECT ?network (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a nkg:Claim ; rdf:subject ?network . }
GROUP BY ?network
"""

DISAGREEMENTS = PREFIXES + """
SELECT ?network (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a nkg:Disagreement ; nkg:about ?network . }
GROUP BY ?network
"""

# the sources of what is said about a network: itself, its memberships, claims and founding
SOURCES = PREFIXES + """
SELECT ?network (COUNT(DISTINCT ?src) AS ?n) WHERE {
  { ?network prov:wasDerivedFrom ?src }
  UNION { ?m org:organization ?network ; prov:wasDerivedFrom ?src }
  UNION { ?c a nkg:Claim ; rdf:subject ?network ; prov:wasDerivedFrom ?src }
  UNION { ?f nkg:founded ?network ; prov:wasDerivedFrom ?src }
} GROUP BY ?network
"""

TOTALS = PREFIXES + """
SELECT
  (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?dis) AS ?disagreements)
  (COUNT(DISTINCT ?doc) AS ?sources) (COUNT(DISTINCT ?m) AS ?memberships)
WHERE {
  { ?claim a nkg:Claim } UNION { ?dis a nkg:Disagreement }
  UNION { ?doc a foaf:Document } UNION { ?doc a schema:WebPage } UNION { ?m a org:Membership }
}
"""


def load_store(root) -> tuple[ox.Store, list[ox.NamedNode], list[ox.NamedNode]]:
    """The sources in a pyoxigraph store; also the ontology+data graphs and all graphs."""
    root = Path(root)
    store = ox.Store()
    content: list[ox.NamedNode] = []
    every: list[ox.NamedNode] = []
    for f in discover(root):
        g = ox.NamedNode(str(f.graph_iri()))
        store.load(read_source(root, f), format=ox.RdfFormat.TURTLE,
                   base_iri=f.on_disk(root).resolve().as_uri(), to_graph=g)
        every.append(g)
        if f.kind in ("ontology", "data"):
            content.append(g)
    return store, content, every


def _rows(store, query, graphs) -> list[dict]:
    """SELECT rows as dicts of Python values (IRIs and strings as str, counts as int)."""
    rows = []
    results = store.query(query, default_graph=graphs or [ox.DefaultGraph()])
    names = [v.value for v in results.variables]
    for sol in results:
        row = {}
        for n in names:
            term = sol[n]
            if term is None:
                row[n] = None
            elif isinstance(term, ox.Literal) and term.datatype.value.endswith("#integer"):
                row[n] = int(term.value)
            else:
                row[n] = term.value
        rows.append(row)
    return rows


def _per_network(rows: list[dict], pair) -> dict[str, dict]:
    """network IRI -> {key: value} from rows carrying a ?network column, in row order."""
    out: dict[str, dict] = {}
    for r in rows:
        key, value = pair(r)
        out.setdefault(r["network"], {})[key] = value
    return out


def compute_stats(root) -> dict:
    """Counts per class, per network (members, roles, claims, disagreements, sources) and totals."""
    store, content, every = load_store(root)
    graphs = {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in every}
    # the merged graph: a triple stated in two files counts once, as in the build's dumps
    triples = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                    content)[0]["n"]
    classes = [{"class": r["class"], "label": r["label"], "count": r["n"]}
               for r in _rows(store, CLASSES, content)]
    members = {r["network"]: r for r in _rows(store, MEMBERS, content)}
    roles = _per_network(_rows(store, ROLES, content), lambda r: (r["label"] or r["role"], r["n"]))
    kinds = _per_network(_rows(store, MEMBER_KINDS, content), lambda r: (r["kind"], r["n"]))
    claims = {r["network"]: r["n"] for r in _rows(store, CLAIMS, content)}
    disagreements = {r["network"]: r["n"] for r in _rows(store, DISAGREEMENTS, content)}
    sources = {r["network"]: r["n"] for r in _rows(store, SOURCES, content)}
    networks = []
    for r in _rows(store, NETWORKS, content):
        net = r["network"]
        networks.append({
            "network": net,
            "label_en": r["label_en"],
            "label_de": r["label_de"],
            "memberships": members.get(net, {}).get("memberships", 0),
            "members": members.get(net, {}).get("members", 0),
            "roles": roles.get(net, {}),
            "member_kinds": kinds.get(net, {}),
            "claims": claims.get(net, 0),
            "disagreements": disagreements.get(net, 0),
            "sources": sources.get(net, 0),
        })
    totals = _rows(store, TOTALS, content)[0]
    return {
        "triples": triples,
        "quads": len(store),
        "graphs": dict(sorted(graphs.items())),
        "classes": classes,
        "networks": networks,
        "totals": totals,
    }


def _short(iri: str) -> str:
    """A prefixed name for display."""
    for p, ns in sorted(prefixes().items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{p}:{iri[len(ns):]}"
    return f"<{iri}>"


def format_stats(stats: dict, fmt: str = "text") -> str:
    """The stats as JSON (sorted keys) or as a plain-text table."""
    if fmt == "json":
        return json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False)
    t = stats["totals"]
    lines = [f"{stats['triples']} triples (ontology+data), {stats['quads']} quads in "
             f"{len(stats['graphs'])} named graphs",
             f"{t['memberships']} memberships, {t['claims']} claims, {t['disagreements']} disagreements, "
             f"{t['sources']} source documents", "", "Networks:"]
    for n in stats["networks"]:
        lines.append(f"  {n['label_en'] or n['label_de'] or _short(n['network'])}  <{n['network']}>")
        kinds = ", ".join(f"{c} {_short(k)}" for k, c in n["member_kinds"].items())
        lines.append(f"    members: {n['members']} ({n['memberships']} memberships" + (f"; {kinds}" if kinds else "") + ")")
        if n["roles"]:
            lines.append("    roles: " + ", ".join(f"{label} {c}" for label, c in n["roles"].items()))
        lines.append(f"    claims: {n['claims']}, disagreements: {n['disagreements']}, sources: {n['sources']}")
    if not stats["networks"]:
        lines.append("  (none)")
    lines += ["", "Classes (instances):"]
    width = max((len(_short(c["class"])) for c in stats["classes"]), default=0)
    for c in stats["classes"]:
        lines.append((f"  {c['count']:>6}  {_short(c['class']):<{width}}"
                      + (f"  {c['label']}" if c["label"] else "")).rstrip())
    return "\n".join(lines)
