from datetime import date

from dolbom.core.audit import audit_log
from dolbom.households.models import Child, Household
from dolbom.operations.selectors import audit_entries


def _child_read(provider, citizen, regions):
    household = Household.objects.create(guardian=citizen, home_region=regions["jangan"])
    child = Child.objects.create(household=household, name="하늘", birth_date=date(2023, 3, 1))
    return audit_log(actor=provider, action="child.read", obj=child, acting_for=citizen), child


def test_city_official_sees_reads_by_staff_of_facilities_in_scope(
    city_suwon, city_gangnam, provider_x, citizen, regions, admin_user
):
    entry, child = _child_read(provider_x, citizen, regions)
    audit_log(actor=citizen, action="child.update", obj=child)  # a family's own action: not an official's business
    assert list(audit_entries(user=city_suwon, action="child.read")) == [entry]
    assert list(audit_entries(user=city_suwon, object_type="households.child", object_id=str(child.pk))) == [entry]
    assert list(audit_entries(user=city_gangnam)) == []
    assert audit_entries(user=admin_user).count() == 2
    assert list(audit_entries(user=city_suwon, actor="provider-x", since=date(2000, 1, 1))) == [entry]
    assert list(audit_entries(user=city_suwon, until=date(2000, 1, 1))) == []


def test_audit_page_lists_child_reads_and_filters(client, city_suwon, city_gangnam, provider_x, citizen, regions):
    _entry, child = _child_read(provider_x, citizen, regions)
    client.force_login(city_suwon)
    page = client.get("/console/audit/", {"action": "child.read", "object_id": child.pk})
    assert page.status_code == 200
    body = page.content.decode()
    assert "provider-x" in body and "child.read" in body
    assert client.get("/console/audit/", {"since": "nonsense", "page": "x"}).status_code == 200
    client.force_login(city_gangnam)
    assert "provider-x (provider)" not in client.get("/console/audit/").content.decode()


def test_audit_page_refuses_staff_who_are_not_officials(client, provider_x, coordinator_suwon, citizen):
    for user in (provider_x, coordinator_suwon, citizen):
        client.force_login(user)
        assert client.get("/console/audit/").status_code == 403
