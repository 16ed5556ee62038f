"""Public region API: search, resolve, one unit, 시군구 boundaries. Reference data, no login needed."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from .boundaries import boundaries_payload
from .models import Region
from .schemas import BoundaryQuery, RegionDetailOut, RegionOut, RegionQuery, ResolveQuery
from .selectors import region_get, region_latest_population, region_search
from .services import region_resolve

router = Router(tags=["행정구역"])


def region_out(region: Region, *, parent_code: str | None = None) -> dict:
    if parent_code is None and region.parent_id:
        parent_code = Region.objects.filter(pk=region.parent_id).values_list("code", flat=True).first()
    return {
        "code": region.code,
        "code_system": region.code_system,
        "name": region.name,
        "full_name": region.full_name,
        "level": region.level,
        "sido_code": region.sido_code,
        "sgg_code": region.sgg_code,
        "parent_code": parent_code or None,
        "is_active": region.is_active,
        "lat": region.lat,
        "lng": region.lng,
    }


@router.get("", response=list[RegionOut], auth=None, summary="행정구역 검색 (이름·코드, 옛 이름 포함)")
def regions(request: HttpRequest, query: Query[RegionQuery]) -> list:
    found = region_search(q=query.q, level=query.level, limit=query.limit)
    parents = dict(Region.objects.filter(pk__in={r.parent_id for r in found if r.parent_id}).values_list("id", "code"))
    return [region_out(r, parent_code=parents.get(r.parent_id or 0, "")) for r in found]


@router.get(
    "/resolve",
    response=RegionOut,
    auth=None,
    summary="코드·이름을 현재 행정구역으로 변환",
    description="10자리 법정동·행정동 코드, 5자리 시군구 코드, 2자리 시도 코드, 이름(옛 이름·줄임말·"
    "'전남광주통합특별시 광산구' 포함)을 현재 구역으로 바꿉니다. 찾지 못하면 422 `unknown_region`, 여러 곳이면 "
    "422 `ambiguous_region` (detail.candidates), 이어받은 구역을 모르는 폐지 코드는 422 `abolished_region`.",
)
def resolve(request: HttpRequest, query: Query[ResolveQuery]) -> dict:
    return region_out(region_resolve(query=query.q))


@router.get(
    "/boundaries",
    auth=None,
    summary="시군구 경계 (GeoJSON)",
    description="단순화한 시군구 경계 FeatureCollection (WGS84). 속성: code(현재 10자리), sgg(현재 5자리), name, "
    "full_name, source_sgg(원자료 코드). 출처: 통계청 SGIS 경계(2022-03-09), vuski/admdongkor 재배포.",
    response={200: dict},
)
def boundaries(request: HttpRequest, query: Query[BoundaryQuery]) -> HttpResponse:
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    body, etag = boundaries_payload(sido=query.sido, compressed=compressed)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/geo+json")
        if compressed:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=86400"
    return response


@router.get("/{code}", response=RegionDetailOut, auth=None, summary="행정구역 한 곳 (코드)")
def region_detail(request: HttpRequest, code: str) -> dict:
    region = region_get(code=code)
    population = region_latest_population(region=region)
    children = region.children.filter(is_active=True).order_by("code")[:500]
    return {
        **region_out(region, parent_code=region.parent.code if region.parent else ""),
        "successor": region_out(region.successor) if region.successor_id and region.successor else None,
        "covers": region.covered_sido_codes,
        "aliases": list(region.aliases.values_list("name", flat=True)),
        "children": [region_out(c, parent_code=region.code) for c in children],
        "population": (
            None
            if population is None
            else {
                **{
                    f: getattr(population, f)
                    for f in ("as_of", "total", "age_0", "age_1", "age_2", "age_3", "age_4", "age_5")
                },
                "total_0to5": population.total_0to5,
            }
        ),
    }
