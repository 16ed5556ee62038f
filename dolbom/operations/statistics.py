"""Dashboard figures, aggregated in the database and scoped to the official's region.

Definitions (the same in every table, the CSV/XLSX exports and the test that recounts them from the records):
- a period is [start, end] in local dates; a service belongs to the period by its start time;
- facility care (booking app): the municipality is the facility's 시·군·구 (first five code digits);
  home visits (matching app): the request's 시·군·구;
- 이용 아동(연인원) counts a child once per service used (an attended booking, a completed visit);
  실인원 counts each child once over the whole period and all services;
- 이용 시간 is child-hours: one occupied one-hour slot of an attended booking, or a completed visit's
  length for each of its children;
- fill rate = occupied places / offered places of open slots, by weekday and hour of the slot;
- waiting time: facility bookings from request to the facility's decision; visits from request to the
  caregiver's acceptance;
- satisfaction: facility and visit ratings (1–5); the 100-point score is the average × 20.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from dolbom.booking.models import Booking, BookingChild, Occupancy, Slot, WaitlistEntry
from dolbom.core.permissions import scope_prefixes
from dolbom.core.weekdays import weekday_short
from dolbom.matching.models import Caregiver, Qualification, VisitAssignment, VisitRating, VisitRequest
from dolbom.regions.models import Region

from .models import BookingRating, IncidentReport


def waiting_rows(facility: tuple[int, float | None], visit: tuple[int, float | None]) -> list[dict[str, Any]]:
    """The waiting-time table from (count, average hours) of facility bookings and of home visits."""
    return [
        {"kind": _("시설 예약 (신청→승인)"), "count": facility[0], "average_hours": facility[1]},
        {"kind": _("방문돌봄 (신청→돌보미 배정)"), "count": visit[0], "average_hours": visit[1]},
    ]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    @classmethod
    def last_year(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(start=date(today.year - 1, 1, 1), end=date(today.year - 1, 12, 31))

    @classmethod
    def last_12_months(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=365), end=today - timedelta(days=1))


def _scope(field_name: str, prefixes: list[str] | None) -> Q:
    if prefixes is None:
        return Q()
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field_name}__startswith": p})
    return q


@dataclass
class Scope:
    """What an official may see: region-code prefixes (None = everywhere) and the period.

    Facility figures are filtered by the ids of the facility services in scope (a short list, resolved once)
    so the database uses the (facility_service, starts_at) indexes instead of joining facility and region
    for every row; they are grouped by facility service and folded into service × 시·군·구 here.
    """

    prefixes: list[str] | None
    period: Period
    _fs: dict[int, tuple[str, str, str, int]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, *, user: Any, period: Period) -> Scope:
        return cls(prefixes=scope_prefixes(user), period=period)

    @property
    def facility_services(self) -> dict[int, tuple[str, str, str, int]]:
        """{facility service id: (service code, service name, 시·군·구 code, facility id)} in scope."""
        if self._fs is None:
            from dolbom.booking.models import FacilityService

            rows = FacilityService.objects.filter(_scope("facility__region__code", self.prefixes)).values_list(
                "pk", "service__code", "service__name", "facility__region__code", "facility_id"
            )
            self._fs = {pk: (code, name, (region or "")[:5], fid) for pk, code, name, region, fid in rows}
        return self._fs

    def bookings(self) -> QuerySet[Booking]:
        lo, hi = self.period.bounds()
        return Booking.objects.filter(
            facility_service_id__in=list(self.facility_services), starts_at__gte=lo, starts_at__lt=hi
        )

    def visits(self) -> QuerySet[VisitRequest]:
        lo, hi = self.period.bounds()
        return VisitRequest.objects.filter(_scope("region__code", self.prefixes), starts_at__gte=lo, starts_at__lt=hi)

    def slots(self) -> QuerySet[Slot]:
        lo, hi = self.period.bounds()
        return Slot.objects.filter(
            facility_service_id__in=list(self.facility_services), starts_at__gte=lo, starts_at__lt=hi, closed=False
        )


def _sgg_names(codes: set[str]) -> dict[str, str]:
    rows = Region.objects.filter(code__in=[c.ljust(10, "0") for c in codes]).values_list("code", "full_name")
    names = {code[:5]: name for code, name in rows}
    # a 구 of a 시 (수원시 장안구 41111) is shown under its own name; the 시 row (41110) under the 시
    return {c: names.get(c, c) for c in codes}


VISIT_PREFIX = "visit:"


def service_municipality_table(*, scope: Scope) -> list[dict[str, Any]]:
    """One row per (service, 시·군·구): requests, attended/completed, no-shows, cancellations, children, hours."""
    rows: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {
            "requests": 0,
            "served": 0,
            "no_show": 0,
            "cancelled": 0,
            "declined": 0,
            "uses": 0,
            "unique_children": 0,
            "child_hours": 0.0,
        }
    )
    names: dict[str, str] = {}
    S = Booking.Status
    fs_map = scope.facility_services

    def fold(fs_id: int) -> dict[str, Any]:
        code, name, sgg, _ = fs_map[fs_id]
        names[code] = name
        return rows[(code, sgg)]

    for r in (
        scope.bookings()
        .values("facility_service_id")
        .annotate(
            requests=Count("id"),
            served=Count("id", filter=Q(status=S.ATTENDED)),
            no_show=Count("id", filter=Q(status=S.NO_SHOW)),
            cancelled=Count("id", filter=Q(status=S.CANCELLED)),
            declined=Count("id", filter=Q(status=S.DECLINED)),
        )
    ):
        row = fold(r["facility_service_id"])
        for k in ("requests", "served", "no_show", "cancelled", "declined"):
            row[k] += r[k]
    # One pass over the children of attended bookings: uses, distinct children and child-hours per service ×
    # 시·군·구 (a booking holds every child for each of its consecutive one-hour slots, so its occupancy rows
    # number children × hours).
    attended = scope.bookings().filter(status=S.ATTENDED)
    groups: dict[str, list[int]] = defaultdict(list)
    for fs_id, (code, _name, sgg, _facility) in fs_map.items():
        groups[f"{code}|{sgg}"].append(fs_id)
        names[code] = fs_map[fs_id][1]
    if groups:
        key = Case(
            *[When(booking__facility_service_id__in=ids, then=Value(k)) for k, ids in groups.items()],
            output_field=CharField(),
        )
        length = ExpressionWrapper(F("booking__ends_at") - F("booking__starts_at"), output_field=DurationField())
        for r in (
            BookingChild.objects.filter(booking__in=attended.values("pk"))
            .values(k=key)
            .annotate(uses=Count("id"), unique=Count("child", distinct=True), length=Sum(length))
        ):
            code, _, sgg = r["k"].partition("|")
            row = rows[(code, sgg)]
            row["uses"] += r["uses"]
            row["unique_children"] += r["unique"]
            row["child_hours"] += _hours(r["length"])

    V = VisitRequest.Status
    visit_labels = dict(VisitRequest.Service.choices)
    for r in (
        scope.visits()
        .values(svc=F("service"), sgg=Substr("region__code", 1, 5))
        .annotate(
            requests=Count("id"),
            served=Count("id", filter=Q(status__in=VisitRequest.COMPLETED_STATES)),
            cancelled=Count("id", filter=Q(status=V.CANCELLED)),
            declined=Count("id", filter=Q(status=V.EXPIRED)),
        )
    ):
        key = VISIT_PREFIX + r["svc"]
        names[key] = str(visit_labels.get(r["svc"], r["svc"]))
        row = rows[(key, r["sgg"])]
        for k in ("requests", "served", "cancelled", "declined"):
            row[k] += r[k]
    through = VisitRequest.children.through
    length = ExpressionWrapper(F("visitrequest__ends_at") - F("visitrequest__starts_at"), output_field=DurationField())
    for r in (
        through.objects.filter(
            visitrequest__in=scope.visits().filter(status__in=VisitRequest.COMPLETED_STATES).values("pk")
        )
        .values(svc=F("visitrequest__service"), sgg=Substr("visitrequest__region__code", 1, 5))
        .annotate(uses=Count("id"), unique=Count("child", distinct=True), length=Sum(length))
    ):
        row = rows[(VISIT_PREFIX + r["svc"], r["sgg"])]
        row["uses"] += r["uses"]
        row["unique_children"] += r["unique"]
        row["child_hours"] += _hours(r["length"])

    sgg_names = _sgg_names({k[1] for k in rows})
    out = []
    for (svc, code), row in rows.items():
        taken = row["served"] + row["no_show"]
        out.append(
            {
                "service": names.get(svc, svc),
                "service_code": svc,
                "municipality": sgg_names.get(code, code),
                "municipality_code": code,
                **row,
                "child_hours": round(row["child_hours"], 1),
                "no_show_rate": round(100 * row["no_show"] / taken, 1) if taken else None,
            }
        )
    out.sort(key=lambda r: (r["service"], r["municipality_code"]))
    return out


def _hours(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds() / 3600
    return float(value) / 3_600_000_000  # microseconds where the database returns a number


def service_totals(table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table summed per service (the figures a report quotes: 방문형 28,596, 언제나 어린이집 6,857...)."""
    acc: dict[str, dict[str, Any]] = {}
    for r in table:
        t = acc.setdefault(
            r["service_code"],
            {
                "service": r["service"],
                "service_code": r["service_code"],
                "municipalities": 0,
                "requests": 0,
                "served": 0,
                "uses": 0,
                "child_hours": 0.0,
                "no_show": 0,
            },
        )
        t["municipalities"] += 1
        for k in ("requests", "served", "uses", "no_show"):
            t[k] += r[k]
        t["child_hours"] = round(t["child_hours"] + r["child_hours"], 1)
    return sorted(acc.values(), key=lambda t: -t["uses"])


