"""Hard constraints. Every failure carries a Korean reason, so a coordinator can see why a caregiver was not
offered. A caregiver with an expired background check or training is never offered."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .geo import road_km, travel_minutes
from .types import QUALIFICATION_LABELS, Booked, Caregiver, MatchingPolicy, Request, sigungu_of


def required_qualifications(request: Request, policy: MatchingPolicy) -> list[str]:
    """Qualification codes the request needs, from the children's ages and the stated needs."""
    needed: list[str] = []
    if "infant" in request.needs or any(a < policy.infant_max_months for a in request.children_ages_months):
        needed.append("infant_care")
    if "illness" in request.needs:
        needed.append("illness_care")
    if "special_needs" in request.needs:
        needed.append("special_needs")
    return needed


def jobs_compatible(
    a_start: datetime,
    a_end: datetime,
    a_loc: tuple[float, float],
    b_start: datetime,
    b_end: datetime,
    b_loc: tuple[float, float],
    policy: MatchingPolicy,
) -> bool:
    """Can one caregiver do both jobs: no overlap, and time to travel from the earlier to the later one."""
    if a_start < b_end and b_start < a_end:
        return False
    if b_start < a_start:
        a_start, a_end, a_loc, b_start, b_end, b_loc = b_start, b_end, b_loc, a_start, a_end, a_loc
    gap = (b_start - a_end).total_seconds() / 60.0
    return gap >= travel_minutes(road_km(a_loc[0], a_loc[1], b_loc[0], b_loc[1], policy), policy)


def _booked_loc(b: Booked, caregiver: Caregiver) -> tuple[float, float]:
    if b.lat is None or b.lng is None:
        return (caregiver.lat, caregiver.lng)
    return (b.lat, b.lng)


def _fmt(d: date) -> str:
    return d.isoformat()


def check(
    caregiver: Caregiver,
    request: Request,
    policy: MatchingPolicy,
    *,
    on: date | None = None,
    first_only: bool = False,
    extra_booked: tuple[Booked, ...] = (),
) -> list[str]:
    """Reasons the caregiver cannot take the request (empty list: eligible). `on` is the date credentials must
    be valid on (default: the day the service ends). `first_only` stops at the first failure (fast path for
    the batch). `extra_booked` adds tentative jobs, e.g. ones this batch already gave the caregiver."""
    reasons: list[str] = []

    def fail(msg: str) -> bool:
        reasons.append(msg)
        return first_only

    day = on or request.end.date()
    if sigungu_of(request.region_code) not in caregiver.regions:
        if fail(f"활동지역이 아님 (요청 지역 {sigungu_of(request.region_code)})"):
            return reasons
    dist = road_km(caregiver.lat, caregiver.lng, request.lat, request.lng, policy)
    if dist > policy.max_travel_km:
        if fail(f"이동 거리 {dist:.0f}km가 한도 {policy.max_travel_km:.0f}km 초과"):
            return reasons
    if caregiver.background_check_expires is None:
        if fail("신원조회(범죄경력) 기록 없음"):
            return reasons
    elif caregiver.background_check_expires < day:
        if fail(f"신원조회 만료 {_fmt(caregiver.background_check_expires)}"):
            return reasons
    for code in required_qualifications(request, policy):
        q = caregiver.qualification(code)
        label = QUALIFICATION_LABELS.get(code, code)
        if q is None:
            if fail(f"자격({label}) 없음"):
                return reasons
        elif not q.valid_on(day):
            assert q.expires is not None
            if fail(f"자격({label}) 만료 {_fmt(q.expires)}"):
                return reasons
    for age in request.children_ages_months:
        if not caregiver.min_child_age_months <= age <= caregiver.max_child_age_months:
            if fail(
                f"아동 연령 {age}개월이 돌봄 가능 연령"
                f"({caregiver.min_child_age_months}~{caregiver.max_child_age_months}개월) 밖"
            ):
                return reasons
            break
    if "language" in request.needs and request.language and request.language not in caregiver.languages:
        if fail(f"요청 언어({request.language}) 사용 불가"):
            return reasons
    if len(request.children_ages_months) > caregiver.max_children:
        if fail(f"아동 {len(request.children_ages_months)}명 동시돌봄 불가 (최대 {caregiver.max_children}명)"):
            return reasons
    lead = travel_minutes(dist, policy)
    need_from = request.start - timedelta(minutes=lead)
    if not any(iv.covers(need_from, request.end) for iv in caregiver.merged_availability):
        if fail(f"가용시간이 {need_from:%H:%M}~{request.end:%H:%M}(이동 {lead}분 포함)을 덮지 않음"):
            return reasons
    reasons.extend(clash_reasons(caregiver, request, policy, first_only=first_only, extra_booked=extra_booked))
    return reasons


def clash_reasons(
    caregiver: Caregiver,
    request: Request,
    policy: MatchingPolicy,
    *,
    first_only: bool = False,
    extra_booked: tuple[Booked, ...] = (),
) -> list[str]:
    """The no-clash constraint alone: the request overlaps none of the caregiver's assignments (and
    `extra_booked`) and leaves time to travel between them."""
    reasons: list[str] = []
    here = (request.lat, request.lng)
    for b in (*caregiver.assignments, *extra_booked):
        if b.request_id is not None and b.request_id == request.id:
            continue
        if not jobs_compatible(b.start, b.end, _booked_loc(b, caregiver), request.start, request.end, here, policy):
            overlap = b.start < request.end and request.start < b.end
            msg = "요청 시간에 다른 배정과 겹침" if overlap else "앞뒤 배정과의 이동시간 부족"
            reasons.append(f"{msg} ({b.start:%H:%M}~{b.end:%H:%M})")
            if first_only:
                break
    return reasons


def eligible(
    caregiver: Caregiver, request: Request, policy: MatchingPolicy | None = None, *, on: date | None = None
) -> tuple[bool, list[str]]:
    """(True, []) when every hard constraint holds, else (False, every failing reason in Korean)."""
    reasons = check(caregiver, request, policy or MatchingPolicy(), on=on)
    return (not reasons, reasons)
