from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils.timezone import localtime

from dolbom.booking.models import Booking, FacilityService, Hold, Occupancy, Slot, SlotException, WaitlistEntry
from dolbom.booking.selectors import availability, slots_for_day, waitlist_of
from dolbom.booking.services import (
    booking_attendance,
    booking_cancel,
    booking_create,
    booking_decide,
    hold_confirm,
    hold_create,
    slot_capacity_set,
    slots_generate,
    waitlist_accept,
    waitlist_advance,
    waitlist_join,
)
from dolbom.core.errors import (
    ApplicationError,
    CapacityExhausted,
    Conflict,
    NotEligible,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from dolbom.core.models import AuditEntry, Notification

from .conftest import DAY, at, make_family


def slot_ids(fs, start, hours):
    return list(
        Slot.objects.filter(
            facility_service=fs, starts_at__gte=start, starts_at__lt=start + timedelta(hours=hours)
        ).values_list("pk", flat=True)
    )


# ------------------------------------------------------------------ slots


def test_slots_follow_weekly_rules_holidays_and_exceptions(services, facility_x):
    iksan = services["iksan-night-holiday"]
    fs = FacilityService.objects.create(facility=facility_x, service=iksan, default_capacity=3)
    SlotException.objects.create(facility_service=fs, date=DAY + timedelta(days=1), closed=True, note="휴원")
    # 2026-12-25 (Friday) is 성탄절: holiday hours 09–18, not weekday 18–22.
    created = slots_generate(facility_service=fs, start=DAY, days=33)
    monday = slots_for_day(facility_service=fs, day=DAY)
    assert [localtime(v.slot.starts_at).hour for v in monday] == [18, 19, 20, 21]
    assert slots_for_day(facility_service=fs, day=DAY + timedelta(days=1)) == []  # exception: closed
    assert len(slots_for_day(facility_service=fs, day=DAY + timedelta(days=6))) == 0  # Sunday: not run
    christmas = slots_for_day(facility_service=fs, day=DAY + timedelta(days=32))
    assert [localtime(v.slot.starts_at).hour for v in christmas] == list(range(9, 18))
    assert slots_generate(facility_service=fs, start=DAY, days=33) == 0  # idempotent
    assert created == Slot.objects.filter(facility_service=fs).count()


# ------------------------------------------------------------------ booking and refusals


def test_sibling_booking_confirmed_with_fee_notification_and_audit(frozen, fs_always, citizen, kids):
    ids = slot_ids(fs_always, at(DAY, 18), 3)
    booking = booking_create(actor=citizen, slot_ids=ids, child_ids=[kids["baby"].pk, kids["four"].pk])
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.fee == 3 * 3000 * 2
    assert Occupancy.objects.filter(booking=booking, active=True).count() == 6
    assert set(availability(slot_ids=ids).values()) == {2}
    assert Notification.objects.filter(kind="booking.created", recipient=citizen).count() == 1
    assert AuditEntry.objects.filter(action="booking.create", object_id=str(booking.pk)).exists()


def _code(exc_info) -> str:
    return exc_info.value.code


@pytest.mark.parametrize(
    ("now_hour", "start_hour", "code"),
    [
        (16, 18, "cutoff_passed"),  # same day after 15:00
        (9, 22, "cutoff_passed"),  # night care needs booking by 18:00 the day before
        (9, 8, "slot_started"),
    ],
)
def test_cutoffs_are_refused_with_reason(frozen, fs_always, citizen, kids, now_hour, start_hour, code):
    frozen.set(at(DAY, now_hour))
    with pytest.raises(NotEligible) as exc:
        booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, start_hour), 1), child_ids=[kids["four"].pk])
    assert _code(exc) == code
    assert "마감" in exc.value.message or "지난" in exc.value.message
    assert Booking.objects.count() == 0


