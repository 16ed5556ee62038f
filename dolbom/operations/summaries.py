"""Daily summary tables behind the dashboards, and the figures read from them.

A province-sized year holds about a million one-hour occupancy rows; scanning them for every dashboard takes
seconds. The summaries hold one row per day × service × 시·군·구 (counts, child-hours, ratings, waiting times),
per day × 시·군·구 × hour (places offered and taken) and per day × service × 시·군·구 × child (for unique children,
which cannot be summed from daily counts). Unique children over whole months are read from yearly rows (one per
year × service × 시·군·구 × child, and one per year × 시·도 × child, each with the months the child was served in),
which follow the daily child rows whenever days are recomputed; a period's partial months at its edges are read
from the daily rows. The readers below answer in the same shapes as the live queries of
`statistics.py`, which stay the definition: the tests check both against counts made from the records.

Summaries are never incremented: a refresh recomputes whole days from the source records. Which days:
- days of records created since the last refresh (primary keys above the last marks);
- days of records named in audit entries written since then (every state change is audited: a booking's
  status, a slot's capacity, a closed day, a visit's status, an assignment, a rating);
- days whose records were deleted (post-delete receivers mark them: a household erasing its data).
Marks are read from a few minutes back (`MARGIN`) so that a transaction that committed late is still seen.
`summaries_refresh()` runs before every dashboard read (cheap when nothing changed: a handful of indexed
queries), every few minutes as a periodic task, and `summaries_rebuild` recomputes everything on demand
(`manage.py operations_summaries --rebuild`; after bulk loads that bypass the services).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, Substr, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from dolbom.booking.models import Booking, BookingChild, CareService, FacilityService, Occupancy, Slot
from dolbom.core.weekdays import weekday_short
from dolbom.matching.models import VisitAssignment, VisitRating, VisitRequest

from .models import (
    BookingRating,
    DailyChildUse,
    DailyFillSummary,
    DailyServiceSummary,
    SummaryDirtyDay,
    SummaryState,
    YearlyChildReach,
    YearlyChildUse,
)

MARGIN = timedelta(minutes=10)
VISIT_PREFIX = "visit:"
SERVICE_FIELDS = (
    "requests",
    "served",
    "no_show",
    "cancelled",
    "declined",
    "uses",
    "child_seconds",
    "stars_1",
    "stars_2",
    "stars_3",
    "stars_4",
    "stars_5",
    "wait_count",
    "wait_seconds",
)
#: source tables whose new rows (primary key above the mark) make their days dirty
MARKED = {
    "booking": Booking,
    "slot": Slot,
    "visitrequest": VisitRequest,
    "visitassignment": VisitAssignment,
    "bookingrating": BookingRating,
    "visitrating": VisitRating,
}


def _tz() -> Any:
    return timezone.get_current_timezone()


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=_tz()),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=_tz()),
    )


def _seconds(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return round(value.total_seconds())
    return round(float(value) / 1_000_000)  # microseconds where the database returns a number


def _fs_keys() -> dict[int, tuple[str, str]]:
    return {
        pk: (code, (region or "")[:5])
        for pk, code, region in FacilityService.objects.values_list("pk", "service__code", "facility__region__code")
    }


# ---------------------------------------------------------------- computing days from the records


def summaries_compute(
    *, start: date, end: date
) -> tuple[list[DailyServiceSummary], list[DailyFillSummary], list[DailyChildUse]]:
    """The summary rows of the days start..end (inclusive), computed from the records."""
    lo, hi = _bounds(start, end)
    tz = _tz()
    fs_keys = _fs_keys()
    svc: dict[tuple[date, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(SERVICE_FIELDS, 0))
    S = Booking.Status

    def fkey(day: date, fs_id: int) -> tuple[date, str, str]:
        code, sgg = fs_keys.get(fs_id, ("", ""))
        return (day, code, sgg)

    wait = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    for r in (
        Booking.objects.filter(starts_at__gte=lo, starts_at__lt=hi)
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .values("day", "facility_service_id")
        .annotate(
            requests=Count("id"),
            served=Count("id", filter=Q(status=S.ATTENDED)),
            no_show=Count("id", filter=Q(status=S.NO_SHOW)),
            cancelled=Count("id", filter=Q(status=S.CANCELLED)),
            declined=Count("id", filter=Q(status=S.DECLINED)),
            wait_count=Count("id", filter=Q(decided_at__isnull=False)),
            wait=Sum(wait, filter=Q(decided_at__isnull=False)),
        )
    ):
        row = svc[fkey(r["day"], r["facility_service_id"])]
        for k in ("requests", "served", "no_show", "cancelled", "declined", "wait_count"):
            row[k] += r[k]
        row["wait_seconds"] += _seconds(r["wait"])
    length = ExpressionWrapper(F("booking__ends_at") - F("booking__starts_at"), output_field=DurationField())
    attended = BookingChild.objects.filter(
        booking__status=S.ATTENDED, booking__starts_at__gte=lo, booking__starts_at__lt=hi
    ).annotate(day=TruncDate("booking__starts_at", tzinfo=tz))
    for r in attended.values("day", "booking__facility_service_id").annotate(uses=Count("id"), length=Sum(length)):
        row = svc[fkey(r["day"], r["booking__facility_service_id"])]
        row["uses"] += r["uses"]
        row["child_seconds"] += _seconds(r["length"])
    children: set[tuple[date, str, str, int]] = set()
    for day, fs_id, child in attended.values_list("day", "booking__facility_service_id", "child_id").distinct():
        children.add((*fkey(day, fs_id), child))
    for r in (
        BookingRating.objects.filter(booking__starts_at__gte=lo, booking__starts_at__lt=hi)
        .annotate(day=TruncDate("booking__starts_at", tzinfo=tz))
        .values("day", "booking__facility_service_id", "stars")
        .annotate(n=Count("id"))
    ):
        svc[fkey(r["day"], r["booking__facility_service_id"])][f"stars_{r['stars']}"] += r["n"]

    V = VisitRequest.Status
    for r in (
        VisitRequest.objects.filter(starts_at__gte=lo, starts_at__lt=hi)
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .values("day", "service", sgg=Substr("region__code", 1, 5))
        .annotate(
            requests=Count("id"),
            served=Count("id", filter=Q(status__in=VisitRequest.COMPLETED_STATES)),
            cancelled=Count("id", filter=Q(status=V.CANCELLED)),
            declined=Count("id", filter=Q(status=V.EXPIRED)),
        )
    ):
        row = svc[(r["day"], VISIT_PREFIX + r["service"], r["sgg"])]
        for k in ("requests", "served", "cancelled", "declined"):
            row[k] += r[k]
    through = VisitRequest.children.through
    vlength = ExpressionWrapper(F("visitrequest__ends_at") - F("visitrequest__starts_at"), output_field=DurationField())
    served_visits = through.objects.filter(
        visitrequest__status__in=VisitRequest.COMPLETED_STATES,
        visitrequest__starts_at__gte=lo,
        visitrequest__starts_at__lt=hi,
    ).annotate(
        day=TruncDate("visitrequest__starts_at", tzinfo=tz),
        svc=F("visitrequest__service"),
        sgg=Substr("visitrequest__region__code", 1, 5),
    )
    for r in served_visits.values("day", "svc", "sgg").annotate(uses=Count("id"), length=Sum(vlength)):  # type: ignore[misc]
        row = svc[(r["day"], VISIT_PREFIX + r["svc"], r["sgg"])]
        row["uses"] += r["uses"]
        row["child_seconds"] += _seconds(r["length"])
    for day, service, sgg, child in served_visits.values_list("day", "svc", "sgg", "child_id").distinct():  # type: ignore[misc]
        children.add((day, VISIT_PREFIX + service, sgg, child))
    for r in (
        VisitRating.objects.filter(request__starts_at__gte=lo, request__starts_at__lt=hi)
        .annotate(day=TruncDate("request__starts_at", tzinfo=tz))
        .values("day", "stars", svc=F("request__service"), sgg=Substr("request__region__code", 1, 5))
        .annotate(n=Count("id"))
    ):
        svc[(r["day"], VISIT_PREFIX + r["svc"], r["sgg"])][f"stars_{r['stars']}"] += r["n"]
    vwait = ExpressionWrapper(F("created_at") - F("request__created_at"), output_field=DurationField())
    for r in (
        VisitAssignment.objects.filter(
            request__starts_at__gte=lo,
            request__starts_at__lt=hi,
            status__in=[VisitAssignment.Status.ACCEPTED, VisitAssignment.Status.COMPLETED],
        )
        .annotate(day=TruncDate("request__starts_at", tzinfo=tz))
        .values("day", svc=F("request__service"), sgg=Substr("request__region__code", 1, 5))
        .annotate(n=Count("id"), wait=Sum(vwait))
    ):
        row = svc[(r["day"], VISIT_PREFIX + r["svc"], r["sgg"])]
        row["wait_count"] += r["n"]
        row["wait_seconds"] += _seconds(r["wait"])

    # None where no open slot starts at that hour (the live query has no row there either)
    fill: dict[tuple[date, str], tuple[list[int | None], list[int | None]]] = defaultdict(
        lambda: ([None] * 24, [None] * 24)
    )

    def add(values: list[int | None], hour: int, n: int) -> None:
        values[hour] = (values[hour] or 0) + n

    for r in (
        Slot.objects.filter(closed=False, starts_at__gte=lo, starts_at__lt=hi)
        .annotate(day=TruncDate("starts_at", tzinfo=tz), hour=ExtractHour("starts_at", tzinfo=tz))
        .values("day", "hour", "facility_service_id")
        .annotate(cap=Sum("capacity"))
    ):
        add(fill[(r["day"], fs_keys.get(r["facility_service_id"], ("", ""))[1])][0], r["hour"], r["cap"] or 0)
    for r in (
        Occupancy.objects.filter(active=True, slot__closed=False, starts_at__gte=lo, starts_at__lt=hi)
        .annotate(day=TruncDate("starts_at", tzinfo=tz), hour=ExtractHour("starts_at", tzinfo=tz))
        .values("day", "hour", "slot__facility_service_id")
        .annotate(n=Count("id"))
    ):
        add(fill[(r["day"], fs_keys.get(r["slot__facility_service_id"], ("", ""))[1])][1], r["hour"], r["n"])

    return (
        [DailyServiceSummary(day=d, service_key=k, sgg=s, **v) for (d, k, s), v in svc.items()],
        [DailyFillSummary(day=d, sgg=s, offered=o, taken=t) for (d, s), (o, t) in fill.items()],
        [DailyChildUse(day=d, service_key=k, sgg=s, child_id=c) for d, k, s, c in children],
    )


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs."""
    out: list[tuple[date, date]] = []
    for d in sorted(set(days)):
        if out and d == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def _service_tuple(r: Any) -> tuple[Any, ...]:
    return (r.day, r.service_key, r.sgg, *(getattr(r, f) for f in SERVICE_FIELDS))


