"""One demo site for this package: the demo data is loaded once, the tests share it and the live server, and the
database is emptied when the package is done. Browser contexts sign in with a session cookie."""

import pytest

from ..conftest import ARTIFACTS
from .site_map import World, build_world

DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 360, "height": 780}


@pytest.fixture(scope="package")
def site(request, browser, django_db_setup, django_db_blocker):
    """(base URL, World). The package runs its own live server rather than pytest-django's `live_server`
    fixture: that fixture makes every test using it transactional, which would empty the demo after each test."""
    from django.core.management import call_command
    from django.db import connection

    # The package's tests carry the django_db mark, so pytest-django has made a test database; refuse to load
    # (and later empty) any other.
    name = str(connection.settings_dict["NAME"])
    assert "memory" in name or "test" in name, f"not a test database: {name}"
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    with django_db_blocker.unblock():
        try:
            world = build_world()
            _sign_in_demo_accounts()
            yield server.url, world
        finally:
            call_command("flush", interactive=False, verbosity=0)
            server._live_server_modified_settings.disable()
            server.stop()


# Session cookies of the demo accounts, made once with the demo. They must be committed before any test starts:
# a session saved inside a test's transaction is invisible to the live server's own connection on PostgreSQL.
SESSION_COOKIES: dict[str, str] = {}


def _sign_in_demo_accounts() -> None:
    from django.conf import settings
    from django.test import Client

    from dolbom.accounts.demo import DEMO_ACCOUNTS
    from dolbom.accounts.models import User

    for account in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(username=account["username"]))
        SESSION_COOKIES[account["username"]] = client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="package")
def world(site) -> World:
    return site[1]


@pytest.fixture(scope="package")
def base_url(site) -> str:
    return site[0]


@pytest.fixture
def as_role(browser, base_url):
    """as_role("provider") → a new page signed in as that demo account (None: anonymous), desktop size."""
    from django.conf import settings

    from ..conftest import sign_in

    contexts = []

    def open_page(username: str | None, viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or DESKTOP, locale="ko-KR", accept_downloads=True)
        contexts.append(context)
        if username in SESSION_COOKIES:
            cookie = {"name": settings.SESSION_COOKIE_NAME, "value": SESSION_COOKIES[username], "url": base_url}
            context.add_cookies([cookie])
        elif username:
            sign_in(context, base_url, username)
        page = context.new_page()
        page.base_url = base_url
        return page

    yield open_page
    for context in contexts:
        context.close()


def shots(page, name: str) -> None:
    """Screenshots of the page as it is now at 1280 and 360 px (the viewport is put back afterwards)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(before)
