from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class FacilityQuery(Schema):
    lat: float | None = Field(default=None, ge=33.0, le=39.0, description="위도 (WGS84, 대한민국 범위)")
    lng: float | None = Field(default=None, ge=124.0, le=132.0, description="경도 (WGS84, 대한민국 범위)")
    radius_m: int | None = Field(default=None, ge=1, le=300_000, description="반경(m). 없으면 가까운 순 N곳")
    region: str | None = Field(default=None, max_length=40, description="지역 코드(2·5·10자리) 또는 이름")
    place: str | None = Field(default=None, max_length=100, description="주소나 읍·면·동 이름 (그 중심에서 검색)")
    near_home: bool = Field(default=False, description="로그인한 보호자의 등록된 집 주변")
    types: str | None = Field(default=None, max_length=400, description="시설 유형 코드, 쉼표로 구분")
    age_months: int | None = Field(default=None, ge=0, le=240, description="아동 월령")
    open_at: datetime | None = Field(default=None, description="이 시각에 운영 중인 곳만 (ISO 8601, 공휴일 반영)")
    vacancy: bool = Field(default=False, description="빈자리가 있는 곳만 (현원 < 정원)")
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000)


class TypeOut(Schema):
    code: str
    name: str
    category: str


class RegionRef(Schema):
    code: str
    full_name: str


class FacilityItem(Schema):
    id: int
    name: str
    type: TypeOut | None
    status: str
    status_label: str
    region: RegionRef | None
    address: str
    lat: float | None
    lng: float | None
    coord_quality: str
    distance_m: float | None = Field(description="검색 지점에서의 거리(m)")
    open_at: bool | None = Field(description="open_at 시각에 운영 중인지 (open_at이 없으면 null)")
    min_age_months: int | None
    max_age_months: int | None
    capacity: int | None
    enrolment: int | None
    vacancy: bool | None
    phone: str
    services: list[str]
    service_labels: list[str]


class FacilityPage(Schema):
    count: int
    limit: int
    offset: int
    origin: dict[str, Any] | None = Field(description="검색 기준 지점 (lat, lng, label)")
    items: list[FacilityItem]


class HoursRule(Schema):
    kind: str
    weekdays: list[int]
    opens: str
    closes: str


class SourceOut(Schema):
    name: str
    format: str
    file: str
    date: date | None
    licence: str


class FacilityDetail(FacilityItem):
    postcode: str
    fax: str
    homepage: str
    ages_basis: str
    hours: list[HoursRule]
    hours_assumed: bool
    fees: dict[str, Any]
    extra: dict[str, Any]
    approved_on: date | None
    suspended_from: date | None
    suspended_until: date | None
    closed_on: date | None
    source: SourceOut
    sources: list[SourceOut] = Field(default=[], description="이 시설이 실린 모든 공공데이터 (첫째가 표시되는 자료)")
    updated_at: datetime


class GeoQuery(Schema):
    bbox: str = Field(max_length=100, description="서,남,동,북 (경도,위도,경도,위도)")
    types: str | None = Field(default=None, max_length=400)
    age_months: int | None = Field(default=None, ge=0, le=240)
    open_at: datetime | None = None
    vacancy: bool = False
    limit: int = Field(default=5000, ge=1, le=20_000)


class FacilityUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(default=None, max_length=40)
    homepage: str | None = Field(default=None, max_length=300)
    capacity: int | None = Field(default=None, ge=0, le=10_000)
    enrolment: int | None = Field(default=None, ge=0, le=10_000)
    hours: list[HoursRule] | None = Field(default=None, max_length=50)
