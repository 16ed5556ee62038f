"""Messages raised in Python follow the request's language (Korean by default); codes never change."""

import re

from django.conf import settings

from dolbom.booking.models import Booking

from .conftest import DAY, at
from .test_api import fill_one_place, post_json, slot_ids

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_full_slot_refused_in_english_with_the_same_code(frozen, api_client, fs_always, regions, auth_header):
    ids, second, kids = fill_one_place(api_client, fs_always, regions, auth_header)
    body = {"slot_ids": ids, "child_ids": [kids[0].pk]}
    korean = post_json(api_client, "/api/v1/care/bookings", body, **auth_header(second))
    english = post_json(api_client, "/api/v1/care/bookings", body, HTTP_ACCEPT_LANGUAGE="en", **auth_header(second))
    assert korean.status_code == english.status_code == 409
    assert korean.json()["code"] == english.json()["code"] == "capacity_exhausted"
    assert "남은 자리가 부족합니다" in korean.json()["message"]
    message = english.json()["message"]
    assert message.startswith("Not enough places left at November 23 18:00."), message
    assert "waiting list" in message and not HANGUL.search(message)
    assert english.json()["detail"] == korean.json()["detail"]  # the data part does not depend on the language


def test_unknown_service_in_vietnamese_and_bad_query_in_chinese(api_client, fs_always):
    url = f"/api/v1/care/slots?facility={fs_always.facility_id}&service=nope&date={DAY}"
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    vi = api_client.get(url)
    assert vi.status_code == 404 and vi.json()["code"] == "not_found"
    assert vi.json()["message"] == "Không tìm thấy dịch vụ chăm sóc."
    assert vi.json()["detail"] == {"fields": {"service": "không tìm thấy"}}

    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    zh = api_client.get("/api/v1/care/slots?facility=x&service=1&date=2026-13-01")
    assert zh.status_code == 422 and zh.json()["code"] == "invalid_input"
    assert zh.json()["message"].startswith("请检查输入内容：")
    assert zh.json()["detail"]["fields"]["facility"] == "不是整数"
    assert zh.json()["detail"]["fields"]["date"] == "不是日期格式（YYYY-MM-DD）"


def test_cancel_flash_messages_in_english(frozen, api_client, client, fs_always, citizen, kids, auth_header):
    ids = slot_ids(fs_always, at(DAY, 18), 3)
    made = post_json(
        api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": [kids["baby"].pk]}, **auth_header(citizen)
    )
    assert made.status_code == 201
    booking = Booking.objects.get(pk=made.json()["id"])
    client.force_login(citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    done = client.post(f"/care/bookings/{booking.pk}/cancel/", follow=True)
    assert "Your booking has been cancelled." in done.content.decode()
    again = client.post(f"/care/bookings/{booking.pk}/cancel/", follow=True)
    html = again.content.decode()
    # the service's refusal, shown as a flash message, in English (with the status label in English too)
    assert "A booking in the state &#x27;Cancelled&#x27; cannot move to this step." in html, html[:3000]


def test_my_bookings_show_the_status_in_vietnamese(frozen, api_client, client, fs_always, citizen, kids, auth_header):
    ids = slot_ids(fs_always, at(DAY, 18), 3)
    made = post_json(
        api_client, "/api/v1/care/bookings", {"slot_ids": ids, "child_ids": [kids["baby"].pk]}, **auth_header(citizen)
    )
    assert made.status_code == 201 and made.json()["status"] == "confirmed"
    client.force_login(citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = client.get("/care/my/").content.decode()
    assert "<strong>Đã xác nhận</strong>" in html and "<strong>확정</strong>" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    assert "<strong>확정</strong>" in client.get("/care/my/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    calendar = client.get(f"/care/bookings/{made.json()['id']}/calendar.ics")
    assert calendar.status_code == 200 and "Status: Confirmed" in calendar.content.decode()


def test_booking_rules_in_english(api_client, client, citizen, fs_always):
    client.force_login(citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/care/").content.decode()
    assert "Same-day bookings until 15:00" in html
    assert "Night care (" in html


def test_status_labels_are_states_not_verbs():
    """'취소' on a button is 'Cancel'; as a booking's state it is 'Cancelled' (staff pages show the model's label)."""
    from django.utils import translation

    from dolbom.booking.models import Booking
    from dolbom.matching.models import VisitAssignment

    with translation.override("en"):
        assert str(Booking.Status.CANCELLED.label) == "Cancelled"
        assert str(Booking.Status.CONFIRMED.label) == "Confirmed"
        assert str(VisitAssignment.Status.ACCEPTED.label) == "Accepted"
        assert translation.gettext("취소") == "Cancel"
