"""HTTP caching for crawlers and browsers: validators, 304, a response cache, Cache-Control, gzip and Vary.

The server serves one immutable release (kg.release), so a GET answered with 200 is a function of
the release, the URL and the request headers it varies on, and stays valid until the next build:
- a strong ``ETag`` (RFC 9110 §8.8.3) derived from exactly those: the release hash (manifest
  ``release``), the request URL (host, script root, path, query) and the variant's inputs (the
  ``Accept``, ``Accept-Language`` and ``lang`` cookie values, and whether gzip is accepted). It
  needs no body, so it is known **before** the view runs: a matching ``If-None-Match`` is answered
  304 in ``before_request``, without a query or a template (``precondition``);
- a **response cache** bounded in bytes (``ResponseCache``): the final bytes and headers of
  cacheable 200 answers (pages, documents, GET query answers), keyed like the ETag, so a repeated
  request is served from memory;
- ``Last-Modified`` (§8.8.2) from the manifest's ``issued``;
- ``304 Not Modified`` (§15.4.5) on ``If-None-Match`` (weak comparison, §13.1.2) or, only when
  there is no If-None-Match, ``If-Modified-Since`` (§13.1.3; precedence §13.2.2);
- ``Cache-Control: public, max-age=…`` (RFC 9111 §5.2.2) unless the view set its own;
- gzip of textual bodies ≥ 1 KiB when ``Accept-Encoding`` allows (RFC 9110 §8.4.1.3, §12.5.3);
- ``Vary: Accept, Accept-Language, Accept-Encoding`` merged with what the view set (§12.5.5).
Errors and non-GET requests are never given validators (a 4xx/5xx must not be revalidated as
fresh). HEAD runs the GET view in Flask, so it gets exactly the GET headers, no body (§9.3.2).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import threading
from collections import OrderedDict
from datetime import datetime, timezone

from flask import Flask, Response, current_app, g, request
from werkzeug.http import http_date, parse_accept_header, parse_date, parse_etags

from netzwerke_kg.web.dumps import DOWNLOAD_MAX_AGE, issued_datetime

#: max-age (seconds) of pages and query answers: an hour, so a new release shows up soon
PAGE_MAX_AGE = 3600
#: max-age of static assets (their URLs change with the code, not the data)
STATIC_MAX_AGE = DOWNLOAD_MAX_AGE
#: bodies below this many bytes are not worth compressing
GZIP_MIN_BYTES = 1024
#: static files larger than this are not compressed on the fly (read into memory)
GZIP_MAX_BYTES = 8 * 1024 * 1024
#: request headers every negotiated representation may depend on
VARY = ("Accept", "Accept-Language", "Accept-Encoding")
#: non-text/* media types that are text and compress well
_TEXTUAL = {
    "application/json",
    "application/javascript",
    "application/xml",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/sparql-query",
    "image/svg+xml",
}


log = logging.getLogger("netzwerke_kg.sparql")

#: views that validate their own files (send_file) or must never be cached
SELF_VALIDATED = {"static", "dumps.download_file", "sparql.health"}
#: the largest single answer the response cache keeps (a bigger one would evict too much)
CACHE_ENTRY_MAX = 4 * 1024 * 1024


class ResponseCache:
    """A thread-safe LRU of finished responses, bounded by the bytes it holds (bodies + headers).

    It sits in front of Flask as WSGI middleware (``__call__``): a hit costs a hash of the
    request's variant inputs and a dictionary lookup, no routing, no view, no hooks.
    """

    def __init__(self, max_bytes: int, app=None, release: str | None = None):
        """An empty cache holding at most ``max_bytes``, in front of the WSGI ``app``."""
        self.max_bytes = max_bytes
        self.app = app
        self.release = release
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[str, tuple[str, list, bytes, int, dict | None]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        """WSGI: answer a GET/HEAD from the cache (200, or 304 on a matching If-None-Match)."""
        # If-Modified-Since alone and Range need the full rules (_not_modified, send_file): Flask.
        plain = "HTTP_RANGE" not in environ and ("HTTP_IF_MODIFIED_SINCE" not in environ
                                                 or "HTTP_IF_NONE_MATCH" in environ)
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and self.release is not None and plain:
            key = variant_key(environ, self.release)
            environ["netzwerke_kg.variant"] = key
            entry = self._lookup(key)
            if entry is not None:
                status, headers, body, _, record = entry
                if record is not None:
                    # The query log keeps one line per answered query, cache hits included (marked).
                    log.info(json.dumps({**record, "duration_ms": 0.0, "cache": "hit"}))
                if _matches(environ.get("HTTP_IF_NONE_MATCH"), key):
                    start_response("304 Not Modified", [h for h in headers if h[0] != "Content-Length"])
                    return [b""]
                start_response(status, headers)
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.app(environ, start_response)

    def _lookup(self, key: str):
        """The entry for ``key`` (now the most recently used), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def get(self, key: str) -> Response | None:
        """The entry as a Response (for tests and tools), or None."""
        entry = self._lookup(key)
        if entry is None:
            return None
        status, headers, body, _, _ = entry
        return Response(body, status=status, headers=headers)

    def put(self, key: str, response: Response, record: dict | None = None) -> None:
        """Keep ``response``'s final bytes and headers, evicting the least recently used."""
        body = response.get_data()
        headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
        headers.append(("Content-Length", str(len(body))))
        cost = len(body) + sum(len(k) + len(v) for k, v in headers) + 200
        if cost > min(CACHE_ENTRY_MAX, self.max_bytes):
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[3]
            self._entries[key] = (response.status, headers, body, cost, record)
            self.size += cost
            while self.size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.size -= evicted[3]


