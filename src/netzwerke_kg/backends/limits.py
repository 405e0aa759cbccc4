"""What a query may do here, decided before any engine sees it: read-only, no outbound requests, our graphs only.

A SPARQL lexer (the grammar's terminals, SPARQL 1.1 Query §19.8,
https://www.w3.org/TR/sparql11-query/#terminals) finds the query form, every ``SERVICE`` target
and every ``FROM`` / ``FROM NAMED`` graph, resolving prefixed names through the prologue. Full
parsing stays with the engine: this module only refuses. Both backends call :func:`check_query`,
so a remote engine (which *would* follow SERVICE or Virtuoso's ``DEFINE get:soft``) is protected
exactly like the embedded one; the embedded engine's workers additionally cannot open sockets at
all (backends/sandbox.py), so a misreading here still fetches nothing.

It reads the text the way the engine does, not more loosely:

- ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are decoded inside IRIs and strings (§19.2), where the
  engine decodes them; an IRI such as ``<urn:\\u0061#>`` is one IRI, not ``<`` and a comment.
- Oxigraph's parser matches keywords without a word boundary (``SERVICESILENT <x>``,
  ``SERVICE:x`` and ``trueSERVICE`` all parse as SERVICE), so any ``service`` inside a keyword,
  a prefix name, or an IRI that could also be read as ``?a < … >`` is refused, not guessed.
- An unterminated string is a syntax error here already (the rest of the text would otherwise be
  read two ways).

The lexer is one regular expression whose alternatives never rescan (possessive quantifiers, an
explicit "unterminated" alternative), so its cost is linear in the query's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from netzwerke_kg.backends.base import QueryRefusedError, QuerySyntaxError


class UpdateRefusedError(QueryRefusedError):
    """SPARQL Update sent to this read-only endpoint (HTTP 403)."""


#: keywords that occur only in SPARQL 1.1 Update requests (https://www.w3.org/TR/sparql11-update/)
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
#: the deepest nesting of (), {} and [] accepted: the engine's parser recurses, and far deeper
#: nesting (measured: 5,000 levels) overflows its stack; no real query comes near 1,000
MAX_NESTING = 1000
#: IRI schemes under which an engine exposes its own procedures (Virtuoso: bif: file_to_string,
#: sql: …); no standard query needs them, and a remote engine would run them
ENGINE_FUNCTIONS = ("bif:", "sql:")
#: functions whose value changes from one evaluation to the next (SPARQL 1.1 Query §17.4)
VOLATILE = {"NOW", "RAND", "UUID", "STRUUID", "BNODE"}

_ESCAPE = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s++)
  | (?P<comment>\#[^\n\r]*+)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_ESCAPE})*+>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*+'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*+\"\"\"
              |'(?:[^'\\\n\r]|\\.)*+'|"(?:[^"\\\n\r]|\\.)*+")
  | (?P<unterminated>'''(?:[^'\\]|\\.|'(?!''))*+|\"\"\"(?:[^"\\]|\\.|"(?!""))*+
              |'(?:[^'\\\n\r]|\\.)*+|"(?:[^"\\\n\r]|\\.)*+)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]++)
  | (?P<number>\d++(?:\.\d*+)?(?:[eE][+-]?\d++)?|\.\d++(?:[eE][+-]?\d++)?)
  | (?P<name>[^\W\d][\w.\-\u00B7\u0300-\u036F\u203F-\u2040]*+(?::(?:[\w\-:.%\u00B7]|\\.)*+)?)
  | (?P<pname>:(?:[\w\-:.%\u00B7]|\\.)*+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UNESCAPE = re.compile(_ESCAPE.replace("\\\\u", "\\\\u(?P<u>").replace("{4}", "{4})").replace("\\\\U", "\\\\U(?P<U>").replace("{8}", "{8})"))
_SERVICE = re.compile("service", re.IGNORECASE)
#: an absolute hierarchical IRI (``scheme://``): cannot also be read as ``?a < … >``
_HIERARCHICAL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")


def unescape(text: str) -> str:
    """Decode ``\\uXXXX`` / ``\\UXXXXXXXX`` (SPARQL 1.1 Query §19.2) as the engine does in IRIs and strings."""
    return _UNESCAPE.sub(lambda m: chr(int(m.group("u") or m.group("U"), 16)), text)


@dataclass
class QueryInfo:
    """What the lexer learnt about a query."""

    form: str | None  # SELECT | ASK | CONSTRUCT | DESCRIBE, or None when it found none
    update_keyword: str | None = None
    services: list[str | None] = field(default_factory=list)  # None: SERVICE ?variable
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    pragma: str | None = None  # a non-standard prologue keyword such as Virtuoso's DEFINE
    #: text that an engine could read as SERVICE although it is no clean SERVICE keyword
    hidden_service: str | None = None
    #: the answer may differ between two runs (NOW, RAND, UUID, STRUUID, BNODE): never cache it
    volatile: bool = False
    #: the deepest nesting of brackets
    depth: int = 0
    #: an engine's own function namespace (Virtuoso's bif:, sql:), which can reach past the data
    engine_function: str | None = None

    @property
    def is_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE (RDF graph results)."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    @property
    def has_dataset_clause(self) -> bool:
        """True when the query names its own dataset with FROM / FROM NAMED."""
        return bool(self.from_graphs or self.from_named)


def _tokens(text: str):
    """(kind, value, offset) of the significant tokens of ``text``; names are split as the engine may.

    A name run without a colon (``true.SERVICE``) becomes its words and dots; a prefixed name
    stays whole (``kind`` "pname"), a blank node label ``_:x`` is kind "bnode".
    """
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = m.group()
        if kind == "unterminated":
            line = text.count("\n", 0, m.start()) + 1
            raise QuerySyntaxError(f"Syntax error in the query: the string starting on line {line} "
                                   f"({value[:20]!r}…) is never closed.")
        if kind == "name":
            if ":" in value:
                kind = "bnode" if value.startswith("_:") else "pname"
            else:
                for part in re.finditer(r"[^\W\d]\w*|\d+|.", value):
                    yield ("word" if part.group()[0].isalpha() or part.group()[0] == "_" else "other",
                           part.group(), m.start() + part.start())
                continue
        yield kind, value, m.start()


#: characters IRIREF excludes (SPARQL 1.1 Query §19.8 [139])
_NOT_IN_IRI = set('<>"{}|^`\\') | {chr(c) for c in range(0x21)}
_STRING_PART = re.compile(rf"{_ESCAPE}|\\.|.", re.DOTALL)
_ECHAR = {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r"}


def canonical(text: str, base: str | None = None, drop_dataset: bool = False) -> str:
    """The query with comments dropped and every ``\\u``/``\\U`` escape written out, for another engine.

    Engines disagree on where escapes are decoded (SPARQL 1.1 Query §19.2 says before parsing;
    Oxigraph decodes inside IRIs and strings only). Without escapes and comments, both readings
    are the one this module checked. An escape that would decode to a character an IRI cannot
    hold is refused. ``base`` is put first as ``BASE`` (Protocol §2.3: the service's base IRI;
    a BASE in the query still overrides it); ``drop_dataset`` removes FROM / FROM NAMED clauses
    (Protocol §2.1.4: dataset parameters in the request replace them, which not every engine does).
    """
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    out = [f"BASE <{base}>\n"] if base else []
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        i += 1
        if kind == "comment":
            continue
        if drop_dataset and kind == "name" and value.upper() == "FROM":
            i = _skip_dataset_clause(tokens, i)
            continue
        if kind == "iri" and "\\" in value:
            body = unescape(value[1:-1])
            if any(c in _NOT_IN_IRI for c in body):
                raise QueryRefusedError(f"The IRI {value[:80]} decodes to characters an IRI may not contain.")
            value = f"<{body}>"
        elif kind == "string" and ("\\u" in value or "\\U" in value):
            quote = 3 if value[:3] in ("\'\'\'", '\"\"\"') else 1
            parts = _STRING_PART.findall(value[quote:-quote])
            body = "".join(_ECHAR.get(unescape(p), unescape(p)) if p[:2] in ("\\u", "\\U") else p
                           for p in parts)
            value = value[:quote] + body + value[-quote:]
        out.append(value)
    return "".join(out)


def _skip_dataset_clause(tokens: list, i: int) -> int:
    """The index after ``[NAMED] <iri>|prefix:name`` following a FROM (whitespace and comments skipped)."""
    def significant(j: int) -> int:
        while j < len(tokens) and tokens[j][0] in ("ws", "comment"):
            j += 1
        return j

    j = significant(i)
    if j < len(tokens) and tokens[j][0] == "name" and tokens[j][1].upper() == "NAMED":
        j = significant(j + 1)
    if j < len(tokens) and tokens[j][0] in ("iri", "name", "pname"):
        return j + 1
    return i


def _hidden_service(kind: str, value: str) -> bool:
    """True when a token that is not the plain SERVICE keyword could still be read as one."""
    if kind == "word":
        return value.upper() != "SERVICE" and bool(_SERVICE.search(value))
    if kind == "pname":
        return bool(_SERVICE.search(value.partition(":")[0]))
    if kind == "iri":
        body = value[1:-1]
        return not _HIERARCHICAL.match(body) and bool(_SERVICE.search(body))
    return False


def inspect_query(text: str, base: str = "") -> QueryInfo:
    """Lex a query: its form, SERVICE targets, FROM graphs, update keywords and pragmas.

    ``base`` is the service's base IRI for relative IRIs (SPARQL 1.1 Protocol §2.3; BASE in the
    query overrides it). Raises QuerySyntaxError for an unterminated string (the one thing this
    lexer must not guess).
    """
    toks = [(k, v) for k, v, _ in _tokens(text)]
    prefixes: dict[str, str] = {}
    info = QueryInfo(form=None)

    def resolve(kind: str, value: str) -> str | None:
        """An IRI token or prefixed name as an absolute IRI; None when it cannot be resolved."""
        if kind == "iri":
            iri = unescape(value[1:-1])
            return urljoin(base, iri) if base else iri
        if kind == "pname":
            prefix, _, local = value.partition(":")
            if prefix in prefixes:
                return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None

    depth = 0
    for kind, value in toks:
        if kind == "other" and value in "({[":
            depth += 1
            info.depth = max(info.depth, depth)
        elif kind == "other" and value in ")}]":
            depth -= 1
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        if info.hidden_service is None and _hidden_service(kind, value):
            info.hidden_service = value[:80]
        if kind in ("iri", "pname") and info.engine_function is None:
            named = (resolve(kind, value) or value).lower()
            if named.startswith(ENGINE_FUNCTIONS):
                info.engine_function = value[:80]
        upper = value.upper() if kind == "word" else ""
        if upper in VOLATILE:
            info.volatile = True
        if upper == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
            base = resolve("iri", toks[i + 1][1]) or ""
            i += 2
            continue
        if upper == "PREFIX" and i + 2 < len(toks) and toks[i + 1][0] == "pname" and toks[i + 2][0] == "iri":
            if _hidden_service("pname", toks[i + 1][1]) and info.hidden_service is None:
                info.hidden_service = toks[i + 1][1]
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
            else:
                info.services.append(None)
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
    if info.depth > MAX_NESTING:
        raise QueryRefusedError(
            f"The query nests brackets {info.depth} levels deep; this endpoint accepts at most "
            f"{MAX_NESTING} (deeper nesting would exhaust the parser's stack)."
        )
    if info.engine_function is not None:
        raise QueryRefusedError(
            f"{info.engine_function} names an engine's own procedure (bif:, sql:); only SPARQL 1.1 "
            "functions are available here."
        )
    if info.hidden_service is not None:
        raise QueryRefusedError(
            f"The query contains {info.hidden_service!r}, which a SPARQL engine may read as a SERVICE "
            "clause; this endpoint makes no outbound requests, so it is refused. If no SERVICE is "
            "meant, rename the prefix or variable, or write the IRI in full (http://…)."
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
    try:
        tokens = [(k, v) for k, v, _ in _tokens(text)]
    except QuerySyntaxError:
        return None
    for kind, value in tokens:
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
