"""The public facility API: search by place/age/time/vacancy, detail, GeoJSON, errors, provider edits."""

import pytest

from dolbom.directory.importers.run import facility_import
from dolbom.directory.models import Facility
from dolbom.directory.selectors import haversine_m

pytestmark = pytest.mark.django_db
CITY_HALL = {"lat": 37.5665, "lng": 126.978}


@pytest.fixture
def seoul_lists(real_regions, data_dir):
    for name in ("seoul_kium_centers_2022.csv", "seoul_shared_childcare_rooms_2022.csv"):
        facility_import(path=data_dir / name)


def test_nearest_20_sorted_by_distance(api_client, seoul_lists):
    res = api_client.get("/api/v1/facilities", CITY_HALL)
    assert res.status_code == 200
    body = res.json()
    items = body["items"]
    assert len(items) == 20 and body["count"] >= 20
    distances = [i["distance_m"] for i in items]
    assert distances == sorted(distances)
    first = items[0]
    assert abs(first["distance_m"] - haversine_m(CITY_HALL["lat"], CITY_HALL["lng"], first["lat"], first["lng"])) < 1
    # Nothing nearer was left out: the 20th is no farther than any facility not returned.
    returned = {i["id"] for i in items}
    others = Facility.objects.exclude(pk__in=returned).exclude(lat__isnull=True)
    nearest_other = min(haversine_m(CITY_HALL["lat"], CITY_HALL["lng"], f.lat, f.lng) for f in others)
    assert distances[-1] <= nearest_other + 0.5


def test_age_type_open_at_filters(api_client, seoul_lists):
    # A 4-year-old on Saturday 10:00: only 공동육아방 (0–71 months) open on Saturdays.
    res = api_client.get(
        "/api/v1/facilities", {**CITY_HALL, "age_months": 48, "open_at": "2026-11-28T10:00:00+09:00", "limit": 100}
    )
    items = res.json()["items"]
    assert items and all(i["type"]["code"] == "shared-room" and i["open_at"] is True for i in items)
    expected = [
        f
        for f in Facility.objects.filter(type__code="shared-room")
        if any(r["weekdays"] == [5] and r["opens"] <= "10:00" < r["closes"] for r in f.hours)
    ]
    assert res.json()["count"] == len(expected)
    # A school child on a weekday evening: 키움센터 open at 19:30.
    res = api_client.get(
        "/api/v1/facilities",
        {**CITY_HALL, "age_months": 100, "types": "kium,hub-center", "open_at": "2026-11-24T19:30:00+09:00"},
    )
    assert res.json()["items"] and all(i["type"]["code"] in {"kium", "hub-center"} for i in res.json()["items"])
    # 설날 (public holiday): none of these facilities opens.
    res = api_client.get("/api/v1/facilities", {**CITY_HALL, "open_at": "2027-02-07T10:00:00+09:00"})
    assert res.json()["count"] == 0


def test_radius_region_and_place(api_client, seoul_lists):
    res = api_client.get("/api/v1/facilities", {**CITY_HALL, "radius_m": 1500, "limit": 100})
    assert all(i["distance_m"] <= 1500 for i in res.json()["items"])
    res = api_client.get("/api/v1/facilities", {"region": "11680", "limit": 100})
    assert res.json()["items"] and all(i["region"]["code"].startswith("11680") for i in res.json()["items"])
    res = api_client.get("/api/v1/facilities", {"place": "서울특별시 노원구"})
    body = res.json()
    assert body["origin"]["label"] == "서울특별시 노원구"
    assert body["items"][0]["region"]["code"].startswith("11350")


def test_vacancy_filter(api_client, real_regions, data_dir):
    facility_import(path=data_dir / "childcare_portal_export_sample_40rows.utf8.csv")
    res = api_client.get("/api/v1/facilities", {"vacancy": "true", "limit": 100})
    items = res.json()["items"]
    assert items and all(i["enrolment"] < i["capacity"] and i["vacancy"] for i in items)
    full = Facility.objects.filter(status__in=["normal", "resumed"], enrolment__gte=1).exclude(
        pk__in=[i["id"] for i in items]
    )
    assert all(f.enrolment >= f.capacity for f in full)


