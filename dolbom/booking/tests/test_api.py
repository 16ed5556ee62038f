import json
from datetime import timedelta

import pytest

from dolbom.booking.models import Booking, FacilityService, Slot
from dolbom.booking.services import slots_generate

from .conftest import DAY, at, make_family


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def slot_ids(fs, start, hours):
    return list(
        Slot.objects.filter(
            facility_service=fs, starts_at__gte=start, starts_at__lt=start + timedelta(hours=hours)
        ).values_list("pk", flat=True)
    )


def test_services_list_is_public_and_carries_rules(api_client, services):
    response = api_client.get("/api/v1/care/services")
    assert response.status_code == 200
    by_code = {s["code"]: s for s in response.json()}
    assert set(by_code) == set(services)
    always = by_code["gg-always-daycare"]
    assert always["same_day_cutoff"] == "15:00" and always["previous_day_cutoff"] == "18:00"
    assert always["max_consecutive_days"] == 5 and always["hourly_fee"] == 3000
    assert {p["region_name"] for p in always["participations"]} >= {"부천시", "남양주시", "김포시"}
    assert by_code["gwangju-hospital-child"]["delivery"] == "hospital"


def test_slots_show_derived_availability(frozen, api_client, fs_always, citizen, kids, auth_header):
    url = f"/api/v1/care/slots?facility={fs_always.facility_id}&service=gg-always-daycare&date={DAY}"
    slots = api_client.get(url).json()
    assert len(slots) == 24 and all(s["available"] == 3 for s in slots)
    evening = [s["id"] for s in slots[18:20]]
    response = post_json(
        api_client,
        "/api/v1/care/bookings",
        {"slot_ids": evening, "child_ids": [kids["baby"].pk, kids["four"].pk]},
        **auth_header(citizen),
    )
    assert response.status_code == 201, response.content
    after = {s["id"]: s["available"] for s in api_client.get(url).json()}
    assert after[evening[0]] == 1
    bad = api_client.get(f"/api/v1/care/slots?facility={fs_always.facility_id}&service=nope&date={DAY}")
    assert bad.status_code == 404 and bad.json()["code"] == "not_found"
    assert api_client.get("/api/v1/care/slots?facility=x&service=1&date=2026-13-01").status_code == 422


