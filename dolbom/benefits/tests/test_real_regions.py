"""The check over Korea's real regions: old, new and merged names reach the right local programmes."""

import json

import pytest


def post(client, body):
    return client.post("/api/v1/benefits/check", data=json.dumps(body), content_type="application/json")


CHILD = {"as_of": "2026-11-23", "children": [{"birth_date": "2026-05-23"}]}


@pytest.mark.parametrize(
    ("region", "present", "absent"),
    [
        ("전남광주통합특별시 광산구", "gwangju_childcare_allowance", "gyeonggi_hotline"),
        ("광주광역시 북구", "gwangju_birth_gift", "iksan_night_care"),
        ("29170", "gwangju_childcare_allowance", "seocho_call_centre"),
        ("전라북도 익산시", "iksan_night_care", "gwangju_birth_gift"),
        ("수원시 장안구", "gyeonggi_home_visit", "gyeonggi_always_daycare"),
        ("경기도 김포시", "gyeonggi_always_daycare", "gyeonggi_home_visit"),
        ("서울 서초구", "seocho_call_centre", "gyeonggi_hotline"),
    ],
)
def test_local_programmes_follow_the_resolved_region(api_client, real_regions, catalogue, region, present, absent):
    response = post(api_client, {**CHILD, "region_code": region})
    assert response.status_code == 200, response.content
    keys = {r["key"] for r in response.json()["results"]}
    assert present in keys
    assert absent not in keys