def test_night_care_booked_the_day_before_is_accepted(frozen, fs_always, citizen, kids):
    frozen.set(at(DAY - timedelta(days=1), 17, 59))
    booking = booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 22), 2), child_ids=[kids["four"].pk])
    assert booking.status == Booking.Status.CONFIRMED


def test_age_and_expected_child_refused(frozen, fs_always, citizen, kids):
    ids = slot_ids(fs_always, at(DAY, 18), 1)
    with pytest.raises(NotEligible) as exc:
        booking_create(actor=citizen, slot_ids=ids, child_ids=[kids["four"].pk, kids["eight"].pk])
    assert _code(exc) == "age_not_served" and "산" in exc.value.message
    with pytest.raises(NotEligible) as exc:
        booking_create(actor=citizen, slot_ids=ids, child_ids=[kids["expected"].pk])
    assert _code(exc) == "age_not_served"
    assert Booking.objects.count() == 0  # all-or-none: the 4-year-old was not booked alone


def test_non_resident_refused(frozen, fs_always, regions):
    user, children = make_family("gangnam-family", regions["gangnam"])
    with pytest.raises(NotEligible) as exc:
        booking_create(actor=user, slot_ids=slot_ids(fs_always, at(DAY, 18), 1), child_ids=[children[0].pk])
    assert _code(exc) == "not_resident"


def test_consecutive_day_limit(frozen, fs_always, citizen, kids):
    frozen.set(at(DAY - timedelta(days=1), 9))
    child = [kids["four"].pk]
    for offset in range(5):
        booking_create(
            actor=citizen, slot_ids=slot_ids(fs_always, at(DAY + timedelta(days=offset), 10), 2), child_ids=child
        )
    with pytest.raises(NotEligible) as exc:
        booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY + timedelta(days=5), 10), 2), child_ids=child)
    assert _code(exc) == "consecutive_day_limit"


def test_already_booked_and_database_constraint(frozen, fs_always, citizen, kids, services, facility_y):
    child = [kids["four"].pk]
    booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 18), 2), child_ids=child)
    with pytest.raises(Conflict) as exc:
        booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 19), 2), child_ids=child)
    assert _code(exc) == "already_booked"
    # The partial unique index refuses an overlapping active row even when code skips the check.
    other = Occupancy.objects.first()
    assert other is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.create(booking=other.booking, slot=other.slot, child=other.child, starts_at=other.starts_at)


def test_capacity_exhausted_is_409_with_detail(frozen, fs_always, regions):
    ids = slot_ids(fs_always, at(DAY, 18), 1)
    for i in range(3):
        user, children = make_family(f"fam{i}", regions["jangan"])
        booking_create(actor=user, slot_ids=ids, child_ids=[children[0].pk])
    user, children = make_family("late", regions["jangan"], 2)
    with pytest.raises(CapacityExhausted) as exc:
        booking_create(actor=user, slot_ids=ids, child_ids=[c.pk for c in children])
    assert exc.value.status == 409 and exc.value.detail["slots"][0]["available"] == 0


def test_siblings_all_or_none_when_one_place_left(frozen, fs_always, citizen, kids, regions):
    ids = slot_ids(fs_always, at(DAY, 18), 1)
    for i in range(2):
        user, children = make_family(f"fam{i}", regions["jangan"])
        booking_create(actor=user, slot_ids=ids, child_ids=[children[0].pk])
    with pytest.raises(CapacityExhausted):
        booking_create(actor=citizen, slot_ids=ids, child_ids=[kids["baby"].pk, kids["four"].pk])
    assert not Booking.objects.filter(household__guardian=citizen).exists()
    assert availability(slot_ids=ids)[ids[0]] == 2


def test_closed_facility_is_not_bookable(frozen, fs_always, citizen, kids):
    facility = fs_always.facility
    if not hasattr(facility, "status"):
        pytest.skip("facility status not available")
    facility.status = "closed"
    facility.save()
    with pytest.raises(NotEligible) as exc:
        booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 18), 1), child_ids=[kids["four"].pk])
    assert _code(exc) == "facility_not_bookable"


