"""The visit after confirmation: arrival, end with notes, the family's rating or report, 사후관리."""

import datetime as dt

import pytest

from dolbom.core.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from dolbom.core.models import AuditEntry, Notification
from dolbom.matching.models import FollowUpTask, VisitAssignment, VisitRating, VisitRequest
from dolbom.matching.services import (
    followup_close,
    followup_take,
    visit_arrival_record,
    visit_assignment_confirm,
    visit_end_record,
    visit_problem_report,
    visit_rate,
    visit_request_cancel,
    visit_request_expire,
)
from tests.factories import UserFactory

from .test_services import at, make_caregiver, make_request


@pytest.fixture
def cg_user(db):
    return UserFactory(username="cg-a", role="caregiver")


@pytest.fixture
def assigned(household, regions, citizen, coordinator_suwon, cg_user):
    c = make_caregiver(regions)
    c.user = cg_user
    c.save()
    req = make_request(household, regions, citizen, start=9, end=12)
    a = VisitAssignment.objects.create(request=req, caregiver=c, starts_at=req.starts_at, ends_at=req.ends_at)
    visit_assignment_confirm(assignment=a, actor=coordinator_suwon)
    a.refresh_from_db()
    return a


def _done(a, cg_user):
    visit_arrival_record(assignment=a, actor=cg_user, at=at(9.05))
    return visit_end_record(assignment=a, actor=cg_user, notes="낮잠 1시간, 간식 먹음", at=at(12.05))


def test_full_lifecycle_with_audit_and_notifications(assigned, cg_user, citizen, coordinator_suwon):
    a = assigned
    visit_arrival_record(assignment=a, actor=cg_user, at=at(9.05))
    a.request.refresh_from_db()
    assert a.request.status == "in_service"
    visit_end_record(assignment=a, actor=cg_user, notes="낮잠 1시간", at=at(12.05))
    a.refresh_from_db()
    a.request.refresh_from_db()
    assert a.status == "completed" and a.request.status == "done"
    assert a.actual_hours == 3.0 and a.care_notes == "낮잠 1시간"
    # 2031-03-04 daytime, 3 hours at the rate in force then (no surcharge)
    from dolbom.matching.selectors import hourly_rate_on

    assert a.fee_total == 3 * hourly_rate_on(dt.date(2031, 3, 4))
    visit_rate(request=a.request, actor=citizen, stars=5, comment="좋았어요")
    assert not FollowUpTask.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"visit_assignment.arrival", "visit_assignment.completed", "visit_rating.create"} <= actions
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"visit.confirmed", "visit.arrived", "visit.completed"} <= kinds


def test_low_rating_opens_a_followup_for_the_region_coordinator(assigned, cg_user, citizen, coordinator_suwon):
    _done(assigned, cg_user)
    req = assigned.request
    visit_rate(request=req, actor=citizen, stars=2, comment="늦게 왔어요")
    task = FollowUpTask.objects.get()
    assert task.reason == "low_rating" and task.assignee == coordinator_suwon and task.status == "open"
    assert task.caregiver_id == assigned.caregiver_id
    assert Notification.objects.filter(kind="visit.followup", recipient=coordinator_suwon).exists()
    followup_take(task=task, actor=coordinator_suwon)
    task.refresh_from_db()
    assert task.status == "in_progress"
    followup_close(task=task, actor=coordinator_suwon, notes="보호자 통화, 돌보미 교육")
    req.refresh_from_db()
    task.refresh_from_db()
    assert task.status == "done" and req.status == "followed_up"
    with pytest.raises(TransitionNotAllowed):
        followup_close(task=task, actor=coordinator_suwon, notes="again")


def test_rating_three_opens_nothing_but_a_problem_with_it_does(assigned, cg_user, citizen):
    _done(assigned, cg_user)
    visit_rate(request=assigned.request, actor=citizen, stars=3, problem="아이가 다쳤어요")
    assert list(FollowUpTask.objects.values_list("reason", flat=True)) == ["report"]


def test_report_during_service_and_after_followup_reopens(assigned, cg_user, citizen, coordinator_suwon):
    visit_arrival_record(assignment=assigned, actor=cg_user, at=at(9))
    t1 = visit_problem_report(request=assigned.request, actor=citizen, detail="돌보미가 휴대폰만 봐요")
    visit_end_record(assignment=assigned, actor=cg_user, at=at(12))
    req = assigned.request
    req.refresh_from_db()
    assert req.status == "done"
    followup_close(task=t1, actor=coordinator_suwon, notes="확인")
    req.refresh_from_db()
    assert req.status == "followed_up"
    visit_problem_report(request=req, actor=citizen, detail="물건이 없어졌어요")
    req.refresh_from_db()
    assert req.status == "done" and FollowUpTask.objects.filter(status="open").count() == 1


