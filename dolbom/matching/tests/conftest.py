import datetime as dt

import pytest

from dolbom.households.models import Child, Household


@pytest.fixture
def household(citizen, regions):
    h = Household.objects.create(guardian=citizen, home_region=regions["jangan"])
    Child.objects.create(household=h, name="첫째", birth_date=dt.date(2025, 5, 1))
    Child.objects.create(household=h, name="둘째", birth_date=dt.date(2029, 9, 1))
    return h
