"""Home-visit care for staff: the caregiver's offers, today's visits and availability; the coordinator's
open requests with ranked candidates, and follow-up tasks. Region-scoped; business logic in the services."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dolbom.core.errors import ApplicationError, InvalidInput
from dolbom.core.permissions import region_in_scope, scope_prefixes
from dolbom.matching import selectors, services
from dolbom.matching.models import AvailabilityException, Caregiver, FollowUpTask, VisitAssignment, VisitRequest
from web.backoffice.access import caregiver_page, coordinator_page, refuse

WEEKDAYS = [WEEKDAYS_ABBR[i] for i in range(7)]  # 월 … 일 in Korean


# ------------------------------------------------------------------ caregiver


@caregiver_page
def caregiver_home(request: HttpRequest, cg: Caregiver) -> HttpResponse:
    today = timezone.localdate()

    def row(a: VisitAssignment) -> dict[str, Any]:
        day = timezone.localtime(a.starts_at).date()
        kids = [c for c in a.request.children.all() if c.birth_date]
        # health notes and allergies only for an accepted visit whose family consented to share them
        shared = a.status != VisitAssignment.Status.OFFERED and a.request.consent_share
        return {
            "a": a,
            "ages": [selectors.age_in_months(c.birth_date, day) for c in kids],  # type: ignore[arg-type]
            "care_notes": [
                _("만 %(months)s개월: %(notes)s")
                % {
                    "months": selectors.age_in_months(c.birth_date, day),  # type: ignore[arg-type]
                    "notes": " · ".join(
                        x
                        for x in (
                            c.health_notes,
                            _("알레르기 %(allergies)s") % {"allergies": c.allergies} if c.allergies else "",
                        )
                        if x
                    ),
                }
                for c in kids
                if shared and (c.health_notes or c.allergies)
            ],
        }

    context = {
        "caregiver": cg,
        "offers": [row(a) for a in selectors.caregiver_offers(caregiver=cg)],
        "today_visits": [row(a) for a in selectors.caregiver_visits_on(caregiver=cg, day=today)],
        "today": today,
    }
    return render(request, "visits/caregiver_home.html", context)


@caregiver_page
@require_POST
def caregiver_action(request: HttpRequest, cg: Caregiver, pk: int) -> HttpResponse:
    a = VisitAssignment.objects.filter(pk=pk, caregiver=cg).first()
    if a is None:
        return refuse(request, _("배정을 찾을 수 없습니다."), 404)
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            services.visit_assignment_confirm(assignment=a, actor=request.user)
            messages.success(request, _("수락했습니다. 오늘의 방문에서 주소를 확인하세요."))
        elif action == "decline":
            services.visit_assignment_decline(assignment=a, actor=request.user)
            messages.success(request, _("거절했습니다."))
        elif action == "arrive":
            services.visit_arrival_record(assignment=a, actor=request.user)
            messages.success(request, _("도착을 기록했습니다."))
        elif action == "end":
            services.visit_end_record(assignment=a, actor=request.user, notes=request.POST.get("notes", ""))
            messages.success(request, _("종료를 기록했습니다. 보호자에게 돌봄 기록과 요금을 알렸습니다."))
        else:
            messages.error(request, _("알 수 없는 요청입니다."))
    except ApplicationError as e:
        fields = (e.detail or {}).get("fields") or {}
        messages.error(request, " ".join([e.message, *fields.values()]))
    return redirect("backoffice_visits:caregiver_home")


def _parse_time(v: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(v) if v else None
    except ValueError:
        return None


@caregiver_page
def caregiver_availability(request: HttpRequest, cg: Caregiver) -> HttpResponse:
    if request.method == "POST":
        p = request.POST
        action = p.get("action", "")
        try:
            if action == "weekly_add":
                start, end = _parse_time(p.get("start_time", "")), _parse_time(p.get("end_time", ""))
                if start is None or end is None:
                    raise InvalidInput(_("시작과 끝 시각을 적어 주세요."))
                services.caregiver_weekly_add(
                    caregiver=cg,
                    weekday=int(p.get("weekday", "-1")) if p.get("weekday", "").isdigit() else -1,
                    start=start,
                    end=end,
                    actor=request.user,
                )
            elif action == "weekly_remove":
                services.caregiver_weekly_remove(caregiver=cg, rule_id=int(p.get("id", "0") or 0), actor=request.user)
            elif action == "exception_add":
                try:
                    day = dt.date.fromisoformat(p.get("date", ""))
                except ValueError as err:
                    raise InvalidInput(_("날짜를 골라 주세요.")) from err
                services.caregiver_exception_add(
                    caregiver=cg,
                    date=day,
                    kind=p.get("kind", ""),
                    start=_parse_time(p.get("start_time", "")),
                    end=_parse_time(p.get("end_time", "")),
                    actor=request.user,
                )
            elif action == "exception_remove":
                services.caregiver_exception_remove(
                    caregiver=cg, exception_id=int(p.get("id", "0") or 0), actor=request.user
                )
            messages.success(request, _("가용시간을 바꿨습니다."))
        except (ApplicationError, ValueError) as e:
            msg = getattr(e, "message", _("입력을 확인해 주세요."))
            fields = (getattr(e, "detail", None) or {}).get("fields") or {}
            messages.error(request, " ".join([msg, *fields.values()]))
        return redirect("backoffice_visits:caregiver_availability")
    today = timezone.localdate()
    days = []
    for k in range(14):
        d = today + dt.timedelta(days=k)
        days.append({"date": d, "blocks": selectors.caregiver_day_availability(caregiver=cg, day=d)})
    weekly = [{"rule": w, "day": WEEKDAYS[w.weekday]} for w in cg.weekly.all()]
    context = {
        "caregiver": cg,
        "weekly": weekly,
        "exceptions": cg.exceptions.filter(date__gte=today),
        "days": days,
        "weekdays": list(enumerate(WEEKDAYS)),
        "kinds": AvailabilityException.Kind.choices,
    }
    return render(request, "visits/caregiver_availability.html", context)


# ------------------------------------------------------------------ coordinator


@coordinator_page
def coordinator_home(request: HttpRequest) -> HttpResponse:
    prefixes = scope_prefixes(request.user)
    reqs = list(selectors.open_requests_in_scope(prefixes=prefixes)[:100])
    rows = []
    for r in reqs:
        active = next((a for a in r.assignments.all() if a.status in VisitAssignment.ACTIVE), None)
        rows.append({"req": r, "assignment": active})
    tasks = list(selectors.followups_for(prefixes=prefixes)[:100])
    quality = selectors.caregiver_quality(caregiver_ids={t.caregiver_id for t in tasks if t.caregiver_id})
    return render(
        request,
        "visits/coordinator_home.html",
        {
            "rows": rows,
            "tasks": [{"t": t, "q": quality.get(t.caregiver_id or 0)} for t in tasks],
            "providers": selectors.provider_quality(prefixes=prefixes),
        },
    )


def _scoped_request(request: HttpRequest, pk: int) -> VisitRequest | None:
    req = VisitRequest.objects.select_related("region", "household").filter(pk=pk).first()
    if req is None or not region_in_scope(request.user, req.region.code):
        return None
    return req


@coordinator_page
def coordinator_request(request: HttpRequest, pk: int) -> HttpResponse:
    req = _scoped_request(request, pk)
    if req is None:
        return refuse(request, _("요청을 찾을 수 없습니다."), 404)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "offer":
                cid = request.POST.get("caregiver", "")
                a = services.visit_offer_to(
                    request=req, caregiver_id=int(cid) if cid.isdigit() else 0, actor=request.user
                )
                messages.success(
                    request,
                    _("%(name)s 돌보미에게 제안했습니다. 수락을 기다립니다.") % {"name": a.caregiver.display_name},
                )
            elif action == "confirm":
                a = VisitAssignment.objects.get(pk=int(request.POST.get("assignment", "0") or 0), request=req)
                services.visit_assignment_confirm(assignment=a, actor=request.user)
                messages.success(request, _("배정을 확정했습니다."))
            elif action == "expire":
                services.visit_request_expire(request=req, actor=request.user)
                messages.success(request, _("미배정 종료로 처리하고 가정에 알렸습니다."))
        except VisitAssignment.DoesNotExist:
            messages.error(request, _("배정을 찾을 수 없습니다."))
        except ApplicationError as e:
            reasons = (e.detail or {}).get("reasons") or []
            messages.error(request, " ".join([e.message, *reasons]))
        return redirect("backoffice_visits:coordinator_request", pk=req.pk)
    ranked, rejected = selectors.visit_candidates(request=req, limit=10)
    names = dict(Caregiver.objects.filter(pk__in=[int(k) for k in rejected]).values_list("pk", "display_name"))
    quality = selectors.caregiver_quality(caregiver_ids=[v.caregiver.pk for v in ranked])
    day = timezone.localtime(req.starts_at).date()
    context = {
        "req": req,
        "ages": [selectors.age_in_months(c.birth_date, day) for c in req.children.all() if c.birth_date],
        "queue": selectors.visit_queue_status(request=req),
        "assignments": req.assignments.select_related("caregiver").order_by("-created_at"),
        "candidates": [{"v": v, "q": quality.get(v.caregiver.pk)} for v in ranked],
        "rejected": [{"name": names.get(int(k), k), "reasons": r} for k, r in rejected.items()],
        "can_offer": req.status in ("open", "proposed"),
    }
    return render(request, "visits/coordinator_request.html", context)


@coordinator_page
@require_POST
def coordinator_followup(request: HttpRequest, pk: int) -> HttpResponse:
    t = FollowUpTask.objects.select_related("region").filter(pk=pk).first()
    if t is None or not region_in_scope(request.user, t.region.code):
        return refuse(request, _("과제를 찾을 수 없습니다."), 404)
    try:
        if request.POST.get("action") == "take":
            services.followup_take(task=t, actor=request.user)
            messages.success(request, _("과제를 맡았습니다."))
        else:
            services.followup_close(task=t, actor=request.user, notes=request.POST.get("notes", ""))
            messages.success(request, _("사후관리를 마쳤습니다."))
    except ApplicationError as e:
        fields = (e.detail or {}).get("fields") or {}
        messages.error(request, " ".join([e.message, *fields.values()]))
    return redirect("backoffice_visits:coordinator_home")
