"""Writes of the counselling domain. Every state change goes through here, is audited and leaves a case event.

Scope: a coordinator (돌봄코디네이터, the call-centre agent role) acts on cases whose region lies in their
scope; a citizen acts on their own case only. A case's region is the family's home region (or, for an
anonymous caller, the region they gave).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dolbom.accounts.models import Role, User
from dolbom.core.audit import audit_log
from dolbom.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from dolbom.core.notifications import notification_enqueue
from dolbom.core.permissions import region_in_scope, require_login, require_region_access, require_role
from dolbom.households.models import Household
from dolbom.regions.models import Region

from .lines import Line
from .models import Callback, CallLog, Case, CaseEvent, Inquiry, InquiryMessage, Referral, Topic
from .phones import clean_phone, mask_phone, phone_hash
from .policies import callback_due, first_reply_due

MAX_QUESTION = 2000
MAX_NOTES = 4000
MAX_WINDOW_DAYS = 14
MIN_WINDOW = timedelta(minutes=30)
AGENT_ROLES = (Role.COORDINATOR,)


def now() -> datetime:
    return timezone.now()


# ---------------------------------------------------------------- helpers


def _text(value: str, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(
            _("%(label)s을(를) 입력해 주세요.") % {"label": label}, detail={"fields": {field: _("필수")}}
        )
    if len(value) > max_len:
        raise InvalidInput(
            _("%(label)s은(는) %(max)s자 이내로 입력해 주세요.") % {"label": label, "max": max_len},
            detail={"fields": {field: _("길이 초과")}},
        )
    return value


def _topic(value: str) -> str:
    if value not in Topic.values:
        raise InvalidInput(_("상담 주제를 고르세요."), detail={"fields": {"topic": _("알 수 없는 주제")}})
    return value


def _region(code: str | None, *, field: str = "region_code") -> Region:
    from dolbom.regions.services import region_resolve

    if not (code or "").strip():
        raise InvalidInput(_("사는 지역을 입력해 주세요."), detail={"fields": {field: _("필수")}})
    try:
        return region_resolve(query=str(code))
    except InvalidInput as exc:
        raise InvalidInput(exc.message, code=exc.code, detail={"fields": {field: _("알 수 없는 지역")}}) from exc


def require_agent(actor: Any) -> None:
    require_role(actor, *AGENT_ROLES)


def _is_agent(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and (
        actor.role in AGENT_ROLES or actor.role == Role.ADMIN or actor.is_superuser
    )


def require_case_access(actor: Any, case: Case) -> None:
    """Agents: the case's region must be in scope (403). Citizens: only their own case (404, nothing leaks)."""
    require_login(actor)
    if _is_agent(actor):
        require_region_access(actor, case.region_code)
        return
    if actor.role == Role.CITIZEN and case.guardian_id == actor.pk:
        return
    if actor.role == Role.CITIZEN:
        raise NotFound(_("상담 기록을 찾을 수 없습니다."))
    raise PermissionDenied(detail={"required_roles": list(AGENT_ROLES)})


def agent_case(*, actor: User, case_id: int, lock: bool = False) -> Case:
    require_agent(actor)
    qs = Case.objects.select_related("region", "guardian")
    if lock:
        qs = qs.select_for_update(of=("self",))
    case = qs.filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("상담 사례를 찾을 수 없습니다."))
    require_region_access(actor, case.region_code)
    return case


def acting_for_of(case: Case, actor: Any) -> User | None:
    """The family an agent acts for; None when the family acts themselves or the caller has no account."""
    if case.guardian_id is None or getattr(actor, "pk", None) == case.guardian_id:
        return None
    return case.guardian


def event_record(
    *,
    case: Case,
    kind: str,
    actor: Any,
    summary: str | Line,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    on_behalf: bool = False,
    visible_to_family: bool = True,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    if isinstance(summary, Line):
        data = {**(data or {}), "line": summary.as_data()}
        with translation.override("ko"):
            summary = summary.render()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    label = actor.display_name if authenticated else "시스템"
    if authenticated and actor.role in AGENT_ROLES:
        label = f"{actor.display_name} (돌봄코디네이터)"
    Case.objects.filter(pk=case.pk).update(updated_at=now())
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if authenticated else None,
        actor_label=label[:150],
        on_behalf=on_behalf,
        summary=summary[:300],
        object_type=object_type,
        object_id=str(object_id),
        visible_to_family=visible_to_family,
        data=data or {},
    )


def _notify_family(*, case: Case, kind: str, subject: str, body: str, key: str) -> None:
    """Tell the family (their account, or an anonymous caller's phone) through the outbox."""
    if case.guardian_id is not None:
        notification_enqueue(recipient=case.guardian, kind=kind, subject=subject, body=body, idempotency_key=key)
    elif case.phone:
        notification_enqueue(
            channel="sms", to_address=case.phone, kind=kind, subject=subject, body=body, idempotency_key=key
        )


@dataclass(frozen=True)
class Notice:
    """What the family is told about a step (through `_notify_family`); `key` makes it go out once."""

    kind: str
    subject: str
    body: str
    key: str


