"""Reads for home-visit matching: rows turned into the engine's plain dataclasses, ranked candidates, queue
position with an estimated wait, fee quotes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Q, QuerySet
from django.utils import timezone

from dolbom.matching import engine
from dolbom.matching.models import (
    AvailabilityException,
    Caregiver,
    ServiceProvider,
    VisitAssignment,
    VisitRating,
    VisitRequest,
)

RATES_FILE = Path(settings.BASE_DIR) / "dolbom" / "benefits" / "eligibility" / "parameters" / "child_care_service.yaml"


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=_tz())


def age_in_months(birth: dt.date, on: dt.date) -> int:
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day:
        months -= 1
    return max(0, months)


def caregiver_day_availability(*, caregiver: Caregiver, day: dt.date) -> list[engine.Interval]:
    """Weekly blocks of that weekday, minus the day's unavailable exceptions, plus its extra blocks."""
    blocks = [
        (_at(day, w.start_time), _at(day, w.end_time)) for w in caregiver.weekly.all() if w.weekday == day.weekday()
    ]
    excs = [e for e in caregiver.exceptions.all() if e.date == day]
    for e in excs:
        if e.kind != AvailabilityException.Kind.UNAVAILABLE:
            continue
        if e.start_time is None or e.end_time is None:
            blocks = []
            break
        cut_s, cut_e = _at(day, e.start_time), _at(day, e.end_time)
        kept = []
        for s, f in blocks:
            if f <= cut_s or cut_e <= s:
                kept.append((s, f))
                continue
            if s < cut_s:
                kept.append((s, cut_s))
            if cut_e < f:
                kept.append((cut_e, f))
        blocks = kept
    for e in excs:
        if e.kind == AvailabilityException.Kind.EXTRA and e.start_time is not None and e.end_time is not None:
            blocks.append((_at(day, e.start_time), _at(day, e.end_time)))
    return [engine.Interval(s, f) for s, f in sorted(blocks)]


def _caregiver_queryset() -> QuerySet[Caregiver]:
    return (
        Caregiver.objects.filter(is_active=True)
        .select_related("provider")
        .prefetch_related("qualifications", "weekly", "exceptions", "regions_served")
    )


def caregivers_as_engine(
    *, day: dt.date, caregivers: Iterable[Caregiver] | None = None, exclude_request_ids: Iterable[int] = ()
) -> list[engine.Caregiver]:
    """Active caregivers as the engine sees them on `day`: availability, the day's active assignments (other
    than those of `exclude_request_ids`, which a batch re-run may reassign), ratings by household."""
    cgs = list(caregivers) if caregivers is not None else list(_caregiver_queryset())
    ids = [c.pk for c in cgs]
    start, end = _at(day, dt.time(0)), _at(day + dt.timedelta(days=1), dt.time(0))
    booked: dict[int, list[engine.Booked]] = defaultdict(list)
    for a in (
        VisitAssignment.objects.filter(
            caregiver_id__in=ids, status__in=VisitAssignment.ACTIVE, starts_at__lt=end, ends_at__gt=start
        )
        .exclude(request_id__in=list(exclude_request_ids))
        .select_related("request")
    ):
        booked[a.caregiver_id].append(
            engine.Booked(
                timezone.localtime(a.starts_at, _tz()),
                timezone.localtime(a.ends_at, _tz()),
                a.request.lat,
                a.request.lng,
                str(a.request_id),
            )
        )
    ratings: dict[int, dict[str, float]] = defaultdict(dict)
    for row in (
        VisitRating.objects.filter(caregiver_id__in=ids)
        .values("caregiver_id", "household_id")
        .annotate(avg=Avg("stars"))
    ):
        ratings[row["caregiver_id"]][str(row["household_id"])] = float(row["avg"])
    since = start - dt.timedelta(days=28)
    workload: dict[int, float] = defaultdict(float)
    for a in VisitAssignment.objects.filter(
        caregiver_id__in=ids,
        status__in=[VisitAssignment.Status.ACCEPTED, VisitAssignment.Status.COMPLETED],
        starts_at__gte=since,
        starts_at__lt=start,
    ).only("caregiver_id", "starts_at", "ends_at"):
        workload[a.caregiver_id] += (a.ends_at - a.starts_at).total_seconds() / 3600
    out = []
    for c in cgs:
        out.append(
            engine.Caregiver(
                id=str(c.pk),
                lat=c.home_lat,
                lng=c.home_lng,
                regions=frozenset(r.code[:5] for r in c.regions_served.all()),
                qualifications=tuple(engine.Qualification(q.code, q.expires_on) for q in c.qualifications.all()),
                background_check_expires=c.background_check_expires,
                languages=frozenset(c.languages or ["ko"]),
                min_child_age_months=c.min_child_age_months,
                max_child_age_months=c.max_child_age_months,
                max_children=c.max_children,
                availability=tuple(caregiver_day_availability(caregiver=c, day=day)),
                assignments=tuple(booked.get(c.pk, ())),
                recent_workload_hours=round(workload.get(c.pk, 0.0), 2),
                ratings=ratings.get(c.pk, {}),
            )
        )
    return out