def _replace(start: date, end: date, *, compare: bool, yearly: bool = True) -> bool:
    """Recompute start..end and write it; with `compare`, write only if something differs. True if written.
    With `yearly`, the yearly child rows of the children served on those days (before or after) follow."""
    services, fills, children = summaries_compute(start=start, end=end)
    in_range = {"day__gte": start, "day__lte": end}
    if compare:
        same = (
            {_service_tuple(r) for r in DailyServiceSummary.objects.filter(**in_range)}
            == {_service_tuple(r) for r in services}
            and {
                (d, g, tuple(o), tuple(t))
                for d, g, o, t in DailyFillSummary.objects.filter(**in_range).values_list(
                    "day", "sgg", "offered", "taken"
                )
            }
            == {(r.day, r.sgg, tuple(r.offered), tuple(r.taken)) for r in fills}
            and set(DailyChildUse.objects.filter(**in_range).values_list("day", "service_key", "sgg", "child_id"))
            == {(r.day, r.service_key, r.sgg, r.child_id) for r in children}
        )
        if same:
            return False
    before: set[int] = set()
    if yearly:
        before = set(DailyChildUse.objects.filter(**in_range).values_list("child_id", flat=True).distinct())
    for model in (DailyServiceSummary, DailyFillSummary, DailyChildUse):
        model.objects.filter(**in_range).delete()  # type: ignore[attr-defined]
    DailyServiceSummary.objects.bulk_create(services, batch_size=2000)
    DailyFillSummary.objects.bulk_create(fills, batch_size=2000)
    DailyChildUse.objects.bulk_create(children, batch_size=5000)
    if yearly:
        touched = before | {r.child_id for r in children}
        _yearly_sync(start=start, end=end, children=touched if len(touched) <= YEARLY_SYNC_MAX_CHILDREN else None)
    return True


