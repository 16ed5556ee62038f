"""Provider back-office for bookings: only staff of that facility (or administrators) get in."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dolbom.booking import clock, selectors, services
from dolbom.booking.models import Booking, FacilityService
from dolbom.core.errors import ApplicationError
from web.backoffice.access import facility_staff_page


@facility_staff_page
def bookings_home(request: HttpRequest, facility: Any) -> HttpResponse:
    """Today's and upcoming bookings with the children's pre-registered details staff may see."""
    start = timezone.localtime(clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=14)
    now = clock.now()
    rows = []
    inactive = []
    for booking in selectors.facility_bookings(actor=request.user, facility=facility, start=start, end=end):  # type: ignore[arg-type]
        if not booking.is_active:
            inactive.append(booking)  # cancelled or declined: no place taken, no child details shown
            continue
        rows.append(
            {
                "booking": booking,
                "children": selectors.child_details_for_staff(actor=request.user, booking=booking),  # type: ignore[arg-type]
                "started": booking.starts_at <= now,
                "today": timezone.localtime(booking.starts_at).date() == start.date(),
            }
        )
    offered = FacilityService.objects.filter(facility=facility).select_related("service")
    context = {
        "facility": facility,
        "today_rows": [r for r in rows if r["today"]],
        "upcoming_rows": [r for r in rows if not r["today"]],
        "offered": offered,
        "inactive": inactive,
        "today": start.date(),
        "statuses": Booking.Status,
    }
    return render(request, "booking/backoffice_home.html", context)


@facility_staff_page
@require_POST
def booking_action(request: HttpRequest, facility: Any, booking_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action in ("accept", "decline"):
            services.booking_decide(
                actor=request.user,  # type: ignore[arg-type]
                booking_id=booking_id,
                accept=action == "accept",
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("승인했습니다.") if action == "accept" else _("거절했습니다."))
        elif action in ("attended", "no_show"):
            services.booking_attendance(actor=request.user, booking_id=booking_id, attended=action == "attended")  # type: ignore[arg-type]
            messages.success(request, _("출석을 기록했습니다.") if action == "attended" else _("노쇼로 기록했습니다."))
        else:
            messages.error(request, _("알 수 없는 요청입니다."))
    except ApplicationError as exc:
        if exc.status in (403, 404):
            return render(request, "error.html", {"status": exc.status, "message": exc.message}, status=exc.status)
        messages.error(request, exc.message)
    return redirect("backoffice_bookings:home")


@facility_staff_page
def capacity(request: HttpRequest, facility: Any, fs_id: int) -> HttpResponse:
    """Slots of one day with their capacity; staff raise or lower it (never below what is taken)."""
    fs = FacilityService.objects.select_related("service", "facility").filter(pk=fs_id, facility=facility).first()
    if fs is None:
        return render(
            request, "error.html", {"status": 404, "message": _("시설의 서비스를 찾을 수 없습니다.")}, status=404
        )
    try:
        day = date.fromisoformat(request.POST.get("date") or request.GET.get("date") or "")
    except ValueError:
        day = timezone.localdate()
    if request.method == "POST" and request.POST.get("action") == "weekday":
        try:
            result = services.slot_capacity_set_weekday(
                actor=request.user,  # type: ignore[arg-type]
                facility_service_id=fs.pk,
                weekday=day.weekday(),
                start=day,
                end=date.fromisoformat(request.POST.get("until", "")),
                capacity=int(request.POST.get("capacity", "-1")),
            )
            if result["skipped"]:
                text = _(
                    "%(changed)s개 시간대의 정원을 바꿨습니다 (%(skipped)s개는 이미 예약이 많아 그대로 두었습니다)."
                ) % {"changed": result["changed"], "skipped": result["skipped"]}
            else:
                text = _("%(changed)s개 시간대의 정원을 바꿨습니다.") % {"changed": result["changed"]}
            messages.success(request, text)
        except ValueError:
            messages.error(request, _("날짜와 정원을 확인해 주세요."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?date={day.isoformat()}")
    if request.method == "POST" and request.POST.get("action") == "close_day":
        try:
            services.slot_day_close(
                actor=request.user,  # type: ignore[arg-type]
                facility_service_id=fs.pk,
                day=day,
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("이 날을 휴원으로 바꿨습니다. 이미 받은 예약은 보호자에게 연락해 주세요."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?date={day.isoformat()}")
    if request.method == "POST":
        try:
            services.slot_capacity_set(
                actor=request.user,  # type: ignore[arg-type]
                slot_id=int(request.POST.get("slot", "0")),
                capacity=int(request.POST.get("capacity", "-1")),
            )
            messages.success(request, _("정원을 바꿨습니다."))
        except ValueError:
            messages.error(request, _("정원은 숫자로 입력해 주세요."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?date={day.isoformat()}")
    context = {
        "fs": fs,
        "day": day,
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "slots": selectors.slots_for_day(facility_service=fs, day=day),
        "weekday_label": WEEKDAYS_ABBR[day.weekday()],
        "until_default": day + timedelta(days=28),
    }
    return render(request, "booking/backoffice_capacity.html", context)
