"""/api/v1/care: care services, slots with derived availability, bookings, holds and the waiting list."""

from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from dolbom.core.api_auth import AUTH_OPTIONAL, AUTH_REQUIRED, actor_of
from dolbom.core.errors import InvalidInput, NotFound
from dolbom.core.permissions import require_login
from dolbom.households.models import Household

from . import clock, selectors, services
from .ics import booking_ics
from .models import Booking, CareService, Hold
from .schemas import (
    AttendanceIn,
    BookingIn,
    BookingOut,
    CapacityIn,
    DecisionIn,
    HoldConfirmIn,
    HoldOut,
    NearestOut,
    ServiceOut,
    SlotOut,
    WaitlistIn,
    WaitlistOut,
)

router = Router(tags=["돌봄 예약"])


def service_out(service: CareService) -> dict[str, Any]:
    return {
        **{
            f: getattr(service, f)
            for f in (
                "id code name description delivery age_min_months age_max_months hours hours_label advance_days "
                "max_consecutive_days min_hours max_hours hourly_fee night_surcharge_pct holiday_surcharge_pct "
                "fee_exemptions cancel_deadline_hours cancellation_policy requires_approval hold_minutes source"
            ).split()
        },
        "same_day_cutoff": service.same_day_cutoff.strftime("%H:%M") if service.same_day_cutoff else None,
        "previous_day_cutoff": service.previous_day_cutoff.strftime("%H:%M") if service.previous_day_cutoff else None,
        "night_hours": f"{service.night_starts:%H:%M}-{service.night_ends:%H:%M}",
        "participations": list(service.participations.all()),
    }


def booking_out(booking: Booking) -> dict[str, Any]:
    fs = booking.facility_service
    children = getattr(booking, "children_list", None) or [bc.child for bc in booking.booking_children.all()]
    return {
        "id": booking.pk,
        "status": booking.status,
        "status_label": booking.get_status_display(),
        "service": fs.service.name,
        "facility_id": fs.facility_id,
        "facility": fs.facility.name,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "fee": booking.fee,
        "fee_exemption": booking.fee_exemption,
        "children": [{"id": c.pk, "name": c.name} for c in children],
        "calendar_url": f"/api/v1/care/bookings/{booking.pk}/calendar.ics",
        "created_at": booking.created_at,
    }


def _hold_out(hold: Hold) -> dict[str, Any]:
    items = list(hold.items.all())
    return {
        "id": hold.pk,
        "expires_at": hold.expires_at,
        "slot_ids": sorted({i.slot_id for i in items}),
        "child_ids": sorted({i.child_id for i in items}),
    }


@router.get("/services", response=list[ServiceOut], auth=AUTH_OPTIONAL, summary="돌봄 서비스 목록과 예약 규칙")
def list_services(request: HttpRequest) -> list:
    return [service_out(s) for s in selectors.services_list()]


class SlotQuery(Schema):
    facility: int
    service: str
    date: date


@router.get("/slots", response=list[SlotOut], auth=AUTH_OPTIONAL, summary="시설·서비스·날짜별 시간대와 남은 자리")
def list_slots(request: HttpRequest, query: Query[SlotQuery]) -> list:
    service = selectors.service_by_key(query.service)
    if service is None:
        raise NotFound(_("돌봄 서비스를 찾을 수 없습니다."), detail={"fields": {"service": _("찾을 수 없음")}})
    offered = selectors.facility_services_for(service=service, facility_id=query.facility)
    if not offered:
        raise NotFound(
            _("이 시설은 이 서비스를 예약받지 않습니다."), detail={"fields": {"facility": _("찾을 수 없음")}}
        )
    fs = offered[0]
    return [
        {
            "id": view.slot.pk,
            "facility_id": fs.facility_id,
            "facility": fs.facility.name,
            "service": service.name,
            "starts_at": view.slot.starts_at,
            "ends_at": view.slot.ends_at,
            "capacity": view.slot.capacity,
            "available": view.available,
        }
        for view in selectors.slots_for_day(facility_service=fs, day=query.date)
    ]


class NearestQuery(Schema):
    service: str
    starts_at: datetime
    hours: int = Field(default=1, ge=1, le=24)
    children: int = Field(default=1, ge=1, le=6)


