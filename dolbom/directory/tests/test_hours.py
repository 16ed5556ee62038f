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
