"""Issue "Operations", done when: after load_demo, the demo province official and the demo provider do their work
through the pages, end to end, on the demo data."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from dolbom.accounts.models import User
from dolbom.booking import clock
from dolbom.booking.models import Booking, FacilityService, ServiceParticipation, Slot
from dolbom.booking.services import booking_create
from dolbom.core.errors import NotEligible
from dolbom.core.models import AuditEntry
from dolbom.operations.models import ParameterChange


@pytest.mark.django_db(transaction=True)
def test_demo_province_official_and_provider_do_their_work(client, monkeypatch):
    call_command("load_demo", stdout=io.StringIO())
    province = User.objects.get(username="province")
    provider = User.objects.get(username="provider")
    citizen = User.objects.get(username="citizen")
    today = timezone.localdate()

    # 1. last year's figures by service and municipality (the page's default period)
    client.force_login(province)
    page = client.get("/console/dashboards/")
    assert page.status_code == 200
    tables = page.context["tables"]
    rows = tables["service_municipality"].rows
    assert {r["service"] for r in rows} >= {"언제나 어린이집", "초등 시설형 긴급돌봄"}
    assert any(r["service_code"].startswith("visit:") for r in rows)
    assert len({r["municipality_code"] for r in rows}) >= 10
    assert all(r["municipality_code"].startswith("41") for r in rows)
    served = {r["figure"]: r["value"] for r in tables["summary"].rows}["이용 아동(연인원)"]
    assert served > 1000
    last_year = Booking.objects.filter(
        status="attended",
        starts_at__year=today.year - 1,
        facility_service__facility__region__code__startswith="41",
    ).count()
    assert sum(r["served"] for r in rows if not r["service_code"].startswith("visit:")) == last_year

    # 2. a municipality added to a service: the family living there can book at once
    fs = FacilityService.objects.get(service__code="gg-always-daycare", facility=provider.facility)
    row = ServiceParticipation.objects.get(service=fs.service, region_prefix="4111")
    assert client.post(f"/console/participation/service/{row.pk}/remove/").status_code == 302
    child_ids = list(citizen.household.children.filter(birth_date__isnull=False).values_list("pk", flat=True))
    from dolbom.households.models import Child

    Child.objects.filter(pk=child_ids[0]).update(birth_date=today - timedelta(days=400))  # within every age rule
    tomorrow = today + timedelta(days=1)
    slot = (
        Slot.objects.filter(facility_service=fs, starts_at__date=tomorrow, closed=False)
        .order_by("starts_at")
        .exclude(starts_at__hour__lt=9)
        .first()
    )
    with pytest.raises(NotEligible) as refused:
        booking_create(actor=citizen, slot_ids=[slot.pk], child_ids=child_ids[:1])
    assert refused.value.code == "not_resident"
    added = client.post("/console/participation/service/add/", {"target": fs.service.pk, "region": "경기도 수원시"})
    assert added.status_code == 302
    assert ServiceParticipation.objects.filter(service=fs.service, region_prefix="4111").exists()
    booking = booking_create(actor=citizen, slot_ids=[slot.pk], child_ids=child_ids[:1])
    assert booking.status in ("pending", "confirmed")

    # 3. a new amount from next January, the old value kept before it
    january = date(today.year + 1, 1, 1)
    scheduled = client.post(
        "/console/parameters/",
        {
            "parameter": "parent_benefit.amount_under_12m",
            "value": "1300000",
            "effective_from": january.isoformat(),
            "reason": "내년 예산",
        },
    )
    assert scheduled.status_code == 302
    change = ParameterChange.objects.get(parameter="amount_under_12m", effective_from=january)
    assert change.status == "approved" and change.value == 1300000 and change.previous_value != 1300000
    assert AuditEntry.objects.filter(action__startswith="parameter.", actor=province).exists()

    # 4. the figures as XLSX
    xlsx = client.get("/console/dashboards/export.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) >= 5
    assert AuditEntry.objects.filter(action="statistics.export", actor=province).exists()

    # 5. who read a child's record
    audit = client.get("/console/audit/", {"action": "child.read"})
    assert audit.status_code == 200
    assert "child.read" in audit.content.decode()
    coordinator = User.objects.get(username="coordinator")
    assert AuditEntry.objects.filter(action="child.read", actor=coordinator).exists()
    assert coordinator.username in audit.content.decode() or str(coordinator) in audit.content.decode()

    # 6. the provider changes a slot's capacity and records attendance
    client.force_login(provider)
    before = Slot.objects.get(pk=slot.pk).capacity
    changed = client.post(
        f"/backoffice/bookings/capacity/{fs.pk}/",
        {"date": tomorrow.isoformat(), "slot": slot.pk, "capacity": before + 2},
    )
    assert changed.status_code == 302
    assert Slot.objects.get(pk=slot.pk).capacity == before + 2
    if Booking.objects.get(pk=booking.pk).status == "pending":
        assert client.post(f"/backoffice/bookings/{booking.pk}/action/", {"action": "accept"}).status_code == 302
    monkeypatch.setattr(clock, "now", lambda: slot.starts_at + timedelta(minutes=30))
    marked = client.post(f"/backoffice/bookings/{booking.pk}/action/", {"action": "attended"})
    assert marked.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == "attended"
    assert AuditEntry.objects.filter(action="booking.attended", actor=provider).exists()
