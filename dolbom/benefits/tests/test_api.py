import json

import pytest

from dolbom.benefits.models import Programme, ProgrammeRegion
from dolbom.benefits.services import benefits_catalogue_load

DONE_WHEN = {
    "as_of": "2026-11-23",
    "region_code": "4111100000",
    "children": [{"birth_date": "2026-05-23"}],
    "pregnancy": {"due_date": "2027-03-01", "fetuses": 2},
}


def post(client, body):
    return client.post("/api/v1/benefits/check", data=json.dumps(body), content_type="application/json")


def by_key(response):
    return {r["key"]: r for r in response.json()["results"]}


def test_catalogue_load_is_idempotent_and_merges_duplicates(db):
    first = benefits_catalogue_load()
    second = benefits_catalogue_load()
    assert first["created"] == Programme.objects.count() > 365
    assert second["created"] == second["updated"] == second["regions"] == 0
    # 부모급여 of 복지로 is the encoded programme, not a second entry
    assert not Programme.objects.filter(key="bokjiro-WLF00004657").exists()
    assert Programme.objects.get(key="parent_benefit").external_ids == ["WLF00004657"]
    assert Programme.objects.filter(kind="information").count() >= 360


def test_official_participation_edits_survive_a_reload(db):
    benefits_catalogue_load()
    programme = Programme.objects.get(key="gyeonggi_home_visit")
    ProgrammeRegion.objects.create(programme=programme, region_code="4128000000", region_name="경기도 고양시")
    benefits_catalogue_load()
    assert programme.regions.filter(region_code="4128000000").exists()


def test_done_when_suwon_six_month_old_expecting_twins(api_client, regions, catalogue):
    response = post(api_client, DONE_WHEN)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = by_key(response)
    assert rows["parent_benefit"]["status"] == "eligible"
    assert rows["parent_benefit"]["amount"] == {"value": 1000000, "unit": "KRW", "per": "month", "up_to": False}
    assert rows["child_allowance"]["amount"]["value"] == 100000
    assert rows["first_meeting_voucher"]["amount"]["value"] == 2000000
    assert rows["pregnancy_medical"]["amount"] == {"value": 2000000, "unit": "KRW", "per": "pregnancy", "up_to": False}
    assert "태아 2명" in rows["pregnancy_medical"]["reasons"][0]
    assert rows["gyeonggi_home_visit"]["status"] == "eligible"
    assert rows["gyeonggi_hotline"]["status"] == "eligible"
    assert "gyeonggi_always_daycare" not in rows
    assert "gwangju_childcare_allowance" not in rows
    care = rows["child_care_service"]
    assert care["status"] == "unknown" and care["missing"] == ["income_pct_of_median"]
    for key in ("parent_benefit", "child_allowance", "first_meeting_voucher", "pregnancy_medical"):
        assert rows[key]["reasons"] and rows[key]["how_to_apply"] and rows[key]["legal_reference"]
        assert rows[key]["id"] is not None
    assert rows["parent_benefit"]["changes"][0]["date"] == "2027-03-01"
    assert body["total_this_year"]["value"] == 6200000
    assert rows["first_meeting_voucher"]["verify_notice"] == "금액·기준은 담당 기관에 확인하세요"
    # with an income band, 아이돌봄 is decided
    rows = by_key(post(api_client, {**DONE_WHEN, "income_pct_of_median": 140}))
    care = rows["child_care_service"]
    assert care["status"] == "eligible"
    # 140% → 다형: the government pays 20% of 12,790원 an hour (tier percentages to verify)
    assert care["amount"] == {"value": 2558, "unit": "KRW", "per": "hour", "up_to": False}
    assert care["verified"] is False and care["verify_notice"]
    assert any("1,080시간" in r and "2,762,640원" in r for r in care["reasons"])


