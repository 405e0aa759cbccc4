"""schemathesis against the live app over every route in /openapi.json (issue #11 §2, §5).

The app runs on a loopback port under werkzeug (every response hook included); schemathesis reads
the OpenAPI document from it, generates valid and invalid requests per operation, and checks each
answer against the document: no server error, a documented status, content type and JSON schema.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402  (schemathesis brings hypothesis)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def live_app_url(built_dist):
    """The real app on 127.0.0.1 at a free port for this module."""
    from werkzeug.serving import make_server

    from netzwerke_kg.config import Settings
    from netzwerke_kg.web import create_app

    app = create_app(Settings(root=ROOT, dist=built_dist))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["netzwerke_kg.backend"].close()


@pytest.fixture(scope="module")
def api_schema(live_app_url):
    """The OpenAPI document as the live app serves it."""
    return schemathesis.openapi.from_url(f"{live_app_url}/openapi.json")


def _operations():
    """(path, method) of every operation in the document the code generates (no server needed)."""
    from netzwerke_kg.list_queries import STORED
    from netzwerke_kg.web.lists.specs import SPECS

    return [f"/{n}{e}" for n in SPECS for e in ("", ".json", ".csv")] + [f"/api/{n}" for n in STORED]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("path", _operations())
def test_every_operation_keeps_its_contract(api_schema, live_app_url, path, mode):
    """Generated requests, valid and invalid, get documented answers and never a server error.

    Every default check runs but "schema-valid data is accepted": a schema cannot say which slugs
    name a network or which ``next`` tokens this server handed out, and such a well-formed but
    unknown value is rightly a 400 naming the parameter (asserted in test_api.py)."""
    from hypothesis import given
    from schemathesis.checks import positive_data_acceptance

    operation = api_schema[path]["GET"]
    generation = schemathesis.GenerationMode.POSITIVE if mode == "positive" else schemathesis.GenerationMode.NEGATIVE

    @given(operation.as_strategy(generation_mode=generation))
    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        """One generated request, checked against the document."""
        case.call_and_validate(base_url=live_app_url, excluded_checks=[positive_data_acceptance])

    run()


def test_document_covers_every_list_and_stored_query(live_app_url):
    """Every list (HTML, JSON, CSV) and every stored query is a path of the document."""
    import json
    from urllib.request import urlopen

    from netzwerke_kg.list_queries import STORED
    from netzwerke_kg.web.lists.specs import SPECS

    with urlopen(f"{live_app_url}/openapi.json") as r:
        doc = json.load(r)
    assert doc["openapi"].startswith("3.1")
    expected = {f"/{n}{e}" for n in SPECS for e in ("", ".json", ".csv")} | {f"/api/{n}" for n in STORED}
    assert set(doc["paths"]) == expected
