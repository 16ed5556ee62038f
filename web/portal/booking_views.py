"""Citizen pages for booking facility care: choose, hold, confirm, see, cancel, wait."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dolbom.booking import clock, selectors, services
from dolbom.booking.ics import booking_ics
from dolbom.booking.models import FacilityService, Hold
from dolbom.core.errors import ApplicationError, CapacityExhausted, NotFound
from dolbom.households.ages import age_in_months
from dolbom.households.models import Household
from dolbom.households.selectors import children_of
from web.portal.access import citizen_page


def _refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


#: Booking for one's own household: citizens only (administrators have none; coordinators book from the case).


def _int_list(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def care_index(request: HttpRequest) -> HttpResponse:
    """Services with their rules, and where each can be booked."""
    rows = []
    for service in selectors.services_list():
        rows.append(
            {
                "service": service,
                "offers": selectors.facility_services_for(service=service),
                "rules": selectors.service_rules_text(service),
            }
        )
    rows.sort(key=lambda r: not r["offers"])  # bookable services first
    return render(request, "booking/index.html", {"rows": rows, "today": timezone.localdate()})


def care_nearest(request: HttpRequest) -> HttpResponse:
    """'Nearest with a place': facilities with free places for N children for the chosen hours."""
    service = selectors.service_by_key(request.GET.get("service", ""))
    if service is None:
        return _refuse(request, _("돌봄 서비스를 골라 주세요."), 404)
    day = _parse_day(request.GET.get("date"))
    try:
        hour = max(0, min(23, int(request.GET.get("hour", "18"))))
        hours = max(1, min(24, int(request.GET.get("hours", "2"))))
        places = max(1, min(6, int(request.GET.get("children", "1"))))
    except ValueError:
        return _refuse(request, _("입력값을 확인해 주세요."), 422)
    starts = timezone.make_aware(datetime(day.year, day.month, day.day, hour))
    lat = lng = None
    if request.user.is_authenticated:
        household = Household.objects.filter(guardian=request.user).first()
        if household is not None:
            lat, lng = household.home_lat, household.home_lng
    results = selectors.nearest_with_place(
        service=service, starts_at=starts, hours=hours, places=places, lat=lat, lng=lng
    )
    context = {"service": service, "day": day, "hour": hour, "hours": hours, "places": places, "results": results}
    return render(request, "booking/nearest.html", context)


def _children_rows(request: HttpRequest, on: date) -> list[dict]:
    return [
        {"child": c, "age_months": age_in_months(c.birth_date, on) if c.birth_date else None}
        for c in children_of(user=request.user)  # type: ignore[arg-type]
    ]


@citizen_page
def care_book(request: HttpRequest, fs_id: int) -> HttpResponse:
    """One facility, one service, one day: pick hours and children, then hold the places."""
    fs = FacilityService.objects.select_related("facility", "service").filter(pk=fs_id).first()
    if fs is None or fs not in selectors.facility_services_for(service=fs.service, facility_id=fs.facility_id):
        return _refuse(request, _("지금은 이 시설에서 예약할 수 없습니다."), 404)
    day = _parse_day(request.POST.get("date") or request.GET.get("date"))
    error = None
    can_wait = False
    chosen_slots: list[int] = []
    chosen_children: list[int] = []
    status = 200
    if request.method == "POST":
        chosen_slots = _int_list(request.POST.getlist("slot"))
        chosen_children = _int_list(request.POST.getlist("child"))
        try:
            if request.POST.get("action") == "waitlist":
                services.waitlist_join(actor=request.user, slot_ids=chosen_slots, child_ids=chosen_children)  # type: ignore[arg-type]
                messages.success(request, _("대기 신청을 했습니다. 자리가 나면 알려 드립니다."))
                return redirect("care:my")
            hold = services.hold_create(actor=request.user, slot_ids=chosen_slots, child_ids=chosen_children)  # type: ignore[arg-type]
            return redirect("care:hold", hold_id=hold.pk)
        except CapacityExhausted as exc:
            error, can_wait, status = exc.message, True, 409
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    views = selectors.slots_for_day(facility_service=fs, day=day)
    now = clock.now()
    rows = [
        {"view": v, "closed_reason": services.slot_cutoff_reason(service=fs.service, slot=v.slot, now=now)}
        for v in views
    ]
    context = {
        "fs": fs,
        "day": day,
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "slots": rows,
        "closed_reasons": sorted({str(r["closed_reason"]) for r in rows if r["closed_reason"]}),
        "children": _children_rows(request, day),
        "chosen_slots": chosen_slots,
        "chosen_children": chosen_children,
        "error": error,
        "can_wait": can_wait,
    }
    return render(request, "booking/book.html", context, status=status)


@citizen_page
def care_hold(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = (
        Hold.objects.select_related("facility_service__service", "facility_service__facility")
        .filter(pk=hold_id, household__guardian_id=request.user.pk)
        .first()
    )
    if hold is None or hold.released:
        return _refuse(request, _("임시 확보 내역이 없거나 이미 처리되었습니다."), 404)
    service = hold.facility_service.service
    if request.method == "POST":
        try:
            if request.POST.get("action") == "release":
                services.hold_release(actor=request.user, hold_id=hold.pk)  # type: ignore[arg-type]
                messages.info(request, _("잡아 둔 자리를 풀었습니다."))
                return redirect("care:index")
            booking = services.hold_confirm(
                actor=request.user,  # type: ignore[arg-type]
                hold_id=hold.pk,
                exemption=request.POST.get("exemption", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("care:hold", hold_id=hold.pk)
        if booking.status == "pending":
            messages.success(request, _("예약 신청을 보냈습니다. 시설이 승인하면 알려 드립니다."))
        else:
            messages.success(request, _("예약이 확정되었습니다. 이용료 %(fee)s원.") % {"fee": f"{booking.fee:,}"})
        return redirect("care:my")
    items = list(hold.items.select_related("slot", "child"))
    slots = sorted({i.slot for i in items}, key=lambda s: s.starts_at)
    children = sorted({i.child for i in items}, key=lambda c: c.pk)
    fee = services.booking_fee(service=service, slots=slots, children_count=len(children))
    context = {
        "hold": hold,
        "service": service,
        "facility": hold.facility_service.facility,
        "starts_at": slots[0].starts_at if slots else None,
        "ends_at": slots[-1].ends_at if slots else None,
        "children": children,
        "fee": fee,
        "expired": hold.expires_at <= clock.now(),
    }
    return render(request, "booking/hold.html", context)


@citizen_page
def care_my(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    bookings = list(selectors.bookings_of(user=request.user))  # type: ignore[arg-type]
    for booking in bookings:
        setattr(booking, "status_label", selectors.booking_status_label(booking.status))  # noqa: B010
    waitlist = selectors.waitlist_of(user=request.user)  # type: ignore[arg-type]
    context = {
        "upcoming": sorted((b for b in bookings if b.ends_at > now), key=lambda b: b.starts_at),
        "past": [b for b in bookings if b.ends_at <= now][:20],
        "waitlist": waitlist,
    }
    return render(request, "booking/my.html", context)


@citizen_page
def care_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    try:
        booking = selectors.booking_get(actor=request.user, booking_id=booking_id)  # type: ignore[arg-type]
    except NotFound:
        return _refuse(request, _("예약을 찾을 수 없습니다."), 404)
    if booking.household.guardian_id != request.user.pk:
        return _refuse(request, _("예약을 찾을 수 없습니다."), 404)
    if request.method == "POST":
        try:
            services.booking_cancel(actor=request.user, booking_id=booking.pk)  # type: ignore[arg-type]
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("care:my")
        messages.success(request, _("예약을 취소했습니다."))
        return redirect("care:my")
    return render(request, "booking/cancel.html", {"booking": booking})


@login_required
def care_calendar(request: HttpRequest, booking_id: int) -> HttpResponse:
    try:
        booking = selectors.booking_get(actor=request.user, booking_id=booking_id)  # type: ignore[arg-type]
    except NotFound:
        return _refuse(request, _("예약을 찾을 수 없습니다."), 404)
    response = HttpResponse(booking_ics(booking, host=request.get_host()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dolbom-booking-{booking.pk}.ics"'
    return response


@citizen_page
@require_POST
def care_waitlist_action(request: HttpRequest, entry_id: int, action: str) -> HttpResponse:
    if action not in ("accept", "leave"):
        return _refuse(request, _("요청한 페이지를 찾을 수 없습니다."), 404)
    try:
        if action == "accept":
            services.waitlist_accept(actor=request.user, entry_id=entry_id)  # type: ignore[arg-type]
            messages.success(request, _("제안받은 자리를 예약했습니다."))
        else:
            services.waitlist_leave(actor=request.user, entry_id=entry_id)  # type: ignore[arg-type]
            messages.info(request, _("대기 신청을 취소했습니다."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("care:my")
