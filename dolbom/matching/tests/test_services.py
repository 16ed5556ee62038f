"""Home-visit requests, batch proposals and confirmation, against the database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dolbom.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from dolbom.core.models import AuditEntry
from dolbom.households.models import Child, Household
from dolbom.matching.models import Caregiver, Qualification, VisitAssignment, VisitRequest, WeeklyAvailability
from dolbom.matching.services import (
    matching_batch_run,
    visit_assignment_confirm,
    visit_assignment_decline,
    visit_request_cancel,
    visit_request_create,
)

KST = ZoneInfo("Asia/Seoul")
DAY = dt.date(2031, 3, 4)  # a Tuesday well in the future
SUWON = (37.30, 127.01)


def at(hour: float, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=KST) + dt.timedelta(minutes=round(hour * 60))


def make_caregiver(regions, name="김돌봄", *, km_north=1.0, infant=True, check_expires=dt.date(2032, 1, 1)):
    c = Caregiver.objects.create(
        display_name=name,
        home_region=regions["jangan"],
        home_lat=SUWON[0] + km_north / 111,
        home_lng=SUWON[1],
        background_check_expires=check_expires,
        languages=["ko"],
    )
    c.regions_served.add(regions["jangan"])
    Qualification.objects.create(caregiver=c, code="first_aid", expires_on=dt.date(2032, 1, 1))
    if infant:
        Qualification.objects.create(caregiver=c, code="infant_care", expires_on=dt.date(2032, 1, 1))
    WeeklyAvailability.objects.create(caregiver=c, weekday=DAY.weekday(), start_time=dt.time(7), end_time=dt.time(21))
    return c


def make_request(household, regions, citizen, *, start=9, end=12, children=None):
    return visit_request_create(
        household=household,
        children=children or list(household.children.filter(name="첫째")),
        service="hourly",
        region=regions["jangan"],
        address="수원시 장안구 파장동 1",
        lat=SUWON[0],
        lng=SUWON[1],
        starts_at=at(start),
        ends_at=at(end),
        actor=citizen,
    )


def test_create_validates_fields_and_writes_nothing_on_error(household, regions, citizen, other_citizen):
    other = Household.objects.create(guardian=other_citizen)
    stranger = Child.objects.create(household=other, name="남의 아이", birth_date=dt.date(2026, 1, 1))
    with pytest.raises(InvalidInput) as err:
        visit_request_create(
            household=household,
            children=[stranger],
            service="nope",
            region=regions["jangan"],
            address=" ",
            lat=0,
            lng=0,
            starts_at=at(12),
            ends_at=at(9),
            needs=["language", "flying"],
            actor=citizen,
        )
    fields = err.value.detail["fields"]
    assert set(fields) == {"service", "children", "ends_at", "needs", "language", "lat", "address"}
    assert VisitRequest.objects.count() == 0


def test_create_adds_sibling_group_and_audits(household, regions, citizen):
    req = make_request(household, regions, citizen, children=list(household.children.all()))
    assert req.status == "open" and req.needs == ["sibling_group"]
    assert AuditEntry.objects.filter(action="visit_request.create", object_id=str(req.pk)).exists()


def test_batch_run_proposes_and_a_rerun_keeps_the_proposal(household, regions, citizen, coordinator_suwon):
    make_caregiver(regions, "가", km_north=3)
    near = make_caregiver(regions, "나", km_north=0.5)
    no_infant = make_caregiver(regions, "다", km_north=0.1, infant=False)
    req = make_request(household, regions, citizen)  # 첫째 is 70 months old: no infant training needed
    res = matching_batch_run(day=DAY, actor=coordinator_suwon)
    assert res.filled == 1
    a = VisitAssignment.objects.get(request=req, status="proposed")
    assert a.caregiver_id == no_infant.pk  # nearest
    req.refresh_from_db()
    assert req.status == "proposed"
    matching_batch_run(day=DAY, actor=coordinator_suwon)
    assert VisitAssignment.objects.filter(request=req).count() == 1
    # the caregiver declines: the next run proposes someone else, never the same one again
    visit_assignment_decline(assignment=a, actor=coordinator_suwon)
    matching_batch_run(day=DAY, actor=coordinator_suwon)
    b = VisitAssignment.objects.get(request=req, status="proposed")
    assert b.caregiver_id == near.pk
    assert AuditEntry.objects.filter(action="matching.batch_run").count() == 3


def test_infant_needs_infant_training_in_the_batch(household, regions, citizen, coordinator_suwon):
    make_caregiver(regions, "다", km_north=0.1, infant=False)
    expired = make_caregiver(regions, "라", km_north=0.2, check_expires=DAY - dt.timedelta(days=1))
    req = make_request(household, regions, citizen, children=list(household.children.filter(name="둘째")))
    res = matching_batch_run(day=DAY, actor=coordinator_suwon)
    assert res.filled == 0
    assert "자격(영아돌봄) 없음" in res.unfilled[str(req.pk)][0]
    assert not VisitAssignment.objects.filter(caregiver=expired).exists()


def test_confirm_refuses_a_double_booking(household, regions, citizen, coordinator_suwon):
    c = make_caregiver(regions)
    r1 = make_request(household, regions, citizen, start=9, end=12)
    r2 = make_request(household, regions, citizen, start=11, end=13)
    a1 = VisitAssignment.objects.create(request=r1, caregiver=c, starts_at=r1.starts_at, ends_at=r1.ends_at)
    a2 = VisitAssignment.objects.create(request=r2, caregiver=c, starts_at=r2.starts_at, ends_at=r2.ends_at)
    visit_assignment_confirm(assignment=a1, actor=coordinator_suwon)
    with pytest.raises(Conflict):
        visit_assignment_confirm(assignment=a2, actor=coordinator_suwon)
    a2.refresh_from_db()
    r1.refresh_from_db()
    assert a2.status == "proposed" and r1.status == "assigned"
    with pytest.raises(TransitionNotAllowed):
        visit_assignment_confirm(assignment=a1, actor=coordinator_suwon)


def test_confirmed_assignment_is_pinned_in_later_runs(household, regions, citizen, coordinator_suwon):
    c = make_caregiver(regions)
    r1 = make_request(household, regions, citizen, start=9, end=12)
    matching_batch_run(day=DAY, actor=coordinator_suwon)
    visit_assignment_confirm(assignment=VisitAssignment.objects.get(request=r1), actor=coordinator_suwon)
    r2 = make_request(household, regions, citizen, start=10, end=11)
    res = matching_batch_run(day=DAY, actor=coordinator_suwon)
    assert res.filled == 0 and str(r2.pk) in res.unfilled
    assert VisitAssignment.objects.get(request=r1).status == "accepted"
    assert VisitAssignment.objects.filter(caregiver=c, status="accepted").count() == 1


def test_cancel_cancels_active_assignment(household, regions, citizen, coordinator_suwon):
    make_caregiver(regions)
    r = make_request(household, regions, citizen)
    matching_batch_run(day=DAY, actor=coordinator_suwon)
    visit_request_cancel(request=r, actor=citizen)
    assert VisitAssignment.objects.get(request=r).status == "cancelled"
    with pytest.raises(TransitionNotAllowed):
        visit_request_cancel(request=r, actor=citizen)


def test_demo_caregivers_load_idempotently(regions):
    import io

    from dolbom.matching import demo
    from tests.factories import RegionFactory

    for code, name in (("4111300000", "권선구"), ("4111500000", "팔달구"), ("4111700000", "영통구")):
        RegionFactory(code=code, level="sigungu", name=name, full_name=f"경기도 수원시 {name}", parent=regions["suwon"])
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert Caregiver.objects.count() == len(demo.CAREGIVERS)
    assert Qualification.objects.filter(caregiver__display_name="한영아", code="infant_care").count() == 1


def test_urgent_offers_in_turn_until_nobody_is_left(household, regions, citizen, coordinator_suwon):
    from dolbom.core.models import Notification
    from dolbom.matching.services import visit_offer_next
    from tests.factories import UserFactory

    first = make_caregiver(regions, "가까운", km_north=0.5)
    first.user = UserFactory(username="cg-near", role="caregiver", phone="01011112222")
    first.save()
    second = make_caregiver(regions, "먼", km_north=3)
    req = make_request(household, regions, citizen)
    offer = visit_offer_next(request=req, actor=coordinator_suwon)
    assert offer is not None and offer.caregiver_id == first.pk and offer.status == "offered"
    assert Notification.objects.filter(kind="visit.offer", idempotency_key=f"visit-offer-{offer.pk}").exists()
    assert visit_offer_next(request=req, actor=coordinator_suwon) == offer  # one offer at a time
    visit_assignment_decline(assignment=offer, actor=first.user)
    nxt = VisitAssignment.objects.get(request=req, status="offered")
    assert nxt.caregiver_id == second.pk
    visit_assignment_decline(assignment=nxt, actor=coordinator_suwon)
    assert not VisitAssignment.objects.filter(request=req, status__in=["offered", "proposed"]).exists()
    req.refresh_from_db()
    assert req.status == "open"
    assert AuditEntry.objects.filter(action="visit_request.no_candidate", object_id=str(req.pk)).exists()
    # the batch never proposes those who declined either
    assert matching_batch_run(day=DAY, actor=coordinator_suwon).filled == 0
