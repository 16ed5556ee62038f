"""Anonymous POSTs to the public forms (/ask/, sign-up, password reset) are rate-limited per address."""

import pytest
from django.core import mail
from django.test import Client

from dolbom.accounts.models import User
from dolbom.counselling.models import Inquiry

pytestmark = pytest.mark.django_db


def _signup(client: Client, n: int):
    return client.post(
        "/accounts/signup/",
        {"name": f"가입자{n}", "login_id": f"joiner{n}@example.kr", "password": "Dolbom!2026pw", "agree": "on"},
    )


def test_signup_is_limited_and_the_refused_post_writes_nothing(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3600)}
    client = Client()
    for n in range(2):
        response = _signup(client, n)
        assert response.status_code == 302, response.content.decode()[:500]
        client.logout()
    before = User.objects.count()
    refused = _signup(client, 99)
    assert refused.status_code == 429
    assert "요청이 너무 많습니다" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert User.objects.count() == before
    # Another address is not affected.
    assert _signup(Client(REMOTE_ADDR="10.0.0.9"), 3).status_code == 302


def test_password_reset_cannot_be_used_to_flood_a_mailbox(settings, citizen):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (3, 3600)}
    citizen.email = "family@example.kr"
    citizen.save()
    client = Client()
    codes = [client.post("/accounts/password-reset/", {"email": citizen.email}).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_ask_shares_its_allowance_with_the_inquiry_api(settings, regions):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "inquiry_create": (3, 3600)}
    client = Client()
    # An invalid form still counts: a flood of junk is what the limit is for.
    assert client.post("/ask/", {"question": ""}).status_code == 422
    assert client.post("/ask/", {"question": ""}).status_code == 422
    api = client.post(
        "/api/v1/counselling/inquiries", {"topic": "booking", "question": "?"}, content_type="application/json"
    )
    assert api.status_code == 422  # counted, then refused: no phone, no consent
    before = Inquiry.objects.count()
    refused = client.post(
        "/ask/",
        {"topic": "booking", "question": "야간 돌봄 문의", "reply_by": "phone", "phone": "010-1234-5678",
         "region_code": "4111100000", "consent": "on"},
    )  # fmt: skip
    assert refused.status_code == 429 and "Retry-After" in refused
    assert Inquiry.objects.count() == before
    again = client.post(
        "/api/v1/counselling/inquiries", {"topic": "booking", "question": "?"}, content_type="application/json"
    )
    assert again.status_code == 429 and again.json()["code"] == "rate_limited"
    # Reading the form is never limited.
    assert client.get("/ask/").status_code == 200


def test_signed_in_users_are_not_counted(settings, citizen):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "inquiry_create": (1, 3600)}
    client = Client()
    client.force_login(citizen)
    for _ in range(3):
        assert client.post("/ask/", {}).status_code == 302  # citizens are sent to their own inquiry page


def test_every_limited_page_names_a_configured_scope_and_a_real_url(settings):
    from django.urls import reverse

    for name, scope in settings.RATE_LIMITED_PAGES.items():
        assert scope in settings.RATE_LIMITS, name
        assert reverse(name)
