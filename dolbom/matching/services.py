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
from django.utils.translation import gettext as _

from dolbom.core.audit import audit_log
from dolbom.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from dolbom.core.notifications import notification_enqueue
from dolbom.households.models import Child, Household
from dolbom.matching import engine, locks
from dolbom.matching.models import (
    AvailabilityException,
    Caregiver,
    FollowUpTask,
    VisitAssignment,
    VisitRating,
    VisitRequest,
    WeeklyAvailability,
)
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
    consent_share: bool = False,
    income_tier: str | None = None,
    actor: Any,
) -> VisitRequest:
    """`income_tier`: the family's 아이돌봄 소득유형 (가형..마형) when it knows it, for the fee quote's
    government share; None or "" when not known (the quote is then the full price with a note)."""
    from dolbom.benefits.eligibility.idolbom import normalise_tier

    kids = list(children)
    errors: dict[str, str] = {}
    try:
        tier = normalise_tier(income_tier) or ""
    except ValueError:
        tier = ""
        errors["income_tier"] = _("소득유형은 가형·나형·다형·라형·마형 중 하나이거나 비워 두어야 합니다.")
    if service not in VisitRequest.Service.values:
        errors["service"] = _("알 수 없는 서비스입니다.")
    if not kids:
        errors["children"] = _("돌봄 받을 아동을 한 명 이상 선택해 주세요.")
    elif any(c.household_id != household.pk for c in kids):
        errors["children"] = _("이 가정의 아동만 선택할 수 있습니다.")
    elif any(c.birth_date is None for c in kids):
        errors["children"] = _("출생 전 아동은 방문돌봄을 신청할 수 없습니다.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("종료 시각은 시작 시각보다 늦어야 합니다.")
    elif ends_at - starts_at > dt.timedelta(hours=MAX_VISIT_HOURS):
        errors["ends_at"] = _("한 번에 최대 %(hours)s시간까지 신청할 수 있습니다.") % {"hours": MAX_VISIT_HOURS}
    if starts_at < timezone.now() - dt.timedelta(minutes=5):
        errors["starts_at"] = _("지난 시각으로는 신청할 수 없습니다.")
    bad = set(needs) - NEEDS
    if bad:
        errors["needs"] = _("알 수 없는 필요 사항: %(needs)s") % {"needs": ", ".join(sorted(bad))}
    if "language" in set(needs) and not language:
        errors["language"] = _("언어 지원이 필요하면 언어를 선택해 주세요.")
    if not (33.0 <= lat <= 39.0 and 124.0 <= lng <= 132.0):
        errors["lat"] = _("주소의 위치가 올바르지 않습니다.")
    if not address.strip():
        errors["address"] = _("방문 주소를 입력해 주세요.")
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
            consent_share=consent_share,
            income_tier=tier,
        )
        req.children.set(kids)
        audit_log(actor=actor, action="visit_request.create", obj=req, after={"status": req.status})
        _notify_family(
            req,
            "visit.requested",
            "방문돌봄 신청을 받았습니다",
            f"{req.get_service_display()} {_when(req)} 신청을 받았습니다. 돌보미가 정해지면 알려 드립니다.",
        )
    return req


def visit_request_cancel(*, request: VisitRequest, actor: Any) -> VisitRequest:
    with transaction.atomic():
        req = VisitRequest.objects.select_for_update().get(pk=request.pk)
        if req.status not in (VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED, VisitRequest.Status.ASSIGNED):
            raise TransitionNotAllowed(_("이미 시작했거나 종료된 요청은 취소할 수 없습니다."))
        before = req.status
        for a in req.assignments.filter(status__in=VisitAssignment.ACTIVE):
            _assignment_set_status(a, VisitAssignment.Status.CANCELLED, actor)
        req.status = VisitRequest.Status.CANCELLED
        req.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor, action="visit_request.cancel", obj=req, before={"status": before}, after={"status": req.status}
        )
        _notify_family(req, "visit.cancelled", "방문돌봄 요청이 취소되었습니다", f"{_when(req)} 요청이 취소되었습니다.")
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
            raise TransitionNotAllowed(_("제안 또는 요청 상태의 배정만 확정할 수 있습니다."))
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
                raise Conflict(_("돌보미에게 겹치는 다른 배정이 있어 확정할 수 없습니다."), code="caregiver_busy")
        locks.between_check_and_write()
        _assignment_set_status(a, VisitAssignment.Status.ACCEPTED, actor)
        before = r.status
        r.status = VisitRequest.Status.ASSIGNED
        r.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor, action="visit_request.status", obj=r, before={"status": before}, after={"status": r.status}
        )
        _notify_family(
            r,
            "visit.confirmed",
            "방문돌봄 돌보미가 확정되었습니다",
            f"{_when(r)} 방문에 {a.caregiver.display_name} 돌보미가 배정되었습니다.",
        )
    return a


