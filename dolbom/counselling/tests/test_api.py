import sys
import types

import pytest

from dolbom.core.models import AuditEntry
from dolbom.counselling import services
from dolbom.counselling.knowledge import articles_load
from dolbom.counselling.models import Callback, Case, Inquiry

from .conftest import kst

pytestmark = pytest.mark.django_db
URL = "/api/v1/counselling"


def post(client, url, data, headers=None):
    return client.post(url, data=data, content_type="application/json", **(headers or {}))


def test_anonymous_ask_requires_consent(api_client, regions, clock):
    body = {"topic": "benefits", "question": "아동수당 문의", "phone": "010-2222-3333", "region_code": "4111000000"}
    response = post(api_client, f"{URL}/inquiries", body)
    assert response.status_code == 422
    assert response.json()["code"] == "consent_required"
    assert response.json()["detail"]["fields"] == {"consent": "필수"}
    response = post(api_client, f"{URL}/inquiries", {**body, "consent": True})
    assert response.status_code == 201
    assert response.json()["timer"]["due_at"] is not None
    assert Case.objects.get().guardian is None


@pytest.mark.parametrize(
    "body",
    [
        {"topic": "weather", "question": "x", "consent": True, "phone": "01022223333", "region_code": "4111000000"},
        {"topic": "other", "consent": True, "phone": "01022223333", "region_code": "4111000000"},
        {"topic": "other", "question": "x", "consent": True, "phone": "01022223333", "region_code": "9999999999"},
        {"topic": "other", "question": "x", "unknown_field": 1},
        {"topic": "other", "question": "x", "reply_by": "callback", "window_start": "not a time"},
    ],
)
def test_bad_input_is_a_4xx_with_the_error_shape(api_client, regions, clock, body):
    response = post(api_client, f"{URL}/inquiries", body)
    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "detail"}
    assert not Inquiry.objects.exists()


def test_citizen_sees_own_inquiries_only(api_client, auth_header, citizen, family, other_citizen, other_family, clock):
    response = post(api_client, f"{URL}/inquiries", {"topic": "booking", "question": "예약 문의"}, auth_header(citizen))
    assert response.status_code == 201
    inquiry_id = response.json()["id"]
    mine = api_client.get(f"{URL}/inquiries", **auth_header(citizen)).json()
    assert [i["id"] for i in mine] == [inquiry_id]
    assert api_client.get(f"{URL}/inquiries", **auth_header(other_citizen)).json() == []
    response = api_client.get(f"{URL}/inquiries/{inquiry_id}", **auth_header(other_citizen))
    assert response.status_code == 404
    response = post(api_client, f"{URL}/inquiries/{inquiry_id}/messages", {"body": "x"}, auth_header(other_citizen))
    assert response.status_code == 404


def test_agent_endpoints_refuse_citizens_anonymous_and_other_regions(
    api_client, auth_header, citizen, family, coordinator_gangnam, agent, clock
):
    inquiry = services.inquiry_ask(actor=citizen, topic="benefits", question="문의")
    assert api_client.get(f"{URL}/queue").status_code == 401
    assert api_client.get(f"{URL}/queue", **auth_header(citizen)).status_code == 403
    assert api_client.get(f"{URL}/cases/{inquiry.case_id}", **auth_header(citizen)).status_code == 403
    gangnam = auth_header(coordinator_gangnam)
    assert api_client.get(f"{URL}/cases/{inquiry.case_id}", **gangnam).status_code == 403
    assert api_client.get(f"{URL}/queue", **gangnam).json()["inquiries"] == []
    response = post(api_client, f"{URL}/inquiries/{inquiry.pk}/replies", {"body": "답"}, gangnam)
    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    assert api_client.get(f"{URL}/queue", **auth_header(agent)).json()["inquiries"][0]["id"] == inquiry.pk


@pytest.fixture
def fake_benefits(monkeypatch):
    module = types.ModuleType("dolbom.benefits.services")

    def benefits_check(*, data, actor=None, acting_for=None):
        return {"programmes": [{"id": "parent_benefit", "name": "부모급여", "status": "eligible"}]}

    module.benefits_check = benefits_check  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dolbom.benefits.services", module)