@router.get(
    "/nearest",
    response=list[NearestOut],
    auth=AUTH_OPTIONAL,
    summary="자리 있는 가까운 시설 (시작 시각부터 몇 시간, 아이 몇 명)",
)
def nearest(request: HttpRequest, query: Query[NearestQuery]) -> list:
    service = selectors.service_by_key(query.service)
    if service is None:
        raise NotFound(_("돌봄 서비스를 찾을 수 없습니다."), detail={"fields": {"service": _("찾을 수 없음")}})
    lat = lng = None
    actor = actor_of(request)
    if getattr(actor, "is_authenticated", False):
        household = Household.objects.filter(guardian=actor).first()
        if household is not None:
            lat, lng = household.home_lat, household.home_lng
    starts_at = query.starts_at if timezone.is_aware(query.starts_at) else timezone.make_aware(query.starts_at)
    results = selectors.nearest_with_place(
        service=service, starts_at=starts_at, hours=query.hours, places=query.children, lat=lat, lng=lng
    )
    return [
        {
            "facility_service_id": r["facility_service"].pk,
            "facility_id": r["facility_service"].facility_id,
            "facility": r["facility_service"].facility.name,
            "distance_km": round(r["distance_km"], 2) if r["distance_km"] is not None else None,
            "slot_ids": [s.pk for s in r["slots"]],
        }
        for r in results[:20]
    ]


@router.post(
    "/bookings",
    response={201: BookingOut},
    auth=AUTH_REQUIRED,
    summary="예약 (여러 아이·여러 시간대를 한꺼번에, 전부 되거나 전부 안 됨)",
    description="자리가 없으면 409 `capacity_exhausted`. 다른 거절 사유: `cutoff_passed`, `slot_started`, "
    "`too_far_ahead`, `age_not_served`, `not_resident`, `consecutive_day_limit`, `already_booked`, "
    "`no_show_limit`, `facility_not_bookable`, `slot_closed`, `too_short`, `too_long`.",
)
def create_booking(request: HttpRequest, payload: BookingIn) -> Status:
    booking = services.booking_create(actor=actor_of(request), **payload.dict())
    return Status(201, booking_out(booking))


@router.get("/bookings", response=list[BookingOut], auth=AUTH_REQUIRED, summary="내 예약")
def list_bookings(request: HttpRequest) -> list:
    return [booking_out(b) for b in selectors.bookings_of(user=actor_of(request))]


@router.get("/bookings/{booking_id}", response=BookingOut, auth=AUTH_REQUIRED, summary="예약 상세")
def get_booking(request: HttpRequest, booking_id: int) -> dict:
    return booking_out(selectors.booking_get(actor=actor_of(request), booking_id=booking_id))


