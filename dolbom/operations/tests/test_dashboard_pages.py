import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from dolbom.booking.demo import services_seed
from dolbom.core.models import AuditEntry
from dolbom.operations import demo, statistics
from dolbom.regions.models import Region
from tests.factories import UserFactory

START, END = date(2025, 3, 1), date(2025, 3, 14)
Q = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def activity(real_regions, db):
    services_seed()
    demo.generate(start=START, end=END, scale=0.4)


@pytest.fixture
def province(activity):
    return UserFactory(username="p", role="province_official", scope_region=Region.objects.get(code="4100000000"))


@pytest.fixture
def seoul_city(activity):
    return UserFactory(username="s", role="city_official", scope_region=Region.objects.get(code="1168000000"))


def test_dashboard_page_and_exports_carry_the_same_figures(client, province):
    client.force_login(province)
    page = client.get("/console/dashboards/", Q)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "언제나 어린이집" in body
    table = statistics.service_municipality_table(
        scope=statistics.Scope.of(user=province, period=statistics.Period(start=START, end=END))
    )
    exported = client.get("/console/dashboards/export.csv", {**Q, "table": "service_municipality"})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["서비스", "시·군·구"]
    assert len(rows) - 1 == len(table)
    assert sum(int(r[9]) for r in rows[1:]) == sum(r["uses"] for r in table)

    xlsx = client.get("/console/dashboards/export.xlsx", Q)
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    ws = wb["서비스 x 시·군·구"]
    values = list(ws.iter_rows(min_row=2, values_only=True))
    assert sum(v[9] for v in values) == sum(r["uses"] for r in table)
    assert wb["정보"]["B1"].value == f"{START.isoformat()} ~ {END.isoformat()}"
    assert AuditEntry.objects.filter(action="statistics.export", actor=province).count() == 2


