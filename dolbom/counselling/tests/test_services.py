from datetime import timedelta

import pytest
from django.db import connection

from dolbom.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from dolbom.core.models import AuditEntry, Notification
from dolbom.counselling import selectors, services
from dolbom.counselling.models import Callback, CallLog, Case, CaseEvent, Inquiry, Referral, SlaPolicy
from dolbom.counselling.phones import phone_hash

from .conftest import kst

pytestmark = pytest.mark.django_db


def ask(actor, **kw):
    data = {"topic": "benefits", "question": "부모급여를 받을 수 있나요?"}
    data.update(kw)
    return services.inquiry_ask(actor=actor, **data)


# ---------------------------------------------------------------- asking online


def test_citizen_asks_and_the_case_takes_the_home_region(citizen, family, clock):
    inquiry = ask(citizen)
    assert inquiry.case.guardian == citizen
    assert inquiry.case.region.code == "4111100000"
    assert inquiry.status == Inquiry.Status.NEW
    # Monday 10:00 + one working day → Tuesday 10:00.
    assert inquiry.due_at == kst(2026, 11, 24, 10)
    assert inquiry.case.events.filter(kind=CaseEvent.Kind.INQUIRY).count() == 1
    # A second question lands in the same case.
    second = ask(citizen, topic="booking", question="주말에 맡길 곳이 있나요?")
    assert second.case_id == inquiry.case_id
    assert Case.objects.filter(guardian=citizen).count() == 1


def test_citizen_without_home_region_must_name_one(citizen, regions, clock):
    with pytest.raises(InvalidInput) as err:
        ask(citizen)
    assert "region_code" in err.value.detail["fields"]
    inquiry = ask(citizen, region_code="4111000000")
    assert inquiry.case.region == regions["suwon"]


def test_anonymous_needs_consent_phone_and_region(regions, clock):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    with pytest.raises(InvalidInput) as err:
        ask(anon, phone="010-5555-1234", region_code="4111000000")
    assert err.value.code == "consent_required"
    with pytest.raises(InvalidInput) as err:
        ask(anon, phone="02-123", region_code="4111000000", consent=True)
    assert "phone" in err.value.detail["fields"]
    with pytest.raises(InvalidInput):
        ask(anon, phone="010-5555-1234", consent=True)
    assert not Inquiry.objects.exists() and not Case.objects.exists()


def test_anonymous_phone_is_encrypted_and_found_by_hash(regions, clock):
    from django.contrib.auth.models import AnonymousUser

    first = ask(AnonymousUser(), phone="010-5555-1234", name="최엄마", region_code="4111000000", consent=True)
    second = ask(AnonymousUser(), phone="+82 10 5555 1234", region_code="4111000000", consent=True, topic="other")
    assert first.case_id == second.case_id
    case = Case.objects.get(pk=first.case_id)
    assert case.phone == "01055551234"
    assert case.phone_hash == phone_hash("01055551234")
    assert first.consent_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM counselling_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert "5555" not in raw and raw.startswith("enc:")


def test_staff_accounts_ask_like_visitors(agent, provider_x, clock):
    with pytest.raises(InvalidInput) as err:
        ask(provider_x)
    assert err.value.code == "consent_required"
    inquiry = ask(provider_x, phone="01044445555", region_code="4111000000", consent=True)
    assert inquiry.case.guardian is None and inquiry.author == provider_x
    assert inquiry in selectors.queue_inquiries(actor=agent)


def test_bad_input_is_refused_without_writing(citizen, family, clock):
    with pytest.raises(InvalidInput):
        ask(citizen, topic="weather")
    with pytest.raises(InvalidInput):
        ask(citizen, question="   ")
    with pytest.raises(InvalidInput):
        ask(citizen, question="가" * 2001)
    with pytest.raises(InvalidInput):
        ask(citizen, reply_by="fax")
    assert not Inquiry.objects.exists()


# ---------------------------------------------------------------- callbacks requested online