def register(app: Flask) -> None:
    """Install the caching hooks on ``app``, and the response cache in front of it (WSGI)."""
    from netzwerke_kg.kg.build import read_manifest

    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = STATIC_MAX_AGE
    settings = app.config["SETTINGS"]
    # The app serves one release (kg.release.pin): its id is fixed for the app's life.
    manifest = read_manifest(settings.dist_dir) or {}
    release = manifest.get("release")
    app.config["RELEASE"] = release
    issued = issued_datetime(manifest)
    # Last-Modified of every answer (the build time), formatted once, not per request
    app.config["LAST_MODIFIED"] = http_date(issued) if issued is not None else None
    cache = None
    if settings.cache_bytes:
        cache = ResponseCache(settings.cache_bytes, app.wsgi_app, release)
        app.wsgi_app = cache
    app.extensions["netzwerke_kg.cache"] = cache
    app.before_request(precondition)
    app.after_request(apply_caching)


def variant_key(environ: dict, release: str) -> str:
    """The release, URL and variant inputs of a GET/HEAD, hashed: the ETag and the cache key.

    Read straight off the WSGI environ (scheme, host, path, query string, ``Accept``,
    ``Accept-Language``, the ``lang`` cookie and whether gzip is accepted), so the response cache
    in front of Flask and the hooks inside it compute the same value.
    """
    cookie = environ.get("HTTP_COOKIE", "")
    found = _LANG_COOKIE.search(cookie) if "lang=" in cookie else None
    lang = found.group(1) if found else ""
    encoding = environ.get("HTTP_ACCEPT_ENCODING", "")
    gzip_ok = "gzip" in encoding and parse_accept_header(encoding)["gzip"] > 0
    parts = (release, environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", environ.get("SERVER_NAME", "")),
             environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
             environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_ACCEPT_LANGUAGE", ""), lang,
             "gzip" if gzip_ok else "")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:40]


_LANG_COOKIE = re.compile(r"(?:^|;)\s*lang=([^;]*)")


def _matches(if_none_match: str | None, tag: str) -> bool:
    """If-None-Match names ``tag`` (weak comparison, RFC 9110 §13.1.2) or is "*"."""
    return if_none_match is not None and parse_etags(if_none_match).contains_weak(tag)


def _variant_key() -> str | None:
    """This request's variant key (see variant_key), or None where validators come from elsewhere."""
    if request.method not in ("GET", "HEAD") or request.endpoint in SELF_VALIDATED:
        return None
    release = current_app.config.get("RELEASE")
    if release is None:
        return None
    return request.environ.get("netzwerke_kg.variant") or variant_key(request.environ, release)


def precondition() -> Response | None:
    """Before any view: 304 for a matching If-None-Match (no query, no template), else None."""
    key = _variant_key()
    if key is None:
        return None
    request.variant_key = key
    if _matches(request.headers.get("If-None-Match"), key):
        # The tag names this release, URL and variant: it can only have come from a 200 we sent
        # for exactly this request, and the release has not changed since (RFC 9110 §13.1.2).
        response = Response(status=304)
        response.set_etag(key)
        response.vary.update(VARY)  # every cacheable view varies on these and on nothing else
        response.cache_control.public = True
        response.cache_control.max_age = PAGE_MAX_AGE
        if current_app.config["LAST_MODIFIED"]:
            response.headers["Last-Modified"] = current_app.config["LAST_MODIFIED"]
        response.from_cache = True
        return response
    return None


