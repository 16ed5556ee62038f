"""Service-level timers in working time.

The call centre works weekdays 09:00–18:00 Asia/Seoul and closes on Korean public holidays (the `holidays`
package's KR calendar, which includes 대체공휴일). A timer of N working minutes started at any moment runs
only inside those hours: a question asked on Friday at 17:00 with "one working day" to answer is due on
Monday at 17:00. Pure functions: no database, no clock.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

SEOUL = ZoneInfo("Asia/Seoul")
WORK_START = time(9, 0)
WORK_END = time(18, 0)
WORKING_DAY_MINUTES = 9 * 60


@lru_cache(maxsize=16)
def _kr_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KR", years=[year]).keys())


def is_public_holiday(day: date) -> bool:
    return day in _kr_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=SEOUL)


def next_working_start(moment: datetime) -> datetime:
    """The first working instant at or after `moment` (Asia/Seoul)."""
    local = moment.astimezone(SEOUL)
    day = local.date()
    if is_working_day(day) and local.timetz().replace(tzinfo=None) < WORK_END:
        return max(local, _at(day, WORK_START))
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return _at(day, WORK_START)


def add_working_minutes(start: datetime, minutes: int) -> datetime:
    """The moment `minutes` of working time after `start`. Zero minutes gives the next working instant."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    cursor = next_working_start(start)
    remaining = timedelta(minutes=minutes)
    while True:
        day_end = _at(cursor.date(), WORK_END)
        available = day_end - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = next_working_start(day_end)


def working_minutes_between(start: datetime, end: datetime) -> int:
    """Working minutes from start to end (0 when end is not after start). For reports and remaining-time labels."""
    if end <= start:
        return 0
    total = timedelta()
    cursor = next_working_start(start)
    while cursor < end:
        day_end = _at(cursor.date(), WORK_END)
        total += min(day_end, end) - cursor
        cursor = next_working_start(day_end)
    return int(total.total_seconds() // 60)
