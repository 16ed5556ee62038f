"""아이돌봄서비스 정부지원: income tiers (가–마형), the government's share and the family's co-payment.

Pure functions over the dated parameters in `parameters/child_care_service.yaml` (the same figures the
eligibility rule reads), so the benefit check and a home-visit fee quote agree:

    >>> share = idolbom_fee_share(on=date(2026, 3, 4), income_tier="나형", hours=3, surcharged_hours=1)
    >>> share.total, share.government_share, share.family_share
    (44765, 26859, 17906)

Tiers: 가형 up to `tier_ga_max_pct` of 기준중위소득, 나형 up to `tier_na_max_pct`, 다형 up to `tier_da_max_pct`,
라형 up to the income limit of the year (`income_limit_pct`: 200% in 2025, 250% in 2026), 마형 above it (pays
the full price). Night (22–06시) and holiday hours cost `night_holiday_surcharge_pct` more (once, even when both);
the tier's share applies to the surcharged price too. Hours beyond the yearly cap (`yearly_hours_cap`) are paid
in full by the family. The tier percentages and bounds are unverified figures: `verified` is False whenever one
is used.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .parameters import PARAMETERS_DIR, Parameter, load_parameter_file

PROGRAMME_KEY = "child_care_service"
TIERS = ("가형", "나형", "다형", "라형", "마형")
TIER_SHARE_PARAMS = {
    "가형": "gov_share_pct_ga",
    "나형": "gov_share_pct_na",
    "다형": "gov_share_pct_da",
    "라형": "gov_share_pct_ra",
}
_BOUND_PARAM = {
    "가형": "tier_ga_max_pct",
    "나형": "tier_na_max_pct",
    "다형": "tier_da_max_pct",
    "라형": "income_limit_pct",
}


@functools.cache
def _default_parameters() -> Mapping[str, Parameter]:
    return load_parameter_file(PARAMETERS_DIR / f"{PROGRAMME_KEY}.yaml")


def _params(parameters: Mapping[str, Parameter] | None) -> Mapping[str, Parameter]:
    return _default_parameters() if parameters is None else parameters


def _won(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def normalise_tier(tier: str | None) -> str | None:
    """ "가", "가형", " 나형 " → "가형"/"나형"; None, "" and "unknown" → None. Anything else raises ValueError."""
    if tier is None:
        return None
    t = tier.strip()
    if not t or t.lower() == "unknown":
        return None
    if not t.endswith("형"):
        t += "형"
    if t not in TIERS:
        raise ValueError(f"알 수 없는 소득유형입니다: {tier!r} (가형·나형·다형·라형·마형)")
    return t


def tier_for_income(income_pct_of_median: float, bounds: tuple[float, float, float, float]) -> str:
    """The tier for an income, given the upper bounds (이하) of 가형, 나형, 다형 and 라형 (the income limit)."""
    for tier, bound in zip(TIERS, bounds, strict=False):
        if income_pct_of_median <= bound:
            return tier
    return "마형"


@functools.lru_cache(maxsize=4096)
def hour_and_year_shares(rate: int, share_pct: float, yearly_hours: int) -> tuple[int, int, int]:
    """(government share of one hour, family share of one hour, government share of the yearly hours) in 원,
    rounded half up as `idolbom_fee_share` rounds them."""
    pct = Decimal(str(share_pct))
    hour = _won(Decimal(rate) * pct / 100)
    year = _won(Decimal(rate) * Decimal(str(yearly_hours)) * pct / 100)
    return hour, rate - hour, year


def idolbom_tier_for_income(
    *, on: date, income_pct_of_median: float, parameters: Mapping[str, Parameter] | None = None
) -> tuple[str, bool]:
    """The tier of a household at `income_pct_of_median` % of 기준중위소득 on `on`, and whether the bounds used
    are verified. At a bound exactly, the lower (better supported) tier applies ("이하")."""
    p = _params(parameters)
    verified = True
    for tier in TIERS[:-1]:
        param = p[_BOUND_PARAM[tier]]
        bound = param.at(on)
        if income_pct_of_median <= bound:
            return tier, verified and param.verified_at(on)
        verified = verified and param.verified_at(on)
    return "마형", verified


def idolbom_tier_shares(*, on: date, parameters: Mapping[str, Parameter] | None = None) -> dict[str, float]:
    """The government's share of the price for each tier on `on`, as fractions: {"가형": 0.9, …, "마형": 0.0}."""
    p = _params(parameters)
    shares = {tier: float(p[name].at(on)) / 100 for tier, name in TIER_SHARE_PARAMS.items()}
    shares["마형"] = 0.0
    return shares


