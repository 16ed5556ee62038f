from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dolbom.counselling.sla import (
    SEOUL,
    WORKING_DAY_MINUTES,
    add_working_minutes,
    is_working_day,
    next_working_start,
    working_minutes_between,
)

from .conftest import kst


def test_one_working_day_over_a_weekend():
    # Friday 17:00 + one working day: 1 h on Friday, 8 h on Monday.
    assert add_working_minutes(kst(2026, 11, 20, 17), WORKING_DAY_MINUTES) == kst(2026, 11, 23, 17)


def test_asked_on_saturday_runs_from_monday_morning():
    assert add_working_minutes(kst(2026, 11, 21, 11), WORKING_DAY_MINUTES) == kst(2026, 11, 23, 18)


def test_before_opening_starts_at_nine():
    assert add_working_minutes(kst(2026, 11, 24, 7, 30), 60) == kst(2026, 11, 24, 10)


def test_after_closing_starts_next_working_morning():
    assert add_working_minutes(kst(2026, 11, 24, 19), 30) == kst(2026, 11, 25, 9, 30)


def test_chuseok_holidays_and_sunday_are_skipped():
    # 2026-09-24..26 추석 (Thu–Sat), 27 Sunday: Wednesday 15:00 + 9 h → Monday 28 15:00.
    assert add_working_minutes(kst(2026, 9, 23, 15), WORKING_DAY_MINUTES) == kst(2026, 9, 28, 15)


def test_national_foundation_day_substitute_holiday():
    # 10-03 개천절 is a Saturday; Monday 10-05 is its 대체공휴일.
    assert not is_working_day(kst(2026, 10, 5).date())
    assert add_working_minutes(kst(2026, 10, 2, 16), WORKING_DAY_MINUTES) == kst(2026, 10, 6, 16)


def test_hangul_day_friday_then_weekend():
    # 10-09 한글날 (Friday): Thursday 10:00 + 9 h → 8 h Thursday, then Monday 10-12 10:00.
    assert add_working_minutes(kst(2026, 10, 8, 10), WORKING_DAY_MINUTES) == kst(2026, 10, 12, 10)


def test_exactly_at_closing_time_is_due_that_day():
    assert add_working_minutes(kst(2026, 11, 23, 17), 60) == kst(2026, 11, 23, 18)


def test_working_minutes_between_counts_only_working_time():
    assert working_minutes_between(kst(2026, 11, 20, 17), kst(2026, 11, 23, 10)) == 120
    assert working_minutes_between(kst(2026, 9, 23, 17), kst(2026, 9, 28, 9)) == 60
    assert working_minutes_between(kst(2026, 11, 23, 12), kst(2026, 11, 23, 11)) == 0


def test_naive_or_negative_is_refused():
    with pytest.raises(ValueError):
        add_working_minutes(datetime(2026, 11, 23, 10), 10)
    with pytest.raises(ValueError):
        add_working_minutes(kst(2026, 11, 23, 10), -1)


def test_utc_input_is_read_in_seoul_time():
    utc = kst(2026, 11, 23, 17).astimezone(SEOUL.__class__("UTC"))
    assert add_working_minutes(utc, 60) == kst(2026, 11, 23, 18)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1)),
    minutes=st.integers(min_value=0, max_value=5 * WORKING_DAY_MINUTES),
)
def test_due_time_is_inside_working_time_and_consumes_exactly_the_budget(start, minutes):
    start = start.replace(tzinfo=SEOUL)
    due = add_working_minutes(start, minutes)
    assert due >= start
    assert is_working_day(due.date())
    assert kst(due.year, due.month, due.day, 9) <= due <= kst(due.year, due.month, due.day, 18)
    assert working_minutes_between(next_working_start(start), due) == minutes
    # One minute less of budget is never later.
    if minutes:
        assert add_working_minutes(start, minutes - 1) <= due
    assert due - start <= timedelta(days=30)
