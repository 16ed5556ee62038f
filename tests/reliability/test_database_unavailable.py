"""A database that goes away mid-request answers 503 in the error shape (API) or a Korean page, never a 500.

Every query is made to fail the way a lost connection fails (django.db.OperationalError from the driver),
through the three paths an error can take: inside an API operation (django-ninja's handler), inside a page
view (DatabaseUnavailableMiddleware.process_exception), and inside a middleware such as the session or the
staff-session check (Django's 500 handler, web/errors.py). Runs on SQLite and PostgreSQL. The real thing —
connections killed under load against a live server — is in test_database_restart.py (PostgreSQL only).
"""

import contextlib

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from dolbom.core.middleware import database_unavailable

ERROR_KEYS = {"code", "message", "detail"}


@contextlib.contextmanager
def database_down(error: type[Exception] = OperationalError):
    def refuse(execute, sql, params, many, context):
        raise error("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


def _is_korean(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


def _assert_api_503(response) -> None:
    assert response.status_code == 503, response.content[:300]
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == "service_unavailable" and _is_korean(body["message"])
    assert b"Traceback" not in response.content


def _assert_page_503(response) -> None:
    assert response.status_code == 503, response.content[:300]
    html = response.content.decode()
    assert "일시적으로 서비스를 이용할 수 없습니다" in html and "Traceback" not in html
    assert response["Retry-After"].isdigit()


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_api_operation_answers_503_in_the_error_shape(error, regions):
    client = Client(raise_request_exception=False)
    with database_down(error):
        _assert_api_503(client.get("/api/v1/care/services"))
        _assert_api_503(client.get("/api/v1/facilities/1"))


@pytest.mark.django_db
def test_api_with_a_bearer_token_answers_503_when_the_token_cannot_be_checked(citizen, auth_header):
    client = Client(raise_request_exception=False)
    header = auth_header(citizen)
    with database_down():
        _assert_api_503(client.get("/api/v1/care/bookings", **header))


@pytest.mark.django_db
def test_page_view_answers_a_korean_503_page(regions):
    client = Client(raise_request_exception=False)
    with database_down():
        _assert_page_503(client.get("/care/"))


@pytest.mark.django_db
def test_signed_in_page_answers_503_when_the_session_cannot_be_loaded(citizen, coordinator_suwon):
    # The session and the user are loaded by middleware, before any view: the 500 handler's path.
    for user, path in ((citizen, "/my/"), (coordinator_suwon, "/counsel/")):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        with database_down():
            _assert_page_503(client.get(path))


@pytest.mark.django_db
def test_session_save_failing_on_the_way_out_answers_503(coordinator_suwon, monkeypatch):
    # A staff request refreshes the session (staff_last_seen) and saves it in SessionMiddleware's response
    # phase, after the view ran.
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(coordinator_suwon)

    def lost(self, must_create=False):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(SessionStore, "save", lost)
    _assert_page_503(client.get("/counsel/"))


@pytest.mark.django_db
def test_a_bug_is_still_a_500_not_hidden_as_an_outage(monkeypatch, regions):
    # Control: only connection errors become 503; an ordinary exception stays a 500 (and is logged as a bug).
    from dolbom.booking import selectors

    def broken():
        raise ZeroDivisionError

    monkeypatch.setattr(selectors, "services_list", broken)
    response = Client(raise_request_exception=False).get("/api/v1/care/services")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_only_connection_errors_count_as_unavailable():
    from django.db import DataError, IntegrityError

    assert database_unavailable(OperationalError("x")) and database_unavailable(InterfaceError("x"))
    assert not database_unavailable(IntegrityError("x")) and not database_unavailable(DataError("x"))
    assert not database_unavailable(None) and not database_unavailable(ValueError("x"))


def test_dead_persistent_connections_are_health_checked():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
