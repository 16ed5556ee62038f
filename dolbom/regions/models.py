from django.db import models
from django.utils.translation import gettext_lazy as _

from dolbom.core.models import BaseModel


class Region(BaseModel):
    """An administrative unit: 시도, 시군구 or 읍면동, keyed by its 10-digit code.

    시도 and 시군구 are keyed by their 법정동 code (the 행정 code agrees at those levels, except for
    units the 법정동 file does not list yet, such as the 2026 화성시 구, which come from the 행정 file).
    읍면동 exist twice over in Korea (법정동 for addresses, 행정동 for population); `code_system` says which.
    Abolished units (폐지) are kept inactive for history; `successor` points at the unit that replaced them
    where that is known (강원도 42 → 강원특별자치도 51, 전라북도 45 → 전북특별자치도 52, ...).
    A composite unit (전남광주통합특별시) has no code space of its own: `covers` lists the 시도 codes it spans.
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
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name=_("승계 구역"),
    )
    covers = models.CharField(
        _("포함 시도 코드"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("통합 구역이 포함하는 시도 코드 (쉼표 구분)"),
    )

    class Meta:
        ordering = ["code"]
        # The shared resolver checks MAX(updated_at) on every use to notice changes: keep that an index lookup.
        indexes = [models.Index(fields=["updated_at"], name="region_updated_at_idx")]
        verbose_name = _("행정구역")
        verbose_name_plural = _("행정구역")

    def __str__(self) -> str:
        return self.full_name

    @property
    def covered_sido_codes(self) -> list[str]:
        return [c for c in self.covers.split(",") if c]


class RegionAlias(BaseModel):
    """Another name for a current unit: a former name (강원도), a short name (서울, 경기) or a merged name."""

    class Kind(models.TextChoices):
        FORMER = "former", _("옛 이름")
        SHORT = "short", _("줄임말")
        MERGED = "merged", _("통합 명칭")

    name = models.CharField(_("이름"), max_length=60)
    key = models.CharField(max_length=60, db_index=True, help_text="name without whitespace")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=8, choices=Kind.choices)

    class Meta:
        ordering = ["key"]
        verbose_name = _("행정구역 별칭")
        verbose_name_plural = _("행정구역 별칭")
        constraints = [models.UniqueConstraint(fields=["key", "region"], name="region_alias_key_region_uniq")]

    def __str__(self) -> str:
        return f"{self.name} → {self.region.full_name}"


class RegionPopulation(BaseModel):
    """주민등록 인구 (resident registration) of one unit for one month: total and children aged 0–5."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="populations")
    as_of = models.DateField(_("기준월"))
    total = models.PositiveIntegerField(_("총인구"))
    age_0 = models.PositiveIntegerField(_("0세"))
    age_1 = models.PositiveIntegerField(_("1세"))
    age_2 = models.PositiveIntegerField(_("2세"))
    age_3 = models.PositiveIntegerField(_("3세"))
    age_4 = models.PositiveIntegerField(_("4세"))
    age_5 = models.PositiveIntegerField(_("5세"))

    class Meta:
        ordering = ["region_id", "-as_of"]
        verbose_name = _("행정구역 인구")
        verbose_name_plural = _("행정구역 인구")
        constraints = [models.UniqueConstraint(fields=["region", "as_of"], name="region_population_month_uniq")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.as_of:%Y-%m}"

    @property
    def total_0to5(self) -> int:
        return self.age_0 + self.age_1 + self.age_2 + self.age_3 + self.age_4 + self.age_5
