from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dolbom.core.crypto import EncryptedTextField
from dolbom.core.models import BaseModel


class Household(BaseModel):
    """A guardian's household: where the family lives and what it allows. One per citizen account."""

    guardian = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="household")
    home_region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("거주지")
    )
    home_address = models.CharField(_("주소"), max_length=200, blank=True)
    home_lat = models.FloatField(null=True, blank=True)
    home_lng = models.FloatField(null=True, blank=True)
    benefit_alerts = models.BooleanField(_("지원사업 알림 받기"), default=False)

    class Meta:
        verbose_name = _("가구")
        verbose_name_plural = _("가구")

    def __str__(self) -> str:
        return f"{self.guardian} 가구"


class Child(BaseModel):
    """사전 아동등록: a child registered once, before any request, and reused by every later request.

    Either a birth date or, for an expected child, a due date. Health notes, allergies and disability are
    encrypted at rest; staff reads are audited by the selector that serves them.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("이름(또는 태명)"), max_length=50)
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    due_date = models.DateField(_("출산 예정일"), null=True, blank=True)
    health_notes = EncryptedTextField(_("건강 특이사항"), blank=True, default="")
    allergies = EncryptedTextField(_("알레르기"), blank=True, default="")
    disability_notes = EncryptedTextField(_("장애 관련 사항"), blank=True, default="")

    class Meta:
        ordering = ["birth_date", "due_date", "pk"]
        verbose_name = _("아동")
        verbose_name_plural = _("아동")
        constraints = [
            models.CheckConstraint(
                condition=(Q(birth_date__isnull=False) & Q(due_date__isnull=True))
                | (Q(birth_date__isnull=True) & Q(due_date__isnull=False)),
                name="child_birth_xor_due_date",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_expected(self) -> bool:
        return self.birth_date is None


class Consent(BaseModel):
    """동의: a purpose and a recipient, granted at a time and perhaps withdrawn later. History is kept."""

    class Purpose(models.TextChoices):
        SERVICE_SHARING = "service_sharing", _("돌봄 제공기관·돌보미에게 아동 정보 제공")
        BENEFIT_ALERTS = "benefit_alerts", _("지원사업 맞춤 알림")
        COUNSELLING = "counselling", _("상담 기록 보관 및 기관 연계")
        MARKETING = "statistics", _("익명 통계 활용")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("목적"), max_length=32, choices=Purpose.choices)
    recipient = models.CharField(_("제공받는 자"), max_length=120, default="돌봄")
    granted_at = models.DateTimeField(_("동의 시각"))
    withdrawn_at = models.DateTimeField(_("철회 시각"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("동의")
        verbose_name_plural = _("동의")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose", "recipient"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_purpose_recipient",
            )
        ]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
