import json

import pytest

from dolbom.accounts.services import user_signup
from dolbom.core.models import AuditEntry
from tests.factories import PASSWORD


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def test_token_flow_and_me(api_client, citizen):
    response = post_json(api_client, "/api/v1/auth/token", {"username": citizen.username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    me = api_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json()["role"] == "citizen"


def test_login_by_email_or_phone(api_client, db):
    user = user_signup(login_id="010-2222-3333", password="a-long-passphrase", name="김가족")
    assert user.phone == "01022223333"
    for login_id in ("01022223333", "010-2222-3333"):
        response = post_json(api_client, "/api/v1/auth/token", {"username": login_id, "password": "a-long-passphrase"})
        assert response.status_code == 200, response.content


def test_wrong_password_is_401_in_error_shape(api_client, citizen):
    response = post_json(api_client, "/api/v1/auth/token", {"username": citizen.username, "password": "nope"})
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == "invalid_credentials"


def test_repeated_failures_lock_the_login(api_client, citizen):
    for _ in range(5):
        post_json(api_client, "/api/v1/auth/token", {"username": citizen.username, "password": "wrong"})
    response = post_json(api_client, "/api/v1/auth/token", {"username": citizen.username, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_me_requires_auth(api_client, db):
    response = api_client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"


def test_bad_token_is_refused(api_client, db):
    response = api_client.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


@pytest.mark.parametrize("body", ["{not json", json.dumps({"username": "x"}), json.dumps([1, 2])])
def test_malformed_token_requests_are_4xx(api_client, db, body):
    response = api_client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "detail"}


def test_oversized_request_is_413(api_client, db):
    body = json.dumps({"username": "x", "password": "y" * (2 * 1024 * 1024)})
    response = api_client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_signup_refuses_duplicates_and_bad_ids(db):
    from dolbom.core.errors import Conflict, InvalidInput

    user_signup(login_id="mom@example.kr", password="a-long-passphrase", name="엄마")
    with pytest.raises(Conflict):
        user_signup(login_id="MOM@example.kr", password="a-long-passphrase", name="엄마")
    with pytest.raises(InvalidInput):
        user_signup(login_id="not an id", password="a-long-passphrase", name="엄마")
    with pytest.raises(InvalidInput):
        user_signup(login_id="dad@example.kr", password="1234", name="아빠")
    assert AuditEntry.objects.filter(action="user.signup").count() == 1


def test_openapi_is_served(api_client, db):
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "돌봄 API"