def test_callback_preference_needs_a_window_and_is_due_at_its_end(citizen, family, clock):
    with pytest.raises(InvalidInput):
        ask(citizen, reply_by="callback")
    with pytest.raises(InvalidInput):
        ask(citizen, reply_by="callback", window_start=kst(2026, 11, 23, 14), window_end=kst(2026, 11, 23, 14, 10))
    with pytest.raises(InvalidInput):
        ask(citizen, reply_by="callback", window_start=kst(2026, 11, 23, 7), window_end=kst(2026, 11, 23, 8))
    assert not Inquiry.objects.exists()
    inquiry = ask(citizen, reply_by="callback", window_start=kst(2026, 11, 23, 14), window_end=kst(2026, 11, 23, 16))
    callback = Callback.objects.get(inquiry=inquiry)
    assert callback.due_at == kst(2026, 11, 23, 16)
    assert callback.region.code == "4111100000"
    note = Notification.objects.get(kind="counselling.callback_scheduled")
    assert note.recipient == citizen and "14:00~16:00" in note.body


# ---------------------------------------------------------------- replies and follow-ups


def test_agent_reply_notifies_and_follow_up_requeues(citizen, family, agent, clock):
    inquiry = ask(citizen)
    services.inquiry_assign(actor=agent, inquiry_id=inquiry.pk)
    clock.set(kst(2026, 11, 23, 15))
    services.inquiry_reply(actor=agent, inquiry_id=inquiry.pk, body="네, 받을 수 있습니다.")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ANSWERED
    assert inquiry.first_replied_at == kst(2026, 11, 23, 15)
    assert Notification.objects.filter(kind="counselling.reply", recipient=citizen).count() == 1
    assert not selectors.queue_inquiries(actor=agent).exists()
    # Friday evening follow-up: back in the queue, due Monday 18:00.
    clock.set(kst(2026, 11, 27, 19))
    services.inquiry_follow_up(actor=citizen, inquiry_id=inquiry.pk, body="신청은 어디서 하나요?")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ASSIGNED
    assert inquiry.due_at == kst(2026, 11, 30, 18)
    assert list(selectors.queue_inquiries(actor=agent)) == [inquiry]


def test_other_citizen_cannot_follow_up_or_read(citizen, family, other_citizen, other_family, clock):
    inquiry = ask(citizen)
    with pytest.raises(NotFound):
        services.inquiry_follow_up(actor=other_citizen, inquiry_id=inquiry.pk, body="엿보기")
    with pytest.raises(NotFound):
        selectors.inquiry_get(actor=other_citizen, inquiry_id=inquiry.pk)
    assert list(selectors.inquiries_of(user=other_citizen)) == []


def test_closed_inquiry_cannot_be_answered(citizen, family, agent, clock):
    inquiry = ask(citizen)
    services.inquiry_close(actor=citizen, inquiry_id=inquiry.pk)
    with pytest.raises(TransitionNotAllowed):
        services.inquiry_reply(actor=agent, inquiry_id=inquiry.pk, body="답변")


# ---------------------------------------------------------------- scope


def test_agent_of_another_region_is_refused(citizen, family, coordinator_gangnam, clock):
    inquiry = ask(citizen)
    with pytest.raises(PermissionDenied):
        services.inquiry_reply(actor=coordinator_gangnam, inquiry_id=inquiry.pk, body="x")
    with pytest.raises(PermissionDenied):
        selectors.case_detail(actor=coordinator_gangnam, case_id=inquiry.case_id)
    assert not selectors.queue_inquiries(actor=coordinator_gangnam).exists()
    with pytest.raises(PermissionDenied):
        services.call_log(
            actor=coordinator_gangnam, case_id=inquiry.case_id, topic="benefits", outcome="informed", notes=""
        )


def test_province_official_is_not_an_agent(citizen, family, province_gyeonggi, clock):
    inquiry = ask(citizen)
    with pytest.raises(PermissionDenied):
        selectors.queue_inquiries(actor=province_gyeonggi)
    with pytest.raises(PermissionDenied):
        services.inquiry_reply(actor=province_gyeonggi, inquiry_id=inquiry.pk, body="x")


def test_queue_filters_by_topic_and_region(citizen, family, agent, regions, clock):
    from django.contrib.auth.models import AnonymousUser

    ask(citizen, topic="benefits")
    ask(AnonymousUser(), topic="booking", phone="01077778888", region_code="4111000000", consent=True)
    assert selectors.queue_inquiries(actor=agent).count() == 2
    assert [i.topic for i in selectors.queue_inquiries(actor=agent, topic="booking")] == ["booking"]
    assert selectors.queue_inquiries(actor=agent, region_code="4111100000").count() == 1
    with pytest.raises(InvalidInput):
        selectors.queue_inquiries(actor=agent, topic="weather")
    counts = selectors.queue_counts(actor=agent)
    assert counts["benefits"]["inquiries"] == 1 and counts["booking"]["inquiries"] == 1