def visit_offer_next(*, request: VisitRequest, actor: Any) -> VisitAssignment | None:
    """Offers in turn for an urgent request: offer the best-ranked caregiver who has not declined this
    request yet (the caregiver is notified and accepts or declines); None when nobody is left."""
    with transaction.atomic():
        req = VisitRequest.objects.select_for_update().select_related("region").get(pk=request.pk)
        if req.status not in (VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED):
            raise TransitionNotAllowed(_("배정 대기 중인 요청만 제안할 수 있습니다."))
        active = req.assignments.filter(status__in=VisitAssignment.ACTIVE).first()
        if active is not None and active.status != VisitAssignment.Status.PROPOSED:
            return active  # an offer is already out, or someone accepted
        declined = set(
            req.assignments.filter(status=VisitAssignment.Status.DECLINED).values_list("caregiver_id", flat=True)
        )
        ranked, _total = visit_candidates(request=req, limit=len(declined) + 1)
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
            raise TransitionNotAllowed(_("제안 또는 요청 상태의 배정만 거절할 수 있습니다."))
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


# ------------------------------------------------------------------ visit lifecycle and 사후관리
#
# request:    open → proposed → assigned → in_service → done → followed_up
#             (cancelled from open/proposed/assigned; expired when nobody could be found)
# assignment: proposed/offered → accepted → completed (declined / cancelled on the side)

LOW_RATING = 2
FOLLOWUP_DAYS = 3


def _when(req: VisitRequest) -> str:
    start, end = timezone.localtime(req.starts_at), timezone.localtime(req.ends_at)
    return f"{start:%m월 %d일 %H:%M}~{end:%H:%M}"


def _duration(d: dt.timedelta) -> str:
    h, m = divmod(max(1, round(d.total_seconds() / 60)), 60)
    return f"{h}시간 {m}분" if h and m else f"{h}시간" if h else f"{m}분"


def _notify_family(req: VisitRequest, kind: str, subject: str, body: str, *, key: str = "") -> None:
    guardian = req.household.guardian if req.household_id else None
    if guardian is None:
        return
    notification_enqueue(
        recipient=guardian,
        kind=kind,
        subject=subject,
        body=body,
        idempotency_key=key or f"{kind}-{req.pk}",
        payload={"visit_request_id": req.pk},
    )


def _set_request_status(req: VisitRequest, status: str, actor: Any, **extra: Any) -> None:
    before = req.status
    req.status = status
    req.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action="visit_request.status",
        obj=req,
        before={"status": before},
        after={"status": status, **extra},
    )


def _own_assignment(assignment: VisitAssignment, actor: Any) -> VisitAssignment:
    a = (
        VisitAssignment.objects.select_for_update()
        .select_related("request__household__guardian", "request__region", "caregiver")
        .get(pk=assignment.pk)
    )
    if getattr(actor, "role", None) != "admin" and (a.caregiver.user_id is None or a.caregiver.user_id != actor.pk):
        raise PermissionDenied(_("본인에게 배정된 방문만 기록할 수 있습니다."))
    return a


def visit_arrival_record(*, assignment: VisitAssignment, actor: Any, at: dt.datetime | None = None) -> VisitAssignment:
    """The caregiver arrives: assigned → in service. Not earlier than an hour before the visit."""
    now = at or timezone.now()
    with transaction.atomic():
        a = _own_assignment(assignment, actor)
        r = a.request
        if a.status != VisitAssignment.Status.ACCEPTED or r.status != VisitRequest.Status.ASSIGNED:
            raise TransitionNotAllowed(_("확정된 방문에만 도착을 기록할 수 있습니다."))
        if now < a.starts_at - dt.timedelta(hours=1):
            raise TransitionNotAllowed(_("방문 시작 1시간 전부터 도착을 기록할 수 있습니다."), code="too_early")
        a.arrived_at = now
        a.save(update_fields=["arrived_at", "updated_at"])
        audit_log(actor=actor, action="visit_assignment.arrival", obj=a, after={"arrived_at": now.isoformat()})
        _set_request_status(r, VisitRequest.Status.IN_SERVICE, actor)
        _notify_family(
            r,
            "visit.arrived",
            "돌보미가 도착했습니다",
            f"{a.caregiver.display_name} 돌보미가 {timezone.localtime(now):%H:%M}에 도착했습니다.",
        )
    return a


