"""돌봄지도 pages: the map with a list beside it (the list works without the map), and a facility page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dolbom.core.errors import ApplicationError
from dolbom.directory import hours as H
from dolbom.directory.labels import service_label
from dolbom.directory.models import Facility, FacilityType
from dolbom.directory.selectors import facility_get, facility_search, place_from_text, place_of_home
from dolbom.households.ages import age_in_months

DEFAULT_ORIGIN = (37.5665, 126.978, gettext_lazy("서울시청 주변"))
PAGE_SIZE = 20
WHEN_CHOICES = [
    ("", gettext_lazy("언제든")),
    ("now", gettext_lazy("지금")),
    ("tonight", gettext_lazy("오늘 밤 (20:00)")),
    ("saturday", gettext_lazy("이번 토요일 10:00")),
    ("sunday", gettext_lazy("이번 일요일 10:00")),
    ("holiday", gettext_lazy("다음 공휴일 10:00")),
    ("custom", gettext_lazy("날짜·시각 지정")),
]


def resolve_when(when: str, custom: str, now: dt.datetime) -> dt.datetime | None:
    """The moment a family asked about, in Korea time."""
    today = now.date()

    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    if when == "now":
        return now
    if when == "tonight":
        return at(today, 20)
    if when in ("saturday", "sunday"):
        target = 5 if when == "saturday" else 6
        return at(today + dt.timedelta(days=(target - today.weekday()) % 7), 10)
    if when == "holiday":
        for i in range(1, 370):
            day = today + dt.timedelta(days=i)
            if H.holiday_name(day):
                return at(day, 10)
        return None
    if when == "custom" and custom:
        try:
            value = dt.datetime.fromisoformat(custom)
        except ValueError as exc:
            raise ValueError("custom") from exc
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return None


def ages_label(facility: Facility) -> str:
    lo, hi = facility.min_age_months, facility.max_age_months
    if lo is None or hi is None:
        return _("정보 없음")
    return _("만 %(lo_y)s세–만 %(hi_y)s세 (%(lo)s–%(hi)s개월)") % {
        "lo_y": lo // 12,
        "hi_y": hi // 12,
        "lo": lo,
        "hi": hi,
    }


def _citizen_children(request: HttpRequest) -> list[Any]:
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_citizen", False):
        return []
    from dolbom.households.selectors import children_of

    return [c for c in children_of(user=user) if c.birth_date]  # type: ignore[arg-type]


def facility_map(request: HttpRequest) -> HttpResponse:
    params = request.GET
    errors: list[str] = []
    now = timezone.localtime()
    when = params.get("when", "")
    custom = params.get("at", "")[:25]
    try:
        open_at = resolve_when(when, custom, now)
    except ValueError:
        open_at = None
        errors.append(_("날짜·시각 형식이 올바르지 않습니다."))

    children = _citizen_children(request)
    birth_text = params.get("birth", "")[:10]
    child_id = params.get("child", "")
    birth: dt.date | None = None
    if child_id:
        birth = next((c.birth_date for c in children if str(c.pk) == child_id), None)
    elif birth_text:
        try:
            birth = dt.date.fromisoformat(birth_text)
        except ValueError:
            errors.append(_("생년월일 형식이 올바르지 않습니다 (예: 2023-05-01)."))
    age_months = None
    if birth is not None:
        on = (open_at or now).date()
        if birth > on:
            errors.append(_("생년월일이 미래입니다."))
        else:
            age_months = age_in_months(birth, on)

    place_text = params.get("place", "")[:100].strip()
    near_home = params.get("near_home") == "1"
    lat, lng, origin_label = DEFAULT_ORIGIN[0], DEFAULT_ORIGIN[1], str(DEFAULT_ORIGIN[2])
    place_code: str | None = None
    if place_text:
        try:
            place = place_from_text(text=place_text)
            lat, lng, origin_label, place_code = place.lat, place.lng, place.label, place.region_code
        except ApplicationError as exc:
            errors.append(exc.message)
    elif near_home or (not params and request.user.is_authenticated):
        home = place_of_home(user=request.user)
        if home is not None:
            lat, lng, origin_label, place_code = (
                home.lat,
                home.lng,
                _("우리 집 (%(label)s)") % {"label": home.label},
                home.region_code,
            )
            near_home = True
        elif near_home:
            errors.append(_("등록된 집 주소가 없습니다. 내 정보에서 집 주소를 등록해 주세요."))

    types = [t for t in params.getlist("type") if t][:20]
    vacancy = params.get("vacancy") == "1"
    try:
        page = max(1, min(500, int(params.get("page", "1"))))
    except ValueError:
        page = 1
    result = facility_search(
        lat=lat,
        lng=lng,
        types=types,
        age_months=age_months,
        open_at=open_at,
        vacancy=vacancy,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    items = [
        {
            "f": hit.facility,
            "distance": _distance_label(hit.distance_m),
            "ages": ages_label(hit.facility),
            "services": [service_label(s) for s in hit.facility.services if s != "school_bus"],
            "vacancy": hit.facility.has_vacancy,
        }
        for hit in result.hits
    ]
    api_params: dict[str, Any] = {}
    if age_months is not None:
        api_params["age_months"] = age_months
    if open_at is not None:
        api_params["open_at"] = open_at.isoformat()
    if vacancy:
        api_params["vacancy"] = "true"
    if types:
        api_params["types"] = ",".join(types)
    query_without_page = params.copy()
    query_without_page.pop("page", None)
    context = {
        "items": items,
        "total": result.total,
        "radius": _distance_label(result.radius_m),
        "page": page,
        "start": (page - 1) * PAGE_SIZE + 1,
        "sido": (place_code or "11")[:2],
        "has_next": page * PAGE_SIZE < result.total,
        "query": query_without_page.urlencode(),
        "errors": errors,
        "origin": {"lat": lat, "lng": lng, "label": origin_label},
        "open_at": open_at,
        "open_at_label": _when_label(open_at) if open_at else "",
        "age_months": age_months,
        "when_choices": WHEN_CHOICES,
        "when": when,
        "custom": custom,
        "birth": birth_text,
        "children": children,
        "child_id": child_id,
        "place": place_text,
        "near_home": near_home,
        "types": FacilityType.objects.all(),
        "selected_types": set(types),
        "vacancy": vacancy,
        "api_query": urlencode(api_params),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "signed_in": request.user.is_authenticated,
    }
    return render(request, "portal/directory/map.html", context, status=422 if errors else 200)


def _when_label(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    holiday = H.holiday_name(local.date())
    # Month, day and weekday in the page's language ("11월 28일(토)", "November 28 (Sat)"); holiday names stay
    # as the calendar gives them.
    korean = (get_language() or "ko").startswith("ko")
    weekday = H.WEEKDAY_LABELS[local.weekday()] if korean else date_format(local, "D")  # Django's ko "D" is "토요일"
    weekday += f", {holiday}" if holiday else ""
    return _("%(day)s(%(weekday)s) %(time)s") % {
        "day": date_format(local, "MONTH_DAY_FORMAT"),
        "weekday": weekday,
        "time": f"{local:%H:%M}",
    }


def _distance_label(distance_m: float | None) -> str:
    if distance_m is None:
        return ""
    if distance_m < 1000:
        return f"{distance_m:.0f}m"
    return f"{distance_m / 1000:.1f}km"


def facility_page(request: HttpRequest, facility_id: int) -> HttpResponse:
    try:
        facility = facility_get(facility_id=facility_id)
    except ApplicationError as exc:
        raise Http404 from exc
    now = timezone.localtime()
    context = {
        "f": facility,
        "ages": ages_label(facility),
        "hours": H.describe(facility.hours),
        "open_now": H.is_open(facility.hours, now),
        "holiday_today": H.holiday_name(now.date()),
        "services": [service_label(s) for s in facility.services],
        "fees": _fees(facility.fees),
        "sessions": facility.extra.get("sessions", []),
        "temporary_capacity": facility.extra.get("temporary_capacity"),
        "vacancy": facility.has_vacancy,
    }
    return render(request, "portal/directory/facility.html", context)


def _fees(fees: dict[str, Any]) -> list[str]:
    out = []
    if fees.get("free") or fees.get("monthly_free"):
        out.append(_("무료"))
    if fees.get("monthly") is not None and not fees.get("monthly_free"):
        out.append(_("월 %(fee)s원") % {"fee": f"{fees['monthly']:,}"})
    if fees.get("daily") is not None and not fees.get("daily_free"):
        out.append(_("하루 %(fee)s원") % {"fee": f"{fees['daily']:,}"})
    if fees.get("per_use") and not fees.get("free"):
        out.append(_("이용료 %(fee)s원") % {"fee": f"{fees['per_use']:,}"})
    return out
