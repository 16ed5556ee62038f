"""Journeys of each kind of user on the demo site, each page screenshotted at 1280 and 360 px:
the provider (capacity, attendance), the counselling agent (take, answer, schedule a callback), the official
(dashboards, participation, audit log, XLSX export) and the citizen (ask a question, check benefits)."""

import datetime as dt
import io
import threading

import pytest
from django.utils import timezone

from ..axe import assert_accessible
from ..conftest import fits_width
from .conftest import MOBILE, shots

pytestmark = pytest.mark.django_db  # the demo is committed once by the package fixture; see conftest.py


def committed(write) -> None:
    """Run a direct database write so the live server sees it: on another thread, hence on its own autocommit
    connection. A write on the test's connection stays inside the test's transaction, which the server's
    connection cannot see on PostgreSQL. On SQLite the live server shares the test's in-memory database and
    connection, and a second connection would find the table locked, so there the write stays here."""
    from django.db import connection, connections

    if connection.vendor == "sqlite":
        write()
        return

    failure: list[BaseException] = []

    def run() -> None:
        try:
            write()
        except BaseException as exc:  # re-raised in the test
            failure.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def test_provider_edits_capacity_and_records_attendance(world, as_role):
    from dolbom.booking.models import Booking, Slot

    page = as_role("provider")
    page.goto(page.base_url + f"/backoffice/bookings/capacity/{world.facility_service}/?date={world.tomorrow}")
    first = page.locator("main table input[type=number]").first
    slot_id = int(first.get_attribute("id").removeprefix("cap-"))
    first.fill("7")
    page.locator("main table tbody tr").first.get_by_role("button", name="바꾸기").click()
    page.wait_for_load_state()
    assert Slot.objects.get(pk=slot_id).capacity == 7
    assert page.locator(f"#cap-{slot_id}").input_value() == "7"
    shots(page, "provider-capacity")

    # The demo family's booking has begun: the provider records that the child came.
    now = timezone.now()
    committed(
        lambda: Booking.objects.filter(pk=world.booking).update(
            starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(minutes=30)
        )
    )
    page.goto(page.base_url + "/backoffice/bookings/")
    row = page.locator("main tr", has=page.get_by_role("button", name="출석")).first
    shots(page, "provider-bookings")
    row.get_by_role("button", name="출석").click()
    page.wait_for_load_state()
    assert Booking.objects.get(pk=world.booking).status == Booking.Status.ATTENDED
    assert_accessible(page, "provider bookings after attendance")


def test_agent_takes_a_case_answers_and_schedules_a_callback(world, as_role):
    from dolbom.counselling.models import Callback, Inquiry, InquiryMessage

    inquiry = Inquiry.objects.filter(assigned_to__isnull=True).exclude(status="closed").order_by("due_at").first()
    assert inquiry is not None, "the demo has an inquiry waiting"
    page = as_role("coordinator")
    page.goto(page.base_url + "/counsel/")
    shots(page, "agent-workspace")
    waiting = page.locator("section[aria-labelledby=q-title] li", has_text=inquiry.question[:20]).first
    waiting.get_by_role("button", name="맡기").click()
    page.wait_for_load_state()
    inquiry.refresh_from_db()
    assert inquiry.assigned_to is not None and inquiry.assigned_to.username == "coordinator"

    page.goto(page.base_url + f"/counsel/cases/{inquiry.case_id}/#inquiry-{inquiry.pk}")
    card = page.locator(f"#inquiry-{inquiry.pk}")
    card.get_by_label("내용").fill("아동수당은 만 8세 생일 전달까지 받을 수 있습니다.")
    shots(page, "agent-case")
    card.get_by_role("button", name="답변 보내기").click()
    page.wait_for_load_state()
    assert InquiryMessage.objects.filter(inquiry=inquiry, body__startswith="아동수당은").exists()

    before = Callback.objects.filter(case_id=inquiry.case_id).count()
    page.get_by_text("전화 회신 예약", exact=True).click()
    start = timezone.localtime() + dt.timedelta(days=1)
    page.locator("#id_window_start").fill(start.strftime("%Y-%m-%dT10:00"))
    page.locator("#id_window_end").fill(start.strftime("%Y-%m-%dT12:00"))
    page.get_by_role("button", name="예약", exact=True).click()
    page.wait_for_load_state()
    assert Callback.objects.filter(case_id=inquiry.case_id).count() == before + 1
    shots(page, "agent-case-after")


def test_official_dashboards_participation_audit_and_export(world, as_role):
    from openpyxl import load_workbook

    from dolbom.booking.models import ServiceParticipation

    page = as_role("province")
    page.goto(page.base_url + "/console/dashboards/")
    assert page.locator("main h1").count() == 1
    shots(page, "official-dashboards")
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX 내려받기 (모든 표)").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True)
    assert len(book.sheetnames) >= 2

    page.goto(page.base_url + "/console/participation/")
    before = ServiceParticipation.objects.count()
    form = page.locator("form", has=page.locator("input[name=region]")).first
    form.locator("input[name=region]").fill("경기도 화성시")
    form.get_by_role("button", name="참여 지역 추가").click()
    page.wait_for_load_state()
    assert ServiceParticipation.objects.count() == before + 1
    assert "화성시" in page.locator("main").inner_text()
    shots(page, "official-participation")

    # Who read a child's record: the demo coordinator's read is in the log, and the filter keeps only reads.
    page.goto(page.base_url + "/console/audit/")
    page.locator("select[name=action]").select_option("child.read")
    page.get_by_role("button", name="찾기").click()
    page.wait_for_load_state()
    assert "action=child.read" in page.url
    assert page.locator("select[name=action]").input_value() == "child.read"
    actions = page.locator("main table tbody td code").all_inner_texts()
    assert actions and set(actions) == {"child.read"}
    shots(page, "official-audit")


def test_citizen_asks_a_question_and_checks_benefits(world, as_role):
    from dolbom.counselling.models import Inquiry

    page = as_role("citizen", MOBILE)
    page.goto(page.base_url + "/ask/")
    page.get_by_label("문의 내용").fill("밤에 아이를 맡길 곳이 있을까요?")
    assert fits_width(page)
    shots(page, "citizen-ask")
    page.get_by_role("button", name="문의 보내기").click()
    page.wait_for_load_state()
    assert Inquiry.objects.filter(author__username="citizen", question__startswith="밤에 아이를").exists()
    shots(page, "citizen-ask-done")

    page.goto(page.base_url + "/benefits/check/")
    assert fits_width(page)
    page.get_by_role("button", name="지원 확인하기").click()
    page.wait_for_load_state()
    assert fits_width(page)
    assert page.locator("main ul.results li").count() > 0
    shots(page, "citizen-benefits-result")
    assert_accessible(page, "benefits result")