def test_closed_and_suspended_never_listed(api_client, real_regions, data_dir):
    facility_import(path=data_dir / "childcare_portal_export_sample_40rows.utf8.csv")
    res = api_client.get("/api/v1/facilities", {"limit": 100})
    statuses = {i["status"] for i in res.json()["items"]}
    assert statuses <= {"normal", "resumed"} and res.json()["count"] == 24
    closed = Facility.objects.filter(status="closed").first()
    assert api_client.get(f"/api/v1/facilities/{closed.pk}").status_code == 404
    assert Facility.objects.filter(status__in=["closed", "suspended"]).count() == 16  # kept for history


def test_detail_shows_hours_and_source(api_client, seoul_lists):
    room = Facility.objects.get(source_key="GA220901")
    body = api_client.get(f"/api/v1/facilities/{room.pk}").json()
    assert body["source"]["name"].startswith("서울 열린데이터광장")
    assert body["source"]["licence"].startswith("공공누리")
    assert body["hours_assumed"] is False and body["hours"][0]["opens"] == "10:00"


def test_geojson_bbox(api_client, seoul_lists):
    res = api_client.get("/api/v1/facilities/geojson", {"bbox": "126.9,37.5,127.0,37.6"})
    fc = res.json()
    assert fc["type"] == "FeatureCollection" and fc["features"]
    for feature in fc["features"]:
        lng, lat = feature["geometry"]["coordinates"]
        assert 126.9 <= lng <= 127.0 and 37.5 <= lat <= 37.6


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 1000},
        {"lat": 91, "lng": 127},
        {"lat": "north", "lng": 127},
        {"lat": 37.5},
        {"open_at": "saturday morning"},
        {"age_months": -1},
        {"region": "없는지역"},
        {"place": "아무데도없는곳"},
        {"near_home": "true"},
    ],
)
def test_bad_input_is_422_with_error_shape(api_client, real_regions, params):
    res = api_client.get("/api/v1/facilities", params)
    assert res.status_code == 422
    body = res.json()
    assert set(body) == {"code", "message", "detail"} and body["message"]


def test_geojson_bad_bbox(api_client, real_regions):
    for bbox in ("1,2,3", "127,38,126,37", "a,b,c,d"):
        assert api_client.get("/api/v1/facilities/geojson", {"bbox": bbox}).status_code == 422


def test_near_home_for_signed_in_citizen(api_client, seoul_lists, citizen, auth_header):
    from dolbom.households.models import Household
    from dolbom.regions.models import Region

    Household.objects.update_or_create(
        guardian=citizen, defaults={"home_region": Region.objects.get(code="1135000000")}
    )
    res = api_client.get("/api/v1/facilities", {"near_home": "true"}, **auth_header(citizen))
    assert res.status_code == 200
    assert res.json()["origin"]["label"] == "서울특별시 노원구"


def test_provider_edits_own_facility_only(api_client, seoul_lists, auth_header):
    from tests.factories import UserFactory

    own, other = Facility.objects.filter(source_format="seoul-kium")[:2]
    provider = UserFactory(username="kium-staff", role="provider", facility=own)
    hours = [{"kind": "regular", "weekdays": [0, 1, 2, 3, 4], "opens": "10:00", "closes": "19:00"}]
    res = api_client.patch(
        f"/api/v1/facilities/{own.pk}",
        {"enrolment": 3, "hours": hours},
        content_type="application/json",
        **auth_header(provider),
    )
    assert res.status_code == 200 and res.json()["enrolment"] == 3
    own.refresh_from_db()
    assert own.hours == hours and not own.hours_assumed
    refused = api_client.patch(
        f"/api/v1/facilities/{other.pk}", {"enrolment": 3}, content_type="application/json", **auth_header(provider)
    )
    assert refused.status_code == 403
    other.refresh_from_db()
    assert other.enrolment is None
    bad = api_client.patch(
        f"/api/v1/facilities/{own.pk}",
        {"hours": [{"kind": "regular", "weekdays": [0], "opens": "19:00", "closes": "10:00"}]},
        content_type="application/json",
        **auth_header(provider),
    )
    assert bad.status_code == 422
    assert (
        api_client.patch(f"/api/v1/facilities/{own.pk}", {"enrolment": 1}, content_type="application/json").status_code
        == 401
    )