#: above this many children, a yearly sync reads the whole months instead of filtering by child (in batches of 500)
YEARLY_SYNC_MAX_CHILDREN = 5000
ALL_MONTHS = (1 << 12) - 1


def _month_bit(day: date) -> int:
    return 1 << (day.month - 1)


def _yearly_sync(*, start: date, end: date, children: set[int] | None) -> None:
    """Bring the yearly child rows of the months overlapping start..end in line with `DailyChildUse` (of those
    children only, or of everyone with None). A row's month bit is set when the child has any daily row in that
    month; rows left with no month are deleted."""
    years: dict[int, int] = defaultdict(int)  # year -> bits of the months to recompute
    d = start.replace(day=1)
    while d <= end:
        years[d.year] |= _month_bit(d)
        d = (d + timedelta(days=32)).replace(day=1)
    if children is not None and len(children) > YEARLY_SYNC_MAX_CHILDREN:
        children = None
    batches: list[list[int] | None] = [None]
    if children is not None:
        ids = sorted(children)
        batches = [ids[i : i + 500] for i in range(0, len(ids), 500)]
    for year, mask in years.items():
        for batch in batches:
            _yearly_sync_part(year=year, mask=mask, children=batch)


def _yearly_sync_part(*, year: int, mask: int, children: list[int] | None) -> None:
    first_month = (mask & -mask).bit_length()
    last_month = mask.bit_length()
    lo = date(year, first_month, 1)
    hi = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    daily = DailyChildUse.objects.filter(day__gte=lo, day__lt=hi)
    # every row of the year (a key served in these months may hold other months only so far)
    uses = YearlyChildUse.objects.filter(year=year)
    reach = YearlyChildReach.objects.filter(year=year)
    if children is not None:
        daily = daily.filter(child_id__in=children)
        uses = YearlyChildUse.objects.filter(year=year, child_id__in=children)
        reach = YearlyChildReach.objects.filter(year=year, child_id__in=children)
    use_bits: dict[tuple[str, str, int], int] = defaultdict(int)
    reach_bits: dict[tuple[str, int], int] = defaultdict(int)
    for day, key, sgg, child in daily.values_list("day", "service_key", "sgg", "child_id").iterator(chunk_size=20000):
        bit = _month_bit(day)
        use_bits[(key, sgg, child)] |= bit
        reach_bits[(sgg[:2], child)] |= bit
    keep = ALL_MONTHS & ~mask
    _yearly_write(
        YearlyChildUse,
        {(k, g, c): (pk, m) for pk, k, g, c, m in uses.values_list("pk", "service_key", "sgg", "child_id", "months")},
        use_bits,
        keep,
        lambda key, months, y=year: YearlyChildUse(
            year=y, service_key=key[0], sgg=key[1], child_id=key[2], months=months
        ),
    )
    _yearly_write(
        YearlyChildReach,
        {(g, c): (pk, m) for pk, g, c, m in reach.values_list("pk", "sido", "child_id", "months")},
        reach_bits,
        keep,
        lambda key, months, y=year: YearlyChildReach(year=y, sido=key[0], child_id=key[1], months=months),
    )


