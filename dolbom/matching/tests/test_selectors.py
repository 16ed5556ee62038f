"""Rows as the engine sees them, candidates, queue position with an estimated wait, fee quotes."""

import datetime as dt

import pytest

from dolbom.matching.models import AvailabilityException, VisitRating
from dolbom.matching.selectors import (
    age_in_months,
    caregiver_day_availability,
    caregivers_as_engine,
    hourly_rate_on,
    request_as_engine,
    visit_candidates,
    visit_fee_quote,
    visit_queue_status,
)

from .test_services import DAY, at, make_caregiver, make_request


def test_age_in_months():
    assert age_in_months(dt.date(2025, 5, 10), dt.date(2026, 5, 9)) == 11
    assert age_in_months(dt.date(2025, 5, 10), dt.date(2026, 5, 10)) == 12
    assert age_in_months(dt.date(2026, 5, 10), dt.date(2026, 1, 1)) == 0


def test_weekly_availability_with_exceptions(regions):
    c = make_caregiver(regions)  # Tuesdays 07–21
    assert [(i.start.hour, i.end.hour) for i in caregiver_day_availability(caregiver=c, day=DAY)] == [(7, 21)]
    AvailabilityException.objects.create(caregiver=c, date=DAY, start_time=dt.time(12), end_time=dt.time(14))
    AvailabilityException.objects.create(
        caregiver=c, date=DAY, kind="extra", start_time=dt.time(21), end_time=dt.time(23)
    )
    got = [(i.start.hour, i.end.hour) for i in caregiver_day_availability(caregiver=c, day=DAY)]
    assert got == [(7, 12), (14, 21), (21, 23)]
    other_day = DAY + dt.timedelta(days=1)
    assert caregiver_day_availability(caregiver=c, day=other_day) == []
    AvailabilityException.objects.create(caregiver=c, date=DAY)  # the whole day off
    assert [(i.start.hour, i.end.hour) for i in caregiver_day_availability(caregiver=c, day=DAY)] == [(21, 23)]


def test_rows_become_engine_data(household, regions, citizen):
    c = make_caregiver(regions)
    req = make_request(household, regions, citizen)
    VisitRating.objects.create(request=req, caregiver=c, household=household, stars=5)
    [ec] = caregivers_as_engine(day=DAY)
    assert ec.regions == frozenset({"41111"}) and ec.ratings == {str(household.pk): 5.0}
    assert {q.code for q in ec.qualifications} == {"first_aid", "infant_care"}
    er = request_as_engine(request=req)
    assert er.region_code == "4111100000" and er.children_ages_months == (age_in_months(dt.date(2025, 5, 1), DAY),)


def test_candidates_ranked_with_reasons_for_the_others(household, regions, citizen):
    near = make_caregiver(regions, "가", km_north=0.5)
    far = make_caregiver(regions, "나", km_north=4)
    expired = make_caregiver(regions, "다", km_north=0.2, check_expires=DAY - dt.timedelta(days=3))
    req = make_request(household, regions, citizen)
    ranked, rejected = visit_candidates(request=req)
    assert [v.caregiver.pk for v in ranked] == [near.pk, far.pk]
    assert rejected == {str(expired.pk): [f"신원조회 만료 {DAY - dt.timedelta(days=3)}"]}


def test_queue_position_and_wait_shrink_with_supply(household, regions, citizen):
    now = at(8)
    r1 = make_request(household, regions, citizen, start=9, end=12)
    r2 = make_request(household, regions, citizen, start=10, end=12)
    make_caregiver(regions, "가")
    s1 = visit_queue_status(request=r2, now=now)
    assert s1.position == 2 and s1.wait is not None and s1.wait.minutes is not None
    for k in range(4):
        make_caregiver(regions, f"추가{k}")
    s2 = visit_queue_status(request=r2, now=now)
    assert s2.position == 2 and s2.wait is not None and s2.wait.minutes is not None
    assert s2.wait.minutes < s1.wait.minutes
    assert visit_queue_status(request=r1, now=now).position == 1


def test_fee_quote_uses_the_dated_rate_and_real_holidays(household, regions, citizen):
    assert hourly_rate_on(dt.date(2025, 6, 1)) == 12_180
    assert hourly_rate_on(dt.date(2026, 6, 1)) == 12_790
    req = make_request(household, regions, citizen, start=20, end=23)
    q = visit_fee_quote(request=req, income_tier=None)
    rate = hourly_rate_on(DAY)
    assert q.total == round(rate * 2 + rate * 1.5)
    assert q.government_share == 0 and q.notes[0].startswith("소득유형 미확인")
    q2 = visit_fee_quote(request=req, income_tier="가형", tier_shares={"가형": 0.85})
    assert q2.government_share == round(q2.total * 0.85)


