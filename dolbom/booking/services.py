"""Writes of the booking domain. Every capacity write is lock → count → write in one transaction."""

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dolbom.accounts.models import Role, User
from dolbom.core.audit import audit_log
from dolbom.core.errors import (
    CapacityExhausted,
    Conflict,
    InvalidInput,
    NotEligible,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from dolbom.core.notifications import notification_enqueue
from dolbom.core.permissions import region_in_scope, require_facility_access, require_login, require_role
from dolbom.households.ages import age_in_months
from dolbom.households.models import Child, Household

from . import clock, locks, rules
from .models import (
    SLOT_MINUTES,
    Booking,
    BookingChild,
    CareService,
    FacilityService,
    Hold,
    HoldItem,
    Occupancy,
    Slot,
    SlotException,
    WaitlistEntry,
)

MAX_CHILDREN = 6
MAX_SLOTS = 24 * 14
BOOKING_STAFF_ROLES = {Role.COORDINATOR, Role.ADMIN}


# ---------------------------------------------------------------- slots


def slots_generate(*, facility_service: FacilityService, start: date, days: int) -> int:
    """Create the hourly slots the weekly rules and exceptions open, for `days` days from `start`.

    Idempotent: existing slots (and the capacity staff gave them) are kept. Returns how many were created.
    """
    rules_ = facility_service.weekly_rules or facility_service.service.hours
    exceptions = {e.date: e for e in SlotException.objects.filter(facility_service=facility_service)}
    tz = timezone.get_current_timezone()
    new: list[Slot] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        exception = exceptions.get(day)
        if exception is not None:
            hours = [] if exception.closed else rules.ranges_to_hours(exception.hours)
        else:
            hours = rules.hours_for_day(rules_, day)
        for first, last in hours:
            for hour in range(first, last):
                starts = timezone.make_aware(datetime(day.year, day.month, day.day, hour), tz)
                new.append(
                    Slot(
                        facility_service=facility_service,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=SLOT_MINUTES),
                        capacity=facility_service.default_capacity,
                    )
                )
    existing = set(
        Slot.objects.filter(facility_service=facility_service, starts_at__in=[s.starts_at for s in new]).values_list(
            "starts_at", flat=True
        )
    )
    to_create = [s for s in new if s.starts_at not in existing]
    Slot.objects.bulk_create(to_create, ignore_conflicts=True)
    return len(to_create)


def slots_generate_ahead(*, today: date | None = None) -> int:
    """Keep every active facility service's slots generated as far ahead as its service lets families book.

    Idempotent (existing slots and their capacities are kept); run daily by the scheduler.
    """
    today = today or timezone.localdate()
    created = 0
    for fs in FacilityService.objects.filter(active=True, service__active=True).select_related("service"):
        created += slots_generate(facility_service=fs, start=today, days=fs.service.advance_days + 1)
    return created


def slot_day_close(*, actor: User, facility_service_id: int, day: date, note: str = "") -> int:
    """Staff close a day (휴원): no new bookings or holds; bookings already made stay for staff to handle."""
    require_role(actor, Role.PROVIDER)
    fs = FacilityService.objects.select_related("facility").filter(pk=facility_service_id).first()
    if fs is None:
        raise NotFound(_("시설의 서비스를 찾을 수 없습니다."))
    require_facility_access(actor, fs.facility)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(day.year, day.month, day.day), tz)
    with transaction.atomic():
        ids = list(
            Slot.objects.filter(
                facility_service=fs, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
            ).values_list("pk", flat=True)
        )
        locks.slots_lock(slot_ids=ids)
        SlotException.objects.update_or_create(
            facility_service=fs, date=day, defaults={"closed": True, "hours": [], "note": note[:200]}
        )
        closed = Slot.objects.filter(pk__in=ids).update(closed=True)
        audit_log(actor=actor, action="slot.close_day", obj=fs, after={"date": day.isoformat(), "note": note})
    return closed


def slot_capacity_set(*, actor: User, slot_id: int, capacity: int) -> Slot:
    """Staff change a slot's capacity (3 → 6). It may not drop below the places already taken."""
    require_role(actor, Role.PROVIDER)
    if capacity < 0 or capacity > 200:
        raise InvalidInput(_("정원은 0명에서 200명 사이로 입력해 주세요."), detail={"fields": {"capacity": _("범위")}})
    slot = Slot.objects.select_related("facility_service__facility").filter(pk=slot_id).first()
    if slot is None:
        raise NotFound(_("시간대를 찾을 수 없습니다."))
    require_facility_access(actor, slot.facility_service.facility)
    with transaction.atomic():
        (slot,) = locks.slots_lock(slot_ids=[slot_id])
        taken = _taken(slot_ids=[slot_id], now=clock.now()).get(slot_id, 0)
        if capacity < taken:
            raise Conflict(
                _("이미 %(taken)s명이 예약·확보한 시간대입니다. 정원을 %(taken)s명 아래로 줄일 수 없습니다.")
                % {"taken": taken},
                code="capacity_below_taken",
                detail={"taken": taken},
            )
        before = slot.capacity
        Slot.objects.filter(pk=slot_id).update(capacity=capacity)
        slot.capacity = capacity
        audit_log(
            actor=actor, action="slot.capacity", obj=slot, before={"capacity": before}, after={"capacity": capacity}
        )
        if capacity > before:
            _advance_after_commit(slot.facility_service_id)
    return slot