def _yearly_write(model: Any, existing: dict[Any, tuple[int, int]], bits: dict[Any, int], keep: int, new: Any) -> None:
    updates: dict[int, list[int]] = defaultdict(list)  # new months -> pks
    gone: list[int] = []
    for key, (pk, months) in existing.items():
        value = (months & keep) | bits.get(key, 0)
        if value == months:
            continue
        if value:
            updates[value].append(pk)
        else:
            gone.append(pk)
    for i in range(0, len(gone), 500):
        model.objects.filter(pk__in=gone[i : i + 500]).delete()
    for value, pks in updates.items():
        for i in range(0, len(pks), 500):
            model.objects.filter(pk__in=pks[i : i + 500]).update(months=value)
    model.objects.bulk_create([new(key, value) for key, value in bits.items() if key not in existing], batch_size=5000)


def _marks_now() -> dict[str, Any]:
    from dolbom.core.models import AuditEntry

    mark: dict[str, Any] = {
        "at": timezone.now().isoformat(),
        "auditentry": AuditEntry.objects.aggregate(m=Max("pk"))["m"] or 0,
    }
    for name, model in MARKED.items():
        mark[name] = model.objects.aggregate(m=Max("pk"))["m"] or 0  # type: ignore[attr-defined]
    return mark


def _state() -> SummaryState:
    SummaryState.objects.get_or_create(pk=1)
    return SummaryState.objects.select_for_update().get(pk=1)


