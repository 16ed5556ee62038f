"""Keyboard only (Tab, Shift+Tab, Enter, Space): the citizen books care, and finds a facility in the map's list.
Every element that takes focus on the way must show it (a visible outline or shadow)."""

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db  # the demo is committed once by the package fixture; see conftest.py

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'), value: el.value ?? null,
    text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 60),
    href: el.getAttribute('href'), visible: outline || s.boxShadow !== 'none',
    onScreen: r.width > 0 && r.height > 0,
  };
}"""


def tab_to(page, matches, limit: int = 250) -> dict:
    """Press Tab until the focused element satisfies `matches`; every stop on the way must show its focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            continue
        seen.append(f"{state['tag']}#{state['id']} {state['text']!r} {state['href'] or ''}")
        assert state["visible"] and state["onScreen"], f"focus is not visible on {state} ({page.url})"
        if matches(state):
            return state
    raise AssertionError(f"never reached the element with Tab on {page.url}; stops:\n" + "\n".join(seen[:60]))


def test_citizen_books_care_with_the_keyboard_only(world, as_role):
    from dolbom.booking.models import Booking

    page = as_role("citizen")
    day = timezone.localdate() + dt.timedelta(days=2)  # a day with no other booking of the family
    mine = Booking.objects.filter(household__guardian__username="citizen")
    before = mine.count()
    page.goto(page.base_url + "/care/")
    book = f"/care/book/{world.facility_service}/"
    tab_to(page, lambda s: s["tag"] == "a" and book in (s["href"] or ""))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{book}**")
    for _ in range(2):
        tab_to(page, lambda s: s["tag"] == "a" and s["text"] == "다음날 →")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert f"date={day.isoformat()}" in page.url
    tab_to(page, lambda s: s["id"] == f"child-{world.kid}")
    page.keyboard.press("Space")
    tab_to(page, lambda s: s["name"] == "slot")
    page.keyboard.press("Space")
    assert page.locator(f"#child-{world.kid}").is_checked()
    assert page.locator("input[name=slot]:checked").count() == 1
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "자리 잡기")
    page.keyboard.press("Enter")
    page.wait_for_url("**/care/holds/**")
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "예약 확정")
    page.keyboard.press("Enter")
    page.wait_for_url("**/care/my/")
    assert mine.count() == before + 1
    assert timezone.localtime(mine.order_by("-pk").first().starts_at).date() == day


def test_map_list_works_with_the_keyboard_and_without_the_map(world, as_role, browser, base_url):
    page = as_role(None)
    page.goto(page.base_url + "/map/")
    tab_to(page, lambda s: s["id"] == "place")
    page.keyboard.type("종로구")
    page.keyboard.press("Enter")
    page.wait_for_url("**/map/?*")
    assert page.locator("ol.dir-results > li").count() > 0
    target = tab_to(page, lambda s: s["tag"] == "a" and "/facilities/" in (s["href"] or ""))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target['href']}")
    assert target["text"] in page.locator("main h1").inner_text()

    # Without JavaScript (so without the map), the same search gives the same list.
    context = browser.new_context(java_script_enabled=False, locale="ko-KR")
    try:
        bare = context.new_page()
        bare.goto(base_url + "/map/?place=종로구")
        names = bare.locator("ol.dir-results > li h3 a").all_inner_texts()
        assert names and target["text"] in names
    finally:
        context.close()