def test_citizen_cannot_edit(api_client, seoul_lists, citizen, auth_header):
    facility = Facility.objects.first()
    res = api_client.patch(
        f"/api/v1/facilities/{facility.pk}", {"enrolment": 1}, content_type="application/json", **auth_header(citizen)
    )
    assert res.status_code == 403


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("상계동", "서울특별시 노원구 상계동"),
        ("망원1동", "서울특별시 마포구 망원제1동"),
        ("서울특별시 마포구 월드컵북로 416 2층(상암동, LGU+상암사옥)", "서울특별시 마포구 상암동"),
        ("노원구", "서울특별시 노원구"),
    ],
)
def test_place_by_address_or_dong_name(real_regions, text, label):
    from dolbom.directory.selectors import place_from_text

    place = place_from_text(text=text)
    assert place.label == label and 37.4 < place.lat < 37.7


SEARCHES = [
    CITY_HALL,
    {**CITY_HALL, "age_months": 48, "open_at": "2026-11-28T10:00:00+09:00", "limit": 100},
    {**CITY_HALL, "age_months": 100, "types": "kium,hub-center", "open_at": "2026-11-24T19:30:00+09:00"},
    {**CITY_HALL, "radius_m": 3000, "vacancy": "true", "limit": 50, "offset": 3},
    {"lat": 37.65, "lng": 127.05, "open_at": "2026-12-25T10:00:00+09:00"},
    {"region": "11680", "limit": 30},
    {"place": "망원1동", "age_months": 30},
    {"types": "shared-room", "open_at": "2026-11-28T10:00:00+09:00"},
]


@pytest.mark.parametrize("params", SEARCHES)
def test_lean_search_answers_as_the_schema_and_the_model_path(api_client, seoul_lists, params):
    """The search endpoint writes its JSON itself; it must match FacilityPage and what the ORM path gives."""
    from django.test import RequestFactory

    from dolbom.directory.api import facility_item, search_from_query
    from dolbom.directory.schemas import FacilityPage, FacilityQuery

    res = api_client.get("/api/v1/facilities", params)
    assert res.status_code == 200 and res["Content-Type"].startswith("application/json")
    body = res.json()
    FacilityPage.model_validate(body)  # the documented response schema holds
    query = FacilityQuery(**params)
    result, origin = search_from_query(RequestFactory().get("/"), query)
    expected = FacilityPage.model_validate(
        {
            "count": result.total,
            "limit": query.limit,
            "offset": query.offset,
            "origin": origin,
            "items": [facility_item(h.facility, distance_m=h.distance_m, open_at=h.open_at) for h in result.hits],
        }
    ).model_dump(mode="json")
    assert body == expected


def test_a_custom_vacancy_provider_is_honoured(api_client, seoul_lists, monkeypatch):
    """With a booking hook in VACANCY_PROVIDERS the search falls back to the ORM and still uses the hook."""
    from django.db.models import Q

    from dolbom.directory import selectors

    target = Facility.objects.filter(capacity__isnull=True).exclude(lat__isnull=True).first()
    assert target is not None
    monkeypatch.setattr(selectors, "VACANCY_PROVIDERS", [*selectors.VACANCY_PROVIDERS, lambda: Q(pk=target.pk)])
    res = api_client.get(
        "/api/v1/facilities", {"lat": target.lat, "lng": target.lng, "radius_m": 50, "vacancy": "true"}
    )
    assert target.pk in {i["id"] for i in res.json()["items"]}