def _record_range() -> tuple[date, date] | None:
    """First and last local day holding any record the summaries read."""
    lows, highs = [], []
    for model in (Booking, Slot, VisitRequest):
        agg = model.objects.aggregate(lo=Min("starts_at"), hi=Max("starts_at"))  # type: ignore[attr-defined]
        if agg["lo"] is not None:
            lows.append(timezone.localtime(agg["lo"]).date())
            highs.append(timezone.localtime(agg["hi"]).date())
    return (min(lows), max(highs)) if lows else None


#: The records the summaries are computed from.
SOURCE_MODELS = (
    Booking,
    BookingChild,
    BookingRating,
    Slot,
    Occupancy,
    FacilityService,
    VisitRequest,
    VisitRequest.children.through,
    VisitRating,
    VisitAssignment,
)


def _analyze_sources() -> None:
    """Fresh planner statistics for the records before reading them all. A rebuild follows a bulk load; with the
    statistics of the tables before it (an analyse of an emptied table records 0 rows over many pages) the
    planner expects one row and joins 30,000 slots to every occupancy by scanning, minutes instead of seconds.
    ANALYZE may run in a transaction and counts the rows that transaction wrote."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in SOURCE_MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def summaries_rebuild(*, chunk_days: int = 31) -> dict[str, Any]:
    """Recompute every day from the records (after a bulk load that bypassed the services, or on demand)."""
    with transaction.atomic():
        _analyze_sources()
        state = _state()
        mark = _marks_now()
        for model in (DailyServiceSummary, DailyFillSummary, DailyChildUse, YearlyChildUse, YearlyChildReach):
            model.objects.all().delete()  # type: ignore[attr-defined]
        span = _record_range()
        days = 0
        if span is not None:
            start = span[0]
            while start <= span[1]:
                end = min(span[1], start + timedelta(days=chunk_days - 1))
                _replace(start, end, compare=False, yearly=False)
                start = end + timedelta(days=1)
            for year in range(span[0].year, span[1].year + 1):
                _yearly_sync(start=date(year, 1, 1), end=date(year, 12, 31), children=None)
            days = (span[1] - span[0]).days + 1
        SummaryDirtyDay.objects.all().delete()
        state.marks = [mark]
        state.version += 1
        state.refreshed_at = timezone.now()
        state.save()
    return {"days": days, "version": state.version}


def _day(dt: datetime | None) -> date | None:
    return timezone.localtime(dt).date() if dt is not None else None


def _dirty_days(base: dict[str, Any], *, thorough: bool = False) -> set[date]:
    """Days touched since the marks in `base`: new records, audited changes, and with `thorough` records saved
    since (updated_at: a change made outside the services, which writes no audit entry)."""
    from dolbom.core.models import AuditEntry

    moments: list[Any] = []
    new_rows: list[tuple[Any, str, str]] = [
        (Booking.objects, "booking", "starts_at"),
        (Slot.objects, "slot", "starts_at"),
        (VisitRequest.objects, "visitrequest", "starts_at"),
        (VisitAssignment.objects, "visitassignment", "request__starts_at"),
        (BookingRating.objects, "bookingrating", "booking__starts_at"),
        (VisitRating.objects, "visitrating", "request__starts_at"),
    ]
    for manager, name, field in new_rows:
        moments += manager.filter(pk__gt=base.get(name, 0)).values_list(field, flat=True)
        if thorough:
            since = datetime.fromisoformat(base["at"]) - MARGIN
            moments += manager.filter(updated_at__gte=since).values_list(field, flat=True)
    days: set[date] = set()
    ids: dict[str, set[int]] = defaultdict(set)
    for object_type, object_id, after in AuditEntry.objects.filter(
        pk__gt=base.get("auditentry", 0),
        object_type__in=[
            "booking.booking",
            "booking.slot",
            "booking.facilityservice",
            "matching.visitrequest",
            "matching.visitassignment",
            "matching.visitrating",
            "operations.bookingrating",
        ],
    ).values_list("object_type", "object_id", "after"):
        if object_type == "booking.facilityservice":
            # a closed day ({"date"}) or capacity over a range of dates ({"start", "end"})
            after = after if isinstance(after, dict) else {}
            try:
                if "date" in after:
                    days.add(date.fromisoformat(after["date"]))
                elif "start" in after and "end" in after:
                    first, last = date.fromisoformat(after["start"]), date.fromisoformat(after["end"])
                    days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
            except (TypeError, ValueError):
                pass
        elif str(object_id).isdigit():
            ids[object_type].add(int(object_id))
    lookups: dict[str, tuple[Any, str]] = {
        "booking.booking": (Booking.objects, "starts_at"),
        "booking.slot": (Slot.objects, "starts_at"),
        "matching.visitrequest": (VisitRequest.objects, "starts_at"),
        "matching.visitassignment": (VisitAssignment.objects, "request__starts_at"),
        "matching.visitrating": (VisitRating.objects, "request__starts_at"),
        "operations.bookingrating": (BookingRating.objects, "booking__starts_at"),
    }
    for object_type, pks in ids.items():
        manager, field = lookups[object_type]
        moments += manager.filter(pk__in=sorted(pks)).values_list(field, flat=True)
    days.update(timezone.localtime(m).date() for m in moments if m is not None)
    return days


def summaries_refresh(*, thorough: bool = False) -> int:
    """Recompute the days touched since the last refresh (see the module docstring). Returns the version, which
    changes whenever a summary changed. Safe to run at any time and from several processes (one at a time).

    The quick form (before each dashboard read) looks from the last mark; `thorough` (the periodic task) looks
    from a mark at least MARGIN old, so a transaction that took its ids before the last mark and committed after
    it is still seen."""
    with transaction.atomic():
        state = _state()
        if not state.marks:
            return summaries_rebuild()["version"]
        now = timezone.now()
        if thorough:
            older = [m for m in state.marks if datetime.fromisoformat(m["at"]) <= now - MARGIN]
            base = older[-1] if older else state.marks[0]
        else:
            base = state.marks[-1]
        mark = _marks_now()
        dirty_rows = list(SummaryDirtyDay.objects.values_list("pk", "day"))
        days = _dirty_days(base, thorough=thorough) | {d for _, d in dirty_rows}
        changed = False
        for first, last in _runs(days):
            changed |= _replace(first, last, compare=(last - first).days < 62)
        SummaryDirtyDay.objects.filter(pk__in=[pk for pk, _ in dirty_rows]).delete()
        marks = list(state.marks)
        if len(marks) >= 2 and datetime.fromisoformat(marks[-1]["at"]) > now - timedelta(minutes=1):
            marks[-1] = mark  # at most one mark a minute
        else:
            marks.append(mark)
        # keep the newest mark older than the margin and every younger one
        older = [i for i, m in enumerate(marks) if datetime.fromisoformat(m["at"]) <= now - MARGIN]
        state.marks = marks[older[-1] :] if older else marks
        if changed:
            state.version += 1
        state.refreshed_at = now
        state.save()
        return state.version


def summaries_mark_dirty(*, moments: Iterable[datetime | date | None]) -> None:
    """Days of deleted records (post-delete receivers): recomputed at the next refresh."""
    days = {m if not isinstance(m, datetime) else timezone.localtime(m).date() for m in moments if m is not None}
    SummaryDirtyDay.objects.bulk_create([SummaryDirtyDay(day=d) for d in days], ignore_conflicts=True)


# ---------------------------------------------------------------- reading the summaries (shapes of statistics.py)


def usable_for(prefixes: list[str] | None) -> bool:
    """Summaries hold 시·군·구 codes; a scope given by longer codes (a 구 created after the 법정동 codes, scoped by
    법정동) is answered from the records."""
    return prefixes is None or all(len(p) <= 5 for p in prefixes)


def _in_scope(prefixes: list[str] | None, start: date, end: date) -> Q:
    q = Q(day__gte=start, day__lte=end)
    if prefixes is None:
        return q
    within = Q(pk__in=[])
    for p in prefixes:
        within |= Q(sgg__startswith=p)
    return q & within


def _sgg_scope(prefixes: list[str] | None) -> Q:
    if prefixes is None:
        return Q()
    within = Q(pk__in=[])
    for p in prefixes:
        within |= Q(sgg__startswith=p)
    return within


def period_pieces(start: date, end: date) -> tuple[dict[int, int], list[tuple[date, date]]]:
    """A period as whole months ({year: month bits}) and the runs of days of its partial months (at most two)."""
    years: dict[int, int] = defaultdict(int)
    edges: list[tuple[date, date]] = []
    d = start.replace(day=1)
    while d <= end:
        following = (d + timedelta(days=32)).replace(day=1)
        last = following - timedelta(days=1)
        if d >= start and last <= end:
            years[d.year] |= _month_bit(d)
        else:
            edges.append((max(d, start), min(last, end)))
        d = following
    return dict(years), edges


def _count_union(pieces: list[QuerySet[Any]], group: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Distinct rows of several querysets (same columns, child last) counted per `group` columns, in one query."""
    sqls: list[str] = []
    params: list[Any] = []
    for qs in pieces:
        sql, p = qs.order_by().query.sql_with_params()
        sqls.append(sql)
        params += list(p)
    cols = ", ".join(group)
    body = " UNION ".join(sqls)
    # column names are this module's constants; the bodies are the ORM's own SQL with their parameters
    head = f"SELECT {cols + ', ' if cols else ''}COUNT(*) FROM ("  # noqa: S608
    sql = head + body + ") u" + (" GROUP BY " + cols if cols else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _with_months(qs: QuerySet[Any], mask: int) -> QuerySet[Any]:
    if mask == ALL_MONTHS:
        return qs
    return qs.filter(GreaterThan(F("months").bitand(mask), 0))


def unique_children_by_group(*, prefixes: list[str] | None, start: date, end: date) -> dict[tuple[str, str], int]:
    """Unique children per (service key, 시·군·구) over start..end: whole months from `YearlyChildUse`, the days of
    partial months from `DailyChildUse`."""
    years, edges = period_pieces(start, end)
    within = _sgg_scope(prefixes)
    keys = ("service_key", "sgg", "child_id")
    pieces: list[QuerySet[Any]] = [
        _with_months(YearlyChildUse.objects.filter(within, year=y), mask).values_list(*keys)
        for y, mask in sorted(years.items())
    ]
    pieces += [
        DailyChildUse.objects.filter(within, day__gte=a, day__lte=b).values_list(*keys).distinct() for a, b in edges
    ]
    if not pieces:
        return {}
    if len(pieces) == 1 and years:  # one row per child and group already
        return {
            (r["service_key"], r["sgg"]): r["n"]
            for r in pieces[0].values("service_key", "sgg").annotate(n=Count("pk")).order_by()
        }
    return {(k, g): n for k, g, n in _count_union(pieces, ("service_key", "sgg"))}


def unique_children_total(*, prefixes: list[str] | None, start: date, end: date) -> int:
    """Unique children over start..end and every service in scope. Scopes of whole 시·도 (or everywhere) read
    `YearlyChildReach` (one row per child and 시·도), finer ones `YearlyChildUse`; partial months `DailyChildUse`."""
    years, edges = period_pieces(start, end)
    within = _sgg_scope(prefixes)
    pieces: list[QuerySet[Any]]
    by_sido = prefixes is None or all(len(p) == 2 for p in prefixes)
    if by_sido:
        pieces = [
            _with_months(
                YearlyChildReach.objects.filter(year=y, **({"sido__in": prefixes} if prefixes is not None else {})),
                mask,
            ).values_list("child_id")
            for y, mask in sorted(years.items())
        ]
    else:
        pieces = [
            _with_months(YearlyChildUse.objects.filter(within, year=y), mask).values_list("child_id").distinct()
            for y, mask in sorted(years.items())
        ]
    pieces += [
        DailyChildUse.objects.filter(within, day__gte=a, day__lte=b).values_list("child_id").distinct()
        for a, b in edges
    ]
    if not pieces:
        return 0
    if len(pieces) == 1 and years and prefixes is not None and by_sido:  # one row per child and 시·도 in scope
        return pieces[0].count() if len(prefixes) == 1 else pieces[0].distinct().count()
    if len(pieces) == 1:
        return pieces[0].distinct().count()
    return int(_count_union(pieces, ())[0][0])


def summary_tables(*, scope: Any) -> dict[str, Any]:
    """The service × 시·군·구 table, unique children, satisfaction, waiting times, fill rates, monthly uses and the
    declined/expired counts of unmet requests, read from the summaries (same shapes as statistics.py)."""
    from .statistics import _sgg_names, waiting_rows

    where = _in_scope(scope.prefixes, scope.period.start, scope.period.end)
    sums = {f: Sum(f) for f in SERVICE_FIELDS}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    stars = dict.fromkeys(range(1, 6), 0)
    waits = {"facility": [0, 0], "visit": [0, 0]}
    for r in DailyServiceSummary.objects.filter(where).values("service_key", "sgg").annotate(**sums):
        rows[(r["service_key"], r["sgg"])] = r
        for s in range(1, 6):
            stars[s] += r[f"stars_{s}"]
        kind = "visit" if r["service_key"].startswith(VISIT_PREFIX) else "facility"
        waits[kind][0] += r["wait_count"]
        waits[kind][1] += r["wait_seconds"]
    unique = unique_children_by_group(prefixes=scope.prefixes, start=scope.period.start, end=scope.period.end)
    names = dict(CareService.objects.values_list("code", "name"))
    names.update({VISIT_PREFIX + k: str(v) for k, v in VisitRequest.Service.choices})
    sgg_names = _sgg_names({k[1] for k in rows})
    table = []
    for (key, code), r in rows.items():
        taken = r["served"] + r["no_show"]
        table.append(
            {
                "service": names.get(key, key),
                "service_code": key,
                "municipality": sgg_names.get(code, code),
                "municipality_code": code,
                **{k: r[k] for k in ("requests", "served", "no_show", "cancelled", "declined", "uses")},
                "unique_children": unique.get((key, code), 0),
                "child_hours": round(r["child_seconds"] / 3600, 1),
                "no_show_rate": round(100 * r["no_show"] / taken, 1) if taken else None,
            }
        )
    table.sort(key=lambda r: (r["service"], r["municipality_code"]))

    total = sum(stars.values())
    stars_sum = sum(s * n for s, n in stars.items())
    average = stars_sum / total if total else None
    satisfaction = {
        "ratings": total,
        "average": round(average, 2) if average is not None else None,
        "score": round(average * 20, 1) if average is not None else None,
        "distribution": [
            {"stars": s, "count": n, "pct": round(100 * n / total, 1) if total else 0.0} for s, n in stars.items()
        ],
    }

    def avg_hours(kind: str) -> float | None:
        n, secs = waits[kind]
        return round(secs / n / 3600, 2) if n else None

    waiting = waiting_rows((waits["facility"][0], avg_hours("facility")), (waits["visit"][0], avg_hours("visit")))

    fill: dict[tuple[int, int], list[int]] = {}
    for day, offered, taken in DailyFillSummary.objects.filter(where).values_list("day", "offered", "taken"):
        wd = day.isoweekday()
        for hour in range(24):
            o, t = offered[hour], taken[hour]
            if o is None and t is None:
                continue
            acc = fill.setdefault((wd, hour), [0, 0])
            acc[0] += o or 0
            acc[1] += t or 0
    rates = [
        {
            "weekday": wd,
            "weekday_name": weekday_short(wd),
            "hour": hour,
            "offered": o,
            "taken": t,
            "fill_rate": round(100 * t / o, 1) if o else None,
        }
        for (wd, hour), (o, t) in sorted(fill.items())
    ]

    months: dict[str, int] = defaultdict(int)
    for day, uses in (
        DailyServiceSummary.objects.filter(where).values_list("day").annotate(n=Sum("uses")).values_list("day", "n")
    ):
        if uses:
            months[day.strftime("%Y-%m")] += uses
    monthly = [{"month": m, "uses": n} for m, n in sorted(months.items())]

    unique_all = unique_children_total(prefixes=scope.prefixes, start=scope.period.start, end=scope.period.end)
    declined = sum(r["declined"] for (k, _), r in rows.items() if not k.startswith(VISIT_PREFIX))
    expired = sum(r["declined"] for (k, _), r in rows.items() if k.startswith(VISIT_PREFIX))
    return {
        "table": table,
        "unique_children": unique_all,
        "satisfaction": satisfaction,
        "waiting": waiting,
        "rates": rates,
        "monthly": monthly,
        "declined_bookings": declined,
        "expired_visits": expired,
    }
