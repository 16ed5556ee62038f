"""Citizen pages for home-visit care (방문돌봄): request, follow, cancel, rate or report."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dolbom.core.errors import ApplicationError
from dolbom.households.ages import age_in_months
from dolbom.households.models import Household
from dolbom.matching import selectors, services
from dolbom.matching.models import VisitAssignment, VisitRequest
from web.portal.access import citizen_page

NEEDS = [
    ("infant", gettext_lazy("영아(36개월 미만) 돌봄")),
    ("illness", gettext_lazy("아픈 아이(질병·감염) 돌봄")),
    ("language", gettext_lazy("외국어 지원")),
    ("special_needs", gettext_lazy("특수 돌봄")),
]
INCOME_TIERS = [
    ("", gettext_lazy("모름 (전액 기준으로 안내)")),
    ("가형", "가형"),
    ("나형", "나형"),
    ("다형", "다형"),
    ("라형", "라형"),
    ("마형", gettext_lazy("마형 (정부지원 없음)")),
]
LANGUAGES = [
    ("", gettext_lazy("선택 안 함")),
    ("en", gettext_lazy("영어")),
    ("zh", gettext_lazy("중국어")),
    ("vi", gettext_lazy("베트남어")),
    ("ja", gettext_lazy("일본어")),
    ("ru", gettext_lazy("러시아어")),
]


def _refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def _household(request: HttpRequest) -> Household | None:
    return Household.objects.filter(guardian_id=request.user.pk).select_related("home_region").first()


def _own(request: HttpRequest, pk: int) -> VisitRequest | None:
    return (
        VisitRequest.objects.select_related("household", "region")
        .filter(pk=pk, household__guardian_id=request.user.pk)
        .first()
    )


def _row(req: VisitRequest) -> dict[str, Any]:
    active = next(
        (a for a in req.assignments.all() if a.status in (*VisitAssignment.ACTIVE, VisitAssignment.Status.COMPLETED)),
        None,
    )
    return {
        "req": req,
        "queue": selectors.visit_queue_status(request=req),
        "fee": selectors.visit_fee_quote(request=req),
        "assignment": active,
        "can_cancel": req.status in ("open", "proposed", "assigned"),
        "open_followups": [f for f in req.followups.all() if f.status != "done"],
    }


@citizen_page
def my_visits(request: HttpRequest) -> HttpResponse:
    reqs = list(
        selectors.family_visit_requests(
            household_ids=Household.objects.filter(guardian_id=request.user.pk).values_list("pk", flat=True)
        ).select_related("rating")[:30]
    )
    rows = []
    for r in reqs:
        row = _row(r)
        try:
            row["rating"] = r.rating
        except VisitRequest.rating.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
            row["rating"] = None
        row["can_rate"] = r.status in VisitRequest.COMPLETED_STATES and row["rating"] is None
        rows.append(row)
    return render(request, "visits/my.html", {"rows": rows})


def _parse_time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


@citizen_page
def request_new(request: HttpRequest) -> HttpResponse:
    household = _household(request)
    if household is None or not household.children.exists():
        messages.error(request, _("먼저 아이를 등록해 주세요."))
        return redirect("portal:mypage")
    today = timezone.localdate()
    kids = [
        {"child": c, "age": age_in_months(c.birth_date, today) if c.birth_date else None}
        for c in household.children.order_by("birth_date")
    ]
    now = timezone.localtime()
    default_start = (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    form: dict[str, Any] = {
        "service": VisitRequest.Service.URGENT,
        "date": default_start.date().isoformat(),
        "start": default_start.strftime("%H:%M"),
        "end": (default_start + dt.timedelta(hours=3)).strftime("%H:%M"),
        "where": "home",
        "address": "",
        "needs": [],
        "language": "",
        "note": "",
        "children": [],
        "consent": False,
        "income_tier": "",
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        form.update(
            service=p.get("service", ""),
            date=p.get("date", ""),
            start=p.get("start", ""),
            end=p.get("end", ""),
            where=p.get("where", "home"),
            address=p.get("address", "").strip(),
            needs=p.getlist("needs"),
            language=p.get("language", ""),
            note=p.get("note", "").strip()[:1000],
            children=[int(v) for v in p.getlist("child") if v.isdigit()],
            consent=p.get("consent") == "yes",
            income_tier=p.get("income_tier", ""),
        )
        try:
            day = dt.date.fromisoformat(form["date"])
        except ValueError:
            day = None
            errors["date"] = _("날짜를 골라 주세요.")
        start_t, end_t = _parse_time(form["start"]), _parse_time(form["end"])
        if start_t is None:
            errors["start"] = _("시작 시각을 적어 주세요.")
        if end_t is None:
            errors["end"] = _("끝나는 시각을 적어 주세요.")
        if not form["consent"]:
            errors["consent"] = _("돌보미에게 필요한 정보를 제공하는 데 동의해야 신청할 수 있습니다.")
        region = household.home_region
        if region is None:
            errors["where"] = _("내 정보에서 거주지를 먼저 등록해 주세요.")
        if form["where"] == "other" and not form["address"]:
            errors["address"] = _("방문할 주소를 적어 주세요.")
        if not errors and day and start_t and end_t and region is not None:
            tz = timezone.get_current_timezone()
            starts = dt.datetime.combine(day, start_t, tzinfo=tz)
            ends = dt.datetime.combine(day, end_t, tzinfo=tz)
            if ends <= starts:
                ends += dt.timedelta(days=1)  # overnight: ends the next morning
            lat = household.home_lat or region.lat or 0.0
            lng = household.home_lng or region.lng or 0.0
            address = household.home_address or region.full_name
            if form["where"] == "other":
                address = form["address"][:200]
                lat, lng = region.lat or lat, region.lng or lng
            try:
                services.visit_request_create(
                    household=household,
                    children=household.children.filter(pk__in=form["children"]),
                    service=form["service"],
                    region=region,
                    address=address,
                    lat=lat,
                    lng=lng,
                    starts_at=starts,
                    ends_at=ends,
                    needs=[n for n in form["needs"] if n != "sibling_group"],
                    language=form["language"] if "language" in form["needs"] else "",
                    urgency=1 if form["service"] == VisitRequest.Service.URGENT else 0,
                    note=form["note"],
                    consent_share=True,
                    income_tier=form["income_tier"],
                    actor=request.user,
                )
            except ApplicationError as e:
                errors.update((e.detail or {}).get("fields", {}) or {"form": e.message})
            else:
                messages.success(request, _("방문돌봄을 신청했습니다. 배정되면 알려 드립니다."))
                return redirect("visits:my")
    context = {
        "kids": kids,
        "household": household,
        "form": form,
        "errors": errors,
        "services": VisitRequest.Service.choices,
        "needs": NEEDS,
        "languages": LANGUAGES,
        "income_tiers": INCOME_TIERS,
    }
    return render(request, "visits/new.html", context, status=422 if errors else 200)


@citizen_page
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    req = _own(request, pk)
    if req is None:
        return _refuse(request, _("요청을 찾을 수 없습니다."), 404)
    if request.method == "POST":
        try:
            services.visit_request_cancel(request=req, actor=request.user)
        except ApplicationError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("신청을 취소했습니다."))
        return redirect("visits:my")
    return render(request, "visits/cancel.html", {"req": req})


@citizen_page
def request_rate(request: HttpRequest, pk: int) -> HttpResponse:
    req = _own(request, pk)
    if req is None:
        return _refuse(request, _("요청을 찾을 수 없습니다."), 404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        stars_raw = request.POST.get("stars", "")
        try:
            services.visit_rate(
                request=req,
                actor=request.user,
                stars=int(stars_raw) if stars_raw.isdigit() else 0,
                comment=request.POST.get("comment", ""),
                problem=request.POST.get("problem", ""),
            )
        except ApplicationError as e:
            errors = (e.detail or {}).get("fields", {}) or {"form": e.message}
        else:
            messages.success(request, _("평가해 주셔서 고맙습니다."))
            return redirect("visits:my")
    return render(
        request, "visits/rate.html", {"req": req, "errors": errors, "post": request.POST}, status=422 if errors else 200
    )


@citizen_page
def request_report(request: HttpRequest, pk: int) -> HttpResponse:
    req = _own(request, pk)
    if req is None:
        return _refuse(request, _("요청을 찾을 수 없습니다."), 404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.visit_problem_report(request=req, actor=request.user, detail=request.POST.get("detail", ""))
        except ApplicationError as e:
            errors = (e.detail or {}).get("fields", {}) or {"form": e.message}
        else:
            messages.success(request, _("신고를 받았습니다. 돌봄코디네이터가 확인하고 연락드립니다."))
            return redirect("visits:my")
    return render(request, "visits/report.html", {"req": req, "errors": errors}, status=422 if errors else 200)
