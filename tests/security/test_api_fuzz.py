"""Fuzz both JSON APIs from their own OpenAPI documents, in-process through the WSGI application.

Every generated request — well-formed or not — is sent as an anonymous visitor, a signed-in citizen and a
coordinator, against a small seeded world. What must hold for every answer:

- never a 5xx (a 500 is a bug);
- every 4xx carries exactly {"code", "message", "detail"} with a Korean message;
- a documented answer matches its documented schema.

The run is bounded and reproducible: hypothesis is derandomized (same cases on every machine) and each
operation gets a small example budget, so the whole file takes a couple of minutes on two cores.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from tests.factories import FacilityFactory, UserFactory

#: Examples per operation and role. Raise locally (`FUZZ_EXAMPLES=200`) for a deeper run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ERROR_KEYS = {"code", "message", "detail"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)

v1_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
hsds_schema = schemathesis.openapi.from_wsgi("/api/hsds/openapi.json", application)

ROLES = ["anonymous", "citizen", "coordinator"]


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every error answer is the one error shape with a Korean message."""
    status = response.status_code
    if status < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError as exc:  # pragma: no cover - reported as a failure
        raise AssertionError(f"{status} answer is not JSON: {response.content[:200]!r}") from exc
    assert isinstance(body, dict), f"{status} answer is not an object: {body!r}"
    assert set(body) == ERROR_KEYS, f"{status} answer has keys {sorted(body)}, expected {sorted(ERROR_KEYS)}"
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["message"], str) and HANGUL.search(body["message"]), f"message not Korean: {body!r}"
    assert isinstance(body["detail"], dict), body
    return None


CHECKS = [not_a_server_error, error_shape, response_schema_conformance]


@pytest.fixture
def fuzz_world(regions, django_db_blocker):
    """A few rows for generated ids to land on, and a bearer token per role."""
    from dolbom.accounts.models import ApiToken

    FacilityFactory(name="시설 X", region=regions["jangan"])
    FacilityFactory(name="시설 Y", region=regions["gangnam"])
    citizen = UserFactory(username="fuzz-citizen", role="citizen")
    coordinator = UserFactory(username="fuzz-coord", role="coordinator", scope_region=regions["suwon"])
    from datetime import date

    from dolbom.counselling.services import inquiry_ask
    from dolbom.households.models import Child, Household

    household = Household.objects.create(guardian=citizen, home_region=regions["jangan"])
    Child.objects.create(household=household, name="하늘", birth_date=date(2024, 5, 1))
    inquiry_ask(actor=citizen, topic="booking", question="주말 돌봄 문의")
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role, user in (("citizen", citizen), ("coordinator", coordinator)):
        _, key = ApiToken.issue(user=user)
        headers[role] = {"Authorization": f"Bearer {key}"}
    # The WSGI client calls the application directly, so Django's request signals would close the test's
    # connection (and its transaction) after every request; Django's own test client unhooks them the same way.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield headers
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _call(case: Any, headers: dict[str, str]) -> None:
    from django.core.cache import cache
    from django.db import transaction

    cache.clear()  # rate-limit counters must not turn a long fuzz run into a wall of 429s
    # Each example starts from the seeded world: whatever it wrote is rolled back to a savepoint, which also
    # keeps a statement PostgreSQL refused from poisoning the test's transaction for the next example.
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.parametrize("role", ROLES)
@v1_schema.parametrize()
@FUZZ_SETTINGS
def test_api_v1_fuzz(case, role, fuzz_world):
    _call(case, fuzz_world[role])


@pytest.mark.parametrize("role", ["anonymous"])
@hsds_schema.parametrize()
@FUZZ_SETTINGS
def test_hsds_fuzz(case, role, fuzz_world):
    _call(case, fuzz_world[role])
