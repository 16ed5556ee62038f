"""아이돌봄 fee share, from the source figures: 12,180원 an hour (2025) and 12,790원 (2026); +50% at night
(22–06시) and on holidays; a yearly cap of 960 h (2025) and 1,080 h (2026); government support up to 200% (2025)
and 250% (2026) of 기준중위소득; 마형 pays in full. Tier percentages are unverified figures."""

from datetime import date

import pytest

from dolbom.benefits.eligibility.idolbom import (
    idolbom_fee_share,
    idolbom_tier_for_income,
    idolbom_tier_shares,
    normalise_tier,
)
from dolbom.benefits.eligibility.parameters import NotInForce

D2025 = date(2025, 6, 2)
D2026 = date(2026, 11, 23)


def test_tier_unknown_pays_full_price_at_the_rate_of_the_year():
    s = idolbom_fee_share(on=D2025, income_tier=None, hours=1)
    assert (s.hourly_rate, s.total, s.government_share, s.family_share, s.share_rate) == (12180, 12180, 0, 12180, None)
    s = idolbom_fee_share(on=D2026, income_tier=None, hours=2)
    assert (s.hourly_rate, s.total, s.family_share) == (12790, 25580, 25580)
    assert any("소득유형 미확인" in n for n in s.notes)


def test_ma_tier_pays_in_full():
    s = idolbom_fee_share(on=D2026, income_tier="마형", hours=2)
    assert (s.government_share, s.family_share, s.share_rate) == (0, 25580, 0.0)


def test_night_and_holiday_hours_cost_half_again():
    s = idolbom_fee_share(on=D2026, income_tier=None, hours=2, surcharged_hours=2)
    assert s.total == 12790 * 3  # 2 h × 1.5
    s = idolbom_fee_share(on=D2026, income_tier=None, hours=3, surcharged_hours=1)
    assert s.total == 12790 * 3 + 6395


def test_tier_share_splits_the_price_and_is_flagged_unverified():
    shares = idolbom_tier_shares(on=D2026)
    assert shares["마형"] == 0.0
    assert shares["가형"] > shares["나형"] > shares["다형"] > shares["라형"] > 0
    s = idolbom_fee_share(on=D2026, income_tier="나", hours=3, surcharged_hours=1)
    assert s.income_tier == "나형"
    assert s.government_share == round(s.total * shares["나형"])
    assert s.government_share + s.family_share == s.total
    assert s.verified is False


def test_hours_past_the_yearly_cap_are_not_shared():
    # 2026 cap 1,080 h: with 1,079 h used, one of three hours is supported
    s = idolbom_fee_share(on=D2026, income_tier="가형", hours=3, hours_used_this_year=1079)
    assert s.supported_hours == 1
    assert s.government_share == round(12790 * idolbom_tier_shares(on=D2026)["가형"])
    # 2025 cap 960 h: with 960 used, nothing is shared
    s = idolbom_fee_share(on=D2025, income_tier="가형", hours=2, hours_used_this_year=960)
    assert (s.government_share, s.family_share) == (0, 24360)


def test_income_tier_follows_the_limit_of_the_year():
    assert idolbom_tier_for_income(on=D2026, income_pct_of_median=250)[0] == "라형"  # 250% 이하 (2026)
    assert idolbom_tier_for_income(on=D2026, income_pct_of_median=250.5)[0] == "마형"
    assert idolbom_tier_for_income(on=D2025, income_pct_of_median=200)[0] == "라형"  # 200% 이하 (2025)
    assert idolbom_tier_for_income(on=D2025, income_pct_of_median=220)[0] == "마형"
    assert idolbom_tier_for_income(on=D2026, income_pct_of_median=0)[0] == "가형"


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        normalise_tier("바형")
    with pytest.raises(ValueError):
        idolbom_fee_share(on=D2026, income_tier=None, hours=-1)
    with pytest.raises(ValueError):
        idolbom_fee_share(on=D2026, income_tier=None, hours=1, surcharged_hours=2)
    with pytest.raises(NotInForce):
        idolbom_fee_share(on=date(2020, 1, 1), income_tier=None, hours=1)
    assert normalise_tier(" unknown ") is None