@dataclass(frozen=True)
class FeeShare:
    """The price of a visit and who pays it (원). `share_rate` is the government's fraction for the tier
    (None when the tier is not known: the family is quoted the full price)."""

    on: date
    income_tier: str | None
    hourly_rate: int
    hours: float
    surcharged_hours: float
    supported_hours: float  # hours within the yearly cap (the government shares only these)
    total: int
    government_share: int
    family_share: int
    share_rate: float | None
    verified: bool
    notes: tuple[str, ...] = field(default=())


def idolbom_fee_share(
    *,
    on: date,
    income_tier: str | None,
    hours: float,
    surcharged_hours: float = 0.0,
    hours_used_this_year: float = 0.0,
    parameters: Mapping[str, Parameter] | None = None,
) -> FeeShare:
    """Government share and family co-payment for `hours` of 시간제 아이돌봄 on `on`.

    - `income_tier`: "가형".."마형" (or "가".."마"); None when not decided yet (full price, a note says so).
    - `surcharged_hours`: how many of `hours` fall at night (22–06시) or on a holiday (counted once).
    - `hours_used_this_year`: supported hours already used this year; hours past the yearly cap are not shared.
    - `parameters`: the programme's parameters (default: the bundled YAML; pass an official's overlay if any).

    Raises ValueError for negative hours, `surcharged_hours > hours` or an unknown tier; NotInForce for a date
    before the first parameter value.
    """
    if hours < 0 or surcharged_hours < 0 or hours_used_this_year < 0:
        raise ValueError("시간은 0 이상이어야 합니다")
    if surcharged_hours > hours:
        raise ValueError("할증 시간이 전체 이용 시간보다 많을 수 없습니다")
    tier = normalise_tier(income_tier)
    p = _params(parameters)
    rate_param, surcharge_param = p["hourly_rate"], p["night_holiday_surcharge_pct"]
    rate = int(rate_param.at(on))
    surcharge = Decimal(str(surcharge_param.at(on))) / 100
    verified = rate_param.verified_at(on) and surcharge_param.verified_at(on)
    h, sh = Decimal(str(hours)), Decimal(str(surcharged_hours))
    # price: every hour at the rate, surcharged hours with the surcharge on top
    price = Decimal(rate) * h + Decimal(rate) * surcharge * sh
    total = _won(price)
    notes: list[str] = []
    if surcharged_hours:
        notes.append(f"야간(22~06시)·휴일 {surcharged_hours:g}시간에 {surcharge * 100:g}% 할증이 붙었습니다.")
    cap_param = p["yearly_hours_cap"]
    cap = Decimal(str(cap_param.at(on)))
    left = max(Decimal(0), cap - Decimal(str(hours_used_this_year)))
    supported = min(h, left)
    share_rate: float | None
    if tier is None:
        share_rate, government = None, 0
        notes.append("소득유형 미확인: 정부지원 없이 전액 본인부담으로 안내합니다(유형 판정 후 지원분 적용).")
    elif tier == "마형":
        share_rate, government = 0.0, 0
        notes.append("마형(정부지원 소득 기준 초과): 전액 본인부담입니다.")
    else:
        share_param = p[TIER_SHARE_PARAMS[tier]]
        pct = Decimal(str(share_param.at(on)))
        share_rate = float(pct / 100)
        verified = verified and share_param.verified_at(on) and cap_param.verified_at(on)
        # the share applies to the supported hours' part of the price (surcharged hours are counted first
        # among the supported ones only in proportion: the price per hour is averaged over the visit)
        supported_price = price * supported / h if h else Decimal(0)
        government = _won(supported_price * pct / 100)
        notes.append(f"{tier}: 이용요금의 {pct:g}%를 정부가 지원합니다(비율 확인 필요).")
        if supported < h:
            notes.append(
                f"연간 정부지원 {cap:g}시간 중 남은 {supported:g}시간만 지원되고 나머지는 전액 본인부담입니다."
            )
    return FeeShare(
        on=on,
        income_tier=tier,
        hourly_rate=rate,
        hours=float(hours),
        surcharged_hours=float(surcharged_hours),
        supported_hours=float(supported),
        total=total,
        government_share=government,
        family_share=total - government,
        share_rate=share_rate,
        verified=verified,
        notes=tuple(notes),
    )
