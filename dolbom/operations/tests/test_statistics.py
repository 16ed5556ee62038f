"""The dashboards' figures equal counts computed directly from the records, row by row."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dolbom.booking.demo import services_seed
from dolbom.booking.models import Booking, Occupancy, Slot
from dolbom.matching.models import VisitRating, VisitRequest
from dolbom.operations import demo, statistics
from dolbom.operations.models import BookingRating
from tests.factories import UserFactory

START, END = date(2025, 3, 1), date(2025, 3, 21)


@pytest.fixture
def activity(real_regions, db):
    services_seed()
    return demo.generate(start=START - timedelta(days=3), end=END + timedelta(days=3), scale=0.5)


def _local_date(dt):
    return timezone.localtime(dt).date()


def _recount(prefixes, start, end):
    def inside(code):
        return prefixes is None or any(code.startswith(p) for p in prefixes)

    rows = defaultdict(lambda: defaultdict(float))
    uniq = defaultdict(set)
    every_child = set()
    for b in Booking.objects.select_related("facility_service__facility__region", "facility_service__service"):
        code = b.facility_service.facility.region.code
        if not inside(code) or not start <= _local_date(b.starts_at) <= end:
            continue
        key = (b.facility_service.service.code, code[:5])
        rows[key]["requests"] += 1
        status_key = {"attended": "served", "no_show": "no_show", "cancelled": "cancelled", "declined": "declined"}
        if b.status in status_key:
            rows[key][status_key[b.status]] += 1
        if b.status == "attended":
            kids = list(b.booking_children.values_list("child_id", flat=True))
            rows[key]["uses"] += len(kids)
            uniq[key].update(kids)
            every_child.update(kids)
            rows[key]["child_hours"] += Occupancy.objects.filter(booking=b).count()
    for v in VisitRequest.objects.select_related("region"):
        if not inside(v.region.code) or not start <= _local_date(v.starts_at) <= end:
            continue
        key = ("visit:" + v.service, v.region.code[:5])
        rows[key]["requests"] += 1
        if v.status in ("done", "followed_up"):  # a completed visit stays served after its follow-up
            kids = list(v.children.values_list("pk", flat=True))
            rows[key]["served"] += 1
            rows[key]["uses"] += len(kids)
            uniq[key].update(kids)
            every_child.update(kids)
            rows[key]["child_hours"] += len(kids) * (v.ends_at - v.starts_at).total_seconds() / 3600
        elif v.status == "cancelled":
            rows[key]["cancelled"] += 1
        elif v.status == "expired":
            rows[key]["declined"] += 1
    for key in uniq:
        rows[key]["unique_children"] = len(uniq[key])
    return rows, every_child


@pytest.mark.parametrize("who", ["province", "city", "admin"])
def test_dashboard_figures_equal_direct_counts(activity, who):
    from dolbom.regions.models import Region

    users = {
        "province": UserFactory(
            username="p", role="province_official", scope_region=Region.objects.get(code="4100000000")
        ),
        "city": UserFactory(username="c", role="city_official", scope_region=Region.objects.get(code="4111000000")),
        "admin": UserFactory(username="a", role="admin"),
    }
    user = users[who]
    scope = statistics.Scope.of(user=user, period=statistics.Period(start=START, end=END))
    table = statistics.service_municipality_table(scope=scope)
    expected, every_child = _recount(scope.prefixes, START, END)
    assert activity["bookings"] > 50 and activity["visits"] > 50
    assert table, "the demo activity falls in the period"
    got = {(r["service_code"], r["municipality_code"]): r for r in table}
    assert set(got) == set(expected)
    for key, exp in expected.items():
        for field in ("requests", "served", "no_show", "cancelled", "declined", "uses", "unique_children"):
            assert got[key][field] == exp.get(field, 0), (key, field)
        assert got[key]["child_hours"] == pytest.approx(exp["child_hours"], abs=0.05), key
    assert statistics.unique_children(scope=scope) == len(every_child)
    if who == "city":
        assert {r["municipality_code"] for r in table} <= {"41110", "41111", "41113", "41115", "41117"}

    # satisfaction: every rating of a service in the period and scope
    ratings = [
        r.stars
        for r in BookingRating.objects.select_related("booking__facility_service__facility__region")
        if (
            scope.prefixes is None
            or any(r.booking.facility_service.facility.region.code.startswith(p) for p in scope.prefixes)
        )
        and START <= _local_date(r.booking.starts_at) <= END
    ] + [
        r.stars
        for r in VisitRating.objects.select_related("request__region")
        if (scope.prefixes is None or any(r.request.region.code.startswith(p) for p in scope.prefixes))
        and START <= _local_date(r.request.starts_at) <= END
    ]
    sat = statistics.satisfaction(scope=scope)
    assert sat["ratings"] == len(ratings)
    assert [d["count"] for d in sat["distribution"]] == [ratings.count(s) for s in range(1, 6)]
    assert sat["average"] == pytest.approx(sum(ratings) / len(ratings), abs=0.005)

    # fill rates: offered places of open slots and active occupancies, by local weekday and hour
    rates = statistics.fill_rates(scope=scope)
    offered, taken = defaultdict(int), defaultdict(int)
    for s in Slot.objects.select_related("facility_service__facility__region"):
        code = s.facility_service.facility.region.code
        local = timezone.localtime(s.starts_at)
        if s.closed or not START <= local.date() <= END:
            continue
        if scope.prefixes is not None and not any(code.startswith(p) for p in scope.prefixes):
            continue
        key = (local.isoweekday(), local.hour)
        offered[key] += s.capacity
        taken[key] += s.occupancies.filter(active=True).count()
    assert {(r["weekday"], r["hour"]): (r["offered"], r["taken"]) for r in rates} == {
        k: (offered[k], taken[k]) for k in offered
    }
    by_hour = {r["hour"]: r["fill_rate"] for r in statistics.fill_by_hour(rates)}
    assert by_hour[8] > by_hour[12]  # the morning peak the generator models


def test_demo_load_is_idempotent(real_regions, db):
    services_seed()
    first = demo.load(None)
    n = Booking.objects.count()
    assert "시설 예약" in first[0]
    assert demo.load(None) == ["운영 통계용 시연 활동: 이미 있음"]
    assert Booking.objects.count() == n


def test_demo_leaves_a_staff_read_of_a_child_for_the_audit_log(real_regions, db):
    from dolbom.core.models import AuditEntry
    from dolbom.households.models import Child, Household
    from dolbom.operations.selectors import audit_entries
    from dolbom.regions.models import Region

    services_seed()
    suwon = Region.objects.get(code="4111100000")
    citizen = UserFactory(username="citizen", role="citizen")
    household = Household.objects.create(guardian=citizen, home_region=suwon)
    Child.objects.create(household=household, name="하늘", birth_date=date(2023, 1, 1))
    UserFactory(username="coordinator", role="coordinator", scope_region=Region.objects.get(code="4111000000"))
    province = UserFactory(username="p2", role="province_official", scope_region=Region.objects.get(code="4100000000"))
    demo._staff_read_of_a_child()
    assert AuditEntry.objects.filter(action="child.read").count() == 1
    assert audit_entries(user=province, action="child.read").count() == 1


def _users():
    from dolbom.regions.models import Region

    return {
        "province": UserFactory(
            username="p", role="province_official", scope_region=Region.objects.get(code="4100000000")
        ),
        "city": UserFactory(username="c", role="city_official", scope_region=Region.objects.get(code="4111000000")),
        "admin": UserFactory(username="a", role="admin"),
    }


def _assert_summary_equals_records(scope):
    """Every table read from the summaries equals the live queries, and the main table the direct recount."""
    summary = statistics.dashboard_tables(scope=scope)
    live = statistics.dashboard_tables(scope=scope, live=True)
    assert set(summary) == set(live)
    for key in live:
        if key == "waiting":  # averages: a sum divided here against the database's average
            for a, b in zip(summary[key].rows, live[key].rows, strict=True):
                assert a["count"] == b["count"]
                assert a["average_hours"] == pytest.approx(b["average_hours"], abs=0.011)
            continue
        assert summary[key].rows == live[key].rows, key
    expected, every_child = _recount(scope.prefixes, scope.period.start, scope.period.end)
    got = {(r["service_code"], r["municipality_code"]): r for r in summary["service_municipality"].rows}
    assert set(got) == set(expected)
    for key, exp in expected.items():
        for name in ("requests", "served", "no_show", "cancelled", "declined", "uses", "unique_children"):
            assert got[key][name] == exp.get(name, 0), (key, name)
        assert got[key]["child_hours"] == pytest.approx(exp["child_hours"], abs=0.05), key
    assert summary["summary"].rows[1]["value"] == len(every_child)
    _assert_yearly_follow_daily()


def _assert_yearly_follow_daily():
    """The yearly child rows (whole months) hold exactly the months of the daily child rows."""
    from dolbom.operations.models import DailyChildUse, YearlyChildReach, YearlyChildUse

    uses, reach = defaultdict(int), defaultdict(int)
    for day, key, sgg, child in DailyChildUse.objects.values_list("day", "service_key", "sgg", "child_id"):
        uses[(day.year, key, sgg, child)] |= 1 << (day.month - 1)
        reach[(day.year, sgg[:2], child)] |= 1 << (day.month - 1)
    assert {
        (y, k, g, c): m
        for y, k, g, c, m in YearlyChildUse.objects.values_list("year", "service_key", "sgg", "child_id", "months")
    } == dict(uses)
    assert {
        (y, s, c): m for y, s, c, m in YearlyChildReach.objects.values_list("year", "sido", "child_id", "months")
    } == dict(reach)


#: activity runs from 26 February to 24 March 2025: whole months, periods starting or ending mid-month, and one
#: reaching back into the previous year
PERIODS = [
    statistics.Period(start=START, end=END),
    statistics.Period(start=START, end=START),
    statistics.Period(start=date(2025, 2, 1), end=date(2025, 3, 31)),
    statistics.Period(start=date(2025, 2, 27), end=date(2025, 3, 31)),
    statistics.Period(start=date(2025, 2, 1), end=date(2025, 3, 10)),
    statistics.Period(start=date(2024, 12, 15), end=date(2025, 3, 22)),
]


def test_period_pieces():
    from dolbom.operations.summaries import period_pieces

    assert period_pieces(date(2025, 1, 1), date(2025, 12, 31)) == ({2025: 0xFFF}, [])
    assert period_pieces(date(2025, 3, 1), date(2025, 3, 21)) == ({}, [(date(2025, 3, 1), date(2025, 3, 21))])
    assert period_pieces(date(2024, 12, 15), date(2025, 3, 22)) == (
        {2025: 0b11},
        [(date(2024, 12, 15), date(2024, 12, 31)), (date(2025, 3, 1), date(2025, 3, 22))],
    )
    assert period_pieces(date(2024, 2, 1), date(2024, 2, 29)) == ({2024: 0b10}, [])


@pytest.mark.parametrize("who", ["province", "city", "admin"])
def test_summary_figures_equal_direct_counts(activity, who):
    from dolbom.operations.models import DailyServiceSummary
    from dolbom.operations.summaries import summaries_rebuild

    summaries_rebuild()
    assert DailyServiceSummary.objects.exists()
    user = _users()[who]
    for period in PERIODS:
        _assert_summary_equals_records(statistics.Scope.of(user=user, period=period))


def test_summaries_follow_new_bookings_changes_and_deletions(activity):
    """New records, audited changes and deleted records all reach the summaries before the next reading."""
    from dolbom.booking.models import BookingChild
    from dolbom.booking.services import booking_attendance
    from dolbom.households.models import Household
    from dolbom.operations.summaries import summaries_rebuild

    summaries_rebuild()
    scope = statistics.Scope.of(user=_users()["province"], period=statistics.Period(start=START, end=END))
    before = statistics.dashboard_tables(scope=scope)["summary"].rows

    # a new booking, written after the last refresh (attended, with its child and occupancy)
    template = Booking.objects.filter(
        status="attended", starts_at__date__gte=START, facility_service__facility__region__code__startswith="41"
    ).first()
    slot = (
        Slot.objects.filter(facility_service=template.facility_service, closed=False, starts_at__date=START)
        .exclude(occupancies__active=True)
        .first()
        or Slot.objects.filter(facility_service=template.facility_service, closed=False, starts_at__date=START).first()
    )
    child = BookingChild.objects.filter(booking=template).first().child
    new = Booking.objects.create(
        household=template.household,
        facility_service=template.facility_service,
        status="attended",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    BookingChild.objects.create(booking=new, child=child)
    Occupancy.objects.create(booking=new, slot=slot, child=child, starts_at=slot.starts_at, active=True)
    after_new = statistics.dashboard_tables(scope=scope)["summary"].rows
    assert after_new[0]["value"] == before[0]["value"] + 1  # one more child-use
    _assert_summary_equals_records(scope)

    # an audited change through the booking service: attendance recorded as a no-show
    pending = Booking.objects.filter(status="attended", starts_at__date__gte=START).exclude(pk=new.pk).last()
    Booking.objects.filter(pk=pending.pk).update(status="confirmed")
    summaries_rebuild()
    staff = UserFactory(username="staff2", role="provider", facility=pending.facility_service.facility)
    booking_attendance(actor=staff, booking_id=pending.pk, attended=False)
    _assert_summary_equals_records(scope)

    # a household erasing its data: its bookings go by cascade
    gone = Household.objects.filter(care_bookings__status="attended", care_bookings__starts_at__date__gte=START).first()
    gone.delete()
    _assert_summary_equals_records(scope)
    for period in PERIODS[2:]:  # whole months (the yearly rows) and partial ones
        _assert_summary_equals_records(statistics.Scope.of(user=_users()["province"], period=period))


def test_rebuild_reads_the_records_with_fresh_planner_statistics(activity):
    """After a bulk load the planner may still hold an earlier analyse of the emptied tables (0 rows over many
    pages) and expect one row where there are thousands; the rebuild analyses the records it reads first."""
    from django.db import connection

    from dolbom.operations.summaries import summaries_rebuild

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    tables = [Slot._meta.db_table, Occupancy._meta.db_table, Booking._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET reltuples = 0, relpages = greatest(1, pg_relation_size(oid) / 8192)"
            " WHERE relname = ANY(%s)",
            [tables],
        )
        summaries_rebuild()
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [tables])
        estimated = dict(cursor.fetchall())
    assert estimated[Slot._meta.db_table] >= Slot.objects.count() * 0.9
    assert estimated[Occupancy._meta.db_table] >= Occupancy.objects.count() * 0.9