def test_the_whole_story_through_the_api(api_client, auth_header, citizen, family, agent, fake_benefits, clock):
    """The citizen asks for a callback; the agent takes it, checks benefits, refers, closes; the family sees it."""
    me, staff = auth_header(citizen), auth_header(agent)
    ask = {
        "topic": "benefits",
        "question": "받을 수 있는 지원이 궁금해요",
        "reply_by": "callback",
        "window_start": kst(2026, 11, 23, 14).isoformat(),
        "window_end": kst(2026, 11, 23, 16).isoformat(),
    }
    assert post(api_client, f"{URL}/inquiries", ask, me).status_code == 201
    queue = api_client.get(f"{URL}/queue", **staff).json()
    callback_id, case_id = queue["callbacks"][0]["id"], queue["callbacks"][0]["case_id"]
    assert queue["callbacks"][0]["timer"]["label"].endswith("남음 (근무시간)")
    assert post(api_client, f"{URL}/callbacks/{callback_id}/take", {}, staff).status_code == 200
    response = post(api_client, f"{URL}/cases/{case_id}/act/benefits-check", {"income_pct_of_median": 120}, staff)
    assert response.status_code == 200 and response.json()["eligible"] == ["부모급여"]
    referral = post(
        api_client,
        f"{URL}/cases/{case_id}/referrals",
        {"agency_name": "수원시 육아종합지원센터", "reason": "양육 상담", "consent": True, "consent_method": "verbal"},
        staff,
    )
    assert referral.status_code == 201
    done = {"status": "done", "outcome": "referred", "notes": "지원 안내, 센터 연계", "duration_seconds": 300}
    assert post(api_client, f"{URL}/callbacks/{callback_id}/complete", done, staff).status_code == 200
    response = post(api_client, f"{URL}/cases/{case_id}/close", {"note": "안내 완료"}, staff)
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert Callback.objects.get().status == "done"

    history = api_client.get(f"{URL}/my/history", **me).json()
    kinds = [h["kind"] for h in history]
    for kind in ("inquiry", "callback", "benefits_check", "referral", "status"):
        assert kind in kinds
    assert "assignment" not in kinds  # internal lines stay internal
    on_behalf = [h for h in history if h["on_behalf"]]
    assert any(h["kind"] == "benefits_check" for h in on_behalf)
    assert AuditEntry.objects.filter(acting_for=citizen, actor=agent).count() >= 3
    detail = api_client.get(f"{URL}/cases/{case_id}", **staff).json()
    assert detail["status"] == "closed" and len(detail["calls"]) == 1
    assert detail["inquiries"][0]["status"] == "closed"


def test_call_logging_and_caller_lookup(api_client, auth_header, citizen, family, agent, clock):
    staff = auth_header(agent)
    found = api_client.get(f"{URL}/callers", {"phone": "010-1234-5678"}, **staff).json()
    assert found[0]["user_id"] == citizen.pk and found[0]["phone_masked"] == "010-****-5678"
    call = {"caller_user_id": citizen.pk, "topic": "complaint", "outcome": "resolved", "notes": "불편 접수"}
    response = post(api_client, f"{URL}/calls", call, staff)
    assert response.status_code == 201
    assert api_client.get(f"{URL}/callers", **staff).status_code == 422
    assert post(api_client, f"{URL}/calls", {**call, "topic": "nope"}, staff).status_code == 422
    assert post(api_client, f"{URL}/calls", call, auth_header(citizen)).status_code == 403


def test_knowledge_search_is_public(api_client, db):
    articles_load()
    response = api_client.get(f"{URL}/knowledge", {"q": "부모급여 얼마"})
    assert response.status_code == 200
    assert response.json()[0]["slug"] == "parent-benefit-amount"


def test_openapi_lists_the_counselling_paths(api_client, db):
    paths = api_client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/counselling/queue" in paths
    assert "/api/v1/counselling/cases/{case_id}/act/booking" in paths
