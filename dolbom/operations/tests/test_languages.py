"""The officials' console speaks English when asked: flash messages, refusals and CSV headers."""

import csv
import io

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_bad_period_flash_in_english(english, province_gyeonggi):
    english.force_login(province_gyeonggi)
    page = english.get("/console/dashboards/", {"start": "2025-05-01", "end": "2025-01-01"}).content.decode()
    assert "Please check the period (start date ≤ end date, at most 3 years)." in page
    assert "기간을 확인해 주세요" not in page


def test_bad_period_flash_in_korean_by_default(client, province_gyeonggi):
    client.force_login(province_gyeonggi)
    page = client.get("/console/dashboards/", {"start": "2025-05-01", "end": "2025-01-01"}).content.decode()
    assert "기간을 확인해 주세요 (시작일 ≤ 종료일, 최대 3년)." in page


def test_refusals_and_console_home_in_english(english, province_gyeonggi, citizen):
    english.force_login(citizen)
    refused = english.get("/console/")
    assert refused.status_code == 403
    assert "This page is only for city, county, district and province officials." in refused.content.decode()
    english.force_login(province_gyeonggi)
    home = english.get("/console/").content.decode()
    assert "Supply against demand" in home and "Children aged 0–5 and care places by neighbourhood" in home
    unknown = english.get("/console/dashboards/export.csv", {"table": "nope"})
    assert unknown.status_code == 404 and "Unknown table." in unknown.content.decode()


def test_supply_csv_headers_in_english(english, province_gyeonggi):
    english.force_login(province_gyeonggi)
    response = english.get("/console/supply/", {"format": "csv"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:3] == ["City/county/district", "Code", "Children aged 0–5"]
    assert header[-1] == "Children per place"


def test_dashboard_tables_in_the_viewers_language(client, province_gyeonggi):
    """Titles, headers and labels follow the language; the cached tables of one language never reach another."""
    client.force_login(province_gyeonggi)
    korean = client.get("/console/dashboards/").content.decode()
    assert "서비스별" in korean and "시간대별 이용률" in korean
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/console/dashboards/").content.decode()
    assert "By service" in english and "Fill rate by weekday and hour" in english and "Unmet requests" in english
    assert "서비스별" not in english and "충족되지 못한 요청" not in english
    waiting = client.get("/console/dashboards/export.csv", {"table": "waiting"})
    rows = list(csv.reader(io.StringIO(waiting.content.decode("utf-8-sig"))))
    assert rows[0] == ["Kind", "Count", "Average (hours)"]
    assert [r[0] for r in rows[1:]] == [
        "Facility booking (request → approval)",
        "Home visit (request → caregiver assigned)",
    ]
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert "서비스별" in client.get("/console/dashboards/").content.decode()


def test_weekday_names_follow_the_language():
    from django.utils import translation

    from dolbom.core.weekdays import weekday_short as weekday_name

    assert [weekday_name(d) for d in (1, 7)] == ["월", "일"]
    with translation.override("en"):
        assert [weekday_name(d) for d in (1, 7)] == ["Mon", "Sun"]
