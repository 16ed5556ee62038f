"""A newcomer on the demo data books 언제나 어린이집 tonight for two children, sees it with the fee, cancels it;
the provider demo account sees the booking appear and disappear."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dolbom.booking import clock

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "dolbom-demo-2026"


@pytest.fixture
def demo(regions, monkeypatch):
    from dolbom.accounts import demo as accounts_demo
    from dolbom.booking import demo as booking_demo
    from dolbom.households import demo as households_demo
    from dolbom.households.models import Child

    # 10:00 today, before the 15:00 same-day cut-off.
    ten = timezone.make_aware(datetime.combine(timezone.localdate(), time(10)))
    monkeypatch.setattr(clock, "now", lambda: ten)
    for module in (accounts_demo, households_demo, booking_demo):
        module.load(None)
    # The household demo's "183 days" is 5 completed months on some dates; keep 김하늘 at 6 months.
    Child.objects.filter(name="김하늘").update(birth_date=timezone.localdate() - timedelta(days=200))


def login(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_book_tonight_for_two_children_then_cancel(page, browser, demo, live_server):
    login(page, "citizen")
    page.goto(page.base_url + "/care/")
    page.get_by_role("link", name="시간 고르기").first.click()
    page.get_by_label("김하늘").check()
    page.get_by_label("김바다").check()
    page.get_by_label("19:00–20:00").check()
    page.get_by_label("20:00–21:00").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "booking-choose")
    page.get_by_role("button", name="자리 잡기").click()
    expect(page.locator("main")).to_contain_text("12,000원")
    page.get_by_role("button", name="예약 확정").click()
    page.wait_for_url("**/care/my/")
    mine = page.locator("main").inner_text()
    assert "언제나 어린이집" in mine and "12,000원" in mine and "김하늘, 김바다" in mine
    screenshot(page, "booking-my")

    provider = browser.new_context(viewport=page.viewport_size, locale="ko-KR").new_page()
    provider.base_url = page.base_url  # type: ignore[attr-defined]
    login(provider, "provider")
    provider.goto(page.base_url + "/backoffice/bookings/")
    assert "김하늘" in provider.locator("main").inner_text()

    page.get_by_role("link", name="취소").first.click()
    page.get_by_role("button", name="예약 취소").click()
    page.wait_for_url("**/care/my/")
    assert "예약을 취소했습니다" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="취소").count() == 0  # nothing left to cancel
    provider.reload()
    assert "김하늘" not in provider.locator("main").inner_text()
    provider.context.close()
