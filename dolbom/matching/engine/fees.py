"""Fee quote for one home visit: hourly rate, +50 % at night (22:00–06:00) and on holidays, and the
government share by income tier (가형..마형) when the tier is known.

Parameters arrive as plain data; the dated amounts (e.g. 12,180원 an hour in 2025, 12,790원 in 2026) and the
tier shares live with the benefits rules, not here."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from dolbom.benefits.eligibility.idolbom import normalise_tier

NIGHT_START_HOUR = 22
NIGHT_END_HOUR = 6
SURCHARGE = Fraction(1, 2)


@dataclass(frozen=True)
class FeeSegment:
    start: datetime
    end: datetime
    night: bool
    holiday: bool
    amount: Fraction  # exact; rounded only in the totals


@dataclass(frozen=True)
class FeeQuote:
    hours: float
    base_amount: int  # 원
    surcharge_amount: int
    total: int
    government_share: int
    family_share: int
    income_tier: str | None
    share_rate: float | None  # government's share of the total, when the tier is known
    segments: tuple[FeeSegment, ...]
    notes: tuple[str, ...] = field(default=())


def _won(x: Fraction) -> int:
    return int((Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fee_quote(
    start: datetime,
    end: datetime,
    hourly_rate: int,
    holidays: Set[date],
    income_tier: str | None,
    tier_shares: Mapping[str, float],
    *,
    sundays_are_holidays: bool = True,
    stack_surcharges: bool = False,
) -> FeeQuote:
    """Split the visit at every hour boundary (so 22:00, 06:00 and midnight always fall on a boundary); each
    piece is charged the hourly rate pro rata, plus 50 % when it lies at night or on a holiday (a piece that
    is both gets 50 % once unless `stack_surcharges`). Sundays count as holidays by default (관공서의 공휴일에
    관한 규정 제2조 제1호). The government pays `tier_shares[tier]` of the total; an unknown tier is quoted at
    full price with a note saying so."""
    if end <= start:
        raise ValueError("end must be after start")
    rate = Fraction(hourly_rate)
    segments: list[FeeSegment] = []
    base = Fraction(0)
    extra = Fraction(0)
    t = start
    while t < end:
        nxt = min(end, t.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
        night = t.hour >= NIGHT_START_HOUR or t.hour < NIGHT_END_HOUR
        holiday = t.date() in holidays or (sundays_are_holidays and t.weekday() == 6)
        piece = rate * Fraction(int((nxt - t).total_seconds()), 3600)
        factor = (int(night) + int(holiday)) * SURCHARGE if stack_surcharges else SURCHARGE * int(night or holiday)
        base += piece
        extra += piece * factor
        segments.append(FeeSegment(t, nxt, night, holiday, piece * (1 + factor)))
        t = nxt
    total = _won(base + extra)
    base_won = _won(base)
    notes: list[str] = []
    try:
        tier = normalise_tier(income_tier)
    except ValueError:  # not one of 가형..마형: quoted at full price with the note below
        tier = (income_tier or "").strip()
    share: float | None = None
    if tier is None:
        notes.append("소득유형 미확인: 정부지원 없이 전액 본인부담으로 안내합니다 (유형 판정 후 지원분 적용).")
    elif tier not in tier_shares:
        notes.append(f"소득유형 {tier}의 정부지원 비율을 알 수 없어 전액 본인부담으로 안내합니다.")
    else:
        share = float(tier_shares[tier])
    gov = _won(Fraction(total) * Fraction(share).limit_denominator(10_000)) if share is not None else 0
    if any(s.night for s in segments):
        notes.append("야간(22시~06시) 시간에 50% 할증이 적용되었습니다.")
    if any(s.holiday for s in segments):
        notes.append("공휴일 시간에 50% 할증이 적용되었습니다.")
    return FeeQuote(
        hours=(end - start).total_seconds() / 3600.0,
        base_amount=base_won,
        surcharge_amount=total - base_won,
        total=total,
        government_share=gov,
        family_share=total - gov,
        income_tier=tier,
        share_rate=share,
        segments=tuple(segments),
        notes=tuple(notes),
    )
