"""Reads for the directory: search by place, age, time and vacancy; one facility; the map's GeoJSON.

Geo search without PostGIS: a bounding box on the indexed (status, lat, lng) columns narrows the rows,
then the exact great-circle distance and the opening rules are evaluated in Python on the few hundred
candidates left. The same code is fast on SQLite and PostgreSQL for a national table (see bench/).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from typing_extensions import Unpack

from dolbom.core.errors import NotFound

from . import hours as H
from .models import Facility, OpeningInterval

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_NEAREST_START_M = 2_000
MAX_RADIUS_M = 300_000


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlng = math.degrees(radius_m / (EARTH_RADIUS_M * max(0.01, math.cos(math.radians(lat)))))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


# -------------------------------------------------------------------------------------------- vacancy


def _capacity_vacancy() -> Q:
    return Q(capacity__isnull=False, enrolment__isnull=False, enrolment__lt=F("capacity"))


#: The vacancy hook. Each provider returns a Q for "has a free place"; they are OR-ed. The booking app
#: appends one for "a bookable slot is free" (`VACANCY_PROVIDERS.append(lambda: Q(...))`).
VACANCY_PROVIDERS: list[Callable[[], Q]] = [_capacity_vacancy]


def facility_vacancy_q() -> Q:
    q = Q(pk__in=[])
    for provider in VACANCY_PROVIDERS:
        q |= provider()
    return q


# --------------------------------------------------------------------------------------------- search


@dataclass
class SearchHit:
    facility: Facility
    distance_m: float | None
    open_at: bool | None


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    radius_m: float | None = None


def local_time(at: dt.datetime) -> dt.datetime:
    if timezone.is_naive(at):
        return at
    return timezone.localtime(at)


def listed_facilities() -> QuerySet[Facility]:
    """What citizens may see: 정상 and 재개 only (휴지·폐지 stay in the table for history)."""
    return Facility.objects.filter(status__in=Facility.LISTED_STATUSES)


def _filtered(
    *,
    region_prefixes: list[str] | None,
    types: Iterable[str] | None,
    age_months: int | None,
    vacancy: bool,
) -> QuerySet[Facility]:
    qs = listed_facilities()
    if region_prefixes is not None:
        q = Q(pk__in=[])
        for prefix in region_prefixes:
            q |= Q(region__code__startswith=prefix)
        qs = qs.filter(q)
    type_list = [t for t in (types or []) if t]
    if type_list:
        qs = qs.filter(type__code__in=type_list)
    if age_months is not None:
        qs = qs.filter(min_age_months__lte=age_months, max_age_months__gte=age_months)
    if vacancy:
        qs = qs.filter(facility_vacancy_q())
    return qs


def open_at_q(at: dt.datetime) -> Q:
    """Open at this moment, in SQL: an OpeningInterval for the date's key that spans the minute."""
    local = local_time(at)
    minute = local.hour * 60 + local.minute
    intervals = OpeningInterval.objects.filter(
        facility=OuterRef("pk"), day_key=H.day_key(local.date()), opens_min__lte=minute, closes_min__gt=minute
    )
    return Q(Exists(intervals))


class SearchFilters(TypedDict, total=False):
    """A family's search: a point (nearest first; without a radius the box grows to hold the page) or none (by
    name), the filters, and the page wanted. `open_at` keeps facilities open at that moment (holidays respected)."""

    lat: float | None
    lng: float | None
    radius_m: float | None
    region_prefixes: list[str] | None
    types: Iterable[str] | None
    age_months: int | None
    open_at: dt.datetime | None
    vacancy: bool
    limit: int
    offset: int


def _page_ids(f: SearchFilters) -> tuple[list[tuple[float | None, int]], int, float | None]:
    """(distance in m or None, id) of the page's facilities in order, how many match, and the radius searched.
    The one ranking behind both entry points below, so pages and API answer the same facilities in one order."""
    limit, offset = f.get("limit", 20), f.get("offset", 0)
    lat, lng = f.get("lat"), f.get("lng")
    region_prefixes, types, age_months = f.get("region_prefixes"), f.get("types"), f.get("age_months")
    open_at, vacancy = f.get("open_at"), f.get("vacancy", False)
    if lat is not None and lng is not None:
        ranked, radius = _rank_near(
            lat=lat,
            lng=lng,
            radius_m=f.get("radius_m"),
            region_prefixes=region_prefixes,
            types=types,
            age_months=age_months,
            open_at=open_at,
            vacancy=vacancy,
            want=offset + limit,
        )
        page: list[tuple[float | None, int]] = [(round(d, 1), pk) for d, pk in ranked[offset : offset + limit]]
        return page, len(ranked), radius
    qs = _by_name(region_prefixes=region_prefixes, types=types, age_months=age_months, open_at=open_at, vacancy=vacancy)
    ids = list(qs.order_by("name", "pk").values_list("pk", flat=True)[offset : offset + limit])
    return [(None, pk) for pk in ids], qs.count(), None


