"""What a query may do here, decided before any engine sees it: read-only, no outbound requests, our graphs only.

A small SPARQL lexer (strings, IRIs, comments, prefixed names; the grammar's terminals from
SPARQL 1.1 Query §19.8, https://www.w3.org/TR/sparql11-query/#terminals) finds the query form,
every ``SERVICE`` target and every ``FROM`` / ``FROM NAMED`` graph, resolving prefixed names
through the prologue. Full parsing stays with the engine: this module only refuses.
Both backends call :func:`check_query`, so a remote engine (which *would* follow SERVICE or
Virtuoso's ``DEFINE get:soft``) is protected exactly like the embedded one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from netzwerke_kg.backends.base import QueryRefusedError


class UpdateRefusedError(QueryRefusedError):
    """SPARQL Update sent to this read-only endpoint (HTTP 403)."""


#: keywords that occur only in SPARQL 1.1 Update requests (https://www.w3.org/TR/sparql11-update/)
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[^\W\d_][\w\-.]*)?:(?:[\w\-:%]|\\.|\.(?=[\w\-:%]))*)
  | (?P<word>[^\W\d][\w]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class QueryInfo:
    """What the lexer learnt about a query."""

    form: str | None  # SELECT | ASK | CONSTRUCT | DESCRIBE, or None when it found none
    update_keyword: str | None = None
    services: list[str | None] = field(default_factory=list)  # None: SERVICE ?variable
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    pragma: str | None = None  # a non-standard prologue keyword such as Virtuoso's DEFINE

    @property
    def is_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE (RDF graph results)."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    @property
    def has_dataset_clause(self) -> bool:
        """True when the query names its own dataset with FROM / FROM NAMED."""
        return bool(self.from_graphs or self.from_named)


def _tokens(text: str):
    """(kind, value) pairs of the significant tokens of ``text``."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        yield kind, m.group()


def inspect_query(text: str) -> QueryInfo:
    """Lex a query: its form, SERVICE targets, FROM graphs, update keywords and pragmas."""
    toks = list(_tokens(text))
    prefixes: dict[str, str] = {}
    base = ""
    info = QueryInfo(form=None)

    def resolve(kind: str, value: str) -> str | None:
        """An IRI token or prefixed name as an absolute IRI; None when it cannot be resolved."""
        if kind == "iri":
            return urljoin(base, value[1:-1]) if base else value[1:-1]
        if kind == "pname":
            prefix, _, local = value.partition(":")
            if prefix in prefixes:
                return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None

    i = 0
    while i < len(toks):
        kind, value = toks[i]
        upper = value.upper() if kind == "word" else ""
        if upper == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
            base = toks[i + 1][1][1:-1]
            i += 2
            continue
        if upper == "PREFIX" and i + 2 < len(toks) and toks[i + 1][0] == "pname" and toks[i + 2][0] == "iri":
            prefixes[toks[i + 1][1].rstrip(":").partition(":")[0]] = resolve("iri", toks[i + 2][1]) or ""
            i += 3
            continue
        if upper in FORMS and info.form is None:
            info.form = upper
        elif upper in UPDATE_KEYWORDS and info.update_keyword is None:
            info.update_keyword = upper
        elif upper == "DEFINE" and info.form is None and info.pragma is None:
            info.pragma = "DEFINE"
        elif upper == "SERVICE":
            j = i + 1
            if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "SILENT":
                j += 1
            if j < len(toks):
                var = toks[j][0] == "var"
                info.services.append(None if var else (resolve(*toks[j]) or toks[j][1]))
        elif upper == "FROM":
            j = i + 1
            named = j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "NAMED"
            if named:
                j += 1
            if j < len(toks):
                iri = resolve(*toks[j]) or toks[j][1]
                (info.from_named if named else info.from_graphs).append(iri)
        i += 1
    return info


def check_query(
    info: QueryInfo,
    *,
    allowlist: tuple[str, ...] = (),
    graphs: frozenset[str] | None = None,
    default_graph_uris: tuple[str, ...] = (),
    named_graph_uris: tuple[str, ...] = (),
) -> None:
    """Refuse updates, pragmas, SERVICE outside the allowlist and datasets outside our graphs."""
    if info.update_keyword:
        raise UpdateRefusedError(
            f"This endpoint is read-only: SPARQL Update ({info.update_keyword}) is not accepted. "
            "Send a SELECT, ASK, CONSTRUCT or DESCRIBE query; the data can be downloaded under /dumps."
        )
    if info.pragma:
        raise QueryRefusedError(
            f"{info.pragma} pragmas are not part of SPARQL 1.1 and are not accepted here."
        )
    for target in info.services:
        if target is None:
            raise QueryRefusedError(
                "SERVICE with a variable endpoint is refused: this endpoint makes no outbound requests."
            )
        if target not in allowlist:
            allowed = ", ".join(f"<{a}>" for a in allowlist) or "none"
            raise QueryRefusedError(
                f"SERVICE <{target}> is refused: this endpoint makes no outbound requests "
                f"(federation allowed only to: {allowed})."
            )
    if graphs is None:
        return
    requested = [("FROM", g) for g in info.from_graphs] + [("FROM NAMED", g) for g in info.from_named]
    requested += [("default-graph-uri", g) for g in default_graph_uris]
    requested += [("named-graph-uri", g) for g in named_graph_uris]
    for where, iri in requested:
        if iri not in graphs:
            raise QueryRefusedError(
                f"{where} <{iri}> is not a graph of this dataset; nothing is ever fetched from the web. "
                f"Available graphs: {', '.join('<' + g + '>' for g in sorted(graphs))}."
            )


def undeclared_prefix(text: str) -> str | None:
    """The first prefix a query uses without declaring it (SPARQL 1.1 Query §4.1.1), if any."""
    declared: set[str] = set()
    after_prefix = False
    for kind, value in _tokens(text):
        if after_prefix and kind == "pname":
            declared.add(value.split(":", 1)[0])
            after_prefix = False
            continue
        after_prefix = kind == "word" and value.upper() == "PREFIX"
        if kind == "pname":
            prefix = value.split(":", 1)[0]
            if prefix not in declared:
                return prefix
    return None


def explain_syntax_error(text: str, message: str, known_prefixes: dict[str, str]) -> str:
    """The parser's message, plus a plain hint when the cause is an undeclared prefix."""
    explained = f"Syntax error in the query: {message}"
    prefix = undeclared_prefix(text)
    if prefix is None:
        return explained
    iri = known_prefixes.get(prefix)
    fix = f"PREFIX {prefix}: <{iri}>" if iri else f"PREFIX {prefix}: <…>"
    return f"{explained}\nThe prefix '{prefix}:' is used but not declared; add this line at the top: {fix}"
