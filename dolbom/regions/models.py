from django.db import models
from django.utils.translation import gettext_lazy as _

from dolbom.core.models import BaseModel


class Region(BaseModel):
    """An administrative unit: 시도, 시군구 or 읍면동, keyed by its 10-digit code.

    시도 and 시군구 are keyed by their 법정동 code (the 행정 code agrees at those levels, except for
    units the 법정동 file does not list yet, such as the 2026 화성시 구, which come from the 행정 file).
    읍면동 exist twice over in Korea (법정동 for addresses, 행정동 for population); `code_system` says which.
    """

    class Level(models.TextChoices):
        SIDO = "sido", _("시도")
        SIGUNGU = "sigungu", _("시군구")
        EUPMYEONDONG = "emd", _("읍면동")

    class CodeSystem(models.TextChoices):
        LEGAL = "legal", _("법정동")
        ADMIN = "admin", _("행정동")

    code = models.CharField(_("코드"), max_length=10, unique=True)
    code_system = models.CharField(max_length=8, choices=CodeSystem.choices, default=CodeSystem.LEGAL)
    level = models.CharField(_("단계"), max_length=8, choices=Level.choices, db_index=True)
    name = models.CharField(_("이름"), max_length=60, db_index=True)
    full_name = models.CharField(_("전체 이름"), max_length=150, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    sido_code = models.CharField(max_length=2, db_index=True)
    sgg_code = models.CharField(max_length=5, db_index=True, blank=True)
    is_active = models.BooleanField(_("현존"), default=True, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("행정구역")
        verbose_name_plural = _("행정구역")

    def __str__(self) -> str:
        return self.full_name
