"""Operations: what officials and providers run — dated parameter changes and incident reports.

Participating municipalities are the booking app's `ServiceParticipation` and the benefits app's
`ProgrammeRegion`; this app edits them through its services (scoped and audited) and owns no copy.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dolbom.core.models import BaseModel


class ParameterChange(BaseModel):
    """A dated value an official adds to a programme parameter (e.g. a new 부모급여 amount from next January).

    The YAML parameter files stay the base and the rule code the logic; an approved change adds one dated
    value on top, so checks dated before `effective_from` keep the old value.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("승인 대기")
        APPROVED = "approved", pgettext_lazy("status", "승인")
        REJECTED = "rejected", pgettext_lazy("status", "반려")
        WITHDRAWN = "withdrawn", pgettext_lazy("status", "철회")

    programme_key = models.CharField(_("사업 코드"), max_length=64, db_index=True)
    parameter = models.CharField(_("매개변수"), max_length=80)
    #: The new value (a number, or null for "not in force from this date").
    value = models.JSONField(_("새 값"), null=True, blank=True)
    previous_value = models.JSONField(_("이전 값"), null=True, blank=True)
    effective_from = models.DateField(_("시행일"))
    reason = models.CharField(_("사유·근거"), max_length=300)
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("결정 시각"), null=True, blank=True)

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("매개변수 변경")
        verbose_name_plural = _("매개변수 변경")
        indexes = [models.Index(fields=["status", "programme_key"])]

    def __str__(self) -> str:
        return f"{self.programme_key}.{self.parameter} = {self.value} ({self.effective_from})"


class IncidentReport(BaseModel):
    """사고·안전 보고: what happened at a facility, written by its staff instead of a paper form."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("경미")
        MODERATE = "moderate", _("보통")
        SERIOUS = "serious", _("중대")

    facility = models.ForeignKey("directory.Facility", on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField(_("발생 시각"))
    severity = models.CharField(_("정도"), max_length=16, choices=Severity.choices, default=Severity.MINOR)
    summary = models.CharField(_("요약"), max_length=200)
    description = models.TextField(_("경위"), blank=True)
    actions_taken = models.TextField(_("조치 내용"), blank=True)
    guardian_informed = models.BooleanField(_("보호자 안내함"), default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("사고 보고")
        verbose_name_plural = _("사고 보고")

    def __str__(self) -> str:
        return f"{self.facility_id} {self.occurred_at:%Y-%m-%d} {self.summary}"


class BookingRating(BaseModel):
    """A family's rating of a facility booking after use (1–5), the facility side of satisfaction."""

    booking = models.OneToOneField("booking.Booking", on_delete=models.CASCADE, related_name="rating")
    facility = models.ForeignKey("directory.Facility", on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(_("별점"))
    comment = models.TextField(_("의견"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("시설 이용 평가")
        verbose_name_plural = _("시설 이용 평가")
        constraints = [
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="booking_rating_stars")
        ]


# ---------------------------------------------------------------- daily summaries for the dashboards
#
# Recomputed from the source records by `summaries.py` (whole days at a time, never incremented), so a summary
# row always equals what the records say for its day once its day has been refreshed. 시·군·구 is the first five
# code digits of the facility's (bookings) or the request's (home visits) region; `service_key` is the care
# service code, or "visit:<service>" for home visits.


class DailyServiceSummary(models.Model):
    """One day × service × 시·군·구: requests by outcome, child-uses, child-hours, ratings and waiting times."""

    day = models.DateField()
    service_key = models.CharField(max_length=80)
    sgg = models.CharField(max_length=5)
    requests = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    uses = models.PositiveIntegerField(default=0)
    child_seconds = models.BigIntegerField(default=0)
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)
    #: decided bookings (request → facility decision) or accepted visits (request → caregiver's acceptance)
    wait_count = models.PositiveIntegerField(default=0)
    wait_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "service_key", "sgg"], name="daily_service_summary_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_key} {self.sgg}"


class DailyFillSummary(models.Model):
    """One day × 시·군·구: places offered by open slots and places taken (active occupancies) for each local hour
    (lists of 24 numbers, hour 0 first: one row a day rather than one an hour keeps a province's year small)."""

    day = models.DateField()
    sgg = models.CharField(max_length=5)
    offered = models.JSONField(default=list)
    taken = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "sgg"], name="daily_fill_summary_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.sgg}"


class DailyChildUse(models.Model):
    """A child served on a day by a service in a 시·군·구 (once however many times): unique children over any
    period are counted distinct from these rows, since daily counts cannot be summed."""

    day = models.DateField()
    service_key = models.CharField(max_length=80)
    sgg = models.CharField(max_length=5)
    child_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "service_key", "sgg", "child_id"], name="daily_child_use_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_key} {self.sgg} {self.child_id}"


class YearlyChildUse(models.Model):
    """A child served by a service in a 시·군·구 during a year, with the months of that year it was served in (bit
    m-1 for month m). Unique children over whole months are counted from these rows (one per child and group, not
    one per day); the days of a period's partial months at its edges come from `DailyChildUse`."""

    year = models.PositiveSmallIntegerField()
    service_key = models.CharField(max_length=80)
    sgg = models.CharField(max_length=5)
    child_id = models.BigIntegerField()
    months = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "sgg", "service_key", "child_id"], name="yearly_child_use_unique")
        ]
        indexes = [models.Index(fields=["child_id", "year"], name="yearly_child_use_child")]

    def __str__(self) -> str:
        return f"{self.year} {self.service_key} {self.sgg} {self.child_id} {self.months:012b}"


class YearlyChildReach(models.Model):
    """A child served by any service in a 시·도 (first two code digits of the 시·군·구) during a year, with its months
    (as in `YearlyChildUse`): a province's unique children over whole months is a count of rows."""

    year = models.PositiveSmallIntegerField()
    sido = models.CharField(max_length=2)
    child_id = models.BigIntegerField()
    months = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "sido", "child_id"], name="yearly_child_reach_unique")]
        indexes = [models.Index(fields=["child_id", "year"], name="yearly_child_reach_child")]

    def __str__(self) -> str:
        return f"{self.year} {self.sido} {self.child_id} {self.months:012b}"


class SummaryState(models.Model):
    """The summaries' bookkeeping (one row): high-water marks of the records seen, and a version for caches."""

    version = models.PositiveBigIntegerField(default=0)
    #: [{"at": iso time, "auditentry": max id, "booking": max id, ...}] — recent marks, oldest first
    marks = models.JSONField(default=list)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"summaries v{self.version}"


class SummaryDirtyDay(models.Model):
    """A day whose records were deleted (a household erasing its data): recomputed at the next refresh."""

    day = models.DateField(unique=True)

    def __str__(self) -> str:
        return str(self.day)