def test_book_list_calendar_cancel(frozen, api_client, fs_always, citizen, kids, auth_header):
    headers = auth_header(citizen)
    ids = slot_ids(fs_always, at(DAY, 18), 3)
    response = post_json(
        api_client,
        "/api/v1/care/bookings",
        {"slot_ids": ids, "child_ids": [kids["baby"].pk, kids["four"].pk]},
        **headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["fee"] == 18000
    assert {c["name"] for c in body["children"]} == {"하늘", "바다"}
    listing = api_client.get("/api/v1/care/bookings", **headers).json()
    assert [b["id"] for b in listing] == [body["id"]]
    ics = api_client.get(body["calendar_url"], **headers)
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and f"UID:booking-{body['id']}@" in text
    assert "DTSTART:20261123T090000Z" in text and "DTEND:20261123T120000Z" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cancelled = api_client.post(f"/api/v1/care/bookings/{body['id']}/cancel", **headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = api_client.post(f"/api/v1/care/bookings/{body['id']}/cancel", **headers)
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"


def fill_one_place(api_client, fs_always, regions, auth_header):
    """Tonight's 18:00 hour with one place, booked by a first family; the second family (returned) finds it full."""
    ids = slot_ids(fs_always, at(DAY, 18), 1)
    Slot.objects.filter(pk__in=ids).update(capacity=1)
    first, first_kids = make_family("first", regions["jangan"])
    second, second_kids = make_family("second", regions["jangan"])
    ok = post_json(
        api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": [first_kids[0].pk]}, **auth_header(first)
    )
    assert ok.status_code == 201
    return ids, second, second_kids


def test_capacity_exhausted_409(frozen, api_client, fs_always, regions, auth_header):
    ids, second, second_kids = fill_one_place(api_client, fs_always, regions, auth_header)
    full = post_json(
        api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": [second_kids[0].pk]}, **auth_header(second)
    )
    assert full.status_code == 409
    assert full.json()["code"] == "capacity_exhausted" and full.json()["message"]
    # ... and the family can join the waiting list and see its position.
    joined = post_json(
        api_client, "/api/v1/care/waitlist", {"slot_ids": ids, "child_ids": [second_kids[0].pk]}, **auth_header(second)
    )
    assert joined.status_code == 201, joined.content
    assert joined.json()["position"] == 1 and joined.json()["status"] == "waiting"
    mine = api_client.get("/api/v1/care/waitlist", **auth_header(second)).json()
    assert mine[0]["position"] == 1


@pytest.mark.parametrize(
    ("case", "code", "status"),
    [
        ("cutoff", "cutoff_passed", 409),
        ("age", "age_not_served", 409),
        ("resident", "not_resident", 409),
        ("consecutive", "consecutive_day_limit", 409),
        ("already", "already_booked", 409),
        ("unknown_child", "not_found", 404),
        ("empty", "invalid_input", 422),
        ("extra_field", "invalid_input", 422),
    ],
)
def test_every_refusal_says_why(frozen, api_client, fs_always, citizen, kids, regions, auth_header, case, code, status):
    headers = auth_header(citizen)
    child = [kids["four"].pk]
    payload: dict = {"slot_ids": slot_ids(fs_always, at(DAY, 18), 1), "child_ids": child}
    if case == "cutoff":
        frozen.set(at(DAY, 15, 1))
    elif case == "age":
        payload["child_ids"] = [kids["eight"].pk]
    elif case == "resident":
        user, children = make_family("busan", regions["gangnam"])
        headers = auth_header(user)
        payload["child_ids"] = [children[0].pk]
    elif case == "consecutive":
        frozen.set(at(DAY - timedelta(days=1), 9))
        for offset in range(5):
            ids = slot_ids(fs_always, at(DAY + timedelta(days=offset), 10), 1)
            assert (
                post_json(
                    api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": child}, **headers
                ).status_code
                == 201
            )
        payload["slot_ids"] = slot_ids(fs_always, at(DAY + timedelta(days=5), 10), 1)
    elif case == "already":
        post_json(api_client, "/api/v1/care/bookings", payload, **headers)
    elif case == "unknown_child":
        payload["child_ids"] = [999999]
    elif case == "empty":
        payload["slot_ids"] = []
    elif case == "extra_field":
        payload["price"] = 0
    before = Booking.objects.count()
    response = post_json(api_client, "/api/v1/care/bookings", payload, **headers)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"]
    assert Booking.objects.count() == before


def test_bookings_need_login_and_are_private(frozen, api_client, fs_always, citizen, other_citizen, kids, auth_header):
    ids = slot_ids(fs_always, at(DAY, 18), 1)
    assert (
        post_json(api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": [kids["four"].pk]}).status_code
        == 401
    )
    booking = post_json(
        api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": [kids["four"].pk]}, **auth_header(citizen)
    ).json()
    other = auth_header(other_citizen)
    assert api_client.get(f"/api/v1/care/bookings/{booking['id']}", **other).status_code == 404
    assert api_client.get(f"/api/v1/care/bookings/{booking['id']}/calendar.ics", **other).status_code == 404
    assert api_client.post(f"/api/v1/care/bookings/{booking['id']}/cancel", **other).status_code == 404
    assert api_client.get("/api/v1/care/bookings", **other).json() == []


def test_provider_sees_only_own_facility_and_decides(
    frozen, api_client, services, facility_x, facility_y, provider_x, citizen, kids, auth_header
):
    from tests.factories import UserFactory

    fs = FacilityService.objects.create(facility=facility_x, service=services["gg-school-emergency"])
    slots_generate(facility_service=fs, start=DAY, days=1)
    ids = slot_ids(fs, at(DAY, 18), 2)
    booking = post_json(
        api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": [kids["eight"].pk]}, **auth_header(citizen)
    ).json()
    assert booking["status"] == "pending"
    seen = api_client.get("/api/v1/care/facility-bookings", **auth_header(provider_x)).json()
    assert [b["id"] for b in seen] == [booking["id"]]
    provider_y = UserFactory(username="provider-y", role="provider", facility=facility_y)
    assert api_client.get("/api/v1/care/facility-bookings", **auth_header(provider_y)).json() == []
    url = f"/api/v1/care/bookings/{booking['id']}/decision"
    refused = post_json(api_client, url, {"accept": True}, **auth_header(provider_y))
    assert refused.status_code == 403
    assert post_json(api_client, url, {"accept": True}, **auth_header(citizen)).status_code == 403
    assert api_client.get("/api/v1/care/facility-bookings", **auth_header(citizen)).status_code == 403
    accepted = post_json(api_client, url, {"accept": True}, **auth_header(provider_x))
    assert accepted.status_code == 200 and accepted.json()["status"] == "confirmed"
    patch = api_client.patch(
        f"/api/v1/care/slots/{ids[0]}", data=json.dumps({"capacity": 6}), content_type="application/json",
        **auth_header(provider_y),
    )  # fmt: skip
    assert patch.status_code == 403
    patch = api_client.patch(
        f"/api/v1/care/slots/{ids[0]}", data=json.dumps({"capacity": 6}), content_type="application/json",
        **auth_header(provider_x),
    )  # fmt: skip
    assert patch.status_code == 200 and patch.json()["capacity"] == 6 and patch.json()["available"] == 5


def test_hold_then_confirm_over_api(frozen, api_client, fs_always, citizen, kids, auth_header):
    headers = auth_header(citizen)
    ids = slot_ids(fs_always, at(DAY, 18), 2)
    hold = post_json(api_client, "/api/v1/care/holds", {"slot_ids": ids, "child_ids": [kids["four"].pk]}, **headers)
    assert hold.status_code == 201, hold.content
    confirmed = post_json(api_client, f"/api/v1/care/holds/{hold.json()['id']}/confirm", {}, **headers)
    assert confirmed.status_code == 201 and confirmed.json()["status"] == "confirmed"


def test_waitlist_accept_and_cancel_over_api(frozen, api_client, fs_always, regions, auth_header):
    from dolbom.booking.services import booking_cancel, waitlist_advance

    ids = slot_ids(fs_always, at(DAY, 18), 1)
    Slot.objects.filter(pk__in=ids).update(capacity=1)
    holder, holder_kids = make_family("holder", regions["jangan"])
    taken = post_json(
        api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": [holder_kids[0].pk]}, **auth_header(holder)
    ).json()
    waiter, waiter_kids = make_family("waiter", regions["jangan"])
    other, other_kids = make_family("other", regions["jangan"])
    headers = auth_header(waiter)
    entry = post_json(
        api_client, "/api/v1/care/waitlist", {"slot_ids": ids, "child_ids": [waiter_kids[0].pk]}, **headers
    ).json()
    second = post_json(
        api_client, "/api/v1/care/waitlist", {"slot_ids": ids, "child_ids": [other_kids[0].pk]}, **auth_header(other)
    ).json()
    assert second["position"] == 2
    assert api_client.post(f"/api/v1/care/waitlist/{entry['id']}/accept", **headers).status_code == 409  # no offer yet
    booking_cancel(actor=holder, booking_id=taken["id"])
    waitlist_advance(facility_service_id=fs_always.pk)
    listing = api_client.get("/api/v1/care/waitlist", **headers).json()
    assert listing[0]["status"] == "offered" and listing[0]["offer_expires_at"]
    assert api_client.post(f"/api/v1/care/waitlist/{entry['id']}/accept", **auth_header(other)).status_code == 404
    accepted = api_client.post(f"/api/v1/care/waitlist/{entry['id']}/accept", **headers)
    assert accepted.status_code == 201 and accepted.json()["status"] == "confirmed"
    left = api_client.post(f"/api/v1/care/waitlist/{second['id']}/cancel", **auth_header(other))
    assert left.status_code == 204
    assert api_client.get("/api/v1/care/waitlist", **auth_header(other)).json()[0]["status"] == "cancelled"


def test_nearest_with_a_place(frozen, api_client, fs_always, services, facility_y, regions):
    other = FacilityService.objects.create(facility=facility_y, service=services["gg-always-daycare"])
    slots_generate(facility_service=other, start=DAY, days=1)
    full = slot_ids(fs_always, at(DAY, 19), 1)
    Slot.objects.filter(pk__in=full).update(capacity=0)
    url = "/api/v1/care/nearest?service=gg-always-daycare&starts_at=2026-11-23T18:00:00%2B09:00&hours=2&children=2"
    found = api_client.get(url).json()
    assert [r["facility_id"] for r in found] == [facility_y.pk]  # facility X is full at 19:00
    assert len(found[0]["slot_ids"]) == 2
    assert api_client.get(url.replace("gg-always-daycare", "nope")).status_code == 404


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/care/slots?facility=abc&service=gg-always-daycare&date=2026-11-23", None),
        ("get", "/api/v1/care/slots?facility=1&service=gg-always-daycare&date=23-11-2026", None),
        ("post", "/api/v1/care/bookings", {"slot_ids": ["a"], "child_ids": [1]}),
        ("post", "/api/v1/care/bookings", {"slot_ids": [1], "child_ids": []}),
        ("post", "/api/v1/care/bookings", {"slot_ids": list(range(400)), "child_ids": [1]}),
        ("post", "/api/v1/care/bookings", "not json"),
        ("post", "/api/v1/care/bookings/999999/cancel", None),
        ("patch", "/api/v1/care/slots/1", {"capacity": -1}),
        ("patch", "/api/v1/care/slots/1", {"capacity": 1000}),
        ("post", "/api/v1/care/holds/999999/confirm", {}),
        ("post", "/api/v1/care/waitlist/999999/accept", None),
        ("get", "/api/v1/care/bookings/999999/calendar.ics", None),
    ],
)
def test_bad_api_input_is_a_4xx_with_the_error_shape(
    frozen, api_client, fs_always, citizen, auth_header, method, url, body
):
    if method == "get":
        response = api_client.get(url, **auth_header(citizen))
    else:
        data = body if isinstance(body, str) else json.dumps(body or {})
        response = getattr(api_client, method)(url, data=data, content_type="application/json", **auth_header(citizen))
    assert 400 <= response.status_code < 500, response.content
    assert {"code", "message", "detail"} <= set(response.json())
    assert Booking.objects.count() == 0