def facility_search(**filters: Unpack[SearchFilters]) -> SearchResult:
    """Facilities citizens may see, nearest first when a point is given (else by name), as model instances."""
    page, total, radius = _page_ids(filters)
    is_open = True if filters.get("open_at") is not None else None
    by_id = _load([pk for _, pk in page])
    return SearchResult([SearchHit(by_id[pk], d, is_open) for d, pk in page if pk in by_id], total, radius)


@dataclass
class ItemPage:
    """The API's search answer as plain dicts (the FacilityItem shape), built without model instances."""

    items: list[dict[str, Any]]
    total: int
    radius_m: float | None = None


def facility_search_items(**filters: Unpack[SearchFilters]) -> ItemPage:
    """`facility_search` for the JSON API: the same facilities in the same order, as `FacilityItem` dicts.

    The common nearest-N query runs as two hand-written SQL statements (candidates in the box, then the
    page's rows with their type and region); no ORM model is built and nothing is validated twice.
    """
    page, total, radius = _page_ids(filters)
    is_open = True if filters.get("open_at") is not None else None
    rows = _item_rows([pk for _, pk in page])
    labels = _status_labels()
    items = [_item(rows[pk], distance_m=d, open_at=is_open, labels=labels) for d, pk in page if pk in rows]
    return ItemPage(items=items, total=total, radius_m=radius)


def _by_name(
    *,
    region_prefixes: list[str] | None,
    types: Iterable[str] | None,
    age_months: int | None,
    open_at: dt.datetime | None,
    vacancy: bool,
) -> QuerySet[Facility]:
    qs = _filtered(region_prefixes=region_prefixes, types=types, age_months=age_months, vacancy=vacancy)
    if open_at is not None:
        qs = qs.filter(open_at_q(open_at))
    return qs


def _rank_near(
    *,
    lat: float,
    lng: float,
    radius_m: float | None,
    region_prefixes: list[str] | None,
    types: Iterable[str] | None,
    age_months: int | None,
    open_at: dt.datetime | None,
    vacancy: bool,
    want: int,
) -> tuple[list[tuple[float, int]], float]:
    """(distance, id) nearest first, and the radius searched."""
    slot: tuple[int, int] | None = None
    if open_at is not None:
        local = local_time(open_at)
        slot = (H.day_key(local.date()), local.hour * 60 + local.minute)
    type_list = [t for t in (types or []) if t]
    lean = region_prefixes is None and (not vacancy or VACANCY_PROVIDERS == [_capacity_vacancy])
    if lean:
        sql, params = _candidates_sql(slot=slot, age_months=age_months, types=type_list, vacancy=vacancy)
    else:
        qs = _filtered(region_prefixes=region_prefixes, types=type_list, age_months=age_months, vacancy=vacancy)
    radius = radius_m if radius_m is not None else DEFAULT_NEAREST_START_M
    while True:
        if lean:
            ranked = _ranked_sql(sql, params, lat=lat, lng=lng, radius=radius)
        else:
            ranked = _ranked_in_radius(qs, lat=lat, lng=lng, radius=radius, slot=slot, age_months=age_months)
        if radius_m is not None or len(ranked) >= want or radius >= MAX_RADIUS_M:
            return ranked, radius
        # Grow the box by what the density seen so far suggests (at least ×2, at most ×6).
        found = max(len(ranked), 1)
        radius = min(MAX_RADIUS_M, radius * min(6.0, max(2.0, math.sqrt(want / found) * 1.2)))


def _tables() -> dict[str, str]:
    from dolbom.regions.models import Region

    from .models import FacilityType

    return {
        "f": Facility._meta.db_table,
        "i": OpeningInterval._meta.db_table,
        "t": FacilityType._meta.db_table,
        "r": Region._meta.db_table,
    }