def test_an_official_of_another_region_sees_none_of_it(client, seoul_city):
    client.force_login(seoul_city)
    exported = client.get("/console/dashboards/export.csv", {**Q, "table": "service_municipality"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only: no 경기 activity in 강남's scope


def test_dashboard_pages_refuse_non_officials(client, activity, citizen, provider_x, coordinator_suwon):
    for user in (citizen, provider_x, coordinator_suwon):
        client.force_login(user)
        for url in (
            "/console/dashboards/",
            "/console/dashboards/export.xlsx",
            "/console/supply/",
            "/console/monitoring/",
        ):
            assert client.get(url).status_code == 403, (user.role, url)


def test_bad_period_and_unknown_table_are_not_500(client, province):
    client.force_login(province)
    assert client.get("/console/dashboards/", {"start": "2025-13-01"}).status_code == 200
    assert client.get("/console/dashboards/", {"start": "2025-05-01", "end": "2025-01-01"}).status_code == 200
    assert client.get("/console/dashboards/export.csv", {**Q, "table": "nope"}).status_code == 404
    assert client.get("/console/dashboards/export.pdf", Q).status_code == 404
    assert client.get("/console/dashboards/export.csv", {"start": "x"}).status_code == 422


def test_supply_and_monitoring_pages(client, province):
    client.force_login(province)
    supply = client.get("/console/supply/")
    assert supply.status_code == 200 and "경기도 수원시" in supply.content.decode()
    rows = statistics.supply_demand(user=province)
    suwon = next(r for r in rows if r["municipality_code"] == "41110")
    assert suwon["children_0_5"] > 10000  # the real 0–5 population of 수원
    assert all(r["municipality_code"].startswith("41") for r in rows)
    assert client.get("/console/supply/", {"format": "csv"}).status_code == 200
    assert client.get("/console/monitoring/").status_code == 200


def test_cached_figures_follow_every_change(province):
    from dolbom.booking.models import Booking
    from dolbom.booking.services import booking_attendance
    from dolbom.operations.summaries import summaries_refresh

    scope = statistics.Scope.of(user=province, period=statistics.Period(start=START, end=END))
    # a booking still to be marked (the generator only leaves finished ones in the past)
    booking = Booking.objects.filter(status="attended", starts_at__date__gte=START + timedelta(days=1)).first()
    Booking.objects.filter(pk=booking.pk).update(status="confirmed")
    summaries_refresh(thorough=True)
    Booking.objects.filter(pk=booking.pk).update(updated_at=booking.updated_at)  # not seen twice
    first = statistics.dashboard_tables_cached(scope=scope)
    assert statistics.dashboard_tables_cached(scope=scope)["summary"].rows == first["summary"].rows
    assert first["summary"].rows == statistics.dashboard_tables(scope=scope, live=True)["summary"].rows

    # staff record a no-show through the booking service: the next view shows it
    staff = UserFactory(username="staff", role="provider", facility=booking.facility_service.facility)
    booking_attendance(actor=staff, booking_id=booking.pk, attended=False)
    again = statistics.dashboard_tables_cached(scope=scope)
    live = statistics.dashboard_tables(scope=scope, live=True)
    assert again["summary"].rows == live["summary"].rows != first["summary"].rows

    # a change made past the services (no audit entry) is caught by the periodic refresh
    other = Booking.objects.filter(status="attended", starts_at__date__gte=START + timedelta(days=1)).first()
    other.status = "no_show"
    other.save()
    summaries_refresh(thorough=True)
    assert (
        statistics.dashboard_tables_cached(scope=scope)["summary"].rows
        == statistics.dashboard_tables(scope=scope, live=True)["summary"].rows
    )


def test_monitoring_lists_overdue_followups_in_scope_only(client, province, seoul_city):
    from django.utils import timezone

    from dolbom.matching.models import Caregiver, FollowUpTask, VisitRequest

    visit = VisitRequest.objects.filter(region__code__startswith="41").first()
    caregiver = Caregiver.objects.filter(home_region=visit.region).first()
    FollowUpTask.objects.create(
        request=visit,
        caregiver=caregiver,
        region=visit.region,
        reason="low_rating",
        due_date=timezone.localdate() - timedelta(days=2),
    )
    rows = statistics.monitoring(user=province)["unanswered"]
    assert [r["kind"] for r in rows] == ["방문돌봄 사후관리 (낮은 평가)"]
    assert statistics.monitoring(user=seoul_city)["unanswered"] == []
    client.force_login(province)
    assert "사후관리" in client.get("/console/monitoring/").content.decode()


def test_supply_by_dong_counts_every_facility_once_and_respects_scope(client, province, seoul_city):
    from dolbom.directory.models import Facility

    rows = statistics.supply_demand_dong(user=province, sgg_code="41110")
    assert rows and all(r["children_0_5"] >= 0 for r in rows)
    in_suwon = Facility.objects.filter(
        region__code__startswith="4111", status__in=Facility.LISTED_STATUSES, lat__isnull=False
    ).count()
    assert sum(r["facilities"] for r in rows) == in_suwon
    assert statistics.supply_demand_dong(user=seoul_city, sgg_code="41110") == []
    client.force_login(province)
    page = client.get("/console/supply/", {"sgg": "41110"})
    assert "읍·면·동별" in page.content.decode()
    # the map beside the table: one point per 행정동 with a centre, the same figures as the table
    points = page.context["map_points"]
    assert points and len(points) == sum(1 for r in rows if r["lat"] is not None)
    by_code = {r["code"]: r for r in rows}
    for p in points:
        assert p["children"] == by_code[p["code"]]["children_0_5"] and p["places"] == by_code[p["code"]]["places"]
    body = page.content.decode()
    assert 'id="supply-map-data"' in body and "leaflet/leaflet.js" in body and "js/supply_map.js" in body


def test_supply_map_of_municipalities(client, province):
    client.force_login(province)
    page = client.get("/console/supply/")
    points = page.context["map_points"]
    assert len(points) >= 31 and all(p["code"].startswith("41") for p in points)
    assert page.context["map_sido"] == "41"
    assert "https://" not in page.content.decode().split("supply-map-data")[0].split("<main")[-1]  # no CDN


def test_bar_labels_fit_their_bar():
    """Long service names side by side would run into each other: each label takes at most two lines that fit
    its bar, shortened with an ellipsis when they cannot; short labels stay whole."""
    from web.console.charts import _text_width, bars, label_lines

    assert label_lines("07", 50) == ["07"]
    assert label_lines("초등 시설형 긴급돌봄", 121) == ["초등 시설형 긴급돌봄"]
    assert label_lines("Emergency home visit", 100) == ["Emergency home", "visit"]
    long = label_lines("Child care service, hourly (아이돌봄 시간제)", 121)
    assert len(long) == 2 and long[1].endswith("…")
    assert all(_text_width(line) <= 121 for line in long)
    chart = bars([{"s": "아주 긴 서비스 이름이 여러 단어로 이어지는 경우", "n": 3}] * 5, label="s", value="n")
    for bar in chart["bars"]:
        assert 1 <= len(bar["lines"]) <= 2 and bar["label"].startswith("아주 긴")
        assert all(_text_width(line) <= 640 / 5 * 0.95 for line in bar["lines"])
