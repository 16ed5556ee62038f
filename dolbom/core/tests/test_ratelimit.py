import pytest
from django.core.cache import cache

from dolbom.core.errors import RateLimited
from dolbom.core.ratelimit import limited_client, rate_limit_hit

CHECK = {"region_code": "4111100000"}


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {"benefits_check": (3, 60), "inquiry_create": (2, 3600), "auth_token": (2, 60)}
    cache.clear()
    return settings


def test_fixed_window_counts_then_refuses_then_resets(tight):
    for _ in range(3):
        rate_limit_hit(scope="benefits_check", key="10.0.0.1", now=1000.0)
    with pytest.raises(RateLimited) as refused:
        rate_limit_hit(scope="benefits_check", key="10.0.0.1", now=1010.0)
    assert refused.value.status == 429
    assert refused.value.detail["retry_after"] == 10  # window [960, 1020)
    rate_limit_hit(scope="benefits_check", key="10.0.0.2", now=1010.0)  # another client is not affected
    rate_limit_hit(scope="benefits_check", key="10.0.0.1", now=1020.0)  # the next window starts afresh


def test_unknown_scope_is_not_limited(tight):
    for _ in range(50):
        rate_limit_hit(scope="nothing-configured", key="10.0.0.1")


def test_forwarded_for_is_trusted_only_from_our_proxies(settings):
    meta = {"REMOTE_ADDR": "10.1.1.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    settings.RATE_LIMIT_TRUSTED_PROXIES = 0
    assert limited_client(meta) == "10.1.1.1"
    settings.RATE_LIMIT_TRUSTED_PROXIES = 1
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really saw.
    assert limited_client(meta) == "203.0.113.9"


def test_anonymous_benefit_checks_are_limited_with_the_error_shape(tight, regions, api_client):
    statuses = [api_client.post("/api/v1/benefits/check", CHECK, content_type="application/json") for _ in range(4)]
    assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
    refused = statuses[3]
    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == "rate_limited" and "요청이 너무 많습니다" in body["message"]
    assert int(refused["Retry-After"]) >= 1
    other = api_client.post("/api/v1/benefits/check", CHECK, content_type="application/json", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_signed_in_inquiries_are_not_counted_but_anonymous_ones_are(tight, regions, citizen, api_client, auth_header):
    from dolbom.households.models import Household

    Household.objects.create(guardian=citizen, home_region=regions["jangan"])
    anonymous = {
        "topic": "benefits",
        "question": "아동수당 문의",
        "phone": "010-2222-3333",
        "region_code": "4111000000",
        "consent": True,
    }
    codes = [
        api_client.post("/api/v1/counselling/inquiries", anonymous, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    member = {"topic": "booking", "question": "예약 문의"}
    headers = auth_header(citizen)
    codes = [
        api_client.post("/api/v1/counselling/inquiries", member, content_type="application/json", **headers).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 201]


def test_token_requests_are_limited_per_ip(tight, citizen, api_client):
    payload = {"username": "citizen-a", "password": "wrong-password-0"}
    codes = [
        api_client.post("/api/v1/auth/token", payload, content_type="application/json").status_code for _ in range(3)
    ]
    assert codes[:2] == [401, 401]
    assert codes[2] == 429


def test_the_benefit_check_page_shares_the_anonymous_limit(tight, regions, client):
    from dolbom.benefits.services import benefits_catalogue_load

    benefits_catalogue_load()
    form = {"region": "4111100000"}
    codes = [client.post("/benefits/check/", form).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = client.post("/benefits/check/", form)
    assert "요청이 너무 많습니다" in last.content.decode()