def _candidates_sql(
    *, slot: tuple[int, int] | None, age_months: int | None, types: list[str], vacancy: bool
) -> tuple[str, list[Any]]:
    """SQL for (id, lat, lng) of the listed facilities matching the filters; the four box bounds are the
    first parameters (south, north, west, east). Same rows as `_ranked_in_radius` on the ORM queryset."""
    tb = _tables()
    where: list[str] = []
    params: list[Any] = []
    if slot is None:
        head = (
            f"SELECT f.id, f.lat, f.lng FROM {tb['f']} f "  # noqa: S608  # nosec B608 — names from the models
            "WHERE f.lat >= %s AND f.lat <= %s AND f.lng >= %s AND f.lng <= %s"
        )
        age_alias = "f"
    else:
        head = (
            f"SELECT i.facility_id, i.lat, i.lng FROM {tb['i']} i JOIN {tb['f']} f ON f.id = i.facility_id "  # noqa: S608  # nosec B608
            "WHERE i.lat >= %s AND i.lat <= %s AND i.lng >= %s AND i.lng <= %s "
            "AND i.day_key = %s AND i.opens_min <= %s AND i.closes_min > %s"
        )
        age_alias = "i"
        params += [slot[0], slot[1], slot[1]]
    where.append("f.status IN (" + ", ".join(["%s"] * len(Facility.LISTED_STATUSES)) + ")")
    params += [str(s) for s in Facility.LISTED_STATUSES]
    if age_months is not None:
        where.append(f"{age_alias}.min_age_months <= %s AND {age_alias}.max_age_months >= %s")
        params += [age_months, age_months]
    if types:
        marks = ", ".join(["%s"] * len(types))
        where.append(f"f.type_id IN (SELECT t.id FROM {tb['t']} t WHERE t.code IN ({marks}))")  # noqa: S608  # nosec B608
        params += types
    if vacancy:
        where.append("f.capacity IS NOT NULL AND f.enrolment IS NOT NULL AND f.enrolment < f.capacity")
    return head + "".join(f" AND {w}" for w in where), params


def _ranked_sql(sql: str, params: list[Any], *, lat: float, lng: float, radius: float) -> list[tuple[float, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [*bbox_around(lat, lng, radius), *params])
        rows = cursor.fetchall()
    return _nearest(rows, lat=lat, lng=lng, radius=radius)


def _nearest(rows: Iterable[tuple[int, Any, Any]], *, lat: float, lng: float, radius: float) -> list[tuple[float, int]]:
    # Inlined haversine: this loop runs over every candidate of the box.
    p1 = math.radians(lat)
    cos_p1 = math.cos(p1)
    rad, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    best: dict[int, float] = {}
    for pk, flat, flng in rows:
        if flat is None or flng is None:
            continue
        p2 = rad(flat)
        a = sin((p2 - p1) / 2) ** 2 + cos_p1 * cos(p2) * sin(rad(flng - lng) / 2) ** 2
        d = 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))
        if d <= radius:
            best[pk] = d
    return sorted((d, pk) for pk, d in best.items())


def _ranked_in_radius(
    qs: QuerySet[Facility],
    *,
    lat: float,
    lng: float,
    radius: float,
    slot: tuple[int, int] | None,
    age_months: int | None = None,
) -> list[tuple[float, int]]:
    """(distance, id) of the matching facilities within `radius`, nearest first.

    With a time slot the rows come through the OpeningInterval index (day_key, lat, lng), which holds
    only the facilities open that day, so a rare slot (a holiday, late evening) stays cheap far out.
    """
    south, north, west, east = bbox_around(lat, lng, radius)
    box = {"lat__gte": south, "lat__lte": north, "lng__gte": west, "lng__lte": east}
    if slot is None:
        rows = qs.filter(**box).order_by().values_list("id", "lat", "lng")
    else:
        key, minute = slot
        ages = {} if age_months is None else {"min_age_months__lte": age_months, "max_age_months__gte": age_months}
        rows = (
            qs.filter(
                intervals__day_key=key,
                intervals__opens_min__lte=minute,
                intervals__closes_min__gt=minute,
                **{f"intervals__{k}": v for k, v in (box | ages).items()},
            )
            .order_by()
            .values_list("id", "lat", "lng")
        )
    best: dict[int, float] = {}
    for pk, flat, flng in rows:
        if flat is None or flng is None:
            continue
        d = haversine_m(lat, lng, flat, flng)
        if d <= radius:
            best[pk] = d
    return sorted((d, pk) for pk, d in best.items())