def visit_end_record(
    *, assignment: VisitAssignment, actor: Any, notes: str = "", at: dt.datetime | None = None
) -> VisitAssignment:
    """The caregiver ends the visit with notes: in service → done. Actual hours and the fee quote (at the
    actual times, full price before the income tier is applied) are kept on the assignment."""
    from dolbom.matching.selectors import visit_fee_quote

    now = at or timezone.now()
    if len(notes) > 2000:
        raise InvalidInput(detail={"fields": {"notes": _("돌봄 기록은 2000자까지 쓸 수 있습니다.")}})
    with transaction.atomic():
        a = _own_assignment(assignment, actor)
        r = a.request
        if r.status != VisitRequest.Status.IN_SERVICE or a.arrived_at is None:
            raise TransitionNotAllowed(_("도착을 기록한 방문만 종료할 수 있습니다."))
        if now <= a.arrived_at:
            raise InvalidInput(detail={"fields": {"ended_at": _("종료 시각은 도착 시각보다 늦어야 합니다.")}})
        quote = visit_fee_quote(request=r, starts_at=a.arrived_at, ends_at=now)
        a.ended_at = now
        a.care_notes = notes.strip()
        a.actual_hours = round((now - a.arrived_at).total_seconds() / 3600, 2)
        a.fee_total = quote.total
        a.status = VisitAssignment.Status.COMPLETED
        a.save(update_fields=["ended_at", "care_notes", "actual_hours", "fee_total", "status", "updated_at"])
        audit_log(
            actor=actor,
            action="visit_assignment.completed",
            obj=a,
            before={"status": VisitAssignment.Status.ACCEPTED},
            after={"status": a.status, "actual_hours": a.actual_hours, "fee_total": a.fee_total},
        )
        _set_request_status(r, VisitRequest.Status.DONE, actor)
        _notify_family(
            r,
            "visit.completed",
            "방문돌봄이 끝났습니다",
            f"{_duration(now - a.arrived_at)} 돌봄, 이용요금 {a.fee_total:,}원(지원 전). "
            "돌봄은 어떠셨나요? 평가를 남겨 주세요.",
        )
    return a


def _family_request(request: VisitRequest, actor: Any) -> VisitRequest:
    req = VisitRequest.objects.select_for_update().select_related("household", "region").get(pk=request.pk)
    if getattr(actor, "role", None) != "admin" and req.household.guardian_id != actor.pk:
        raise PermissionDenied(_("본인 가정의 방문만 평가할 수 있습니다."))
    return req


def _region_coordinator(region: Region) -> Any:
    from dolbom.accounts.models import User

    code = region.code
    for u in User.objects.filter(role="coordinator", is_active=True, scope_region__isnull=False).select_related(
        "scope_region"
    ):
        from dolbom.core.permissions import region_in_scope

        if region_in_scope(u, code):
            return u
    return None


def _followup_open(*, req: VisitRequest, reason: str, detail: str, actor: Any) -> FollowUpTask:
    a = req.assignments.filter(status=VisitAssignment.Status.COMPLETED).first()
    assignee = _region_coordinator(req.region)
    task = FollowUpTask.objects.create(
        request=req,
        caregiver=a.caregiver if a else None,
        region=req.region,
        reason=reason,
        detail=detail,
        assignee=assignee,
        due_date=timezone.localdate() + dt.timedelta(days=FOLLOWUP_DAYS),
    )
    audit_log(actor=actor, action="followup.open", obj=task, after={"reason": reason, "request": req.pk})
    if assignee is not None:
        notification_enqueue(
            recipient=assignee,
            kind="visit.followup",
            subject="방문돌봄 사후관리 과제가 생겼습니다",
            body=f"{task.get_reason_display()}: {_when(req)} 방문. {task.due_date:%m월 %d일}까지 확인해 주세요.",
            idempotency_key=f"followup-{task.pk}",
            payload={"followup_id": task.pk},
        )
    return task


