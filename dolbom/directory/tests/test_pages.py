"""돌봄지도 pages: the list answers without JavaScript; closed facilities never show; the facility page."""

import datetime as dt

import pytest
from django.utils import timezone

from dolbom.directory.importers.run import facility_import
from dolbom.directory.models import Facility
from web.portal.directory_views import resolve_when

pytestmark = pytest.mark.django_db


@pytest.fixture
def seoul(real_regions, data_dir):
    for name in (
        "seoul_childcare_standard_20260721.cp949.csv",
        "seoul_kium_centers_2022.csv",
        "seoul_shared_childcare_rooms_2022.csv",
    ):
        facility_import(path=data_dir / name)


def test_newcomer_birth_date_and_saturday_10(client, seoul):
    """A 4-year-old, Saturday 10:00 near 노원구: only places that take that age and open then."""
    res = client.get(
        "/map/", {"place": "서울특별시 노원구", "birth": "2022-03-01", "when": "custom", "at": "2026-11-28T10:00"}
    )
    assert res.status_code == 200
    html = res.content.decode()
    assert "11월 28일(토) 10:00에 운영 중인" in html
    listed = [Facility.objects.get(pk=item["f"].pk) for item in res.context["items"]]
    assert listed, "some Seoul facilities open on Saturday mornings"
    for f in listed:
        assert f.status in ("normal", "resumed")
        assert f.min_age_months <= 56 <= f.max_age_months
        saturday = [r for r in f.hours if r["kind"] == "regular" and 5 in r["weekdays"]]
        assert any(r["opens"] <= "10:00" < r["closes"] for r in saturday)
    kinds = {f.type.code for f in listed}
    assert "shared-room" in kinds and kinds & {"daycare-public", "daycare-private", "daycare-home", "daycare-workplace"}
    # The list is in the page itself: it works without the map.
    assert f'href="/facilities/{listed[0].pk}/"' in html
    assert 'id="dir-map"' in html and "leaflet/leaflet.js" in html


def test_closed_facility_is_not_listed_or_shown(client, seoul):
    closed = Facility.objects.filter(status="closed").first()
    res = client.get("/map/", {"place": closed.region.full_name})
    assert closed.pk not in {item["f"].pk for item in res.context["items"]}
    assert client.get(f"/facilities/{closed.pk}/").status_code == 404


def test_facility_page_shows_hours_ages_capacity_source(client, seoul):
    f = Facility.objects.filter(status="normal", source_format="seoul-standard", capacity__gt=0).first()
    html = client.get(f"/facilities/{f.pk}/").content.decode()
    assert f.name in html and "기본 운영시간(추정)" in html
    assert f"정원 {f.capacity}명" in html
    assert "서울 열린데이터광장" in html and "공공누리 제1유형" in html
    room = Facility.objects.get(source_key="GA220901")
    html = client.get(f"/facilities/{room.pk}/").content.decode()
    assert "기본 운영시간(추정)" not in html and "10:00–17:00" in html and "무료" in html


def test_bad_inputs_show_a_message_not_an_error(client, seoul):
    res = client.get("/map/", {"birth": "2022-31-01", "when": "custom", "at": "tomorrow", "page": "x"})
    assert res.status_code == 422
    html = res.content.decode()
    assert "생년월일 형식이 올바르지 않습니다" in html and "날짜·시각 형식이 올바르지 않습니다" in html
    res = client.get("/map/", {"place": "아무데도없는곳"})
    assert res.status_code == 422


def test_signed_in_citizen_defaults_to_home(client, seoul, citizen):
    from dolbom.households.models import Household
    from dolbom.regions.models import Region

    Household.objects.update_or_create(
        guardian=citizen, defaults={"home_region": Region.objects.get(code="1135000000")}
    )
    client.force_login(citizen)
    res = client.get("/map/")
    assert "우리 집" in res.context["origin"]["label"]
    assert res.context["items"][0]["f"].region.code.startswith("1135")


def test_resolve_when():
    now = timezone.make_aware(dt.datetime(2026, 11, 23, 15, 0))  # Monday
    assert resolve_when("saturday", "", now).date() == dt.date(2026, 11, 28)
    assert resolve_when("tonight", "", now).hour == 20
    holiday = resolve_when("holiday", "", now)
    assert holiday.date() == dt.date(2026, 12, 25)
    assert resolve_when("", "", now) is None
    with pytest.raises(ValueError):
        resolve_when("custom", "soon", now)