def test_refusals_wrong_order(assigned, cg_user, citizen):
    with pytest.raises(TransitionNotAllowed):
        visit_end_record(assignment=assigned, actor=cg_user, at=at(12))
    with pytest.raises(TransitionNotAllowed):
        visit_rate(request=assigned.request, actor=citizen, stars=5)
    with pytest.raises(TransitionNotAllowed):
        visit_problem_report(request=assigned.request, actor=citizen, detail="x")
    with pytest.raises(TransitionNotAllowed, match="1시간 전"):
        visit_arrival_record(assignment=assigned, actor=cg_user, at=at(7.5))
    visit_arrival_record(assignment=assigned, actor=cg_user, at=at(9))
    with pytest.raises(TransitionNotAllowed):
        visit_arrival_record(assignment=assigned, actor=cg_user, at=at(9.1))
    with pytest.raises(TransitionNotAllowed):
        visit_request_cancel(request=assigned.request, actor=citizen)
    with pytest.raises(InvalidInput):
        visit_end_record(assignment=assigned, actor=cg_user, at=at(8))
    visit_end_record(assignment=assigned, actor=cg_user, at=at(12))
    visit_rate(request=assigned.request, actor=citizen, stars=4)
    with pytest.raises(Conflict):
        visit_rate(request=assigned.request, actor=citizen, stars=1)
    assert VisitRating.objects.count() == 1


def test_refusals_wrong_people(assigned, cg_user, citizen, other_citizen, coordinator_gangnam, coordinator_suwon):
    other_cg = UserFactory(username="cg-b", role="caregiver")
    with pytest.raises(PermissionDenied):
        visit_arrival_record(assignment=assigned, actor=other_cg, at=at(9))
    with pytest.raises(PermissionDenied):
        visit_arrival_record(assignment=assigned, actor=citizen, at=at(9))
    visit_arrival_record(assignment=assigned, actor=cg_user, at=at(9))
    with pytest.raises(PermissionDenied):
        visit_end_record(assignment=assigned, actor=other_cg, at=at(12))
    visit_end_record(assignment=assigned, actor=cg_user, at=at(12))
    with pytest.raises(PermissionDenied):
        visit_rate(request=assigned.request, actor=other_citizen, stars=1)
    with pytest.raises(PermissionDenied):
        visit_problem_report(request=assigned.request, actor=other_citizen, detail="x")
    visit_rate(request=assigned.request, actor=citizen, stars=1)
    task = FollowUpTask.objects.get()
    with pytest.raises(PermissionDenied):
        followup_close(task=task, actor=coordinator_gangnam, notes="남의 지역")
    with pytest.raises(PermissionDenied):
        followup_take(task=task, actor=citizen)
    task.refresh_from_db()
    assert task.status == "open"


def test_invalid_rating_values_write_nothing(assigned, cg_user, citizen):
    _done(assigned, cg_user)
    for stars in (0, 6):
        with pytest.raises(InvalidInput):
            visit_rate(request=assigned.request, actor=citizen, stars=stars)
    with pytest.raises(InvalidInput):
        visit_problem_report(request=assigned.request, actor=citizen, detail="  ")
    assert not VisitRating.objects.exists() and not FollowUpTask.objects.exists()


def test_expire_only_while_waiting(household, regions, citizen, coordinator_suwon, assigned):
    req = make_request(household, regions, citizen, start=14, end=16)
    visit_request_expire(request=req, actor=coordinator_suwon)
    req.refresh_from_db()
    assert req.status == "expired"
    assert Notification.objects.filter(kind="visit.expired").exists()
    with pytest.raises(TransitionNotAllowed):
        visit_request_expire(request=req, actor=coordinator_suwon)
    with pytest.raises(TransitionNotAllowed):
        visit_request_expire(request=assigned.request, actor=coordinator_suwon)
    with pytest.raises(TransitionNotAllowed):
        visit_request_cancel(request=req, actor=citizen)


def test_old_status_values_still_valid():
    assert {"open", "proposed", "assigned", "cancelled", "done", "expired"} <= set(VisitRequest.Status.values)


