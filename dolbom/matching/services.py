"""Writes for home-visit matching: requests, batch proposals, confirmation by a coordinator or the caregiver.

Locks (locks.py): a caregiver row is locked before an assignment of theirs is
confirmed, then their overlapping active assignments are counted, so two coordinators confirming at once
cannot double-book one caregiver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from dolbom.core.audit import audit_log
from dolbom.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from dolbom.core.notifications import notification_enqueue
from dolbom.households.models import Child, Household
from dolbom.matching import engine, locks
from dolbom.matching.models import VisitAssignment, VisitRequest
from dolbom.matching.selectors import (
    caregivers_as_engine,
    open_requests_for_day,
    request_as_engine,
    visit_candidates,
)
from dolbom.regions.models import Region

NEEDS = {"infant", "illness", "language", "sibling_group", "special_needs"}
MAX_VISIT_HOURS = 12


def visit_request_create(
    *,
    household: Household,
    children: Iterable[Child],
    service: str,
    region: Region,
    address: str,
    lat: float,
    lng: float,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    needs: Iterable[str] = (),
    language: str = "",
    urgency: int = 0,
    note: str = "",
    actor: Any,
) -> VisitRequest:
    kids = list(children)
    errors: dict[str, str] = {}
    if service not in VisitRequest.Service.values:
        errors["service"] = "알 수 없는 서비스입니다."
    if not kids:
        errors["children"] = "돌봄 받을 아동을 한 명 이상 선택해 주세요."
    elif any(c.household_id != household.pk for c in kids):
        errors["children"] = "이 가정의 아동만 선택할 수 있습니다."
    elif any(c.birth_date is None for c in kids):
        errors["children"] = "출생 전 아동은 방문돌봄을 신청할 수 없습니다."
    if ends_at <= starts_at:
        errors["ends_at"] = "종료 시각은 시작 시각보다 늦어야 합니다."
    elif ends_at - starts_at > dt.timedelta(hours=MAX_VISIT_HOURS):
        errors["ends_at"] = f"한 번에 최대 {MAX_VISIT_HOURS}시간까지 신청할 수 있습니다."
    if starts_at < timezone.now() - dt.timedelta(minutes=5):
        errors["starts_at"] = "지난 시각으로는 신청할 수 없습니다."
    bad = set(needs) - NEEDS
    if bad:
        errors["needs"] = f"알 수 없는 필요 사항: {', '.join(sorted(bad))}"
    if "language" in set(needs) and not language:
        errors["language"] = "언어 지원이 필요하면 언어를 선택해 주세요."
    if not (33.0 <= lat <= 39.0 and 124.0 <= lng <= 132.0):
        errors["lat"] = "주소의 위치가 올바르지 않습니다."
    if not address.strip():
        errors["address"] = "방문 주소를 입력해 주세요."
    if errors:
        raise InvalidInput(detail={"fields": errors})
    with transaction.atomic():
        req = VisitRequest.objects.create(
            household=household,
            service=service,
            region=region,
            address=address.strip(),
            lat=lat,
            lng=lng,
            starts_at=starts_at,
            ends_at=ends_at,
            needs=sorted(set(needs) | ({"sibling_group"} if len(kids) > 1 else set())),
            language=language,
            urgency=urgency,
            note=note,
        )
        req.children.set(kids)
        audit_log(actor=actor, action="visit_request.create", obj=req, after={"status": req.status})
    return req


def visit_request_cancel(*, request: VisitRequest, actor: Any) -> VisitRequest:
    with transaction.atomic():
        req = VisitRequest.objects.select_for_update().get(pk=request.pk)
        if req.status in (VisitRequest.Status.CANCELLED, VisitRequest.Status.DONE, VisitRequest.Status.EXPIRED):
            raise TransitionNotAllowed("이미 종료된 요청입니다.")
        before = req.status
        for a in req.assignments.filter(status__in=VisitAssignment.ACTIVE):
            _assignment_set_status(a, VisitAssignment.Status.CANCELLED, actor)
        req.status = VisitRequest.Status.CANCELLED
        req.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor, action="visit_request.cancel", obj=req, before={"status": before}, after={"status": req.status}
        )
    return req


def _assignment_set_status(a: VisitAssignment, status: str, actor: Any) -> None:
    before = a.status
    a.status = status
    a.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor, action=f"visit_assignment.{status}", obj=a, before={"status": before}, after={"status": status}
    )


def matching_batch_run(
    *, day: dt.date, actor: Any, region_prefix: str = "", policy: engine.MatchingPolicy | None = None
) -> engine.BatchResult:
    """Propose caregivers for every open request of the day at once (re-run whenever supply changes).
    Proposals of an earlier run are kept when still best (the engine favours them), replaced otherwise;
    confirmed assignments are never touched."""
    policy = policy or engine.MatchingPolicy()
    reqs = list(open_requests_for_day(day=day, region_prefix=region_prefix))
    proposed = {
        a.request_id: a
        for a in VisitAssignment.objects.filter(request__in=reqs, status=VisitAssignment.Status.PROPOSED)
    }
    previous = {str(r): str(a.caregiver_id) for r, a in proposed.items()}
    declined = {
        (str(r), str(c))
        for r, c in VisitAssignment.objects.filter(
            request__in=reqs, status=VisitAssignment.Status.DECLINED
        ).values_list("request_id", "caregiver_id")
    }
    cgs = caregivers_as_engine(day=day, exclude_request_ids=[r.pk for r in reqs])
    result = engine.assign_batch(
        [request_as_engine(request=r) for r in reqs], cgs, policy, previous=previous, forbidden=declined
    )
    chosen = {int(a.request_id): a for a in result.assignments}
    by_id = {r.pk: r for r in reqs}
    with transaction.atomic():
        for r in reqs:
            old = proposed.get(r.pk)
            new = chosen.get(r.pk)
            if old is not None and (new is None or int(new.caregiver_id) != old.caregiver_id):
                _assignment_set_status(old, VisitAssignment.Status.CANCELLED, actor)
                old = None
            if new is not None and old is None:
                a = VisitAssignment.objects.create(
                    request=r,
                    caregiver_id=int(new.caregiver_id),
                    starts_at=r.starts_at,
                    ends_at=r.ends_at,
                    distance_km=new.distance_km,
                    explanation=[f"배정 방식: {result.method}", f"이동 약 {new.distance_km:.1f}km"],
                    method=result.method[:60],
                )
                audit_log(actor=actor, action="visit_assignment.propose", obj=a, after={"caregiver": a.caregiver_id})
            status = VisitRequest.Status.PROPOSED if new is not None else VisitRequest.Status.OPEN
            if by_id[r.pk].status != status:
                before = r.status
                r.status = status
                r.save(update_fields=["status", "updated_at"])
                audit_log(
                    actor=actor,
                    action="visit_request.status",
                    obj=r,
                    before={"status": before},
                    after={"status": status},
                )
        audit_log(
            actor=actor,
            action="matching.batch_run",
            object_type="matching.batch",
            object_id=day.isoformat(),
            after={
                "filled": result.filled,
                "open": len(reqs),
                "method": result.method,
                "proven": result.proven_optimal,
            },
        )
    return result


def visit_assignment_confirm(*, assignment: VisitAssignment, actor: Any) -> VisitAssignment:
    """Confirm a proposal (coordinator) or accept an offer (caregiver). Locks the caregiver, then checks that
    no other active assignment of theirs overlaps (including the travel time between the two addresses)."""
    policy = engine.MatchingPolicy()
    with transaction.atomic():
        locks.caregiver_lock(caregiver_id=assignment.caregiver_id)
        a = VisitAssignment.objects.select_for_update().select_related("request").get(pk=assignment.pk)
        if a.status not in (VisitAssignment.Status.PROPOSED, VisitAssignment.Status.OFFERED):
            raise TransitionNotAllowed("제안 또는 요청 상태의 배정만 확정할 수 있습니다.")
        others = (
            VisitAssignment.objects.filter(caregiver_id=a.caregiver_id, status=VisitAssignment.Status.ACCEPTED)
            .exclude(pk=a.pk)
            .filter(starts_at__lt=a.ends_at + dt.timedelta(hours=3), ends_at__gt=a.starts_at - dt.timedelta(hours=3))
            .select_related("request")
        )
        r = a.request
        for o in others:
            if not engine.jobs_compatible(
                o.starts_at, o.ends_at, (o.request.lat, o.request.lng), r.starts_at, r.ends_at, (r.lat, r.lng), policy
            ):
                raise Conflict("돌보미에게 겹치는 다른 배정이 있어 확정할 수 없습니다.", code="caregiver_busy")
        locks.between_check_and_write()
        _assignment_set_status(a, VisitAssignment.Status.ACCEPTED, actor)
        before = r.status
        r.status = VisitRequest.Status.ASSIGNED
        r.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor, action="visit_request.status", obj=r, before={"status": before}, after={"status": r.status}
        )
    return a


def visit_offer_next(*, request: VisitRequest, actor: Any) -> VisitAssignment | None:
    """Offers in turn for an urgent request: offer the best-ranked caregiver who has not declined this
    request yet (the caregiver is notified and accepts or declines); None when nobody is left."""
    with transaction.atomic():
        req = VisitRequest.objects.select_for_update().select_related("region").get(pk=request.pk)
        if req.status not in (VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED):
            raise TransitionNotAllowed("배정 대기 중인 요청만 제안할 수 있습니다.")
        active = req.assignments.filter(status__in=VisitAssignment.ACTIVE).first()
        if active is not None and active.status != VisitAssignment.Status.PROPOSED:
            return active  # an offer is already out, or someone accepted
        declined = set(
            req.assignments.filter(status=VisitAssignment.Status.DECLINED).values_list("caregiver_id", flat=True)
        )
        ranked, _ = visit_candidates(request=req, limit=len(declined) + 1)
        choice = next((v for v in ranked if v.caregiver.pk not in declined), None)
        if active is not None:
            _assignment_set_status(active, VisitAssignment.Status.CANCELLED, actor)
        if choice is None:
            if req.status != VisitRequest.Status.OPEN:
                req.status = VisitRequest.Status.OPEN
                req.save(update_fields=["status", "updated_at"])
            audit_log(actor=actor, action="visit_request.no_candidate", obj=req, after={"declined": len(declined)})
            return None
        locks.caregiver_lock(caregiver_id=choice.caregiver.pk)
        a = VisitAssignment.objects.create(
            request=req,
            caregiver=choice.caregiver,
            status=VisitAssignment.Status.OFFERED,
            starts_at=req.starts_at,
            ends_at=req.ends_at,
            distance_km=choice.candidate.distance_km,
            explanation=list(choice.candidate.reasons),
            method="urgent-ranking",
        )
        audit_log(actor=actor, action="visit_assignment.offered", obj=a, after={"caregiver": a.caregiver_id})
        if req.status != VisitRequest.Status.PROPOSED:
            before = req.status
            req.status = VisitRequest.Status.PROPOSED
            req.save(update_fields=["status", "updated_at"])
            audit_log(
                actor=actor,
                action="visit_request.status",
                obj=req,
                before={"status": before},
                after={"status": req.status},
            )
        user = choice.caregiver.user
        if user is not None:
            start, end = timezone.localtime(req.starts_at), timezone.localtime(req.ends_at)
            notification_enqueue(
                recipient=user,
                kind="visit.offer",
                subject="방문돌봄 요청이 도착했습니다",
                body=f"{req.get_service_display()} · {start:%m월 %d일 %H:%M}~{end:%H:%M} · "
                f"이동 약 {choice.candidate.distance_km:.1f}km. 수락 또는 거절해 주세요.",
                idempotency_key=f"visit-offer-{a.pk}",
                payload={"assignment_id": a.pk},
            )
    return a


def visit_assignment_decline(*, assignment: VisitAssignment, actor: Any, offer_next: bool = True) -> VisitAssignment:
    """Decline a proposal or an offer. A declined caregiver is never proposed for this request again; after
    an offer made in turn, the next caregiver is offered at once (unless `offer_next` is False)."""
    with transaction.atomic():
        a = VisitAssignment.objects.select_for_update().select_related("request").get(pk=assignment.pk)
        if a.status not in (VisitAssignment.Status.PROPOSED, VisitAssignment.Status.OFFERED):
            raise TransitionNotAllowed("제안 또는 요청 상태의 배정만 거절할 수 있습니다.")
        was_offer = a.status == VisitAssignment.Status.OFFERED
        _assignment_set_status(a, VisitAssignment.Status.DECLINED, actor)
        r = a.request
        if r.status == VisitRequest.Status.PROPOSED:
            r.status = VisitRequest.Status.OPEN
            r.save(update_fields=["status", "updated_at"])
            audit_log(
                actor=actor,
                action="visit_request.status",
                obj=r,
                before={"status": "proposed"},
                after={"status": "open"},
            )
        if was_offer and offer_next:
            visit_offer_next(request=r, actor=actor)
    return a