def request_as_engine(*, request: VisitRequest) -> engine.Request:
    on = timezone.localtime(request.starts_at, _tz()).date()
    ages = tuple(sorted(age_in_months(c.birth_date, on) for c in request.children.all() if c.birth_date))
    return engine.Request(
        id=str(request.pk),
        family_id=str(request.household_id),
        lat=request.lat,
        lng=request.lng,
        region_code=request.region.code,
        start=timezone.localtime(request.starts_at, _tz()),  # local, so reasons quote local times
        end=timezone.localtime(request.ends_at, _tz()),
        children_ages_months=ages or (0,),
        needs=frozenset(request.needs or []),
        language=request.language or None,
        created_at=request.created_at,
        urgency=request.urgency,
        service=request.service,
    )


def open_requests_for_day(*, day: dt.date, region_prefix: str = "") -> QuerySet[VisitRequest]:
    start, end = _at(day, dt.time(0)), _at(day + dt.timedelta(days=1), dt.time(0))
    qs = VisitRequest.objects.filter(
        status__in=[VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED], starts_at__gte=start, starts_at__lt=end
    )
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    return qs.select_related("region").prefetch_related("children").order_by("created_at", "id")


@dataclass(frozen=True)
class CandidateView:
    caregiver: Caregiver
    candidate: engine.Candidate


def visit_candidates(
    *, request: VisitRequest, limit: int = 10, policy: engine.MatchingPolicy | None = None
) -> tuple[list[CandidateView], dict[str, list[str]]]:
    """Ranked caregivers for one request (for a coordinator to confirm, or to offer in turn) and why the
    others are not offered."""
    policy = policy or engine.MatchingPolicy()
    day = timezone.localtime(request.starts_at, _tz()).date()
    sgg = request.region.code[:5]
    rows = list(_caregiver_queryset().filter(regions_served__code__startswith=sgg).distinct())
    cgs = caregivers_as_engine(day=day, caregivers=rows, exclude_request_ids=[request.pk])
    req = request_as_engine(request=request)
    ranked = engine.rank_candidates(req, cgs, policy, limit=limit)
    by_id = {str(c.pk): c for c in rows}
    rejected = engine.explain_rejections(req, cgs, policy)
    return [CandidateView(by_id[c.caregiver_id], c) for c in ranked], rejected


@dataclass(frozen=True)
class QueueStatus:
    position: int | None  # None when the request is no longer waiting
    wait: engine.WaitEstimate | None


def visit_queue_status(*, request: VisitRequest, now: dt.datetime | None = None) -> QueueStatus:
    """Position among open requests of the same 시군구 (urgent first, then first come) and an estimated wait
    from the caregiver-hours still free there on the visit's day and the recent fill rate."""
    if request.status != VisitRequest.Status.OPEN:
        return QueueStatus(None, None)
    now = now or timezone.now()
    sgg = request.region.code[:5]
    waiting = list(
        VisitRequest.objects.filter(status=VisitRequest.Status.OPEN, region__code__startswith=sgg)
        .order_by("-urgency", "created_at", "id")
        .values_list("id", flat=True)
    )
    position = waiting.index(request.pk) + 1
    # supply: caregiver-hours still free on the day of the visit, from now (or that day's start) to its end
    day = timezone.localtime(request.starts_at, _tz()).date()
    horizon_start = max(now, _at(day, dt.time(0)))
    horizon_end = _at(day + dt.timedelta(days=1), dt.time(0))
    rows = list(_caregiver_queryset().filter(regions_served__code__startswith=sgg).distinct())
    free_hours = 0.0
    for c in caregivers_as_engine(day=day, caregivers=rows):
        for iv in c.availability:
            s = max(iv.start, horizon_start)
            if iv.end > s:
                free_hours += (iv.end - s).total_seconds() / 3600
        free_hours -= sum(
            (b.end - max(b.start, horizon_start)).total_seconds() / 3600 for b in c.assignments if b.end > horizon_start
        )
    recent = VisitRequest.objects.filter(region__code__startswith=sgg, starts_at__gte=now - dt.timedelta(days=30))
    decided = recent.filter(~Q(status__in=[VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED]))
    filled = decided.filter(status__in=[VisitRequest.Status.ASSIGNED, VisitRequest.Status.DONE]).count()
    total = decided.exclude(status=VisitRequest.Status.CANCELLED).count()
    fill_rate = filled / total if total else None
    hours_left = max(1.0, (horizon_end - horizon_start).total_seconds() / 3600)
    wait = engine.estimate_wait(position, len(waiting), max(0.0, free_hours), fill_rate, horizon_hours=hours_left)
    return QueueStatus(position, wait)


