"""Fee quotes: hourly rate, +50 % at night (22–06) and on holidays split per hour boundary, government share by
income tier, unknown tier quoted at full price with a note."""

from datetime import date, datetime

import pytest

from dolbom.matching.engine import fee_quote

RATE_2026 = 12_790
RATE_2025 = 12_180
SHARES = {"가형": 0.85, "나형": 0.6, "다형": 0.4, "라형": 0.15, "마형": 0.0}
XMAS = date(2026, 12, 25)  # 기독탄신일, a Friday


def q(start, end, *, rate=RATE_2026, tier="나형", holidays=frozenset({XMAS}), **kw):
    return fee_quote(start, end, rate, holidays, tier, SHARES, **kw)


def test_daytime_weekday_is_plain_hourly_rate():
    f = q(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 12))
    assert (f.total, f.surcharge_amount, f.base_amount) == (3 * RATE_2026, 0, 3 * RATE_2026)
    assert f.government_share == round(3 * RATE_2026 * 0.6) and f.family_share == f.total - f.government_share
    assert q(datetime(2025, 11, 25, 9), datetime(2025, 11, 25, 12), rate=RATE_2025).total == 36_540


def test_split_across_22_oclock_with_half_hours():
    f = q(datetime(2026, 11, 24, 20, 30), datetime(2026, 11, 24, 22, 30))
    # 20:30–22:00 plain (1.5 h), 22:00–22:30 night (0.5 h at 150 %): 12,790 × 2.25 = 28,777.5 → 28,778
    assert f.total == 28_778
    assert [(s.start.hour, s.start.minute, s.night) for s in f.segments] == [
        (20, 30, False),
        (21, 0, False),
        (22, 0, True),
    ]
    assert "야간(22시~06시) 시간에 50% 할증이 적용되었습니다." in f.notes


def test_across_midnight_into_a_holiday_does_not_stack_by_default():
    start, end = datetime(2026, 12, 24, 23), datetime(2026, 12, 25, 2)
    f = q(start, end)
    assert f.total == round(3 * RATE_2026 * 1.5) == 57_555
    assert [s.holiday for s in f.segments] == [False, True, True]
    assert all(s.night for s in f.segments)
    stacked = q(start, end, stack_surcharges=True)
    assert stacked.total == RATE_2026 * 1.5 + RATE_2026 * 2 * 2


def test_morning_after_06_is_plain_again():
    f = q(datetime(2026, 11, 24, 5), datetime(2026, 11, 24, 7))
    assert f.total == round(RATE_2026 * 2.5)
    assert [s.night for s in f.segments] == [True, False]


def test_holiday_daytime_and_sunday():
    assert q(datetime(2026, 12, 25, 10), datetime(2026, 12, 25, 12)).total == 38_370
    sunday = (datetime(2026, 11, 29, 10), datetime(2026, 11, 29, 12))
    assert q(*sunday).total == 38_370
    assert q(*sunday, sundays_are_holidays=False).total == 2 * RATE_2026


def test_unknown_tier_is_full_price_with_a_note():
    for tier in (None, "unknown", ""):
        f = q(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 11), tier=tier)
        assert f.government_share == 0 and f.family_share == f.total == 2 * RATE_2026
        assert f.share_rate is None and f.income_tier is None
        assert f.notes[0].startswith("소득유형 미확인")


def test_tier_names_with_or_without_suffix_and_unlisted_tier():
    a = q(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 11), tier="가")
    assert a.income_tier == "가형" and a.government_share == round(2 * RATE_2026 * 0.85)
    odd = q(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 11), tier="바형")
    assert odd.government_share == 0 and "바형" in odd.notes[0]
    full = q(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 11), tier="마형")
    assert full.government_share == 0 and full.family_share == full.total


def test_rejects_empty_interval():
    with pytest.raises(ValueError):
        q(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 9))