def apply_caching(response: Response) -> Response:
    """Add validators, answer 304, set Cache-Control, gzip and Vary on one response; keep it in the cache."""
    if request.method not in ("GET", "HEAD"):
        return response
    if getattr(response, "from_cache", False):
        return response
    response = _validated(response)
    key = getattr(request, "variant_key", None)
    cache = current_app.extensions.get("netzwerke_kg.cache")
    if (cache is not None and key is not None and response.status_code == 200
            and not response.is_streamed and not response.direct_passthrough
            and "public" in response.headers.get("Cache-Control", "")):
        cache.put(key, response, g.get("query_log"))
    return response


def _validated(response: Response) -> Response:
    """The headers and validators of one freshly rendered response (and 304 when they match)."""
    if "*" not in response.vary:
        for name in VARY:
            response.vary.add(name)
    if response.status_code != 200 or "Content-Range" in response.headers:
        return response
    cache_control = response.headers.get("Cache-Control", "")
    if "no-store" in cache_control or "private" in cache_control:
        return response
    if request.endpoint == "dumps.download_file":
        # The downloads view serves the build's own bytes with their SHA-256 as ETag; it did the
        # conditional and range handling itself (send_file), nothing left to add here.
        return response
    if not cache_control:
        long_lived = request.endpoint == "static"
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE if long_lived else PAGE_MAX_AGE

    last_modified = current_app.config["LAST_MODIFIED"]
    if last_modified and "Last-Modified" not in response.headers:
        response.headers["Last-Modified"] = last_modified

    compress = _should_gzip(response)
    needs_body = response.get_etag()[0] is None and getattr(request, "variant_key", None) is None
    body = _buffered_body(response) if compress or needs_body else None
    if compress and (body is None or len(body) < GZIP_MIN_BYTES):
        compress = False

    tag, weak = response.get_etag()
    if tag is not None:
        # A view (e.g. send_file for /static) named its own validator; the gzip variant is
        # another representation, so it needs a different strong tag (RFC 9110 §8.8.3.3).
        if compress:
            tag = f"{tag}-gzip"
    else:
        tag = getattr(request, "variant_key", None) or _body_etag(response, body, "gzip" if compress else "")
        weak = False
    if tag is not None:
        response.set_etag(tag, weak=weak)

    if _not_modified(response):
        # Release what a streamed body holds (a file, a query cursor) before dropping it.
        original = response.response
        if hasattr(original, "close"):
            original.close()
        response.status_code = 304
        response.direct_passthrough = False
        response.set_data(b"")
        return response
    if compress and body is not None:
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


def _should_gzip(response: Response) -> bool:
    """True when the client accepts gzip and the response is unencoded text worth compressing."""
    if request.accept_encodings["gzip"] <= 0 or "Content-Encoding" in response.headers:
        return False
    if "no-transform" in response.headers.get("Cache-Control", "") and request.endpoint != "static":
        return False
    mimetype = response.mimetype or ""
    textual = (
        mimetype.startswith("text/")
        or mimetype in _TEXTUAL
        or mimetype.endswith("+json")
        or mimetype.endswith("+xml")
    )
    if not textual:
        return False
    if response.direct_passthrough:
        # A file wrapper (send_file): only read it into memory when its size is known and small.
        length = response.content_length
        return length is not None and GZIP_MIN_BYTES <= length <= GZIP_MAX_BYTES
    return not response.is_streamed


def _buffered_body(response: Response) -> bytes | None:
    """The body bytes when they can be had without consuming a stream; None for streams."""
    if response.direct_passthrough:
        length = response.content_length
        if length is None or length > GZIP_MAX_BYTES:
            return None
        response.direct_passthrough = False
        return response.get_data()
    if response.is_streamed:
        return None
    return response.get_data()


def _body_etag(response: Response, body: bytes | None, coding: str) -> str | None:
    """Without a release (a remote endpoint and no dist/): a strong tag from the URL, variant and body."""
    if body is None:
        return None
    digest = hashlib.sha256()
    for part in (request.url, response.headers.get("Content-Type", ""),
                 response.headers.get("Content-Language", ""), coding):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(hashlib.sha256(body).digest())
    return digest.hexdigest()[:40]


def _not_modified(response: Response) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tag, _weak = response.get_etag()
        if tag is None:
            return False
        # §13.1.2: If-None-Match uses the weak comparison; "*" matches any current representation.
        return parse_etags(if_none_match).contains_weak(tag)
    if_modified_since = request.headers.get("If-Modified-Since")
    last_modified = response.headers.get("Last-Modified")
    if if_modified_since is None or last_modified is None:
        return False
    since = parse_date(if_modified_since)  # an invalid date is ignored (§13.1.3)
    modified = parse_date(last_modified)
    if since is None or modified is None:
        return False
    return modified <= since and since <= datetime.now(timezone.utc)
