"""Errors of the counselling API follow the request's language (Korean by default; en, vi, zh for families)."""

import pytest

from dolbom.counselling.models import Inquiry

pytestmark = pytest.mark.django_db
URL = "/api/v1/counselling/inquiries"
ASK = {"topic": "benefits", "question": "아동수당 문의", "phone": "010-2222-3333", "region_code": "4111000000"}


def ask(client, body, **headers):
    return client.post(URL, data=body, content_type="application/json", **headers)


def test_missing_consent_in_korean_by_default(api_client, regions, clock):
    response = ask(api_client, ASK)
    assert response.status_code == 422
    assert response.json()["message"] == "상담을 위해 연락처 수집·이용에 동의해 주세요."
    assert response.json()["detail"]["fields"] == {"consent": "필수"}


def test_missing_consent_in_english(api_client, regions, clock):
    response = ask(api_client, ASK, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "consent_required"
    assert body["message"] == "Please agree to the collection and use of your contact details for counselling."
    assert body["detail"]["fields"] == {"consent": "required"}
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(
    ("lang", "message", "field"),
    [
        ("vi", "Vui lòng chọn chủ đề tư vấn.", "Chủ đề không xác định"),
        ("zh-hans", "请选择咨询主题。", "未知主题"),
    ],
)
def test_unknown_topic_in_the_family_languages(api_client, regions, clock, lang, message, field):
    api_client.cookies["django_language"] = lang
    response = ask(api_client, {**ASK, "topic": "weather", "consent": True})
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert response.json()["detail"]["fields"] == {"topic": field}


def test_missing_region_of_an_anonymous_caller_in_english(api_client, regions, clock):
    body = {key: value for key, value in ASK.items() if key != "region_code"}
    response = ask(api_client, {**body, "consent": True}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["message"] == "Please enter where you live."
    assert response.json()["detail"]["fields"] == {"region_code": "required"}
