"""Estimated wait for a family in the queue, from current supply and demand (not a constant).

Model (documented simplification): the open requests are served by the caregiver-hours available in the
horizon. Capacity in requests per hour is

    throughput = available_caregiver_hours / avg_request_hours / horizon_hours * fill_rate

where `fill_rate` is the recent share of requests that found a caregiver (it absorbs mismatches of place,
skills and time that raw hours hide). A family at position q waits about q / throughput hours. When demand
exceeds what the horizon can serve (utilisation ρ = open_requests / (throughput·horizon) ≥ 1) the estimate
says so. The range widens with utilisation, as waiting times do in any queue near saturation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WaitEstimate:
    position: int
    minutes: int | None  # None: no supply at all, cannot estimate
    low_minutes: int | None
    high_minutes: int | None
    utilisation: float | None
    message: str


def estimate_wait(
    queue_position: int,
    open_requests: int,
    available_caregiver_hours: float,
    recent_fill_rate: float | None = None,
    *,
    avg_request_hours: float = 3.0,
    horizon_hours: float = 24.0,
) -> WaitEstimate:
    if queue_position < 1:
        raise ValueError("queue_position starts at 1")
    fill = 0.8 if recent_fill_rate is None else min(1.0, max(0.05, recent_fill_rate))
    throughput = available_caregiver_hours / max(avg_request_hours, 0.25) / horizon_hours * fill
    if throughput <= 0:
        return WaitEstimate(
            queue_position, None, None, None, None, "현재 배정 가능한 돌보미가 없어 대기시간을 추정할 수 없습니다."
        )
    hours = queue_position / throughput
    rho = max(open_requests, queue_position) / (throughput * horizon_hours)
    minutes = max(1, round(hours * 60))
    low = max(1, round(minutes * 0.5))
    high = round(minutes * (1.5 + min(rho, 3.0)))
    if rho >= 1:
        msg = (
            f"대기 {queue_position}번째, 예상 대기 약 {_fmt(minutes)} "
            "(현재 요청이 가용 돌보미보다 많아 늦어질 수 있습니다)"
        )
    else:
        msg = f"대기 {queue_position}번째, 예상 대기 약 {_fmt(minutes)}"
    return WaitEstimate(queue_position, minutes, low, high, round(rho, 3), msg)


def _fmt(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes}분"
    h, m = divmod(minutes, 60)
    return f"{h}시간 {m}분" if m else f"{h}시간"