@router.get("/bookings/{booking_id}/calendar.ics", auth=AUTH_REQUIRED, summary="예약 일정 파일 (iCalendar)")
def booking_calendar(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = selectors.booking_get(actor=actor_of(request), booking_id=booking_id)
    response = HttpResponse(booking_ics(booking, host=request.get_host()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dolbom-booking-{booking.pk}.ics"'
    return response


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, auth=AUTH_REQUIRED, summary="예약 취소")
def cancel_booking(request: HttpRequest, booking_id: int) -> dict:
    booking = services.booking_cancel(actor=actor_of(request), booking_id=booking_id)
    return booking_out(booking)


@router.post("/bookings/{booking_id}/decision", response=BookingOut, auth=AUTH_REQUIRED, summary="시설: 승인·거절")
def decide_booking(request: HttpRequest, booking_id: int, payload: DecisionIn) -> dict:
    booking = services.booking_decide(actor=actor_of(request), booking_id=booking_id, **payload.dict())
    return booking_out(booking)


@router.post("/bookings/{booking_id}/attendance", response=BookingOut, auth=AUTH_REQUIRED, summary="시설: 출석·노쇼")
def record_attendance(request: HttpRequest, booking_id: int, payload: AttendanceIn) -> dict:
    booking = services.booking_attendance(actor=actor_of(request), booking_id=booking_id, attended=payload.attended)
    return booking_out(booking)


@router.patch("/slots/{slot_id}", response=SlotOut, auth=AUTH_REQUIRED, summary="시설: 시간대 정원 변경")
def change_capacity(request: HttpRequest, slot_id: int, payload: CapacityIn) -> dict:
    slot = services.slot_capacity_set(actor=actor_of(request), slot_id=slot_id, capacity=payload.capacity)
    fs = slot.facility_service
    taken = selectors.availability(slot_ids=[slot.pk])[slot.pk]
    return {
        "id": slot.pk,
        "facility_id": fs.facility_id,
        "facility": fs.facility.name,
        "service": fs.service.name,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "capacity": slot.capacity,
        "available": max(0, slot.capacity - taken),
    }


@router.post("/holds", response={201: HoldOut}, auth=AUTH_REQUIRED, summary="자리 임시 확보 (몇 분 동안)")
def create_hold(request: HttpRequest, payload: BookingIn) -> Status:
    if payload.exemption:
        raise InvalidInput(_("면제 사유는 확정할 때 입력합니다."), detail={"fields": {"exemption": _("불필요")}})
    hold = services.hold_create(
        actor=actor_of(request),
        slot_ids=payload.slot_ids,
        child_ids=payload.child_ids,
        household_id=payload.household_id,
    )
    return Status(201, _hold_out(hold))


@router.post("/holds/{hold_id}/confirm", response={201: BookingOut}, auth=AUTH_REQUIRED, summary="임시 확보 → 예약")
def confirm_hold(request: HttpRequest, hold_id: int, payload: HoldConfirmIn) -> Status:
    booking = services.hold_confirm(actor=actor_of(request), hold_id=hold_id, exemption=payload.exemption)
    return Status(201, booking_out(selectors.booking_get(actor=actor_of(request), booking_id=booking.pk)))


@router.post("/holds/{hold_id}/release", response={204: None}, auth=AUTH_REQUIRED, summary="임시 확보 해제")
def release_hold(request: HttpRequest, hold_id: int) -> Status:
    services.hold_release(actor=actor_of(request), hold_id=hold_id)
    return Status(204, None)


def _waitlist_out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "entry"}


@router.get("/waitlist", response=list[WaitlistOut], auth=AUTH_REQUIRED, summary="내 대기 신청과 순번")
def list_waitlist(request: HttpRequest) -> list:
    return [_waitlist_out(r) for r in selectors.waitlist_of(user=actor_of(request))]


@router.post("/waitlist", response={201: WaitlistOut}, auth=AUTH_REQUIRED, summary="대기 신청 (자리가 없을 때)")
def join_waitlist(request: HttpRequest, payload: WaitlistIn) -> Status:
    actor = actor_of(request)
    entry = services.waitlist_join(actor=actor, **payload.dict())
    row = next(r for r in selectors.waitlist_of(user=actor) if r["id"] == entry.pk)
    return Status(201, _waitlist_out(row))


@router.post("/waitlist/{entry_id}/accept", response={201: BookingOut}, auth=AUTH_REQUIRED, summary="제안된 자리 확정")
def accept_offer(request: HttpRequest, entry_id: int) -> Status:
    actor = actor_of(request)
    booking = services.waitlist_accept(actor=actor, entry_id=entry_id)
    return Status(201, booking_out(selectors.booking_get(actor=actor, booking_id=booking.pk)))


@router.post("/waitlist/{entry_id}/cancel", response={204: None}, auth=AUTH_REQUIRED, summary="대기 취소")
def leave_waitlist(request: HttpRequest, entry_id: int) -> Status:
    services.waitlist_leave(actor=actor_of(request), entry_id=entry_id)
    return Status(204, None)


@router.get("/facility-bookings", response=list[BookingOut], auth=AUTH_REQUIRED, summary="시설: 오늘 이후 예약")
def facility_bookings(request: HttpRequest, days: int = 14) -> list:
    actor = actor_of(request)
    require_login(actor)
    facility = getattr(actor, "facility", None)
    if facility is None:
        from dolbom.core.errors import PermissionDenied

        raise PermissionDenied(_("소속 시설 담당자만 볼 수 있습니다."))
    start = timezone.localtime(clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=max(1, min(days, 60)))
    return [booking_out(b) for b in selectors.facility_bookings(actor=actor, facility=facility, start=start, end=end)]
