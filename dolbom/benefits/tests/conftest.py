import pytest


@pytest.fixture
def catalogue(db):
    from dolbom.benefits.services import benefits_catalogue_load

    benefits_catalogue_load()
