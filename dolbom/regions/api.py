from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from .selectors import region_search

router = Router(tags=["행정구역"])


class RegionOut(Schema):
    code: str
    name: str
    full_name: str
    level: str
    is_active: bool
    lat: float | None
    lng: float | None


class RegionQuery(Schema):
    q: str = Field(default="", max_length=100, description="이름 또는 코드 (예: 수원, 41111, 강원도)")
    limit: int = Field(default=20, ge=1, le=100)


@router.get("", response=list[RegionOut], auth=None, summary="행정구역 검색")
def regions(request: HttpRequest, query: Query[RegionQuery]) -> list:
    return list(region_search(q=query.q, limit=query.limit))
