"""/api/v1/visits: who may do what, and the answers."""

import datetime as dt

import pytest
from django.db import connection

from dolbom.benefits.eligibility.idolbom import idolbom_tier_shares
from dolbom.matching.models import VisitAssignment, VisitRequest
from tests.factories import UserFactory

from .test_services import DAY, at, make_caregiver, make_request


def payload(household, **kw):
    data = {
        "child_ids": [household.children.get(name="첫째").pk],
        "service": "urgent",
        "region_code": "4111100000",
        "address": "수원시 장안구 파장동 1",
        "lat": 37.30,
        "lng": 127.01,
        "starts_at": at(18).isoformat(),
        "ends_at": at(23).isoformat(),
    }
    data.update(kw)
    return data


def test_citizen_requests_and_sees_queue_and_fee(api_client, auth_header, citizen, household, regions):
    make_caregiver(regions)
    r = api_client.post(
        "/api/v1/visits/requests",
        payload(household, income_tier="나형"),
        content_type="application/json",
        **auth_header(citizen),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "open" and body["queue"]["position"] == 1 and body["queue"]["minutes"] > 0
    assert body["fee"]["surcharge_amount"] > 0  # 22:00–23:00 is night
    # the government's share for 나형 comes from the 아이돌봄 rules in force on the day; the family pays the rest
    share = idolbom_tier_shares(on=at(18).date())["나형"]
    fee = body["fee"]
    assert 0 < share < 1 and fee["income_tier"] == "나형"
    assert abs(fee["government_share"] - fee["total"] * share) <= 1
    assert fee["family_share"] == fee["total"] - fee["government_share"] > 0
    req = VisitRequest.objects.get()
    assert req.urgency == 1 and req.income_tier == "나형"
    # stored encrypted, like every income figure
    with connection.cursor() as cur:
        cur.execute("SELECT income_tier FROM matching_visitrequest WHERE id = %s", [req.pk])
        assert "나형" not in cur.fetchone()[0]


def test_unknown_income_tier_is_quoted_in_full_with_a_note(api_client, auth_header, citizen, household, regions):
    r = api_client.post(
        "/api/v1/visits/requests", payload(household), content_type="application/json", **auth_header(citizen)
    )
    assert r.status_code == 201, r.content
    fee = r.json()["fee"]
    assert fee["government_share"] == 0 and fee["family_share"] == fee["total"] > 0
    assert any("소득유형 미확인" in n for n in fee["notes"])


def test_bad_income_tier_is_422(api_client, auth_header, citizen, household, regions):
    r = api_client.post(
        "/api/v1/visits/requests",
        payload(household, income_tier="바형"),
        content_type="application/json",
        **auth_header(citizen),
    )
    assert r.status_code == 422 and "income_tier" in r.json()["detail"]["fields"]
    assert not VisitRequest.objects.exists()


def test_bad_request_is_422_with_fields(api_client, auth_header, citizen, household, regions):
    r = api_client.post(
        "/api/v1/visits/requests",
        payload(household, ends_at=at(17).isoformat(), region_code="9999900000"),
        content_type="application/json",
        **auth_header(citizen),
    )
    assert r.status_code == 422
    assert "region_code" in r.json()["detail"]["fields"]
    assert VisitRequest.objects.count() == 0


def test_other_citizen_cannot_see_a_request(api_client, auth_header, citizen, other_citizen, household, regions):
    req = make_request(household, regions, citizen)
    assert api_client.get(f"/api/v1/visits/requests/{req.pk}", **auth_header(citizen)).status_code == 200
    assert api_client.get(f"/api/v1/visits/requests/{req.pk}", **auth_header(other_citizen)).status_code == 404


def test_candidates_and_batch_for_the_coordinator_in_scope_only(
    api_client,
    auth_header,
    citizen,
    household,
    regions,
    coordinator_suwon,
    coordinator_gangnam,
):
    c = make_caregiver(regions)
    req = make_request(household, regions, citizen)
    r = api_client.get(f"/api/v1/visits/requests/{req.pk}/candidates", **auth_header(coordinator_suwon))
    assert r.status_code == 200
    assert [x["caregiver_id"] for x in r.json()["candidates"]] == [c.pk]
    assert (
        api_client.get(f"/api/v1/visits/requests/{req.pk}/candidates", **auth_header(coordinator_gangnam)).status_code
        == 403
    )
    assert api_client.get(f"/api/v1/visits/requests/{req.pk}/candidates", **auth_header(citizen)).status_code == 403
    body = {"date": DAY.isoformat(), "region_code": "4111100000"}
    assert (
        api_client.post(
            "/api/v1/visits/batch", body, content_type="application/json", **auth_header(coordinator_gangnam)
        ).status_code
        == 403
    )
    r = api_client.post("/api/v1/visits/batch", body, content_type="application/json", **auth_header(coordinator_suwon))
    assert r.status_code == 200 and r.json()["filled"] == 1


def test_caregiver_accepts_own_assignment_only(api_client, auth_header, citizen, household, regions, coordinator_suwon):
    mine = UserFactory(username="cg-1", role="caregiver")
    other = UserFactory(username="cg-2", role="caregiver")
    c = make_caregiver(regions)
    c.user = mine
    c.save()
    req = make_request(household, regions, citizen)
    a = VisitAssignment.objects.create(request=req, caregiver=c, starts_at=req.starts_at, ends_at=req.ends_at)
    assert api_client.post(f"/api/v1/visits/assignments/{a.pk}/confirm", **auth_header(other)).status_code == 403
    r = api_client.post(f"/api/v1/visits/assignments/{a.pk}/confirm", **auth_header(mine))
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    again = api_client.post(f"/api/v1/visits/assignments/{a.pk}/confirm", **auth_header(mine))
    assert again.status_code == 409


@pytest.mark.parametrize("path", ["/api/v1/visits/requests/1", "/api/v1/visits/assignments/1/decline"])
def test_anonymous_is_refused(api_client, path):
    r = api_client.get(path) if "requests" in path else api_client.post(path)
    assert r.status_code == 401


def test_past_date_batch_refused(api_client, auth_header, coordinator_suwon, regions):
    body = {"date": (dt.date.today() - dt.timedelta(days=2)).isoformat(), "region_code": "4111100000"}
    r = api_client.post("/api/v1/visits/batch", body, content_type="application/json", **auth_header(coordinator_suwon))
    assert r.status_code == 422


def test_offer_next_for_coordinator_in_scope(
    api_client, auth_header, citizen, household, regions, coordinator_suwon, coordinator_gangnam
):
    c = make_caregiver(regions)
    req = make_request(household, regions, citizen)
    assert (
        api_client.post(f"/api/v1/visits/requests/{req.pk}/offer", **auth_header(coordinator_gangnam)).status_code
        == 403
    )
    assert api_client.post(f"/api/v1/visits/requests/{req.pk}/offer", **auth_header(citizen)).status_code == 403
    r = api_client.post(f"/api/v1/visits/requests/{req.pk}/offer", **auth_header(coordinator_suwon))
    assert r.status_code == 200 and r.json()["caregiver_id"] == c.pk and r.json()["status"] == "offered"


def test_batch_rerun_task(household, regions, citizen):
    from dolbom.matching.tasks import matching_batch_rerun_task

    make_caregiver(regions)
    make_request(household, regions, citizen)
    assert matching_batch_rerun_task(DAY.isoformat(), "41111") == 1