# ---------------------------------------------------------------- calls


def test_call_from_a_registered_guardian_joins_their_case(citizen, family, agent, clock):
    inquiry = ask(citizen)
    call = services.call_log(
        actor=agent, phone="010-1234-5678", topic="benefits", outcome="informed", notes="부모급여 안내"
    )
    assert call.case_id == inquiry.case_id
    assert call.notes == "부모급여 안내"
    assert call.case.events.filter(kind=CaseEvent.Kind.CALL).exists()
    entry = AuditEntry.objects.get(action="call.log")
    assert entry.actor == agent and entry.acting_for == citizen


def test_call_from_an_unknown_number_opens_an_anonymous_case_in_the_agents_region(agent, regions, clock):
    call = services.call_log(
        actor=agent, phone="01099990000", caller_name="박아빠", topic="facility", outcome="informed"
    )
    assert call.case.guardian is None
    assert call.case.region == regions["suwon"]
    assert call.case.caller_name == "박아빠"
    again = services.call_log(actor=agent, phone="010-9999-0000", topic="other", outcome="resolved")
    assert again.case_id == call.case_id
    found = selectors.caller_lookup(actor=agent, phone="01099990000")
    assert [m.case_id for m in found] == [call.case_id]
    assert found[0].phone_masked == "010-****-0000"
    assert selectors.caller_lookup(actor=agent, name="박아") == found


def test_caller_lookup_by_name_stays_in_scope(citizen, family, agent, coordinator_gangnam, clock):
    assert [m.user_id for m in selectors.caller_lookup(actor=agent, name="홍길")] == [citizen.pk]
    assert selectors.caller_lookup(actor=coordinator_gangnam, name="홍길") == []
    with pytest.raises(InvalidInput):
        selectors.caller_lookup(actor=agent)
    with pytest.raises(InvalidInput):
        selectors.caller_lookup(actor=agent, phone="123")


def test_call_with_callback_outcome_schedules_it(citizen, family, agent, clock):
    with pytest.raises(InvalidInput):
        services.call_log(actor=agent, caller_user_id=citizen.pk, topic="booking", outcome="callback")
    assert not CallLog.objects.exists()
    services.call_log(
        actor=agent,
        caller_user_id=citizen.pk,
        topic="booking",
        outcome="callback",
        callback_window_start=kst(2026, 11, 24, 10),
        callback_window_end=kst(2026, 11, 24, 12),
    )
    callback = Callback.objects.get()
    assert callback.due_at == kst(2026, 11, 24, 12)
    assert list(selectors.callbacks_due(actor=agent)) == [callback]


def test_call_input_is_validated(agent, regions, clock):
    with pytest.raises(InvalidInput):
        services.call_log(actor=agent, phone="01011112222", topic="benefits", outcome="maybe")
    with pytest.raises(InvalidInput):
        services.call_log(actor=agent, phone="01011112222", topic="benefits", outcome="informed", duration_seconds=-1)
    with pytest.raises(InvalidInput):
        services.call_log(
            actor=agent, phone="01011112222", topic="benefits", outcome="informed", started_at=kst(2026, 12, 1)
        )
    with pytest.raises(PermissionDenied):
        services.call_log(actor=agent, phone="01011112222", region_code="1168000000", topic="other", outcome="informed")
    assert not Case.objects.exists()


# ---------------------------------------------------------------- callbacks


def test_callback_list_is_ordered_by_due_time_and_taking_is_exclusive(citizen, family, agent, regions, clock):
    from tests.factories import UserFactory

    colleague = UserFactory(username="coord-2", role="coordinator", scope_region=regions["suwon"])
    case = services.case_for_family(guardian=citizen, actor=agent)
    late = services.callback_schedule(
        actor=agent,
        case_id=case.pk,
        topic="booking",
        window_start=kst(2026, 11, 25, 10),
        window_end=kst(2026, 11, 25, 11),
    )
    soon = services.callback_schedule(actor=agent, case_id=case.pk, topic="benefits")  # no window: policy timer
    assert soon.due_at == kst(2026, 11, 23, 14)
    assert list(selectors.callbacks_due(actor=agent)) == [soon, late]
    services.callback_take(actor=agent, callback_id=soon.pk)
    with pytest.raises(Conflict):
        services.callback_take(actor=colleague, callback_id=soon.pk)
    assert list(selectors.callbacks_due(actor=agent, mine=True)) == [soon]
    services.callback_complete(actor=agent, callback_id=soon.pk, status="done", notes="통화함", duration_seconds=120)
    soon.refresh_from_db()
    assert soon.status == Callback.Status.DONE
    call = CallLog.objects.get(callback=soon)
    assert call.direction == CallLog.Direction.OUTBOUND and call.duration_seconds == 120
    with pytest.raises(TransitionNotAllowed):
        services.callback_complete(actor=agent, callback_id=soon.pk, status="cancelled")
    services.callback_complete(actor=agent, callback_id=late.pk, status="no_answer")
    assert Notification.objects.filter(kind="counselling.callback_missed").count() == 1


