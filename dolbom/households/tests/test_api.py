import json
from datetime import timedelta

import pytest
from django.utils import timezone

from dolbom.core.models import AuditEntry
from dolbom.households.models import Child


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def test_register_and_list_children(api_client, citizen, auth_header):
    headers = auth_header(citizen)
    birth = (timezone.localdate() - timedelta(days=200)).isoformat()
    response = post_json(api_client, "/api/v1/households/children", {"name": "하늘", "birth_date": birth}, **headers)
    assert response.status_code == 201, response.content
    assert response.json()["age_months"] == 6
    listing = api_client.get("/api/v1/households/children", **headers).json()
    assert [c["name"] for c in listing] == ["하늘"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "미래", "birth_date": "2999-01-01"}, "birth_date"),
        ({"name": "지난", "due_date": "2001-01-01"}, "due_date"),
        ({"name": "없음"}, "birth_date"),
        ({"name": "둘다", "birth_date": "2024-01-01", "due_date": "2027-01-01"}, "birth_date"),
        ({"name": "이상", "birth_date": "2024-02-30"}, "birth_date"),
        ({"name": "x", "birth_date": "2024-01-01", "surprise": 1}, "surprise"),
        ({"name": "", "birth_date": "2024-01-01"}, "name"),
    ],
)
def test_impossible_children_are_refused_and_nothing_written(api_client, citizen, auth_header, payload, field):
    response = post_json(api_client, "/api/v1/households/children", payload, **auth_header(citizen))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    assert field in body["detail"]["fields"]
    assert Child.objects.count() == 0


def test_citizen_cannot_read_or_delete_another_citizens_child(api_client, citizen, other_citizen, auth_header):
    birth = (timezone.localdate() - timedelta(days=400)).isoformat()
    child_id = post_json(
        api_client, "/api/v1/households/children", {"name": "하늘", "birth_date": birth}, **auth_header(citizen)
    ).json()["id"]
    intruder = auth_header(other_citizen)
    assert api_client.get(f"/api/v1/households/children/{child_id}", **intruder).status_code == 404
    assert api_client.delete(f"/api/v1/households/children/{child_id}", **intruder).status_code == 404
    assert Child.objects.filter(pk=child_id).exists()
    assert api_client.get("/api/v1/households/children", **intruder).json() == []


def test_provider_cannot_reach_a_household_child(api_client, citizen, provider_x, auth_header):
    birth = (timezone.localdate() - timedelta(days=400)).isoformat()
    child_id = post_json(
        api_client, "/api/v1/households/children", {"name": "하늘", "birth_date": birth}, **auth_header(citizen)
    ).json()["id"]
    assert api_client.get(f"/api/v1/households/children/{child_id}", **auth_header(provider_x)).status_code == 404


def test_staff_read_in_scope_is_audited(
    api_client, citizen, coordinator_suwon, coordinator_gangnam, regions, auth_header
):
    from dolbom.households.services import household_for

    household = household_for(user=citizen)
    household.home_region = regions["jangan"]
    household.save()
    birth = (timezone.localdate() - timedelta(days=400)).isoformat()
    child_id = post_json(
        api_client, "/api/v1/households/children", {"name": "하늘", "birth_date": birth}, **auth_header(citizen)
    ).json()["id"]
    assert (
        api_client.get(f"/api/v1/households/children/{child_id}", **auth_header(coordinator_gangnam)).status_code == 404
    )
    response = api_client.get(f"/api/v1/households/children/{child_id}", **auth_header(coordinator_suwon))
    assert response.status_code == 200
    read = AuditEntry.objects.get(action="child.read", object_id=str(child_id))
    assert read.actor == coordinator_suwon and read.acting_for == citizen


def test_consents_grant_withdraw_history(api_client, citizen, auth_header):
    headers = auth_header(citizen)
    assert (
        post_json(
            api_client, "/api/v1/households/consents", {"purpose": "benefit_alerts", "granted": True}, **headers
        ).status_code
        == 200
    )
    assert (
        post_json(
            api_client, "/api/v1/households/consents", {"purpose": "benefit_alerts", "granted": False}, **headers
        ).status_code
        == 200
    )
    history = api_client.get("/api/v1/households/consents", **headers).json()
    assert len(history) == 1 and history[0]["withdrawn_at"] is not None
    bad = post_json(api_client, "/api/v1/households/consents", {"purpose": "selling", "granted": True}, **headers)
    assert bad.status_code == 422
    bad_withdraw = post_json(
        api_client, "/api/v1/households/consents", {"purpose": "selling", "granted": False}, **headers
    )
    assert bad_withdraw.status_code == 422 and bad_withdraw.json()["detail"]["fields"] == {"purpose": "selling"}


def test_export_contains_children_and_consents(api_client, citizen, auth_header):
    headers = auth_header(citizen)
    post_json(
        api_client,
        "/api/v1/households/children",
        {"name": "하늘", "birth_date": "2023-03-03", "allergies": "우유"},
        **headers,
    )
    data = api_client.get("/api/v1/households/export", **headers).json()
    assert data["account"]["username"] == citizen.username
    assert data["children"][0]["allergies"] == "우유"
