from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dolbom.booking import clock
from dolbom.booking.demo import services_seed
from dolbom.booking.models import CareService, FacilityService
from dolbom.booking.services import slots_generate
from dolbom.households.models import Child, Household

KST = ZoneInfo("Asia/Seoul")
# A Monday that is not a public holiday.
DAY = date(2026, 11, 23)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=KST)


class Clock:
    def __init__(self, monkeypatch):
        self.value = at(DAY, 9)
        monkeypatch.setattr(clock, "now", lambda: self.value)

    def set(self, value: datetime) -> None:
        self.value = value


@pytest.fixture
def frozen(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def services(db):
    return {s.code: s for s in services_seed()}


@pytest.fixture
def always(services) -> CareService:
    return services["gg-always-daycare"]


@pytest.fixture
def fs_always(always, facility_x) -> FacilityService:
    fs = FacilityService.objects.create(facility=facility_x, service=always, default_capacity=3)
    slots_generate(facility_service=fs, start=DAY, days=7)
    return fs


@pytest.fixture
def household(citizen, regions) -> Household:
    return Household.objects.create(guardian=citizen, home_region=regions["jangan"])


@pytest.fixture
def kids(household) -> dict[str, Child]:
    return {
        "baby": Child.objects.create(household=household, name="하늘", birth_date=DAY - timedelta(days=200)),
        "four": Child.objects.create(household=household, name="바다", birth_date=date(2022, 5, 10)),
        "eight": Child.objects.create(household=household, name="산", birth_date=date(2018, 3, 2)),
        "expected": Child.objects.create(household=household, name="튼튼이", due_date=DAY + timedelta(days=90)),
    }


def make_family(username: str, region, n_children: int = 1):
    from tests.factories import UserFactory

    user = UserFactory(username=username, role="citizen")
    household = Household.objects.create(guardian=user, home_region=region)
    children = [
        Child.objects.create(household=household, name=f"{username}-{i}", birth_date=date(2023, 1, 1 + i))
        for i in range(n_children)
    ]
    return user, children
