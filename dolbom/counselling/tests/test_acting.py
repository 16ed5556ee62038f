"""Acting for the caller: the agent books, checks benefits and searches facilities for the family."""

import sys
import types
from datetime import date, datetime, time

import pytest

from dolbom.booking import clock as booking_clock
from dolbom.booking.demo import services_seed
from dolbom.booking.models import Booking, FacilityService, Slot
from dolbom.booking.services import slots_generate
from dolbom.core.errors import InvalidInput, NotFound, PermissionDenied
from dolbom.core.models import AuditEntry
from dolbom.counselling import acting, selectors, services
from dolbom.counselling.models import CaseEvent
from dolbom.households.models import Child

from .conftest import KST, kst

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 23)


@pytest.fixture
def care(facility_x, monkeypatch):
    monkeypatch.setattr(booking_clock, "now", lambda: kst(2026, 11, 23, 9))
    always = {s.code: s for s in services_seed()}["gg-always-daycare"]
    fs = FacilityService.objects.create(facility=facility_x, service=always, default_capacity=3)
    slots_generate(facility_service=fs, start=DAY, days=3)
    return fs


def tuesday_slots(fs, *hours):
    starts = [datetime.combine(date(2026, 11, 24), time(h), tzinfo=KST) for h in hours]
    return list(Slot.objects.filter(facility_service=fs, starts_at__in=starts).order_by("starts_at"))


@pytest.fixture
def four_year_old(family):
    return Child.objects.create(household=family, name="바다", birth_date=date(2022, 5, 10))


def test_agent_books_care_for_the_family_and_it_is_audited(citizen, family, four_year_old, agent, care, clock):
    case = services.case_for_family(guardian=citizen, actor=agent)
    slots = tuesday_slots(care, 10, 11)
    booking = acting.act_booking_create(
        actor=agent, case_id=case.pk, slot_ids=[s.pk for s in slots], child_ids=[four_year_old.pk]
    )
    assert booking.household == family
    assert booking.created_by == agent
    assert booking.status == Booking.Status.CONFIRMED
    # The booking app's own audit names the family; so does the case's.
    assert AuditEntry.objects.get(action="booking.create").acting_for == citizen
    entry = AuditEntry.objects.get(action="case.act.booking")
    assert entry.actor == agent and entry.acting_for == citizen
    assert entry.after["object_id"] == str(booking.pk)
    event = case.events.get(kind=CaseEvent.Kind.BOOKING)
    assert event.on_behalf and event.visible_to_family
    assert "언제나 어린이집" in event.summary and "11월 24일 10:00~12:00" in event.summary
    # The family sees it in their history.
    assert event in list(selectors.case_history(actor=citizen, case=case))


def test_failed_booking_leaves_no_case_record(citizen, family, four_year_old, agent, care, clock):
    case = services.case_for_family(guardian=citizen, actor=agent)
    with pytest.raises(InvalidInput):
        acting.act_booking_create(actor=agent, case_id=case.pk, slot_ids=[], child_ids=[four_year_old.pk])
    with pytest.raises(NotFound):
        acting.act_booking_create(
            actor=agent, case_id=case.pk, slot_ids=[tuesday_slots(care, 10)[0].pk], child_ids=[999999]
        )
    assert not case.events.filter(kind=CaseEvent.Kind.BOOKING).exists()
    assert not Booking.objects.exists()


def test_agent_of_another_region_cannot_book_for_the_family(
    citizen, family, four_year_old, agent, coordinator_gangnam, care, clock
):
    case = services.case_for_family(guardian=citizen, actor=agent)
    with pytest.raises(PermissionDenied):
        acting.act_booking_create(
            actor=coordinator_gangnam,
            case_id=case.pk,
            slot_ids=[s.pk for s in tuesday_slots(care, 10)],
            child_ids=[four_year_old.pk],
        )
    assert not Booking.objects.exists()


def test_anonymous_caller_cannot_be_booked_for(agent, regions, clock):
    call = services.call_log(actor=agent, phone="01033334444", topic="booking", outcome="informed")
    with pytest.raises(InvalidInput) as err:
        acting.act_booking_create(actor=agent, case_id=call.case_id, slot_ids=[1], child_ids=[1])
    assert err.value.code == "family_not_registered"


@pytest.fixture
def fake_benefits(monkeypatch):
    """A stand-in benefits check service with the shape the API answers (programmes with a status)."""
    calls = []

    def benefits_check(*, data, actor=None, acting_for=None):
        calls.append({"data": data, "actor": actor, "acting_for": acting_for})
        return {
            "programmes": [
                {"id": "parent_benefit", "name": "부모급여", "status": "eligible"},
                {"id": "child_allowance", "name": "아동수당", "status": "eligible"},
                {"id": "idolbom", "name": "아이돌봄서비스", "status": "unknown"},
                {"id": "home_care", "name": "가정양육수당", "status": "ineligible"},
            ]
        }

    module = types.ModuleType("dolbom.benefits.services")
    module.benefits_check = benefits_check  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dolbom.benefits.services", module)
    return calls


