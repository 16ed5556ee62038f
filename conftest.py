"""Project-wide pytest fixtures: users of every role with their scopes, API clients, fakes."""

import pytest

from tests.factories import FacilityFactory, RegionFactory, UserFactory


@pytest.fixture(autouse=True)
def _fake_outside_world(settings):
    from dolbom.core.notifications import FakeGateway

    FakeGateway.outbox = []
    FakeGateway.fail_next = 0
    from django.core.cache import cache

    cache.clear()  # rate-limit counters and cached lookups start empty in every test
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language: a request in another language (the locale middleware
    activates it for the thread) must not leak into the next test's messages."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def regions(db):
    """A tiny region tree: 경기도 > 수원시 > 장안구 > 파장동, and 서울 > 강남구."""
    gyeonggi = RegionFactory(code="4100000000", level="sido", name="경기도", full_name="경기도", parent=None)
    suwon = RegionFactory(code="4111000000", level="sigungu", name="수원시", full_name="경기도 수원시", parent=gyeonggi)
    jangan = RegionFactory(
        code="4111100000", level="sigungu", name="장안구", full_name="경기도 수원시 장안구", parent=suwon
    )
    seoul = RegionFactory(code="1100000000", level="sido", name="서울특별시", full_name="서울특별시", parent=None)
    gangnam = RegionFactory(
        code="1168000000", level="sigungu", name="강남구", full_name="서울특별시 강남구", parent=seoul
    )
    return {"gyeonggi": gyeonggi, "suwon": suwon, "jangan": jangan, "seoul": seoul, "gangnam": gangnam}


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen-a", role="citizen")


@pytest.fixture
def other_citizen(db):
    return UserFactory(username="citizen-b", role="citizen")


@pytest.fixture
def facility_x(regions):
    return FacilityFactory(name="시설 X", region=regions["jangan"])


@pytest.fixture
def facility_y(regions):
    return FacilityFactory(name="시설 Y", region=regions["gangnam"])


@pytest.fixture
def provider_x(facility_x):
    return UserFactory(username="provider-x", role="provider", facility=facility_x)


@pytest.fixture
def coordinator_suwon(regions):
    return UserFactory(username="coord-suwon", role="coordinator", scope_region=regions["suwon"])


@pytest.fixture
def coordinator_gangnam(regions):
    return UserFactory(username="coord-gangnam", role="coordinator", scope_region=regions["gangnam"])


@pytest.fixture
def province_gyeonggi(regions):
    return UserFactory(username="prov-gg", role="province_official", scope_region=regions["gyeonggi"])


@pytest.fixture
def api_client():
    from django.test import Client

    return Client()


def bearer(user) -> dict:
    from dolbom.accounts.models import ApiToken

    _, key = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def auth_header():
    return bearer


@pytest.fixture(scope="session")
def _real_regions_session(django_db_setup, django_db_blocker):
    """Import the bundled real region files once per test session, committed to the test database."""
    from dolbom.regions.importer import import_regions

    with django_db_blocker.unblock():
        import_regions()


@pytest.fixture
def _real_regions_present(_real_regions_session, django_db_blocker):
    """Re-import, committed, when a transactional test emptied the tables since the session import.

    Runs before the test's own transaction opens when it can; otherwise `real_regions` re-imports inside it.
    """
    from django.db import connection

    from dolbom.regions.importer import import_regions
    from dolbom.regions.models import Region

    with django_db_blocker.unblock():
        if not connection.in_atomic_block and not Region.objects.filter(code="5100000000").exists():
            import_regions()


@pytest.fixture
def real_regions(_real_regions_present, db):
    """Korea's real 시도/시군구/읍면동 (data/regions), imported once per session; returns the shared resolver.

    Usage: `def test_x(real_regions): gangnam = real_regions.resolve("서울 강남구")` or
    `Region.objects.get(code="4111100000")`. Rows are real: 수원시 장안구 is 4111100000, 강원특별자치도 is 51.
    Request it before `db`-using fixtures (`def test_x(real_regions, citizen)`) so a re-import after a
    transactional test is committed once rather than repeated inside each test.
    """
    from dolbom.regions.importer import import_regions
    from dolbom.regions.models import Region
    from dolbom.regions.services import region_resolver

    if not Region.objects.filter(code="5100000000", is_active=True).exists():
        import_regions()  # emptied since, and this test's transaction was already open: import inside it
    return region_resolver()
