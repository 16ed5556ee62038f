"""상담: the call centre and the coordinators' workspace.

A family has one case (`Case`) across every channel: questions asked online (`Inquiry` with its
`InquiryMessage`s), phone calls (`CallLog`), callbacks (`Callback`), referrals to agencies (`Referral`, 기관 연계)
and whatever an agent did for the family in other parts of the product (bookings, benefit checks, home-visit
requests). Every one of those leaves a `CaseEvent`, which is the case history both the agent and the family read.
An anonymous caller's case is keyed by a keyed hash of their phone number; the number itself is stored encrypted.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dolbom.core.crypto import EncryptedTextField
from dolbom.core.models import BaseModel


class Topic(models.TextChoices):
    BENEFITS = "benefits", _("지원사업")
    BOOKING = "booking", _("돌봄 예약")
    HOME_VISIT = "home_visit", _("방문돌봄")
    FACILITY = "facility", _("돌봄시설")
    COMPLAINT = "complaint", _("불편·민원")
    OTHER = "other", _("기타")


class Case(BaseModel):
    """One family's case: a guardian account, or an anonymous caller known by phone number."""

    class Status(models.TextChoices):
        OPEN = "open", _("진행 중")
        CLOSED = "closed", pgettext_lazy("status", "종결")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {"open": {"closed"}, "closed": {"open"}}

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="counselling_cases",
        verbose_name=_("보호자"),
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("지역")
    )
    caller_name = models.CharField(_("상담자 이름"), max_length=50, blank=True)
    phone = EncryptedTextField(_("연락처"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("담당 상담원"),
    )
    closed_at = models.DateTimeField(_("종결 시각"), null=True, blank=True)
    close_note = models.CharField(_("종결 메모"), max_length=500, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("상담 사례")
        verbose_name_plural = _("상담 사례")
        constraints = [
            models.UniqueConstraint(
                fields=["guardian"], condition=Q(guardian__isnull=False), name="one_case_per_guardian"
            ),
            models.UniqueConstraint(
                fields=["phone_hash"],
                condition=Q(guardian__isnull=True) & ~Q(phone_hash=""),
                name="one_anonymous_case_per_phone",
            ),
            models.CheckConstraint(
                condition=Q(guardian__isnull=False) | ~Q(phone_hash=""), name="case_has_guardian_or_phone"
            ),
        ]

    def __str__(self) -> str:
        return f"사례 #{self.pk} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.guardian_id is not None:
            return self.guardian.display_name  # type: ignore[union-attr]
        return self.caller_name or "익명 상담자"

    @property
    def region_code(self) -> str | None:
        return self.region.code if self.region_id else None  # type: ignore[union-attr]


class Inquiry(BaseModel):
    """A question waiting for the call centre: asked online, or taken down from a call."""

    class Channel(models.TextChoices):
        WEB = "web", _("온라인")
        PHONE = "phone", _("전화")

    class ReplyBy(models.TextChoices):
        MESSAGE = "message", _("메시지 답변")
        CALLBACK = "callback", _("전화 회신")

    class Status(models.TextChoices):
        NEW = "new", _("접수")
        ASSIGNED = "assigned", _("담당자 배정")
        ANSWERED = "answered", _("답변 완료")
        CLOSED = "closed", pgettext_lazy("status", "종결")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        "new": {"assigned", "answered", "closed"},
        "assigned": {"assigned", "answered", "closed"},
        # A follow-up from the family puts an answered question back in the queue.
        "answered": {"assigned", "new", "closed"},
        "closed": set(),
    }
    WAITING: ClassVar[tuple[str, ...]] = ("new", "assigned")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inquiries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("지역")
    )
    channel = models.CharField(_("경로"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    topic = models.CharField(_("주제"), max_length=16, choices=Topic.choices, db_index=True)
    question = models.TextField(_("질문"))
    reply_by = models.CharField(_("답변 방법"), max_length=10, choices=ReplyBy.choices, default=ReplyBy.MESSAGE)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("담당 상담원"),
    )
    due_at = models.DateTimeField(_("답변 기한"), null=True, blank=True, db_index=True)
    first_replied_at = models.DateTimeField(_("첫 답변 시각"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("기한 초과 보고 시각"), null=True, blank=True)
    consent_at = models.DateTimeField(_("개인정보 수집 동의 시각"), null=True, blank=True)
    closed_at = models.DateTimeField(_("종결 시각"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "region", "due_at"], name="inquiry_queue_idx")]
        verbose_name = _("문의")
        verbose_name_plural = _("문의")

    def __str__(self) -> str:
        return f"문의 #{self.pk} ({self.get_topic_display()})"


class InquiryMessage(BaseModel):
    """One message in an inquiry's thread: the family's follow-up or the agent's reply."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("내용"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("문의 답변")
        verbose_name_plural = _("문의 답변")


class Callback(BaseModel):
    """A promised call back to the family inside a time window."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("예정")
        DONE = "done", _("통화 완료")
        NO_ANSWER = "no_answer", _("연결 안 됨")
        CANCELLED = "cancelled", pgettext_lazy("status", "취소")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        "scheduled": {"done", "no_answer", "cancelled"},
        "no_answer": set(),
        "done": set(),
        "cancelled": set(),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="callbacks")
    inquiry = models.ForeignKey(Inquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks")
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("주제"), max_length=16, choices=Topic.choices, default=Topic.OTHER)
    window_start = models.DateTimeField(_("희망 시작"), null=True, blank=True)
    window_end = models.DateTimeField(_("희망 종료"), null=True, blank=True)
    due_at = models.DateTimeField(_("회신 기한"), db_index=True)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("메모"), max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "region", "due_at"], name="callback_queue_idx")]
        verbose_name = _("전화 회신")
        verbose_name_plural = _("전화 회신")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gt=models.F("window_start")),
                name="callback_window_ordered",
            )
        ]


