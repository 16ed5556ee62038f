"""Home-visit care (방문돌봄): caregivers (돌보미) with their credentials and availability, families' visit
requests, and the assignments the matching engine proposes and coordinators confirm.

The engine itself (`dolbom.matching.engine`) knows nothing of these tables: `selectors.py` turns rows into its
plain dataclasses."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dolbom.core.crypto import EncryptedTextField
from dolbom.core.models import BaseModel


class ServiceProvider(BaseModel):
    """서비스제공기관: the agency that employs and supervises caregivers (e.g. a 가족센터 running 아이돌봄).

    Not a directory `Facility`: a provider gives care in families' homes, not at a place with capacity and
    opening hours, so most providers are not in the facility directory at all; `facility` links one that is."""

    name = models.CharField(_("기관명"), max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("지역"))
    phone = models.CharField(_("전화번호"), max_length=40, blank=True)
    facility = models.ForeignKey(
        "directory.Facility",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("시설 정보"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("서비스제공기관")
        verbose_name_plural = _("서비스제공기관")
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="service_provider_name_region")]

    def __str__(self) -> str:
        return self.name


class Caregiver(BaseModel):
    """돌보미: a home-visit caregiver's profile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caregiver"
    )
    display_name = models.CharField(_("이름"), max_length=50)
    home_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("거주 지역")
    )
    regions_served = models.ManyToManyField("regions.Region", related_name="+", verbose_name=_("활동 지역"))
    home_lat = models.FloatField(_("활동 거점 위도"))
    home_lng = models.FloatField(_("활동 거점 경도"))
    background_check_expires = models.DateField(_("신원조회 유효기한"), null=True, blank=True)
    languages = models.JSONField(_("사용 언어"), default=list, blank=True)  # ISO 639-1 codes, "ko" first
    min_child_age_months = models.PositiveIntegerField(_("돌봄 가능 최소 연령(개월)"), default=0)
    max_child_age_months = models.PositiveIntegerField(_("돌봄 가능 최대 연령(개월)"), default=155)
    max_children = models.PositiveIntegerField(_("동시 돌봄 아동 수"), default=2)
    is_active = models.BooleanField(_("활동 중"), default=True, db_index=True)
    provider = models.ForeignKey(
        ServiceProvider,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caregivers",
        verbose_name=_("서비스제공기관"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("돌보미")
        verbose_name_plural = _("돌보미")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_child_age_months__lte=F("max_child_age_months")), name="caregiver_age_range"
            ),
            models.CheckConstraint(condition=Q(max_children__gte=1), name="caregiver_max_children_positive"),
        ]

    def __str__(self) -> str:
        return self.display_name


class Qualification(BaseModel):
    """A qualification or training with its expiry (영아돌봄, 질병감염아동돌봄, 응급처치, ...)."""

    class Code(models.TextChoices):
        INFANT_CARE = "infant_care", _("영아돌봄")
        ILLNESS_CARE = "illness_care", _("질병감염아동돌봄")
        FIRST_AID = "first_aid", _("응급처치")
        SPECIAL_NEEDS = "special_needs", _("특수돌봄")

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="qualifications")
    code = models.CharField(_("자격·교육"), max_length=30, choices=Code.choices)
    issued_on = models.DateField(_("취득일"), null=True, blank=True)
    expires_on = models.DateField(_("만료일"), null=True, blank=True)

    class Meta:
        ordering = ["caregiver_id", "code", "expires_on"]
        verbose_name = _("자격·교육")
        verbose_name_plural = _("자격·교육")

    def __str__(self) -> str:
        return f"{self.get_code_display()} ~{self.expires_on or '무기한'}"


class WeeklyAvailability(BaseModel):
    """A weekly recurring block the caregiver can work (0 = Monday)."""

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="weekly")
    weekday = models.PositiveSmallIntegerField(_("요일"))
    start_time = models.TimeField(_("시작"))
    end_time = models.TimeField(_("종료"))

    class Meta:
        ordering = ["caregiver_id", "weekday", "start_time"]
        verbose_name = _("주간 가용시간")
        verbose_name_plural = _("주간 가용시간")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_availability_weekday"),
            models.CheckConstraint(condition=Q(start_time__lt=F("end_time")), name="weekly_availability_order"),
        ]


class AvailabilityException(BaseModel):
    """A date that differs from the weekly pattern: unavailable (all day when no times) or an extra block."""

    class Kind(models.TextChoices):
        UNAVAILABLE = "unavailable", _("불가")
        EXTRA = "extra", _("추가 가능")

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("날짜"))
    kind = models.CharField(_("구분"), max_length=12, choices=Kind.choices, default=Kind.UNAVAILABLE)
    start_time = models.TimeField(_("시작"), null=True, blank=True)
    end_time = models.TimeField(_("종료"), null=True, blank=True)

    class Meta:
        ordering = ["caregiver_id", "date", "start_time"]
        verbose_name = _("가용시간 예외")
        verbose_name_plural = _("가용시간 예외")
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True)) | Q(start_time__lt=F("end_time")),
                name="availability_exception_times",
            ),
            models.CheckConstraint(
                condition=~Q(kind="extra") | Q(start_time__isnull=False), name="availability_exception_extra_has_time"
            ),
        ]


NEED_LABELS = {
    "infant": "영아 돌봄",
    "illness": "아픈 아이 돌봄",
    "language": "외국어 지원",
    "sibling_group": "형제자매 함께",
    "special_needs": "특수 돌봄",
}


