"""The programme catalogue: every programme a family may receive, from pregnancy to age 12.

Programmes with an encoded rule (`kind=rule`) are answered by the eligibility engine; the 복지로 central
services are information entries (`kind=information`). Where a local programme applies is data
(`ProgrammeRegion`), edited by officials, never code.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dolbom.core.models import BaseModel


class Programme(BaseModel):
    class Kind(models.TextChoices):
        RULE = "rule", _("판정 규칙")
        INFORMATION = "information", _("안내")

    class ProviderLevel(models.TextChoices):
        NATIONAL = "national", _("국가")
        SIDO = "sido", _("시·도")
        SIGUNGU = "sigungu", _("시·군·구")

    class SupportType(models.TextChoices):
        CASH = "cash", _("현금")
        VOUCHER = "voucher", _("바우처")
        SERVICE = "service", _("서비스")
        REDUCTION = "reduction", _("감면")
        INFO = "info", _("정보")

    key = models.SlugField(_("코드"), max_length=64, unique=True)
    name = models.CharField(_("이름"), max_length=200)
    kind = models.CharField(_("종류"), max_length=16, choices=Kind.choices, db_index=True)
    rule = models.CharField(_("판정 규칙"), max_length=64)
    provider_level = models.CharField(_("제공 주체"), max_length=16, choices=ProviderLevel.choices, db_index=True)
    agency = models.CharField(_("담당 기관"), max_length=100, blank=True)
    stages = models.JSONField(_("생애주기"), default=list, blank=True)
    situations = models.JSONField(_("가구 상황"), default=list, blank=True)
    support_type = models.CharField(_("지원 형태"), max_length=16, choices=SupportType.choices)
    summary = models.TextField(_("요약"), blank=True)
    description = models.TextField(_("설명"), blank=True)
    how_to_apply = models.JSONField(_("신청 방법"), default=dict, blank=True)
    contact = models.CharField(_("문의처"), max_length=200, blank=True)
    legal_reference = models.CharField(_("법적 근거"), max_length=300, blank=True)
    source = models.CharField(_("출처"), max_length=300, blank=True)
    checked_on = models.DateField(_("확인일"), null=True, blank=True)
    config = models.JSONField(default=dict, blank=True)
    external_ids = models.JSONField(_("외부 식별자"), default=list, blank=True)
    #: name, summary, agency and tags, lower-cased with spaces removed (Korean has no stemmer to lean on)
    search_text = models.TextField(editable=False, default="")
    #: "|stage:infant|situation:single_parent|" so stage and situation filters work the same on every database
    facets = models.CharField(max_length=400, editable=False, default="", db_index=True)
    sort_order = models.PositiveIntegerField(default=1000)
    is_active = models.BooleanField(_("게시"), default=True, db_index=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("지원사업")
        verbose_name_plural = _("지원사업")

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.provider_level == self.ProviderLevel.NATIONAL


class ProgrammeRegion(BaseModel):
    """A region where a local programme applies, with optional dates. A 시·도 code covers all its 시·군·구."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="regions")
    region_code = models.CharField(_("지역 코드"), max_length=10, db_index=True)
    region_name = models.CharField(_("지역 이름"), max_length=150, blank=True)
    starts_on = models.DateField(_("시작일"), null=True, blank=True)
    ends_on = models.DateField(_("종료일"), null=True, blank=True)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "region_code"]
        verbose_name = _("참여 지역")
        verbose_name_plural = _("참여 지역")
        constraints = [
            models.UniqueConstraint(fields=["programme", "region_code"], name="one_row_per_programme_region"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(starts_on__lte=models.F("ends_on")),
                name="programme_region_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} @ {self.region_name or self.region_code}"


class AlertRun(models.Model):
    """The last day the benefit-alert task covered, so a skipped day is caught up on the next run."""

    ran_for = models.DateField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_for"]

    def __str__(self) -> str:
        return f"{self.ran_for} ({self.sent})"