@pytest.mark.parametrize("day", [dt.date(2031, 1, 1)])
def test_new_year_is_a_holiday_in_fee_quotes(household, regions, citizen, day):
    from dolbom.matching.services import visit_request_create

    req = visit_request_create(
        household=household,
        children=list(household.children.filter(name="첫째")),
        service="hourly",
        region=regions["jangan"],
        address="수원시",
        lat=37.3,
        lng=127.0,
        starts_at=at(10, day),
        ends_at=at(12, day),
        actor=citizen,
    )
    q = visit_fee_quote(request=req, income_tier=None)
    assert q.total == round(hourly_rate_on(day) * 2 * 1.5)


def _visit(household, regions, citizen, caregiver, *, stars, report=False, start=9):
    """A completed visit of `caregiver` rated `stars`, with a follow-up task when rated low or reported."""
    from dolbom.matching.models import FollowUpTask, VisitAssignment

    req = make_request(household, regions, citizen, start=start, end=start + 1)
    VisitAssignment.objects.create(
        request=req, caregiver=caregiver, status="completed", starts_at=req.starts_at, ends_at=req.ends_at
    )
    VisitRating.objects.create(request=req, caregiver=caregiver, household=household, stars=stars)
    if stars <= 2 or report:
        FollowUpTask.objects.create(
            request=req,
            caregiver=caregiver,
            region=req.region,
            reason="report" if report else "low_rating",
            due_date=DAY,
            status="open" if report else "done",
        )
    return req


def test_caregiver_and_provider_quality_figures(household, regions, citizen):
    from dolbom.matching.models import ServiceProvider
    from dolbom.matching.selectors import caregiver_quality, provider_quality

    north = ServiceProvider.objects.create(name="북부 제공기관", region=regions["jangan"])
    south = ServiceProvider.objects.create(name="남부 제공기관", region=regions["jangan"])
    elsewhere = ServiceProvider.objects.create(name="강남 제공기관", region=regions["gangnam"])
    a, b = make_caregiver(regions, "가"), make_caregiver(regions, "나")
    c = make_caregiver(regions, "다")
    a.provider = b.provider = north
    c.provider = south
    for x in (a, b, c):
        x.save()
    _visit(household, regions, citizen, a, stars=5, start=8)
    _visit(household, regions, citizen, a, stars=2, start=10)
    _visit(household, regions, citizen, b, stars=4, report=True, start=12)
    _visit(household, regions, citizen, c, stars=5, start=14)

    q = caregiver_quality(caregiver_ids=[a.pk, b.pk])
    assert (q[a.pk].visits, q[a.pk].ratings, q[a.pk].average, q[a.pk].low_ratings) == (2, 2, 3.5, 1)
    assert (q[a.pk].followups, q[a.pk].reports, q[a.pk].open_followups) == (1, 0, 0)
    assert (q[b.pk].reports, q[b.pk].open_followups) == (1, 1)

    rows = provider_quality(prefixes=["41111"])
    assert [r.provider.name for r in rows] == ["북부 제공기관", "남부 제공기관"]  # worst average first
    n = rows[0]
    assert n.caregivers == 2 and n.quality.visits == 3 and n.quality.ratings == 3
    assert n.quality.average == pytest.approx(3.67) and n.quality.low_ratings == 1
    assert (n.quality.reports, n.quality.followups, n.quality.open_followups) == (1, 2, 1)
    assert rows[1].quality.average == 5.0 and rows[1].quality.followups == 0
    # scope: another region's provider is not listed; None lists all
    assert elsewhere.pk not in {r.provider.pk for r in rows}
    assert {r.provider.pk for r in provider_quality(prefixes=None)} == {north.pk, south.pk, elsewhere.pk}


def test_fee_quote_uses_the_stored_income_tier_and_the_idolbom_shares(household, regions, citizen):
    from dolbom.benefits.eligibility.idolbom import idolbom_tier_shares

    req = make_request(household, regions, citizen, start=9, end=12)
    full = visit_fee_quote(request=req)
    assert full.government_share == 0 and any("소득유형 미확인" in n for n in full.notes)
    req.income_tier = "가형"
    req.save()
    req.refresh_from_db()
    q = visit_fee_quote(request=req)
    share = idolbom_tier_shares(on=DAY)["가형"]
    assert q.total == full.total and q.income_tier == "가형" and q.share_rate == share
    assert abs(q.government_share - q.total * share) <= 1 and q.family_share == q.total - q.government_share
    # 마형 pays in full
    assert visit_fee_quote(request=req, income_tier="마형").government_share == 0


def test_reasons_quote_local_times(household, regions, citizen):
    """The database hands back UTC; a coordinator reads Korean time in the reasons (07:00 KST, not 22:00)."""
    from dolbom.matching.models import VisitRequest

    make_caregiver(regions, "가", km_north=2)  # Tuesdays 07–21: the travel before a 07:00 start falls outside
    req = make_request(household, regions, citizen, start=7, end=9)
    req = VisitRequest.objects.get(pk=req.pk)  # as the database returns it
    [reasons] = visit_candidates(request=req)[1].values()
    assert any(r.startswith("가용시간이 06:") and "~09:00" in r for r in reasons), reasons
