"""Browser tests: Playwright for Python driving Debian's chromium against the live test server.

Skipped when chromium is missing, except with DOLBOM_REQUIRE_BROWSER=1 (CI), where a missing browser fails.
Screenshots are written to test-artifacts/screenshots/.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("DOLBOM_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required for the browser tests (DOLBOM_REQUIRE_BROWSER=1)")
        pytest.skip("chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here are
    # ordinary synchronous calls, so Django's async-safety guard is relaxed for browser tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=[(1280, 900), (360, 780)], ids=["desktop", "mobile"])
def page(browser, request, live_server):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR")
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    page.viewport_name = request.node.callspec.id  # type: ignore[attr-defined]
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(context, base_url: str, username: str) -> None:
    """Sign a browser context in as a user by handing it a session cookie (no password typed, no rate limit).

    Needs database access (a test marked django_db, or a fixture inside django_db_blocker.unblock())."""
    from django.conf import settings
    from django.test import Client

    from dolbom.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def fits_width(page) -> bool:
    """Nothing overflows sideways (a horizontal scroll bar on a phone is a bug)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
