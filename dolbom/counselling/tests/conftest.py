from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone as django_timezone

from dolbom.counselling import services
from dolbom.households.models import Child, Household

KST = ZoneInfo("Asia/Seoul")


def kst(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime.combine(datetime(y, m, d).date(), time(hh, mm), tzinfo=KST)


class Clock:
    def __init__(self, monkeypatch, value: datetime):
        self.value = value
        # Every reader of the time (services, selectors, API timers, model timestamps) sees the same moment.
        monkeypatch.setattr(django_timezone, "now", lambda: self.value)
        monkeypatch.setattr(services, "now", lambda: self.value)

    def set(self, value: datetime) -> None:
        self.value = value


@pytest.fixture
def clock(monkeypatch):
    # Monday 2026-11-23 10:00, a working day.
    return Clock(monkeypatch, kst(2026, 11, 23, 10))


@pytest.fixture
def family(citizen, regions):
    citizen.phone = "01012345678"
    citizen.save()
    household = Household.objects.create(guardian=citizen, home_region=regions["jangan"])
    Child.objects.create(household=household, name="하늘", birth_date=datetime(2026, 5, 1).date())
    return household


@pytest.fixture
def other_family(other_citizen, regions):
    return Household.objects.create(guardian=other_citizen, home_region=regions["jangan"])


@pytest.fixture
def agent(coordinator_suwon):
    return coordinator_suwon