def unique_children(*, scope: Scope) -> int:
    """Children who used any service in the period, each counted once."""
    facility = BookingChild.objects.filter(
        booking__in=scope.bookings().filter(status=Booking.Status.ATTENDED).values("pk")
    ).values("child_id")
    visits = VisitRequest.children.through.objects.filter(
        visitrequest__in=scope.visits().filter(status__in=VisitRequest.COMPLETED_STATES).values("pk")
    ).values("child_id")
    return facility.union(visits).count()


def satisfaction(*, scope: Scope) -> dict[str, Any]:
    facility = BookingRating.objects.filter(booking__in=scope.bookings().values("pk"))
    visits = VisitRating.objects.filter(request__in=scope.visits().values("pk"))
    dist = {s: 0 for s in range(1, 6)}
    total = 0
    stars_sum = 0
    for qs in (facility, visits):
        for r in qs.values("stars").annotate(n=Count("id")):
            dist[r["stars"]] += r["n"]
            total += r["n"]
            stars_sum += r["stars"] * r["n"]
    average = stars_sum / total if total else None
    return {
        "ratings": total,
        "average": round(average, 2) if average is not None else None,
        "score": round(average * 20, 1) if average is not None else None,
        "distribution": [
            {"stars": s, "count": n, "pct": round(100 * n / total, 1) if total else 0.0} for s, n in dist.items()
        ],
    }