def test_other_familys_child_not_found(frozen, fs_always, citizen, other_citizen, kids, regions):
    from dolbom.households.models import Household

    Household.objects.create(guardian=other_citizen, home_region=regions["jangan"])
    with pytest.raises(NotFound):
        booking_create(actor=other_citizen, slot_ids=slot_ids(fs_always, at(DAY, 18), 1), child_ids=[kids["four"].pk])


def test_non_consecutive_slots_refused(frozen, fs_always, citizen, kids):
    ids = slot_ids(fs_always, at(DAY, 18), 1) + slot_ids(fs_always, at(DAY, 20), 1)
    with pytest.raises(ApplicationError) as exc:
        booking_create(actor=citizen, slot_ids=ids, child_ids=[kids["four"].pk])
    assert exc.value.status == 422


# ------------------------------------------------------------------ holds


def test_hold_counts_until_it_expires_without_a_sweep(frozen, fs_always, citizen, kids, regions):
    ids = slot_ids(fs_always, at(DAY, 18), 1)
    fs_always.slots.filter(pk__in=ids).update(capacity=1)
    hold = hold_create(actor=citizen, slot_ids=ids, child_ids=[kids["four"].pk])
    user, children = make_family("other", regions["jangan"])
    with pytest.raises(CapacityExhausted):
        booking_create(actor=user, slot_ids=ids, child_ids=[children[0].pk])
    frozen.set(hold.expires_at + timedelta(seconds=1))
    booking = booking_create(actor=user, slot_ids=ids, child_ids=[children[0].pk])
    assert booking.status == Booking.Status.CONFIRMED
    with pytest.raises(CapacityExhausted):
        hold_confirm(actor=citizen, hold_id=hold.pk)


def test_hold_confirm_makes_booking_and_releases_hold(frozen, fs_always, citizen, kids):
    ids = slot_ids(fs_always, at(DAY, 18), 2)
    fs_always.slots.filter(pk__in=ids).update(capacity=2)
    hold = hold_create(actor=citizen, slot_ids=ids, child_ids=[kids["baby"].pk, kids["four"].pk])
    booking = hold_confirm(actor=citizen, hold_id=hold.pk)
    assert booking.booking_children.count() == 2
    assert Hold.objects.get(pk=hold.pk).released
    assert availability(slot_ids=ids) == dict.fromkeys(ids, 2)
    with pytest.raises(TransitionNotAllowed):
        hold_confirm(actor=citizen, hold_id=hold.pk)


# ------------------------------------------------------------------ cancel, approval, attendance


def test_cancel_frees_places_and_respects_deadline(frozen, fs_always, citizen, kids):
    booking = booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 12), 2), child_ids=[kids["four"].pk])
    frozen.set(at(DAY, 10, 30))  # deadline: 2 hours before 12:00
    with pytest.raises(TransitionNotAllowed) as exc:
        booking_cancel(actor=citizen, booking_id=booking.pk)
    assert _code(exc) == "cancel_deadline_passed"
    frozen.set(at(DAY, 9, 30))
    booking_cancel(actor=citizen, booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not Occupancy.objects.filter(booking=booking, active=True).exists()
    # The same child can be booked again in the same hours once cancelled.
    assert booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 12), 2), child_ids=[kids["four"].pk])


def test_other_citizen_cannot_cancel(frozen, fs_always, citizen, other_citizen, kids):
    booking = booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 18), 1), child_ids=[kids["four"].pk])
    with pytest.raises(NotFound):
        booking_cancel(actor=other_citizen, booking_id=booking.pk)


