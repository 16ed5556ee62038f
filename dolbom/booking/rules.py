"""Pure calculations on a service's rules: hours per day, night/holiday hours, cut-offs, fees, day runs.

Times are local (Asia/Seoul); callers convert aware datetimes with ``timezone.localtime``.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import holidays

from .models import WEEKDAY_KEYS


@lru_cache(maxsize=32)
def _kr_holidays(year: int) -> Any:
    return holidays.KR(years=year)


def is_public_holiday(day: date) -> bool:
    return day in _kr_holidays(day.year)


def is_rest_day(day: date) -> bool:
    """Weekends and public holidays (공휴일), which take holiday rates and the "holiday" hours."""
    return day.weekday() >= 5 or is_public_holiday(day)


def _parse(value: str) -> time | None:
    if value == "24:00":
        return None
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def hours_for_day(rules: dict[str, Any], day: date) -> list[tuple[int, int]]:
    """Whole hours [start, end) the rules open on a day: public holidays use "holiday" when it is given."""
    key = "holiday" if is_public_holiday(day) and "holiday" in rules else WEEKDAY_KEYS[day.weekday()]
    return ranges_to_hours(rules.get(key) or [])


def ranges_to_hours(ranges: list[list[str]]) -> list[tuple[int, int]]:
    result = []
    for start, end in ranges:
        start_t, end_t = _parse(start), _parse(end)
        start_h = start_t.hour if start_t else 24
        end_h = end_t.hour if end_t else 24
        if end_h > start_h:
            result.append((start_h, end_h))
    return result


def is_night(moment: datetime, *, night_starts: time, night_ends: time) -> bool:
    t = moment.time()
    return t >= night_starts or t < night_ends


def night_of(moment: datetime, *, night_ends: time) -> date:
    """The evening a night hour belongs to: 01:00 on the 24th is the night of the 23rd."""
    return moment.date() - timedelta(days=1) if moment.time() < night_ends else moment.date()


def hour_fee(
    moment: datetime, *, hourly_fee: int, night_pct: int, holiday_pct: int, night_starts: time, night_ends: time
) -> int:
    """Fee for one child for one hour. Surcharges do not stack: the higher of night and holiday applies."""
    pct = 0
    if night_pct and is_night(moment, night_starts=night_starts, night_ends=night_ends):
        pct = max(pct, night_pct)
    if holiday_pct and is_rest_day(moment.date()):
        pct = max(pct, holiday_pct)
    return hourly_fee * (100 + pct) // 100


def longest_run_through(days: set[date], new_days: set[date]) -> int:
    """Length of the longest run of consecutive days in `days` that contains one of `new_days`."""
    longest = 0
    for day in new_days:
        start = day
        while start - timedelta(days=1) in days:
            start -= timedelta(days=1)
        end = day
        while end + timedelta(days=1) in days:
            end += timedelta(days=1)
        longest = max(longest, (end - start).days + 1)
    return longest
