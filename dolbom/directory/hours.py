"""Opening hours as weekly rules, and "is it open at this moment?" with Korea's holiday calendar.

A rule is `{"kind": "regular" | "vacation" | "holiday", "weekdays": [0..6], "opens": "HH:MM", "closes": "HH:MM"}`
(Monday is 0; "24:00" closes at midnight). How a day is chosen:

- a public holiday (the `holidays` package, KR) uses the `holiday` rules; without any, the facility is closed;
- a day in the school vacation uses the `vacation` rules if the facility has any, otherwise `regular`;
- any other day uses the `regular` rules for its weekday.

School vacations differ by school; we assume 여름방학 7월 21일–8월 20일 and 겨울방학 12월 26일–2월 말일
(stated to users as an assumption). Pure Python, no Django: used by the search, the pages and the benchmark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, TypedDict

import holidays

REGULAR = "regular"
VACATION = "vacation"
HOLIDAY = "holiday"
KINDS = (REGULAR, VACATION, HOLIDAY)
WEEKDAYS = (0, 1, 2, 3, 4)
SATURDAY = 5
SUNDAY = 6
WEEKDAY_LABELS = ("월", "화", "수", "목", "금", "토", "일")


class Rule(TypedDict):
    kind: str
    weekdays: list[int]
    opens: str
    closes: str


def rule(kind: str, weekdays: Iterable[int], opens: str, closes: str) -> Rule:
    return {"kind": kind, "weekdays": sorted(set(weekdays)), "opens": opens, "closes": closes}


@lru_cache(maxsize=4096)
def minutes(hhmm: str) -> int:
    """'07:30' → 450, '24:00' → 1440. Raises ValueError on anything else."""
    hours, _, mins = hhmm.partition(":")
    h, m = int(hours), int(mins)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(hhmm)
    return h * 60 + m


def parse_hhmm(value: str | None) -> str | None:
    """Source times: '0900', '900', '09:00', '2400'. Returns 'HH:MM' or None (empty); ValueError if garbage."""
    text = (value or "").strip().replace(":", "")
    if not text:
        return None
    # ASCII digits only: "１２００" (full-width) and "٣٤" pass str.isdigit but are not times in a file.
    if not (text.isascii() and text.isdigit()) or len(text) not in (3, 4):
        raise ValueError(value)
    text = text.zfill(4)
    formatted = f"{text[:2]}:{text[2:]}"
    minutes(formatted)
    return formatted


@lru_cache(maxsize=64)
def _kr_holidays(year: int) -> holidays.HolidayBase:
    # Names in Korean whatever the server's locale (without `language` the package follows LANG, and a server
    # on C.UTF-8 would say "Christmas Day").
    return holidays.country_holidays("KR", years=year, language="ko")


def holiday_name(day: dt.date) -> str | None:
    name = _kr_holidays(day.year).get(day)
    return str(name) if name else None


def is_school_vacation(day: dt.date) -> bool:
    md = (day.month, day.day)
    return (7, 21) <= md <= (8, 20) or md >= (12, 26) or day.month in (1, 2)


def day_kind(day: dt.date) -> str:
    if holiday_name(day):
        return HOLIDAY
    if is_school_vacation(day):
        return VACATION
    return REGULAR


def rules_for_day(rules: Sequence[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    kind = day_kind(day)
    weekday = day.weekday()
    if kind == HOLIDAY:
        return [r for r in rules if r["kind"] == HOLIDAY]
    if kind == VACATION and any(r["kind"] == VACATION for r in rules):
        return [r for r in rules if r["kind"] == VACATION and weekday in r["weekdays"]]
    return [r for r in rules if r["kind"] == REGULAR and weekday in r["weekdays"]]


def is_open(rules: Sequence[dict[str, Any]], at: dt.datetime) -> bool:
    """Open at this local moment? `at` must already be in Asia/Seoul (or naive local time)."""
    if not rules:
        return False
    minute = at.hour * 60 + at.minute
    for r in rules_for_day(rules, at.date()):
        if minutes(r["opens"]) <= minute < minutes(r["closes"]):
            return True
    # A rule running to 24:00 the day before does not reach past midnight; overnight care is 24시간 (00:00–24:00).
    return False


HOLIDAY_KEY = 7
VACATION_KEY_BASE = 8


def day_key(day: dt.date) -> int:
    """The key of `opening_intervals` that applies on this date: 0–6 term-time weekday, 7 public holiday,
    8–14 school-vacation weekday."""
    kind = day_kind(day)
    if kind == HOLIDAY:
        return HOLIDAY_KEY
    if kind == VACATION:
        return VACATION_KEY_BASE + day.weekday()
    return day.weekday()


def opening_intervals(rules: Sequence[dict[str, Any]]) -> list[tuple[int, int, int]]:
    """Rules flattened to (day_key, opens_minute, closes_minute) rows for SQL filtering.

    Mirrors `rules_for_day`: vacation keys carry the vacation rules when the facility has any, otherwise
    its regular rules, so a lookup by `day_key(date)` alone answers "open at" the same way `is_open` does.
    """
    has_vacation = any(r["kind"] == VACATION for r in rules)
    out: set[tuple[int, int, int]] = set()
    for r in rules:
        span = (minutes(r["opens"]), minutes(r["closes"]))
        if span[0] >= span[1]:
            continue
        if r["kind"] == HOLIDAY:
            out.add((HOLIDAY_KEY, *span))
            continue
        for d in r["weekdays"]:
            if r["kind"] == REGULAR:
                out.add((d, *span))
                if not has_vacation:
                    out.add((VACATION_KEY_BASE + d, *span))
            elif r["kind"] == VACATION:
                out.add((VACATION_KEY_BASE + d, *span))
    return sorted(out)


def describe(rules: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Human rows for a page, in the active language: [{"label": "평일(월–금)", "hours": "07:30–19:30"}, ...]."""
    from django.utils.translation import gettext as _

    from dolbom.core.weekdays import weekday_short

    short = [weekday_short(d) for d in range(1, 8)]
    full = [_("월요일"), _("화요일"), _("수요일"), _("목요일"), _("금요일"), _("토요일"), _("일요일")]
    rows = []
    for r in rules:
        days = r["weekdays"]
        if r["kind"] == HOLIDAY:
            label = _("공휴일")
        else:
            if days == [0, 1, 2, 3, 4]:
                day_label = _("평일(월–금)")
            elif len(days) == 1:
                day_label = full[days[0]]
            else:
                day_label = "·".join(short[d] for d in days)
            label = _("방학 %(days)s") % {"days": day_label} if r["kind"] == VACATION else day_label
        rows.append({"label": label, "hours": f"{r['opens']}–{r['closes']}"})
    return rows


def validate(rules: Any) -> list[Rule]:
    """Check a rule list from outside (an import, an edit); ValueError names the first bad rule."""
    if not isinstance(rules, list):
        raise ValueError("rules must be a list")
    out: list[Rule] = []
    for i, r in enumerate(rules):
        try:
            kind, days, opens, closes = r["kind"], r["weekdays"], r["opens"], r["closes"]
            if kind not in KINDS or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
                raise ValueError
            if minutes(opens) >= minutes(closes):
                raise ValueError
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"rule {i}") from exc
        out.append(rule(kind, days, opens, closes))
    return out