def slot_capacity_set_weekday(
    *, actor: User, facility_service_id: int, weekday: int, start: date, end: date, capacity: int
) -> dict[str, int]:
    """Change the capacity of every slot on one weekday between two dates (익산: Saturdays 3 → 6 an hour).

    Slots where more places are already taken keep their capacity and are counted as skipped. Slots generated
    later take the facility service's default capacity: a range of dates is not a standing rule.
    """
    require_role(actor, Role.PROVIDER)
    if capacity < 0 or capacity > 200:
        raise InvalidInput(_("정원은 0명에서 200명 사이로 입력해 주세요."), detail={"fields": {"capacity": _("범위")}})
    if not 0 <= weekday <= 6 or end < start or (end - start).days > 366:
        raise InvalidInput(
            _("요일과 기간을 확인해 주세요."), detail={"fields": {"weekday": _("범위"), "end": _("범위")}}
        )
    fs = FacilityService.objects.select_related("facility").filter(pk=facility_service_id).first()
    if fs is None:
        raise NotFound(_("시설의 서비스를 찾을 수 없습니다."))
    require_facility_access(actor, fs.facility)
    tz = timezone.get_current_timezone()
    lower = timezone.make_aware(datetime(start.year, start.month, start.day), tz)
    upper = timezone.make_aware(datetime(end.year, end.month, end.day), tz) + timedelta(days=1)
    candidates = [
        s.pk
        for s in Slot.objects.filter(facility_service=fs, starts_at__gte=lower, starts_at__lt=upper)
        if timezone.localtime(s.starts_at).weekday() == weekday
    ]
    changed = skipped = 0
    with transaction.atomic():
        locked = locks.slots_lock(slot_ids=candidates)
        taken = _taken(slot_ids=candidates, now=clock.now())
        raise_ids = [s.pk for s in locked if taken[s.pk] <= capacity and s.capacity != capacity]
        skipped = sum(1 for s in locked if taken[s.pk] > capacity)
        changed = Slot.objects.filter(pk__in=raise_ids).update(capacity=capacity)
        audit_log(
            actor=actor,
            action="slot.capacity_weekday",
            obj=fs,
            after={"weekday": weekday, "start": start.isoformat(), "end": end.isoformat(), "capacity": capacity,
                   "changed": changed, "skipped": skipped},
        )  # fmt: skip
        if changed:
            _advance_after_commit(fs.pk)
    return {"changed": changed, "skipped": skipped}


# ---------------------------------------------------------------- counting


def _status_label(status: str) -> str:
    from .selectors import booking_status_label  # selectors import this module

    return booking_status_label(status)


def _month_day(moment: datetime) -> str:
    """'11월 25일' in Korean, 'November 25' in English: the date in the active language's own format."""
    return date_format(timezone.localtime(moment), "MONTH_DAY_FORMAT")


