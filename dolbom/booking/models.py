"""Real-time booking of facility care.

Availability is never stored: for a slot it is capacity − occupancy rows of active bookings − unexpired
hold rows, counted inside the transaction that writes (see locks.py and services.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dolbom.core.models import BaseModel

#: Occupancy is kept on a one-hour grid. Every slot is exactly one hour and starts on the hour, so two
#: bookings of the same child overlap exactly when they share an hour start — which a partial unique index
#: on (child, starts_at) can forbid across every facility and service, on SQLite and PostgreSQL alike.
SLOT_MINUTES = 60

WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class CareService(BaseModel):
    """A bookable care service (언제나 어린이집, 야간·휴일 시간제 보육, ...).

    Every rule here is data an official edits.
    """

    class Delivery(models.TextChoices):
        FACILITY = "facility", _("시설 이용")
        HOME_VISIT = "home_visit", _("가정 방문")
        HOSPITAL = "hospital", _("병원·협력시설")

    code = models.SlugField(_("코드"), max_length=60, unique=True)
    name = models.CharField(_("서비스명"), max_length=100)
    description = models.TextField(_("설명"), blank=True)
    delivery = models.CharField(_("제공 방식"), max_length=20, choices=Delivery.choices, default=Delivery.FACILITY)
    age_min_months = models.PositiveIntegerField(_("최소 연령(개월)"), default=0)
    age_max_months = models.PositiveIntegerField(_("최대 연령(개월, 포함)"), default=155)
    #: Hours the service runs: {"mon": [["18:00", "22:00"]], ..., "holiday": [...]}; "24:00" ends a day.
    hours = models.JSONField(_("운영 시간"), default=dict, blank=True)
    hours_label = models.CharField(_("운영 시간 안내"), max_length=200, blank=True)
    advance_days = models.PositiveIntegerField(_("예약 가능 기간(일)"), default=14)
    same_day_cutoff = models.TimeField(_("당일 예약 마감 시각"), null=True, blank=True)
    previous_day_cutoff = models.TimeField(_("야간 돌봄 전날 마감 시각"), null=True, blank=True)
    night_starts = models.TimeField(_("야간 시작"), default="22:00")
    night_ends = models.TimeField(_("야간 종료"), default="06:00")
    max_consecutive_days = models.PositiveIntegerField(_("최대 연속 이용일"), null=True, blank=True)
    min_hours = models.PositiveIntegerField(_("최소 이용 시간"), default=1)
    max_hours = models.PositiveIntegerField(_("최대 이용 시간"), null=True, blank=True)
    hourly_fee = models.PositiveIntegerField(_("시간당 이용료(원)"), default=0)
    night_surcharge_pct = models.PositiveIntegerField(_("야간 할증(%)"), default=0)
    holiday_surcharge_pct = models.PositiveIntegerField(_("휴일 할증(%)"), default=0)
    #: Who pays nothing, e.g. ["기초생활수급", "한부모"]; checked by the facility against a document.
    fee_exemptions = models.JSONField(_("이용료 면제 대상"), default=list, blank=True)
    cancel_deadline_hours = models.PositiveIntegerField(_("취소 마감(이용 시작 전 시간)"), default=0)
    cancellation_policy = models.TextField(_("취소 규정"), blank=True)
    no_show_limit = models.PositiveIntegerField(_("노쇼 허용 횟수 (0은 제한 없음)"), default=0)
    no_show_window_days = models.PositiveIntegerField(_("노쇼 집계 기간(일)"), default=90)
    requires_approval = models.BooleanField(_("시설 승인 필요"), default=False)
    hold_minutes = models.PositiveIntegerField(_("임시 확보 시간(분)"), default=10)
    offer_minutes = models.PositiveIntegerField(_("대기 순번 제안 유효 시간(분)"), default=30)
    active = models.BooleanField(_("운영 중"), default=True)
    source = models.CharField(_("출처"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("돌봄 서비스")
        verbose_name_plural = _("돌봄 서비스")

    def __str__(self) -> str:
        return self.name


class ServiceParticipation(BaseModel):
    """참여 시군: residents of regions whose code starts with region_prefix may book, between the dates."""

    service = models.ForeignKey(CareService, on_delete=models.CASCADE, related_name="participations")
    region_prefix = models.CharField(_("지역 코드 앞자리"), max_length=10)
    region_name = models.CharField(_("지역명"), max_length=100, blank=True)
    starts_on = models.DateField(_("시작일"), null=True, blank=True)
    ends_on = models.DateField(_("종료일"), null=True, blank=True)

    class Meta:
        ordering = ["service", "region_prefix"]
        verbose_name = _("참여 지역")
        verbose_name_plural = _("참여 지역")
        constraints = [
            models.UniqueConstraint(fields=["service", "region_prefix", "starts_on"], name="participation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service} — {self.region_name or self.region_prefix}"


class FacilityService(BaseModel):
    """A facility offers a service: weekly slot rules (same shape as CareService.hours) and a default capacity."""

    facility = models.ForeignKey("directory.Facility", on_delete=models.CASCADE, related_name="care_services")
    service = models.ForeignKey(CareService, on_delete=models.PROTECT, related_name="facility_services")
    weekly_rules = models.JSONField(_("주간 운영 규칙"), default=dict, blank=True)
    default_capacity = models.PositiveIntegerField(_("기본 정원(시간당)"), default=3)
    active = models.BooleanField(_("운영 중"), default=True)

    class Meta:
        ordering = ["facility", "service"]
        verbose_name = _("시설 제공 서비스")
        verbose_name_plural = _("시설 제공 서비스")
        constraints = [models.UniqueConstraint(fields=["facility", "service"], name="facility_service_unique")]

    def __str__(self) -> str:
        return f"{self.facility} · {self.service}"


class SlotException(BaseModel):
    """A day that departs from the weekly rules: closed (휴원), or run on other hours."""

    facility_service = models.ForeignKey(FacilityService, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("날짜"))
    closed = models.BooleanField(_("휴원"), default=True)
    hours = models.JSONField(_("이 날의 운영 시간"), default=list, blank=True)
    note = models.CharField(_("사유"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("운영 예외일")
        verbose_name_plural = _("운영 예외일")
        constraints = [models.UniqueConstraint(fields=["facility_service", "date"], name="slot_exception_unique")]


class Slot(BaseModel):
    """One bookable hour at a facility for a service, with a capacity staff can change (3 → 6 children)."""

    facility_service = models.ForeignKey(FacilityService, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    capacity = models.PositiveIntegerField(_("정원"))
    closed = models.BooleanField(_("마감"), default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("예약 시간대")
        verbose_name_plural = _("예약 시간대")
        constraints = [
            models.UniqueConstraint(fields=["facility_service", "starts_at"], name="slot_unique_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
        ]
        # (starts_at): the dashboards' daily summaries recompute a day's places offered by start time
        indexes = [models.Index(fields=["facility_service", "starts_at"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.facility_service} {self.starts_at:%Y-%m-%d %H:%M}"


class Hold(BaseModel):
    """임시 확보: places kept for a few minutes while a family confirms. Stops counting once expires_at passes."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="care_holds")
    facility_service = models.ForeignKey(FacilityService, on_delete=models.CASCADE, related_name="holds")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(_("확보 시각"), null=True, blank=True)
    expires_at = models.DateTimeField(_("만료 시각"), db_index=True)
    released = models.BooleanField(_("해제됨"), default=False)
    waitlist_entry = models.ForeignKey(
        "WaitlistEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="offers"
    )

    class Meta:
        verbose_name = _("임시 확보")
        verbose_name_plural = _("임시 확보")


