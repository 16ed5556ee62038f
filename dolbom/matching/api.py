"""/api/v1/visits: home-visit requests (citizens), candidates and batch proposals (coordinators), and
confirming or declining an assignment (coordinators, or the caregiver concerned)."""

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from dolbom.core.api_auth import AUTH_REQUIRED, actor_of
from dolbom.core.errors import InvalidInput, NotFound, PermissionDenied
from dolbom.core.permissions import require_region_access, require_role, scope_prefixes
from dolbom.households.models import Child, Household
from dolbom.regions.models import Region

from . import selectors, services
from .models import FollowUpTask, VisitAssignment, VisitRequest
from .schemas import (
    BatchIn,
    BatchOut,
    CandidatesOut,
    CloseIn,
    EndIn,
    FollowUpOut,
    RateIn,
    RatingOut,
    ReportIn,
    VisitOut,
    VisitRequestIn,
    VisitRequestOut,
)

router = Router(tags=["방문돌봄"])

STAFF = ("coordinator", "city_official")


def _request_out(req: VisitRequest, income_tier: str | None = None) -> dict[str, Any]:
    queue = selectors.visit_queue_status(request=req)
    fee = selectors.visit_fee_quote(request=req, income_tier=income_tier)
    active = req.assignments.filter(status__in=VisitAssignment.ACTIVE).select_related("caregiver").first()
    return {
        "id": req.pk,
        "status": req.status,
        "status_label": req.get_status_display(),
        "service": req.service,
        "region_code": req.region.code,
        "starts_at": req.starts_at,
        "ends_at": req.ends_at,
        "needs": req.needs,
        "queue": (
            {
                "position": queue.position,
                **{k: getattr(queue.wait, k) for k in ("minutes", "low_minutes", "high_minutes", "message")},
            }
            if queue.wait is not None
            else None
        ),
        "fee": {
            **{
                k: getattr(fee, k)
                for k in ("total", "base_amount", "surcharge_amount", "government_share", "family_share", "income_tier")
            },
            "notes": list(fee.notes),
        },
        "assignment": (
            {
                "id": active.pk,
                "caregiver_id": active.caregiver_id,
                "caregiver_name": active.caregiver.display_name,
                "status": active.status,
                "distance_km": active.distance_km,
                "explanation": active.explanation,
            }
            if active
            else None
        ),
    }


def _visible_request(actor: Any, pk: int) -> VisitRequest:
    req = VisitRequest.objects.select_related("region", "household").filter(pk=pk).first()
    if req is None:
        raise NotFound(_("요청을 찾을 수 없습니다."))
    if actor.role == "citizen":
        if req.household.guardian_id != actor.pk:
            raise NotFound(_("요청을 찾을 수 없습니다."))
    else:
        require_role(actor, *STAFF)
        require_region_access(actor, req.region.code)
    return req


@router.post("/requests", response={201: VisitRequestOut}, auth=AUTH_REQUIRED, summary="방문돌봄 신청")
def create_request(request: HttpRequest, payload: VisitRequestIn) -> Any:
    actor = actor_of(request)
    require_role(actor, "citizen")
    household = Household.objects.filter(guardian=actor).first()
    if household is None:
        raise InvalidInput(_("먼저 아동을 등록해 주세요."), detail={"fields": {"child_ids": _("등록된 아동 없음")}})
    children = list(Child.objects.filter(household=household, pk__in=payload.child_ids))
    if len(children) != len(set(payload.child_ids)):
        raise InvalidInput(detail={"fields": {"child_ids": _("이 가정의 아동이 아닙니다.")}})
    region = Region.objects.filter(code=payload.region_code.ljust(10, "0")).first()
    if region is None:
        raise InvalidInput(detail={"fields": {"region_code": _("알 수 없는 지역입니다.")}})
    req = services.visit_request_create(
        household=household,
        children=children,
        service=payload.service,
        region=region,
        address=payload.address,
        lat=payload.lat,
        lng=payload.lng,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        needs=payload.needs,
        language=payload.language,
        urgency=1 if payload.service == VisitRequest.Service.URGENT else 0,
        note=payload.note,
        consent_share=payload.consent_share,
        income_tier=payload.income_tier,
        actor=actor,
    )
    return Status(201, _request_out(req))


@router.get("/requests/{pk}", response=VisitRequestOut, auth=AUTH_REQUIRED, summary="신청 상태·대기 순번·예상 요금")
def get_request(request: HttpRequest, pk: int, income_tier: str | None = None) -> Any:
    return _request_out(_visible_request(actor_of(request), pk), income_tier)