def _case_step(
    case: Case,
    *,
    actor: Any,
    action: str | None,
    kind: str,
    summary: str | Line,
    obj: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    acting_for: Any = None,
    notify: Notice | None = None,
    **event: Any,
) -> CaseEvent:
    """One step of a case, in the order every transition takes: the audit entry (`action` on `obj`, or on the
    case itself when there is no obj; None when the caller already audited it), the case-history line, then the
    family's notification. Extra keywords go to `event_record` (on_behalf, visible_to_family, data, ...)."""
    if action is not None:
        audit_log(actor=actor, action=action, obj=obj or case, before=before, after=after, acting_for=acting_for)
    line = event_record(case=case, kind=kind, actor=actor, summary=summary, obj=obj, **event)
    if notify is not None:
        _notify_family(case=case, kind=notify.kind, subject=notify.subject, body=notify.body, key=notify.key)
    return line


def _reopen(case: Case, *, actor: Any) -> None:
    if case.status == Case.Status.CLOSED:
        Case.objects.filter(pk=case.pk).update(status=Case.Status.OPEN, closed_at=None)
        case.status, case.closed_at = Case.Status.OPEN, None
        _case_step(
            case,
            actor=actor,
            action="case.reopen",
            before={"status": "closed"},
            after={"status": "open"},
            kind=CaseEvent.Kind.STATUS,
            summary=Line(gettext_noop("새 상담으로 사례가 다시 열렸습니다.")),
        )


# ---------------------------------------------------------------- cases


def case_for_family(*, guardian: User, actor: Any, region: Region | None = None) -> Case:
    """The family's one case, made on first contact and reopened on a new one. Region: their home region."""
    if guardian.role != Role.CITIZEN:
        raise InvalidInput(
            _("보호자 계정만 상담 사례를 가질 수 있습니다."), detail={"fields": {"caller_user_id": _("역할")}}
        )
    household = Household.objects.select_related("home_region").filter(guardian=guardian).first()
    home = household.home_region if household and household.home_region_id else None
    region = home or region
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("region", "guardian")
        .filter(guardian=guardian)
        .first()
    )
    if case is None:
        if region is None:
            raise InvalidInput(
                _("사는 지역을 알 수 없습니다. 지역을 입력해 주세요."), detail={"fields": {"region_code": _("필수")}}
            )
        try:
            with transaction.atomic():
                case = Case.objects.create(guardian=guardian, region=region, caller_name=guardian.display_name[:50])
        except IntegrityError:
            # The family's first two contacts raced; the other one made the case.
            return Case.objects.select_related("region", "guardian").get(guardian=guardian)
        audit_log(
            actor=actor,
            action="case.open",
            obj=case,
            after={"region": region.code},
            acting_for=acting_for_of(case, actor),
        )
        return case
    if region is not None and case.region_id != region.pk and home is not None:
        # The family moved: the case follows them to their new region's agents.
        Case.objects.filter(pk=case.pk).update(region=region)
        # Open questions and callbacks carry the case's region (the queues filter on it): they move too.
        case.inquiries.exclude(status=Inquiry.Status.CLOSED).update(region=region)
        case.callbacks.filter(status=Callback.Status.SCHEDULED).update(region=region)
        case.region = region
    _reopen(case, actor=actor)
    return case


def case_for_phone(*, phone: str, region: Region, caller_name: str, actor: Any) -> Case:
    """An anonymous caller's case, found again by their number."""
    digest = phone_hash(phone)
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(guardian__isnull=True, phone_hash=digest)
        .first()
    )
    if case is None:
        try:
            with transaction.atomic():
                case = Case.objects.create(phone=phone, phone_hash=digest, region=region, caller_name=caller_name[:50])
        except IntegrityError:
            return Case.objects.select_related("region").get(guardian__isnull=True, phone_hash=digest)
        audit_log(actor=actor, action="case.open", obj=case, after={"region": region.code, "phone": mask_phone(phone)})
        return case
    if caller_name and not case.caller_name:
        Case.objects.filter(pk=case.pk).update(caller_name=caller_name[:50])
        case.caller_name = caller_name[:50]
    _reopen(case, actor=actor)
    return case


@transaction.atomic
def case_assign(*, actor: User, case_id: int, assignee_id: int | None = None) -> Case:
    case = agent_case(actor=actor, case_id=case_id, lock=True)
    assignee = _assignee(actor=actor, assignee_id=assignee_id, region_code=case.region_code)
    before = case.assigned_to_id
    Case.objects.filter(pk=case.pk).update(assigned_to=assignee)
    case.assigned_to = assignee
    _case_step(
        case,
        actor=actor,
        action="case.assign",
        before={"assigned_to": before},
        after={"assigned_to": assignee.pk},
        kind=CaseEvent.Kind.ASSIGNMENT,
        summary=f"담당 상담원: {assignee.display_name}",
        visible_to_family=False,
    )
    return case


