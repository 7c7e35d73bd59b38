"""Schemathesis against /api/v1/openapi.json: generated requests to every operation, as an
authenticated township admin; no 5xx and no response that violates its documented schema.

``FAZHI_SCHEMATHESIS_EXAMPLES`` sets the examples per operation (default 10)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fazhi.core.models import ApiToken

EXAMPLES = int(os.environ.get("FAZHI_SCHEMATHESIS_EXAMPLES", "10"))
SKIP = {"/api/v1/review/", "/api/v1/review/compare"}  # file uploads: the attack corpus covers them


@pytest.fixture
def wsgi_app(db):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from fazhi.wsgi import application

    # As Django's test client does: requests must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_api_never_fails(wsgi_app, world):
    token = ApiToken.issue(world.admin_a, "schemathesis")[1]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures: list[str] = []
    ran = 0
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path in SKIP:
            continue

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            try:
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {token}"},
                    checks=[not_a_server_error, response_schema_conformance],
                )
            except Exception as exc:  # collect, keep going over every operation
                failures.append(
                    f"{case.method} {case.formatted_path}: {str(exc).splitlines()[0][:200]}"
                )

        run()
        ran += 1
    print(
        f"schemathesis: {ran} operations, up to {EXAMPLES} examples each, {len(failures)} failures"
    )
    assert ran > 5
    assert failures == []
