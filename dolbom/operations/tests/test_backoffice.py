from datetime import timedelta

from django.utils import timezone

from dolbom.core.models import AuditEntry
from dolbom.directory.models import Facility
from dolbom.operations.models import IncidentReport


def test_provider_edits_profile_and_hours(client, provider_x, facility_x):
    client.force_login(provider_x)
    assert client.get("/backoffice/facility/").status_code == 200
    r = client.post(
        "/backoffice/facility/",
        {
            "phone": "031-123-4567",
            "capacity": "40",
            "enrolment": "31",
            "weekday_opens": "07:30",
            "weekday_closes": "21:00",
            "saturday_opens": "",
            "saturday_closes": "",
        },
    )
    assert r.status_code == 302
    facility = Facility.objects.get(pk=facility_x.pk)
    assert facility.capacity == 40 and facility.phone == "031-123-4567"
    assert {"kind": "regular", "weekdays": [0, 1, 2, 3, 4], "opens": "07:30", "closes": "21:00"} in facility.hours
    assert AuditEntry.objects.filter(action="facility.update", object_id=str(facility_x.pk)).exists()


def test_profile_bad_input_is_refused_and_nothing_changes(client, provider_x, facility_x):
    client.force_login(provider_x)
    before = Facility.objects.get(pk=facility_x.pk).capacity
    r = client.post("/backoffice/facility/", {"capacity": "many", "weekday_opens": "07:30"})
    assert r.status_code == 422
    r = client.post("/backoffice/facility/", {"capacity": "10", "weekday_opens": "07:30"})
    assert r.status_code == 422
    assert Facility.objects.get(pk=facility_x.pk).capacity == before


def test_incident_report(client, provider_x, facility_x):
    client.force_login(provider_x)
    when = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        "/backoffice/facility/incidents/",
        {"occurred_at": when, "severity": "minor", "summary": "놀이 중 무릎 찰과상", "guardian_informed": "on"},
    )
    assert r.status_code == 302
    report = IncidentReport.objects.get()
    assert report.facility == facility_x and report.guardian_informed and report.reported_by == provider_x
    assert AuditEntry.objects.filter(action="incident.report").exists()
    assert (
        client.post(
            "/backoffice/facility/incidents/", {"occurred_at": "x", "severity": "minor", "summary": "a"}
        ).status_code
        == 422
    )
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post(
            "/backoffice/facility/incidents/", {"occurred_at": future, "severity": "minor", "summary": "a"}
        ).status_code
        == 422
    )
    assert IncidentReport.objects.count() == 1


def test_backoffice_refuses_others(client, citizen, coordinator_suwon, province_gyeonggi):
    for user in (citizen, coordinator_suwon, province_gyeonggi):
        client.force_login(user)
        assert client.get("/backoffice/facility/").status_code == 403
        assert client.post("/backoffice/facility/incidents/", {"summary": "x"}).status_code == 403
    assert not IncidentReport.objects.exists()


def test_hours_until_midnight_show_and_save(client, provider_x, facility_x):
    facility_x.hours = [{"kind": "regular", "weekdays": [0, 1, 2, 3, 4], "opens": "07:30", "closes": "24:00"}]
    facility_x.save()
    client.force_login(provider_x)
    page = client.get("/backoffice/facility/").content.decode()
    assert 'value="24:00"' in page
    r = client.post("/backoffice/facility/", {"capacity": "20", "weekday_opens": "07:30", "weekday_closes": "24:00"})
    assert r.status_code == 302
