"""Open Referral HSDS 3.0 view of the directory, under /api/hsds/.

Each facility is an organization (its operator), a service (the care it gives), a location (where) and
the service_at_location linking them. Identifiers are UUIDs that encode the facility id, so they are
stable across exports and resolve back without a lookup table. Extensions (allowed by HSDS) carry what
Korean families need and HSDS lacks: ages in months, capacity (정원), enrolment (현원) and vacancy.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from dolbom.core.errors import ApplicationError, NotFound
from dolbom.core.validation import describe_validation_errors

from . import hours as H
from .importers.formats import SERVICE_LABELS
from .models import Facility

HSDS_VERSION = "3.0"
LICENCE = "공공누리 제1유형 (출처표시)"
KINDS = {
    "organization": 1,
    "service": 2,
    "location": 3,
    "service_at_location": 4,
    "schedule": 5,
    "phone": 6,
    "address": 7,
}
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SERVICE_STATUS = {
    Facility.Status.NORMAL: "active",
    Facility.Status.RESUMED: "active",
    Facility.Status.SUSPENDED: "temporarily closed",
    Facility.Status.CLOSED: "defunct",
    Facility.Status.UNKNOWN: "inactive",
}


def hsds_id(kind: str, pk: int, n: int = 0) -> str:
    return str(uuid.UUID(f"d01b{KINDS[kind]:02x}{n:02x}-0000-4000-8000-{pk:012x}"))


def facility_pk_from(kind: str, value: str) -> int:
    try:
        parsed = uuid.UUID(value)
    except ValueError as exc:
        raise NotFound() from exc
    text = str(parsed)
    if not text.startswith(f"d01b{KINDS[kind]:02x}"):
        raise NotFound()
    return int(text[-12:], 16)


def _phones(kind: str, f: Facility) -> list[dict[str, Any]]:
    if not f.phone:
        return []
    owner = {"organization": "organization_id", "service": "service_id", "location": "location_id"}[kind]
    return [{"id": hsds_id("phone", f.pk, KINDS[kind]), owner: hsds_id(kind, f.pk), "number": f.phone, "type": "voice"}]


def _schedules(f: Facility) -> list[dict[str, Any]]:
    """Weekly rules as iCal-style schedules in Korea time (UTC+9). HSDS has no holiday calendar: holiday
    rules become a schedule over every day whose notes say it applies on public holidays only."""
    out = []
    for i, rule in enumerate(f.hours):
        kind = rule["kind"]
        closes = rule["closes"] if rule["closes"] != "24:00" else "23:59"
        days = range(7) if kind == H.HOLIDAY else rule["weekdays"]
        prefix = "기본 운영시간(추정). " if f.hours_assumed else ""
        label = {H.REGULAR: "", H.VACATION: "방학 중 ", H.HOLIDAY: "공휴일 "}[kind]
        item = {
            "id": hsds_id("schedule", f.pk, i),
            "service_id": hsds_id("service", f.pk),
            "freq": "WEEKLY",
            "byday": ",".join(RRULE_DAYS[d] for d in days),
            "opens_at": f"{rule['opens']}+09:00",
            "closes_at": f"{closes}+09:00",
            "timezone": 9,
            "description": f"{prefix}{label}{rule['opens']}–{rule['closes']}",
        }
        if kind == H.HOLIDAY:
            item["notes"] = "대한민국 공휴일에만 적용됩니다."
        elif kind == H.VACATION:
            item["notes"] = "학교 방학 기간에만 적용됩니다."
        out.append(item)
    return out


def _years(months: int | None) -> float | None:
    return None if months is None else round(months / 12, 2)


def organization_doc(f: Facility) -> dict[str, Any]:
    type_name = f.type.name if f.type else "돌봄시설"
    region = f.region.full_name if f.region else ""
    return {
        "id": hsds_id("organization", f.pk),
        "name": f.name,
        "description": f"{region} {type_name}".strip(),
        "website": f.homepage or None,
        "phones": _phones("organization", f),
    }


def service_doc(f: Facility) -> dict[str, Any]:
    ages = ""
    if f.min_age_months is not None and f.max_age_months is not None:
        ages = f"월령 {f.min_age_months}–{f.max_age_months}개월"
    fees = f.fees or {}
    fee_text = ", ".join(f"{k}: {v}" for k, v in fees.items())
    return {
        "id": hsds_id("service", f.pk),
        "organization_id": hsds_id("organization", f.pk),
        "name": f.name,
        "description": " · ".join(
            x for x in [f.type.name if f.type else "", ", ".join(SERVICE_LABELS.get(s, s) for s in f.services)] if x
        ),
        "url": f.homepage or None,
        "status": SERVICE_STATUS.get(Facility.Status(f.status), "inactive"),
        "eligibility_description": ages or None,
        "minimum_age": _years(f.min_age_months),
        "maximum_age": _years(f.max_age_months),
        "fees_description": fee_text or None,
        "assured_date": f.source_date.isoformat() if f.source_date else None,
        "phones": _phones("service", f),
        "schedules": _schedules(f),
        "attributes": [],
        "x_min_age_months": f.min_age_months,
        "x_max_age_months": f.max_age_months,
        "x_capacity": f.capacity,
        "x_enrolment": f.enrolment,
        "x_vacancy": f.has_vacancy,
        "x_services": list(f.services),
        "x_source": {
            "name": f.source_name,
            "date": f.source_date.isoformat() if f.source_date else None,
            "licence": LICENCE,
        },
    }


def location_doc(f: Facility) -> dict[str, Any]:
    region = f.region
    sido = region.full_name.split(" ")[0] if region else ""
    city = " ".join(region.full_name.split(" ")[1:]) if region else ""
    addresses = []
    if f.address:
        addresses.append(
            {
                "id": hsds_id("address", f.pk),
                "location_id": hsds_id("location", f.pk),
                "address_1": f.address,
                "city": city or sido,
                "region": city or None,
                "state_province": sido,
                "postal_code": f.postcode or "",
                "country": "KR",
                "address_type": "physical",
            }
        )
    return {
        "id": hsds_id("location", f.pk),
        "location_type": "physical",
        "organization_id": hsds_id("organization", f.pk),
        "name": f.name,
        "latitude": f.lat,
        "longitude": f.lng,
        "external_identifier": f.source_key or None,
        "external_identifier_type": f.source_format or None,
        "addresses": addresses,
        "phones": _phones("location", f),
        "x_coordinate_quality": f.coord_quality,
    }


def service_at_location_doc(f: Facility) -> dict[str, Any]:
    return {
        "id": hsds_id("service_at_location", f.pk),
        "service_id": hsds_id("service", f.pk),
        "location_id": hsds_id("location", f.pk),
        "description": f"{f.name} ({f.address})" if f.address else f.name,
    }


def _drop_nulls(value: Any) -> Any:
    """HSDS types optional fields as plain strings/numbers: an unknown value is left out, never null."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