class HoldItem(models.Model):
    """One place held: a slot × a child. expires_at is copied from the hold so counting needs no join."""

    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="items")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="hold_items")
    child = models.ForeignKey("households.Child", on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["slot", "expires_at"])]

    def __str__(self) -> str:
        return f"hold {self.hold_id}: slot {self.slot_id} × child {self.child_id}"


class Booking(BaseModel):
    """예약: one request for one or more children (siblings are booked together or not at all)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("승인 대기")
        CONFIRMED = "confirmed", pgettext_lazy("status", "확정")
        CANCELLED = "cancelled", pgettext_lazy("status", "취소")
        DECLINED = "declined", pgettext_lazy("status", "거절")
        ATTENDED = "attended", _("이용 완료")
        NO_SHOW = "no_show", _("미이용(노쇼)")

    #: Statuses whose places count against capacity.
    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)
    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.CONFIRMED, Status.DECLINED, Status.CANCELLED},
        Status.CONFIRMED: {Status.CANCELLED, Status.ATTENDED, Status.NO_SHOW},
        Status.CANCELLED: set(),
        Status.DECLINED: set(),
        Status.ATTENDED: set(),
        Status.NO_SHOW: set(),
    }

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="care_bookings")
    facility_service = models.ForeignKey(FacilityService, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, db_index=True)
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    fee = models.PositiveIntegerField(_("이용료(원)"), default=0)
    fee_exemption = models.CharField(_("이용료 면제 사유"), max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("메모"), max_length=300, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        # the dashboards' daily summaries recompute days by start time; the figures filter by service and time
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["facility_service", "starts_at"])]
        verbose_name = _("예약")
        verbose_name_plural = _("예약")

    def __str__(self) -> str:
        return f"예약 {self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class BookingChild(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="booking_children")
    child = models.ForeignKey("households.Child", on_delete=models.CASCADE, related_name="care_bookings")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "child"], name="booking_child_unique")]

    def __str__(self) -> str:
        return f"booking {self.booking_id} × child {self.child_id}"


class Occupancy(models.Model):
    """One place taken: a slot × a child of a booking. `active` turns False when the booking is cancelled/declined.

    The partial unique index on (child, starts_at) WHERE active is the last line of defence against booking
    the same child twice in overlapping time, in any facility or service (slots are one hour on the hour grid).
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="occupancies")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="occupancies")
    child = models.ForeignKey("households.Child", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "starts_at"], condition=Q(active=True), name="occupancy_child_no_overlap"
            )
        ]
        # (starts_at): the dashboards' daily summaries recompute a day's places taken by start time
        indexes = [models.Index(fields=["slot", "active"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"booking {self.booking_id}: slot {self.slot_id} × child {self.child_id}"


class WaitlistEntry(BaseModel):
    """대기 신청: when full, a family waits in order; a freed place is offered for a limited time."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("대기 중")
        OFFERED = "offered", _("자리 제안됨")
        BOOKED = "booked", _("예약됨")
        LAPSED = "lapsed", _("제안 만료")
        CANCELLED = "cancelled", _("대기 취소")

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="care_waitlist")
    facility_service = models.ForeignKey(FacilityService, on_delete=models.CASCADE, related_name="waitlist")
    slots = models.ManyToManyField(Slot, related_name="+")
    children = models.ManyToManyField("households.Child", related_name="+")
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.WAITING)
    offer_expires_at = models.DateTimeField(_("제안 만료"), null=True, blank=True)
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("대기 신청")
        verbose_name_plural = _("대기 신청")
