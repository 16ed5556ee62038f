"""Soft costs and the ranked candidate list for one (urgent) request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .constraints import check
from .geo import GridIndex, road_km, travel_minutes
from .types import Candidate, Caregiver, CostBreakdown, MatchingPolicy, Request


def cost_of(
    caregiver: Caregiver,
    request: Request,
    policy: MatchingPolicy,
    *,
    distance_km: float | None = None,
    previous_caregiver_id: str | None = None,
) -> CostBreakdown:
    """Weighted soft costs, each term in [0, weight]. Lower is better.

    travel: road distance over the travel limit; continuity: 0 when the family rated this caregiver 5, 1 when
    rated 1, 0.5 when never rated (so a well-rated caregiver wins over a stranger, a poorly rated one loses);
    language: 1 when a preferred language is not spoken; fairness: recent hours over a reference, so work is
    spread across caregivers; stability: -weight for the caregiver a previous run chose (re-runs stay put
    unless something better appears)."""
    d = road_km(caregiver.lat, caregiver.lng, request.lat, request.lng, policy) if distance_km is None else distance_km
    rating = caregiver.ratings.get(request.family_id)
    continuity = 0.5 if rating is None else min(1.0, max(0.0, (5.0 - rating) / 4.0))
    language = 0.0 if not request.language or request.language in caregiver.languages else 1.0
    fairness = min(1.0, max(0.0, caregiver.recent_workload_hours / policy.workload_ref_hours))
    stability = -policy.w_stability if previous_caregiver_id == caregiver.id else 0.0
    return CostBreakdown(
        travel=round(policy.w_travel * min(1.0, d / policy.max_travel_km), 9),
        continuity=round(policy.w_continuity * continuity, 9),
        language=round(policy.w_language * language, 9),
        fairness=round(policy.w_fairness * fairness, 9),
        stability=stability,
    )


def why_chosen(caregiver: Caregiver, request: Request, distance_km: float, minutes: int) -> tuple[str, ...]:
    out = [f"이동 약 {distance_km:.1f}km ({minutes}분)"]
    rating = caregiver.ratings.get(request.family_id)
    if rating is not None:
        out.append(f"이 가정의 이전 평가 {rating:g}점")
    if request.language and request.language in caregiver.languages and request.language != "ko":
        out.append(f"요청 언어({request.language}) 가능")
    out.append(f"최근 근무 {caregiver.recent_workload_hours:g}시간")
    return tuple(out)


def rank_candidates(
    request: Request,
    caregivers: Iterable[Caregiver] | GridIndex,
    policy: MatchingPolicy | None = None,
    *,
    limit: int | None = None,
    previous: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Eligible caregivers for one request, cheapest first, ties broken by caregiver id (deterministic,
    whatever order the caregivers come in). Pass a `GridIndex` built once to answer in milliseconds among
    thousands of caregivers; a plain iterable is scanned in full."""
    policy = policy or MatchingPolicy()
    # the index preselects caregivers serving the region within reach; the full check below decides
    pool = caregivers.candidates(request, policy) if isinstance(caregivers, GridIndex) else caregivers
    prev = (previous or {}).get(request.id)
    out: list[Candidate] = []
    for c in pool:
        if check(c, request, policy, first_only=True):
            continue
        d = road_km(c.lat, c.lng, request.lat, request.lng, policy)
        m = travel_minutes(d, policy)
        out.append(
            Candidate(
                caregiver_id=c.id,
                distance_km=d,
                travel_minutes=m,
                cost=cost_of(c, request, policy, distance_km=d, previous_caregiver_id=prev),
                reasons=why_chosen(c, request, d, m),
            )
        )
    out.sort(key=lambda k: (round(k.total_cost, 9), k.caregiver_id))
    return out[:limit] if limit is not None else out


def explain_rejections(
    request: Request, caregivers: Iterable[Caregiver], policy: MatchingPolicy | None = None
) -> dict[str, list[str]]:
    """Why each ineligible caregiver is not offered (caregiver id -> every failing reason)."""
    policy = policy or MatchingPolicy()
    out: dict[str, list[str]] = {}
    for c in sorted(caregivers, key=lambda c: c.id):
        reasons = check(c, request, policy)
        if reasons:
            out[c.id] = reasons
    return out
