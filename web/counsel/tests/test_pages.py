from datetime import date, datetime, time

import pytest

from dolbom.booking import clock as booking_clock
from dolbom.booking.demo import services_seed
from dolbom.booking.models import Booking, FacilityService, Slot
from dolbom.booking.services import slots_generate
from dolbom.core.models import AuditEntry
from dolbom.counselling import services
from dolbom.counselling.knowledge import articles_load
from dolbom.counselling.models import Callback, Case, Inquiry, Referral
from dolbom.counselling.tests.conftest import KST, kst
from dolbom.households.models import Child

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_asks_with_consent(client, regions, clock):
    form = {
        "topic": "benefits",
        "question": "첫만남이용권은 언제까지 신청하나요?",
        "reply_by": "message",
        "phone": "010-3333-4444",
        "region_code": "4111000000",
    }
    response = client.post("/ask/", form)
    assert response.status_code == 422
    assert "동의해 주세요" in response.content.decode()
    assert not Inquiry.objects.exists()
    response = client.post("/ask/", {**form, "consent": "on"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "010-****-4444" in text and "3333" not in text
    assert Inquiry.objects.get().case.guardian is None


def test_ask_page_searches_the_faq(client, db):
    articles_load()
    response = client.get("/ask/", {"q": "아동수당 몇 살"})
    assert response.status_code == 200 and "아동수당은 몇 살까지" in response.content.decode()
    assert "기관 연계 전에" not in client.get("/faq/", {"q": "기관 연계 동의"}).content.decode()


def test_citizen_asks_and_reads_their_inquiry(client, citizen, family, other_citizen, other_family, agent, clock):
    client.force_login(citizen)
    response = client.post(
        "/my/inquiries/", {"topic": "booking", "question": "주말 돌봄 예약 문의", "reply_by": "message"}
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    page = client.get(f"/my/inquiries/{inquiry.pk}/")
    assert page.status_code == 200 and "주말 돌봄 예약 문의" in page.content.decode()
    assert "내 상담" in client.get("/my/").content.decode()  # linked from the citizen's page
    bad = client.post("/my/inquiries/", {"topic": "booking", "question": "", "reply_by": "callback"})
    assert bad.status_code == 422
    client.force_login(other_citizen)
    assert client.get(f"/my/inquiries/{inquiry.pk}/").status_code == 404
    assert client.post(f"/my/inquiries/{inquiry.pk}/", {"body": "엿보기"}).status_code == 404
    client.force_login(agent)
    assert client.get("/my/inquiries/").status_code == 403


def test_workspace_is_for_agents_of_the_region(client, citizen, family, agent, coordinator_gangnam, clock):
    inquiry = services.inquiry_ask(actor=citizen, topic="benefits", question="지원 문의")
    assert client.get("/counsel/").status_code == 302  # to login
    client.force_login(citizen)
    assert client.get("/counsel/").status_code == 403
    client.force_login(coordinator_gangnam)
    assert "지원 문의" not in client.get("/counsel/").content.decode()
    assert client.get(f"/counsel/cases/{inquiry.case_id}/").status_code == 403
    assert client.post(f"/counsel/inquiries/{inquiry.pk}/reply/", {"body": "x"}).status_code == 403
    client.force_login(agent)
    page = client.get("/counsel/")
    assert page.status_code == 200 and "지원 문의" in page.content.decode()
    assert client.get(f"/counsel/cases/{inquiry.case_id}/").status_code == 200


def test_agent_logs_a_call_from_a_new_caller(client, agent, regions, clock):
    client.force_login(agent)
    lookup = client.get("/counsel/calls/new/", {"phone": "010-7777-8888"})
    assert lookup.status_code == 200 and "찾지 못했습니다" in lookup.content.decode()
    response = client.post(
        "/counsel/calls/new/?phone=01077778888",
        {"phone": "010-7777-8888", "caller_name": "정아빠", "topic": "facility", "outcome": "informed",
         "direction": "inbound", "notes": "근처 어린이집 안내", "duration_minutes": "3"},
    )  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.region == regions["suwon"] and case.caller_name == "정아빠"
    assert client.get(response.url).status_code == 200
    bad = client.post("/counsel/calls/new/", {"phone": "123", "topic": "facility", "outcome": "informed"})
    assert bad.status_code == 422


@pytest.fixture
def care(facility_x, monkeypatch):
    monkeypatch.setattr(booking_clock, "now", lambda: kst(2026, 11, 23, 9))
    always = {s.code: s for s in services_seed()}["gg-always-daycare"]
    fs = FacilityService.objects.create(facility=facility_x, service=always, default_capacity=3)
    slots_generate(facility_service=fs, start=date(2026, 11, 23), days=3)
    return fs


def test_the_demo_story_through_the_pages(client, citizen, family, agent, care, clock):
    """The agent takes a callback, checks benefits, books care, refers, closes; the citizen sees it all."""
    child = Child.objects.create(household=family, name="바다", birth_date=date(2022, 5, 10))
    inquiry = services.inquiry_ask(
        actor=citizen, topic="benefits", question="받을 수 있는 지원이 궁금해요", reply_by="callback",
        window_start=kst(2026, 11, 23, 14), window_end=kst(2026, 11, 23, 16),
    )  # fmt: skip
    callback = inquiry.callbacks.get()
    case_url = f"/counsel/cases/{inquiry.case_id}/"
    client.force_login(agent)
    assert client.post(f"/counsel/callbacks/{callback.pk}/take/").status_code == 302
    response = client.post(f"{case_url}act/benefits/", {"income_pct_of_median": "100", "household_size": "3"})
    assert response.status_code == 302
    page = client.get(case_url).content.decode()
    assert "부모급여" in page
    # The booking form lists the family's bookable services and that day's free slots.
    page = client.get(case_url, {"book_fs": care.pk, "book_day": "2026-11-24"}).content.decode()
    assert "언제나 어린이집" in page and "10:00~11:00" in page
    starts = [datetime.combine(date(2026, 11, 24), time(h), tzinfo=KST) for h in (10, 11)]
    slot_ids = list(Slot.objects.filter(facility_service=care, starts_at__in=starts).values_list("pk", flat=True))
    response = client.post(f"{case_url}act/booking/", {"slot_ids": slot_ids, "child_ids": [child.pk]})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.created_by == agent and booking.household == family
    refused = client.post(
        f"{case_url}referrals/",
        {"agency_name": "수원시 육아종합지원센터", "reason": "양육 상담", "consent_method": "verbal"},
    )
    assert refused.status_code == 422 and not Referral.objects.exists()
    response = client.post(
        f"{case_url}referrals/",
        {"agency_name": "수원시 육아종합지원센터", "reason": "양육 상담", "consent_method": "verbal", "consent": "on"},
    )
    assert response.status_code == 302
    early_close = client.post(f"{case_url}close/", {"note": ""})
    assert early_close.status_code == 409  # the callback is still open
    response = client.post(
        f"/counsel/callbacks/{callback.pk}/complete/",
        {"status": "done", "outcome": "acted", "notes": "지원 안내, 예약, 연계", "duration_minutes": "8"},
    )
    assert response.status_code == 302
    assert client.post(f"{case_url}close/", {"note": "안내 완료"}).status_code == 302
    assert Case.objects.get().status == "closed" and Callback.objects.get().status == "done"

    client.force_login(citizen)
    mine = client.get("/my/inquiries/").content.decode()
    for text in (
        "지원사업 확인",
        "돌봄 예약",
        "언제나 어린이집",
        "수원시 육아종합지원센터",
        "상담을 마쳤습니다",
        "보호자 대신 처리",
    ):
        assert text in mine, text
    assert "담당 상담원" not in mine  # internal lines stay internal
    acting_for = AuditEntry.objects.filter(actor=agent, acting_for=citizen).values_list("action", flat=True)
    for action in ("case.act.benefits_check", "booking.create", "case.act.booking", "referral.sent", "case.close"):
        assert action in acting_for, action


def test_case_page_audits_child_reads_and_requests_a_home_visit(client, citizen, family, agent, clock):
    from dolbom.matching.models import VisitRequest

    case = services.case_for_family(guardian=citizen, actor=agent)
    child = family.children.get()
    client.force_login(agent)
    page = client.get(f"/counsel/cases/{case.pk}/").content.decode()
    assert "하늘" in page and "방문돌봄 신청" in page
    read = AuditEntry.objects.get(action="child.read")
    assert read.actor == agent and read.acting_for == citizen
    form = {"service": "urgent", "starts_at": "2026-11-25T09:00", "hours": "4", "child_ids": [child.pk]}
    assert client.post(f"/counsel/cases/{case.pk}/act/home-visit/", {**form, "starts_at": "someday"}).status_code == 422
    # No position for the home yet: refused with the reason, nothing written.
    assert client.post(f"/counsel/cases/{case.pk}/act/home-visit/", form).status_code == 422
    family.home_address, family.home_lat, family.home_lng = "경기도 수원시 장안구 정자동", 37.30, 127.01
    family.save()
    response = client.post(f"/counsel/cases/{case.pk}/act/home-visit/", {**form, "needs": ["infant"]})
    assert response.status_code == 302
    visit = VisitRequest.objects.get()
    assert visit.household == family and list(visit.children.all()) == [child] and "infant" in visit.needs
    event = case.events.get(kind="home_visit")
    assert event.on_behalf and event.object_id == str(visit.pk)
    assert "11월 25일 09:00~13:00" in event.summary
    assert AuditEntry.objects.get(action="case.act.home_visit").acting_for == citizen


def test_citizen_closes_their_own_inquiry_only(client, citizen, family, other_citizen, other_family, clock):
    inquiry = services.inquiry_ask(actor=citizen, topic="other", question="질문")
    client.force_login(other_citizen)
    assert client.post(f"/my/inquiries/{inquiry.pk}/close/").status_code == 404
    client.force_login(citizen)
    assert client.get(f"/my/inquiries/{inquiry.pk}/close/").status_code == 405
    assert client.post(f"/my/inquiries/{inquiry.pk}/close/").status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == "closed"
    assert client.post(f"/my/inquiries/{inquiry.pk}/close/").status_code == 409


def test_agent_assigns_the_case_to_a_colleague_in_scope(
    client, citizen, family, agent, regions, coordinator_gangnam, clock
):
    from tests.factories import UserFactory

    colleague = UserFactory(
        username="coord-gg", role="coordinator", scope_region=regions["gyeonggi"], first_name="도코디"
    )
    case = services.case_for_family(guardian=citizen, actor=agent)
    client.force_login(agent)
    page = client.get(f"/counsel/cases/{case.pk}/").content.decode()
    assert "도코디" in page and coordinator_gangnam.display_name + " (강남구)" not in page
    assert client.post(f"/counsel/cases/{case.pk}/assign/", {"assignee_id": coordinator_gangnam.pk}).status_code == 422
    assert client.post(f"/counsel/cases/{case.pk}/assign/", {"assignee_id": colleague.pk}).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == colleague


def test_citizen_without_a_home_region_names_one_when_asking(client, citizen, regions, clock):
    client.force_login(citizen)
    assert "사는 지역" in client.get("/my/inquiries/").content.decode()
    form = {"topic": "other", "question": "문의", "reply_by": "message"}
    assert client.post("/my/inquiries/", form).status_code == 422
    assert client.post("/my/inquiries/", {**form, "region_code": "4111000000"}).status_code == 302
    assert Case.objects.get().region == regions["suwon"]


@pytest.mark.parametrize("url", ["/ask/", "/my/inquiries/", "/counsel/calls/new/"])
def test_an_empty_post_is_a_422_not_a_crash(client, citizen, agent, regions, url):
    if url != "/ask/":  # the visitors' form is for anyone not signed in as a family
        client.force_login(agent if url.startswith("/counsel/") else citizen)
    response = client.post(url)
    assert response.status_code == 422
    assert "입력값을 확인해 주세요" in response.content.decode() or "입력해 주세요" in response.content.decode()
