"""Errors the API fuzzer found answered outside the one error shape, or as a 500."""

import pytest

from dolbom.booking.models import Booking

ERROR_KEYS = {"code", "message", "detail"}


def _is_korean(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


@pytest.mark.django_db
def test_wrong_method_is_a_shaped_405(api_client):
    # django-ninja answered a plain-text "Method not allowed".
    response = api_client.put("/api/v1/auth/token")
    assert response.status_code == 405
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == "method_not_allowed" and _is_korean(body["message"])
    assert "POST" in response["Allow"]


@pytest.mark.django_db
def test_unknown_api_path_is_a_shaped_404(api_client):
    response = api_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.django_db
def test_multipart_without_boundary_is_a_400_not_a_500(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/token", b'{"username": "", "password": ""}', content_type="multipart/form-data"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS and _is_korean(body["message"])


def test_session_post_without_csrf_token_answers_in_korean(citizen, regions):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post("/api/v1/households/children", {}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed" and _is_korean(body["message"]), body


def test_ids_past_64_bits_are_bad_input_not_a_500(citizen, regions, api_client, auth_header):
    huge = 185304388093044973110226184170373120
    response = api_client.post(
        "/api/v1/care/bookings",
        {"child_ids": [huge], "slot_ids": [1]},
        content_type="application/json",
        **auth_header(citizen),
    )
    assert response.status_code in (404, 422), response.content
    assert set(response.json()) == ERROR_KEYS
    assert not Booking.objects.exists()


def test_path_id_past_64_bits_is_not_a_500(citizen, api_client, auth_header):
    response = api_client.get("/api/v1/households/children/99999999999999999999999", **auth_header(citizen))
    assert response.status_code in (404, 422)
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.django_db
def test_oversized_body_is_a_shaped_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"region_code": "4111100000", "pad": "' + "가" * 4000 + '"}'
    response = api_client.post("/api/v1/benefits/check", body, content_type="application/json")
    assert response.status_code == 413
    assert set(response.json()) == ERROR_KEYS and response.json()["code"] == "payload_too_large"