def _month_day_time(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"


def _taken(*, slot_ids: Sequence[int], now: datetime, exclude_hold_id: int | None = None) -> Counter[int]:
    """Places taken per slot: occupancy rows of active bookings + rows of unexpired holds.

    One round trip (UNION ALL of both counts), since it runs while the slot locks are held.
    """
    booked = (
        Occupancy.objects.filter(slot_id__in=slot_ids, active=True).values("slot_id").annotate(n=Count("id"))
    ).values_list("slot_id", "n")
    holds = HoldItem.objects.filter(slot_id__in=slot_ids, expires_at__gt=now)
    if exclude_hold_id is not None:
        holds = holds.exclude(hold_id=exclude_hold_id)
    held = holds.values("slot_id").annotate(n=Count("id")).values_list("slot_id", "n")
    taken: Counter[int] = Counter()
    for slot_id, n in booked.union(held, all=True):
        taken[slot_id] += n
    return taken


def _check_capacity(*, slots: Sequence[Slot], places: int, now: datetime, exclude_hold_id: int | None = None) -> None:
    closed = [s for s in slots if s.closed]
    if closed:
        raise NotEligible(
            _("%(date)s은(는) 시설이 쉬는 날입니다.") % {"date": _month_day(closed[0].starts_at)},
            code="slot_closed",
            detail={"slot_ids": [s.pk for s in closed]},
        )
    taken = _taken(slot_ids=[s.pk for s in slots], now=now, exclude_hold_id=exclude_hold_id)
    short = [s for s in slots if s.capacity - taken[s.pk] < places]
    if short:
        first = timezone.localtime(short[0].starts_at)
        raise CapacityExhausted(
            _("%(when)s 시간대에 남은 자리가 부족합니다. 대기 신청을 할 수 있습니다.")
            % {"when": _month_day_time(first)},
            detail={
                "slots": [{"slot_id": s.pk, "available": max(0, s.capacity - taken[s.pk])} for s in short],
                "requested": places,
                "waitlist": True,
            },
        )


# ---------------------------------------------------------------- validation


def _actor_household(*, actor: User, household_id: int | None) -> Household:
    require_login(actor)
    if household_id is None:
        if actor.role != Role.CITIZEN:
            raise PermissionDenied(_("보호자 계정이나 가구를 지정한 상담원만 예약할 수 있습니다."))
        household, _created = Household.objects.select_related("home_region", "guardian").get_or_create(guardian=actor)
        return household
    if actor.role not in BOOKING_STAFF_ROLES and not actor.is_superuser:
        raise PermissionDenied(_("다른 가구를 대신해 예약할 권한이 없습니다."))
    found = Household.objects.select_related("home_region", "guardian").filter(pk=household_id).first()
    if found is None or not region_in_scope(actor, found.home_region.code if found.home_region else None):
        raise NotFound(_("가구를 찾을 수 없습니다."))
    return found


def _load_children(*, household: Household, child_ids: Sequence[int]) -> list[Child]:
    ids = list(dict.fromkeys(child_ids))
    if not ids:
        raise InvalidInput(_("돌봄 받을 아이를 한 명 이상 고르세요."), detail={"fields": {"child_ids": _("필수")}})
    if len(ids) > MAX_CHILDREN:
        raise InvalidInput(
            _("한 번에 %(n)s명까지 예약할 수 있습니다.") % {"n": MAX_CHILDREN},
            detail={"fields": {"child_ids": _("개수")}},
        )
    children = list(Child.objects.filter(household=household, pk__in=ids).order_by("pk"))
    if len(children) != len(ids):
        raise NotFound(_("등록된 아동을 찾을 수 없습니다."), detail={"fields": {"child_ids": _("없는 아동")}})
    return children


def _household_and_children(
    *, actor: User, household_id: int | None, child_ids: Sequence[int]
) -> tuple[Household, list[Child]]:
    """The household booking and its chosen children. A family booking for itself (the common case) gets both
    from one query; every other case (staff for a family, no household yet, a child not theirs) takes the
    longer path with its own refusals."""
    ids = list(dict.fromkeys(child_ids))
    if household_id is None and getattr(actor, "role", None) == Role.CITIZEN and 0 < len(ids) <= MAX_CHILDREN:
        children = list(
            Child.objects.filter(household__guardian=actor, pk__in=ids)
            .select_related("household__home_region")
            .order_by("pk")
        )
        if children and len(children) == len(ids):
            household = children[0].household
            household.guardian = actor
            for child in children:
                child.household = household
            return household, children
    household = _actor_household(actor=actor, household_id=household_id)
    return household, _load_children(household=household, child_ids=child_ids)


def _load_slots(*, slot_ids: Sequence[int]) -> list[Slot]:
    ids = list(dict.fromkeys(slot_ids))
    if not ids:
        raise InvalidInput(_("이용할 시간대를 고르세요."), detail={"fields": {"slot_ids": _("필수")}})
    if len(ids) > MAX_SLOTS:
        raise InvalidInput(_("한 번에 예약할 수 있는 시간을 넘었습니다."), detail={"fields": {"slot_ids": _("개수")}})
    slots = list(
        Slot.objects.filter(pk__in=ids)
        .select_related("facility_service__service", "facility_service__facility__region")
        .order_by("starts_at")
    )
    if len(slots) != len(ids):
        raise NotFound(_("시간대를 찾을 수 없습니다."), detail={"fields": {"slot_ids": _("없는 시간대")}})
    if len({s.facility_service_id for s in slots}) != 1:
        raise InvalidInput(
            _("한 예약은 한 시설의 한 서비스만 고를 수 있습니다."), detail={"fields": {"slot_ids": _("혼합")}}
        )
    for previous, current in itertools.pairwise(slots):
        if current.starts_at != previous.ends_at:
            raise InvalidInput(
                _("이어지는 시간대만 한 예약으로 고를 수 있습니다."), detail={"fields": {"slot_ids": _("연속 아님")}}
            )
    return slots


def facility_is_bookable(facility: Any, on: date) -> bool:
    """Closed (폐지) and suspended (휴지) facilities are never bookable."""
    listed = getattr(type(facility), "LISTED_STATUSES", None)
    status = getattr(facility, "status", None)
    if listed is not None and status is not None and status not in listed:
        return False
    start, until = getattr(facility, "suspended_from", None), getattr(facility, "suspended_until", None)
    if start and start <= on and (until is None or on <= until):
        return False
    closed_on = getattr(facility, "closed_on", None)
    return not (closed_on and closed_on <= on)


def participates(*, service: CareService, region_code: str | None, on: date) -> bool:
    if not region_code:
        return False
    for p in service.participations.all():
        if (p.starts_on is None or p.starts_on <= on) and (p.ends_on is None or on <= p.ends_on):
            if region_code.startswith(p.region_prefix):
                return True
    return False


def _validate(
    *, household: Household, slots: list[Slot], children: list[Child], now: datetime, check_cutoffs: bool = True
) -> FacilityService:
    """Every refusal that does not depend on capacity, each with its own code and Korean reason."""
    facility_service = slots[0].facility_service
    service = facility_service.service
    facility = facility_service.facility
    first_local = timezone.localtime(slots[0].starts_at)
    now_local = timezone.localtime(now)
    if not (service.active and facility_service.active) or not facility_is_bookable(facility, first_local.date()):
        raise NotEligible(
            _("지금은 이 시설에서 이 서비스를 예약할 수 없습니다 (휴지·폐지 또는 운영 중단)."),
            code="facility_not_bookable",
        )
    region = household.home_region
    if not participates(service=service, region_code=region.code if region else None, on=first_local.date()):
        raise NotEligible(
            _("%(name)s은(는) 참여 시·군 주민만 예약할 수 있습니다. 거주지를 확인해 주세요.") % {"name": service.name},
            code="not_resident",
            detail={"region": region.full_name if region else None},
        )
    for child in children:
        if child.birth_date is None:
            raise NotEligible(
                _("%(name)s: 출생 전인 아이는 예약할 수 없습니다.") % {"name": child.name},
                code="age_not_served",
                detail={"child_id": child.pk},
            )
        months = age_in_months(child.birth_date, first_local.date())
        if not service.age_min_months <= months <= service.age_max_months:
            raise NotEligible(
                _(
                    "%(child)s(만 %(months)s개월)은 %(service)s 이용 연령"
                    "(%(age_min_months)s~%(age_max_months)s개월)이 아닙니다."
                )
                % {
                    "child": child.name,
                    "months": months,
                    "service": service.name,
                    "age_min_months": service.age_min_months,
                    "age_max_months": service.age_max_months,
                },
                code="age_not_served",
                detail={"child_id": child.pk, "age_months": months},
            )
    if check_cutoffs:
        _check_cutoffs(service=service, slots=slots, now_local=now_local)
    hours = len(slots) * SLOT_MINUTES // 60
    if hours < service.min_hours:
        raise InvalidInput(
            _("최소 %(min_hours)s시간 이상 예약해야 합니다.") % {"min_hours": service.min_hours}, code="too_short"
        )
    if service.max_hours and hours > service.max_hours:
        raise InvalidInput(
            _("한 번에 최대 %(max_hours)s시간까지 예약할 수 있습니다.") % {"max_hours": service.max_hours},
            code="too_long",
        )
    if service.no_show_limit:
        since = now - timedelta(days=service.no_show_window_days)
        no_shows = Booking.objects.filter(
            household=household, status=Booking.Status.NO_SHOW, starts_at__gte=since
        ).count()
        if no_shows >= service.no_show_limit:
            raise NotEligible(
                _(
                    "최근 %(no_show_window_days)s일 동안 예약 후 이용하지 않은 기록이 "
                    "%(no_shows)s번 있어 당분간 예약할 수 없습니다. 시설이나 상담센터에 문의해 주세요."
                )
                % {"no_show_window_days": service.no_show_window_days, "no_shows": no_shows},
                code="no_show_limit",
            )
    return facility_service


def _check_consecutive_days(*, service: CareService, slots: Sequence[Slot], children: Sequence[Child]) -> None:
    if not service.max_consecutive_days:
        return
    new_days = {timezone.localtime(s.starts_at).date() for s in slots}
    for child in children:
        booked = Occupancy.objects.filter(
            child=child, active=True, booking__facility_service__service=service
        ).values_list("starts_at", flat=True)
        days = {timezone.localtime(t).date() for t in booked} | new_days
        if rules.longest_run_through(days, new_days) > service.max_consecutive_days:
            raise NotEligible(
                _("%(child)s: %(service)s은(는) 최대 %(days)s일 연속으로 이용할 수 있습니다.")
                % {"child": child.name, "service": service.name, "days": service.max_consecutive_days},
                code="consecutive_day_limit",
                detail={"child_id": child.pk, "max_consecutive_days": service.max_consecutive_days},
            )


def _locked_child_checks(*, service: CareService, slots: Sequence[Slot], children: Sequence[Child]) -> None:
    """Checks that read a child's other bookings, repeated under the children's row locks: two requests for
    the same child on different days lock different slots, and would otherwise both pass the day-run limit."""
    locks.children_lock(child_ids=[c.pk for c in children])
    _already_booked(slots=list(slots), children=list(children))
    _check_consecutive_days(service=service, slots=slots, children=children)


@dataclass(frozen=True)
class _Ask:
    """A request for places (book, hold, wait), loaded and checked against every rule that needs no lock."""

    household: Household
    children: list[Child]
    slots: list[Slot]
    facility_service: FacilityService
    now: datetime


def _ask(*, actor: User, slot_ids: Sequence[int], child_ids: Sequence[int], household_id: int | None) -> _Ask:
    household, children = _household_and_children(actor=actor, household_id=household_id, child_ids=child_ids)
    slots = _load_slots(slot_ids=slot_ids)
    now = clock.now()
    facility_service = _validate(household=household, slots=slots, children=children, now=now)
    return _Ask(household=household, children=children, slots=slots, facility_service=facility_service, now=now)


def _lock_places(ask: _Ask) -> list[Slot]:
    """Inside the caller's transaction: lock the slots (pk order), then the children, and repeat the checks that
    read the children's other bookings. Returns the locked slots, fresh, in time order; the caller counts."""
    locked = locks.slots_lock(slot_ids=[s.pk for s in ask.slots])
    locked.sort(key=lambda s: s.starts_at)
    _locked_child_checks(service=ask.facility_service.service, slots=locked, children=ask.children)
    return locked


def _check_cutoffs(*, service: CareService, slots: list[Slot], now_local: datetime) -> None:
    first_local = timezone.localtime(slots[0].starts_at)
    if first_local <= now_local:
        raise NotEligible(_("이미 시작했거나 지난 시간대입니다."), code="slot_started")
    if first_local.date() > now_local.date() + timedelta(days=service.advance_days):
        raise NotEligible(
            _("%(advance_days)s일 이후의 시간대는 아직 예약할 수 없습니다.") % {"advance_days": service.advance_days},
            code="too_far_ahead",
        )
    if (
        service.same_day_cutoff
        and first_local.date() == now_local.date()
        and now_local.time() > service.same_day_cutoff
    ):
        raise NotEligible(
            _("당일 예약은 %(same_day_cutoff)s까지입니다. 예약 마감 시각이 지났습니다.")
            % {"same_day_cutoff": format(service.same_day_cutoff, "%H:%M")},
            code="cutoff_passed",
            detail={"cutoff": f"{service.same_day_cutoff:%H:%M}", "rule": "same_day"},
        )
    if service.previous_day_cutoff:
        for slot in slots:
            local = timezone.localtime(slot.starts_at)
            if not rules.is_night(local, night_starts=service.night_starts, night_ends=service.night_ends):
                continue
            night = rules.night_of(local, night_ends=service.night_ends)
            deadline = datetime.combine(night - timedelta(days=1), service.previous_day_cutoff, tzinfo=local.tzinfo)
            if now_local > deadline:
                raise NotEligible(
                    _(
                        "야간 돌봄(%(night_starts)s~%(night_ends)s)은 전날 "
                        "%(previous_day_cutoff)s까지 예약해야 합니다. 예약 마감 시각이 지났습니다."
                    )
                    % {
                        "night_starts": format(service.night_starts, "%H:%M"),
                        "night_ends": format(service.night_ends, "%H:%M"),
                        "previous_day_cutoff": format(service.previous_day_cutoff, "%H:%M"),
                    },
                    code="cutoff_passed",
                    detail={"cutoff": f"{service.previous_day_cutoff:%H:%M}", "rule": "previous_day_night"},
                )
            break


def slot_cutoff_reason(*, service: CareService, slot: Slot, now: datetime) -> str | None:
    """Why a single slot can no longer be booked because of the clock (for pages), or None."""
    try:
        _check_cutoffs(service=service, slots=[slot], now_local=timezone.localtime(now))
    except NotEligible as exc:
        return exc.message
    return None


def _already_booked(*, slots: list[Slot], children: list[Child]) -> None:
    clash = (
        Occupancy.objects.filter(child__in=children, starts_at__in=[s.starts_at for s in slots], active=True)
        .select_related("child")
        .first()
    )
    if clash is not None:
        raise Conflict(
            _("%(child)s은(는) %(when)s에 이미 다른 예약이 있습니다.")
            % {"child": clash.child.name, "when": _month_day_time(clash.starts_at)},
            code="already_booked",
            detail={"child_id": clash.child_id},
        )


def booking_fee(*, service: CareService, slots: Sequence[Slot], children_count: int) -> int:
    per_child = sum(
        rules.hour_fee(
            timezone.localtime(s.starts_at),
            hourly_fee=service.hourly_fee,
            night_pct=service.night_surcharge_pct,
            holiday_pct=service.holiday_surcharge_pct,
            night_starts=service.night_starts,
            night_ends=service.night_ends,
        )
        for s in slots
    )
    return per_child * children_count


# ---------------------------------------------------------------- booking


def _write_booking(
    *,
    household: Household,
    facility_service: FacilityService,
    slots: list[Slot],
    children: list[Child],
    actor: User,
    exemption: str,
) -> Booking:
    service = facility_service.service
    if exemption and exemption not in (service.fee_exemptions or []):
        raise InvalidInput(
            _("면제 사유가 이 서비스의 면제 대상이 아닙니다."), detail={"fields": {"exemption": _("대상 아님")}}
        )
    status = Booking.Status.PENDING if service.requires_approval else Booking.Status.CONFIRMED
    try:
        # No savepoint: a constraint violation aborts the whole (outer) transaction, which is what we want,
        # and the lock is held for two round trips less.
        with transaction.atomic(savepoint=False):
            booking = Booking.objects.create(
                household=household,
                facility_service=facility_service,
                status=status,
                starts_at=slots[0].starts_at,
                ends_at=slots[-1].ends_at,
                fee=0 if exemption else booking_fee(service=service, slots=slots, children_count=len(children)),
                fee_exemption=exemption,
                created_by=actor,
            )
            BookingChild.objects.bulk_create([BookingChild(booking=booking, child=c) for c in children])
            Occupancy.objects.bulk_create(
                [Occupancy(booking=booking, slot=s, child=c, starts_at=s.starts_at) for s in slots for c in children]
            )
    except IntegrityError as exc:
        # The partial unique index caught an overlapping booking of the same child that slipped past the check.
        raise Conflict(_("같은 시간에 이미 예약된 아이가 있습니다."), code="already_booked") from exc
    acting_for = household.guardian if actor.pk != household.guardian_id else None
    audit_log(actor=actor, action="booking.create", obj=booking, after={"status": status}, acting_for=acting_for)
    booking.children_list = children  # type: ignore[attr-defined]  # spares the API a second read
    _notify(booking, "created", children)
    return booking


def booking_create(
    *,
    actor: User,
    slot_ids: Sequence[int],
    child_ids: Sequence[int],
    household_id: int | None = None,
    exemption: str = "",
) -> Booking:
    """Book children into consecutive slots: all children in all slots, or nothing (sibling bookings)."""
    ask = _ask(actor=actor, slot_ids=slot_ids, child_ids=child_ids, household_id=household_id)
    with transaction.atomic():
        locked = _lock_places(ask)
        _check_capacity(slots=locked, places=len(ask.children), now=ask.now)
        locks.between_count_and_write()
        return _write_booking(
            household=ask.household,
            facility_service=ask.facility_service,
            slots=locked,
            children=ask.children,
            actor=actor,
            exemption=exemption,
        )


def hold_create(
    *, actor: User, slot_ids: Sequence[int], child_ids: Sequence[int], household_id: int | None = None
) -> Hold:
    """Keep places for a few minutes while the family checks and confirms."""
    ask = _ask(actor=actor, slot_ids=slot_ids, child_ids=child_ids, household_id=household_id)
    with transaction.atomic():
        locked = _lock_places(ask)
        _check_capacity(slots=locked, places=len(ask.children), now=ask.now)
        locks.between_count_and_write()
        return _write_hold(
            household=ask.household,
            facility_service=ask.facility_service,
            slots=locked,
            children=ask.children,
            actor=actor,
            expires_at=ask.now + timedelta(minutes=ask.facility_service.service.hold_minutes),
        )


def _write_hold(
    *,
    household: Household,
    facility_service: FacilityService,
    slots: Sequence[Slot],
    children: Sequence[Child],
    actor: User | None,
    expires_at: datetime,
    waitlist_entry: WaitlistEntry | None = None,
) -> Hold:
    hold = Hold.objects.create(
        household=household,
        facility_service=facility_service,
        created_by=actor,
        made_at=clock.now(),
        expires_at=expires_at,
        waitlist_entry=waitlist_entry,
    )
    HoldItem.objects.bulk_create(
        [HoldItem(hold=hold, slot=s, child=c, expires_at=expires_at) for s in slots for c in children]
    )
    return hold


def _hold_of(*, actor: User, hold_id: int) -> Hold:
    require_login(actor)
    hold = Hold.objects.select_related("household__guardian", "facility_service").filter(pk=hold_id).first()
    if hold is None or (hold.household.guardian_id != actor.pk and hold.created_by_id != actor.pk):
        raise NotFound(_("임시 확보 내역을 찾을 수 없습니다."))
    return hold


def hold_confirm(*, actor: User, hold_id: int, exemption: str = "") -> Booking:
    """Turn an unexpired hold into a booking. The hold's own places are not counted against it."""
    hold = _hold_of(actor=actor, hold_id=hold_id)
    now = clock.now()
    if hold.released:
        raise TransitionNotAllowed(_("이미 처리된 임시 확보입니다."), code="hold_released")
    items = list(hold.items.all())
    slot_ids = sorted({i.slot_id for i in items})
    child_ids = sorted({i.child_id for i in items})
    children = _load_children(household=hold.household, child_ids=child_ids)
    slots = _load_slots(slot_ids=slot_ids)
    # A live hold keeps the terms of the moment it was made: held at 14:58, confirmed at 15:01 for tonight is
    # fine. A hold past its time keeps nothing, but the places may still be free: confirming then competes like
    # a new booking (capacity is counted without the expired hold, which no longer counts anyway).
    terms_at = hold.made_at if hold.made_at and hold.expires_at > now else now
    facility_service = _validate(household=hold.household, slots=slots, children=children, now=terms_at)
    with transaction.atomic():
        locked = locks.slots_lock(slot_ids=slot_ids)
        locked.sort(key=lambda s: s.starts_at)
        if Hold.objects.filter(pk=hold.pk, released=True).exists():
            raise TransitionNotAllowed(_("이미 처리된 임시 확보입니다."), code="hold_released")
        _locked_child_checks(service=facility_service.service, slots=locked, children=children)
        _check_capacity(slots=locked, places=len(children), now=now, exclude_hold_id=hold.pk)
        locks.between_count_and_write()
        booking = _write_booking(
            household=hold.household,
            facility_service=facility_service,
            slots=locked,
            children=children,
            actor=actor,
            exemption=exemption,
        )
        _release(hold, now=now)
        if hold.waitlist_entry_id:
            WaitlistEntry.objects.filter(pk=hold.waitlist_entry_id).update(
                status=WaitlistEntry.Status.BOOKED, booking=booking
            )
    return booking


def _release(hold: Hold, *, now: datetime) -> None:
    Hold.objects.filter(pk=hold.pk).update(released=True)
    HoldItem.objects.filter(hold=hold, expires_at__gt=now).update(expires_at=now)


def hold_release(*, actor: User, hold_id: int) -> None:
    hold = _hold_of(actor=actor, hold_id=hold_id)
    with transaction.atomic():
        _release(hold, now=clock.now())
    _advance_after_commit(hold.facility_service_id)


def _transition(*, booking: Booking, to: str, actor: User, acting_for: User | None = None, **fields: Any) -> Booking:
    if to not in Booking.TRANSITIONS[booking.status]:
        raise TransitionNotAllowed(
            _("'%(status)s' 상태의 예약은 이 단계로 바꿀 수 없습니다.") % {"status": _status_label(booking.status)},
            detail={"status": booking.status, "to": to},
        )
    before = booking.status
    updated = Booking.objects.filter(pk=booking.pk, status=before).update(status=to, **fields)
    if not updated:
        raise TransitionNotAllowed(_("다른 곳에서 예약 상태가 바뀌었습니다. 새로 고침 후 다시 시도해 주세요."))
    booking.status = to
    for name, value in fields.items():
        setattr(booking, name, value)
    if to not in Booking.ACTIVE:
        Occupancy.objects.filter(booking=booking).update(active=False)
    audit_log(
        actor=actor, action=f"booking.{to}", obj=booking, before={"status": before}, after={"status": to},
        acting_for=acting_for,
    )  # fmt: skip
    return booking


def _booking_for_update(booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_for_update()
        .select_related("household__guardian", "facility_service__service", "facility_service__facility")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("예약을 찾을 수 없습니다."))
    return booking


def booking_cancel(*, actor: User, booking_id: int) -> Booking:
    """The family (or a coordinator for them) cancels before the service's deadline; the place is freed."""
    require_login(actor)
    with transaction.atomic():
        booking = _booking_for_update(booking_id)
        guardian = booking.household.guardian
        if guardian.pk != actor.pk:
            region = getattr(booking.household.home_region, "code", None)
            if actor.role not in BOOKING_STAFF_ROLES or not region_in_scope(actor, region):
                raise NotFound(_("예약을 찾을 수 없습니다."))
        service = booking.facility_service.service
        now = clock.now()
        deadline = booking.starts_at - timedelta(hours=service.cancel_deadline_hours)
        if booking.status == Booking.Status.CONFIRMED and now > deadline:
            raise TransitionNotAllowed(
                _("이용 시작 %(cancel_deadline_hours)s시간 전까지만 취소할 수 있습니다. 시설에 연락해 주세요.")
                % {"cancel_deadline_hours": service.cancel_deadline_hours}
                if service.cancel_deadline_hours
                else _("이미 시작한 예약은 취소할 수 없습니다. 시설에 연락해 주세요."),
                code="cancel_deadline_passed",
                detail={"deadline": timezone.localtime(deadline).isoformat()},
            )
        _transition(
            booking=booking,
            to=Booking.Status.CANCELLED,
            actor=actor,
            acting_for=guardian if guardian.pk != actor.pk else None,
            cancelled_at=now,
        )
        _notify(booking, "cancelled")
        _advance_after_commit(booking.facility_service_id)
    return booking


def _provider_booking(*, actor: User, booking_id: int) -> Booking:
    require_role(actor, Role.PROVIDER)
    booking = _booking_for_update(booking_id)
    require_facility_access(actor, booking.facility_service.facility)
    return booking


def booking_decide(*, actor: User, booking_id: int, accept: bool, note: str = "") -> Booking:
    """Provider accepts (pending → confirmed) or declines (→ declined, places freed)."""
    with transaction.atomic():
        booking = _provider_booking(actor=actor, booking_id=booking_id)
        to = Booking.Status.CONFIRMED if accept else Booking.Status.DECLINED
        _transition(booking=booking, to=to, actor=actor, decided_at=clock.now(), note=note[:300])
        _notify(booking, "accepted" if accept else "declined")
        if not accept:
            _advance_after_commit(booking.facility_service_id)
    return booking


def booking_attendance(*, actor: User, booking_id: int, attended: bool) -> Booking:
    """Staff record attendance or a no-show once the booking has started."""
    with transaction.atomic():
        booking = _provider_booking(actor=actor, booking_id=booking_id)
        if clock.now() < booking.starts_at:
            raise TransitionNotAllowed(_("이용 시작 전에는 출석·노쇼를 기록할 수 없습니다."), code="not_started")
        to = Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW
        _transition(booking=booking, to=to, actor=actor)
        if not attended:
            _notify(booking, "no_show")
    return booking


# ---------------------------------------------------------------- notifications


_MESSAGES = {
    "created_confirmed": (
        "돌봄 예약이 확정되었습니다",
        "{service} · {facility} · {when} · {children} · 이용료 {fee}원",
    ),
    "created_pending": (
        "돌봄 예약 신청이 접수되었습니다",
        "{service} · {facility} · {when}: 시설이 승인하면 알려 드립니다.",
    ),
    "cancelled": ("돌봄 예약이 취소되었습니다", "{service} · {facility} · {when}"),
    "accepted": ("돌봄 예약이 승인되었습니다", "{service} · {facility} · {when} · 이용료 {fee}원"),
    "declined": (
        "돌봄 예약이 승인되지 않았습니다",
        "{service} · {facility} · {when}: 다른 시간이나 시설을 찾아 보세요.",
    ),
    "no_show": ("예약하신 돌봄을 이용하지 않은 것으로 기록되었습니다", "{service} · {facility} · {when}"),
}


def _notify(booking: Booking, event: str, children: Sequence[Child] | None = None) -> None:
    key = f"{event}_{booking.status}" if event == "created" else event
    subject, body = _MESSAGES[key]
    fs = booking.facility_service
    start = timezone.localtime(booking.starts_at)
    end = timezone.localtime(booking.ends_at)
    if children is None:
        children = [bc.child for bc in booking.booking_children.select_related("child")]
    names = ", ".join(c.name for c in children)
    notification_enqueue(
        recipient=booking.household.guardian,
        kind=f"booking.{event}",
        subject=subject,
        body=body.format(
            service=fs.service.name,
            facility=fs.facility.name,
            when=f"{start:%Y-%m-%d %H:%M}~{end:%H:%M}",
            children=names,
            fee=f"{booking.fee:,}",
        ),
        idempotency_key=f"booking-{booking.pk}-{event}",
        payload={"booking_id": booking.pk, "ics": f"/api/v1/care/bookings/{booking.pk}/calendar.ics"},
    )


# ---------------------------------------------------------------- waiting list


def waitlist_join(
    *, actor: User, slot_ids: Sequence[int], child_ids: Sequence[int], household_id: int | None = None
) -> WaitlistEntry:
    """Join the waiting list for slots that are full. Refused when places are free (book instead)."""
    ask = _ask(actor=actor, slot_ids=slot_ids, child_ids=child_ids, household_id=household_id)
    with transaction.atomic():
        locked = _lock_places(ask)
        try:
            _check_capacity(slots=locked, places=len(ask.children), now=ask.now)
        except CapacityExhausted:
            pass
        else:
            raise Conflict(_("남은 자리가 있습니다. 바로 예약해 주세요."), code="places_available")
        entry = WaitlistEntry.objects.create(
            household=ask.household, facility_service=ask.facility_service, created_by=actor
        )
        entry.slots.set(locked)
        entry.children.set(ask.children)
        audit_log(actor=actor, action="waitlist.join", obj=entry)
    return entry


def waitlist_leave(*, actor: User, entry_id: int) -> WaitlistEntry:
    require_login(actor)
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().filter(pk=entry_id, household__guardian=actor).first()
        if entry is None:
            raise NotFound(_("대기 신청을 찾을 수 없습니다."))
        if entry.status not in (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED):
            raise TransitionNotAllowed(_("이미 끝난 대기 신청입니다."))
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.CANCELLED)
        now = clock.now()
        for hold in Hold.objects.filter(waitlist_entry=entry, released=False):
            _release(hold, now=now)
        entry.status = WaitlistEntry.Status.CANCELLED
        audit_log(actor=actor, action="waitlist.leave", obj=entry)
        _advance_after_commit(entry.facility_service_id)
    return entry


