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


def test_generic_action_record_endpoint_and_its_scope(
    api_client, auth_header, citizen, family, agent, coordinator_gangnam, clock
):
    case = services.case_for_family(guardian=citizen, actor=agent)
    body = {"kind": "home_visit", "summary": "방문돌봄 신청: 11월 25일 09:00~13:00", "object_type": "matching.x"}
    response = post(api_client, f"{URL}/cases/{case.pk}/actions", body, auth_header(agent))
    assert response.status_code == 201 and response.json()["on_behalf"] is True
    assert post(api_client, f"{URL}/cases/{case.pk}/actions", body, auth_header(coordinator_gangnam)).status_code == 403
    assert post(api_client, f"{URL}/cases/{case.pk}/actions", body, auth_header(citizen)).status_code == 403
    bad = post(api_client, f"{URL}/cases/{case.pk}/actions", {**body, "kind": "teleport"}, auth_header(agent))
    assert bad.status_code == 422
    history = api_client.get(f"{URL}/my/history", **auth_header(citizen)).json()
    assert history[0]["summary"].startswith("방문돌봄 신청")


def test_act_endpoints_for_booking_and_facility_search(
    api_client, auth_header, citizen, family, agent, facility_x, monkeypatch, clock
):
    from datetime import date, datetime, time

    from dolbom.booking import clock as booking_clock
    from dolbom.booking.demo import services_seed
    from dolbom.booking.models import FacilityService, Slot
    from dolbom.booking.services import slots_generate
    from dolbom.households.models import Child

    from .conftest import KST

    monkeypatch.setattr(booking_clock, "now", lambda: kst(2026, 11, 23, 9))
    always = {s.code: s for s in services_seed()}["gg-always-daycare"]
    fs = FacilityService.objects.create(facility=facility_x, service=always, default_capacity=3)
    slots_generate(facility_service=fs, start=date(2026, 11, 23), days=2)
    child = Child.objects.create(household=family, name="바다", birth_date=date(2022, 5, 10))
    slot = Slot.objects.get(facility_service=fs, starts_at=datetime.combine(date(2026, 11, 24), time(10), tzinfo=KST))
    case = services.case_for_family(guardian=citizen, actor=agent)
    staff = auth_header(agent)
    response = post(
        api_client, f"{URL}/cases/{case.pk}/act/booking", {"slot_ids": [slot.pk], "child_ids": [child.pk]}, staff
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "confirmed" and response.json()["fee"] == 3000
    again = post(
        api_client, f"{URL}/cases/{case.pk}/act/booking", {"slot_ids": [slot.pk], "child_ids": [child.pk]}, staff
    )
    assert again.status_code == 409  # the same child is already booked then
    assert post(api_client, f"{URL}/cases/{case.pk}/act/booking", {"slot_ids": "x"}, staff).status_code == 422

    from dolbom.directory import selectors as directory_selectors

    class Result:
        hits = [types.SimpleNamespace(facility=facility_x, distance_m=300.0)]

    monkeypatch.setattr(directory_selectors, "facility_search", lambda **kw: Result())
    response = post(api_client, f"{URL}/cases/{case.pk}/act/facility-search", {"child_id": child.pk}, staff)
    assert response.status_code == 200
    assert response.json() == [{"id": facility_x.pk, "name": "시설 X", "distance_m": 300.0}]


def test_home_visit_request_without_the_matching_service_is_503(
    api_client, auth_header, citizen, family, agent, monkeypatch, clock
):
    monkeypatch.setitem(sys.modules, "dolbom.matching.services", types.ModuleType("dolbom.matching.services"))
    case = services.case_for_family(guardian=citizen, actor=agent)
    body = {
        "child_ids": [1],
        "starts_at": kst(2026, 11, 25, 9).isoformat(),
        "ends_at": kst(2026, 11, 25, 13).isoformat(),
    }
    response = post(api_client, f"{URL}/cases/{case.pk}/act/home-visit", body, auth_header(agent))
    assert response.status_code == 503 and response.json()["code"] == "home_visit_unavailable"
