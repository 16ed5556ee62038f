import pytest

from tests.factories import UserFactory


@pytest.fixture
def city_suwon(regions):
    return UserFactory(username="city-suwon", role="city_official", scope_region=regions["suwon"])


@pytest.fixture
def city_gangnam(regions):
    return UserFactory(username="city-gangnam", role="city_official", scope_region=regions["gangnam"])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-x", role="admin")


@pytest.fixture
def catalogue(db):
    from dolbom.benefits.services import benefits_catalogue_load

    benefits_catalogue_load()