def waiting_times(*, scope: Scope) -> list[dict[str, Any]]:
    wait = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    facility = scope.bookings().filter(decided_at__isnull=False).aggregate(n=Count("id"), avg=Avg(wait))
    visit_wait = ExpressionWrapper(F("created_at") - F("request__created_at"), output_field=DurationField())
    visits = VisitAssignment.objects.filter(
        request__in=scope.visits().values("pk"),
        status__in=[VisitAssignment.Status.ACCEPTED, VisitAssignment.Status.COMPLETED],
    ).aggregate(n=Count("id"), avg=Avg(visit_wait))
    return waiting_rows((facility["n"], _round_hours(facility["avg"])), (visits["n"], _round_hours(visits["avg"])))


def _round_hours(value: Any) -> float | None:
    return None if value is None else round(_hours(value), 2)


def fill_rates(*, scope: Scope) -> list[dict[str, Any]]:
    """Places offered and taken by weekday (1 = Monday) and hour of day, local time."""
    # Grouped by the raw start time (a few thousand distinct hours a year) and turned into local weekday and
    # hour here: the database does no per-row time-zone arithmetic.
    offered: dict[tuple[int, int], int] = defaultdict(int)
    for start, cap in (
        scope.slots().values_list("starts_at").annotate(cap=Sum("capacity")).values_list("starts_at", "cap")
    ):
        local = timezone.localtime(start)
        offered[(local.isoweekday(), local.hour)] += cap or 0
    taken: dict[tuple[int, int], int] = defaultdict(int)
    lo, hi = scope.period.bounds()
    for start, n in (
        Occupancy.objects.filter(
            active=True,
            slot__facility_service_id__in=list(scope.facility_services),
            slot__closed=False,
            starts_at__gte=lo,
            starts_at__lt=hi,
        )
        .values_list("starts_at")
        .annotate(n=Count("id"))
        .values_list("starts_at", "n")
    ):
        local = timezone.localtime(start)
        taken[(local.isoweekday(), local.hour)] += n
    out = []
    for key in sorted(set(offered) | set(taken)):
        cap, n = offered.get(key, 0) or 0, taken.get(key, 0)
        out.append(
            {
                "weekday": key[0],
                "weekday_name": weekday_short(key[0]),
                "hour": key[1],
                "offered": cap,
                "taken": n,
                "fill_rate": round(100 * n / cap, 1) if cap else None,
            }
        )
    return out