def test_a_region_name_is_resolved(api_client, regions, catalogue):
    response = post(api_client, {**DONE_WHEN, "region_code": "경기도 수원시 장안구"})
    assert response.status_code == 200, response.content
    assert "gyeonggi_home_visit" in by_key(response)


def test_the_date_asked_chooses_the_rules(api_client, regions, catalogue):
    body = {"region_code": "4111100000", "children": [{"birth_date": "2017-06-01"}]}
    old = by_key(post(api_client, {**body, "as_of": "2025-06-01"}))["child_allowance"]
    new = by_key(post(api_client, {**body, "as_of": "2026-03-01"}))["child_allowance"]
    assert old["status"] == "ineligible"
    assert new["status"] == "eligible"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"income_pct_of_median": -10}, "income_pct_of_median"),
        ({"children": [{"birth_date": "2026-12-01"}]}, "children[0].birth_date"),
        ({"pregnancy": {"due_date": "2026-10-01"}}, "pregnancy.due_date"),
        ({"region_code": "9999999999"}, "region_code"),
        ({"children": [{"birth_date": "2020-01-01"}] * 13}, "children"),
        ({"household_size": 99}, "household_size"),
        ({"children": [{"birth_date": "2020-02-30"}]}, "children.0.birth_date"),
        ({"children": [{"birth_date": "2020-01-01", "shoe_size": 3}]}, "children.0.shoe_size"),
        ({"as_of": "1990-01-01"}, "as_of"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api_client, regions, catalogue, change, field):
    response = post(api_client, {**DONE_WHEN, **change})
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["detail"]["fields"], body
    assert body["message"]


def test_a_missing_region_is_named(api_client, regions, catalogue):
    response = post(api_client, {"children": []})
    assert response.status_code == 422
    assert "region_code" in response.json()["detail"]["fields"]


def test_programmes_browse_search_and_region(api_client, regions, catalogue):
    response = api_client.get("/api/v1/benefits/programs", {"q": "부모 급여"})
    assert response.status_code == 200
    names = [p["name"] for p in response.json()["results"]]
    assert names[0] == "부모급여"
    infant = api_client.get("/api/v1/benefits/programs", {"stage": "infant", "limit": 500}).json()
    assert all("infant" in p["stages"] for p in infant["results"])
    assert infant["count"] > 20
    seoul = api_client.get("/api/v1/benefits/programs", {"region": "1168000000", "limit": 500}).json()
    keys = {p["key"] for p in seoul["results"]}
    assert "parent_benefit" in keys and "gyeonggi_hotline" not in keys
    suwon = api_client.get("/api/v1/benefits/programs", {"region": "4111100000", "limit": 500}).json()
    assert "gyeonggi_hotline" in {p["key"] for p in suwon["results"]}
    bad = api_client.get("/api/v1/benefits/programs", {"stage": "retirement"})
    assert bad.status_code == 422 and "stage" in bad.json()["detail"]["fields"]


def test_programme_detail_by_id_and_key(api_client, catalogue):
    p = Programme.objects.get(key="parent_benefit")
    response = api_client.get(f"/api/v1/benefits/programs/{p.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "부모급여"
    assert {row["name"] for row in body["parameters"]} == {"amount_under_12m", "amount_12_to_23m"}
    assert len(body["test_cases"]) >= 3
    assert api_client.get("/api/v1/benefits/programs/parent_benefit").json()["id"] == p.pk
    assert api_client.get("/api/v1/benefits/programs/999999").status_code == 404


def test_information_entries_answer_unknown_with_how_to_apply(api_client, regions, catalogue):
    rows = post(api_client, {**DONE_WHEN, "single_parent": True}).json()["results"]
    info = [r for r in rows if r["kind"] == "information" and r["key"].startswith("bokjiro-")]
    assert info
    assert all(r["status"] == "unknown" and r["how_to_apply"] for r in info)


def test_the_check_needs_no_csrf_cookie_or_token(regions, catalogue):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = post(strict, DONE_WHEN)
    assert response.status_code == 200, response.content
