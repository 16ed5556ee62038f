"""HSDS 3.0 endpoints validate against the (vendored) HSDS 3.0 JSON Schemas."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource

from dolbom.directory.hsds import facility_pk_from, hsds_id
from dolbom.directory.importers.run import facility_import
from dolbom.directory.models import Facility

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "fixtures" / "hsds"


def validator(name: str) -> Draft7Validator:
    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources((n, Resource.from_contents(d)) for n, d in docs.items())
    return Draft7Validator(docs[name], registry=registry, format_checker=FormatChecker())


@pytest.fixture
def imported(real_regions, data_dir):
    for name in ("seoul_kium_centers_2022.csv", "childcare_portal_export_sample_40rows.utf8.csv"):
        facility_import(path=data_dir / name)


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("services", "service.json"),
        ("organizations", "organization.json"),
        ("locations", "location.json"),
        ("service_at_locations", "service_at_location.json"),
    ],
)
def test_pages_and_items_validate(api_client, imported, path, schema):
    page_validator, item_validator = validator("page.json"), validator(schema)
    seen = 0
    page = 1
    while True:
        res = api_client.get(f"/api/hsds/{path}", {"page": page, "per_page": 100})
        assert res.status_code == 200
        body = res.json()
        page_validator.validate(body)
        for item in body["contents"]:
            errors = sorted(item_validator.iter_errors(item), key=str)
            assert not errors, (item["id"], [e.message for e in errors])
        seen += body["size"]
        if body["last_page"]:
            break
        page += 1
    assert seen == body["total_items"] == Facility.objects.count() == 270
    one = api_client.get(f"/api/hsds/{path}/{body['contents'][0]['id']}")
    assert one.status_code == 200
    item_validator.validate(one.json())


def test_service_extensions_status_and_schedules(api_client, imported):
    kium = Facility.objects.get(source_key="GR221001")
    service = api_client.get(f"/api/hsds/services/{hsds_id('service', kium.pk)}").json()
    assert service["status"] == "active"
    assert service["x_min_age_months"] == 72 and service["x_capacity"] == 30
    assert service["minimum_age"] == 6.0
    weekday = next(s for s in service["schedules"] if s["byday"] == "MO,TU,WE,TH,FR" and "notes" not in s)
    assert weekday["opens_at"] == "09:00+09:00" and weekday["closes_at"] == "20:00+09:00"
    closed = Facility.objects.filter(status="closed").first()
    assert api_client.get(f"/api/hsds/services/{hsds_id('service', closed.pk)}").json()["status"] == "defunct"
    suspended = Facility.objects.filter(status="suspended").first()
    body = api_client.get(f"/api/hsds/services/{hsds_id('service', suspended.pk)}").json()
    assert body["status"] == "temporarily closed"


def test_modified_after(api_client, imported):
    from django.utils import timezone

    cutoff = timezone.now()
    Facility.objects.filter(source_key="GR221001").update(updated_at=timezone.now())
    res = api_client.get("/api/hsds/services", {"modified_after": cutoff.isoformat()})
    assert res.json()["total_items"] == 1


def test_ids_round_trip_and_errors(api_client, imported):
    assert facility_pk_from("location", hsds_id("location", 12345)) == 12345
    assert api_client.get("/api/hsds/services/not-a-uuid").status_code == 404
    other_kind = hsds_id("location", Facility.objects.first().pk)
    assert api_client.get(f"/api/hsds/services/{other_kind}").status_code == 404
    assert api_client.get("/api/hsds/services", {"per_page": 100000}).status_code == 422
    assert api_client.get("/api/hsds/services", {"modified_after": "yesterday"}).status_code == 422


def test_openapi_documents_hsds(api_client):
    doc = api_client.get("/api/hsds/openapi.json").json()
    for path in (
        "/api/hsds/services",
        "/api/hsds/organizations",
        "/api/hsds/locations",
        "/api/hsds/service_at_locations",
    ):
        assert path in doc["paths"]
    service = doc["components"]["schemas"]["Service"]["properties"]
    assert {"x_min_age_months", "x_capacity", "x_enrolment", "x_vacancy"} <= set(service)
    assert "/api/v1/facilities" in api_client.get("/api/v1/openapi.json").json()["paths"]


def test_the_vendored_schemas_reject_what_hsds_rejects():
    v = validator("service.json")
    good = {"id": hsds_id("service", 1), "name": "a", "status": "active"}
    assert v.is_valid(good)
    assert not v.is_valid({**good, "id": "not-a-uuid"})
    assert not v.is_valid({**good, "status": "open"})
    assert not v.is_valid({"id": good["id"], "name": "a"})
    assert not v.is_valid({**good, "schedules": [{"id": hsds_id("schedule", 1), "freq": "DAILY"}]})
    assert not v.is_valid({**good, "minimum_age": None})
    assert not validator("location.json").is_valid({"id": hsds_id("location", 1), "location_type": "home"})
