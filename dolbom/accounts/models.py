import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dolbom.core.models import BaseModel


class Role(models.TextChoices):
    CITIZEN = "citizen", _("보호자")
    COORDINATOR = "coordinator", _("돌봄코디네이터")
    PROVIDER = "provider", _("시설 담당자")
    CAREGIVER = "caregiver", _("돌보미")
    CITY_OFFICIAL = "city_official", _("시·군·구 담당자")
    PROVINCE_OFFICIAL = "province_official", _("시·도 담당자")
    ADMIN = "admin", _("관리자")


REGION_SCOPED_ROLES = {Role.COORDINATOR, Role.CITY_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.CAREGIVER}


class User(AbstractUser):
    """A person who signs in. Staff accounts carry their scope: a facility or a region.

    No 주민등록번호 is ever stored; 본인인증 leaves only the time it succeeded and a hash of the
    provider's connecting information (CI), which lets us spot duplicate accounts without identifying anyone.
    """

    email = models.EmailField(_("이메일"), blank=True, null=True, unique=True)  # type: ignore[assignment]
    phone = models.CharField(_("휴대전화"), max_length=20, blank=True, null=True, unique=True)
    role = models.CharField(_("역할"), max_length=24, choices=Role.choices, default=Role.CITIZEN, db_index=True)
    scope_region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("담당 지역")
    )
    facility = models.ForeignKey(
        "directory.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("소속 시설"),
    )
    identity_verified_at = models.DateTimeField(_("본인인증 시각"), null=True, blank=True)
    identity_ci_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="provider") | Q(facility__isnull=False), name="provider_has_facility"
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["coordinator", "city_official", "province_official"])
                | Q(scope_region__isnull=False),
                name="regional_staff_has_region",
            ),
        ]

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.first_name or self.username


class ApiToken(BaseModel):
    """Bearer token for API clients. Only a SHA-256 of the token is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    TOKEN_LIFETIME = timedelta(days=30)

    class Meta:
        verbose_name = _("API 토큰")
        verbose_name_plural = _("API 토큰")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str = "") -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, key_hash=cls.hash_key(key), name=name, expires_at=timezone.now() + cls.TOKEN_LIFETIME
        )
        return token, key


class IdentityVerification(BaseModel):
    """One 본인인증 attempt. Holds the provider's transaction id, never the person's registration number."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=20)
    transaction_id = models.CharField(max_length=64, unique=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
