"""Provider back-office beyond bookings: the facility profile and hours (shown on the map at once), incident
reports instead of paper forms, and the facility's own figures. Provider staff of that facility only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dolbom.core.errors import ApplicationError, InvalidInput
from dolbom.directory.services import facility_update
from dolbom.operations.models import IncidentReport
from dolbom.operations.services import incident_report_create
from dolbom.operations.statistics import Period, facility_figures
from web.backoffice.access import facility_staff_page

WEEKDAYS = [0, 1, 2, 3, 4]


def _regular(hours: list[dict[str, Any]], weekday: int) -> tuple[str, str]:
    for rule in hours or []:
        if rule.get("kind") == "regular" and weekday in rule.get("weekdays", []):
            return rule.get("opens", ""), rule.get("closes", "")
    return "", ""


def _int_or_none(value: str, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(_("숫자로 입력해 주세요."), detail={"fields": {field: _("숫자가 아님")}})
    return int(value)


def _hours_from(post: Any, facility: Any) -> list[dict[str, Any]]:
    """Weekday and Saturday opening hours from the form; other rules (vacation, holiday) are kept."""
    kept = [r for r in (facility.hours or []) if r.get("kind") != "regular"]
    rules = []
    for key, days in (("weekday", WEEKDAYS), ("saturday", [5])):
        opens, closes = (post.get(f"{key}_opens") or "").strip(), (post.get(f"{key}_closes") or "").strip()
        if opens and closes:
            rules.append({"kind": "regular", "weekdays": days, "opens": opens, "closes": closes})
        elif opens or closes:
            raise InvalidInput(
                _("여는 시각과 닫는 시각을 함께 입력해 주세요."), detail={"fields": {f"{key}_opens": _("짝 없음")}}
            )
    sunday = [r for r in (facility.hours or []) if r.get("kind") == "regular" and 6 in r.get("weekdays", [])]
    return rules + sunday + kept


@facility_staff_page
@require_http_methods(["GET", "POST"])
def facility_home(request: HttpRequest, facility: Any) -> HttpResponse:
    status = 200
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            data = {
                "phone": request.POST.get("phone", "").strip()[:40],
                "homepage": request.POST.get("homepage", "").strip()[:300],
                "capacity": _int_or_none(request.POST.get("capacity", ""), "capacity"),
                "enrolment": _int_or_none(request.POST.get("enrolment", ""), "enrolment"),
                "hours": _hours_from(request.POST, facility),
            }
            facility_update(actor=request.user, facility_id=facility.pk, data=data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            errors = exc.detail.get("fields", {})
            status = exc.status
        else:
            messages.success(request, _("시설 정보를 저장했습니다. 돌봄지도에 바로 반영됩니다."))
            return redirect("backoffice_facility:home")
        facility.refresh_from_db()
    today = timezone.localdate()
    context = {
        "facility": facility,
        "weekday": _regular(facility.hours, 0),
        "saturday": _regular(facility.hours, 5),
        "errors": errors,
        "figures_30": facility_figures(
            facility_id=facility.pk, period=Period(start=today - timedelta(days=30), end=today)
        ),
        "figures_365": facility_figures(
            facility_id=facility.pk, period=Period(start=today - timedelta(days=365), end=today)
        ),
        "incidents": IncidentReport.objects.filter(facility=facility).select_related("reported_by")[:30],
        "severities": IncidentReport.Severity.choices,
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    return render(request, "backoffice/facility.html", context, status=status)


@facility_staff_page
@require_POST
def incident_create(request: HttpRequest, facility: Any) -> HttpResponse:
    try:
        raw = (request.POST.get("occurred_at") or "").strip()
        try:
            occurred = datetime.fromisoformat(raw)
        except ValueError as exc:
            raise InvalidInput(_("발생 시각을 확인해 주세요."), detail={"fields": {"occurred_at": raw[:20]}}) from exc
        if timezone.is_naive(occurred):
            occurred = timezone.make_aware(occurred)
        incident_report_create(
            actor=request.user,  # type: ignore[arg-type]
            facility=facility,
            occurred_at=occurred,
            severity=request.POST.get("severity", ""),
            summary=request.POST.get("summary", ""),
            description=request.POST.get("description", ""),
            actions_taken=request.POST.get("actions_taken", ""),
            guardian_informed=request.POST.get("guardian_informed") == "on",
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return render(request, "error.html", {"status": exc.status, "message": exc.message}, status=exc.status)
    messages.success(request, _("사고 보고를 저장했습니다."))
    return redirect("backoffice_facility:home")