def test_approval_flow_pending_then_accept_or_decline(frozen, services, facility_x, provider_x, citizen, kids):
    from tests.factories import FacilityFactory, UserFactory

    fs = FacilityService.objects.create(facility=facility_x, service=services["gg-school-emergency"])
    slots_generate(facility_service=fs, start=DAY, days=2)
    booking = booking_create(actor=citizen, slot_ids=slot_ids(fs, at(DAY, 18), 2), child_ids=[kids["eight"].pk])
    assert booking.status == Booking.Status.PENDING
    other_provider = UserFactory(username="prov-other", role="provider", facility=FacilityFactory())
    with pytest.raises(PermissionDenied):
        booking_decide(actor=other_provider, booking_id=booking.pk, accept=True)
    with pytest.raises(PermissionDenied):
        booking_decide(actor=citizen, booking_id=booking.pk, accept=True)
    booking_decide(actor=provider_x, booking_id=booking.pk, accept=False)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    assert Notification.objects.filter(kind="booking.declined").exists()
    again = booking_create(actor=citizen, slot_ids=slot_ids(fs, at(DAY, 18), 2), child_ids=[kids["eight"].pk])
    booking_decide(actor=provider_x, booking_id=again.pk, accept=True)
    again.refresh_from_db()
    assert again.status == Booking.Status.CONFIRMED


def test_attendance_and_no_show(frozen, fs_always, provider_x, citizen, kids):
    booking = booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 12), 1), child_ids=[kids["four"].pk])
    with pytest.raises(TransitionNotAllowed):
        booking_attendance(actor=provider_x, booking_id=booking.pk, attended=False)
    frozen.set(at(DAY, 12, 30))
    booking_attendance(actor=provider_x, booking_id=booking.pk, attended=False)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    assert Occupancy.objects.filter(booking=booking, active=True).exists()  # the place was used up


def test_no_show_limit_blocks_new_bookings(frozen, fs_always, provider_x, citizen, kids):
    for hour in (10, 11, 12):
        frozen.set(at(DAY, 9))
        booking = booking_create(
            actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, hour), 1), child_ids=[kids["four"].pk]
        )
        frozen.set(at(DAY, hour, 30))
        booking_attendance(actor=provider_x, booking_id=booking.pk, attended=False)
    frozen.set(at(DAY, 13))
    with pytest.raises(NotEligible) as exc:
        booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 14), 1), child_ids=[kids["four"].pk])
    assert _code(exc) == "no_show_limit"


def test_capacity_change_by_provider_only_and_not_below_taken(frozen, fs_always, provider_x, citizen, kids):
    ids = slot_ids(fs_always, at(DAY, 18), 1)
    booking_create(actor=citizen, slot_ids=ids, child_ids=[kids["baby"].pk, kids["four"].pk])
    assert slot_capacity_set(actor=provider_x, slot_id=ids[0], capacity=6).capacity == 6
    with pytest.raises(Conflict):
        slot_capacity_set(actor=provider_x, slot_id=ids[0], capacity=1)
    with pytest.raises(PermissionDenied):
        slot_capacity_set(actor=citizen, slot_id=ids[0], capacity=9)


# ------------------------------------------------------------------ waiting list


