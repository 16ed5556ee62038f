"""Home-visit request errors follow the family's language."""

import pytest

from dolbom.matching.models import VisitRequest

from .test_api import payload
from .test_services import at

pytestmark = pytest.mark.django_db


def _request(api_client, auth_header, citizen, household, **headers):
    body = payload(household, starts_at=at(20).isoformat(), ends_at=at(18).isoformat())
    return api_client.post(
        "/api/v1/visits/requests", body, content_type="application/json", **auth_header(citizen), **headers
    )


def test_end_before_start_in_korean_by_default(api_client, auth_header, citizen, household, regions):
    r = _request(api_client, auth_header, citizen, household)
    assert r.status_code == 422
    assert r.json()["detail"]["fields"]["ends_at"] == "종료 시각은 시작 시각보다 늦어야 합니다."


def test_end_before_start_in_english(api_client, auth_header, citizen, household, regions):
    r = _request(api_client, auth_header, citizen, household, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid_input" and body["message"] == "Please check what you entered."
    assert body["detail"]["fields"]["ends_at"] == "The end time must be after the start time."
    assert not VisitRequest.objects.exists()


@pytest.mark.parametrize(
    ("lang", "text"), [("vi", "Giờ kết thúc phải sau giờ bắt đầu."), ("zh-hans", "结束时间必须晚于开始时间。")]
)
def test_end_before_start_in_vietnamese_and_chinese(api_client, auth_header, citizen, household, regions, lang, text):
    api_client.cookies["django_language"] = lang
    r = _request(api_client, auth_header, citizen, household)
    assert r.status_code == 422
    assert r.json()["detail"]["fields"]["ends_at"] == text
