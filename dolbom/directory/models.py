from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dolbom.core.models import BaseModel


class FacilityType(BaseModel):
    """A kind of care facility. Data, not code: a new kind is a new row (or a line in the seed migration).

    `aliases` are the spellings the public files use for this type (`국공립`, `법인?단체등`, `융합형키움센터`);
    the importers match a type through them after normalising spaces and middle dots.
    """

    class Category(models.TextChoices):
        CHILDCARE = "childcare", _("어린이집")
        AFTER_SCHOOL = "after_school", _("초등돌봄")
        PARENTING = "parenting", _("공동육아·육아지원")

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=60)
    category = models.CharField(_("분류"), max_length=20, choices=Category.choices)
    aliases = models.JSONField(_("다른 표기"), default=list, blank=True)
    default_min_age_months = models.PositiveSmallIntegerField(_("기본 최소 월령"), default=0)
    default_max_age_months = models.PositiveSmallIntegerField(_("기본 최대 월령"), default=71)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("시설 유형")
        verbose_name_plural = _("시설 유형")

    def __str__(self) -> str:
        return self.name


class Facility(BaseModel):
    """A place where care is given (어린이집, 지역아동센터, 키움센터, ...).

    Closed (폐지) and suspended (휴지) facilities stay for history and statistics; `LISTED_STATUSES`
    are the only ones citizens see on the map or can book.
    """

    class Status(models.TextChoices):
        NORMAL = "normal", _("정상")
        SUSPENDED = "suspended", _("휴지")
        RESUMED = "resumed", _("재개")
        CLOSED = "closed", _("폐지")
        UNKNOWN = "unknown", _("미상")

    class CoordQuality(models.TextChoices):
        SOURCE = "source", _("원자료 좌표")
        CENTROID = "centroid", _("행정구역 중심점")
        MISSING = "missing", _("좌표 없음")

    class CoordProblem(models.TextChoices):
        NONE = "", _("없음")
        MISSING = "missing", _("원자료에 좌표 없음")
        PLACEHOLDER = "placeholder", _("원자료 좌표가 임시값(시청 등)")
        OUT_OF_RANGE = "out_of_range", _("원자료 좌표가 국내 범위 밖")

    name = models.CharField(_("시설명"), max_length=200, db_index=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    type = models.ForeignKey(
        FacilityType, null=True, blank=True, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("유형")
    )
    status = models.CharField(
        _("운영현황"), max_length=12, choices=Status.choices, default=Status.NORMAL, db_index=True
    )
    approved_on = models.DateField(_("인가일자"), null=True, blank=True)
    suspended_from = models.DateField(_("휴지 시작일"), null=True, blank=True)
    suspended_until = models.DateField(_("휴지 종료일"), null=True, blank=True)
    closed_on = models.DateField(_("폐지일자"), null=True, blank=True)

    postcode = models.CharField(_("우편번호"), max_length=10, blank=True)
    address = models.CharField(_("주소"), max_length=300, blank=True)
    lat = models.FloatField(_("위도"), null=True, blank=True)
    lng = models.FloatField(_("경도"), null=True, blank=True)
    coord_quality = models.CharField(
        _("좌표 품질"), max_length=10, choices=CoordQuality.choices, default=CoordQuality.MISSING
    )
    coord_problem = models.CharField(
        _("좌표 문제"), max_length=14, choices=CoordProblem.choices, default=CoordProblem.NONE, blank=True
    )
    phone = models.CharField(_("전화번호"), max_length=40, blank=True)
    fax = models.CharField(_("팩스"), max_length=40, blank=True)
    homepage = models.CharField(_("홈페이지"), max_length=300, blank=True)

    min_age_months = models.PositiveSmallIntegerField(_("최소 월령"), null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(_("최대 월령"), null=True, blank=True)
    ages_basis = models.CharField(_("연령 근거"), max_length=20, blank=True)  # "classes", "source", "type_default"
    capacity = models.PositiveIntegerField(_("정원"), null=True, blank=True)
    enrolment = models.PositiveIntegerField(_("현원"), null=True, blank=True)

    # Weekly rules: [{"kind": "regular"|"vacation"|"holiday", "weekdays": [0..6], "opens": "07:30",
    # "closes": "19:30"}]; see dolbom.directory.hours. `hours_assumed` marks the 기본 운영시간(추정).
    hours = models.JSONField(_("운영시간"), default=list, blank=True)
    hours_assumed = models.BooleanField(_("운영시간 추정"), default=False)
    services = models.JSONField(_("제공서비스"), default=list, blank=True)
    fees = models.JSONField(_("이용료"), default=dict, blank=True)
    extra = models.JSONField(_("기타 정보"), default=dict, blank=True)

    source_format = models.CharField(_("원자료 형식"), max_length=40, blank=True)
    source_key = models.CharField(_("원자료 식별자"), max_length=120, blank=True)
    source_name = models.CharField(_("출처"), max_length=200, blank=True)
    source_file = models.CharField(_("원자료 파일"), max_length=200, blank=True)
    source_date = models.DateField(_("데이터 기준일"), null=True, blank=True)
    source_record = models.JSONField(_("원자료 행"), default=dict, blank=True)

    LISTED_STATUSES = (Status.NORMAL, Status.RESUMED)

    class Meta:
        ordering = ["name"]
        verbose_name = _("돌봄시설")
        verbose_name_plural = _("돌봄시설")
        indexes = [
            models.Index(fields=["lat", "lng"], name="facility_latlng"),
            models.Index(fields=["status", "lat", "lng"], name="facility_status_latlng"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_format", "source_key"], condition=~Q(source_key=""), name="facility_source_identity"
            ),
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(min_age_months__lte=models.F("max_age_months")),
                name="facility_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.status in self.LISTED_STATUSES

    @property
    def has_vacancy(self) -> bool | None:
        if self.capacity is None or self.enrolment is None:
            return None
        return self.enrolment < self.capacity


class FacilitySource(BaseModel):
    """A public file a facility appears in. One facility can come from several sources (an 어린이집 in the
    Seoul standard file and in the 어린이집정보공개포털 export is one facility with two rows here).

    The facility's own `source_*` fields name its primary source, whose values it shows; the others fill
    what the primary leaves empty. `record` keeps the raw row of a non-primary source (the primary's row is
    `Facility.source_record`).
    """

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="sources")
    format = models.CharField(_("원자료 형식"), max_length=40)
    key = models.CharField(_("원자료 식별자"), max_length=120)
    name = models.CharField(_("출처"), max_length=200, blank=True)
    file = models.CharField(_("원자료 파일"), max_length=200, blank=True)
    date = models.DateField(_("데이터 기준일"), null=True, blank=True)
    record = models.JSONField(_("원자료 행"), default=dict, blank=True)

    class Meta:
        ordering = ["facility_id", "created_at", "id"]
        verbose_name = _("시설 출처")
        verbose_name_plural = _("시설 출처")
        constraints = [models.UniqueConstraint(fields=["format", "key"], name="facility_source_format_key")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.format}:{self.key}"


class OpeningInterval(models.Model):
    """`Facility.hours` flattened for the "open at" filter in SQL (see hours.opening_intervals).

    day_key: 0–6 term-time weekday, 7 public holiday, 8–14 school-vacation weekday; minutes since
    midnight, closes exclusive. Derived data: rewritten whenever the hours change (facility_hours_sync).
    """

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="intervals")
    day_key = models.PositiveSmallIntegerField()
    opens_min = models.PositiveSmallIntegerField()
    closes_min = models.PositiveSmallIntegerField()
    # Copied from the facility so a nearest-open search filters on one covering index (day_key, lat, lng,
    # times, ages, facility) and reaches the facility row only for real candidates. Only listed
    # facilities have rows.
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    min_age_months = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["facility", "day_key", "opens_min"], name="interval_facility_day"),
            models.Index(
                fields=[
                    "day_key",
                    "lat",
                    "lng",
                    "opens_min",
                    "closes_min",
                    "min_age_months",
                    "max_age_months",
                    "facility",
                ],
                name="interval_day_point",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(opens_min__lt=models.F("closes_min")), name="interval_order"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.day_key} {self.opens_min}-{self.closes_min}"


class ImportRun(BaseModel):
    """One run of import_facilities: what file, which format, what happened row by row."""

    file_name = models.CharField(_("파일"), max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField(_("형식"), max_length=40)
    rows = models.PositiveIntegerField(default=0)
    counts: Any = models.JSONField(_("결과별 건수"), default=dict)
    problems: Any = models.JSONField(_("문제 행"), default=dict)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("시설 가져오기")
        verbose_name_plural = _("시설 가져오기")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format})"


class FacilityChange(BaseModel):
    """What an import changed on a facility: {field: [before, after]}."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="changes")
    import_run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("시설 변경 기록")
        verbose_name_plural = _("시설 변경 기록")

    def __str__(self) -> str:
        return f"{self.facility_id}: {', '.join(self.changes)}"