BUILDERS = {
    "organization": lambda f: _drop_nulls(organization_doc(f)),
    "service": lambda f: _drop_nulls(service_doc(f)),
    "location": lambda f: _drop_nulls(location_doc(f)),
    "service_at_location": lambda f: _drop_nulls(service_at_location_doc(f)),
}


def hsds_queryset(*, modified_after: dt.datetime | None = None) -> QuerySet[Facility]:
    qs = Facility.objects.select_related("type", "region").order_by("pk")
    if modified_after is not None:
        qs = qs.filter(updated_at__gt=modified_after)
    return qs


def hsds_page(*, kind: str, page: int, per_page: int, modified_after: dt.datetime | None) -> dict[str, Any]:
    qs = hsds_queryset(modified_after=modified_after)
    total = qs.count()
    total_pages = max(1, -(-total // per_page))
    rows = list(qs[(page - 1) * per_page : page * per_page])
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(rows),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not rows,
        "contents": [BUILDERS[kind](f) for f in rows],
    }


def hsds_one(*, kind: str, value: str) -> dict[str, Any]:
    pk = facility_pk_from(kind, value)
    facility = hsds_queryset().filter(pk=pk).first()
    if facility is None:
        raise NotFound()
    return BUILDERS[kind](facility)


# ------------------------------------------------------------------------------------------------ API

hsds_api = NinjaAPI(
    title="돌봄 — Open Referral HSDS 3.0",
    version=HSDS_VERSION,
    description="돌봄시설을 Open Referral Human Services Data Specification 3.0 형식으로 공개합니다. "
    "확장 필드(x_): 월령(x_min_age_months, x_max_age_months), 정원(x_capacity), 현원(x_enrolment), "
    f"빈자리(x_vacancy). 출처는 각 서비스의 x_source에 있으며 {LICENCE}로 이용할 수 있습니다.",
    urls_namespace="api-hsds",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str, detail: Any = None) -> HttpResponse:
    return hsds_api.create_response(request, {"code": code, "message": message, "detail": detail or {}}, status=status)


@hsds_api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.detail)


@hsds_api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    message, fields = describe_validation_errors(exc.errors)
    return _error(request, 422, "invalid_input", message, {"fields": fields})


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=500)
    modified_after: dt.datetime | None = Field(default=None, description="이 시각 이후 바뀐 것만 (ISO 8601)")


