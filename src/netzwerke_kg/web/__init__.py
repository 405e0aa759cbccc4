"""The Flask app factory. Blueprints: sparql (endpoint), resources, browse, dumps, meta."""

from __future__ import annotations

from flask import Flask

from netzwerke_kg.backends import create_backend
from netzwerke_kg.backends.base import Backend
from netzwerke_kg.config import Settings


def create_app(settings: Settings | None = None, backend: Backend | None = None, *,
               verify: bool = True) -> Flask:
    """Build the web app from arguments; tests pass their own settings and backend.

    ``verify=False`` skips the checksum check of the release (for tests that forge a release).
    """
    from netzwerke_kg.kg.release import pin

    # One server serves one release: the current one, resolved and checksum-verified once, here.
    settings = pin(settings or Settings.from_env(), check=verify)
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["netzwerke_kg.backend"] = backend or create_backend(settings)

    # Imported on use: importing one web module (say web.iris) need not load every blueprint.
    from netzwerke_kg.web import browse, caching, dumps, errors, fairuse, i18n, meta, resources, security, sparql

    errors.register(app)
    for module in (sparql, resources, browse, dumps, meta, fairuse):
        app.register_blueprint(module.bp)
    from netzwerke_kg.web import releases  # /releases, /cite (#13)

    app.register_blueprint(releases.bp)
    # Cross-cutting response hooks: caching headers, then security headers and CORS.
    from netzwerke_kg.web import lists  # lists with JSON/CSV twins (issue #11)
    app.register_blueprint(lists.bp)
    from netzwerke_kg.web import api  # stored queries as a stable API (issue #11)
    app.register_blueprint(api.bp)
    from netzwerke_kg.web import openapi  # /openapi.json: OpenAPI 3.1 of the lists and stored queries
    app.register_blueprint(openapi.bp)
    from netzwerke_kg.web import pictures  # overlap, timeline and map of all networks (issue #11)
    app.register_blueprint(pictures.bp)
    caching.register(app)  # also puts the response cache in front of the app (WSGI)
    security.register(app)
    from netzwerke_kg.web import signposting  # FAIR Signposting links, /linkset (#13)

    signposting.register(app)  # its after_request runs before caching's, so cached answers carry the links
    from netzwerke_kg.web import schemaorg  # schema.org Dataset JSON-LD for / and /downloads (#13)

    schemaorg.register(app)
    # Registered after the other hooks, so it runs before them: Content-Language and the language
    # cookie are on the response before caching.py stores it.
    i18n.register(app)
    if settings.trust_proxy:
        # Honour X-Forwarded-For/Proto/Host/Prefix only when told a trusted proxy is in front;
        # outermost, so the response cache keys on the host and scheme the client used.
        # security.py's Host check (inside it) then sees the forwarded host.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    return app