@transaction.atomic
def case_close(*, actor: User, case_id: int, note: str = "") -> Case:
    case = agent_case(actor=actor, case_id=case_id, lock=True)
    note = _text(note, field="note", label=_("종결 메모"), max_len=500, required=False)
    if case.status != Case.Status.OPEN:
        raise TransitionNotAllowed(_("이미 종결된 사례입니다."), detail={"status": case.status})
    pending = case.callbacks.filter(status=Callback.Status.SCHEDULED).count()
    if pending:
        raise Conflict(
            _("예정된 전화 회신 %(n)s건을 먼저 처리하거나 취소해 주세요.") % {"n": pending},
            code="callbacks_pending",
            detail={"scheduled_callbacks": pending},
        )
    at = now()
    closed = list(case.inquiries.exclude(status=Inquiry.Status.CLOSED).values_list("pk", flat=True))
    Inquiry.objects.filter(pk__in=closed).update(status=Inquiry.Status.CLOSED, closed_at=at)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=at, close_note=note)
    case.status, case.closed_at, case.close_note = Case.Status.CLOSED, at, note
    _case_step(
        case,
        actor=actor,
        action="case.close",
        before={"status": "open"},
        after={"status": "closed", "inquiries_closed": closed},
        acting_for=acting_for_of(case, actor),
        kind=CaseEvent.Kind.STATUS,
        summary=Line(gettext_noop("상담을 마쳤습니다. %(note)s"), {"note": note})
        if note
        else Line(gettext_noop("상담을 마쳤습니다.")),
        notify=Notice(
            kind="counselling.case_closed",
            subject="[돌봄] 상담 종결",
            body="상담을 마쳤습니다. 더 궁금한 점은 언제든 다시 문의해 주세요.",
            key=f"counselling.case.{case.pk}.closed.{at.isoformat()}",
        ),
    )
    return case


def _assignee(*, actor: User, assignee_id: int | None, region_code: str | None) -> User:
    if assignee_id is None or assignee_id == actor.pk:
        return actor
    assignee = User.objects.select_related("scope_region").filter(pk=assignee_id, is_active=True).first()
    if assignee is None or assignee.role not in AGENT_ROLES or not region_in_scope(assignee, region_code):
        raise InvalidInput(
            _("이 지역을 담당하는 상담원에게만 배정할 수 있습니다."),
            detail={"fields": {"assignee_id": _("담당 지역 밖")}},
        )
    return assignee


# ---------------------------------------------------------------- inquiries


def _window(
    *, start: datetime | None, end: datetime | None, at: datetime, required: bool
) -> tuple[datetime | None, datetime | None]:
    if start is None and end is None:
        if required:
            raise InvalidInput(
                _("전화 받기 편한 시간을 알려 주세요."),
                detail={"fields": {"window_start": _("필수"), "window_end": _("필수")}},
            )
        return None, None
    if start is None or end is None:
        raise InvalidInput(
            _("희망 시간의 시작과 끝을 모두 입력해 주세요."),
            detail={"fields": {"window_start": _("필수"), "window_end": _("필수")}},
        )
    if timezone.is_naive(start) or timezone.is_naive(end):
        start = timezone.make_aware(start) if timezone.is_naive(start) else start
        end = timezone.make_aware(end) if timezone.is_naive(end) else end
    if end - start < MIN_WINDOW:
        raise InvalidInput(
            _("희망 시간은 30분 이상으로 잡아 주세요."), detail={"fields": {"window_end": _("너무 짧음")}}
        )
    if end <= at:
        raise InvalidInput(_("희망 시간이 이미 지났습니다."), detail={"fields": {"window_end": _("지난 시간")}})
    if start > at + timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidInput(
            _("희망 시간은 %(days)s일 이내로 잡아 주세요.") % {"days": MAX_WINDOW_DAYS},
            detail={"fields": {"window_start": _("너무 먼 날짜")}},
        )
    return start, end


def _callback_create(
    *,
    case: Case,
    actor: Any,
    topic: str,
    window_start: datetime | None,
    window_end: datetime | None,
    note: str = "",
    inquiry: Inquiry | None = None,
    at: datetime,
) -> Callback:
    due = callback_due(topic=topic, region=case.region, requested_at=at, window_end=window_end)
    callback = Callback.objects.create(
        case=case,
        inquiry=inquiry,
        region=case.region,
        topic=topic,
        window_start=window_start,
        window_end=window_end,
        due_at=due,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )
    acting_for = acting_for_of(case, actor)
    local = timezone.localtime(due)
    when = (  # the family's notification (Korean, like every notification body)
        f"{timezone.localtime(window_start):%m월 %d일 %H:%M}~{timezone.localtime(window_end):%H:%M}"
        if window_start and window_end
        else f"{local:%m월 %d일 %H:%M}까지"
    )
    topic_label = {"topic": ("topic", topic)}
    scheduled = (
        Line(
            gettext_noop("전화 회신 예약: %(start)s~%(end)s (%(topic)s)"),
            labels=topic_label,
            times={"start": Line.moment(window_start, "n월 j일 H:i"), "end": Line.moment(window_end, "H:i")},
        )
        if window_start and window_end
        else Line(
            gettext_noop("전화 회신 예약: %(due)s까지 (%(topic)s)"),
            labels=topic_label,
            times={"due": Line.moment(due, "n월 j일 H:i")},
        )
    )
    _case_step(
        case,
        actor=actor,
        action="callback.schedule",
        obj=callback,
        after={"due_at": due.isoformat()},
        acting_for=acting_for,
        kind=CaseEvent.Kind.CALLBACK,
        summary=scheduled,
        on_behalf=acting_for is not None,
        notify=Notice(
            kind="counselling.callback_scheduled",
            subject="[돌봄] 전화 회신 예약",
            body=f"돌봄코디네이터가 {when} 사이에 전화드리겠습니다.",
            key=f"counselling.callback.{callback.pk}.scheduled",
        ),
    )
    return callback