def visit_rate(*, request: VisitRequest, actor: Any, stars: int, comment: str = "", problem: str = "") -> VisitRating:
    """The family rates a finished visit (1–5). A rating of 2 or less, or a problem described with it, opens a
    follow-up task for the region's coordinator."""
    errors = {}
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        errors["stars"] = _("별점은 1점부터 5점까지입니다.")
    if len(comment) > 1000:
        errors["comment"] = _("의견은 1000자까지 쓸 수 있습니다.")
    if len(problem) > 2000:
        errors["problem"] = _("신고 내용은 2000자까지 쓸 수 있습니다.")
    if errors:
        raise InvalidInput(detail={"fields": errors})
    with transaction.atomic():
        req = _family_request(request, actor)
        if req.status not in VisitRequest.COMPLETED_STATES:
            raise TransitionNotAllowed(_("끝난 방문만 평가할 수 있습니다."))
        if VisitRating.objects.filter(request=req).exists():
            raise Conflict(_("이미 평가한 방문입니다."), code="already_rated")
        a = req.assignments.filter(status=VisitAssignment.Status.COMPLETED).select_related("caregiver").first()
        if a is None:
            raise TransitionNotAllowed(_("돌보미가 방문한 기록이 없습니다."))
        rating = VisitRating.objects.create(
            request=req, caregiver=a.caregiver, household=req.household, stars=stars, comment=comment.strip()
        )
        audit_log(actor=actor, action="visit_rating.create", obj=rating, after={"stars": stars, "request": req.pk})
        if stars <= LOW_RATING:
            _followup_open(req=req, reason=FollowUpTask.Reason.LOW_RATING, detail=comment.strip(), actor=actor)
        if problem.strip():
            _followup_open(req=req, reason=FollowUpTask.Reason.REPORT, detail=problem.strip(), actor=actor)
    return rating


def visit_problem_report(*, request: VisitRequest, actor: Any, detail: str) -> FollowUpTask:
    """The family reports a problem with a visit under way or finished; a coordinator follows it up."""
    if not detail.strip():
        raise InvalidInput(detail={"fields": {"detail": _("어떤 문제가 있었는지 적어 주세요.")}})
    if len(detail) > 2000:
        raise InvalidInput(detail={"fields": {"detail": _("신고 내용은 2000자까지 쓸 수 있습니다.")}})
    with transaction.atomic():
        req = _family_request(request, actor)
        if req.status not in (VisitRequest.Status.IN_SERVICE, *VisitRequest.COMPLETED_STATES):
            raise TransitionNotAllowed(_("돌봄이 시작된 방문만 신고할 수 있습니다."))
        if req.status == VisitRequest.Status.FOLLOWED_UP:
            _set_request_status(req, VisitRequest.Status.DONE, actor, reopened=True)
        return _followup_open(req=req, reason=FollowUpTask.Reason.REPORT, detail=detail.strip(), actor=actor)


def _followup_for_staff(task: FollowUpTask, actor: Any) -> FollowUpTask:
    from dolbom.core.permissions import require_region_access, require_role

    t = FollowUpTask.objects.select_for_update().select_related("region", "request").get(pk=task.pk)
    require_role(actor, "coordinator")
    require_region_access(actor, t.region.code)
    return t


def followup_take(*, task: FollowUpTask, actor: Any) -> FollowUpTask:
    with transaction.atomic():
        t = _followup_for_staff(task, actor)
        if t.status != FollowUpTask.Status.OPEN:
            raise TransitionNotAllowed(_("접수 상태의 과제만 맡을 수 있습니다."))
        before = t.status
        t.status, t.assignee = FollowUpTask.Status.IN_PROGRESS, actor
        t.save(update_fields=["status", "assignee", "updated_at"])
        audit_log(actor=actor, action="followup.take", obj=t, before={"status": before}, after={"status": t.status})
    return t


