"""Queue position → estimated wait from current supply and demand."""

import itertools

import pytest

from dolbom.matching.engine import estimate_wait


def test_more_supply_means_shorter_wait():
    waits = [estimate_wait(5, 40, hours, 0.8).minutes for hours in (20, 40, 80, 160, 320)]
    assert all(a > b for a, b in itertools.pairwise(waits))


def test_later_position_waits_longer_and_worse_fill_rate_waits_longer():
    by_pos = [estimate_wait(p, 40, 100, 0.8).minutes for p in (1, 2, 5, 10, 30)]
    assert by_pos == sorted(by_pos) and len(set(by_pos)) == len(by_pos)
    assert estimate_wait(5, 40, 100, 0.5).minutes > estimate_wait(5, 40, 100, 0.9).minutes


def test_figures_follow_the_documented_formula():
    # 96 caregiver-hours over 24 h, 3-hour visits, 75 % fill: 1 request/hour → 3rd in line waits ~3 h
    w = estimate_wait(3, 10, 96, 0.75, avg_request_hours=3, horizon_hours=24)
    assert w.minutes == 180
    assert w.low_minutes is not None and w.high_minutes is not None
    assert w.low_minutes < w.minutes < w.high_minutes
    assert w.message == "대기 3번째, 예상 대기 약 3시간"


def test_saturation_is_said_and_no_supply_is_not_a_number():
    busy = estimate_wait(3, 500, 24, 0.8)
    assert busy.utilisation is not None and busy.utilisation > 1 and "늦어질 수 있습니다" in busy.message
    none = estimate_wait(1, 5, 0, 0.8)
    assert none.minutes is None and "추정할 수 없습니다" in none.message
    with pytest.raises(ValueError):
        estimate_wait(0, 5, 10)