@transaction.atomic
def inquiry_ask(
    *,
    actor: Any,
    topic: str,
    question: str,
    reply_by: str = Inquiry.ReplyBy.MESSAGE,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    phone: str = "",
    name: str = "",
    region_code: str | None = None,
    consent: bool = False,
) -> Inquiry:
    """A question asked online: by a signed-in citizen, or by a visitor who leaves a number and consents."""
    topic = _topic(topic)
    question = _text(question, field="question", label=_("질문 내용"), max_len=MAX_QUESTION)
    if reply_by not in Inquiry.ReplyBy.values:
        raise InvalidInput(_("답변 받을 방법을 고르세요."), detail={"fields": {"reply_by": _("알 수 없는 값")}})
    at = now()
    start, end = _window(start=window_start, end=window_end, at=at, required=reply_by == Inquiry.ReplyBy.CALLBACK)
    signed_in = getattr(actor, "is_authenticated", False)
    # A family asks through their account; anyone else (a visitor, or a staff account asking for itself)
    # asks as a visitor: a phone number, a region and consent.
    if signed_in and actor.role == Role.CITIZEN:
        region = _region(region_code) if region_code else None
        case = case_for_family(guardian=actor, actor=actor, region=region)
        consent_at = at if consent else None
    else:
        if not consent:
            raise InvalidInput(
                _("상담을 위해 연락처 수집·이용에 동의해 주세요."),
                code="consent_required",
                detail={"fields": {"consent": _("필수")}},
            )
        number = clean_phone(phone)
        name = _text(name, field="name", label=_("이름"), max_len=50, required=False)
        region = _region(region_code)
        case = case_for_phone(phone=number, region=region, caller_name=name, actor=actor)
        consent_at = at
    inquiry = Inquiry.objects.create(
        case=case,
        author=actor if signed_in else None,
        region=case.region,
        channel=Inquiry.Channel.WEB,
        topic=topic,
        question=question,
        reply_by=reply_by,
        due_at=first_reply_due(topic=topic, region=case.region, asked_at=at),
        consent_at=consent_at,
    )
    _case_step(
        case,
        actor=actor,
        action="inquiry.create",
        obj=inquiry,
        after={"topic": topic, "case": case.pk},
        kind=CaseEvent.Kind.INQUIRY,
        summary=Line(
            gettext_noop("온라인 문의 (%(topic)s): %(question)s"),
            {"question": question[:80]},
            labels={"topic": ("topic", topic)},
        ),
    )
    if reply_by == Inquiry.ReplyBy.CALLBACK:
        _callback_create(
            case=case, actor=actor, topic=topic, window_start=start, window_end=end, inquiry=inquiry, at=at
        )
    return inquiry


def _inquiry_for_update(inquiry_id: int) -> Inquiry:
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("case", "case__region", "case__guardian", "region")
        .filter(pk=inquiry_id)
        .first()
    )
    if inquiry is None:
        raise NotFound(_("문의를 찾을 수 없습니다."))
    return inquiry


def _inquiry_move(*, inquiry: Inquiry, to: str, actor: Any, acting_for: Any = None, **fields: Any) -> None:
    if to not in Inquiry.TRANSITIONS[inquiry.status]:
        raise TransitionNotAllowed(
            _("'%(status)s' 상태의 문의는 이 단계로 바꿀 수 없습니다.") % {"status": inquiry.get_status_display()},
            detail={"status": inquiry.status, "to": to},
        )
    before = inquiry.status
    Inquiry.objects.filter(pk=inquiry.pk).update(status=to, **fields)
    inquiry.status = to
    for key, value in fields.items():
        setattr(inquiry, key, value)
    audit_log(
        actor=actor,
        action=f"inquiry.{to}",
        obj=inquiry,
        before={"status": before},
        after={"status": to},
        acting_for=acting_for,
    )


@transaction.atomic
def inquiry_assign(*, actor: User, inquiry_id: int, assignee_id: int | None = None) -> Inquiry:
    require_agent(actor)
    inquiry = _inquiry_for_update(inquiry_id)
    require_region_access(actor, inquiry.case.region_code)
    assignee = _assignee(actor=actor, assignee_id=assignee_id, region_code=inquiry.case.region_code)
    _inquiry_move(inquiry=inquiry, to=Inquiry.Status.ASSIGNED, actor=actor, assigned_to=assignee)
    _case_step(
        inquiry.case,
        actor=actor,
        action=None,  # audited by _inquiry_move
        obj=inquiry,
        kind=CaseEvent.Kind.ASSIGNMENT,
        summary=f"문의 #{inquiry.pk} 담당: {assignee.display_name}",
        visible_to_family=False,
    )
    return inquiry