def waitlist_accept(*, actor: User, entry_id: int) -> Booking:
    """Accept an offered place: the offer's hold becomes a booking (if the offer has not lapsed)."""
    require_login(actor)
    entry = WaitlistEntry.objects.filter(pk=entry_id, household__guardian=actor).first()
    if entry is None:
        raise NotFound(_("대기 신청을 찾을 수 없습니다."))
    now = clock.now()
    if entry.status != WaitlistEntry.Status.OFFERED or (entry.offer_expires_at and entry.offer_expires_at <= now):
        raise TransitionNotAllowed(
            _("유효한 자리 제안이 없습니다 (제안 시간이 지났을 수 있습니다)."), code="offer_lapsed"
        )
    hold = Hold.objects.filter(waitlist_entry=entry, released=False, expires_at__gt=now).first()
    if hold is None:
        raise TransitionNotAllowed(_("유효한 자리 제안이 없습니다."), code="offer_lapsed")
    return hold_confirm(actor=actor, hold_id=hold.pk)


def waitlist_advance(*, facility_service_id: int) -> int:
    """Offer freed places to waiting families in order. Idempotent; returns how many offers were made.

    A lapsed offer needs no sweep to stop counting (its hold expired); this marks it lapsed and moves on.
    """
    now = clock.now()
    offers = 0
    with transaction.atomic():
        locks.facility_service_lock(facility_service_id=facility_service_id)
        entries = WaitlistEntry.objects.filter(
            facility_service_id=facility_service_id,
            status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED],
        ).order_by("created_at", "pk")
        for entry in entries:
            if entry.status == WaitlistEntry.Status.OFFERED:
                if entry.offer_expires_at and entry.offer_expires_at <= now:
                    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.LAPSED)
                continue
            slots = sorted(entry.slots.all(), key=lambda s: s.starts_at)
            children = list(entry.children.all())
            if not slots or slots[0].starts_at <= now:
                WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.LAPSED)
                continue
            locked = locks.slots_lock(slot_ids=[s.pk for s in slots])
            try:
                _check_capacity(slots=locked, places=len(children), now=now)
            except CapacityExhausted:
                continue  # a smaller request further down may still fit
            service = entry.facility_service.service
            expires = now + timedelta(minutes=service.offer_minutes)
            _write_hold(
                household=entry.household,
                facility_service=entry.facility_service,
                slots=locked,
                children=children,
                actor=None,
                expires_at=expires,
                waitlist_entry=entry,
            )
            WaitlistEntry.objects.filter(pk=entry.pk).update(
                status=WaitlistEntry.Status.OFFERED, offer_expires_at=expires
            )
            start = timezone.localtime(slots[0].starts_at)
            notification_enqueue(
                recipient=entry.household.guardian,
                kind="waitlist.offer",
                subject="기다리시던 돌봄 자리가 났습니다",
                body=f"{service.name} · {entry.facility_service.facility.name} · {start:%Y-%m-%d %H:%M}: "
                f"{timezone.localtime(expires):%H:%M}까지 '내 예약'에서 확정해 주세요.",
                idempotency_key=f"waitlist-offer-{entry.pk}",
                payload={"waitlist_entry_id": entry.pk},
            )
            audit_log(actor=None, action="waitlist.offer", obj=entry, after={"offer_expires_at": expires.isoformat()})
            offers += 1
    return offers


def _advance_after_commit(facility_service_id: int) -> None:
    from .tasks import waitlist_advance_task

    transaction.on_commit(lambda: waitlist_advance_task.delay(facility_service_id))
