"""상담 API: citizens' questions (`/inquiries`), and the agents' workspace (queue, calls, callbacks, cases,
referrals, acting for a family, knowledge base)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from dolbom.core.api_auth import AUTH_OPTIONAL, AUTH_REQUIRED, actor_of
from dolbom.core.ratelimit import rate_limit_anonymous

from . import acting, selectors, services
from .knowledge import article_search
from .models import Callback, CallLog, Case, CaseEvent, Inquiry, Referral
from .phones import mask_phone
from .schemas import (
    ActBenefitsIn,
    ActBenefitsOut,
    ActBookingIn,
    ActBookingOut,
    ActFacilitySearchIn,
    ActHomeVisitIn,
    ArticleOut,
    AssignIn,
    CallbackDoneIn,
    CallbackIn,
    CallbackOut,
    CallerOut,
    CallIn,
    CallOut,
    CaseActionIn,
    CaseCloseIn,
    CaseDetailOut,
    CaseOut,
    EventOut,
    FacilityHitOut,
    InquiryIn,
    InquiryOut,
    MessageIn,
    MessageOut,
    QueueInquiryOut,
    QueueOut,
    ReferralIn,
    ReferralOut,
    ReferralStatusIn,
    ReplyIn,
)

router = Router(tags=["상담·콜센터"], auth=AUTH_REQUIRED)


# ---------------------------------------------------------------- shaping


def timer_out(due_at: datetime | None, at: datetime) -> dict[str, Any]:
    timer = selectors.timer_of(due_at, at=at)
    return {
        "due_at": timer.due_at,
        "overdue": timer.overdue,
        "working_minutes_left": timer.minutes_left,
        "label": timer.label,
    }


def _name(user: Any) -> str | None:
    return user.display_name if user is not None else None


def message_out(message: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "from_staff": message.from_staff,
        "author": _("돌봄코디네이터") if message.from_staff else _("보호자"),
        "body": message.body,
        "created_at": message.created_at,
    }


def inquiry_out(inquiry: Inquiry, *, at: datetime, messages: bool = False) -> dict[str, Any]:
    return {
        "id": inquiry.pk,
        "case_id": inquiry.case_id,
        "topic": inquiry.topic,
        "topic_label": inquiry.get_topic_display(),
        "question": inquiry.question,
        "channel": inquiry.channel,
        "reply_by": inquiry.reply_by,
        "status": inquiry.status,
        "status_label": inquiry.get_status_display(),
        "created_at": inquiry.created_at,
        "first_replied_at": inquiry.first_replied_at,
        "timer": timer_out(inquiry.due_at if inquiry.status in Inquiry.WAITING else None, at),
        "messages": [message_out(m) for m in inquiry.messages.all()] if messages else [],
    }


def queue_inquiry_out(inquiry: Inquiry, *, at: datetime) -> dict[str, Any]:
    return {
        **inquiry_out(inquiry, at=at),
        "caller": inquiry.case.display_name,
        "region": inquiry.case.region.full_name if inquiry.case.region else "",
        "assigned_to": _name(inquiry.assigned_to),
        "escalated": inquiry.escalated_at is not None,
    }


def callback_out(callback: Callback, *, at: datetime) -> dict[str, Any]:
    return {
        "id": callback.pk,
        "case_id": callback.case_id,
        "inquiry_id": callback.inquiry_id,
        "caller": callback.case.display_name,
        "region": callback.case.region.full_name if callback.case.region else "",
        "topic": callback.topic,
        "topic_label": callback.get_topic_display(),
        "status": callback.status,
        "window_start": callback.window_start,
        "window_end": callback.window_end,
        "assigned_to": _name(callback.assigned_to),
        "timer": timer_out(callback.due_at if callback.status == Callback.Status.SCHEDULED else None, at),
    }


def event_out(event: CaseEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "actor": event.actor_label,
        "on_behalf": event.on_behalf,
        "summary": event.display_summary,
        "object_type": event.object_type,
        "object_id": event.object_id,
    }


def referral_out(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "case_id": referral.case_id,
        "agency_name": referral.agency_name,
        "facility_id": referral.facility_id,
        "reason": referral.reason,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "consent_at": referral.consent_at,
        "consent_method": referral.consent_method,
        "created_at": referral.created_at,
    }


def call_out(call: CallLog) -> dict[str, Any]:
    return {
        "id": call.pk,
        "case_id": call.case_id,
        "topic": call.topic,
        "outcome": call.outcome,
        "direction": call.direction,
        "notes": call.notes,
        "started_at": call.started_at,
        "duration_seconds": call.duration_seconds,
    }


def case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "status": case.status,
        "caller": case.display_name,
        "region": case.region.full_name if case.region else "",
        "region_code": case.region_code,
        "assigned_to": _name(case.assigned_to),
        "guardian_id": case.guardian_id,
        "phone_masked": mask_phone(case.phone) if case.phone else "",
        "created_at": case.created_at,
        "closed_at": case.closed_at,
    }


# ---------------------------------------------------------------- citizens


@router.post("/inquiries", response={201: InquiryOut}, auth=AUTH_OPTIONAL, summary="문의하기 (회원 또는 비회원)")
def ask(request: HttpRequest, payload: InquiryIn) -> Status:
    """비회원은 휴대전화 번호, 사는 지역(region_code)과 개인정보 수집·이용 동의(consent=true)가 필요합니다.
    `reply_by="callback"`이면 `window_start`~`window_end` 사이에 전화로 답합니다."""
    rate_limit_anonymous(request, scope="inquiry_create")
    inquiry = services.inquiry_ask(actor=actor_of(request), **payload.dict())
    return Status(201, inquiry_out(inquiry, at=timezone.now()))


@router.get("/inquiries", response=list[InquiryOut], summary="내 문의 목록")
def my_inquiries(request: HttpRequest) -> list[dict[str, Any]]:
    at = timezone.now()
    return [inquiry_out(i, at=at) for i in selectors.inquiries_of(user=actor_of(request))]


@router.get("/inquiries/{inquiry_id}", response=InquiryOut, summary="문의와 답변")
def inquiry_detail(request: HttpRequest, inquiry_id: int) -> dict[str, Any]:
    inquiry = selectors.inquiry_get(actor=actor_of(request), inquiry_id=inquiry_id)
    return inquiry_out(inquiry, at=timezone.now(), messages=True)


@router.post("/inquiries/{inquiry_id}/messages", response={201: MessageOut}, summary="추가 문의 (보호자)")
def follow_up(request: HttpRequest, inquiry_id: int, payload: MessageIn) -> Status:
    message = services.inquiry_follow_up(actor=actor_of(request), inquiry_id=inquiry_id, body=payload.body)
    return Status(201, message_out(message))


@router.post("/inquiries/{inquiry_id}/close", response=InquiryOut, summary="문의 종결")
def close_inquiry(request: HttpRequest, inquiry_id: int) -> dict[str, Any]:
    inquiry = services.inquiry_close(actor=actor_of(request), inquiry_id=inquiry_id)
    return inquiry_out(inquiry, at=timezone.now())


@router.get("/my/history", response=list[EventOut], summary="내 상담 기록 (모든 경로)")
def my_history(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    case = selectors.case_of_citizen(user=actor)
    if case is None:
        return []
    return [event_out(e) for e in selectors.case_history(actor=actor, case=case, family_view=True)[:200]]


# ---------------------------------------------------------------- agents: queue


@router.get("/queue", response=QueueOut, summary="상담 대기열 (지역·주제별, 기한순)")
def queue(
    request: HttpRequest, topic: str | None = None, region: str | None = None, mine: bool = False
) -> dict[str, Any]:
    actor = actor_of(request)
    at = timezone.now()
    inquiries = selectors.queue_inquiries(actor=actor, topic=topic, region_code=region, mine=mine, at=at)[:200]
    callbacks = selectors.callbacks_due(actor=actor, topic=topic, region_code=region, mine=mine, at=at)[:200]
    return {
        "inquiries": [queue_inquiry_out(i, at=at) for i in inquiries],
        "callbacks": [callback_out(c, at=at) for c in callbacks],
        "counts": selectors.queue_counts(actor=actor, at=at),
    }


@router.post("/inquiries/{inquiry_id}/assign", response=QueueInquiryOut, summary="문의 담당자 배정")
def assign(request: HttpRequest, inquiry_id: int, payload: AssignIn) -> dict[str, Any]:
    inquiry = services.inquiry_assign(actor=actor_of(request), inquiry_id=inquiry_id, assignee_id=payload.assignee_id)
    return queue_inquiry_out(inquiry, at=timezone.now())


@router.post("/inquiries/{inquiry_id}/replies", response={201: MessageOut}, summary="답변 (상담원)")
def reply(request: HttpRequest, inquiry_id: int, payload: ReplyIn) -> Status:
    message = services.inquiry_reply(
        actor=actor_of(request), inquiry_id=inquiry_id, body=payload.body, close=payload.close
    )
    return Status(201, message_out(message))


# ---------------------------------------------------------------- agents: calls and callbacks


@router.get("/callers", response=list[CallerOut], summary="상담자 찾기 (전화번호·이름)")
def callers(request: HttpRequest, phone: str = "", name: str = "") -> list[Any]:
    return selectors.caller_lookup(actor=actor_of(request), phone=phone, name=name)  # type: ignore[return-value]


@router.post("/calls", response={201: CallOut}, summary="통화 기록")
def log_call(request: HttpRequest, payload: CallIn) -> Status:
    call = services.call_log(actor=actor_of(request), **payload.dict())
    return Status(201, call_out(call))


@router.get("/callbacks", response=list[CallbackOut], summary="전화 회신 목록 (기한순)")
def callbacks(
    request: HttpRequest, topic: str | None = None, region: str | None = None, mine: bool = False
) -> list[dict[str, Any]]:
    at = timezone.now()
    rows = selectors.callbacks_due(actor=actor_of(request), topic=topic, region_code=region, mine=mine, at=at)
    return [callback_out(c, at=at) for c in rows[:200]]


@router.post("/cases/{case_id}/callbacks", response={201: CallbackOut}, summary="전화 회신 예약")
def schedule_callback(request: HttpRequest, case_id: int, payload: CallbackIn) -> Status:
    callback = services.callback_schedule(actor=actor_of(request), case_id=case_id, **payload.dict())
    return Status(201, callback_out(callback, at=timezone.now()))


@router.post("/callbacks/{callback_id}/take", response=CallbackOut, summary="전화 회신 맡기")
def take_callback(request: HttpRequest, callback_id: int) -> dict[str, Any]:
    callback = services.callback_take(actor=actor_of(request), callback_id=callback_id)
    return callback_out(callback, at=timezone.now())


@router.post("/callbacks/{callback_id}/complete", response=CallbackOut, summary="전화 회신 결과")
def complete_callback(request: HttpRequest, callback_id: int, payload: CallbackDoneIn) -> dict[str, Any]:
    callback = services.callback_complete(actor=actor_of(request), callback_id=callback_id, **payload.dict())
    return callback_out(callback, at=timezone.now())


# ---------------------------------------------------------------- agents: cases and referrals


@router.get("/cases", response=list[CaseOut], summary="진행 중인 사례 (담당 지역)")
def cases(request: HttpRequest) -> list[dict[str, Any]]:
    return [case_out(c) for c in selectors.cases_open(actor=actor_of(request))]


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="사례와 전체 기록")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    case = selectors.case_detail(actor=actor, case_id=case_id)
    at = timezone.now()
    return {
        **case_out(case),
        "history": [event_out(e) for e in selectors.case_history(actor=actor, case=case)[:500]],
        "inquiries": [inquiry_out(i, at=at, messages=True) for i in case.inquiries.prefetch_related("messages")],
        "referrals": [referral_out(r) for r in case.referrals.all()],
        "calls": [call_out(c) for c in case.calls.all()[:200]],
    }


@router.post("/cases/{case_id}/assign", response=CaseOut, summary="사례 담당자 배정")
def assign_case(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    return case_out(services.case_assign(actor=actor_of(request), case_id=case_id, assignee_id=payload.assignee_id))


@router.post("/cases/{case_id}/close", response=CaseOut, summary="사례 종결")
def close_case(request: HttpRequest, case_id: int, payload: CaseCloseIn) -> dict[str, Any]:
    return case_out(services.case_close(actor=actor_of(request), case_id=case_id, note=payload.note))


@router.post("/cases/{case_id}/referrals", response={201: ReferralOut}, summary="기관 연계 (보호자 동의 필수)")
def refer(request: HttpRequest, case_id: int, payload: ReferralIn) -> Status:
    referral = services.referral_create(actor=actor_of(request), case_id=case_id, **payload.dict())
    return Status(201, referral_out(referral))


@router.post("/referrals/{referral_id}/status", response=ReferralOut, summary="기관 연계 상태 변경")
def referral_status(request: HttpRequest, referral_id: int, payload: ReferralStatusIn) -> dict[str, Any]:
    referral = services.referral_transition(
        actor=actor_of(request), referral_id=referral_id, to=payload.status, note=payload.note
    )
    return referral_out(referral)


# ---------------------------------------------------------------- agents: acting for the family


@router.post("/cases/{case_id}/actions", response={201: EventOut}, summary="보호자 대신 처리한 일 기록")
def record_action(request: HttpRequest, case_id: int, payload: CaseActionIn) -> Status:
    """다른 화면에서 보호자 대신 처리한 일(예: 방문돌봄 신청)을 사례 기록에 남깁니다.

    감사 기록에 보호자가 함께 남습니다."""
    event = services.case_action_record(actor=actor_of(request), case_id=case_id, **payload.dict())
    return Status(201, event_out(event))


@router.post("/cases/{case_id}/act/booking", response={201: ActBookingOut}, summary="보호자 대신 돌봄 예약")
def act_booking(request: HttpRequest, case_id: int, payload: ActBookingIn) -> Status:
    booking = acting.act_booking_create(actor=actor_of(request), case_id=case_id, **payload.dict())
    return Status(201, {"booking_id": booking.pk, "status": booking.status, "fee": booking.fee})


@router.post("/cases/{case_id}/act/benefits-check", response=ActBenefitsOut, summary="보호자 대신 지원사업 확인")
def act_benefits(request: HttpRequest, case_id: int, payload: ActBenefitsIn) -> dict[str, Any]:
    summary = acting.act_benefits_check(actor=actor_of(request), case_id=case_id, extra=payload.dict())
    result = summary.result
    if hasattr(result, "as_dict"):
        result = result.as_dict()
    elif not isinstance(result, dict | list):
        result = None
    return {"eligible": summary.eligible, "unknown": summary.unknown, "result": result}


@router.post("/cases/{case_id}/act/facility-search", response=list[FacilityHitOut], summary="보호자 대신 시설 찾기")
def act_facilities(request: HttpRequest, case_id: int, payload: ActFacilitySearchIn) -> list[dict[str, Any]]:
    hits = acting.act_facility_search(actor=actor_of(request), case_id=case_id, **payload.dict())
    rows = []
    for hit in hits:
        facility = getattr(hit, "facility", hit)
        rows.append({"id": facility.pk, "name": facility.name, "distance_m": getattr(hit, "distance_m", None)})
    return rows


@router.post("/cases/{case_id}/act/home-visit", response={201: EventOut}, summary="보호자 대신 방문돌봄 신청")
def act_home_visit(request: HttpRequest, case_id: int, payload: ActHomeVisitIn) -> Status:
    request_obj = acting.act_home_visit_request(actor=actor_of(request), case_id=case_id, **payload.dict())
    event = CaseEvent.objects.filter(object_type=request_obj._meta.label_lower, object_id=str(request_obj.pk)).first()
    return Status(201, event_out(event))  # type: ignore[arg-type]


# ---------------------------------------------------------------- knowledge base


@router.get("/knowledge", response=list[ArticleOut], auth=AUTH_OPTIONAL, summary="자주 묻는 질문 검색")
def knowledge(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """한국어 검색: 띄어쓰기·조사가 달라도 찾습니다 (글자 2개 단위 비교). 상담원은 상담원 전용 답변도 봅니다."""
    actor = actor_of(request)
    staff = services._is_agent(actor)
    return [
        {
            "id": h.article.pk,
            "slug": h.article.slug,
            "question": h.article.question,
            "answer": h.article.answer,
            "topic": h.article.topic,
            "tags": h.article.tag_list,
            "programme_ids": list(h.article.programme_ids or []),
            "care_services": list(h.article.care_services or []),
            "source": h.article.source,
            "score": h.score,
        }
        for h in article_search(q=q, staff=staff)
    ]
