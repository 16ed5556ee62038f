"""A citizen signs up, registers a child ahead of any request, and sees it on their page."""

from datetime import date

import pytest

from dolbom.households.models import Child

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_is_organised_by_life_stage(page):
    page.goto(page.base_url + "/")
    headings = page.locator(".stage h3").all_inner_texts()
    assert headings == ["청년·결혼", "임신·출산", "영유아", "초등", "일·생활균형"]
    # Nothing overflows sideways at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "home")


def test_sign_up_and_register_a_child(page):
    page.goto(page.base_url + "/accounts/signup/")
    page.get_by_role("textbox", name="이름", exact=True).fill("김가족")
    page.get_by_label("휴대전화 번호 또는 이메일").fill(f"family-{page.viewport_name}@example.kr")
    page.locator("#id_password").fill("a-long-passphrase")
    page.get_by_label("개인정보 수집·이용").check()
    page.get_by_role("button", name="가입하기").click()
    page.wait_for_url("**/my/")
    page.get_by_role("link", name="아이 등록하기").click()
    page.get_by_label("이름(또는 태명)").fill("하늘")
    page.locator("#id_birth_date").fill("2025-05-01")
    page.get_by_label("알레르기 (선택, 암호화 보관)").fill("땅콩")
    page.get_by_role("button", name="등록").click()
    page.wait_for_url("**/my/")
    assert "하늘" in page.locator("#children-title + p + ul").inner_text()
    screenshot(page, "mypage")
    assert Child.objects.get(name="하늘").birth_date == date(2025, 5, 1)


def test_keyboard_user_reaches_main_content_first(page):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "본문 바로가기" in focused
