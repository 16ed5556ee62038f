"""/api/v1/visits lifecycle endpoints: the caregiver's visits, the family's rating and report, follow-ups."""

import datetime as dt

import pytest
from django.utils import timezone

from dolbom.matching.models import FollowUpTask, VisitAssignment
from dolbom.matching.services import visit_assignment_confirm
from tests.factories import UserFactory

from .test_services import make_caregiver, make_request

V = "/api/v1/visits"


@pytest.fixture
def cg_user(db):
    return UserFactory(username="cg-api", role="caregiver")


@pytest.fixture
def offered(household, regions, citizen, cg_user):
    c = make_caregiver(regions)
    c.user = cg_user
    c.save()
    req = make_request(household, regions, citizen, start=9, end=12)
    return VisitAssignment.objects.create(
        request=req, caregiver=c, status="offered", starts_at=req.starts_at, ends_at=req.ends_at
    )


def post(client, url, header, data=None):
    return client.post(url, data or {}, content_type="application/json", **header)


def test_caregiver_sees_own_offers_only(api_client, auth_header, offered, cg_user, citizen):
    r = api_client.get(f"{V}/my/offers", **auth_header(cg_user))
    assert r.status_code == 200 and [o["assignment_id"] for o in r.json()] == [offered.pk]
    assert r.json()[0]["address"] == "경기도 수원시 장안구"  # no street address before accepting
    other = UserFactory(username="cg-other", role="caregiver")
    assert api_client.get(f"{V}/my/offers", **auth_header(other)).json() == []
    assert api_client.get(f"{V}/my/offers", **auth_header(citizen)).status_code == 403


def test_full_flow_over_the_api(api_client, auth_header, offered, cg_user, citizen, coordinator_suwon, monkeypatch):
    h_cg, h_cit = auth_header(cg_user), auth_header(citizen)
    # the visit starts in ten minutes (arrival may be recorded from an hour before)
    start = timezone.now() + dt.timedelta(minutes=10)
    VisitAssignment.objects.filter(pk=offered.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=3))
    offered.request.__class__.objects.filter(pk=offered.request_id).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    assert post(api_client, f"{V}/assignments/{offered.pk}/confirm", h_cg).status_code == 200
    today = api_client.get(f"{V}/my/today", **h_cg).json()
    assert [v["assignment_id"] for v in today] == [offered.pk] and today[0]["address"].startswith("수원시")
    r = post(api_client, f"{V}/assignments/{offered.pk}/arrival", h_cg)
    assert r.status_code == 200 and r.json()["request_status"] == "in_service"
    r = post(api_client, f"{V}/assignments/{offered.pk}/end", h_cg, {"notes": "잘 놀았어요"})
    assert r.status_code == 200 and r.json()["request_status"] == "done" and r.json()["fee_total"] > 0
    rid = offered.request_id
    mine = api_client.get(f"{V}/my/requests", **h_cit).json()
    assert mine[0]["id"] == rid and mine[0]["status"] == "done"
    r = post(api_client, f"{V}/requests/{rid}/rate", h_cit, {"stars": 1, "comment": "불친절"})
    assert r.status_code == 201 and r.json()["followup_opened"] is True
    assert post(api_client, f"{V}/requests/{rid}/rate", h_cit, {"stars": 5}).status_code == 409
    tasks = api_client.get(f"{V}/followups", **auth_header(coordinator_suwon)).json()
    assert len(tasks) == 1 and tasks[0]["reason"] == "low_rating"
    r = post(api_client, f"{V}/followups/{tasks[0]['id']}/close", auth_header(coordinator_suwon), {"notes": "통화"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert api_client.get(f"{V}/requests/{rid}", **h_cit).json()["status"] == "followed_up"


def test_refusals(api_client, auth_header, offered, cg_user, citizen, other_citizen, coordinator_gangnam):
    other_cg = UserFactory(username="cg-other", role="caregiver")
    pk, rid = offered.pk, offered.request_id
    assert post(api_client, f"{V}/assignments/{pk}/arrival", auth_header(other_cg)).status_code == 404
    assert post(api_client, f"{V}/assignments/{pk}/arrival", auth_header(citizen)).status_code == 403
    # not accepted yet: wrong order
    assert post(api_client, f"{V}/assignments/{pk}/arrival", auth_header(cg_user)).status_code == 409
    assert post(api_client, f"{V}/requests/{rid}/rate", auth_header(other_citizen), {"stars": 1}).status_code == 404
    assert post(api_client, f"{V}/requests/{rid}/rate", auth_header(citizen), {"stars": 9}).status_code == 422
    assert post(api_client, f"{V}/requests/{rid}/rate", auth_header(citizen), {"stars": 3}).status_code == 409
    r = post(api_client, f"{V}/requests/{rid}/report", auth_header(other_citizen), {"detail": "x"})
    assert r.status_code == 404
    assert post(api_client, f"{V}/requests/{rid}/cancel", auth_header(other_citizen)).status_code == 404
    assert api_client.get(f"{V}/followups", **auth_header(citizen)).status_code == 403
    assert api_client.get(f"{V}/my/requests", **auth_header(cg_user)).status_code == 403


def test_followups_are_region_scoped(
    api_client, auth_header, offered, cg_user, citizen, coordinator_suwon, coordinator_gangnam
):
    visit_assignment_confirm(assignment=offered, actor=cg_user)
    task = FollowUpTask.objects.create(
        request=offered.request, region=offered.request.region, reason="report", due_date=timezone.localdate()
    )
    assert api_client.get(f"{V}/followups", **auth_header(coordinator_gangnam)).json() == []
    r = post(api_client, f"{V}/followups/{task.pk}/close", auth_header(coordinator_gangnam), {"notes": "x"})
    assert r.status_code == 403
    assert len(api_client.get(f"{V}/followups", **auth_header(coordinator_suwon)).json()) == 1


def test_citizen_cancels_own_request(api_client, auth_header, household, regions, citizen):
    req = make_request(household, regions, citizen)
    r = post(api_client, f"{V}/requests/{req.pk}/cancel", auth_header(citizen))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert post(api_client, f"{V}/requests/{req.pk}/cancel", auth_header(citizen)).status_code == 409