ITEM_FIELDS = (
    "name", "status", "address", "lat", "lng", "coord_quality", "min_age_months", "max_age_months", "capacity",
    "enrolment", "phone", "services", "hours_assumed", "type__code", "type__name", "type__category", "region__code",
    "region__full_name",
)  # fmt: skip


def _load(ids: list[int]) -> dict[int, Facility]:
    qs = Facility.objects.filter(pk__in=ids).select_related("type", "region").only(*ITEM_FIELDS).order_by()
    return {f.pk: f for f in qs}


_STATUS_LABELS: dict[str, dict[str, str]] = {}


def _status_labels() -> dict[str, str]:
    from django.utils import translation

    lang = translation.get_language() or ""
    labels = _STATUS_LABELS.get(lang)
    if labels is None:
        labels = _STATUS_LABELS[lang] = {str(code): str(label) for code, label in Facility.Status.choices}
    return labels


def _item_rows(ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """The columns of a FacilityItem for these facilities, with their type and region, in one statement."""
    if not ids:
        return {}
    from django.db import connection

    tb = _tables()
    sql = (
        "SELECT f.id, f.name, f.status, f.address, f.lat, f.lng, f.coord_quality, f.min_age_months, "  # noqa: S608  # nosec B608
        "f.max_age_months, f.capacity, f.enrolment, f.phone, f.services, t.code, t.name, t.category, r.code, "
        f"r.full_name FROM {tb['f']} f LEFT JOIN {tb['t']} t ON t.id = f.type_id "
        f"LEFT JOIN {tb['r']} r ON r.id = f.region_id WHERE f.id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {row[0]: row for row in cursor.fetchall()}


def _item(
    row: tuple[Any, ...], *, distance_m: float | None, open_at: bool | None, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """One row of `_item_rows` → the FacilityItem dict (same keys and values as api.facility_item)."""
    from .labels import service_label

    (pk, name, status, address, lat, lng, quality, lo, hi, capacity, enrolment, phone, services) = row[:13]
    t_code, t_name, t_category, r_code, r_name = row[13:]
    if isinstance(services, str | bytes):  # SQLite and PostgreSQL hand JSON back as text here
        services = json.loads(services)
    services = list(services or [])
    return {
        "id": pk,
        "name": name,
        "type": {"code": t_code, "name": t_name, "category": t_category} if t_code is not None else None,
        "status": status,
        "status_label": (labels or _status_labels()).get(status, status),
        "region": {"code": r_code, "full_name": r_name} if r_code is not None else None,
        "address": address,
        "lat": lat,
        "lng": lng,
        "coord_quality": quality,
        "distance_m": distance_m,
        "open_at": open_at,
        "min_age_months": lo,
        "max_age_months": hi,
        "capacity": capacity,
        "enrolment": enrolment,
        "vacancy": (enrolment < capacity) if capacity is not None and enrolment is not None else None,
        "phone": phone,
        "services": services,
        "service_labels": [service_label(s) for s in services],
    }


def facility_get(*, facility_id: int, include_unlisted: bool = False) -> Facility:
    qs = Facility.objects.select_related("type", "region")
    if not include_unlisted:
        qs = qs.filter(status__in=Facility.LISTED_STATUSES)
    facility = qs.filter(pk=facility_id).first()
    if facility is None:
        raise NotFound(_("시설을 찾을 수 없습니다."))
    return facility


def facility_geojson(
    *,
    bbox: tuple[float, float, float, float],
    types: Iterable[str] | None = None,
    age_months: int | None = None,
    open_at: dt.datetime | None = None,
    vacancy: bool = False,
    limit: int = 5000,
) -> dict[str, Any]:
    """Points for the map inside (west, south, east, north), lean properties; `truncated` if over limit."""
    west, south, east, north = bbox
    qs = _filtered(region_prefixes=None, types=types, age_months=age_months, vacancy=vacancy).filter(
        lat__gte=south, lat__lte=north, lng__gte=west, lng__lte=east
    )
    if open_at is not None:
        qs = qs.filter(open_at_q(open_at))
    rows = qs.values_list("id", "name", "lat", "lng", "type__name", "capacity", "enrolment", "coord_quality").order_by(
        "pk"
    )
    features: list[dict[str, Any]] = []
    truncated = False
    for fid, name, flat, flng, type_name, capacity, enrolment, quality in rows.iterator(chunk_size=2000):
        if len(features) >= limit:
            truncated = True
            break
        features.append(
            {
                "type": "Feature",
                "id": fid,
                "geometry": {"type": "Point", "coordinates": [round(flng or 0.0, 6), round(flat or 0.0, 6)]},
                "properties": {
                    "id": fid,
                    "name": name,
                    "type": type_name or "",
                    "vacancy": (enrolment < capacity) if capacity is not None and enrolment is not None else None,
                    "approximate": quality != Facility.CoordQuality.SOURCE,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "truncated": truncated}


# ------------------------------------------------------------------------------------- where to search


@dataclass
class Place:
    lat: float
    lng: float
    label: str
    region_code: str | None = None


def place_from_text(*, text: str) -> Place:
    """An address or a place name (시군구 or 읍면동 name, or a code) → a point to search around."""
    from dolbom.core.errors import InvalidInput
    from dolbom.regions.models import Region
    from dolbom.regions.selectors import region_search

    from .regions_adapter import region_resolver

    q = " ".join((text or "").split())[:100]
    if not q:
        raise InvalidInput(
            _("검색할 주소나 동 이름을 입력해 주세요."), detail={"fields": {"place": _("값이 필요합니다")}}
        )
    resolver = region_resolver()
    looks_like_address = bool(re.search(r"\d+(-\d+)?$|[로길]\s*\d", q))
    candidates: list[Region | None] = []
    if looks_like_address:
        candidates.append(resolver.from_address(q))
    candidates.append(resolver.resolve(q))
    # 행정동 names carry 제: people write "망원1동" for 망원제1동.
    numbered = re.fullmatch(r"(.*\D)(\d+)동", q)
    if numbered and not q.endswith("제" + numbered.group(2) + "동"):
        candidates.append(resolver.resolve(f"{numbered.group(1)}제{numbered.group(2)}동"))
    if not looks_like_address:
        candidates.append(resolver.from_address(q))
    # Prefer the smallest unit: a 읍면동 name beats the 시군구 it lies in.
    order: dict[str, int] = {Region.Level.EUPMYEONDONG: 0, Region.Level.SIGUNGU: 1, Region.Level.SIDO: 2}
    found = sorted(region_search(q=q, limit=50), key=lambda r: (order.get(r.level, 3), len(r.full_name)))
    candidates.extend(found)
    for region in candidates:
        point = _region_point(region)
        if region is not None and point is not None:
            return Place(lat=point[0], lng=point[1], label=region.full_name, region_code=region.code)
    raise InvalidInput(
        _("'%(q)s' 위치를 찾을 수 없습니다. 시·군·구나 읍·면·동 이름으로 찾아 보세요.") % {"q": q},
        code="unknown_place",
        detail={"fields": {"place": q}},
    )


def _region_point(region: Any) -> tuple[float, float] | None:
    """A unit's centroid, or its parent's when the unit has none (법정동 rows carry no centroid)."""
    seen = 0
    while region is not None and seen < 5:
        if region.lat is not None and region.lng is not None:
            return region.lat, region.lng
        region = region.parent
        seen += 1
    return None


def place_of_home(*, user: Any) -> Place | None:
    """The signed-in citizen's registered home (its coordinates, or its region's centroid)."""
    from dolbom.households.models import Household

    if user is None or not getattr(user, "is_authenticated", False):
        return None
    household = Household.objects.select_related("home_region").filter(guardian=user).first()
    if household is None:
        return None
    if household.home_lat is not None and household.home_lng is not None:
        return Place(household.home_lat, household.home_lng, household.home_address or gettext("우리 집"))
    region = household.home_region
    if region is not None and region.lat is not None and region.lng is not None:
        return Place(region.lat, region.lng, region.full_name, region.code)
    return None


def region_prefixes_for(*, query: str) -> list[str]:
    from dolbom.core.errors import InvalidInput
    from dolbom.regions.selectors import region_scope_prefixes

    from .regions_adapter import region_resolver

    region = region_resolver().resolve(query)
    if region is None:
        raise InvalidInput(
            _("'%(query)s' 지역을 찾을 수 없습니다.") % {"query": query[:40]},
            code="unknown_region",
            detail={"fields": {"region": query[:40]}},
        )
    return region_scope_prefixes(region=region)