@transaction.atomic
def inquiry_reply(*, actor: User, inquiry_id: int, body: str, close: bool = False) -> InquiryMessage:
    require_agent(actor)
    inquiry = _inquiry_for_update(inquiry_id)
    require_region_access(actor, inquiry.case.region_code)
    body = _text(body, field="body", label=_("답변"), max_len=MAX_QUESTION)
    at = now()
    message = InquiryMessage.objects.create(inquiry=inquiry, author=actor, from_staff=True, body=body)
    fields: dict[str, Any] = {"first_replied_at": inquiry.first_replied_at or at}
    if inquiry.assigned_to_id is None:
        fields["assigned_to"] = actor
    _inquiry_move(inquiry=inquiry, to=Inquiry.Status.ANSWERED, actor=actor, **fields)
    if close:
        _inquiry_move(inquiry=inquiry, to=Inquiry.Status.CLOSED, actor=actor, closed_at=at)
    _case_step(
        inquiry.case,
        actor=actor,
        action=None,  # audited by _inquiry_move
        obj=inquiry,
        kind=CaseEvent.Kind.REPLY,
        summary=Line(gettext_noop("답변: %(body)s"), {"body": body[:100]}),
        notify=Notice(
            kind="counselling.reply",
            subject="[돌봄] 문의에 답변이 등록되었습니다",
            body=f"문의 #{inquiry.pk}에 돌봄코디네이터의 답변이 등록되었습니다. 내 상담에서 확인하세요.",
            key=f"counselling.inquiry.{inquiry.pk}.reply.{message.pk}",
        ),
    )
    return message


@transaction.atomic
def inquiry_follow_up(*, actor: User, inquiry_id: int, body: str) -> InquiryMessage:
    """The family adds to their own question; an answered question goes back to the queue with a new timer."""
    require_login(actor)
    inquiry = _inquiry_for_update(inquiry_id)
    if actor.role != Role.CITIZEN or inquiry.case.guardian_id != actor.pk:
        raise NotFound(_("문의를 찾을 수 없습니다."))
    if inquiry.status == Inquiry.Status.CLOSED:
        raise TransitionNotAllowed(_("종결된 문의입니다. 새 문의를 남겨 주세요."))
    body = _text(body, field="body", label=_("내용"), max_len=MAX_QUESTION)
    at = now()
    message = InquiryMessage.objects.create(inquiry=inquiry, author=actor, from_staff=False, body=body)
    if inquiry.status == Inquiry.Status.ANSWERED:
        to = Inquiry.Status.ASSIGNED if inquiry.assigned_to_id else Inquiry.Status.NEW
        due = first_reply_due(topic=inquiry.topic, region=inquiry.case.region, asked_at=at)
        _inquiry_move(inquiry=inquiry, to=to, actor=actor, due_at=due, escalated_at=None)
    _reopen(inquiry.case, actor=actor)
    _case_step(
        inquiry.case,
        actor=actor,
        action=None,  # audited by _inquiry_move (when it moved)
        obj=inquiry,
        kind=CaseEvent.Kind.MESSAGE,
        summary=Line(gettext_noop("추가 문의: %(body)s"), {"body": body[:100]}),
    )
    return message


@transaction.atomic
def inquiry_close(*, actor: User, inquiry_id: int) -> Inquiry:
    require_login(actor)
    inquiry = _inquiry_for_update(inquiry_id)
    require_case_access(actor, inquiry.case)
    _inquiry_move(
        inquiry=inquiry,
        to=Inquiry.Status.CLOSED,
        actor=actor,
        acting_for=acting_for_of(inquiry.case, actor) if _is_agent(actor) else None,
        closed_at=now(),
    )
    _case_step(
        inquiry.case,
        actor=actor,
        action=None,  # audited by _inquiry_move
        obj=inquiry,
        kind=CaseEvent.Kind.STATUS,
        summary=Line(gettext_noop("문의 #%(number)s 종결"), {"number": inquiry.pk}),
    )
    return inquiry


# ---------------------------------------------------------------- calls and callbacks


def _caller_case(
    *,
    actor: User,
    case_id: int | None,
    caller_user_id: int | None,
    phone: str,
    caller_name: str,
    region_code: str | None,
) -> Case:
    if case_id is not None:
        return agent_case(actor=actor, case_id=case_id, lock=True)
    if caller_user_id is not None:
        guardian = User.objects.filter(pk=caller_user_id, role=Role.CITIZEN, is_active=True).first()
        if guardian is None:
            raise NotFound(_("보호자를 찾을 수 없습니다."), detail={"fields": {"caller_user_id": _("없는 보호자")}})
        household = Household.objects.select_related("home_region").filter(guardian=guardian).first()
        home = household.home_region if household and household.home_region_id else None
        region = home or (_region(region_code) if region_code else None)
        if region is None:
            raise InvalidInput(_("보호자의 지역을 입력해 주세요."), detail={"fields": {"region_code": _("필수")}})
        require_region_access(actor, region.code)
        return case_for_family(guardian=guardian, actor=actor, region=region)
    number = clean_phone(phone)
    registered = User.objects.filter(phone=number, role=Role.CITIZEN, is_active=True).first()
    if registered is not None:
        return _caller_case(
            actor=actor,
            case_id=None,
            caller_user_id=registered.pk,
            phone="",
            caller_name="",
            region_code=region_code,
        )
    region = _region(region_code) if region_code else actor.scope_region
    if region is None:
        raise InvalidInput(_("상담자의 지역을 입력해 주세요."), detail={"fields": {"region_code": _("필수")}})
    require_region_access(actor, region.code)
    existing = (
        Case.objects.filter(guardian__isnull=True, phone_hash=phone_hash(number)).select_related("region").first()
    )
    if existing is not None:
        require_region_access(actor, existing.region_code)
    return case_for_phone(phone=number, region=region, caller_name=caller_name, actor=actor)


