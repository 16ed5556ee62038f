"""Citizen and provider pages, including the newcomer's walk-through on the demo data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dolbom.booking.models import Booking, FacilityService, Slot
from dolbom.core.models import AuditEntry

from .conftest import at


@pytest.fixture
def demo(regions, frozen):
    """The demo accounts, household and booking seed on the tiny region tree; the clock at 10:00 today."""
    from dolbom.accounts import demo as accounts_demo
    from dolbom.booking import demo as booking_demo
    from dolbom.households import demo as households_demo

    frozen.set(at(timezone.localdate(), 10))
    for module in (accounts_demo, households_demo, booking_demo):
        module.load(None)
    from dolbom.accounts.models import User
    from dolbom.households.models import Child

    # The demo seeds 김하늘 as "183 days old", which is 5 completed months on some dates (under the
    # service's 6-month minimum); pin a birth date that is 6 months old on every date.
    Child.objects.filter(name="김하늘").update(birth_date=timezone.localdate() - timedelta(days=200))

    return {"citizen": User.objects.get(username="citizen"), "provider": User.objects.get(username="provider")}


def test_newcomer_books_tonight_for_two_children_and_cancels(client, demo):
    citizen, provider = demo["citizen"], demo["provider"]
    client.force_login(citizen)
    index = client.get("/care/")
    assert index.status_code == 200 and "언제나 어린이집" in index.content.decode()
    fs = FacilityService.objects.get(service__code="gg-always-daycare", facility=provider.facility)
    today = timezone.localdate()
    page = client.get(f"/care/book/{fs.pk}/?date={today}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "김하늘" in text and "김바다" in text
    tonight = list(
        Slot.objects.filter(facility_service=fs, starts_at__gte=at(today, 19), starts_at__lt=at(today, 21)).values_list(
            "pk", flat=True
        )
    )
    children = list(citizen.household.children.filter(name__in=["김하늘", "김바다"]).values_list("pk", flat=True))
    held = client.post(
        f"/care/book/{fs.pk}/", {"date": today.isoformat(), "slot": tonight, "child": children, "action": "hold"}
    )
    assert held.status_code == 302, held.content.decode()[:2000]
    confirm_page = client.get(held["Location"])
    assert "12,000원" in confirm_page.content.decode()
    done = client.post(held["Location"], {"action": "confirm"})
    assert done.status_code == 302 and done["Location"] == "/care/my/"
    my = client.get("/care/my/").content.decode()
    assert "언제나 어린이집" in my and "12,000원" in my and "확정" in my
    booking = Booking.objects.get(household__guardian=citizen)
    assert client.get(f"/care/bookings/{booking.pk}/calendar.ics").content.startswith(b"BEGIN:VCALENDAR\r\n")

    # The provider demo account sees it appear, with the children's pre-registered details (audited).
    client.force_login(provider)
    office = client.get("/backoffice/bookings/").content.decode()
    assert "김하늘" in office and "김바다" in office and "땅콩" in office
    assert AuditEntry.objects.filter(action="child.read", actor=provider).exists()

    client.force_login(citizen)
    confirm = client.get(f"/care/bookings/{booking.pk}/cancel/")
    assert confirm.status_code == 200 and "취소할까요" in confirm.content.decode()
    assert client.post(f"/care/bookings/{booking.pk}/cancel/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    # ... and disappear from the provider's lists (only counted among cancelled ones, without the children).
    client.force_login(provider)
    office = client.get("/backoffice/bookings/").content.decode()
    assert "김하늘" not in office and "취소·거절된 예약 1건" in office


def test_refusal_is_shown_on_the_page_with_waitlist_when_full(client, demo):
    citizen = demo["citizen"]
    fs = FacilityService.objects.get(service__code="gg-always-daycare")
    today = timezone.localdate()
    slot = Slot.objects.get(facility_service=fs, starts_at=at(today, 19))
    Slot.objects.filter(pk=slot.pk).update(capacity=0)
    client.force_login(citizen)
    child = citizen.household.children.get(name="김바다")
    page = client.post(f"/care/book/{fs.pk}/", {"date": today.isoformat(), "slot": [slot.pk], "child": [child.pk]})
    assert page.status_code == 409
    assert "대기 신청" in page.content.decode()
    age = client.post(
        f"/care/book/{fs.pk}/",
        {"date": today.isoformat(), "slot": [slot.pk + 1], "child": [citizen.household.children.get(name="김산").pk]},
    )
    assert age.status_code == 409 and "이용 연령" in age.content.decode()


def test_pages_refuse_the_wrong_people(client, demo, other_citizen, provider_x):
    fs = FacilityService.objects.get(service__code="gg-always-daycare")
    assert client.get("/care/my/").status_code == 302  # anonymous → login
    assert client.get("/backoffice/bookings/").status_code == 302
    client.force_login(demo["citizen"])
    assert client.get("/backoffice/bookings/").status_code == 403
    client.force_login(demo["provider"])
    assert client.get(f"/care/book/{fs.pk}/").status_code == 403
    # Another facility's provider sees none of this facility's bookings and cannot act on them.
    client.force_login(demo["citizen"])
    today = timezone.localdate()
    slot = Slot.objects.get(facility_service=fs, starts_at=at(today, 19))
    child = demo["citizen"].household.children.get(name="김바다")
    hold = client.post(f"/care/book/{fs.pk}/", {"date": today.isoformat(), "slot": [slot.pk], "child": [child.pk]})
    client.post(hold["Location"], {"action": "confirm"})
    booking = Booking.objects.get()
    client.force_login(provider_x)
    assert "김바다" not in client.get("/backoffice/bookings/").content.decode()
    refused = client.post(f"/backoffice/bookings/{booking.pk}/action/", {"action": "decline"})
    assert refused.status_code == 403
    assert client.get(f"/backoffice/bookings/capacity/{fs.pk}/").status_code == 404
    client.force_login(other_citizen)
    assert client.get(f"/care/bookings/{booking.pk}/cancel/").status_code == 404
    assert client.get(f"/care/bookings/{booking.pk}/calendar.ics").status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_provider_changes_capacity_on_the_page(client, demo):
    provider = demo["provider"]
    fs = FacilityService.objects.get(service__code="gg-always-daycare", facility=provider.facility)
    today = timezone.localdate()
    slot = Slot.objects.get(facility_service=fs, starts_at=at(today, 19))
    client.force_login(provider)
    page = client.get(f"/backoffice/bookings/capacity/{fs.pk}/?date={today}")
    assert page.status_code == 200
    client.post(f"/backoffice/bookings/capacity/{fs.pk}/", {"slot": slot.pk, "capacity": 6, "date": today.isoformat()})
    slot.refresh_from_db()
    assert slot.capacity == 6
    next_week = today + timedelta(days=7)
    client.post(
        f"/backoffice/bookings/capacity/{fs.pk}/",
        {"action": "weekday", "date": today.isoformat(), "until": next_week.isoformat(), "capacity": 5},
    )
    assert set(
        Slot.objects.filter(facility_service=fs, starts_at__date=next_week).values_list("capacity", flat=True)
    ) == {5}
    tomorrow = today + timedelta(days=1)
    client.post(f"/backoffice/bookings/capacity/{fs.pk}/", {"action": "close_day", "date": tomorrow.isoformat()})
    assert not Slot.objects.filter(facility_service=fs, starts_at__date=tomorrow, closed=False).exists()
    client.force_login(demo["citizen"])
    assert "휴원" in client.get(f"/care/book/{fs.pk}/?date={tomorrow}").content.decode()


def test_waitlist_on_pages_join_offer_accept(client, demo, regions, django_capture_on_commit_callbacks):
    from dolbom.booking.services import booking_cancel, booking_create
    from dolbom.booking.tests.conftest import make_family

    citizen = demo["citizen"]
    fs = FacilityService.objects.get(service__code="gg-always-daycare")
    today = timezone.localdate()
    slot = Slot.objects.get(facility_service=fs, starts_at=at(today, 19))
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    other, other_kids = make_family("neighbour", regions["jangan"])
    taken = booking_create(actor=other, slot_ids=[slot.pk], child_ids=[other_kids[0].pk])
    client.force_login(citizen)
    child = citizen.household.children.get(name="김바다")
    joined = client.post(
        f"/care/book/{fs.pk}/",
        {"date": today.isoformat(), "slot": [slot.pk], "child": [child.pk], "action": "waitlist"},
    )
    assert joined.status_code == 302
    assert "1번째" in client.get("/care/my/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=other, booking_id=taken.pk)  # frees the place: the offer goes to 김보호
    my = client.get("/care/my/").content.decode()
    assert "자리 제안됨" in my and "확정하기" in my
    from dolbom.booking.models import WaitlistEntry

    entry = WaitlistEntry.objects.get(household=citizen.household)
    assert client.post(f"/care/waitlist/{entry.pk}/accept/").status_code == 302
    assert Booking.objects.filter(household=citizen.household, status=Booking.Status.CONFIRMED).exists()


def test_bad_input_on_pages_is_never_a_500(client, demo):
    client.force_login(demo["citizen"])
    fs = FacilityService.objects.get(service__code="gg-always-daycare")
    assert client.post(f"/care/book/{fs.pk}/", {"slot": ["x", "-1"], "child": ["abc"]}).status_code == 422
    assert client.get(f"/care/book/{fs.pk}/?date=2026-99-99").status_code == 200
    assert client.get("/care/nearest/?service=gg-always-daycare&hour=abc").status_code == 422
    assert client.get("/care/nearest/?service=nope").status_code == 404
    assert client.post("/care/waitlist/1/explode/").status_code == 404
    assert client.get("/care/book/999999/").status_code == 404
    assert client.get("/care/holds/999999/").status_code == 404