def test_callback_done_answers_the_inquiry_that_asked_for_it(citizen, family, agent, clock):
    inquiry = ask(citizen, reply_by="callback", window_start=kst(2026, 11, 23, 14), window_end=kst(2026, 11, 23, 16))
    callback = inquiry.callbacks.get()
    services.callback_complete(actor=agent, callback_id=callback.pk, status="done")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ANSWERED and inquiry.first_replied_at is not None


# ---------------------------------------------------------------- referrals


def test_referral_needs_consent_and_follows_its_states(citizen, family, agent, clock):
    case = services.case_for_family(guardian=citizen, actor=agent)
    with pytest.raises(InvalidInput) as err:
        services.referral_create(
            actor=agent, case_id=case.pk, agency_name="수원시 육아종합지원센터", reason="상담", consent=False,
            consent_method="verbal",
        )  # fmt: skip
    assert err.value.code == "consent_required"
    with pytest.raises(InvalidInput):
        services.referral_create(
            actor=agent, case_id=case.pk, agency_name="센터", reason="상담", consent=True, consent_method="telepathy"
        )
    referral = services.referral_create(
        actor=agent, case_id=case.pk, agency_name="수원시 육아종합지원센터", reason="양육 상담 연계", consent=True,
        consent_method="verbal",
    )  # fmt: skip
    assert referral.status == Referral.Status.SENT and referral.consent_at is not None
    assert AuditEntry.objects.get(action="referral.sent").acting_for == citizen
    services.referral_transition(actor=agent, referral_id=referral.pk, to="accepted")
    services.referral_transition(actor=agent, referral_id=referral.pk, to="done", note="첫 상담 완료")
    with pytest.raises(TransitionNotAllowed):
        services.referral_transition(actor=agent, referral_id=referral.pk, to="declined")
    with pytest.raises(TransitionNotAllowed):
        services.referral_transition(actor=agent, referral_id=referral.pk, to="nonsense")
    assert case.events.filter(kind=CaseEvent.Kind.REFERRAL).count() == 3


def test_referral_to_a_facility_takes_its_name(citizen, family, agent, facility_x, clock):
    case = services.case_for_family(guardian=citizen, actor=agent)
    referral = services.referral_create(
        actor=agent,
        case_id=case.pk,
        facility_id=facility_x.pk,
        reason="입소 상담",
        consent=True,
        consent_method="online",
    )
    assert referral.agency_name == "시설 X"
    with pytest.raises(NotFound):
        services.referral_create(
            actor=agent, case_id=case.pk, facility_id=999999, reason="x", consent=True, consent_method="online"
        )


# ---------------------------------------------------------------- closing


def test_case_close_waits_for_callbacks_then_closes_everything(citizen, family, agent, clock):
    inquiry = ask(citizen, reply_by="callback", window_start=kst(2026, 11, 23, 14), window_end=kst(2026, 11, 23, 16))
    with pytest.raises(Conflict):
        services.case_close(actor=agent, case_id=inquiry.case_id)
    services.callback_complete(actor=agent, callback_id=inquiry.callbacks.get().pk, status="done")
    case = services.case_close(actor=agent, case_id=inquiry.case_id, note="안내 완료")
    assert case.status == Case.Status.CLOSED
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED
    with pytest.raises(TransitionNotAllowed):
        services.case_close(actor=agent, case_id=case.pk)
    assert AuditEntry.objects.get(action="case.close").acting_for == citizen
    # A new question reopens the family's case.
    ask(citizen, topic="other", question="또 질문이 있어요")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


