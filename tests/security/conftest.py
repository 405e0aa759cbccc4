"""Fixtures of the security suites: one live gunicorn server shared by the hostile suite, the
slow-client test and the soak (starting one costs seconds; the fault tests start their own)."""

from __future__ import annotations

import pytest

from tests.security.live import serving


@pytest.fixture(scope="session")
def live(built_dist, root, tmp_path_factory):
    """``serve()`` under gunicorn (two web workers, 5 s query limit, fair use off) on a free port."""
    log = tmp_path_factory.mktemp("live") / "serve.log"
    with serving(root, built_dist, log, workers=2, fair_use_budget=0.0, query_timeout=5.0) as server:
        yield server