class VisitRequest(BaseModel):
    """A family's request for a home visit."""

    class Service(models.TextChoices):
        URGENT = "urgent", _("방문형 긴급돌봄")
        HOURLY = "hourly", _("아이돌봄 시간제")
        ILLNESS = "illness", _("질병감염아동 돌봄")

    class Status(models.TextChoices):
        OPEN = "open", _("배정 대기")
        PROPOSED = "proposed", _("배정 제안")
        ASSIGNED = "assigned", _("배정 확정")
        CANCELLED = "cancelled", pgettext_lazy("status", "취소")
        DONE = "done", _("완료")
        EXPIRED = "expired", _("미배정 종료")
        IN_SERVICE = "in_service", _("돌봄 중")
        FOLLOWED_UP = "followed_up", _("사후관리 완료")

    #: finished visits (completed, whether or not a follow-up was closed since)
    COMPLETED_STATES = (Status.DONE, Status.FOLLOWED_UP)
    #: nothing more happens to these
    FINAL_STATES = (Status.CANCELLED, Status.EXPIRED, Status.FOLLOWED_UP)

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="visit_requests")
    children = models.ManyToManyField("households.Child", related_name="visit_requests", verbose_name=_("아동"))
    service = models.CharField(_("서비스"), max_length=12, choices=Service.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("지역"))
    address = models.CharField(_("방문 주소"), max_length=200)
    lat = models.FloatField(_("위도"))
    lng = models.FloatField(_("경도"))
    starts_at = models.DateTimeField(_("시작"), db_index=True)
    ends_at = models.DateTimeField(_("종료"))
    needs = models.JSONField(_("필요 사항"), default=list, blank=True)  # infant, illness, language, sibling_group
    language = models.CharField(_("희망 언어"), max_length=8, blank=True)
    urgency = models.PositiveSmallIntegerField(_("긴급도"), default=0)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    note = models.TextField(_("요청 메모"), blank=True)
    consent_share = models.BooleanField(_("돌보미에게 필요 정보 제공 동의"), default=False)
    # 아이돌봄 소득유형 (가형..마형) the family chose for the fee quote; "" = not known. Encrypted at rest like
    # every income figure.
    income_tier = EncryptedTextField(_("소득유형"), blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("방문돌봄 요청")
        verbose_name_plural = _("방문돌봄 요청")
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="visit_request_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def needs_display(self) -> str:
        return ", ".join(NEED_LABELS.get(n, n) for n in self.needs or [])


class VisitAssignment(BaseModel):
    """A caregiver given to a request: proposed by the engine, offered, then accepted or declined."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("제안")
        OFFERED = "offered", _("돌보미에게 제안됨")
        ACCEPTED = "accepted", pgettext_lazy("status", "수락")
        DECLINED = "declined", pgettext_lazy("status", "거절")
        CANCELLED = "cancelled", pgettext_lazy("status", "취소")
        COMPLETED = "completed", _("완료")

    ACTIVE = (Status.PROPOSED, Status.OFFERED, Status.ACCEPTED)

    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="assignments")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    # copied from the request so that overlap checks need no join
    starts_at = models.DateTimeField(_("시작"), db_index=True)
    ends_at = models.DateTimeField(_("종료"))
    distance_km = models.FloatField(_("이동 거리(km)"), default=0)
    explanation = models.JSONField(_("배정 근거"), default=list, blank=True)
    method = models.CharField(_("배정 방식"), max_length=60, blank=True)
    arrived_at = models.DateTimeField(_("도착 시각"), null=True, blank=True)
    ended_at = models.DateTimeField(_("종료 시각"), null=True, blank=True)
    care_notes = models.TextField(_("돌봄 기록"), blank=True)
    actual_hours = models.FloatField(_("실제 돌봄 시간"), null=True, blank=True)
    fee_total = models.PositiveIntegerField(_("이용요금(원)"), null=True, blank=True)

    @property
    def actual_duration_display(self) -> str:
        if self.arrived_at is None or self.ended_at is None:
            return ""
        h, m = divmod(max(1, round((self.ended_at - self.arrived_at).total_seconds() / 60)), 60)
        return f"{h}시간 {m}분" if h and m else f"{h}시간" if h else f"{m}분"

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("방문돌봄 배정")
        verbose_name_plural = _("방문돌봄 배정")
        constraints = [
            # the last line of defence: one active caregiver per request
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["proposed", "offered", "accepted"]),
                name="visit_assignment_one_active",
            ),
        ]


class VisitRating(BaseModel):
    """A family's rating of a caregiver after a visit; feeds continuity in matching."""

    request = models.OneToOneField(VisitRequest, on_delete=models.CASCADE, related_name="rating")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="ratings")
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(_("별점"))
    comment = models.TextField(_("의견"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("방문돌봄 평가")
        verbose_name_plural = _("방문돌봄 평가")
        constraints = [models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="visit_rating_stars")]


class FollowUpTask(BaseModel):
    """사후관리: a coordinator's task opened by a low rating or a family's problem report."""

    class Reason(models.TextChoices):
        LOW_RATING = "low_rating", _("낮은 평가")
        REPORT = "report", _("문제 신고")

    class Status(models.TextChoices):
        OPEN = "open", _("접수")
        IN_PROGRESS = "in_progress", _("처리 중")
        DONE = "done", _("완료")

    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="followups")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.SET_NULL, null=True, related_name="followups")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("지역"))
    reason = models.CharField(_("사유"), max_length=12, choices=Reason.choices)
    detail = models.TextField(_("내용"), blank=True)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("처리 메모"), blank=True)
    due_date = models.DateField(_("처리 기한"))
    closed_at = models.DateTimeField(_("완료 시각"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("사후관리 과제")
        verbose_name_plural = _("사후관리 과제")
