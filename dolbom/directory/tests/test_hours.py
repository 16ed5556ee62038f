import datetime as dt

import pytest

from dolbom.directory import hours as H
from dolbom.directory.importers.formats import assumed_childcare_hours

KIUM = [
    H.rule(H.REGULAR, H.WEEKDAYS, "13:00", "20:00"),
    H.rule(H.VACATION, H.WEEKDAYS, "09:00", "18:00"),
    H.rule(H.REGULAR, [H.SATURDAY], "09:00", "13:00"),
]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_term_time_vacation_and_saturday():
    assert H.is_open(KIUM, at("2026-11-23 14:00"))  # Monday, term time
    assert not H.is_open(KIUM, at("2026-11-23 10:00"))
    assert H.is_open(KIUM, at("2026-08-03 10:00"))  # summer vacation: vacation hours
    assert not H.is_open(KIUM, at("2026-08-03 19:00"))
    assert H.is_open(KIUM, at("2026-11-28 10:00"))  # Saturday
    assert not H.is_open(KIUM, at("2026-11-29 10:00"))  # Sunday


def test_public_holidays_close_unless_holiday_rules():
    chuseok = at("2026-09-25 10:00")  # 추석 (Friday)
    assert H.holiday_name(chuseok.date())
    assert not H.is_open(KIUM, chuseok)
    holiday_care = assumed_childcare_hours(["holiday"])
    assert H.is_open(holiday_care, chuseok)
    assert H.is_open(holiday_care, at("2026-11-29 10:00"))  # Sunday with 휴일보육


def test_assumed_childcare_hours():
    plain = assumed_childcare_hours([])
    assert H.is_open(plain, at("2026-11-23 07:30")) and not H.is_open(plain, at("2026-11-23 19:30"))
    assert not H.is_open(plain, at("2026-11-28 10:00"))  # Saturday not promised without evidence
    night = assumed_childcare_hours(["night"])
    assert H.is_open(night, at("2026-11-23 23:00"))
    allday = assumed_childcare_hours(["24h"])
    assert H.is_open(allday, at("2026-11-24 03:00")) and H.is_open(allday, at("2026-11-28 03:00"))
    assert not H.is_open(allday, at("2026-11-29 03:00"))


@pytest.mark.parametrize(("raw", "parsed"), [("0900", "09:00"), ("900", "09:00"), ("2400", "24:00"), ("", None)])
def test_parse_hhmm(raw, parsed):
    assert H.parse_hhmm(raw) == parsed


@pytest.mark.parametrize("raw", ["2500", "12:75", "abcd", "1"])
def test_parse_hhmm_rejects(raw):
    with pytest.raises(ValueError):
        H.parse_hhmm(raw)


def test_validate_rules():
    assert H.validate([{"kind": "regular", "weekdays": [4, 0], "opens": "09:00", "closes": "18:00"}])[0][
        "weekdays"
    ] == [
        0,
        4,
    ]
    for bad in (
        [{"kind": "sometimes", "weekdays": [0], "opens": "09:00", "closes": "18:00"}],
        [{"kind": "regular", "weekdays": [7], "opens": "09:00", "closes": "18:00"}],
        [{"kind": "regular", "weekdays": [0], "opens": "18:00", "closes": "09:00"}],
        "09-18",
    ):
        with pytest.raises(ValueError):
            H.validate(bad)


@pytest.mark.django_db
def test_sql_open_at_filter_agrees_with_python(real_regions, data_dir):
    """The OpeningInterval rows answer "open at" exactly as hours.is_open does, holidays and vacations too."""
    from django.utils import timezone

    from dolbom.directory.importers.run import facility_import
    from dolbom.directory.models import Facility
    from dolbom.directory.selectors import open_at_q

    for name in (
        "seoul_kium_centers_2022.csv",
        "seoul_local_child_centers_2022.csv",
        "seoul_shared_childcare_rooms_2022.csv",
    ):
        facility_import(path=data_dir / name)
    f = Facility.objects.first()
    f.hours = assumed_childcare_hours(["holiday", "night"])
    f.save()
    from dolbom.directory.services import facility_hours_sync

    facility_hours_sync(facility_ids=[f.pk])
    moments = [
        "2026-11-23 09:59", "2026-11-23 10:00", "2026-11-23 19:59", "2026-11-23 21:30", "2026-11-28 10:00",
        "2026-11-29 11:00", "2026-08-05 09:00", "2026-08-05 19:30", "2027-01-12 08:30", "2026-09-25 10:00",
        "2026-12-25 12:00", "2026-10-03 10:00",
    ]  # fmt: skip
    checked = 0
    for text in moments:
        at = timezone.make_aware(dt.datetime.fromisoformat(text))
        in_sql = set(Facility.objects.filter(open_at_q(at)).values_list("pk", flat=True))
        in_python = {x.pk for x in Facility.objects.all() if H.is_open(x.hours, timezone.localtime(at))}
        assert in_sql == in_python, text
        checked += len(in_python)
    assert checked > 500


@pytest.mark.parametrize("raw", ["１２００", "٣٤٥٦", "²³⁰⁰"])
def test_parse_hhmm_rejects_non_ascii_digits(raw):
    with pytest.raises(ValueError):
        H.parse_hhmm(raw)