class CallLog(BaseModel):
    """A phone call as the agent logged it. Notes may hold personal details: encrypted at rest."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("수신")
        OUTBOUND = "outbound", _("발신")

    class Outcome(models.TextChoices):
        INFORMED = "informed", _("안내 완료")
        RESOLVED = "resolved", _("해결")
        CALLBACK = "callback", _("회신 예약")
        REFERRED = "referred", _("기관 연계")
        ACTED = "acted", _("대신 신청·예약")
        NO_ANSWER = "no_answer", _("연결 안 됨")
        OTHER = "other", _("기타")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    callback = models.ForeignKey(Callback, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    direction = models.CharField(_("방향"), max_length=10, choices=Direction.choices, default=Direction.INBOUND)
    topic = models.CharField(_("주제"), max_length=16, choices=Topic.choices)
    notes = EncryptedTextField(_("상담 내용"), blank=True, default="")
    outcome = models.CharField(_("결과"), max_length=12, choices=Outcome.choices)
    started_at = models.DateTimeField(_("통화 시작"))
    duration_seconds = models.PositiveIntegerField(_("통화 시간(초)"), default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("통화 기록")
        verbose_name_plural = _("통화 기록")


class Referral(BaseModel):
    """기관 연계: the family is referred to an agency or facility, with their consent recorded."""

    class Status(models.TextChoices):
        SENT = "sent", _("연계 요청")
        ACCEPTED = "accepted", _("기관 수락")
        DONE = "done", _("연계 완료")
        DECLINED = "declined", _("기관 거절")

    class ConsentMethod(models.TextChoices):
        VERBAL = "verbal", _("통화 중 구두 동의")
        ONLINE = "online", _("온라인 동의")
        WRITTEN = "written", _("서면 동의")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        "sent": {"accepted", "declined"},
        "accepted": {"done", "declined"},
        "done": set(),
        "declined": set(),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    facility = models.ForeignKey(
        "directory.Facility", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency_name = models.CharField(_("연계 기관"), max_length=120)
    agency_contact = models.CharField(_("기관 연락처"), max_length=60, blank=True)
    reason = models.TextField(_("연계 사유"))
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.SENT, db_index=True)
    status_note = models.CharField(_("상태 메모"), max_length=500, blank=True)
    consent_at = models.DateTimeField(_("정보 제공 동의 시각"))
    consent_method = models.CharField(_("동의 방법"), max_length=10, choices=ConsentMethod.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("기관 연계")
        verbose_name_plural = _("기관 연계")


class CaseEvent(models.Model):
    """One line of a case's history. Points at the object it is about by type and id, in any app."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("문의 접수")
        MESSAGE = "message", _("문의 메시지")
        REPLY = "reply", _("답변")
        CALL = "call", _("통화")
        CALLBACK = "callback", _("전화 회신")
        REFERRAL = "referral", _("기관 연계")
        BENEFITS_CHECK = "benefits_check", _("지원사업 확인")
        FACILITY_SEARCH = "facility_search", _("시설 찾기")
        BOOKING = "booking", _("돌봄 예약")
        HOME_VISIT = "home_visit", _("방문돌봄 신청")
        ASSIGNMENT = "assignment", _("담당자 배정")
        ESCALATION = "escalation", _("기한 초과")
        STATUS = "status", _("사례 상태")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    on_behalf = models.BooleanField(_("보호자 대신 처리"), default=False)
    summary = models.CharField(_("요약"), max_length=300)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    visible_to_family = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("사례 기록")
        verbose_name_plural = _("사례 기록")
        indexes = [models.Index(fields=["object_type", "object_id"], name="caseevent_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"

    @property
    def display_summary(self) -> str:
        """The line in the reader's language (see lines.py); the stored Korean text for older lines."""
        from .lines import rendered

        return rendered(self.data, self.summary)


class SlaPolicy(BaseModel):
    """Service-level targets for a queue (topic, optionally one region), in working minutes.

    The most specific active row wins (region + topic, then topic, then region, then the catch-all);
    with no row at all the defaults in `dolbom.counselling.policies` apply.
    """

    topic = models.CharField(_("주제"), max_length=16, choices=Topic.choices, blank=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    first_reply_minutes = models.PositiveIntegerField(_("첫 답변 기한(근무 분)"))
    callback_minutes = models.PositiveIntegerField(_("희망 시간이 없는 회신 기한(근무 분)"))
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("응대 기한 정책")
        verbose_name_plural = _("응대 기한 정책")
        constraints = [
            models.UniqueConstraint(fields=["topic", "region"], name="sla_policy_topic_region_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display() or '전체'} / {self.region or '전국'}"


class Article(BaseModel):
    """A knowledge-base answer to a frequent question, linked to programmes and care services."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("모두")
        STAFF = "staff", _("상담원 전용")

    slug = models.SlugField(max_length=80, unique=True)
    question = models.CharField(_("질문"), max_length=200)
    answer = models.TextField(_("답변"))
    topic = models.CharField(_("주제"), max_length=16, choices=Topic.choices, default=Topic.OTHER)
    tags = models.CharField(_("태그"), max_length=300, blank=True, help_text=_("쉼표로 구분"))
    programme_ids = models.JSONField(_("관련 지원사업"), default=list, blank=True)
    care_services = models.JSONField(_("관련 돌봄 서비스"), default=list, blank=True)
    source = models.CharField(_("출처"), max_length=300, blank=True)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.PUBLIC)
    published = models.BooleanField(default=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["question"]
        verbose_name = _("자주 묻는 질문")
        verbose_name_plural = _("자주 묻는 질문")

    def __str__(self) -> str:
        return self.question

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]
