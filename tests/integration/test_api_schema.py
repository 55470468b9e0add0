"""schemathesis against the API's OpenAPI document (issue 18's acceptance): every operation,
called with a valid key holding every scope, on cases generated from the schema — valid and
invalid — never answers with a server error. Bounded for `make test`: a few examples per
operation, derandomized (the same cases every run), no example database."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.integration.api_world import fresh_counters, issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_counters")]
assert fresh_counters

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app closes the database connection after each request (as a server should);
    inside a test that would close the test's transaction — Django's test client turns this
    off the same way."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def all_scopes_key(users, make_household, settings, tmp_path):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    make_household()  # something for the roster to read
    _key, plaintext = issue(users["county"], rate=6000)
    return plaintext


@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case, all_scopes_key):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {all_scopes_key}"}
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400:
        assert response.json()["detail"], (response.status_code, response.text[:300])
