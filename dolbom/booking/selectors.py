"""Reads of the booking domain. Availability is always derived here, never read from a counter."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dolbom.accounts.models import Role, User
from dolbom.core.audit import audit_log
from dolbom.core.errors import NotFound
from dolbom.core.permissions import facility_in_scope, region_in_scope, require_facility_access, require_login
from dolbom.households.ages import age_in_months
from dolbom.households.models import Child, Consent

from . import clock
from .models import Booking, CareService, FacilityService, HoldItem, Occupancy, Slot, WaitlistEntry
from .services import facility_is_bookable


def services_list() -> QuerySet[CareService]:
    return CareService.objects.filter(active=True).prefetch_related("participations")


def booking_status_label(status: str) -> str:
    """A booking's status as families read it, in the active language (the model's labels are the staff's)."""
    labels = {
        Booking.Status.PENDING: pgettext("booking status", "승인 대기"),
        Booking.Status.CONFIRMED: pgettext("booking status", "확정"),
        Booking.Status.CANCELLED: pgettext("booking status", "취소"),
        Booking.Status.DECLINED: pgettext("booking status", "거절"),
        Booking.Status.ATTENDED: pgettext("booking status", "이용 완료"),
        Booking.Status.NO_SHOW: pgettext("booking status", "미이용(노쇼)"),
    }
    return labels.get(status, status)  # type: ignore[call-overload]


def service_rules_text(service: CareService) -> list[str]:
    """The booking rules of a service as short sentences in the active language, for pages."""
    lines = [_("%(days)s일 앞까지 예약") % {"days": service.advance_days}]
    if service.same_day_cutoff:
        lines.append(_("당일 예약은 %(time)s까지") % {"time": f"{service.same_day_cutoff:%H:%M}"})
    if service.previous_day_cutoff:
        lines.append(
            _("야간(%(night_starts)s~%(night_ends)s)은 전날 %(cutoff)s까지")
            % {
                "night_starts": f"{service.night_starts:%H:%M}",
                "night_ends": f"{service.night_ends:%H:%M}",
                "cutoff": f"{service.previous_day_cutoff:%H:%M}",
            }
        )
    if service.max_consecutive_days:
        lines.append(_("최대 %(days)s일 연속") % {"days": service.max_consecutive_days})
    if service.min_hours > 1:
        lines.append(_("최소 %(hours)s시간") % {"hours": service.min_hours})
    if service.max_hours:
        lines.append(_("한 번에 최대 %(hours)s시간") % {"hours": service.max_hours})
    if service.cancel_deadline_hours:
        lines.append(_("이용 %(hours)s시간 전까지 취소") % {"hours": service.cancel_deadline_hours})
    if service.requires_approval:
        lines.append(_("시설 승인 후 확정"))
    return lines


def service_by_key(key: str | int) -> CareService | None:
    if str(key).isdigit():
        return CareService.objects.filter(pk=int(key)).first()
    return CareService.objects.filter(code=key).first()


def availability(*, slot_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """Places taken per slot (active bookings + unexpired holds)."""
    now = now or clock.now()
    taken: dict[int, int] = dict.fromkeys(slot_ids, 0)
    occ = Occupancy.objects.filter(slot_id__in=slot_ids, active=True).values("slot_id").annotate(n=Count("id"))
    for row in occ:
        taken[row["slot_id"]] += row["n"]
    held = HoldItem.objects.filter(slot_id__in=slot_ids, expires_at__gt=now).values("slot_id").annotate(n=Count("id"))
    for row in held:
        taken[row["slot_id"]] += row["n"]
    return taken


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(day.year, day.month, day.day), tz)
    return start, start + timedelta(days=1)


@dataclass
class SlotView:
    slot: Slot
    taken: int

    @property
    def available(self) -> int:
        return 0 if self.slot.closed else max(0, self.slot.capacity - self.taken)


def slots_for_day(*, facility_service: FacilityService, day: date) -> list[SlotView]:
    start, end = _day_bounds(day)
    slots = list(Slot.objects.filter(facility_service=facility_service, starts_at__gte=start, starts_at__lt=end))
    taken = availability(slot_ids=[s.pk for s in slots])
    return [SlotView(slot=s, taken=taken[s.pk]) for s in slots]


def facility_services_for(*, service: CareService | None = None, facility_id: int | None = None) -> list[Any]:
    """Facility services citizens can book (the facility is open: never 휴지 or 폐지)."""
    qs = FacilityService.objects.filter(active=True, service__active=True).select_related("facility__region", "service")
    if service is not None:
        qs = qs.filter(service=service)
    if facility_id is not None:
        qs = qs.filter(facility_id=facility_id)
    today = timezone.localdate()
    return [fs for fs in qs if facility_is_bookable(fs.facility, today)]


def _distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p = math.pi / 180
    a = (
        0.5
        - math.cos((lat2 - lat1) * p) / 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * (1 - math.cos((lng2 - lng1) * p)) / 2
    )
    return 12742 * math.asin(math.sqrt(a))