@router.get(
    "/requests/{pk}/candidates", response=CandidatesOut, auth=AUTH_REQUIRED, summary="배정 후보 돌보미 (순위와 근거)"
)
def candidates(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    require_role(actor, *STAFF)
    req = _visible_request(actor, pk)
    ranked, rejected = selectors.visit_candidates(request=req)
    return {
        "candidates": [
            {
                "caregiver_id": v.caregiver.pk,
                "caregiver_name": v.caregiver.display_name,
                "distance_km": v.candidate.distance_km,
                "travel_minutes": v.candidate.travel_minutes,
                "total_cost": round(v.candidate.total_cost, 4),
                "cost": asdict(v.candidate.cost),
                "reasons": list(v.candidate.reasons),
            }
            for v in ranked
        ],
        "not_offered": rejected,
    }


@router.post("/batch", response=BatchOut, auth=AUTH_REQUIRED, summary="하루 요청 일괄 배정 제안")
def batch(request: HttpRequest, payload: BatchIn) -> Any:
    actor = actor_of(request)
    require_role(actor, *STAFF)
    require_region_access(actor, payload.region_code)
    if payload.date < timezone.localdate():
        raise InvalidInput(_("지난 날짜는 배정할 수 없습니다."), detail={"fields": {"date": _("지난 날짜")}})
    res = services.matching_batch_run(day=payload.date, actor=actor, region_prefix=payload.region_code[:5])
    return {
        "filled": res.filled,
        "open": res.filled + len(res.unfilled),
        "method": res.method,
        "proven_optimal": res.proven_optimal,
        "fill_upper_bound": int(res.stats.get("fill_upper_bound", 0)),
        "unfilled": res.unfilled,
    }


@router.post("/requests/{pk}/offer", auth=AUTH_REQUIRED, summary="다음 후보 돌보미에게 차례로 제안 (긴급)")
def offer_next(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    require_role(actor, *STAFF)
    req = _visible_request(actor, pk)
    a = services.visit_offer_next(request=req, actor=actor)
    if a is None:
        return {"assignment_id": None, "status": None, "message": _("제안할 수 있는 돌보미가 더 없습니다.")}
    return {"assignment_id": a.pk, "status": a.status, "caregiver_id": a.caregiver_id}


def _assignment_for(actor: Any, pk: int) -> VisitAssignment:
    a = VisitAssignment.objects.select_related("request__region", "caregiver").filter(pk=pk).first()
    if a is None:
        raise NotFound(_("배정을 찾을 수 없습니다."))
    if actor.role == "caregiver":
        if a.caregiver.user_id != actor.pk:
            raise PermissionDenied(_("본인의 배정만 처리할 수 있습니다."))
    else:
        require_role(actor, *STAFF)
        require_region_access(actor, a.request.region.code)
    return a


@router.post("/assignments/{pk}/confirm", auth=AUTH_REQUIRED, summary="배정 확정(코디네이터) 또는 수락(돌보미)")
def confirm(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    a = services.visit_assignment_confirm(assignment=_assignment_for(actor, pk), actor=actor)
    return {"id": a.pk, "status": a.status}


@router.post("/assignments/{pk}/decline", auth=AUTH_REQUIRED, summary="배정 거절")
def decline(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    a = services.visit_assignment_decline(assignment=_assignment_for(actor, pk), actor=actor)
    return {"id": a.pk, "status": a.status}


# ------------------------------------------------------------------ lifecycle


def _own_request(actor: Any, pk: int) -> VisitRequest:
    require_role(actor, "citizen")
    req = VisitRequest.objects.select_related("household", "region").filter(pk=pk).first()
    if req is None or (actor.role != "admin" and req.household.guardian_id != actor.pk):
        raise NotFound(_("요청을 찾을 수 없습니다."))
    return req


def _own_visit(actor: Any, pk: int) -> VisitAssignment:
    require_role(actor, "caregiver")
    a = VisitAssignment.objects.select_related("caregiver").filter(pk=pk).first()
    if a is None or (actor.role != "admin" and a.caregiver.user_id != actor.pk):
        raise NotFound(_("배정을 찾을 수 없습니다."))
    return a


def _visit_out(a: VisitAssignment) -> dict[str, Any]:
    r = a.request
    day = timezone.localtime(r.starts_at).date()
    return {
        "assignment_id": a.pk,
        "request_id": r.pk,
        "status": a.status,
        "request_status": r.status,
        "service": r.service,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        # the address and the children's details are shared only for an accepted visit the family consented to
        "address": r.address if a.status != VisitAssignment.Status.OFFERED else r.region.full_name,
        "children_ages_months": sorted(
            selectors.age_in_months(c.birth_date, day) for c in r.children.all() if c.birth_date
        ),
        "needs": r.needs,
        "distance_km": a.distance_km,
        "arrived_at": a.arrived_at,
        "ended_at": a.ended_at,
        "actual_hours": a.actual_hours,
        "fee_total": a.fee_total,
    }


@router.post("/assignments/{pk}/arrival", response=VisitOut, auth=AUTH_REQUIRED, summary="도착 기록 (돌보미)")
def arrival(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    a = services.visit_arrival_record(assignment=_own_visit(actor, pk), actor=actor)
    return _visit_out(a)


@router.post("/assignments/{pk}/end", response=VisitOut, auth=AUTH_REQUIRED, summary="종료·돌봄 기록 (돌보미)")
def end(request: HttpRequest, pk: int, payload: EndIn) -> Any:
    actor = actor_of(request)
    a = services.visit_end_record(assignment=_own_visit(actor, pk), actor=actor, notes=payload.notes)
    return _visit_out(a)


@router.get("/my/offers", response=list[VisitOut], auth=AUTH_REQUIRED, summary="나에게 온 방문 요청 (돌보미)")
def my_offers(request: HttpRequest) -> Any:
    actor = actor_of(request)
    require_role(actor, "caregiver")
    cg = selectors.caregiver_of(user=actor)
    return [] if cg is None else [_visit_out(a) for a in selectors.caregiver_offers(caregiver=cg)]


@router.get("/my/today", response=list[VisitOut], auth=AUTH_REQUIRED, summary="오늘의 방문 (돌보미)")
def my_today(request: HttpRequest) -> Any:
    actor = actor_of(request)
    require_role(actor, "caregiver")
    cg = selectors.caregiver_of(user=actor)
    if cg is None:
        return []
    return [_visit_out(a) for a in selectors.caregiver_visits_on(caregiver=cg, day=timezone.localdate())]


@router.get(
    "/my/requests", response=list[VisitRequestOut], auth=AUTH_REQUIRED, summary="내 방문돌봄 신청 (대기 순번·예상 대기)"
)
def my_requests(request: HttpRequest, income_tier: str | None = None) -> Any:
    actor = actor_of(request)
    require_role(actor, "citizen")
    ids = Household.objects.filter(guardian=actor).values_list("pk", flat=True)
    return [_request_out(r, income_tier) for r in selectors.family_visit_requests(household_ids=ids)[:50]]


@router.post("/requests/{pk}/cancel", response=VisitRequestOut, auth=AUTH_REQUIRED, summary="신청 취소 (보호자)")
def cancel(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    req = services.visit_request_cancel(request=_own_request(actor, pk), actor=actor)
    return _request_out(req)


@router.post("/requests/{pk}/rate", response={201: RatingOut}, auth=AUTH_REQUIRED, summary="방문 평가 (보호자)")
def rate(request: HttpRequest, pk: int, payload: RateIn) -> Any:
    actor = actor_of(request)
    rating = services.visit_rate(
        request=_own_request(actor, pk),
        actor=actor,
        stars=payload.stars,
        comment=payload.comment,
        problem=payload.problem,
    )
    opened = FollowUpTask.objects.filter(request_id=pk).count()
    return Status(201, {"id": rating.pk, "stars": rating.stars, "followup_opened": opened > 0})


@router.post("/requests/{pk}/report", response={201: FollowUpOut}, auth=AUTH_REQUIRED, summary="문제 신고 (보호자)")
def report(request: HttpRequest, pk: int, payload: ReportIn) -> Any:
    actor = actor_of(request)
    task = services.visit_problem_report(request=_own_request(actor, pk), actor=actor, detail=payload.detail)
    return Status(201, _followup_out(task))


def _followup_out(t: FollowUpTask) -> dict[str, Any]:
    return {
        "id": t.pk,
        "request_id": t.request_id,
        "reason": t.reason,
        "reason_label": t.get_reason_display(),
        "detail": t.detail,
        "status": t.status,
        "caregiver_name": t.caregiver.display_name if t.caregiver else None,
        "assignee": t.assignee.get_username() if t.assignee else None,
        "due_date": t.due_date,
        "notes": t.notes,
    }


@router.get("/followups", response=list[FollowUpOut], auth=AUTH_REQUIRED, summary="사후관리 과제 (코디네이터)")
def followups(request: HttpRequest, status: str = "") -> Any:
    actor = actor_of(request)
    require_role(actor, "coordinator")
    return [_followup_out(t) for t in selectors.followups_for(prefixes=scope_prefixes(actor), status=status)[:200]]


@router.post("/followups/{pk}/close", response=FollowUpOut, auth=AUTH_REQUIRED, summary="사후관리 완료 (코디네이터)")
def followup_close(request: HttpRequest, pk: int, payload: CloseIn) -> Any:
    actor = actor_of(request)
    require_role(actor, "coordinator")
    t = FollowUpTask.objects.select_related("region").filter(pk=pk).first()
    if t is None:
        raise NotFound(_("과제를 찾을 수 없습니다."))
    require_region_access(actor, t.region.code)
    t = services.followup_close(task=t, actor=actor, notes=payload.notes)
    return _followup_out(t)