def hourly_rate_on(day: dt.date) -> int:
    """아이돌봄서비스 시간당 이용요금 in force on `day`, from the benefits rules data."""
    from dolbom.benefits.eligibility.parameters import load_parameter_file

    return int(load_parameter_file(RATES_FILE)["hourly_rate"].at(day))


def visit_fee_quote(
    *,
    request: VisitRequest,
    income_tier: str | None = None,
    tier_shares: dict[str, float] | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> engine.FeeQuote:
    """Quote for the requested times, or for other (actual) times when given. `income_tier` defaults to the
    one the family gave with the request; the government's share per tier comes from the 아이돌봄 rules
    (`idolbom_tier_shares`) in force on the day, unless `tier_shares` is given. An unknown or unreadable
    tier is quoted at the full price with a note."""
    import holidays as holiday_calendar

    from dolbom.benefits.eligibility.idolbom import idolbom_tier_shares, normalise_tier

    start = timezone.localtime(starts_at or request.starts_at, _tz())
    end = timezone.localtime(ends_at or request.ends_at, _tz())
    start, end = start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)
    if end <= start:
        end = start + dt.timedelta(minutes=1)
    days = {start.date() + dt.timedelta(days=k) for k in range((end.date() - start.date()).days + 1)}
    kr = holiday_calendar.country_holidays("KR", years=sorted({d.year for d in days}))
    tier = income_tier if income_tier else (request.income_tier or None)
    try:
        tier = normalise_tier(tier)
    except ValueError:
        tier = None
    if tier_shares is None:
        try:
            tier_shares = idolbom_tier_shares(on=start.date())
        except LookupError:  # no parameter in force that day: quote the full price (the engine adds the note)
            tier_shares = {}
    return engine.fee_quote(
        start.replace(tzinfo=None),
        end.replace(tzinfo=None),
        hourly_rate_on(start.date()),
        {d for d in days if d in kr},
        tier,
        tier_shares,
    )


# ------------------------------------------------------------------ lifecycle reads


def caregiver_of(*, user: object) -> Caregiver | None:
    pk = getattr(user, "pk", None)
    return None if pk is None else Caregiver.objects.filter(user_id=pk).first()


def caregiver_offers(*, caregiver: Caregiver) -> QuerySet[VisitAssignment]:
    """Offers waiting for the caregiver's answer (upcoming only)."""
    return (
        VisitAssignment.objects.filter(
            caregiver=caregiver, status=VisitAssignment.Status.OFFERED, ends_at__gt=timezone.now()
        )
        .select_related("request__region")
        .prefetch_related("request__children")
        .order_by("starts_at")
    )


def caregiver_visits_on(*, caregiver: Caregiver, day: dt.date) -> QuerySet[VisitAssignment]:
    """The caregiver's confirmed and finished visits starting that day, plus any still under way."""
    start, end = _at(day, dt.time(0)), _at(day + dt.timedelta(days=1), dt.time(0))
    return (
        VisitAssignment.objects.filter(caregiver=caregiver)
        .filter(
            Q(status__in=[VisitAssignment.Status.ACCEPTED, VisitAssignment.Status.COMPLETED])
            & (Q(starts_at__gte=start, starts_at__lt=end) | Q(arrived_at__isnull=False, ended_at__isnull=True))
        )
        .select_related("request__region", "request__household")
        .prefetch_related("request__children")
        .order_by("starts_at")
    )


def family_visit_requests(*, household_ids: Iterable[int]) -> QuerySet[VisitRequest]:
    return (
        VisitRequest.objects.filter(household_id__in=list(household_ids))
        .select_related("region", "household")
        .prefetch_related("children", "assignments__caregiver", "followups")
        .order_by("-starts_at", "-id")
    )


