"""Small builders for the matching engine's plain dataclasses (no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dolbom.matching.engine import Booked, Caregiver, Interval, Qualification, Request

DAY = date(2026, 11, 24)  # a Tuesday, not a holiday
T0 = datetime(2026, 11, 24)
SUWON = (37.2636, 127.0286)  # 수원시청 부근
KM_LAT = 1 / 111.0


def at(hour: float) -> datetime:
    return T0 + timedelta(minutes=round(hour * 60))


def north(km: float, base: tuple[float, float] = SUWON) -> tuple[float, float]:
    return (base[0] + km * KM_LAT, base[1])


def caregiver(cid: str = "C1", *, loc: tuple[float, float] = SUWON, **kw) -> Caregiver:
    data = dict(
        id=cid,
        lat=loc[0],
        lng=loc[1],
        regions=frozenset({"41111", "41113", "41115", "41117"}),
        qualifications=(
            Qualification("infant_care", DAY + timedelta(days=365)),
            Qualification("illness_care", DAY + timedelta(days=365)),
            Qualification("first_aid", DAY + timedelta(days=365)),
        ),
        background_check_expires=DAY + timedelta(days=365),
        languages=frozenset({"ko"}),
        availability=(Interval(at(7), at(22)),),
    )
    data.update(kw)
    return Caregiver(**data)  # type: ignore[arg-type]


def request(rid: str = "R1", *, loc: tuple[float, float] = SUWON, start: float = 9, end: float = 12, **kw) -> Request:
    data = dict(
        id=rid,
        family_id=f"F-{rid}",
        lat=loc[0],
        lng=loc[1],
        region_code="4111100000",
        start=at(start),
        end=at(end),
        children_ages_months=(60,),
        created_at=at(start) - timedelta(hours=12),
    )
    data.update(kw)
    return Request(**data)  # type: ignore[arg-type]


def booked(start: float, end: float, loc: tuple[float, float] | None = None) -> Booked:
    return Booked(at(start), at(end), loc[0] if loc else None, loc[1] if loc else None)