@transaction.atomic
def call_log(
    *,
    actor: User,
    topic: str,
    outcome: str,
    notes: str = "",
    case_id: int | None = None,
    caller_user_id: int | None = None,
    phone: str = "",
    caller_name: str = "",
    region_code: str | None = None,
    direction: str = CallLog.Direction.INBOUND,
    started_at: datetime | None = None,
    duration_seconds: int = 0,
    callback_window_start: datetime | None = None,
    callback_window_end: datetime | None = None,
) -> CallLog:
    """Log a call as it happens. The caller is an existing case, a registered guardian, or a phone number."""
    require_agent(actor)
    topic = _topic(topic)
    if outcome not in CallLog.Outcome.values:
        raise InvalidInput(_("통화 결과를 고르세요."), detail={"fields": {"outcome": _("알 수 없는 값")}})
    if direction not in CallLog.Direction.values:
        raise InvalidInput(_("통화 방향을 고르세요."), detail={"fields": {"direction": _("알 수 없는 값")}})
    notes = _text(notes, field="notes", label=_("상담 내용"), max_len=MAX_NOTES, required=False)
    if duration_seconds < 0 or duration_seconds > 6 * 3600:
        raise InvalidInput(_("통화 시간을 확인해 주세요."), detail={"fields": {"duration_seconds": _("범위")}})
    at = now()
    started_at = started_at or at
    if started_at > at + timedelta(minutes=5):
        raise InvalidInput(_("통화 시작 시각이 미래입니다."), detail={"fields": {"started_at": _("미래")}})
    start, end = _window(
        start=callback_window_start,
        end=callback_window_end,
        at=at,
        required=outcome == CallLog.Outcome.CALLBACK,
    )
    case = _caller_case(
        actor=actor,
        case_id=case_id,
        caller_user_id=caller_user_id,
        phone=phone,
        caller_name=(caller_name or "").strip(),
        region_code=region_code,
    )
    _reopen(case, actor=actor)
    call = CallLog.objects.create(
        case=case,
        agent=actor,
        direction=direction,
        topic=topic,
        notes=notes,
        outcome=outcome,
        started_at=started_at,
        duration_seconds=duration_seconds,
    )
    text = (
        gettext_noop("전화 상담 (%(topic)s) — %(outcome)s")
        if direction == CallLog.Direction.INBOUND
        else gettext_noop("상담원 발신 전화 (%(topic)s) — %(outcome)s")
    )
    _case_step(
        case,
        actor=actor,
        action="call.log",
        obj=call,
        after={"case": case.pk, "topic": topic, "outcome": outcome},
        acting_for=acting_for_of(case, actor),
        kind=CaseEvent.Kind.CALL,
        summary=Line(text, labels={"topic": ("topic", topic), "outcome": ("outcome", outcome)}),
    )
    if outcome == CallLog.Outcome.CALLBACK:
        _callback_create(case=case, actor=actor, topic=topic, window_start=start, window_end=end, at=at)
    return call


@transaction.atomic
def callback_schedule(
    *,
    actor: User,
    case_id: int,
    topic: str,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    note: str = "",
) -> Callback:
    case = agent_case(actor=actor, case_id=case_id, lock=True)
    topic = _topic(topic)
    note = _text(note, field="note", label=_("메모"), max_len=500, required=False)
    at = now()
    start, end = _window(start=window_start, end=window_end, at=at, required=False)
    _reopen(case, actor=actor)
    return _callback_create(case=case, actor=actor, topic=topic, window_start=start, window_end=end, note=note, at=at)


def _callback_for_update(*, actor: User, callback_id: int) -> Callback:
    require_agent(actor)
    callback = (
        Callback.objects.select_for_update(of=("self",))
        .select_related("case", "case__region", "case__guardian")
        .filter(pk=callback_id)
        .first()
    )
    if callback is None:
        raise NotFound(_("전화 회신을 찾을 수 없습니다."))
    require_region_access(actor, callback.case.region_code)
    return callback


@transaction.atomic
def callback_take(*, actor: User, callback_id: int) -> Callback:
    """An agent takes a callback from the list: it is theirs to make."""
    callback = _callback_for_update(actor=actor, callback_id=callback_id)
    if callback.status != Callback.Status.SCHEDULED:
        raise TransitionNotAllowed(_("이미 처리된 전화 회신입니다."), detail={"status": callback.status})
    if callback.assigned_to_id not in (None, actor.pk):
        raise Conflict(_("다른 상담원이 맡은 전화 회신입니다."), code="already_taken")
    before = callback.assigned_to_id
    Callback.objects.filter(pk=callback.pk).update(assigned_to=actor)
    callback.assigned_to = actor
    if callback.case.assigned_to_id is None:
        Case.objects.filter(pk=callback.case_id).update(assigned_to=actor)
    _case_step(
        callback.case,
        actor=actor,
        action="callback.take",
        obj=callback,
        before={"assigned_to": before},
        after={"assigned_to": actor.pk},
        kind=CaseEvent.Kind.ASSIGNMENT,
        summary=f"전화 회신 담당: {actor.display_name}",
        visible_to_family=False,
    )
    return callback