# ---------------------------------------------------------------- timers and escalation


def test_overdue_is_derived_without_any_job_and_escalation_is_idempotent(citizen, family, agent, regions, clock):
    from tests.factories import UserFactory

    colleague = UserFactory(username="coord-2", role="coordinator", scope_region=regions["gyeonggi"])
    inquiry = ask(citizen)  # due Tuesday 10:00
    later = kst(2026, 11, 24, 10, 1)
    assert selectors.queue_inquiries(actor=agent, overdue_only=True, at=later).get() == inquiry
    assert selectors.timer_of(inquiry.due_at, at=later).overdue
    assert not selectors.timer_of(inquiry.due_at, at=kst(2026, 11, 23, 17)).overdue
    assert selectors.timer_of(inquiry.due_at, at=kst(2026, 11, 23, 17)).minutes_left == 60 + 60
    assert services.sla_escalate(at=kst(2026, 11, 24, 9)) == 0
    assert services.sla_escalate(at=later) == 1
    assert services.sla_escalate(at=later + timedelta(hours=1)) == 0
    inquiry.refresh_from_db()
    assert inquiry.escalated_at == later
    notified = set(Notification.objects.filter(kind="counselling.escalation").values_list("recipient", flat=True))
    assert notified == {agent.pk, colleague.pk}
    event = inquiry.case.events.get(kind=CaseEvent.Kind.ESCALATION)
    assert not event.visible_to_family


def test_policy_rows_override_defaults_most_specific_first(citizen, family, regions, clock):
    SlaPolicy.objects.create(topic="", region=None, first_reply_minutes=120, callback_minutes=60)
    assert ask(citizen).due_at == kst(2026, 11, 23, 12)
    SlaPolicy.objects.create(topic="benefits", region=regions["suwon"], first_reply_minutes=30, callback_minutes=30)
    assert ask(citizen).due_at == kst(2026, 11, 23, 10, 30)
    assert ask(citizen, topic="other").due_at == kst(2026, 11, 23, 12)


# ---------------------------------------------------------------- acting for (generic record)


def test_action_record_is_audited_as_acting_for_the_family(citizen, family, agent, clock):
    case = services.case_for_family(guardian=citizen, actor=agent)
    event = services.case_action_record(
        actor=agent, case_id=case.pk, kind="home_visit", summary="방문돌봄 신청: 11월 25일 09:00",
        object_type="matching.visitrequest", object_id=42,
    )  # fmt: skip
    assert event.on_behalf and event.visible_to_family
    entry = AuditEntry.objects.get(action="case.act.home_visit")
    assert entry.actor == agent and entry.acting_for == citizen
    assert entry.after["object_id"] == "42"
    history = list(selectors.case_history(actor=citizen, case=case))
    assert event in history
    with pytest.raises(InvalidInput):
        services.case_action_record(actor=agent, case_id=case.pk, kind="teleport", summary="x")


def test_citizen_data_export_includes_counselling(citizen, family, agent, clock):
    from dolbom.households.selectors import citizen_data_export

    inquiry = ask(citizen)
    services.inquiry_reply(actor=agent, inquiry_id=inquiry.pk, body="답변입니다")
    services.call_log(actor=agent, caller_user_id=citizen.pk, topic="other", outcome="informed", notes="통화 메모")
    data = citizen_data_export(user=citizen)["counselling"]
    assert data["inquiries"][0]["messages"][0]["body"] == "답변입니다"
    assert data["calls"][0]["notes"] == "통화 메모"
    assert all(h["kind"] != "assignment" for h in data["history"])


def test_when_the_family_moves_their_open_items_move_to_the_new_regions_queue(
    citizen, family, agent, coordinator_gangnam, regions, clock
):
    inquiry = ask(citizen, reply_by="callback", window_start=kst(2026, 11, 23, 14), window_end=kst(2026, 11, 23, 16))
    family.home_region = regions["gangnam"]
    family.save()
    ask(citizen, topic="other", question="이사했어요")
    assert Case.objects.get(guardian=citizen).region == regions["gangnam"]
    assert not selectors.queue_inquiries(actor=agent).exists()
    assert not selectors.callbacks_due(actor=agent).exists()
    assert inquiry.pk in {i.pk for i in selectors.queue_inquiries(actor=coordinator_gangnam)}
    assert selectors.callbacks_due(actor=coordinator_gangnam).count() == 1
