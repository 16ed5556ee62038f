"""Home-visit pages: the citizen's request form, the coordinator's candidates, the caregiver's day, and
refusals for other families, other regions and other caregivers."""

import datetime as dt

import pytest
from django.utils import timezone

from dolbom.matching.models import FollowUpTask, VisitAssignment, VisitRequest, WeeklyAvailability
from tests.factories import UserFactory

from .test_services import make_caregiver


@pytest.fixture
def cg_user(db):
    return UserFactory(username="cg-page", role="caregiver")


@pytest.fixture
def tonight(household, regions, cg_user):
    household.home_region = regions["jangan"]
    household.home_address = "수원시 장안구 파장동 1"
    household.home_lat, household.home_lng = 37.30, 127.01
    household.save()
    c = make_caregiver(regions)
    c.user = cg_user
    c.save()
    for wd in range(7):
        WeeklyAvailability.objects.get_or_create(
            caregiver=c, weekday=wd, start_time=dt.time(0), end_time=dt.time(23, 59)
        )
    return c


def _form(household, start, **kw):
    data = {
        "child": [household.children.get(name="첫째").pk],
        "service": "urgent",
        "date": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": (start + dt.timedelta(hours=2)).strftime("%H:%M"),
        "where": "home",
        "consent": "yes",
    }
    data.update(kw)
    return data


def test_the_whole_flow_through_the_pages(client, household, citizen, coordinator_suwon, cg_user, tonight):
    start = (timezone.localtime() + dt.timedelta(minutes=20)).replace(second=0, microsecond=0)
    if start.date() != timezone.localdate() or start.hour >= 22:
        start = start.replace(hour=10, minute=0) + dt.timedelta(days=1)
    client.force_login(citizen)
    assert client.get("/visits/new/").status_code == 200
    r = client.post("/visits/new/", _form(household, start))
    assert r.status_code == 302, r.content.decode()[:2000]
    req = VisitRequest.objects.get()
    assert req.consent_share and req.address == "수원시 장안구 파장동 1" and req.urgency == 1
    assert "대기 1번째" in client.get("/visits/").content.decode()

    client.force_login(coordinator_suwon)
    body = client.get(f"/backoffice/visits/coordinate/{req.pk}/").content.decode()
    assert "왜 이 돌보미" in body and tonight.display_name in body
    client.post(f"/backoffice/visits/coordinate/{req.pk}/", {"action": "offer", "caregiver": tonight.pk})
    a = VisitAssignment.objects.get(request=req, status="offered")

    client.force_login(cg_user)
    assert "수락" in client.get("/backoffice/visits/").content.decode()
    client.post(f"/backoffice/visits/{a.pk}/action/", {"action": "accept"})
    # Late in the evening the visit went to tomorrow morning, too early to arrive: bring the accepted visit
    # forward so the caregiver's arrival is recorded on the page like any evening visit.
    VisitAssignment.objects.filter(pk=a.pk).update(starts_at=timezone.now() + dt.timedelta(minutes=20))
    client.post(f"/backoffice/visits/{a.pk}/action/", {"action": "arrive"})
    client.post(f"/backoffice/visits/{a.pk}/action/", {"action": "end", "notes": "책 읽기"})
    req.refresh_from_db()
    assert req.status == "done"

    client.force_login(citizen)
    assert "평가하기" in client.get("/visits/").content.decode()
    client.post(f"/visits/{req.pk}/rate/", {"stars": "1", "comment": "별로"})
    task = FollowUpTask.objects.get(request=req)
    client.force_login(coordinator_suwon)
    assert "낮은 평가" in client.get("/backoffice/visits/coordinate/").content.decode()
    client.post(f"/backoffice/visits/coordinate/followups/{task.pk}/", {"action": "close", "notes": "통화"})
    req.refresh_from_db()
    assert req.status == "followed_up"


def test_form_requires_consent_and_children(client, household, citizen, tonight):
    client.force_login(citizen)
    start = timezone.localtime() + dt.timedelta(days=1)
    r = client.post("/visits/new/", _form(household, start, consent="", child=[]))
    assert r.status_code == 422
    body = r.content.decode()
    assert "동의해야" in body and "아동을 한 명 이상" not in body  # consent is checked before anything is written
    r = client.post("/visits/new/", _form(household, start, child=[]))
    assert r.status_code == 422 and "아동을 한 명 이상" in r.content.decode()
    assert not VisitRequest.objects.exists()


def test_refusals(client, household, citizen, other_citizen, coordinator_gangnam, tonight, regions):
    client.force_login(citizen)
    start = timezone.localtime() + dt.timedelta(days=1)
    client.post("/visits/new/", _form(household, start))
    req = VisitRequest.objects.get()
    client.force_login(other_citizen)
    assert client.get(f"/visits/{req.pk}/cancel/").status_code == 404
    assert client.post(f"/visits/{req.pk}/rate/", {"stars": "5"}).status_code == 404
    client.force_login(coordinator_gangnam)
    assert client.get(f"/backoffice/visits/coordinate/{req.pk}/").status_code == 404
    assert not client.get("/backoffice/visits/coordinate/").context["rows"]
    other_cg = UserFactory(username="cg-other", role="caregiver")
    c2 = make_caregiver(regions, "다른돌보미")
    c2.user = other_cg
    c2.save()
    a = VisitAssignment.objects.create(
        request=req, caregiver=tonight, status="offered", starts_at=req.starts_at, ends_at=req.ends_at
    )
    client.force_login(other_cg)
    assert client.post(f"/backoffice/visits/{a.pk}/action/", {"action": "accept"}).status_code == 404
    a.refresh_from_db()
    assert a.status == "offered"
    client.force_login(citizen)
    assert client.get("/backoffice/visits/").status_code == 403
    client.post(f"/visits/{req.pk}/cancel/")
    req.refresh_from_db()
    assert req.status == "cancelled"


def test_caregiver_edits_availability(client, cg_user, tonight):
    client.force_login(cg_user)
    assert client.get("/backoffice/visits/availability/").status_code == 200
    day = timezone.localdate() + dt.timedelta(days=2)
    client.post(
        "/backoffice/visits/availability/", {"action": "exception_add", "date": day.isoformat(), "kind": "unavailable"}
    )
    assert tonight.exceptions.filter(date=day).exists()
    client.post(
        "/backoffice/visits/availability/",
        {"action": "weekly_add", "weekday": "0", "start_time": "10:00", "end_time": "09:00"},
    )
    assert tonight.weekly.count() == 8  # refused: end before start
    rule = tonight.weekly.first()
    client.post("/backoffice/visits/availability/", {"action": "weekly_remove", "id": rule.pk})
    assert tonight.weekly.count() == 7


def test_coordinator_sees_provider_quality_of_their_region_only(
    client, regions, coordinator_suwon, coordinator_gangnam
):
    from dolbom.matching.models import ServiceProvider

    ServiceProvider.objects.create(name="장안 제공기관", region=regions["jangan"])
    ServiceProvider.objects.create(name="강남 제공기관", region=regions["gangnam"])
    client.force_login(coordinator_suwon)
    body = client.get("/backoffice/visits/coordinate/").content.decode()
    assert "서비스제공기관별 품질" in body and "장안 제공기관" in body and "강남 제공기관" not in body
    client.force_login(coordinator_gangnam)
    body = client.get("/backoffice/visits/coordinate/").content.decode()
    assert "강남 제공기관" in body and "장안 제공기관" not in body