@transaction.atomic
def callback_complete(
    *,
    actor: User,
    callback_id: int,
    status: str,
    notes: str = "",
    outcome: str = CallLog.Outcome.INFORMED,
    duration_seconds: int = 0,
) -> Callback:
    """Record how the callback went: reached (done), not reached, or cancelled. A made call is logged too."""
    callback = _callback_for_update(actor=actor, callback_id=callback_id)
    if status not in Callback.TRANSITIONS[callback.status]:
        raise TransitionNotAllowed(
            _("이 전화 회신은 이 상태로 바꿀 수 없습니다."), detail={"status": callback.status, "to": status}
        )
    if outcome not in CallLog.Outcome.values:
        raise InvalidInput(_("통화 결과를 고르세요."), detail={"fields": {"outcome": _("알 수 없는 값")}})
    notes = _text(notes, field="notes", label=_("상담 내용"), max_len=MAX_NOTES, required=False)
    at = now()
    before = callback.status
    Callback.objects.filter(pk=callback.pk).update(
        status=status, completed_at=at, assigned_to=callback.assigned_to_id or actor.pk
    )
    callback.status, callback.completed_at = status, at
    acting_for = acting_for_of(callback.case, actor)
    summary: str = {
        Callback.Status.DONE.value: "전화 회신 완료",
        Callback.Status.NO_ANSWER.value: "전화 회신 — 연결되지 않았습니다",
        Callback.Status.CANCELLED.value: "전화 회신 취소",
    }[status]
    missed = Notice(
        kind="counselling.callback_missed",
        subject="[돌봄] 전화를 받지 못하셨습니다",
        body="돌봄코디네이터가 전화드렸으나 연결되지 않았습니다. 편한 시간에 다시 문의해 주세요.",
        key=f"counselling.callback.{callback.pk}.missed",
    )
    _case_step(
        callback.case,
        actor=actor,
        action=f"callback.{status}",
        obj=callback,
        before={"status": before},
        after={"status": status},
        acting_for=acting_for,
        kind=CaseEvent.Kind.CALLBACK,
        summary=summary,
        notify=missed if status == Callback.Status.NO_ANSWER else None,
    )
    if status in (Callback.Status.DONE, Callback.Status.NO_ANSWER):
        call = CallLog.objects.create(
            case=callback.case,
            agent=actor,
            callback=callback,
            direction=CallLog.Direction.OUTBOUND,
            topic=callback.topic,
            notes=notes,
            outcome=CallLog.Outcome.NO_ANSWER if status == Callback.Status.NO_ANSWER else outcome,
            started_at=at,
            duration_seconds=max(0, min(duration_seconds, 6 * 3600)),
        )
        audit_log(actor=actor, action="call.log", obj=call, after={"callback": callback.pk}, acting_for=acting_for)
    if callback.inquiry_id and status == Callback.Status.DONE:
        inquiry = _inquiry_for_update(callback.inquiry_id)
        if inquiry.status in Inquiry.WAITING:
            _inquiry_move(
                inquiry=inquiry,
                to=Inquiry.Status.ANSWERED,
                actor=actor,
                first_replied_at=inquiry.first_replied_at or at,
                assigned_to=inquiry.assigned_to or actor,
            )
    return callback


# ---------------------------------------------------------------- referrals


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case_id: int,
    agency_name: str = "",
    reason: str,
    consent: bool,
    consent_method: str,
    facility_id: int | None = None,
    agency_contact: str = "",
) -> Referral:
    """기관 연계. The family's consent to share their details with the agency is required and recorded."""
    case = agent_case(actor=actor, case_id=case_id, lock=True)
    if not consent:
        raise InvalidInput(
            _("기관에 정보를 전달하려면 보호자의 동의가 필요합니다."),
            code="consent_required",
            detail={"fields": {"consent": _("필수")}},
        )
    if consent_method not in Referral.ConsentMethod.values:
        raise InvalidInput(_("동의 방법을 고르세요."), detail={"fields": {"consent_method": _("알 수 없는 값")}})
    facility = None
    if facility_id is not None:
        from dolbom.directory.models import Facility

        facility = Facility.objects.select_related("region").filter(pk=facility_id).first()
        if facility is None:
            raise NotFound(_("시설을 찾을 수 없습니다."), detail={"fields": {"facility_id": _("없는 시설")}})
        agency_name = agency_name or facility.name
    agency_name = _text(agency_name, field="agency_name", label=_("연계 기관"), max_len=120)
    reason = _text(reason, field="reason", label=_("연계 사유"), max_len=MAX_NOTES)
    agency_contact = _text(agency_contact, field="agency_contact", label=_("기관 연락처"), max_len=60, required=False)
    at = now()
    _reopen(case, actor=actor)
    referral = Referral.objects.create(
        case=case,
        facility=facility,
        agency_name=agency_name,
        agency_contact=agency_contact,
        reason=reason,
        consent_at=at,
        consent_method=consent_method,
        created_by=actor,
    )
    acting_for = acting_for_of(case, actor)
    _case_step(
        case,
        actor=actor,
        action="referral.sent",
        obj=referral,
        after={"status": "sent", "agency": agency_name, "consent_method": consent_method},
        acting_for=acting_for,
        kind=CaseEvent.Kind.REFERRAL,
        summary=Line(gettext_noop("기관 연계 요청: %(agency)s"), {"agency": agency_name}),
        on_behalf=acting_for is not None,
        notify=Notice(
            kind="counselling.referral",
            subject="[돌봄] 기관 연계 안내",
            body=f"동의하신 대로 {agency_name}에 연계를 요청했습니다. 진행 상황은 내 상담에서 볼 수 있습니다.",
            key=f"counselling.referral.{referral.pk}.sent",
        ),
    )
    return referral