def test_waitlist_offer_lapse_and_next_family(frozen, fs_always, regions, django_capture_on_commit_callbacks):
    ids = slot_ids(fs_always, at(DAY, 18), 2)
    fs_always.slots.filter(pk__in=ids).update(capacity=1)
    holder, holder_kids = make_family("holder", regions["jangan"])
    booking = booking_create(actor=holder, slot_ids=ids, child_ids=[holder_kids[0].pk])
    first, first_kids = make_family("first", regions["jangan"])
    second, second_kids = make_family("second", regions["jangan"])
    with pytest.raises(Conflict) as exc:
        waitlist_join(actor=holder, slot_ids=ids, child_ids=[holder_kids[0].pk])
    assert exc.value.code == "already_booked"
    e1 = waitlist_join(actor=first, slot_ids=ids, child_ids=[first_kids[0].pk])
    e2 = waitlist_join(actor=second, slot_ids=ids, child_ids=[second_kids[0].pk])
    assert waitlist_of(user=second)[0]["position"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=holder, booking_id=booking.pk)  # after commit, the task offers the freed place
    assert waitlist_advance(facility_service_id=fs_always.pk) == 0  # idempotent: no second offer
    e1.refresh_from_db()
    assert e1.status == WaitlistEntry.Status.OFFERED
    assert Notification.objects.filter(kind="waitlist.offer", recipient=first).count() == 1
    assert waitlist_of(user=second)[0]["position"] == 1
    # The offer holds the place: nobody else can take it meanwhile.
    with pytest.raises(CapacityExhausted):
        booking_create(actor=holder, slot_ids=ids, child_ids=[holder_kids[0].pk])
    # The offer lapses: at read time it is lapsed, whether or not the advance has run.
    frozen.set(e1.offer_expires_at + timedelta(seconds=1))
    assert waitlist_of(user=first)[0]["status"] == WaitlistEntry.Status.LAPSED
    with pytest.raises(TransitionNotAllowed):
        waitlist_accept(actor=first, entry_id=e1.pk)
    assert waitlist_advance(facility_service_id=fs_always.pk) == 1
    e2.refresh_from_db()
    assert e2.status == WaitlistEntry.Status.OFFERED
    booking2 = waitlist_accept(actor=second, entry_id=e2.pk)
    assert booking2.status == Booking.Status.CONFIRMED
    e2.refresh_from_db()
    assert e2.status == WaitlistEntry.Status.BOOKED


def test_waitlist_join_refused_when_places_free(frozen, fs_always, citizen, kids):
    with pytest.raises(Conflict) as exc:
        waitlist_join(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 18), 1), child_ids=[kids["four"].pk])
    assert exc.value.code == "places_available"


def test_citizen_data_export_includes_bookings(frozen, fs_always, citizen, kids):
    from dolbom.households.selectors import citizen_data_export

    booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 18), 1), child_ids=[kids["four"].pk])
    data = citizen_data_export(user=citizen)
    assert data["care_bookings"][0]["children"] == ["바다"]
    assert data["care_waitlist"] == []


def test_account_delete_with_bookings_frees_places(frozen, fs_always, citizen, kids):
    from dolbom.accounts.services import account_delete
    from tests.factories import PASSWORD

    ids = slot_ids(fs_always, at(DAY, 18), 1)
    booking_create(actor=citizen, slot_ids=ids, child_ids=[kids["four"].pk, kids["baby"].pk])
    assert availability(slot_ids=ids)[ids[0]] == 2
    account_delete(actor=citizen, password=PASSWORD)
    assert availability(slot_ids=ids)[ids[0]] == 0
    assert not Booking.objects.exists()


def test_periodic_advance_moves_a_lapsed_offer_on(frozen, fs_always, regions):
    from dolbom.booking.tasks import waitlist_advance_all_task

    ids = slot_ids(fs_always, at(DAY, 18), 1)
    Slot.objects.filter(pk__in=ids).update(capacity=1)
    holder, holder_kids = make_family("holder", regions["jangan"])
    booking = booking_create(actor=holder, slot_ids=ids, child_ids=[holder_kids[0].pk])
    first, first_kids = make_family("first", regions["jangan"])
    second, second_kids = make_family("second", regions["jangan"])
    e1 = waitlist_join(actor=first, slot_ids=ids, child_ids=[first_kids[0].pk])
    e2 = waitlist_join(actor=second, slot_ids=ids, child_ids=[second_kids[0].pk])
    booking_cancel(actor=holder, booking_id=booking.pk)  # inside the test transaction: no after-commit run
    assert waitlist_advance_all_task() == 1
    e1.refresh_from_db()
    frozen.set(e1.offer_expires_at + timedelta(minutes=1))
    assert waitlist_advance_all_task() == 1
    assert waitlist_advance_all_task() == 0
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert (e1.status, e2.status) == (WaitlistEntry.Status.LAPSED, WaitlistEntry.Status.OFFERED)