def followups_for(*, prefixes: list[str] | None, status: str = "") -> QuerySet:
    from dolbom.matching.models import FollowUpTask

    qs = FollowUpTask.objects.select_related("request", "caregiver", "region", "assignee")
    if prefixes is not None:
        cond = Q(pk__in=[])
        for p in prefixes:
            cond |= Q(region__code__startswith=p)
        qs = qs.filter(cond)
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status="done")
    return qs.order_by("due_date", "id")


def open_requests_in_scope(*, prefixes: list[str] | None) -> QuerySet[VisitRequest]:
    qs = VisitRequest.objects.filter(
        status__in=[VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED, VisitRequest.Status.ASSIGNED],
        ends_at__gt=timezone.now(),
    )
    if prefixes is not None:
        cond = Q(pk__in=[])
        for p in prefixes:
            cond |= Q(region__code__startswith=p)
        qs = qs.filter(cond)
    return (
        qs.select_related("region").prefetch_related("children", "assignments__caregiver").order_by("starts_at", "id")
    )


@dataclass(frozen=True)
class Quality:
    """Quality figures from follow-up (사후관리): completed visits, the families' ratings, problem reports and
    follow-up tasks (all, and those still open)."""

    visits: int
    ratings: int
    average: float | None
    low_ratings: int
    followups: int
    reports: int = 0
    open_followups: int = 0


def _quality_rows(key: str, ids: list[int]) -> dict[int, Quality]:
    """Figures grouped by `key` ("caregiver_id" or "caregiver__provider_id")."""
    from django.db.models import Count

    from dolbom.matching.models import FollowUpTask

    flt = {f"{key}__in": ids}
    visits = dict(
        VisitAssignment.objects.filter(status=VisitAssignment.Status.COMPLETED, **flt)
        .values(key)
        .annotate(n=Count("id"))
        .values_list(key, "n")
    )
    rating_rows = {
        r[key]: r
        for r in VisitRating.objects.filter(**flt)
        .values(key)
        .annotate(n=Count("id"), avg=Avg("stars"), low=Count("id", filter=Q(stars__lte=2)))
    }
    fu_rows = {
        r[key]: r
        for r in FollowUpTask.objects.filter(**flt)
        .values(key)
        .annotate(
            n=Count("id"),
            reports=Count("id", filter=Q(reason=FollowUpTask.Reason.REPORT)),
            open=Count("id", filter=~Q(status=FollowUpTask.Status.DONE)),
        )
    }
    out = {}
    for i in ids:
        r = rating_rows.get(i)
        f = fu_rows.get(i)
        out[i] = Quality(
            visits=visits.get(i, 0),
            ratings=r["n"] if r else 0,
            average=round(float(r["avg"]), 2) if r else None,
            low_ratings=r["low"] if r else 0,
            followups=f["n"] if f else 0,
            reports=f["reports"] if f else 0,
            open_followups=f["open"] if f else 0,
        )
    return out


def caregiver_quality(*, caregiver_ids: Iterable[int]) -> dict[int, Quality]:
    """Quality figures per caregiver from completed visits, ratings, problem reports and follow-ups."""
    return _quality_rows("caregiver_id", sorted(set(caregiver_ids)))


@dataclass(frozen=True)
class ProviderQuality:
    provider: ServiceProvider
    caregivers: int  # active caregivers
    quality: Quality


def provider_quality(*, prefixes: list[str] | None = None) -> list[ProviderQuality]:
    """Quality figures per 서비스제공기관 (its caregivers' visits, ratings, reports, follow-ups), for the
    providers in the given region prefixes (None: all), worst average first so problems stand out."""
    from django.db.models import Count

    qs = ServiceProvider.objects.select_related("region").annotate(
        n_caregivers=Count("caregivers", filter=Q(caregivers__is_active=True))
    )
    if prefixes is not None:
        cond = Q(pk__in=[])
        for p in prefixes:
            cond |= Q(region__code__startswith=p)
        qs = qs.filter(cond)
    providers = list(qs.order_by("name", "id"))
    figures = _quality_rows("caregiver__provider_id", [p.pk for p in providers])
    rows = [ProviderQuality(p, p.n_caregivers, figures[p.pk]) for p in providers]  # type: ignore[attr-defined]
    return sorted(rows, key=lambda r: (r.quality.average is None, r.quality.average or 0, r.provider.name))