def followup_close(*, task: FollowUpTask, actor: Any, notes: str) -> FollowUpTask:
    """The coordinator closes a follow-up with what was done; when the visit has no other open follow-up it is
    followed up (done → followed_up) and the family is told."""
    if not notes.strip():
        raise InvalidInput(detail={"fields": {"notes": _("처리 내용을 적어 주세요.")}})
    with transaction.atomic():
        t = _followup_for_staff(task, actor)
        if t.status == FollowUpTask.Status.DONE:
            raise TransitionNotAllowed(_("이미 완료된 과제입니다."))
        before = t.status
        t.status, t.notes, t.closed_at = FollowUpTask.Status.DONE, notes.strip(), timezone.now()
        if t.assignee_id is None:
            t.assignee = actor
        t.save(update_fields=["status", "notes", "closed_at", "assignee", "updated_at"])
        audit_log(actor=actor, action="followup.close", obj=t, before={"status": before}, after={"status": t.status})
        req = VisitRequest.objects.select_for_update().select_related("household").get(pk=t.request_id)
        still_open = req.followups.exclude(status=FollowUpTask.Status.DONE).exists()
        if req.status == VisitRequest.Status.DONE and not still_open:
            _set_request_status(req, VisitRequest.Status.FOLLOWED_UP, actor)
            _notify_family(
                req,
                "visit.followed_up",
                "방문돌봄 사후관리가 끝났습니다",
                f"{_when(req)} 방문에 대한 확인을 마쳤습니다.",
            )
    return t


def visit_request_expire(*, request: VisitRequest, actor: Any) -> VisitRequest:
    """No caregiver could be found before the visit would have started: open/proposed → expired."""
    with transaction.atomic():
        req = VisitRequest.objects.select_for_update().select_related("household").get(pk=request.pk)
        if req.status not in (VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED):
            raise TransitionNotAllowed(_("배정 대기 중인 요청만 미배정 종료할 수 있습니다."))
        for a in req.assignments.filter(status__in=VisitAssignment.ACTIVE):
            _assignment_set_status(a, VisitAssignment.Status.CANCELLED, actor)
        _set_request_status(req, VisitRequest.Status.EXPIRED, actor)
        _notify_family(
            req,
            "visit.expired",
            "돌보미를 찾지 못했습니다",
            f"{_when(req)} 요청에 배정할 수 있는 돌보미가 없었습니다. 상담에서 다른 돌봄 방법을 안내받으세요.",
        )
    return req


def visit_offer_to(*, request: VisitRequest, caregiver_id: int, actor: Any) -> VisitAssignment:
    """A coordinator offers the request to one caregiver of the ranked list (hard constraints re-checked now);
    a pending proposal or offer to someone else is withdrawn. The caregiver accepts or declines."""
    with transaction.atomic():
        req = VisitRequest.objects.select_for_update().select_related("region").get(pk=request.pk)
        if req.status not in (VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED):
            raise TransitionNotAllowed(_("배정 대기 중인 요청만 제안할 수 있습니다."))
        declined = set(
            req.assignments.filter(status=VisitAssignment.Status.DECLINED).values_list("caregiver_id", flat=True)
        )
        if caregiver_id in declined:
            raise Conflict(_("이 요청을 이미 거절한 돌보미입니다."), code="declined_before")
        ranked, rejected = visit_candidates(request=req, limit=100)
        choice = next((v for v in ranked if v.caregiver.pk == caregiver_id), None)
        if choice is None:
            raise Conflict(
                _("이 돌보미는 지금 이 요청을 맡을 수 없습니다."),
                code="not_eligible",
                detail={"reasons": rejected.get(str(caregiver_id), [])},
            )
        locks.caregiver_lock(caregiver_id=caregiver_id)
        for old in req.assignments.filter(status__in=VisitAssignment.ACTIVE):
            if old.status == VisitAssignment.Status.ACCEPTED:
                raise TransitionNotAllowed(_("이미 확정된 요청입니다."))
            _assignment_set_status(old, VisitAssignment.Status.CANCELLED, actor)
        a = VisitAssignment.objects.create(
            request=req,
            caregiver=choice.caregiver,
            status=VisitAssignment.Status.OFFERED,
            starts_at=req.starts_at,
            ends_at=req.ends_at,
            distance_km=choice.candidate.distance_km,
            explanation=list(choice.candidate.reasons),
            method="coordinator",
        )
        audit_log(actor=actor, action="visit_assignment.offered", obj=a, after={"caregiver": a.caregiver_id})
        if req.status != VisitRequest.Status.PROPOSED:
            _set_request_status(req, VisitRequest.Status.PROPOSED, actor)
        user = choice.caregiver.user
        if user is not None:
            notification_enqueue(
                recipient=user,
                kind="visit.offer",
                subject="방문돌봄 요청이 도착했습니다",
                body=f"{req.get_service_display()} · {_when(req)} · 이동 약 {choice.candidate.distance_km:.1f}km. "
                "수락 또는 거절해 주세요.",
                idempotency_key=f"visit-offer-{a.pk}",
                payload={"assignment_id": a.pk},
            )
    return a


