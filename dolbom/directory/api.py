import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from dolbom.core.api_auth import AUTH_REQUIRED, BearerTokenAuth, actor_of
from dolbom.core.errors import InvalidInput

from .labels import service_label
from .models import Facility
from .schemas import FacilityDetail, FacilityPage, FacilityQuery, FacilityUpdateIn, GeoQuery
from .selectors import (
    facility_geojson,
    facility_get,
    facility_search,
    facility_search_items,
    place_from_text,
    place_of_home,
    region_prefixes_for,
)
from .services import facility_update

router = Router(tags=["돌봄지도"])
LICENCE = "공공누리 제1유형 (출처표시)"


def facility_item(facility: Facility, *, distance_m: float | None = None, open_at: bool | None = None) -> dict:
    t = facility.type
    return {
        "id": facility.pk,
        "name": facility.name,
        "type": {"code": t.code, "name": t.name, "category": t.category} if t else None,
        "status": facility.status,
        "status_label": facility.get_status_display(),
        "region": {"code": facility.region.code, "full_name": facility.region.full_name} if facility.region else None,
        "address": facility.address,
        "lat": facility.lat,
        "lng": facility.lng,
        "coord_quality": facility.coord_quality,
        "distance_m": distance_m,
        "open_at": open_at,
        "min_age_months": facility.min_age_months,
        "max_age_months": facility.max_age_months,
        "capacity": facility.capacity,
        "enrolment": facility.enrolment,
        "vacancy": facility.has_vacancy,
        "phone": facility.phone,
        "services": list(facility.services),
        "service_labels": [service_label(s) for s in facility.services],
    }


def facility_detail(facility: Facility) -> dict:
    return {
        **facility_item(facility),
        "postcode": facility.postcode,
        "fax": facility.fax,
        "homepage": facility.homepage,
        "ages_basis": facility.ages_basis,
        "hours": facility.hours,
        "hours_assumed": facility.hours_assumed,
        "fees": facility.fees,
        "extra": facility.extra,
        "approved_on": facility.approved_on,
        "suspended_from": facility.suspended_from,
        "suspended_until": facility.suspended_until,
        "closed_on": facility.closed_on,
        "source": {
            "name": facility.source_name,
            "format": facility.source_format,
            "file": facility.source_file,
            "date": facility.source_date,
            "licence": LICENCE,
        },
        "sources": [
            {
                "name": facility.source_name,
                "format": facility.source_format,
                "file": facility.source_file,
                "date": facility.source_date,
                "licence": LICENCE,
            }
        ]
        + [
            {"name": s.name, "format": s.format, "file": s.file, "date": s.date, "licence": LICENCE}
            for s in facility.sources.exclude(format=facility.source_format)
        ],
        "updated_at": facility.updated_at,
    }


def split_types(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()][:30]


def _caller(request: HttpRequest) -> Any:
    """The signed-in user for near_home, by session or bearer token. The search itself is public, so the
    token is checked only when a caller asks for their home (keeps the common request free of auth work)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return BearerTokenAuth()(request)


def search_from_query(request: HttpRequest, query: FacilityQuery, *, items: bool = False) -> tuple[Any, dict | None]:
    """Run the search the query asks for; `items=True` answers with FacilityItem dicts (the API's lean path)."""
    lat, lng, origin = query.lat, query.lng, None
    if (lat is None) != (lng is None):
        raise InvalidInput(
            _("위도와 경도를 함께 보내 주세요."),
            detail={"fields": {"lat": _("짝이 필요합니다"), "lng": _("짝이 필요합니다")}},
        )
    if lat is None and query.place:
        place = place_from_text(text=query.place)
        lat, lng = place.lat, place.lng
        origin = {"lat": lat, "lng": lng, "label": place.label}
    elif lat is None and query.near_home:
        home = place_of_home(user=_caller(request))
        if home is None:
            raise InvalidInput(
                _("등록된 집 주소가 없습니다. 내 정보에서 집 주소를 등록해 주세요."),
                code="no_home",
                detail={"fields": {"near_home": _("등록된 집이 없습니다")}},
            )
        lat, lng = home.lat, home.lng
        origin = {"lat": lat, "lng": lng, "label": home.label}
    elif lat is not None:
        origin = {"lat": lat, "lng": lng, "label": ""}
    prefixes = region_prefixes_for(query=query.region) if query.region else None
    result = (facility_search_items if items else facility_search)(
        lat=lat,
        lng=lng,
        radius_m=query.radius_m,
        region_prefixes=prefixes,
        types=split_types(query.types),
        age_months=query.age_months,
        open_at=query.open_at,
        vacancy=query.vacancy,
        limit=query.limit,
        offset=query.offset,
    )
    return result, origin


@router.get(
    "",
    response=FacilityPage,
    auth=None,
    summary="돌봄시설 검색 (거리·지역·연령·운영시각·빈자리)",
    description="공개 검색입니다. near_home=true는 로그인(세션 또는 Bearer 토큰)한 보호자의 등록된 집 주변을 찾습니다.",
)
def search(request: HttpRequest, query: Query[FacilityQuery]) -> HttpResponse:
    # The answer is built from plain rows and written as JSON here: the FacilityPage schema above documents
    # it (and tests check every answer against it), but validating 20 items again on each request would cost
    # several times the query itself.
    result, origin = search_from_query(request, query, items=True)
    page = {
        "count": result.total,
        "limit": query.limit,
        "offset": query.offset,
        "origin": origin,
        "items": result.items,
    }
    return HttpResponse(
        json.dumps(page, ensure_ascii=False, separators=(",", ":")), content_type="application/json; charset=utf-8"
    )


@router.get("/geojson", auth=None, summary="지도용 시설 위치 (GeoJSON, 영역 안)")
def geojson(request: HttpRequest, query: Query[GeoQuery]) -> dict:
    try:
        west, south, east, north = (float(v) for v in query.bbox.split(","))
    except ValueError as exc:
        raise InvalidInput(
            _("bbox는 '서,남,동,북' 네 숫자입니다."), detail={"fields": {"bbox": _("형식 오류")}}
        ) from exc
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidInput(_("bbox 범위가 올바르지 않습니다."), detail={"fields": {"bbox": _("범위 오류")}})
    return facility_geojson(
        bbox=(west, south, east, north),
        types=split_types(query.types),
        age_months=query.age_months,
        open_at=query.open_at,
        vacancy=query.vacancy,
        limit=query.limit,
    )


@router.get("/{facility_id}", response=FacilityDetail, auth=None, summary="돌봄시설 상세")
def detail(request: HttpRequest, facility_id: int) -> dict:
    return facility_detail(facility_get(facility_id=facility_id))


@router.patch(
    "/{facility_id}", response=FacilityDetail, auth=AUTH_REQUIRED, summary="시설 정보 수정 (소속 시설 담당자)"
)
def update(request: HttpRequest, facility_id: int, payload: FacilityUpdateIn) -> dict:
    data = payload.dict(exclude_unset=True)
    facility = facility_update(actor=actor_of(request), facility_id=facility_id, data=data)
    return facility_detail(facility)
