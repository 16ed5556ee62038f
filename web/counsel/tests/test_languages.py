"""The agents' workspace in English: flash messages and page errors raised in Python."""

import pytest
from django.conf import settings

from dolbom.counselling import services

pytestmark = pytest.mark.django_db


def test_assigning_a_case_in_english(client, citizen, family, agent, regions, coordinator_gangnam, clock):
    from tests.factories import UserFactory

    colleague = UserFactory(
        username="coord-gg", role="coordinator", scope_region=regions["gyeonggi"], first_name="도코디"
    )
    case = services.case_for_family(guardian=citizen, actor=agent)
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.post(f"/counsel/cases/{case.pk}/assign/", {"assignee_id": coordinator_gangnam.pk})
    assert refused.status_code == 422
    assert "It can only be assigned to an agent responsible for this region." in refused.content.decode()
    done = client.post(f"/counsel/cases/{case.pk}/assign/", {"assignee_id": colleague.pk}, follow=True)
    assert f"Assigned agent set to {colleague.display_name}." in done.content.decode()


def test_the_familys_case_history_in_their_language(client, citizen, family, agent, clock):
    """History lines are recorded as a message and its parts: the family reads them in Vietnamese or English, the
    stored Korean text stays what staff search, and a line recorded as plain text is shown as it was written."""
    from dolbom.counselling.models import CaseEvent

    inquiry = services.inquiry_ask(actor=citizen, topic="benefits", question="부모급여를 받을 수 있나요?")
    services.call_log(actor=agent, case_id=inquiry.case_id, topic="booking", outcome="informed")
    old = CaseEvent.objects.create(case=inquiry.case, kind="status", summary="예전 기록입니다.", data={})
    stored = set(CaseEvent.objects.values_list("summary", flat=True))
    assert {"온라인 문의 (지원사업): 부모급여를 받을 수 있나요?", "전화 상담 (돌봄 예약) — 안내 완료"} <= stored

    client.force_login(citizen)
    for lang, asked, called in (
        (
            "vi",
            "Câu hỏi trực tuyến (Chế độ hỗ trợ): 부모급여를 받을 수 있나요?",
            "Cuộc gọi tư vấn (Đặt chỗ chăm sóc) — Đã hướng dẫn",
        ),
        ("en", "Online enquiry (Benefits): 부모급여를 받을 수 있나요?", "Phone call (Book care) — Informed"),
        ("ko", "온라인 문의 (지원사업): 부모급여를 받을 수 있나요?", "전화 상담 (돌봄 예약) — 안내 완료"),
    ):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        page = client.get("/my/inquiries/").content.decode()
        assert asked in page and called in page, lang
        assert old.summary in page
    broken = CaseEvent.objects.create(case=inquiry.case, kind="status", summary="원문", data={"line": {"x": 1}})
    assert broken.display_summary == "원문"


def test_what_an_agent_did_for_the_family_reads_in_their_language(client, citizen, family, agent, clock):
    """Lines of actions taken on the family's behalf (here a facility search) follow the reader's language."""
    from dolbom.counselling.lines import Line
    from dolbom.counselling.models import CaseEvent
    from dolbom.counselling.services import case_action_record

    case = services.case_for_family(guardian=citizen, actor=agent)
    case_action_record(
        actor=agent,
        case_id=case.pk,
        kind=CaseEvent.Kind.FACILITY_SEARCH,
        summary=Line("시설 찾기: %(n)s곳 안내 (%(names)s 등)", {"n": 2, "names": "해님어린이집, 달님어린이집"}),
    )
    line = CaseEvent.objects.get(kind=CaseEvent.Kind.FACILITY_SEARCH)
    assert line.summary == "시설 찾기: 2곳 안내 (해님어린이집, 달님어린이집 등)"
    client.force_login(citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "查找机构：已介绍2处（해님어린이집, 달님어린이집等）" in client.get("/my/inquiries/").content.decode()