class Phone(Schema):
    id: str
    number: str
    type: str | None = None
    organization_id: str | None = None
    service_id: str | None = None
    location_id: str | None = None


class Schedule(Schema):
    id: str
    service_id: str | None = None
    freq: str = Field(description="WEEKLY")
    byday: str = Field(description="MO,TU,WE,TH,FR …")
    opens_at: str
    closes_at: str
    timezone: float = Field(description="UTC 오프셋 (대한민국 9)")
    description: str | None = None
    notes: str | None = Field(default=None, description="공휴일·방학에만 적용되는 일정이면 그 설명")


class Address(Schema):
    id: str
    location_id: str
    address_1: str
    city: str
    region: str | None = None
    state_province: str
    postal_code: str
    country: str
    address_type: str


class SourceInfo(Schema):
    name: str
    date: str | None = None
    licence: str


class Organization(Schema):
    id: str
    name: str
    description: str
    website: str | None = None
    phones: list[Phone] = []


class Service(Schema):
    id: str
    organization_id: str
    name: str
    description: str
    url: str | None = None
    status: str = Field(description="active · inactive · defunct(폐지) · temporarily closed(휴지)")
    eligibility_description: str | None = None
    minimum_age: float | None = Field(default=None, description="세(년)")
    maximum_age: float | None = None
    fees_description: str | None = None
    assured_date: str | None = None
    phones: list[Phone] = []
    schedules: list[Schedule] = []
    attributes: list[dict[str, Any]] = []
    x_min_age_months: int | None = Field(default=None, description="확장: 최소 월령")
    x_max_age_months: int | None = Field(default=None, description="확장: 최대 월령")
    x_capacity: int | None = Field(default=None, description="확장: 정원")
    x_enrolment: int | None = Field(default=None, description="확장: 현원")
    x_vacancy: bool | None = Field(default=None, description="확장: 빈자리 (현원 < 정원)")
    x_services: list[str] = Field(default=[], description="확장: 제공서비스 코드 (night, 24h, holiday, …)")
    x_source: SourceInfo | None = Field(default=None, description="확장: 원자료 출처와 기준일")


class Location(Schema):
    id: str
    location_type: str
    organization_id: str
    name: str
    latitude: float | None = None
    longitude: float | None = None
    external_identifier: str | None = None
    external_identifier_type: str | None = None
    addresses: list[Address] = []
    phones: list[Phone] = []
    x_coordinate_quality: str | None = Field(default=None, description="확장: source · centroid · missing")


class ServiceAtLocation(Schema):
    id: str
    service_id: str
    location_id: str
    description: str | None = None


class _PageBase(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool


class ServicePage(_PageBase):
    contents: list[Service]


class OrganizationPage(_PageBase):
    contents: list[Organization]


class LocationPage(_PageBase):
    contents: list[Location]


class ServiceAtLocationPage(_PageBase):
    contents: list[ServiceAtLocation]


@hsds_api.get("/", auth=None, summary="HSDS API 정보")
def index(request: HttpRequest) -> dict:
    return {
        "version": HSDS_VERSION,
        "profile": "https://openreferral.org/hsds/3.0",
        "openapi_url": request.build_absolute_uri("openapi.json"),
        "licence": LICENCE,
    }


def _register(kind: str, plural: str, item: type[Schema], page: type[Schema]) -> None:
    def list_view(request: HttpRequest, query: Query[PageQuery]) -> dict:
        return hsds_page(kind=kind, page=query.page, per_page=query.per_page, modified_after=query.modified_after)

    def one_view(request: HttpRequest, item_id: str) -> dict:
        return hsds_one(kind=kind, value=item_id)

    list_view.__name__ = f"list_{plural}"
    one_view.__name__ = f"get_{kind}"
    # exclude_none: HSDS types optional fields as plain strings and numbers, so unknowns are left out.
    hsds_api.get(
        f"/{plural}", response=page, auth=None, exclude_none=True, summary=f"{plural} (페이지)", tags=["HSDS"]
    )(list_view)
    hsds_api.get(
        f"/{plural}/{{item_id}}", response=item, auth=None, exclude_none=True, summary=f"{kind} 하나", tags=["HSDS"]
    )(one_view)


_register("service", "services", Service, ServicePage)
_register("organization", "organizations", Organization, OrganizationPage)
_register("location", "locations", Location, LocationPage)
_register("service_at_location", "service_at_locations", ServiceAtLocation, ServiceAtLocationPage)