def nearest_with_place(
    *, service: CareService, starts_at: datetime, hours: int, places: int, lat: float | None, lng: float | None
) -> list[dict[str, Any]]:
    """Facilities offering the service with `places` free in every hour from starts_at, nearest first."""
    results = []
    for fs in facility_services_for(service=service):
        slots = list(
            Slot.objects.filter(
                facility_service=fs, starts_at__gte=starts_at, starts_at__lt=starts_at + timedelta(hours=hours)
            ).order_by("starts_at")
        )
        if len(slots) != hours:
            continue
        taken = availability(slot_ids=[s.pk for s in slots])
        if any(s.closed or s.capacity - taken[s.pk] < places for s in slots):
            continue
        f_lat, f_lng = getattr(fs.facility, "lat", None), getattr(fs.facility, "lng", None)
        distance = None
        if lat is not None and lng is not None and f_lat is not None and f_lng is not None:
            distance = _distance_km(lat, lng, f_lat, f_lng)
        results.append({"facility_service": fs, "slots": slots, "distance_km": distance})
    results.sort(key=lambda r: (r["distance_km"] is None, r["distance_km"] or 0))
    return results


def bookings_of(*, user: User) -> QuerySet[Booking]:
    require_login(user)
    return (
        Booking.objects.filter(household__guardian=user)
        .select_related("facility_service__service", "facility_service__facility")
        .prefetch_related("booking_children__child")
        .order_by("-starts_at")
    )


def booking_get(*, actor: User, booking_id: int) -> Booking:
    """The family, provider staff of that facility, or regional staff in scope; otherwise 404."""
    require_login(actor)
    booking = (
        Booking.objects.select_related(
            "household__guardian", "household__home_region", "facility_service__service", "facility_service__facility"
        )
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("예약을 찾을 수 없습니다."))
    if booking.household.guardian_id == actor.pk:
        return booking
    if actor.role == Role.PROVIDER and facility_in_scope(actor, booking.facility_service.facility):
        return booking
    if actor.role in {Role.COORDINATOR, Role.ADMIN} or actor.is_superuser:
        region = booking.household.home_region
        if region_in_scope(actor, region.code if region else None):
            return booking
    raise NotFound(_("예약을 찾을 수 없습니다."))


def facility_bookings(*, actor: User, facility: Any, start: datetime, end: datetime) -> QuerySet[Booking]:
    """Bookings at a facility overlapping [start, end), for its own staff only."""
    require_facility_access(actor, facility)
    if actor.role not in (Role.PROVIDER, Role.ADMIN) and not actor.is_superuser:
        from dolbom.core.errors import PermissionDenied

        raise PermissionDenied(_("소속 시설 담당자만 볼 수 있습니다."))
    return (
        Booking.objects.filter(facility_service__facility=facility, starts_at__lt=end, ends_at__gt=start)
        .select_related("facility_service__service", "household__guardian")
        .prefetch_related("booking_children__child")
        .order_by("starts_at", "pk")
    )


def child_details_for_staff(*, actor: User, booking: Booking) -> list[dict[str, Any]]:
    """Pre-registered details of the booked children. Health notes and allergies only with the guardian's
    consent to share with providers; every such read is audited."""
    guardian = booking.household.guardian
    shared = Consent.objects.filter(
        user=guardian, purpose=Consent.Purpose.SERVICE_SHARING, withdrawn_at__isnull=True
    ).exists()
    on = timezone.localtime(booking.starts_at).date()
    rows = []
    for bc in booking.booking_children.all():
        child: Child = bc.child
        row: dict[str, Any] = {
            "id": child.pk,
            "name": child.name,
            "age_months": age_in_months(child.birth_date, on) if child.birth_date else None,
            "shared": shared,
        }
        if shared:
            row.update(health_notes=child.health_notes, allergies=child.allergies)
            audit_log(actor=actor, action="child.read", obj=child, acting_for=guardian)
        rows.append(row)
    return rows


def waitlist_of(*, user: User) -> list[dict[str, Any]]:
    """The family's waiting-list entries with their position; an offer past its time reads as lapsed."""
    require_login(user)
    now = clock.now()
    entries = (
        WaitlistEntry.objects.filter(household__guardian=user)
        .select_related("facility_service__service", "facility_service__facility")
        .prefetch_related("slots", "children")
        .order_by("-created_at")
    )
    out = []
    for entry in entries:
        status = entry.status
        if status == WaitlistEntry.Status.OFFERED and entry.offer_expires_at and entry.offer_expires_at <= now:
            status = WaitlistEntry.Status.LAPSED
        position = None
        if status == WaitlistEntry.Status.WAITING:
            position = (
                WaitlistEntry.objects.filter(
                    facility_service=entry.facility_service, status=WaitlistEntry.Status.WAITING
                )
                .filter(Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk))
                .count()
                + 1
            )
        slots = sorted(entry.slots.all(), key=lambda s: s.starts_at)
        out.append(
            {
                "entry": entry,
                "id": entry.pk,
                "status": status,
                "status_label": str(WaitlistEntry.Status(status).label),
                "position": position,
                "offer_expires_at": entry.offer_expires_at if status == WaitlistEntry.Status.OFFERED else None,
                "service": entry.facility_service.service.name,
                "facility": entry.facility_service.facility.name,
                "starts_at": slots[0].starts_at if slots else None,
                "ends_at": slots[-1].ends_at if slots else None,
                "children": [c.name for c in entry.children.all()],
            }
        )
    return out
