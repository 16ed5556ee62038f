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
    summaries = [line for line in again if "추가" in line]
    assert len(summaries) == 5 and all("추가 0" in line and "변경 0" in line for line in summaries)
    facility = demo.provider_facility()
    assert facility is not None and facility.status == "normal" and "night" in facility.services
    assert demo.provider_facility() == facility