def fill_by_hour(rates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    acc: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in rates:
        acc[r["hour"]][0] += r["offered"]
        acc[r["hour"]][1] += r["taken"]
    return [
        {"hour": h, "offered": o, "taken": t, "fill_rate": round(100 * t / o, 1) if o else None}
        for h, (o, t) in sorted(acc.items())
    ]


def fill_by_weekday(rates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    acc: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in rates:
        acc[r["weekday"]][0] += r["offered"]
        acc[r["weekday"]][1] += r["taken"]
    return [
        {"weekday": weekday_short(d), "offered": o, "taken": t, "fill_rate": round(100 * t / o, 1) if o else None}
        for d, (o, t) in sorted(acc.items())
    ]


def unmet_requests(*, scope: Scope, declined: int | None = None, expired: int | None = None) -> list[dict[str, Any]]:
    """Declined bookings, waiting-list entries that never became a booking, visit requests left without a
    caregiver. `declined` and `expired` may come from the summaries (the waiting list is always counted live)."""
    lo, hi = scope.period.bounds()
    W = WaitlistEntry.Status
    waitlist = WaitlistEntry.objects.filter(
        _scope("facility_service__facility__region__code", scope.prefixes), created_at__gte=lo, created_at__lt=hi
    )
    return [
        {
            "kind": _("시설이 거절한 예약"),
            "count": declined
            if declined is not None
            else scope.bookings().filter(status=Booking.Status.DECLINED).count(),
        },
        {
            "kind": _("대기 후 예약하지 못함"),
            "count": waitlist.filter(status__in=[W.LAPSED, W.CANCELLED, W.WAITING]).count(),
        },
        {
            "kind": _("돌보미를 배정하지 못한 방문 요청"),
            "count": expired
            if expired is not None
            else scope.visits().filter(status=VisitRequest.Status.EXPIRED).count(),
        },
    ]


def monthly(*, scope: Scope) -> list[dict[str, Any]]:
    """Served child-uses per local month (facility and visits), for the trend chart. Grouped by start time in the
    database and folded into months here (no per-row time-zone arithmetic)."""
    acc: dict[str, int] = defaultdict(int)
    for start, n in (
        BookingChild.objects.filter(booking__in=scope.bookings().filter(status=Booking.Status.ATTENDED).values("pk"))
        .values_list("booking__starts_at")
        .annotate(n=Count("id"))
        .values_list("booking__starts_at", "n")
    ):
        acc[timezone.localtime(start).strftime("%Y-%m")] += n
    for start, n in (
        VisitRequest.children.through.objects.filter(
            visitrequest__in=scope.visits().filter(status__in=VisitRequest.COMPLETED_STATES).values("pk")
        )
        .values_list("visitrequest__starts_at")
        .annotate(n=Count("id"))
        .values_list("visitrequest__starts_at", "n")  # type: ignore[misc]
    ):
        acc[timezone.localtime(start).strftime("%Y-%m")] += n
    return [{"month": m, "uses": n} for m, n in sorted(acc.items())]


# ---------------------------------------------------------------- supply and demand


def supply_demand(*, user: Any) -> list[dict[str, Any]]:
    """Per 시·군·구 in scope: children aged 0–5 (latest 주민등록 인구) against facility places (정원 of listed
    facilities) — children per place, highest first (where care is shortest)."""
    from dolbom.directory.models import Facility
    from dolbom.regions.models import RegionPopulation

    prefixes = scope_prefixes(user)
    pops: dict[str, dict[str, Any]] = {}
    latest: dict[str, Any] = {}
    qs = RegionPopulation.objects.filter(
        _scope("region__code", prefixes), region__level=Region.Level.SIGUNGU, region__is_active=True
    ).values(
        "region__code",
        "region__full_name",
        "region__lat",
        "region__lng",
        "as_of",
        "age_0",
        "age_1",
        "age_2",
        "age_3",
        "age_4",
        "age_5",
    )
    for r in qs:
        code = r["region__code"][:5]
        if code in latest and latest[code] >= r["as_of"]:
            continue
        latest[code] = r["as_of"]
        pops[code] = {
            "name": r["region__full_name"],
            "children": sum(r[f"age_{i}"] for i in range(6)),  # type: ignore[literal-required]
            "as_of": r["as_of"],
            "lat": r["region__lat"],
            "lng": r["region__lng"],
        }
    places = {
        r["sgg"]: (r["places"] or 0, r["n"])
        for r in Facility.objects.filter(_scope("region__code", prefixes), status__in=Facility.LISTED_STATUSES)
        .annotate(sgg=Substr("region__code", 1, 5))
        .values("sgg")
        .annotate(places=Sum("capacity"), n=Count("id"))
    }
    out = []
    for code, p in pops.items():
        cap, n = places.get(code, (0, 0))
        out.append(
            {
                "municipality": p["name"],
                "municipality_code": code,
                "children_0_5": p["children"],
                "population_as_of": p["as_of"].isoformat(),
                "facilities": n,
                "places": cap,
                "children_per_place": round(p["children"] / cap, 2) if cap else None,
                "lat": p["lat"],
                "lng": p["lng"],
            }
        )
    out.sort(key=lambda r: (r["children_per_place"] is None, -(r["children_per_place"] or 0)))
    return out


def supply_map_points(rows: list[dict[str, Any]], *, dong: bool) -> list[dict[str, Any]]:
    """The rows of a supply table as map points (centre, name, 0–5 children, places, children per place); rows
    without a centre stay in the table only."""
    return [
        {
            "name": r["dong"] if dong else r["municipality"],
            "code": r["code"] if dong else r["municipality_code"],
            "lat": r["lat"],
            "lng": r["lng"],
            "children": r["children_0_5"],
            "places": r["places"],
            "per_place": r["children_per_place"],
        }
        for r in rows
        if r.get("lat") is not None and r.get("lng") is not None
    ]


# ---------------------------------------------------------------- monitoring


def monitoring(*, user: Any, today: date | None = None, days: int = 90) -> dict[str, list[dict[str, Any]]]:
    """Providers and caregivers needing attention: high no-show or cancellation rates, low ratings, incidents,
    checks and trainings expiring within 30 days (or expired)."""
    today = today or timezone.localdate()
    prefixes = scope_prefixes(user)
    scope = Scope(prefixes=prefixes, period=Period(start=today - timedelta(days=days), end=today))
    S = Booking.Status
    facilities = []
    for r in (
        scope.bookings()
        .values(fid=F("facility_service__facility_id"), name=F("facility_service__facility__name"))
        .annotate(
            n=Count("id"),
            no_show=Count("id", filter=Q(status=S.NO_SHOW)),
            attended=Count("id", filter=Q(status=S.ATTENDED)),
            cancelled=Count("id", filter=Q(status=S.CANCELLED)),
        )
    ):
        taken = r["no_show"] + r["attended"]
        rate = 100 * r["no_show"] / taken if taken else 0
        cancel_rate = 100 * r["cancelled"] / r["n"] if r["n"] else 0
        facilities.append({**r, "no_show_rate": round(rate, 1), "cancel_rate": round(cancel_rate, 1)})
    ratings = {
        r["facility_id"]: (r["avg"], r["n"])
        for r in BookingRating.objects.filter(booking__in=scope.bookings().values("pk"))
        .values("facility_id")
        .annotate(avg=Avg("stars"), n=Count("id"))
    }
    incidents = {
        r["facility_id"]: r["n"]
        for r in IncidentReport.objects.filter(
            _scope("facility__region__code", prefixes), occurred_at__gte=scope.period.bounds()[0]
        )
        .values("facility_id")
        .annotate(n=Count("id"))
    }
    flagged = []
    for f in facilities:
        avg, n_ratings = ratings.get(f["fid"], (None, 0))
        reasons = []
        if f["no_show_rate"] >= 10 and f["no_show"] >= 3:
            reasons.append(_("노쇼 %(rate)s%%") % {"rate": f["no_show_rate"]})
        if f["cancel_rate"] >= 25 and f["cancelled"] >= 5:
            reasons.append(_("취소 %(rate)s%%") % {"rate": f["cancel_rate"]})
        if avg is not None and n_ratings >= 3 and avg < 3.5:
            reasons.append(_("평점 %(rating).1f") % {"rating": avg})
        if incidents.get(f["fid"]):
            reasons.append(_("사고 보고 %(n)s건") % {"n": incidents[f["fid"]]})
        if reasons:
            flagged.append({**f, "rating": round(avg, 2) if avg else None, "reasons": reasons})
    flagged.sort(key=lambda f: -len(f["reasons"]))

    soon = today + timedelta(days=30)
    cg_scope = _scope("home_region__code", prefixes)
    caregivers = []
    for c in Caregiver.objects.filter(cg_scope, is_active=True, background_check_expires__lte=soon).order_by(
        "background_check_expires"
    )[:200]:
        caregivers.append(
            {
                "caregiver": c.display_name,
                "item": _("신원조회"),
                "expires": c.background_check_expires,
                "expired": c.background_check_expires is not None and c.background_check_expires < today,
            }
        )
    for q in (
        Qualification.objects.filter(
            _scope("caregiver__home_region__code", prefixes), caregiver__is_active=True, expires_on__lte=soon
        )
        .select_related("caregiver")
        .order_by("expires_on")[:200]
    ):
        caregivers.append(
            {
                "caregiver": q.caregiver.display_name,
                "item": q.get_code_display(),
                "expires": q.expires_on,
                "expired": q.expires_on is not None and q.expires_on < today,
            }
        )
    low_rated = [
        {"caregiver": r["caregiver__display_name"], "rating": round(r["avg"], 2), "ratings": r["n"]}
        for r in VisitRating.objects.filter(
            _scope("caregiver__home_region__code", prefixes), created_at__gte=scope.period.bounds()[0]
        )
        .values("caregiver__display_name")
        .annotate(avg=Avg("stars"), n=Count("id"))
        .filter(n__gte=3, avg__lt=3.5)
    ]
    return {
        "facilities": flagged,
        "caregiver_expiry": caregivers,
        "caregiver_ratings": low_rated,
        "unanswered": unanswered_followups(prefixes=prefixes, today=today),
    }


def unanswered_followups(*, prefixes: list[str] | None, today: date) -> list[dict[str, Any]]:
    """Follow-ups past their due date: home-visit 사후관리 tasks not done, and promised call-backs still scheduled."""
    from dolbom.counselling.models import Callback
    from dolbom.matching.models import FollowUpTask

    now = timezone.now()
    rows: list[dict[str, Any]] = [
        {
            "kind": _("방문돌봄 사후관리 (%(reason)s)") % {"reason": t.get_reason_display()},
            "region": t.region.full_name,
            "due": t.due_date,
            "detail": t.caregiver.display_name if t.caregiver else "",
        }
        for t in FollowUpTask.objects.filter(
            _scope("region__code", prefixes), due_date__lt=today, status__in=["open", "in_progress"]
        )
        .select_related("region", "caregiver")
        .order_by("due_date")[:200]
    ]
    rows += [
        {
            "kind": _("전화 회신"),
            "region": c.region.full_name if c.region else "",
            "due": timezone.localtime(c.due_at).date(),
            "detail": c.get_topic_display(),
        }
        for c in Callback.objects.filter(
            _scope("region__code", prefixes), due_at__lt=now, status=Callback.Status.SCHEDULED
        )
        .select_related("region")
        .order_by("due_at")[:200]
    ]
    return rows


# ---------------------------------------------------------------- the dashboard as tables (page and exports)


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]


def dashboard_tables(*, scope: Scope, live: bool = False) -> dict[str, Table]:
    """Every figure of the dashboard as named tables; the page, CSV and XLSX all come from here.

    Read from the daily summaries (`summaries.py`, refreshed first) unless `live` or the scope is given by codes
    finer than a 시·군·구; the live queries of this module define the figures and give the same answer."""
    from . import summaries

    table: list[dict[str, Any]]
    rates: list[dict[str, Any]]
    sat: dict[str, Any]
    unique: int
    if not live and summaries.usable_for(scope.prefixes):
        summaries.summaries_refresh()
        got = summaries.summary_tables(scope=scope)
        table, rates, sat = got["table"], got["rates"], got["satisfaction"]
        unique, months, waiting = got["unique_children"], got["monthly"], got["waiting"]
        unmet = unmet_requests(scope=scope, declined=got["declined_bookings"], expired=got["expired_visits"])
    else:
        table, rates, sat = service_municipality_table(scope=scope), fill_rates(scope=scope), satisfaction(scope=scope)
        unique, months, waiting = unique_children(scope=scope), monthly(scope=scope), waiting_times(scope=scope)
        unmet = unmet_requests(scope=scope)
    summary = [
        {"figure": _("이용 아동(연인원)"), "value": sum(r["uses"] for r in table)},
        {"figure": _("이용 아동(실인원)"), "value": unique},
        {"figure": _("이용 시간(아동×시간)"), "value": round(sum(r["child_hours"] for r in table), 1)},
        {"figure": _("신청"), "value": sum(r["requests"] for r in table)},
        {"figure": _("노쇼"), "value": sum(r["no_show"] for r in table)},
        {"figure": _("만족도(100점)"), "value": sat["score"]},
        {"figure": _("평가 수"), "value": sat["ratings"]},
        {"figure": _("참여 시·군·구 수"), "value": len({r["municipality_code"] for r in table})},
    ]
    tables = [
        Table("summary", _("요약"), [("figure", _("항목")), ("value", _("값"))], summary),
        Table(
            "services",
            _("서비스별"),
            [
                ("service", _("서비스")),
                ("municipalities", _("시·군·구 수")),
                ("requests", _("신청")),
                ("served", _("이용 완료")),
                ("uses", _("이용 아동(연인원)")),
                ("child_hours", _("이용 시간")),
                ("no_show", _("노쇼")),
            ],
            service_totals(table),
        ),
        Table(
            "service_municipality",
            _("서비스 × 시·군·구"),
            [
                ("service", _("서비스")),
                ("municipality", _("시·군·구")),
                ("municipality_code", pgettext("region code", "코드")),
                ("requests", _("신청")),
                ("served", _("이용 완료")),
                ("no_show", _("노쇼")),
                ("no_show_rate", _("노쇼율(%)")),
                ("cancelled", pgettext("count column", "취소")),
                ("declined", _("거절·미배정")),
                ("uses", _("이용 아동(연인원)")),
                ("unique_children", _("이용 아동(실인원)")),
                ("child_hours", _("이용 시간")),
            ],
            table,
        ),
        Table(
            "monthly",
            _("월별 이용 아동(연인원)"),
            [("month", pgettext("month column", "월")), ("uses", _("이용 아동"))],
            months,
        ),
        Table(
            "satisfaction",
            _("만족도 분포"),
            [("stars", _("별점")), ("count", _("건수")), ("pct", _("비율(%)"))],
            sat["distribution"],
        ),
        Table(
            "waiting",
            _("대기 시간"),
            [("kind", _("구분")), ("count", _("건수")), ("average_hours", _("평균(시간)"))],
            waiting,
        ),
        Table(
            "fill_hour",
            _("시간대별 이용률"),
            [
                ("hour", pgettext("hour of day", "시")),
                ("offered", _("제공 자리")),
                ("taken", _("이용 자리")),
                ("fill_rate", _("이용률(%)")),
            ],
            fill_by_hour(rates),
        ),
        Table(
            "fill_weekday",
            _("요일별 이용률"),
            [
                ("weekday", _("요일")),
                ("offered", _("제공 자리")),
                ("taken", _("이용 자리")),
                ("fill_rate", _("이용률(%)")),
            ],
            fill_by_weekday(rates),
        ),
        Table(
            "fill_weekday_hour",
            _("요일 × 시간대 이용률"),
            [
                ("weekday_name", _("요일")),
                ("hour", pgettext("hour of day", "시")),
                ("offered", _("제공 자리")),
                ("taken", _("이용 자리")),
                ("fill_rate", _("이용률(%)")),
            ],
            rates,
        ),
        Table("unmet", _("충족되지 못한 요청"), [("kind", _("구분")), ("count", _("건수"))], unmet),
    ]
    return {t.key: t for t in tables}


# ---------------------------------------------------------------- a provider's own figures


def facility_figures(*, facility_id: int, period: Period) -> dict[str, Any]:
    """One facility's bookings by status, children served, no-show rate, fill rate and ratings over a period."""
    lo, hi = period.bounds()
    S = Booking.Status
    bookings = Booking.objects.filter(facility_service__facility_id=facility_id, starts_at__gte=lo, starts_at__lt=hi)
    counts = bookings.aggregate(
        requests=Count("id"),
        attended=Count("id", filter=Q(status=S.ATTENDED)),
        no_show=Count("id", filter=Q(status=S.NO_SHOW)),
        cancelled=Count("id", filter=Q(status=S.CANCELLED)),
        declined=Count("id", filter=Q(status=S.DECLINED)),
        upcoming=Count("id", filter=Q(status__in=[S.PENDING, S.CONFIRMED])),
    )
    slots = Slot.objects.filter(
        facility_service__facility_id=facility_id, starts_at__gte=lo, starts_at__lt=hi, closed=False
    )
    offered = slots.aggregate(n=Sum("capacity"))["n"] or 0
    taken = Occupancy.objects.filter(active=True, slot__in=slots.values("pk")).count()
    rating = BookingRating.objects.filter(booking__in=bookings.values("pk")).aggregate(avg=Avg("stars"), n=Count("id"))
    served_children = BookingChild.objects.filter(booking__in=bookings.filter(status=S.ATTENDED).values("pk"))
    taken_bookings = counts["attended"] + counts["no_show"]
    return {
        **counts,
        "uses": served_children.count(),
        "unique_children": served_children.values("child").distinct().count(),
        "offered": offered,
        "taken": taken,
        "fill_rate": round(100 * taken / offered, 1) if offered else None,
        "no_show_rate": round(100 * counts["no_show"] / taken_bookings, 1) if taken_bookings else None,
        "rating": round(rating["avg"], 2) if rating["avg"] is not None else None,
        "ratings": rating["n"],
        "incidents": IncidentReport.objects.filter(facility_id=facility_id, occurred_at__gte=lo, occurred_at__lt=hi)
        .values("pk")
        .count(),
    }


def data_version() -> str:
    """A fingerprint of every record the dashboards read (counts and latest changes). Status changes update a
    booking's or request's updated_at, so any change to a figure changes the fingerprint."""
    from dolbom.booking.models import Booking as B

    parts = []
    for model in (B, Slot, VisitRequest, VisitAssignment, BookingRating, VisitRating, WaitlistEntry):
        agg = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
        parts.append(f"{agg['n']}:{agg['last'].isoformat() if agg['last'] else ''}")
    return "|".join(parts)


def _waitlist_version() -> str:
    """The waiting list is counted live (a small table); its status changes do not touch updated_at."""
    return str(sorted(WaitlistEntry.objects.values_list("status").annotate(n=Count("pk"), last=Max("pk"))))


def dashboard_tables_cached(*, scope: Scope, timeout: int = 3600) -> dict[str, Table]:
    """dashboard_tables, kept in the cache until any record it reads changes: the page and its exports (CSV of
    each table, XLSX) compute the figures once. The answer is always the same as an uncached call."""
    import hashlib

    from django.core.cache import cache

    from . import summaries

    # the summaries' version changes whenever a figure they hold changes; scopes answered live use the records'
    # fingerprint
    version = (
        f"s{summaries.summaries_refresh()}|{_waitlist_version()}"
        if summaries.usable_for(scope.prefixes)
        else data_version()
    )
    # titles, headers and labels are in the request's language, so each language has its own entry
    scope_key = f"{scope.prefixes}|{scope.period.start}|{scope.period.end}|{version}|{get_language()}"
    key = "ops-dash:" + hashlib.sha256(scope_key.encode()).hexdigest()
    tables = cache.get(key)
    if tables is None:
        tables = dashboard_tables(scope=scope)
        cache.set(key, tables, timeout)
    return tables


def supply_demand_dong(*, user: Any, sgg_code: str) -> list[dict[str, Any]]:
    """Per 행정동 of one 시·군·구 in scope: children aged 0–5 against the places of listed facilities. Facility
    records carry a 시·군·구 and coordinates, not a 행정동, so each facility is counted in the 행정동 whose
    centre is nearest (an approximation near boundaries; the 시·군·구 totals are exact)."""
    import math

    from dolbom.core.permissions import region_in_scope
    from dolbom.directory.models import Facility
    from dolbom.regions.models import RegionPopulation

    sgg_code = (sgg_code or "")[:5]
    if len(sgg_code) != 5 or not sgg_code.isdigit() or not region_in_scope(user, sgg_code.ljust(10, "0")):
        return []
    from dolbom.regions.selectors import region_scope_prefixes

    unit = Region.objects.filter(code=sgg_code.ljust(10, "0")).first()
    if unit is None:
        return []
    within = region_scope_prefixes(region=unit)  # a 시 with 구 (수원시) spans its 구' codes
    dongs: dict[str, dict[str, Any]] = {}
    for r in (
        RegionPopulation.objects.filter(
            _scope("region__code", within), region__level=Region.Level.EUPMYEONDONG, region__is_active=True
        )
        .order_by("region__code", "-as_of")
        .values("region__code", "region__name", "region__lat", "region__lng", "as_of", "age_0", "age_1", "age_2",
                "age_3", "age_4", "age_5")
    ):  # fmt: skip
        if r["region__code"] in dongs:
            continue  # an older month
        dongs[r["region__code"]] = {
            "dong": r["region__name"],
            "code": r["region__code"],
            "lat": r["region__lat"],
            "lng": r["region__lng"],
            "children_0_5": sum(r[f"age_{i}"] for i in range(6)),  # type: ignore[literal-required]
            "population_as_of": r["as_of"].isoformat(),
            "facilities": 0,
            "places": 0,
        }
    located = [d for d in dongs.values() if d["lat"] is not None and d["lng"] is not None]
    if located:
        for lat, lng, cap in Facility.objects.filter(
            _scope("region__code", within), status__in=Facility.LISTED_STATUSES, lat__isnull=False, lng__isnull=False
        ).values_list("lat", "lng", "capacity"):
            scale = math.cos(math.radians(lat or 0.0))
            nearest = min(located, key=lambda d: (d["lat"] - lat) ** 2 + ((d["lng"] - lng) * scale) ** 2)
            nearest["facilities"] += 1
            nearest["places"] += cap or 0
    out = []
    for d in dongs.values():
        out.append(
            {
                **d,
                "children_per_place": round(d["children_0_5"] / d["places"], 2) if d["places"] else None,
            }
        )
    out.sort(key=lambda r: (r["children_per_place"] is None, -(r["children_per_place"] or 0)))
    return out