def test_periodic_expiry_closes_only_unfilled_requests_past_their_start(
    household, regions, citizen, coordinator_suwon, assigned
):
    from dolbom.matching.services import visit_requests_expire_due

    waiting = make_request(household, regions, citizen, start=14, end=16)
    assert visit_requests_expire_due(now=at(14.25)) == 0  # within the grace period
    assert visit_requests_expire_due(now=at(15)) == 1
    waiting.refresh_from_db()
    assigned.request.refresh_from_db()
    assert waiting.status == "expired" and assigned.request.status == "assigned"
    assert visit_requests_expire_due(now=at(15)) == 0


def test_offer_to_a_chosen_candidate_and_its_refusals(household, regions, citizen, coordinator_suwon, cg_user):
    from dolbom.matching.services import visit_assignment_decline, visit_offer_to

    near = make_caregiver(regions, "가까운", km_north=0.5)
    near.user = cg_user
    near.save()
    no_infant = make_caregiver(regions, "영아불가", km_north=0.2, infant=False)
    baby = household.children.filter(name="둘째")  # an infant on DAY: needs infant training
    req = make_request(household, regions, citizen, children=list(baby))
    with pytest.raises(Conflict) as err:
        visit_offer_to(request=req, caregiver_id=no_infant.pk, actor=coordinator_suwon)
    assert "영아돌봄" in " ".join(err.value.detail["reasons"])
    a = visit_offer_to(request=req, caregiver_id=near.pk, actor=coordinator_suwon)
    req.refresh_from_db()
    assert a.status == "offered" and req.status == "proposed"
    assert Notification.objects.filter(kind="visit.offer", recipient=cg_user).exists()
    visit_assignment_decline(assignment=a, actor=cg_user, offer_next=False)
    with pytest.raises(Conflict):
        visit_offer_to(request=req, caregiver_id=near.pk, actor=coordinator_suwon)
    visit_request_cancel(request=req, actor=citizen)
    with pytest.raises(TransitionNotAllowed):
        visit_offer_to(request=req, caregiver_id=near.pk, actor=coordinator_suwon)


def test_availability_edits_are_checked_and_audited(regions, cg_user):
    from django.utils import timezone

    from dolbom.matching.services import (
        caregiver_exception_add,
        caregiver_exception_remove,
        caregiver_weekly_add,
        caregiver_weekly_remove,
    )

    c = make_caregiver(regions)  # Tuesday 07–21
    with pytest.raises(Conflict):
        caregiver_weekly_add(caregiver=c, weekday=1, start=dt.time(20), end=dt.time(22), actor=cg_user)
    with pytest.raises(InvalidInput):
        caregiver_weekly_add(caregiver=c, weekday=7, start=dt.time(9), end=dt.time(8), actor=cg_user)
    w = caregiver_weekly_add(caregiver=c, weekday=6, start=dt.time(9), end=dt.time(12), actor=cg_user)
    today = timezone.localdate()
    with pytest.raises(InvalidInput):
        caregiver_exception_add(
            caregiver=c, date=today - dt.timedelta(days=1), kind="unavailable", start=None, end=None, actor=cg_user
        )
    with pytest.raises(InvalidInput):
        caregiver_exception_add(caregiver=c, date=today, kind="extra", start=None, end=None, actor=cg_user)
    e = caregiver_exception_add(caregiver=c, date=today, kind="unavailable", start=None, end=None, actor=cg_user)
    caregiver_weekly_remove(caregiver=c, rule_id=w.pk, actor=cg_user)
    caregiver_exception_remove(caregiver=c, exception_id=e.pk, actor=cg_user)
    actions = list(AuditEntry.objects.filter(action__startswith="caregiver.").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        ["caregiver.weekly_add", "caregiver.exception_add", "caregiver.weekly_remove", "caregiver.exception_remove"]
    )


def test_the_family_is_told_at_every_step(assigned, cg_user, citizen):
    _done(assigned, cg_user)
    kinds = list(Notification.objects.filter(recipient=citizen).order_by("id").values_list("kind", flat=True))
    assert kinds == ["visit.requested", "visit.confirmed", "visit.arrived", "visit.completed"]


def test_a_confirmed_visit_can_be_cancelled_and_its_caregiver_is_freed(assigned, citizen, cg_user):
    """assigned → cancelled (the open and proposed branches are tested with the API and the batch)."""
    assert assigned.request.status == "assigned"
    visit_request_cancel(request=assigned.request, actor=citizen)
    assigned.refresh_from_db()
    assigned.request.refresh_from_db()
    assert assigned.request.status == "cancelled" and assigned.status == "cancelled"
    assert AuditEntry.objects.filter(action="visit_request.cancel", object_id=str(assigned.request.pk)).exists()
    with pytest.raises(TransitionNotAllowed):
        visit_arrival_record(assignment=assigned, actor=cg_user, at=at(9.05))