# ------------------------------------------------------------------ the caregiver's availability


def caregiver_weekly_add(
    *, caregiver: Caregiver, weekday: int, start: dt.time, end: dt.time, actor: Any
) -> WeeklyAvailability:
    errors = {}
    if not 0 <= weekday <= 6:
        errors["weekday"] = _("요일을 골라 주세요.")
    if start >= end:
        errors["end_time"] = _("끝나는 시각은 시작 시각보다 늦어야 합니다.")
    if errors:
        raise InvalidInput(detail={"fields": errors})
    if caregiver.weekly.filter(weekday=weekday, start_time__lt=end, end_time__gt=start).exists():
        raise Conflict(_("같은 요일의 다른 시간과 겹칩니다."), detail={"fields": {"start_time": _("겹치는 시간")}})
    w = WeeklyAvailability.objects.create(caregiver=caregiver, weekday=weekday, start_time=start, end_time=end)
    audit_log(actor=actor, action="caregiver.weekly_add", obj=w, after={"weekday": weekday, "start": str(start)})
    return w


def caregiver_weekly_remove(*, caregiver: Caregiver, rule_id: int, actor: Any) -> None:
    w = caregiver.weekly.filter(pk=rule_id).first()
    if w is None:
        raise NotFound(_("가용시간을 찾을 수 없습니다."))
    audit_log(actor=actor, action="caregiver.weekly_remove", obj=w, before={"weekday": w.weekday})
    w.delete()


def caregiver_exception_add(
    *,
    caregiver: Caregiver,
    date: dt.date,
    kind: str,
    start: dt.time | None,
    end: dt.time | None,
    actor: Any,
) -> AvailabilityException:
    errors = {}
    if kind not in AvailabilityException.Kind.values:
        errors["kind"] = _("구분을 골라 주세요.")
    if (start is None) != (end is None):
        errors["end_time"] = _("시작과 끝 시각을 함께 적어 주세요.")
    elif start is not None and end is not None and start >= end:
        errors["end_time"] = _("끝나는 시각은 시작 시각보다 늦어야 합니다.")
    if kind == AvailabilityException.Kind.EXTRA and start is None:
        errors["start_time"] = _("추가 가능 시간은 시각을 적어 주세요.")
    if date < timezone.localdate():
        errors["date"] = _("지난 날짜는 바꿀 수 없습니다.")
    if errors:
        raise InvalidInput(detail={"fields": errors})
    e = AvailabilityException.objects.create(caregiver=caregiver, date=date, kind=kind, start_time=start, end_time=end)
    audit_log(actor=actor, action="caregiver.exception_add", obj=e, after={"date": date.isoformat(), "kind": kind})
    return e


def caregiver_exception_remove(*, caregiver: Caregiver, exception_id: int, actor: Any) -> None:
    e = caregiver.exceptions.filter(pk=exception_id).first()
    if e is None:
        raise NotFound(_("예외 일정을 찾을 수 없습니다."))
    audit_log(actor=actor, action="caregiver.exception_remove", obj=e, before={"date": e.date.isoformat()})
    e.delete()


def visit_requests_expire_due(*, now: dt.datetime | None = None, grace_minutes: int = 30) -> int:
    """No-caregiver branch, run periodically: requests still waiting `grace_minutes` after their start are
    expired and the family told. Idempotent."""
    cutoff = (now or timezone.now()) - dt.timedelta(minutes=grace_minutes)
    due = VisitRequest.objects.filter(
        status__in=[VisitRequest.Status.OPEN, VisitRequest.Status.PROPOSED], starts_at__lt=cutoff
    ).values_list("pk", flat=True)
    n = 0
    for pk in list(due):
        try:
            visit_request_expire(request=VisitRequest(pk=pk), actor=None)
            n += 1
        except TransitionNotAllowed:
            continue  # changed meanwhile
    return n