def test_coordinator_books_for_a_family_in_scope_only(
    frozen, fs_always, household, kids, coordinator_suwon, coordinator_gangnam, provider_x
):
    ids = slot_ids(fs_always, at(DAY, 18), 1)
    with pytest.raises(NotFound):
        booking_create(actor=coordinator_gangnam, slot_ids=ids, child_ids=[kids["four"].pk], household_id=household.pk)
    with pytest.raises(PermissionDenied):
        booking_create(actor=provider_x, slot_ids=ids, child_ids=[kids["four"].pk], household_id=household.pk)
    booking = booking_create(
        actor=coordinator_suwon, slot_ids=ids, child_ids=[kids["four"].pk], household_id=household.pk
    )
    assert booking.created_by == coordinator_suwon and booking.household == household
    entry = AuditEntry.objects.get(action="booking.create", object_id=str(booking.pk))
    assert entry.actor == coordinator_suwon and entry.acting_for == household.guardian


def test_a_live_hold_keeps_the_cutoff_of_when_it_was_made(frozen, fs_always, citizen, kids):
    frozen.set(at(DAY, 14, 58))
    ids = slot_ids(fs_always, at(DAY, 19), 1)
    hold = hold_create(actor=citizen, slot_ids=ids, child_ids=[kids["four"].pk])
    frozen.set(at(DAY, 15, 1))
    assert hold_confirm(actor=citizen, hold_id=hold.pk).status == Booking.Status.CONFIRMED
    frozen.set(at(DAY, 14, 59))
    other = hold_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 20), 1), child_ids=[kids["baby"].pk])
    frozen.set(other.expires_at + timedelta(minutes=1))  # expired: today's cut-off now applies
    with pytest.raises(NotEligible) as exc:
        hold_confirm(actor=citizen, hold_id=other.pk)
    assert exc.value.code == "cutoff_passed"


def test_slots_are_generated_ahead_and_a_day_can_be_closed(frozen, fs_always, provider_x, citizen, kids):
    from dolbom.booking.services import slot_day_close, slots_generate_ahead

    created = slots_generate_ahead(today=DAY)
    assert created == 24 * (fs_always.service.advance_days + 1 - 7)  # the fixture made the first 7 days
    assert slots_generate_ahead(today=DAY) == 0
    with pytest.raises(PermissionDenied):
        slot_day_close(actor=citizen, facility_service_id=fs_always.pk, day=DAY)
    assert slot_day_close(actor=provider_x, facility_service_id=fs_always.pk, day=DAY, note="소독") == 24
    with pytest.raises(NotEligible) as exc:
        booking_create(actor=citizen, slot_ids=slot_ids(fs_always, at(DAY, 18), 1), child_ids=[kids["four"].pk])
    assert exc.value.code == "slot_closed"
    assert SlotException.objects.get(facility_service=fs_always, date=DAY).closed


def test_saturday_capacity_raised_for_a_range(frozen, services, facility_x, provider_x, citizen, kids):
    from dolbom.booking.services import slot_capacity_set_weekday

    fs = FacilityService.objects.create(facility=facility_x, service=services["iksan-night-holiday"])
    slots_generate(facility_service=fs, start=DAY, days=21)
    saturday = DAY + timedelta(days=5)
    with pytest.raises(PermissionDenied):
        slot_capacity_set_weekday(
            actor=citizen, facility_service_id=fs.pk, weekday=5, start=DAY, end=DAY + timedelta(days=20), capacity=6
        )
    result = slot_capacity_set_weekday(
        actor=provider_x, facility_service_id=fs.pk, weekday=5, start=DAY, end=DAY + timedelta(days=20), capacity=6
    )
    assert result == {"changed": 9 * 3, "skipped": 0}  # three Saturdays, 09–18
    assert {v.slot.capacity for v in slots_for_day(facility_service=fs, day=saturday)} == {6}
    assert {v.slot.capacity for v in slots_for_day(facility_service=fs, day=DAY)} == {3}  # Monday untouched
