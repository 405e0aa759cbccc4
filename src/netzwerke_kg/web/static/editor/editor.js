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
    var keys = isTabular(queryForm(textarea.value)) ? RESULT_KEYS : GRAPH_KEYS;
    if (keys.indexOf(formatSelect.value) < 0) formatSelect.value = keys[0];
  }

  function endpointUrl(params) {
    var qs = new URLSearchParams(params).toString();
    return DATA.endpoint + (qs ? "?" + qs : "");
  }

  /** The shareable URL: the editor with this query; the format rides in the fragment, because
   * ?format= asks the endpoint itself for a download (SPARQL 1.1 Protocol: a query parameter runs). */
  function shareUrl() {
    var params = { query: textarea.value };
    var url = new URL(endpointUrl(params), window.location.href);
    var langParam = new URLSearchParams(window.location.search).get("lang");
    if (langParam) url.searchParams.set("lang", langParam);
    url.hash = "format=" + encodeURIComponent(formatSelect.value);
    return url.toString();
  }

  function updateLinks() {
    fitFormat();
    var tabular = isTabular(queryForm(textarea.value));
    var offered = tabular ? DATA.formats.results : DATA.formats.graph;
    var frag = document.createDocumentFragment();
    offered.forEach(function (f) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "download-link";
      a.dataset.format = f.key;
      a.type = f.media_type;
      a.href = endpointUrl({ query: textarea.value, format: f.key });
      a.textContent = f.label;
      if (f.key === formatSelect.value) a.classList.add("current");
      li.appendChild(a);
      frag.appendChild(li);
    });
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
    var query = textarea.value;
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
    setStatus(T.error + (status ? " (" + status + " " + statusText + ")" : ""), "error");
    var pre = document.createElement("pre");
    pre.className = "query-error";
    pre.setAttribute("role", "alert");
    pre.textContent = message;
    results.replaceChildren(pre);
    placeCaret(message);
  }

  /** Put the caret where the parser says the error is ("… at 3:14 …", line:column, 1-based). */
  function placeCaret(message) {
    var m = /\bat (\d+):(\d+)\b/.exec(message);
    if (!m) return;
    var lines = textarea.value.split("\n");
    var line = Math.min(parseInt(m[1], 10), lines.length);
    var offset = 0;
    for (var i = 0; i < line - 1; i++) offset += lines[i].length + 1;
    offset += Math.min(Math.max(parseInt(m[2], 10) - 1, 0), lines[line - 1].length);
    textarea.focus();
    textarea.setSelectionRange(offset, offset);
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
    var wrap = document.createElement("div");
    wrap.className = "table-scroll";
    wrap.appendChild(table);
    results.replaceChildren(wrap);
    var count = rows.length + " " + (rows.length === 1 ? T.row : T.rows);
    setStatus(
      (rows.length ? count : T.empty) + " · " + ms + " " + T.ms + (truncated ? " · " + T.truncated : ""),
      truncated ? "warning" : "ok");
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
  }

  // ---------------------------------------------------------------- wiring

  function loadExample(id) {
    for (var i = 0; i < DATA.examples.length; i++) {
      var ex = DATA.examples[i];
      if (ex.id !== id) continue;
      textarea.value = ex.query;
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
  repaint();
  if (DATA.query_from_url) {
    updateLinks();
    run();
  }

  // For tests and curious users: the tokenizer and the runner.
  window.nkgEditor = { tokenize: tokenize, run: run, loadExample: loadExample };
})();
