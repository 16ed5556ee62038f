"""A newcomer on the demo data: the citizen requests a home visit for tonight, the coordinator sees ranked
candidates and offers the visit to the demo caregiver, who accepts, records arrival and end; the citizen
rates it low and the coordinator closes the follow-up that opened."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import RegionFactory

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "dolbom-demo-2026"


@pytest.fixture
def demo(regions):
    from dolbom.accounts import demo as accounts_demo
    from dolbom.households import demo as households_demo
    from dolbom.matching import demo as matching_demo

    for code, name in (("4111300000", "권선구"), ("4111500000", "팔달구"), ("4111700000", "영통구")):
        RegionFactory(code=code, name=name, full_name=f"경기도 수원시 {name}", parent=regions["suwon"])
    for module in (accounts_demo, households_demo, matching_demo):
        module.load(None)


def login(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def as_user(browser, page, username):
    other = browser.new_context(viewport=page.viewport_size, locale="ko-KR").new_page()
    other.base_url = page.base_url  # type: ignore[attr-defined]
    other.viewport_name = page.viewport_name  # type: ignore[attr-defined]
    login(other, username)
    return other


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_home_visit_tonight_end_to_end(page, browser, demo, live_server):
    from dolbom.matching.models import FollowUpTask, VisitAssignment, VisitRequest

    now = timezone.localtime()
    start = (now + dt.timedelta(minutes=40)).replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    # the demo caregiver works 07–23 and needs travel time before the start: a start at 07:00 cannot be covered
    if start.date() != now.date() or start.hour > 20 or start.hour < 9:
        start = (now + dt.timedelta(days=1)).replace(hour=19, minute=0, second=0, microsecond=0)
    login(page, "citizen")
    page.goto(page.base_url + "/visits/new/")
    page.get_by_label("김하늘").check()
    page.get_by_label("김바다").check()
    page.locator("#date").fill(start.date().isoformat())
    page.locator("#start").fill(start.strftime("%H:%M"))
    page.locator("#end").fill((start + dt.timedelta(hours=2)).strftime("%H:%M"))
    page.get_by_label("영아(36개월 미만) 돌봄").check()
    page.locator("#consent").check()
    assert fits_width(page)
    screenshot(page, "visit-request")
    page.get_by_role("button", name="신청하기").click()
    page.wait_for_url("**/visits/")
    mine = page.locator("main").inner_text()
    assert "방문돌봄을 신청했습니다" in mine and "대기 1번째" in mine and "예상 이용요금" in mine
    screenshot(page, "visit-my-waiting")
    req = VisitRequest.objects.get(household__guardian__username="citizen")

    coord = as_user(browser, page, "coordinator")
    coord.goto(page.base_url + "/backoffice/visits/coordinate/")
    coord.get_by_role("link", name=f"{start:%-m/%-d %H:%M}", exact=False).first.click()
    expect(coord.locator("main")).to_contain_text("왜 이 돌보미")
    body = coord.locator("main").inner_text()
    assert "정돌보미" in body and "왜 이 돌보미" in body
    screenshot(coord, "visit-candidates")
    coord.locator("li", has_text="정돌보미").get_by_role("button", name="이 돌보미에게 제안").click()
    expect(coord.locator("main")).to_contain_text("정돌보미 돌보미에게 제안했습니다")

    cg = as_user(browser, page, "caregiver")
    cg.goto(page.base_url + "/backoffice/visits/")
    screenshot(cg, "visit-caregiver-offer")
    cg.get_by_role("button", name="수락").click()
    # the page the POST redirects to must have arrived before the reload below, or the reload races it
    expect(cg.locator("main")).to_contain_text("수락했습니다")
    a = VisitAssignment.objects.get(request=req, status="accepted")
    if a.starts_at - timezone.now() > dt.timedelta(hours=1):
        # arrival opens an hour before the start: bring the visit to now so the walk can go on
        soon = timezone.now() + dt.timedelta(minutes=5)
        VisitAssignment.objects.filter(pk=a.pk).update(starts_at=soon, ends_at=soon + dt.timedelta(hours=2))
        VisitRequest.objects.filter(pk=req.pk).update(starts_at=soon, ends_at=soon + dt.timedelta(hours=2))
    cg.reload()
    cg.get_by_role("button", name="도착 기록").click()
    expect(cg.locator("main")).to_contain_text("도착을 기록했습니다")
    cg.get_by_label("돌봄 기록").fill("저녁 먹고 책 읽었어요.")
    screenshot(cg, "visit-caregiver-today")
    cg.get_by_role("button", name="종료 기록").click()
    expect(cg.locator("main")).to_contain_text("종료를 기록했습니다")

    page.goto(page.base_url + "/visits/")
    assert "저녁 먹고 책 읽었어요." in page.locator("main").inner_text()
    page.get_by_role("link", name="평가하기").click()
    page.get_by_label("2점").check()
    page.get_by_label("의견 (선택)").fill("늦게 오셨어요")
    page.get_by_role("button", name="평가 보내기").click()
    page.wait_for_url("**/visits/")
    assert "사후관리 진행 중" in page.locator("main").inner_text()
    screenshot(page, "visit-my-rated")
    task = FollowUpTask.objects.get(request=req)
    assert task.reason == "low_rating" and task.assignee.username == "coordinator"

    coord.goto(page.base_url + "/backoffice/visits/coordinate/")
    # the low rating counts in the quality figures of the caregiver's 서비스제공기관
    quality = coord.locator("#pq-title").locator("xpath=..").inner_text()
    assert "수원 북부 아이돌봄 서비스제공기관(데모)" in quality
    assert "낮은 평가 1건" in quality and "열린 사후관리 1건" in quality
    coord.get_by_label("처리 내용").fill("보호자와 통화, 돌보미 안내")
    assert fits_width(coord)
    coord.get_by_role("button", name="사후관리 완료").click()
    expect(coord.locator("main")).to_contain_text("사후관리를 마쳤습니다")
    req.refresh_from_db()
    assert req.status == "followed_up"
    for p in (coord, cg):
        p.context.close()
