import io

import pytest

from dolbom.directory import demo
from dolbom.directory.models import Facility

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_picks_a_night_care_provider(real_regions):
    lines = demo.load(io.StringIO())
    total = Facility.objects.count()
    assert total == 9487 + 430 + 230 + 86 + 40
    assert any("공공누리" in line for line in lines)
    again = demo.load(io.StringIO())
    assert Facility.objects.count() == total
    assert all("created 0" in line for line in again if "created" in line)
    facility = demo.provider_facility()
    assert facility is not None and facility.status == "normal" and "night" in facility.services
    assert demo.provider_facility() == facility