def test_agent_runs_the_benefits_check_on_the_familys_registered_children(citizen, family, agent, fake_benefits, clock):
    case = services.case_for_family(guardian=citizen, actor=agent)
    summary = acting.act_benefits_check(actor=agent, case_id=case.pk, extra={"income_pct_of_median": 140})
    assert summary.eligible == ["부모급여", "아동수당"] and summary.unknown == ["아이돌봄서비스"]
    sent = fake_benefits[0]
    assert sent["actor"] == agent and sent["acting_for"] == citizen
    assert sent["data"]["region_code"] == "4111100000"
    assert sent["data"]["children"] == [{"birth_date": "2026-05-01"}]
    assert sent["data"]["income_pct_of_median"] == 140
    event = case.events.get(kind=CaseEvent.Kind.BENEFITS_CHECK)
    assert "부모급여" in event.summary and event.on_behalf
    assert AuditEntry.objects.get(action="case.act.benefits_check").acting_for == citizen


def test_benefits_check_without_the_service_is_a_clear_503(citizen, family, agent, monkeypatch, clock):
    from dolbom.core.errors import ServiceUnavailable

    monkeypatch.setitem(sys.modules, "dolbom.benefits.services", types.ModuleType("dolbom.benefits.services"))
    case = services.case_for_family(guardian=citizen, actor=agent)
    with pytest.raises(ServiceUnavailable):
        acting.act_benefits_check(actor=agent, case_id=case.pk)
    assert not case.events.filter(kind=CaseEvent.Kind.BENEFITS_CHECK).exists()


def test_agent_searches_facilities_for_the_family(citizen, family, agent, facility_x, monkeypatch, clock):
    from dolbom.directory import selectors as directory_selectors

    seen = {}

    class Result:
        hits = [types.SimpleNamespace(facility=facility_x, distance_m=420.0)]

    def fake_search(**kwargs):
        seen.update(kwargs)
        return Result()

    monkeypatch.setattr(directory_selectors, "facility_search", fake_search)
    case = services.case_for_family(guardian=citizen, actor=agent)
    child = family.children.get()
    hits = acting.act_facility_search(actor=agent, case_id=case.pk, child_id=child.pk)
    assert [h.facility for h in hits] == [facility_x]
    assert seen["age_months"] == 6 and seen["region_prefixes"] == ["41111"]
    event = case.events.get(kind=CaseEvent.Kind.FACILITY_SEARCH)
    assert "시설 X" in event.summary and event.data["facility_ids"] == [facility_x.pk]


def test_benefits_check_through_the_real_catalogue(citizen, family, agent, clock):
    """No stand-in: the benefits app's own check answers for the family's registered baby."""
    case = services.case_for_family(guardian=citizen, actor=agent)
    summary = acting.act_benefits_check(actor=agent, case_id=case.pk, extra={"income_pct_of_median": 100})
    assert "부모급여" in summary.eligible
    assert "아동수당" in summary.eligible
    event = case.events.get(kind=CaseEvent.Kind.BENEFITS_CHECK)
    assert "부모급여" in event.summary


def test_agent_requests_a_home_visit_through_the_matching_service(citizen, family, agent, coordinator_gangnam, clock):
    from dolbom.matching.models import VisitRequest

    family.home_address, family.home_lat, family.home_lng = "경기도 수원시 장안구", 37.30, 127.01
    family.save()
    case = services.case_for_family(guardian=citizen, actor=agent)
    child = family.children.get()
    window = {"starts_at": kst(2026, 11, 25, 9), "ends_at": kst(2026, 11, 25, 13)}
    with pytest.raises(PermissionDenied):
        acting.act_home_visit_request(actor=coordinator_gangnam, case_id=case.pk, child_ids=[child.pk], **window)
    with pytest.raises(InvalidInput):
        acting.act_home_visit_request(actor=agent, case_id=case.pk, child_ids=[999999], **window)
    with pytest.raises(InvalidInput):  # the matching app's own rule: at most 12 hours
        acting.act_home_visit_request(
            actor=agent,
            case_id=case.pk,
            child_ids=[child.pk],
            starts_at=kst(2026, 11, 25, 6),
            ends_at=kst(2026, 11, 25, 20),
        )
    assert not VisitRequest.objects.exists()
    visit = acting.act_home_visit_request(
        actor=agent, case_id=case.pk, child_ids=[child.pk], service="illness", **window
    )
    assert visit.household == family and visit.region == family.home_region
    entry = AuditEntry.objects.get(action="case.act.home_visit")
    assert entry.acting_for == citizen and entry.after["object_id"] == str(visit.pk)
    assert case.events.get(kind=CaseEvent.Kind.HOME_VISIT).on_behalf