@transaction.atomic
def referral_transition(*, actor: User, referral_id: int, to: str, note: str = "") -> Referral:
    require_agent(actor)
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "case__region", "case__guardian")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound(_("기관 연계를 찾을 수 없습니다."))
    require_region_access(actor, referral.case.region_code)
    if to not in Referral.Status.values or to not in Referral.TRANSITIONS[referral.status]:
        raise TransitionNotAllowed(
            _("'%(status)s' 상태의 연계는 이 단계로 바꿀 수 없습니다.") % {"status": referral.get_status_display()},
            detail={"status": referral.status, "to": to},
        )
    note = _text(note, field="note", label=_("메모"), max_len=500, required=False)
    before = referral.status
    Referral.objects.filter(pk=referral.pk).update(status=to, status_note=note)
    referral.status, referral.status_note = to, note
    _case_step(
        referral.case,
        actor=actor,
        action=f"referral.{to}",
        obj=referral,
        before={"status": before},
        after={"status": to},
        acting_for=acting_for_of(referral.case, actor),
        kind=CaseEvent.Kind.REFERRAL,
        summary=Line(
            gettext_noop("기관 연계 %(status)s: %(agency)s"),
            {"agency": referral.agency_name},
            labels={"status": ("referral_status", to)},
        ),
    )
    return referral


# ---------------------------------------------------------------- acting for the family


@transaction.atomic
def case_action_record(
    *,
    actor: User,
    case_id: int,
    kind: str,
    summary: str | Line,
    object_type: str = "",
    object_id: str | int = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Record something an agent did for the family elsewhere in the product (a booking, a check, a request).

    The history line is marked as done on the family's behalf and is visible to them; the audit entry names
    the family as `acting_for`.
    """
    case = agent_case(actor=actor, case_id=case_id, lock=True)
    if kind not in CaseEvent.Kind.values:
        raise InvalidInput(_("알 수 없는 기록 종류입니다."), detail={"fields": {"kind": kind}})
    _reopen(case, actor=actor)
    return _case_step(
        case,
        actor=actor,
        action=f"case.act.{kind}",
        after={"object_type": object_type, "object_id": str(object_id), **(data or {})},
        acting_for=acting_for_of(case, actor),
        kind=kind,
        summary=summary,
        object_type=object_type,
        object_id=object_id,
        on_behalf=True,
        data=data,
    )


# ---------------------------------------------------------------- timers


def sla_escalate(*, at: datetime | None = None) -> int:
    """Record and announce each overdue item once. Overdue itself is read from due_at, never from this flag."""
    at = at or now()
    count = 0
    overdue_inquiries = Inquiry.objects.filter(
        status__in=Inquiry.WAITING, due_at__lt=at, escalated_at__isnull=True
    ).select_related("case", "region", "assigned_to")
    for inquiry in overdue_inquiries:
        with transaction.atomic():
            if not Inquiry.objects.filter(pk=inquiry.pk, escalated_at__isnull=True).update(escalated_at=at):
                continue
            _escalation_record(
                case=inquiry.case, obj=inquiry, label=f"문의 #{inquiry.pk}", assignee=inquiry.assigned_to, at=at
            )
            count += 1
    overdue_callbacks = Callback.objects.filter(
        status=Callback.Status.SCHEDULED, due_at__lt=at, escalated_at__isnull=True
    ).select_related("case", "region", "assigned_to")
    for callback in overdue_callbacks:
        with transaction.atomic():
            if not Callback.objects.filter(pk=callback.pk, escalated_at__isnull=True).update(escalated_at=at):
                continue
            _escalation_record(
                case=callback.case,
                obj=callback,
                label=f"전화 회신 #{callback.pk}",
                assignee=callback.assigned_to,
                at=at,
            )
            count += 1
    return count


def _escalation_record(*, case: Case, obj: Any, label: str, assignee: User | None, at: datetime) -> None:
    _case_step(
        case,
        actor=None,
        action="sla.escalate",
        obj=obj,
        after={"escalated_at": at.isoformat()},
        kind=CaseEvent.Kind.ESCALATION,
        summary=f"{label} 응대 기한이 지났습니다.",
        visible_to_family=False,
    )
    recipients = [assignee] if assignee is not None else _regional_leads(case=case)
    for user in recipients:
        notification_enqueue(
            recipient=user,
            kind="counselling.escalation",
            subject="[돌봄] 응대 기한 초과",
            body=f"{label} (사례 #{case.pk})의 응대 기한이 지났습니다. 상담 대기열에서 확인해 주세요.",
            idempotency_key=f"counselling.escalate.{obj._meta.model_name}.{obj.pk}.{user.pk}",
        )


def _regional_leads(*, case: Case) -> list[User]:
    """Coordinators whose scope covers the case: who hears about an unassigned overdue item."""
    agents = User.objects.filter(role=Role.COORDINATOR, is_active=True).select_related("scope_region")
    return [a for a in agents if region_in_scope(a, case.region_code)]
