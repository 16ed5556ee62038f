import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dolbom.benefits.models import Programme
from dolbom.households.models import Child, Household
from tests.factories import UserFactory


def test_catalogue_browse_by_stage_and_search(client, catalogue):
    response = client.get("/benefits/", {"stage": "infant"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "부모급여" in text and "아동수당" in text
    response = client.get("/benefits/", {"q": "부모 급여"})
    assert "부모급여" in response.content.decode()
    assert client.get("/benefits/", {"stage": "nonsense"}).status_code == 422


def test_programme_page_and_missing_programme(client, catalogue):
    p = Programme.objects.get(key="child_allowance")
    response = client.get(f"/benefits/{p.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "아동수당법 제4조" in text and "신청 방법" in text
    assert client.get("/benefits/999999/").status_code == 404


def _form(**extra):
    today = timezone.localdate()
    data = {
        "region": "4111100000",
        "child_1_birth": (today - timedelta(days=183)).isoformat(),
        "pregnant": "on",
        "due_date": (today + timedelta(days=98)).isoformat(),
        "fetuses": "2",
    }
    data.update(extra)
    return data


def test_check_page_done_when(client, regions, catalogue):
    response = client.post("/benefits/check/", _form())
    assert response.status_code == 200
    text = response.content.decode()
    for name in (
        "부모급여",
        "아동수당",
        "첫만남이용권",
        "임신·출산 진료비 지원",
        "방문형 긴급돌봄",
        "아이돌봄서비스 정부지원",
    ):
        assert name in text, name
    assert "1,000,000원" in text
    assert "태아 2명" in text
    assert "판단하려면 추가로 입력하세요" in text and "소득 구간" in text
    assert "앞으로 바뀌는 일정" in text
    with_income = client.post("/benefits/check/", _form(income_band="150")).content.decode()
    # 150% of the median → 다형: the government's share of the hourly rate, and the year's maximum
    assert "다형" in with_income and "12,790원" in with_income
    assert "시간당 2,558원" in with_income


@pytest.mark.parametrize(
    ("band", "tier"), [("50", "가형"), ("75", "가형"), ("100", "나형"), ("120", "나형"), ("150", "다형")]
)
def test_income_bands_follow_the_idolbom_tier_bounds(client, regions, catalogue, band, tier):
    # The bands end where the 아이돌봄 tiers end (75% and 120% as well as every 50%), so whichever band a
    # household picks, the tier shown is its own, not the next one up.
    text = client.post("/benefits/check/", _form(income_band=band)).content.decode()
    assert re.findall(r"소득유형 ([가나다라마]형)", text) == [tier]


def test_check_page_names_the_bad_field(client, regions, catalogue):
    future = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post("/benefits/check/", _form(child_1_birth=future))
    assert response.status_code == 422
    assert "기준일 이후일 수 없습니다" in response.content.decode()
    response = client.post("/benefits/check/", _form(region="없는동네123"))
    assert response.status_code == 422


def test_signed_in_citizen_starts_from_the_registered_household(client, citizen, regions, catalogue):
    household = Household.objects.create(guardian=citizen, home_region=regions["jangan"])
    birth = timezone.localdate() - timedelta(days=400)
    Child.objects.create(household=household, name="하늘", birth_date=birth)
    client.force_login(citizen)
    text = client.get("/benefits/check/").content.decode()
    assert "경기도 수원시 장안구" in text
    assert birth.isoformat() in text


def test_console_catalogue_is_for_officials_only(client, citizen, regions, province_gyeonggi, catalogue):
    response = client.get("/console/benefits/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(citizen)
    assert client.get("/console/benefits/").status_code == 403
    client.force_login(province_gyeonggi)
    response = client.get("/console/benefits/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "amount_under_12m" in text and "2024-01-01" in text and "검증 사례" in text


@pytest.mark.parametrize("role", ["coordinator", "provider"])
def test_console_refuses_other_staff(client, regions, facility_x, role):
    extra = {"scope_region": regions["suwon"]} if role == "coordinator" else {"facility": facility_x}
    user = UserFactory(username=f"x-{role}", role=role, **extra)
    client.force_login(user)
    assert client.get("/console/benefits/").status_code == 403


def test_city_official_sees_the_console(client, regions, catalogue):
    official = UserFactory(username="city-suwon", role="city_official", scope_region=regions["suwon"])
    client.force_login(official)
    assert client.get("/console/benefits/").status_code == 200
