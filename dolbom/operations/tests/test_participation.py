from datetime import timedelta

import pytest

from dolbom.benefits.models import Programme, ProgrammeRegion
from dolbom.benefits.services import benefit_check
from dolbom.booking import services as booking_services
from dolbom.booking.models import CareService, FacilityService, ServiceParticipation, Slot
from dolbom.booking.services import slots_generate
from dolbom.core.errors import NotEligible, PermissionDenied
from dolbom.core.models import AuditEntry
from dolbom.households.models import Child, Household
from dolbom.operations import services


@pytest.fixture
def night_service(db):
    return CareService.objects.create(
        code="test-night",
        name="시험 야간돌봄",
        hours={k: [["00:00", "24:00"]] for k in ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday")},
        advance_days=30,
    )


@pytest.fixture
def slot(night_service, facility_x):
    from django.utils import timezone

    fs = FacilityService.objects.create(facility=facility_x, service=night_service, default_capacity=3)
    slots_generate(facility_service=fs, start=timezone.localdate() + timedelta(days=2), days=1)
    return Slot.objects.filter(facility_service=fs).order_by("starts_at")[12]


@pytest.fixture
def family(citizen, regions):
    from datetime import date

    household = Household.objects.create(guardian=citizen, home_region=regions["jangan"])
    child = Child.objects.create(household=household, name="하늘", birth_date=date(2023, 3, 1))
    return household, child


def test_adding_suwon_lets_a_suwon_family_book_at_once(city_suwon, citizen, family, slot, night_service):
    _, child = family
    with pytest.raises(NotEligible) as refused:
        booking_services.booking_create(actor=citizen, slot_ids=[slot.pk], child_ids=[child.pk])
    assert refused.value.code == "not_resident"

    row = services.service_participation_add(actor=city_suwon, service_id=night_service.pk, region_query="4111000000")
    assert row.region_prefix == "4111"
    assert row.region_name == "경기도 수원시"
    booking = booking_services.booking_create(actor=citizen, slot_ids=[slot.pk], child_ids=[child.pk])
    assert booking.pk
    entry = AuditEntry.objects.get(action="participation.add")
    assert entry.actor == city_suwon and entry.after["region"] == "4111"


def test_end_dating_a_municipality_refuses_bookings_after_the_end(city_suwon, citizen, family, slot, night_service):
    _, child = family
    row = services.service_participation_add(actor=city_suwon, service_id=night_service.pk, region_query="수원시")
    from django.utils import timezone

    services.service_participation_set_dates(
        actor=city_suwon, participation_id=row.pk, starts_on=None, ends_on=timezone.localdate()
    )
    with pytest.raises(NotEligible) as refused:
        booking_services.booking_create(actor=citizen, slot_ids=[slot.pk], child_ids=[child.pk])
    assert refused.value.code == "not_resident"
    assert AuditEntry.objects.filter(action="participation.dates", object_id=str(row.pk)).exists()


def test_official_of_another_region_is_refused(city_gangnam, city_suwon, night_service):
    with pytest.raises(PermissionDenied):
        services.service_participation_add(actor=city_gangnam, service_id=night_service.pk, region_query="4111000000")
    row = services.service_participation_add(actor=city_suwon, service_id=night_service.pk, region_query="4111000000")
    with pytest.raises(PermissionDenied):
        services.service_participation_remove(actor=city_gangnam, participation_id=row.pk)
    assert ServiceParticipation.objects.filter(pk=row.pk).exists()


def test_city_official_cannot_touch_a_province_wide_row(city_suwon, province_gyeonggi, night_service):
    row = services.service_participation_add(
        actor=province_gyeonggi, service_id=night_service.pk, region_query="경기도"
    )
    assert row.region_prefix == "41"
    with pytest.raises(PermissionDenied):
        services.service_participation_set_dates(
            actor=city_suwon, participation_id=row.pk, starts_on=None, ends_on=None
        )


def test_citizen_and_provider_are_refused(citizen, provider_x, night_service, regions):
    for user in (citizen, provider_x):
        with pytest.raises(PermissionDenied):
            services.service_participation_add(actor=user, service_id=night_service.pk, region_query="4111000000")


def _applies(key: str) -> bool:
    answer = benefit_check(data={"region_code": "4111100000"})
    return any(r["key"] == key for r in answer["results"])


def test_programme_region_add_and_remove_changes_the_benefit_check(catalogue, province_gyeonggi, regions):
    programme = Programme.objects.get(key="gyeonggi_always_daycare")
    assert not _applies("gyeonggi_always_daycare")
    row = services.programme_region_add(actor=province_gyeonggi, programme_id=programme.pk, region_query="4111000000")
    assert _applies("gyeonggi_always_daycare")
    services.programme_region_remove(actor=province_gyeonggi, region_row_id=row.pk)
    assert not _applies("gyeonggi_always_daycare")
    assert not ProgrammeRegion.objects.filter(pk=row.pk).exists()
    assert list(AuditEntry.objects.filter(object_type="benefits.programmeregion").values_list("action", flat=True)) == [
        "programme_region.remove",
        "programme_region.add",
    ]


def test_programme_region_refused_out_of_scope(catalogue, city_gangnam, regions):
    programme = Programme.objects.get(key="gyeonggi_always_daycare")
    with pytest.raises(PermissionDenied):
        services.programme_region_add(actor=city_gangnam, programme_id=programme.pk, region_query="4111000000")
    existing = ProgrammeRegion.objects.filter(programme=programme).first()
    with pytest.raises(PermissionDenied):
        services.programme_region_set_dates(actor=city_gangnam, region_row_id=existing.pk, starts_on=None, ends_on=None)


# ---------------------------------------------------------------- pages


def test_pages_refuse_citizen_provider_and_anonymous(client, citizen, provider_x, coordinator_suwon):
    for user in (citizen, provider_x, coordinator_suwon):
        client.force_login(user)
        for url in ("/console/", "/console/participation/", "/console/audit/", "/console/parameters/"):
            assert client.get(url).status_code == 403, (user.role, url)
    client.logout()
    assert client.get("/console/participation/").status_code == 302


def test_page_add_then_confirm_remove(client, city_suwon, night_service):
    client.force_login(city_suwon)
    page = client.get("/console/participation/")
    assert page.status_code == 200
    assert "시험 야간돌봄" in page.content.decode()
    r = client.post("/console/participation/service/add/", {"target": night_service.pk, "region": "경기도 수원시"})
    assert r.status_code == 302
    row = ServiceParticipation.objects.get(service=night_service)
    confirm = client.get(f"/console/participation/service/{row.pk}/remove/")
    assert confirm.status_code == 200 and "삭제할까요" in confirm.content.decode()
    assert ServiceParticipation.objects.filter(pk=row.pk).exists()  # GET removes nothing
    assert client.post(f"/console/participation/service/{row.pk}/remove/").status_code == 302
    assert not ServiceParticipation.objects.filter(pk=row.pk).exists()


def test_page_refuses_other_region_official(client, city_gangnam, city_suwon, night_service):
    row = services.service_participation_add(actor=city_suwon, service_id=night_service.pk, region_query="4111000000")
    client.force_login(city_gangnam)
    assert client.get(f"/console/participation/service/{row.pk}/remove/").status_code == 403
    assert client.post(f"/console/participation/service/{row.pk}/remove/").status_code == 403
    r = client.post("/console/participation/service/add/", {"target": night_service.pk, "region": "4111000000"})
    assert r.status_code == 403
    assert ServiceParticipation.objects.filter(service=night_service).count() == 1


def test_page_bad_input_is_not_a_500(client, city_suwon, night_service):
    client.force_login(city_suwon)
    for data in (
        {"target": "x", "region": "수원시"},
        {"target": night_service.pk, "region": ""},
        {"target": night_service.pk, "region": "없는동네시"},
        {"target": night_service.pk, "region": "수원시", "starts_on": "2027-13-01"},
        {"target": night_service.pk, "region": "수원시", "starts_on": "2027-02-01", "ends_on": "2027-01-01"},
    ):
        r = client.post("/console/participation/service/add/", data)
        assert r.status_code in (302, 404, 422), data
    assert not ServiceParticipation.objects.filter(service=night_service).exists()


def test_adding_the_same_municipality_twice_is_a_conflict(city_suwon, night_service):
    from dolbom.core.errors import Conflict

    services.service_participation_add(actor=city_suwon, service_id=night_service.pk, region_query="수원시")
    with pytest.raises(Conflict):
        services.service_participation_add(actor=city_suwon, service_id=night_service.pk, region_query="4111000000")
    assert ServiceParticipation.objects.filter(service=night_service).count() == 1
