/* The SPARQL query editor of netzwerke-kg: highlighting, example gallery, running, results.
 *
 * No dependencies, no CDN, no eval: it runs under a Content-Security-Policy of script-src 'self'.
 * Its data (examples, prefixes, endpoint, IRI mapping) comes from the JSON block #editor-data.
 *
 * Standards: SPARQL 1.1 Query Language (https://www.w3.org/TR/sparql11-query/) §19 for the
 * tokens; SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/) §2.1.2 for the
 * form-encoded POST; SPARQL 1.1 Query Results JSON Format
 * (https://www.w3.org/TR/sparql11-results-json/) for the results table; RDF 1.1 Turtle
 * (https://www.w3.org/TR/turtle/) for graph results.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------- tokenizer (SPARQL + Turtle)

  var KEYWORDS = (
    "BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK FROM NAMED WHERE ORDER BY ASC DESC LIMIT OFFSET " +
    "DISTINCT REDUCED OPTIONAL GRAPH UNION FILTER MINUS SERVICE SILENT BIND AS VALUES UNDEF " +
    "GROUP HAVING SEPARATOR EXISTS NOT IN TRUE FALSE A LOAD CLEAR DROP CREATE ADD MOVE COPY " +
    "INSERT DELETE DATA WITH USING DEFAULT ALL INTO TO"
  ).split(" ");
  var BUILTINS = (
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT STR LANG LANGMATCHES DATATYPE BOUND IRI URI " +
    "BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS " +
    "STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW " +
    "UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI " +
    "ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE"
  ).split(" ");
  var KEYWORD_SET = {};
  KEYWORDS.forEach(function (k) { KEYWORD_SET[k] = "keyword"; });
  BUILTINS.forEach(function (k) { KEYWORD_SET[k] = "builtin"; });

  var PN_CHARS = "A-Za-z0-9_\\u00B7\\u00C0-\\uFFFF-";
  // Ordered: the first rule that matches at the current position wins (sticky regexes).
  var RULES = [
    ["space", /\s+/y],
    ["comment", /#[^\n\r]*/y],
    ["iri", /<[^<>"{}|^`\\\s]*>/y],
    ["string", /"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n\r]|\\.)*"?|'(?:[^'\\\n\r]|\\.)*'?/y],
    ["variable", new RegExp("[?$][" + PN_CHARS + "]+", "y")],
    ["bnode", new RegExp("_:[" + PN_CHARS + "]+(?:\\.[" + PN_CHARS + "]+)*", "y")],
    ["pname", new RegExp(
      "(?:[A-Za-z\\u00C0-\\uFFFF][" + PN_CHARS + ".]*)?:(?:[" + PN_CHARS + ":%]" +
      "(?:[" + PN_CHARS + ".:%]*[" + PN_CHARS + ":%])?)?", "y")],
    ["number", /[+-]?(?:\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)/y],
    ["word", /[A-Za-z_][A-Za-z0-9_]*/y],
    ["at", /@[A-Za-z]+(?:-[A-Za-z0-9]+)*/y],
    ["punct", /\^\^|&&|\|\||!=|<=|>=|[\s\S]/y],
  ];

  /** Split SPARQL or Turtle text into [{type, text}] tokens; concatenated they give the text. */
  function tokenize(text) {
    var tokens = [];
    var pos = 0;
    while (pos < text.length) {
      for (var i = 0; i < RULES.length; i++) {
        var type = RULES[i][0];
        var re = RULES[i][1];
        re.lastIndex = pos;
        var m = re.exec(text);
        if (m === null || m[0].length === 0) continue;
        var value = m[0];
        if (type === "word") {
          type = KEYWORD_SET[value.toUpperCase()] || "word";
          // "a" is only the rdf:type keyword in lower case (SPARQL grammar rule [109]).
          if (value === "A") type = "word";
        } else if (type === "at") {
          type = /^@(prefix|base)$/.test(value) ? "keyword" : "langtag";
        }
        tokens.push({ type: type, text: value });
        pos += value.length;
        break;
      }
    }
    return tokens;
  }

  /** Fill `target` with highlighted tokens; `linker(token)` may return an href for IRIs/pnames. */
  function paint(target, text, linker) {
    var frag = document.createDocumentFragment();
    tokenize(text).forEach(function (tok) {
      if (tok.type === "space" || tok.type === "punct" || tok.type === "word") {
        frag.appendChild(document.createTextNode(tok.text));
        return;
      }
      var href = linker ? linker(tok) : null;
      var el = document.createElement(href ? "a" : "span");
      el.className = "tok-" + tok.type;
      el.textContent = tok.text;
      if (href) decorateLink(el, href);
      frag.appendChild(el);
    });
    target.replaceChildren(frag);
  }

  // ---------------------------------------------------------------- data and i18n

  var dataEl = document.getElementById("editor-data");
  if (!dataEl) return;
  var DATA = JSON.parse(dataEl.textContent);
  var LANG = (document.documentElement.lang || "en").slice(0, 2) === "de" ? "de" : "en";
  var T = DATA.strings; // UI strings in the page language (web/examples.py SCRIPT_STRINGS)

  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  var highlight = document.getElementById("query-highlight");
  var formatSelect = document.getElementById("format");
  var results = document.getElementById("results");
  var statusLine = document.getElementById("result-status");
  var downloads = document.getElementById("download-links");
  var shareInput = document.getElementById("share-url");
  var runButton = document.getElementById("run-button");
  var resultsSection = document.getElementById("results-section");
  var datatypeToggle = document.getElementById("show-datatypes");

  var RESULT_KEYS = DATA.formats.results.map(function (f) { return f.key; });
  var GRAPH_KEYS = DATA.formats.graph.map(function (f) { return f.key; });

  // ---------------------------------------------------------------- IRIs: names and links

  /** The PREFIX declarations of a query (or @prefix of Turtle) merged over the dataset's. */
  function prefixesOf(text) {
    var map = {};
    Object.keys(DATA.prefixes).forEach(function (p) { map[p] = DATA.prefixes[p]; });
    var re = /(?:PREFIX|@prefix)\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>/gi;
    var m;
    while ((m = re.exec(text)) !== null) map[m[1] || ""] = m[2];
    return map;
  }

  /** An IRI as a prefixed name when a prefix fits and the local part is a plain name. Instances
   * under {base}id/{kind}/ without a declared prefix show as kind:slug, for reading only (the
   * cell's title holds the full IRI). */
  function shorten(iri, prefixes) {
    var named = shortenWith(iri, prefixes);
    if (named.charAt(0) !== "<") return named;
    var idBase = DATA.base_iri + "id/";
    if (iri.indexOf(idBase) === 0) {
      var m = /^([a-z][a-z0-9-]*)\/([a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9])$/.exec(iri.slice(idBase.length));
      if (m && prefixes[m[1]] === undefined) return m[1] + ":" + m[2];
    }
    return named;
  }

  /** The longest-namespace prefixed name of an IRI from ``prefixes``, else <iri>. */
  function shortenWith(iri, prefixes) {
    var best = null;
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p];
      if (ns && iri.indexOf(ns) === 0 && (best === null || ns.length > prefixes[best].length)) {
        var local = iri.slice(ns.length);
        if (/^[A-Za-z0-9_]([\w.-]*[\w-])?$/.test(local) || local === "") best = p;
      }
    });
    return best === null ? "<" + iri + ">" : best + ":" + iri.slice(prefixes[best].length);
  }

  /** The full IRI a prefixed name stands for, or null when its prefix is unknown. */
  function expand(pname, prefixes) {
    var i = pname.indexOf(":");
    var ns = prefixes[pname.slice(0, i)];
    return ns === undefined ? null : ns + pname.slice(i + 1).replace(/\\(.)/g, "$1");
  }

  /** The local URL of a dataset IRI (via the server's mapping), else the IRI itself. */
  function hrefFor(iri) {
    for (var i = 0; i < DATA.iri_mapping.length; i++) {
      var pair = DATA.iri_mapping[i];
      if (iri.indexOf(pair[0]) === 0) return pair[1] + iri.slice(pair[0].length);
    }
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  /** Make `a` a link; links leaving the site open without handing over window.opener. */
  function decorateLink(a, href) {
    a.href = href;
    if (/^https?:\/\//i.test(href) && a.host !== window.location.host) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.classList.add("external");
    } else {
      a.classList.add("local");
    }
  }

  // ---------------------------------------------------------------- the PREFIX lines, folded

  // The leading PREFIX/BASE lines of a query are kept aside and shown folded ("23 PREFIX lines");
  // everything that runs, links or shares the query uses fullQuery(), so nothing is lost.
  var prologue = "";
  var prefixToggle = document.getElementById("prefix-toggle");

  /** Split text into [leading PREFIX/BASE (and blank/comment) lines, the rest]. */
  function splitPrologue(text) {
    var lines = text.split("\n");
    var i = 0;
    var seen = 0;
    while (i < lines.length && /^\s*(PREFIX|BASE)\b|^\s*$/i.test(lines[i])) {
      if (/^\s*(PREFIX|BASE)\b/i.test(lines[i])) seen++;
      i++;
    }
    if (seen < 2 || i === lines.length) return ["", text];
    // exactly the text: folded + shown === the query, blank lines included
    return [lines.slice(0, i).join("\n") + "\n", lines.slice(i).join("\n")];
  }

  /** The query as it runs: the folded PREFIX lines, then what the textarea shows. */
  function fullQuery() { return prologue + textarea.value; }

  /** How many lines are folded away (to map the parser's line numbers onto the editor's). */
  function prologueLines() { return prologue ? prologue.split("\n").length - 1 : 0; }

  /** The fold button says how many PREFIX lines are folded, or offers to fold them again. */
  function showPrologueState() {
    if (!prefixToggle) return;
    var n = (prologue.match(/^\s*(PREFIX|BASE)\b/gim) || []).length;
    prefixToggle.hidden = !prologue && !textarea.dataset.expanded;
    prefixToggle.setAttribute("aria-expanded", prologue ? "false" : "true");
    prefixToggle.textContent = prologue ? T.prefixes_show.replace("{n}", n) : T.prefixes_hide;
  }

  /** Put a whole query into the editor, its PREFIX lines folded. */
  function setQuery(text) {
    var parts = splitPrologue(text);
    prologue = parts[0];
    textarea.value = parts[1];
    delete textarea.dataset.expanded;
    showPrologueState();
  }

  if (prefixToggle) {
    prefixToggle.addEventListener("click", function () {
      if (prologue) {
        textarea.value = prologue + textarea.value;
        prologue = "";
        textarea.dataset.expanded = "1";
      } else {
        setQuery(textarea.value);
        textarea.dataset.expanded = "";
      }
      showPrologueState();
      repaint();
      textarea.focus();
    });
  }

  // ---------------------------------------------------------------- the editor surface

  function repaint() {
    // A trailing newline would collapse in the <pre>; a space keeps the last line's height.
    paint(highlight, textarea.value + (/\n$/.test(textarea.value) ? " " : ""));
    syncScroll();
  }

  function syncScroll() {
    highlight.parentNode.scrollTop = textarea.scrollTop;
    highlight.parentNode.scrollLeft = textarea.scrollLeft;
  }

  /** SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword that is a real token. */
  function queryForm(text) {
    var toks = tokenize(text);
    for (var i = 0; i < toks.length; i++) {
      if (toks[i].type !== "keyword") continue;
      var k = toks[i].text.toUpperCase();
      if (k === "SELECT" || k === "ASK" || k === "CONSTRUCT" || k === "DESCRIBE") return k;
    }
    return "SELECT";
  }

  function isTabular(form) { return form === "SELECT" || form === "ASK"; }

  /** Keep the format select on a format the current query form can be answered in. */
  function fitFormat() {
    var keys = isTabular(queryForm(fullQuery())) ? RESULT_KEYS : GRAPH_KEYS;
    if (keys.indexOf(formatSelect.value) < 0) formatSelect.value = keys[0];
  }

  function endpointUrl(params) {
    var qs = new URLSearchParams(params).toString();
    return DATA.endpoint + (qs ? "?" + qs : "");
  }

  /** The shareable URL: the editor with this query; the format rides in the fragment, because
   * ?format= asks the endpoint itself for a download (SPARQL 1.1 Protocol: a query parameter runs). */
  function shareUrl() {
    var params = { query: fullQuery() };
    var url = new URL(endpointUrl(params), window.location.href);
    var langParam = new URLSearchParams(window.location.search).get("lang");
    if (langParam) url.searchParams.set("lang", langParam);
    url.hash = "format=" + encodeURIComponent(formatSelect.value);
    return url.toString();
  }

  function updateLinks() {
    fitFormat();
    var tabular = isTabular(queryForm(fullQuery()));
    var offered = tabular ? DATA.formats.results : DATA.formats.graph;
    var frag = document.createDocumentFragment();
    offered.forEach(function (f) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "download-link";
      a.dataset.format = f.key;
      a.type = f.media_type;
      a.href = endpointUrl({ query: fullQuery(), format: f.key });
      a.textContent = f.label;
      if (f.key === formatSelect.value) a.classList.add("current");
      li.appendChild(a);
      frag.appendChild(li);
    });
    if (DATA.cite) {
      var citeItem = document.createElement("li");
      var cite = document.createElement("a");
      cite.className = "cite-link";
      cite.href = DATA.cite + "?" + new URLSearchParams({ query: fullQuery(), format: formatSelect.value }).toString();
      cite.textContent = DATA.strings.cite;
      citeItem.appendChild(cite);
      frag.appendChild(citeItem);
    }
    downloads.replaceChildren(frag);
    var url = shareUrl();
    shareInput.value = url;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", url);
    }
  }

  var linkTimer = null;
  function scheduleLinks() {
    window.clearTimeout(linkTimer);
    linkTimer = window.setTimeout(updateLinks, 250);
  }

  // ---------------------------------------------------------------- running a query

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "result-status" + (kind ? " " + kind : "");
  }

  /** POST the query form-encoded (Protocol §2.1.2) and render what comes back. */
  function run() {
    var query = fullQuery();
    clearErrorLine();
    var tabular = isTabular(queryForm(query));
    var accept = tabular ? "application/sparql-results+json" : "text/turtle";
    var started = window.performance.now();
    updateLinks();
    setStatus(T.running, "running");
    runButton.disabled = true;
    results.replaceChildren();
    return window.fetch(DATA.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
        "Accept": accept,
      },
      body: new URLSearchParams({ query: query }).toString(),
    }).then(function (response) {
      return response.text().then(function (body) {
        var ms = Math.round(window.performance.now() - started);
        if (!response.ok) {
          showError(response.status, response.statusText, body, response.headers.get("Content-Type"));
          return;
        }
        var truncated = isTruncated(response.headers);
        if (tabular) {
          showTable(JSON.parse(body), query, ms, truncated);
        } else {
          showGraph(body, ms, truncated, response.headers.get("X-Result-Rows"));
        }
      });
    }).catch(function (err) {
      showError(0, T.network, String(err && err.message ? err.message : err), "text/plain");
    }).then(function () {
      runButton.disabled = false;
    });
  }

  /** True when any response header says the row cap cut the result. */
  function isTruncated(headers) {
    var cut = false;
    headers.forEach(function (value, name) {
      if (/truncat/i.test(name) && /^(1|true|yes)\b/i.test(String(value).trim())) cut = true;
    });
    return cut;
  }

  /** A failed query: the server's message (plain text or {message}) in readable form. */
  function showError(status, statusText, body, contentType) {
    var message = body || "";
    if (contentType && /json/i.test(contentType)) {
      try {
        var parsed = JSON.parse(body);
        message = parsed.message || parsed.error || body;
      } catch (e) {
        message = body;
      }
    } else if (contentType && /html/i.test(contentType)) {
      var doc = new DOMParser().parseFromString(body, "text/html");
      message = (doc.body && doc.body.textContent || body).trim();
    }
    var where = placeCaret(message);
    var head = where ? T.syntax_at.replace("{line}", where.line).replace("{column}", where.column) : T.error;
    setStatus(head + (status ? " (" + status + " " + statusText + ")" : ""), "error");
    var box = document.createElement("div");
    box.className = "query-error";
    box.setAttribute("role", "alert");
    var intro = document.createElement("p");
    intro.textContent = T.server_says;
    var pre = document.createElement("pre");
    pre.textContent = message;
    // the endpoint's own words are English: say so, so no reader (or screen reader) mistakes them
    pre.setAttribute("lang", "en");
    box.appendChild(intro);
    box.appendChild(pre);
    results.replaceChildren(box);
    revealResults();
  }

  /** Bring the results into view and move the focus there, so keyboard and screen-reader users
   * land on what the run produced (the page does not jump again while they read). */
  function revealResults() {
    resultsSection.scrollIntoView({ block: "start", behavior: "auto" });
    resultsSection.focus({ preventScroll: true });
  }

  var errorMarker = null;

  /** Remove the mark of the last syntax error. */
  function clearErrorLine() {
    if (errorMarker) errorMarker.remove();
    errorMarker = null;
  }

  /** Where the parser says the error is ("… at 3:14 …", line:column, 1-based, in the full query):
   * the caret goes there and the line is marked in the editor; returns the line as the user sees it. */
  function placeCaret(message) {
    var m = /\bat (\d+):(\d+)\b/.exec(message);
    if (!m) return null;
    var line = parseInt(m[1], 10) - prologueLines();
    if (line < 1 && prologue) {  // the error is in the folded lines: unfold them
      prefixToggle.click();
      line = parseInt(m[1], 10);
    }
    var lines = textarea.value.split("\n");
    line = Math.min(Math.max(line, 1), lines.length);
    var offset = 0;
    for (var i = 0; i < line - 1; i++) offset += lines[i].length + 1;
    offset += Math.min(Math.max(parseInt(m[2], 10) - 1, 0), lines[line - 1].length);
    textarea.setSelectionRange(offset, offset);
    clearErrorLine();
    var style = window.getComputedStyle(textarea);
    var lineHeight = parseFloat(style.lineHeight) || 20;
    errorMarker = document.createElement("div");
    errorMarker.className = "error-line";
    errorMarker.setAttribute("aria-hidden", "true");
    errorMarker.dataset.line = String(line);
    errorMarker.style.top = (parseFloat(style.paddingTop) + (line - 1) * lineHeight - textarea.scrollTop) + "px";
    errorMarker.style.height = lineHeight + "px";
    textarea.parentNode.appendChild(errorMarker);
    return { line: line, column: parseInt(m[2], 10) };
  }

  /** One RDF term of SPARQL Results JSON (§3.2.2) as a DOM node. */
  function renderTerm(term, prefixes) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") {
      var href = hrefFor(term.value);
      var el = document.createElement(href ? "a" : "span");
      el.className = "term-iri";
      el.textContent = shorten(term.value, prefixes);
      el.title = term.value;
      if (href) decorateLink(el, href);
      return el;
    }
    if (term.type === "bnode") {
      var b = document.createElement("span");
      b.className = "term-bnode";
      b.textContent = "_:" + term.value;
      return b;
    }
    var span = document.createElement("span");
    span.className = "term-literal";
    var value = document.createElement("span");
    value.className = "literal-value";
    value.textContent = term.value;
    span.appendChild(value);
    var lang = term["xml:lang"];
    if (lang) {
      var l = document.createElement("span");
      l.className = "literal-lang";
      l.textContent = "@" + lang;
      span.appendChild(l);
    } else if (term.datatype && term.datatype !== "http://www.w3.org/2001/XMLSchema#string") {
      var d = document.createElement("span");
      d.className = "literal-datatype";
      d.textContent = "^^" + shorten(term.datatype, prefixes);
      d.title = term.datatype;
      span.appendChild(d);
    }
    return span;
  }

  function showTable(json, query, ms, truncated) {
    var prefixes = prefixesOf(query);
    if (typeof json.boolean === "boolean") {
      var p = document.createElement("p");
      p.className = "ask-result " + (json.boolean ? "ask-true" : "ask-false");
      p.textContent = json.boolean ? T.yes : T.no;
      results.replaceChildren(p);
      setStatus("ASK · " + ms + " " + T.ms, "ok");
      revealResults();
      return;
    }
    var vars = (json.head && json.head.vars) || [];
    var rows = (json.results && json.results.bindings) || [];
    var table = document.createElement("table");
    table.className = "result-table";
    var thead = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = "?" + v;
      thead.appendChild(th);
    });
    var tbody = table.createTBody();
    rows.forEach(function (binding) {
      var tr = tbody.insertRow();
      vars.forEach(function (v) {
        tr.insertCell().appendChild(renderTerm(binding[v], prefixes));
      });
    });
    makeSortable(table);
    var wrap = document.createElement("div");
    wrap.className = "table-scroll";
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", T.table);
    wrap.tabIndex = 0;
    wrap.appendChild(table);
    results.replaceChildren(views(vars, rows, prefixes, wrap));
    var count = rows.length + " " + (rows.length === 1 ? T.row : T.rows);
    setStatus(
      (rows.length ? count : T.empty) + " · " + ms + " " + T.ms + (truncated ? " · " + T.truncated : ""),
      truncated ? "warning" : "ok");
    revealResults();
  }

  // ---------------------------------------------------------------- sorting, charts, maps

  var collator = new Intl.Collator(LANG, { numeric: true, sensitivity: "base" });

  /** Column headers become buttons that sort the rows (numbers as numbers, text by collation). */
  function makeSortable(table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.replaceChildren(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(heads, function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var list = Array.prototype.slice.call(body.rows);
        list.sort(function (a, b) {
          var x = a.cells[index].dataset.sort || a.cells[index].textContent;
          var y = b.cells[index].dataset.sort || b.cells[index].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var order = (!isNaN(nx) && !isNaN(ny) && String(nx) === x.trim() && String(ny) === y.trim())
            ? nx - ny : collator.compare(x, y);
          return descending ? -order : order;
        });
        list.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  var NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;

  /** The columns of a result that hold numbers, and the one that holds names (for chart labels). */
  function columns(vars, rows) {
    var numeric = [], text = null, lat = null, lon = null, wkt = null;
    vars.forEach(function (v) {
      var bound = rows.filter(function (r) { return r[v]; });
      if (!bound.length) return;
      var allNumbers = bound.every(function (r) {
        return r[v].type === "literal" && (NUMERIC.test(r[v].datatype || "") || /^-?\d+(\.\d+)?$/.test(r[v].value) && !r[v]["xml:lang"]);
      });
      if (/^(lat|latitude|breite)$/i.test(v) && allNumbers) lat = v;
      else if (/^(long|lon|lng|longitude|laenge)$/i.test(v) && allNumbers) lon = v;
      else if (bound.every(function (r) { return /^\s*POINT\s*\(/i.test(r[v].value); })) wkt = v;
      else if (allNumbers) numeric.push(v);
      else if (text === null) text = v;
    });
    return { numeric: numeric, text: text, lat: lat, lon: lon, wkt: wkt };
  }

  /** The table, plus a chart tab when the result has numbers and a map tab when it has
   * coordinates (WDQS and YASGUI offer the same); the table stays the default view. */
  function views(vars, rows, prefixes, tableView) {
    var cols = columns(vars, rows);
    var tabs = [{ key: "table", label: T.view_table, node: tableView }];
    if (cols.numeric.length && rows.length > 1 && rows.length <= 200) {
      tabs.push({ key: "chart", label: T.view_chart, node: chart(cols, rows, prefixes) });
    }
    var points = coordinates(cols, rows, prefixes);
    if (points.length) tabs.push({ key: "map", label: T.view_map, node: map(points) });
    if (tabs.length === 1) return tableView;
    var box = document.createElement("div");
    var bar = document.createElement("div");
    bar.className = "result-views";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", T.views);
    tabs.forEach(function (t, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "view-button";
      b.dataset.view = t.key;
      b.textContent = t.label;
      b.setAttribute("aria-pressed", i === 0 ? "true" : "false");
      t.node.hidden = i !== 0;
      t.node.classList.add("result-view", "result-view-" + t.key);
      b.addEventListener("click", function () {
        tabs.forEach(function (o) { o.node.hidden = o !== t; });
        bar.querySelectorAll("button").forEach(function (o) { o.setAttribute("aria-pressed", o === b ? "true" : "false"); });
      });
      bar.appendChild(b);
    });
    box.appendChild(bar);
    tabs.forEach(function (t) { box.appendChild(t.node); });
    return box;
  }

  var SVGNS = "http://www.w3.org/2000/svg";
  /** An SVG element with attributes and optional text. */
  function svgEl(name, attrs, text) {
    var el = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /** A bar chart of the first numeric column by the first text column (a line when the labels are
   * years or dates, so time reads left to right). */
  function chart(cols, rows, prefixes) {
    var v = cols.numeric[0];
    var label = function (r, i) {
      if (!cols.text || !r[cols.text]) return String(i + 1);
      var t = r[cols.text];
      return t.type === "uri" ? shorten(t.value, prefixes) : t.value;
    };
    var data = rows.filter(function (r) { return r[v]; }).map(function (r, i) {
      return { label: label(r, i), value: parseFloat(r[v].value) };
    });
    var timeLike = data.every(function (d) { return /^\d{4}(-\d{2}(-\d{2})?)?$/.test(d.label); });
    var W = 720, H = 300, L = 56, R = 12, TOP = 12, B = timeLike ? 40 : 110;
    var max = Math.max.apply(null, data.map(function (d) { return d.value; }).concat([0]));
    var min = Math.min.apply(null, data.map(function (d) { return d.value; }).concat([0]));
    var span = (max - min) || 1;
    var y = function (val) { return TOP + (H - TOP - B) * (max - val) / span; };
    var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, class: "result-chart", role: "img",
      "aria-label": T.view_chart + ": ?" + v + (cols.text ? " / ?" + cols.text : "") });
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      var val = min + span * f;
      svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: y(val), y2: y(val), class: "grid" }));
      svg.appendChild(svgEl("text", { x: L - 6, y: y(val) + 4, "text-anchor": "end", class: "tick" },
        new Intl.NumberFormat(LANG, { maximumFractionDigits: 2 }).format(val)));
    });
    var step = (W - L - R) / Math.max(data.length, 1);
    if (timeLike) {
      var pts = data.map(function (d, i) { return (L + step * (i + 0.5)) + "," + y(d.value); }).join(" ");
      svg.appendChild(svgEl("polyline", { points: pts, class: "line" }));
    }
    data.forEach(function (d, i) {
      var cx = L + step * (i + 0.5);
      if (timeLike) {
        var dot = svgEl("circle", { cx: cx, cy: y(d.value), r: 4, class: "dot" });
        dot.appendChild(svgEl("title", {}, d.label + ": " + d.value));
        svg.appendChild(dot);
      } else {
        var rect = svgEl("rect", { x: cx - step * 0.35, width: step * 0.7, y: Math.min(y(d.value), y(0)),
          height: Math.abs(y(0) - y(d.value)), class: "bar" });
        rect.appendChild(svgEl("title", {}, d.label + ": " + d.value));
        svg.appendChild(rect);
      }
      if (data.length <= 40 || i % Math.ceil(data.length / 40) === 0) {
        var tx = svgEl("text", { x: cx, y: H - B + 14, class: "tick",
          "text-anchor": timeLike ? "middle" : "end",
          transform: timeLike ? "" : "rotate(-45 " + cx + " " + (H - B + 14) + ")" },
          d.label.length > 24 ? d.label.slice(0, 23) + "…" : d.label);
        svg.appendChild(tx);
      }
    });
    var box = document.createElement("div");
    box.appendChild(svg);
    return box;
  }

  /** Points (lat, lon, label, href) from ?lat/?long columns or a WKT POINT column. */
  function coordinates(cols, rows, prefixes) {
    var out = [];
    rows.forEach(function (r) {
      var lat = null, lon = null;
      if (cols.lat && cols.lon && r[cols.lat] && r[cols.lon]) {
        lat = parseFloat(r[cols.lat].value); lon = parseFloat(r[cols.lon].value);
      } else if (cols.wkt && r[cols.wkt]) {
        var m = /POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)/i.exec(r[cols.wkt].value);  // WKT: x (long) first
        if (m) { lon = parseFloat(m[1]); lat = parseFloat(m[2]); }
      }
      if (lat === null || isNaN(lat) || isNaN(lon)) return;
      var name = null, href = null;
      Object.keys(r).forEach(function (k) {
        if (name === null && r[k].type === "uri") { name = shorten(r[k].value, prefixes); href = hrefFor(r[k].value); }
      });
      if (cols.text && r[cols.text] && r[cols.text].type !== "uri") name = r[cols.text].value;
      out.push({ lat: lat, lon: lon, label: name || (lat + ", " + lon), href: href });
    });
    return out;
  }

  var atlas = null;

  /** Country outlines from the vendored Natural Earth TopoJSON (static/vendor/world-atlas, served by
   * us), decoded once: arcs are quantized and delta-encoded, ~i means arc i reversed
   * (https://github.com/topojson/topojson-specification); projected like the points. */
  function outlines(K) {
    if (atlas) return atlas;
    atlas = window.fetch(DATA.atlas).then(function (r) { return r.json(); }).then(function (topo) {
      var sc = topo.transform.scale, tr = topo.transform.translate;
      var arcs = topo.arcs.map(function (arc) {
        var x = 0, y = 0;
        return arc.map(function (p) { x += p[0]; y += p[1]; return [x * sc[0] + tr[0], y * sc[1] + tr[1]]; });
      });
      var ring = function (idx) {
        var pts = [];
        idx.forEach(function (i) {
          var a = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
          pts = pts.concat(pts.length ? a.slice(1) : a);
        });
        return "M" + pts.map(function (p) { return (p[0] * K).toFixed(2) + "," + (-p[1]).toFixed(2); }).join("L") + "Z";
      };
      return topo.objects.countries.geometries.map(function (g) {
        var polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
        return polys.map(function (poly) { return poly.map(ring).join(""); }).join("");
      }).filter(function (d) { return d; });
    });
    return atlas;
  }

  /** The points on a plain map: equirectangular, fitted to the points, a graticule for bearings,
   * every point a link to its page (no tiles, no network: everything is drawn here). */
  function map(points) {
    var K = Math.cos(52 * Math.PI / 180);
    var xs = points.map(function (p) { return p.lon * K; }), ys = points.map(function (p) { return -p.lat; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    // fit every point with a margin, at least 8 degrees wide, at an aspect of 1.6 (as web/maps.py)
    var w = Math.max(x1 - x0, 8 * K) * 1.24, h = Math.max(y1 - y0, 5) * 1.24;
    if (w / h < 1.6) w = h * 1.6; else h = w / 1.6;
    var vb = [(x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - h / 2, w, h];
    var svg = svgEl("svg", { viewBox: vb.join(" "), class: "result-map", role: "group", "aria-label": T.view_map });
    var land = svgEl("g", { class: "countries", "aria-hidden": "true" });
    svg.appendChild(land);
    outlines(K).then(function (paths) {
      paths.forEach(function (d) { land.appendChild(svgEl("path", { d: d, class: "land" })); });
    }).catch(function () { /* the points stand on their own without outlines */ });
    var r = Math.max(vb[2], vb[3]) * 0.008;
    for (var lon = Math.ceil((vb[0] / K) / 10) * 10; lon * K < vb[0] + vb[2]; lon += 10) {
      svg.appendChild(svgEl("line", { x1: lon * K, x2: lon * K, y1: vb[1], y2: vb[1] + vb[3], class: "graticule" }));
    }
    for (var lat = Math.ceil(-(vb[1] + vb[3]) / 10) * 10; -lat > vb[1]; lat += 10) {
      svg.appendChild(svgEl("line", { x1: vb[0], x2: vb[0] + vb[2], y1: -lat, y2: -lat, class: "graticule" }));
    }
    points.forEach(function (p) {
      var dot = svgEl("circle", { cx: p.lon * K, cy: -p.lat, r: r, class: "marker" });
      dot.appendChild(svgEl("title", {}, p.label));
      if (p.href) {
        var a = svgEl("a", { href: p.href, "aria-label": p.label });
        a.appendChild(dot);
        svg.appendChild(a);
      } else {
        svg.appendChild(dot);
      }
    });
    var box = document.createElement("div");
    box.appendChild(svg);
    var note = document.createElement("p");
    note.className = "editor-hint";
    note.textContent = T.map_note.replace("{n}", points.length);
    box.appendChild(note);
    return box;
  }

  function showGraph(turtle, ms, truncated, count) {
    var prefixes = prefixesOf(turtle);
    var pre = document.createElement("pre");
    pre.className = "graph-result code-highlight-static";
    var code = document.createElement("code");
    paint(code, turtle, function (tok) {
      if (tok.type === "iri") return hrefFor(tok.text.slice(1, -1));
      if (tok.type === "pname") {
        var iri = expand(tok.text, prefixes);
        return iri === null ? null : hrefFor(iri);
      }
      return null;
    });
    pre.appendChild(code);
    results.replaceChildren(pre);
    var size = count !== null && /^\d+$/.test(count) ? count + " " + T.triples : T.graph;
    setStatus(size + " (Turtle) · " + ms + " " + T.ms + (truncated ? " · " + T.truncated : ""),
      truncated ? "warning" : "ok");
    revealResults();
  }

  // ---------------------------------------------------------------- autocompletion

  // Our own IRIs and labels (precomputed per release: GET DATA.completions, fetched on first use)
  // and the dataset's prefixes. Typing "city:ro" offers city:rostock …; typing a name ("Rost")
  // offers the IRIs so labelled; after "PREFIX " the prefix declarations. Tab or Enter (after
  // ArrowDown) inserts, Escape closes. The list is an ARIA listbox tied to the textarea.
  var completionList = document.getElementById("completions");
  var completionData = null;
  var offered = [];
  var active = -1;

  /** Fetch the completion list once (it belongs to the release; the browser caches it). */
  function loadCompletions() {
    if (completionData || !DATA.completions) return;
    completionData = window.fetch(DATA.completions).then(function (r) { return r.json(); })
      .then(function (json) { completionData = json; scheduleComplete(); })
      .catch(function () { completionData = { prefixes: DATA.prefixes, terms: [] }; });
  }

  /** A term's label in the page language, else English, untagged, German. */
  function labelOf(term) {
    return term.labels[LANG] || term.labels.en || term.labels[""] || term.labels.de || "";
  }

  /** The suggestions for the text just before the caret: [{text (inserted), shown, start}]. */
  function suggestions() {
    var caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return [];
    var before = textarea.value.slice(0, caret);
    var pfx = DATA.prefixes;
    var m = /PREFIX\s+([A-Za-z][\w-]*)?$/i.exec(before);
    if (m) {
      var typed = m[1] || "";
      return Object.keys(pfx).filter(function (p) { return p.indexOf(typed) === 0; }).slice(0, 12)
        .map(function (p) { return { text: p + ": <" + pfx[p] + ">", shown: p + ": <" + pfx[p] + ">", start: caret - typed.length }; });
    }
    if (!completionData || !completionData.terms) return [];
    m = /(^|[\s{}().,;])([A-Za-z][\w-]*:[\w\-.]*)$/.exec(before);
    if (m) {
      var word = m[2];
      return completionData.terms.filter(function (t) { return t.curie.indexOf(word) === 0 && t.curie !== word; })
        .slice(0, 12).map(function (t) { return { text: t.curie, shown: t.curie + " – " + labelOf(t), start: caret - word.length }; });
    }
    m = /(^|[\s{}().,;])([^\s{}().,;:?$<>"'#]{3,})$/.exec(before);
    if (m && !KEYWORD_SET[m[2].toUpperCase()]) {
      var needle = m[2].toLowerCase();
      return completionData.terms.filter(function (t) {
        return Object.keys(t.labels).some(function (l) { return t.labels[l].toLowerCase().indexOf(needle) === 0; });
      }).slice(0, 12).map(function (t) { return { text: t.curie, shown: labelOf(t) + " – " + t.curie, start: caret - m[2].length }; });
    }
    return [];
  }

  /** Hide the suggestion list. */
  function closeCompletions() {
    offered = [];
    active = -1;
    if (!completionList) return;
    completionList.hidden = true;
    completionList.replaceChildren();
    textarea.removeAttribute("aria-activedescendant");
  }

  /** Show the suggestions for the text before the caret (or hide the list when there are none). */
  function showCompletions() {
    if (!completionList) return;
    offered = suggestions();
    active = -1;
    if (!offered.length) { closeCompletions(); return; }
    var frag = document.createDocumentFragment();
    offered.forEach(function (o, i) {
      var li = document.createElement("li");
      li.id = "completion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = o.shown;
      li.addEventListener("mousedown", function (event) { event.preventDefault(); accept(i); });
      frag.appendChild(li);
    });
    completionList.replaceChildren(frag);
    completionList.hidden = false;
  }

  /** Move the active suggestion (announced through aria-activedescendant). */
  function highlightOption(i) {
    active = (i + offered.length) % offered.length;
    completionList.querySelectorAll("li").forEach(function (li, j) {
      li.setAttribute("aria-selected", j === active ? "true" : "false");
    });
    textarea.setAttribute("aria-activedescendant", "completion-" + active);
  }

  /** Replace the typed word with suggestion i. */
  function accept(i) {
    var o = offered[i];
    if (!o) return;
    var caret = textarea.selectionStart;
    textarea.setRangeText(o.text, o.start, caret, "end");
    closeCompletions();
    repaint();
    scheduleLinks();
    textarea.focus();
  }

  var completeTimer = null;
  /** Suggest shortly after typing stops. */
  function scheduleComplete() {
    window.clearTimeout(completeTimer);
    completeTimer = window.setTimeout(showCompletions, 120);
  }

  if (completionList) {
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", "completions");
    textarea.addEventListener("focus", loadCompletions);
    textarea.addEventListener("input", scheduleComplete);
    textarea.addEventListener("blur", function () { window.setTimeout(closeCompletions, 150); });
    textarea.addEventListener("keydown", function (event) {
      if (!offered.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlightOption(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Tab" || (event.key === "Enter" && active >= 0 && !event.ctrlKey && !event.metaKey)) {
        event.preventDefault();
        accept(active >= 0 ? active : 0);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeCompletions();
      }
    });
  }

  // ---------------------------------------------------------------- wiring

  function loadExample(id) {
    for (var i = 0; i < DATA.examples.length; i++) {
      var ex = DATA.examples[i];
      if (ex.id !== id) continue;
      setQuery(ex.query);
      textarea.scrollTop = 0;
      repaint();
      updateLinks();
      document.querySelectorAll(".example-link.active").forEach(function (a) {
        a.classList.remove("active");
      });
      var link = document.querySelector('.example-link[data-example="' + CSS.escape(id) + '"]');
      if (link) link.classList.add("active");
      setStatus(T.loaded + " " + (ex.title[LANG] || ex.title.en), "");
      results.replaceChildren();
      textarea.focus();
      return true;
    }
    return false;
  }

  document.querySelectorAll(".example-link").forEach(function (a) {
    a.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (loadExample(a.dataset.example)) event.preventDefault();
    });
  });

  textarea.addEventListener("input", function () { repaint(); scheduleLinks(); });
  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  formatSelect.addEventListener("change", updateLinks);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  shareInput.addEventListener("focus", function () { shareInput.select(); });

  // The format may come from ?format= (server side) or from the shareable URL's #format=.
  var hashFormat = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("format");
  if (hashFormat && RESULT_KEYS.concat(GRAPH_KEYS).indexOf(hashFormat) >= 0) {
    formatSelect.value = hashFormat;
  } else if (DATA.format) {
    formatSelect.value = DATA.format;
  }
  document.documentElement.classList.add("editor-js");
  if (datatypeToggle) {
    // the datatype toggle: hidden by default (values read as values), shown on request
    var syncDatatypes = function () { results.classList.toggle("hide-datatypes", !datatypeToggle.checked); };
    datatypeToggle.addEventListener("change", syncDatatypes);
    syncDatatypes();
  }
  setQuery(textarea.value);
  repaint();
  if (DATA.query_from_url) {
    updateLinks();
    run();
  }

  // For tests and curious users: the tokenizer and the runner.
  window.nkgEditor = { tokenize: tokenize, run: run, loadExample: loadExample, fullQuery: fullQuery };
})();
