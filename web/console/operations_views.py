"""Officials' console: home, participating municipalities (care services and programmes), dated parameter
changes and the audit log. Every page checks role and scope; the services check again on every write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dolbom.accounts.models import Role
from dolbom.core.errors import ApplicationError, InvalidInput, NotFound
from dolbom.core.permissions import PAGE_REFUSALS, page_requires_role
from dolbom.operations import selectors, services
from dolbom.operations.models import ParameterChange

REFUSAL = PAGE_REFUSALS[Role.CITY_OFFICIAL]
# Officials (and administrators, who see every region); others get the 403 page, anonymous visitors the login.
official_only = page_requires_role(Role.CITY_OFFICIAL, Role.PROVINCE_OFFICIAL)


def refuse(request: HttpRequest, message: Any = REFUSAL, status: int = 403) -> HttpResponse:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def parse_date(value: str | None, field: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(
            _("날짜는 2027-01-01 형식으로 입력해 주세요."), detail={"fields": {field: value[:20]}}
        ) from exc


def parse_int(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise InvalidInput(_("입력값을 확인해 주세요."), detail={"fields": {field: _("숫자가 아님")}}) from exc


def _scope_label(user: Any) -> str:
    region = getattr(user, "scope_region", None)
    return region.full_name if region is not None else _("전국")


@official_only
def console_home(request: HttpRequest) -> HttpResponse:
    sections = [
        ("/console/participation/", _("참여 지역"), _("돌봄 서비스와 지원사업별 참여 시·군과 시작·종료일")),
        ("/console/parameters/", _("금액·기준 변경"), _("지원사업 매개변수의 새 값을 시행일과 함께 기록")),
        (
            "/console/dashboards/",
            _("통계"),
            _("서비스·시군별 이용 아동, 시간, 노쇼, 시간대별 이용률, CSV·XLSX 내려받기"),
        ),
        ("/console/supply/", _("수요 대비 공급"), _("읍·면·동별 0~5세 인구와 돌봄 정원")),
        ("/console/monitoring/", _("제공기관 점검"), _("노쇼·취소가 많은 시설, 낮은 평점, 사고 보고")),
        ("/console/audit/", _("감사 기록"), _("누가 언제 무엇을 보고 바꿨는지 (아동 정보 열람 포함)")),
        ("/console/benefits/", _("지원사업 규칙"), _("판정 규칙, 시행일별 값, 검증 사례")),
    ]
    pending = ParameterChange.objects.filter(status=ParameterChange.Status.PROPOSED).count()
    return render(
        request, "console/home.html", {"sections": sections, "scope": _scope_label(request.user), "pending": pending}
    )


# ---------------------------------------------------------------- participation


@official_only
def participation(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context = {
        "services": selectors.service_participation_table(user=user),
        "programmes": selectors.programme_region_table(user=user),
        "scope": _scope_label(user),
        "today": timezone.localdate(),
    }
    return render(request, "console/participation.html", context)


def _error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    messages.error(request, exc.message)
    if exc.status in (403, 404):
        return refuse(request, exc.message, exc.status)
    return redirect(request.POST.get("next") or "console:participation")


@official_only
@require_POST
def participation_add(request: HttpRequest, kind: str) -> HttpResponse:
    user: Any = request.user
    try:
        starts_on = parse_date(request.POST.get("starts_on"), "starts_on")
        ends_on = parse_date(request.POST.get("ends_on"), "ends_on")
        target = parse_int(request.POST.get("target"), "target")
        query = request.POST.get("region", "")
        if kind == "service":
            row = services.service_participation_add(
                actor=user, service_id=target, region_query=query, starts_on=starts_on, ends_on=ends_on
            )
        elif kind == "programme":
            row = services.programme_region_add(
                actor=user, programme_id=target, region_query=query, starts_on=starts_on, ends_on=ends_on
            )
        else:
            raise NotFound()
    except ApplicationError as exc:
        return _error_page(request, exc)
    messages.success(request, _("%(region)s을(를) 참여 지역으로 추가했습니다.") % {"region": row.region_name})
    return redirect("console:participation")


@official_only
@require_POST
def participation_dates(request: HttpRequest, kind: str, row_id: int) -> HttpResponse:
    user: Any = request.user
    try:
        starts_on = parse_date(request.POST.get("starts_on"), "starts_on")
        ends_on = parse_date(request.POST.get("ends_on"), "ends_on")
        if kind == "service":
            row = services.service_participation_set_dates(
                actor=user, participation_id=row_id, starts_on=starts_on, ends_on=ends_on
            )
        elif kind == "programme":
            row = services.programme_region_set_dates(
                actor=user, region_row_id=row_id, starts_on=starts_on, ends_on=ends_on
            )
        else:
            raise NotFound()
    except ApplicationError as exc:
        return _error_page(request, exc)
    messages.success(request, _("%(region)s의 참여 기간을 바꿨습니다.") % {"region": row.region_name})
    return redirect("console:participation")


@official_only
@require_http_methods(["GET", "POST"])
def participation_remove(request: HttpRequest, kind: str, row_id: int) -> HttpResponse:
    """GET asks for confirmation; POST removes (ending the row with a date is usually the better choice)."""
    from dolbom.benefits.models import ProgrammeRegion
    from dolbom.booking.models import ServiceParticipation

    user: Any = request.user
    row: Any
    if kind == "service":
        row = ServiceParticipation.objects.select_related("service").filter(pk=row_id).first()
        code = row.region_prefix if row else ""
        owner = row.service.name if row else ""
    elif kind == "programme":
        row = ProgrammeRegion.objects.select_related("programme").filter(pk=row_id).first()
        code = row.region_code if row else ""
        owner = row.programme.name if row else ""
    else:
        row = None
    if row is None:
        return refuse(request, _("참여 지역을 찾을 수 없습니다."), 404)
    if request.method == "GET":
        from dolbom.core.permissions import region_in_scope

        if not region_in_scope(user, code.ljust(10, "0")):
            return refuse(request, _("담당 지역 밖의 참여 지역은 바꿀 수 없습니다."))
        return render(request, "console/participation_remove.html", {"row": row, "owner": owner, "kind": kind})
    try:
        if kind == "service":
            services.service_participation_remove(actor=user, participation_id=row_id)
        else:
            services.programme_region_remove(actor=user, region_row_id=row_id)
    except ApplicationError as exc:
        return _error_page(request, exc)
    messages.success(
        request, _("%(owner)s에서 %(region)s을(를) 뺐습니다.") % {"owner": owner, "region": row.region_name}
    )
    return redirect("console:participation")


# ---------------------------------------------------------------- parameter changes


@official_only
@require_http_methods(["GET", "POST"])
def parameters(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    status = 200
    form: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("parameter", "value", "effective_from", "reason")}
        try:
            programme_key, _dot, name = form["parameter"].partition(".")
            effective = parse_date(form["effective_from"], "effective_from")
            if effective is None:
                raise InvalidInput(_("시행일을 입력해 주세요."), detail={"fields": {"effective_from": _("필수")}})
            change = services.parameter_change_propose(
                actor=user,
                programme_key=programme_key,
                parameter=name,
                value=form["value"],
                effective_from=effective,
                reason=form["reason"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            errors = exc.detail.get("fields", {})
            status = exc.status
        else:
            if change.status == ParameterChange.Status.APPROVED:
                messages.success(
                    request,
                    _("%(date)s부터 새 값 %(value)s이(가) 적용됩니다.")
                    % {"date": date_format(change.effective_from, "DATE_FORMAT"), "value": change.value},
                )
            else:
                messages.success(request, _("변경을 제안했습니다. 시·도 담당자가 승인하면 시행일부터 적용됩니다."))
            return redirect("console:parameters")
    context = {
        "catalogue": selectors.parameter_catalogue(),
        "changes": selectors.parameter_changes()[:100],
        "form": form,
        "errors": errors,
        "can_decide": user.role in ("province_official", "admin") or user.is_superuser,
        "today": timezone.localdate(),
    }
    return render(request, "console/parameters.html", context, status=status)


@official_only
@require_POST
def parameter_decide(request: HttpRequest, change_id: int) -> HttpResponse:
    user: Any = request.user
    action = request.POST.get("action", "")
    try:
        if action in ("approve", "reject"):
            services.parameter_change_decide(actor=user, change_id=change_id, approve=action == "approve")
        elif action == "withdraw":
            services.parameter_change_withdraw(actor=user, change_id=change_id)
        else:
            raise InvalidInput(_("알 수 없는 요청입니다."), detail={"fields": {"action": action[:20]}})
    except ApplicationError as exc:
        if exc.status in (403, 404):
            return refuse(request, exc.message, exc.status)
        messages.error(request, exc.message)
        return redirect("console:parameters")
    messages.success(
        request, {"approve": _("승인했습니다."), "reject": _("반려했습니다."), "withdraw": _("철회했습니다.")}[action]
    )
    return redirect("console:parameters")


# ---------------------------------------------------------------- audit log

AUDIT_PAGE = 50


@official_only
def audit(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    g = request.GET
    try:
        since = parse_date(g.get("since"), "since")
        until = parse_date(g.get("until"), "until")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        since = until = None
    filters = {k: (g.get(k) or "").strip()[:80] for k in ("actor", "object_type", "object_id", "action")}
    qs = selectors.audit_entries(user=user, since=since, until=until, **filters)
    page = Paginator(qs, AUDIT_PAGE).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "since": since,
        "until": until,
        "actions": selectors.audit_actions(),
        "object_types": selectors.audit_object_types(),
        "query": query.urlencode(),
        "scope": _scope_label(user),
    }
    return render(request, "console/audit.html", context)


# ---------------------------------------------------------------- dashboards


def _period(request: HttpRequest) -> tuple[Any, str | None]:
    from dolbom.operations.statistics import Period

    default = Period.last_year()
    try:
        start = parse_date(request.GET.get("start"), "start") or default.start
        end = parse_date(request.GET.get("end"), "end") or default.end
    except ApplicationError as exc:
        return default, exc.message
    if end < start or (end - start).days > 366 * 3:
        return default, _("기간을 확인해 주세요 (시작일 ≤ 종료일, 최대 3년).")
    return Period(start=start, end=end), None


@official_only
def dashboards(request: HttpRequest) -> HttpResponse:
    from dolbom.operations.statistics import Scope, dashboard_tables_cached

    from .charts import bars

    user: Any = request.user
    period, error = _period(request)
    if error:
        messages.error(request, error)
    tables = dashboard_tables_cached(scope=Scope.of(user=user, period=period))
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    charts = {
        "services": bars(tables["services"].rows, label="service", value="uses"),
        "monthly": bars([{**r, "m": r["month"][5:]} for r in tables["monthly"].rows], label="m", value="uses"),
        "fill_hour": bars(tables["fill_hour"].rows, label="hour", value="fill_rate", unit="%"),
        "fill_weekday": bars(tables["fill_weekday"].rows, label="weekday", value="fill_rate", unit="%"),
        "satisfaction": bars(tables["satisfaction"].rows, label="stars", value="count"),
    }
    context = {
        "tables": tables,
        "charts": charts,
        "period": period,
        "query": query,
        "scope": _scope_label(user),
        "detail_tables": [
            {
                "key": t.key,
                "title": t.title,
                "columns": t.columns,
                "rows": [{"cells": [row.get(k) for k, _label in t.columns]} for row in t.rows],
            }
            for t in (tables[k] for k in ("services", "service_municipality", "waiting", "unmet", "fill_weekday_hour"))
        ],
    }
    return render(request, "console/dashboards.html", context)


@official_only
def dashboards_export(request: HttpRequest, fmt: str) -> HttpResponse:
    from dolbom.core.audit import audit_log
    from dolbom.operations.exports import table_csv, tables_xlsx
    from dolbom.operations.statistics import Scope, dashboard_tables_cached

    user: Any = request.user
    period, error = _period(request)
    if error:
        return refuse(request, error, 422)
    tables = dashboard_tables_cached(scope=Scope.of(user=user, period=period))
    stem = f"dolbom-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    audit_log(
        actor=user,
        action="statistics.export",
        object_type="operations.dashboard",
        object_id=fmt,
        after={"start": period.start.isoformat(), "end": period.end.isoformat(), "table": request.GET.get("table")},
    )
    if fmt == "csv":
        key = request.GET.get("table", "service_municipality")
        if key not in tables:
            return refuse(request, _("알 수 없는 표입니다."), 404)
        response = HttpResponse(table_csv(tables[key]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}-{key}.csv"'
        return response
    if fmt == "xlsx":
        meta = [
            (_("기간"), f"{period.start.isoformat()} ~ {period.end.isoformat()}"),
            (_("담당 지역"), _scope_label(user)),
            (_("작성"), f"{user.get_username()} {timezone.localtime():%Y-%m-%d %H:%M}"),
            (
                _("정의"),
                _("시설 예약은 시설 소재 시·군·구, 방문돌봄은 요청 지역 기준 (dolbom.operations.statistics)"),
            ),
        ]
        response = HttpResponse(
            tables_xlsx(tables, meta=meta),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    return refuse(request, _("지원하지 않는 형식입니다."), 404)


@official_only
def supply(request: HttpRequest) -> HttpResponse:
    from dolbom.operations.statistics import supply_demand

    rows = supply_demand(user=request.user)
    if request.GET.get("format") == "csv":
        from dolbom.operations.exports import table_csv
        from dolbom.operations.statistics import Table

        columns = [
            ("municipality", _("시·군·구")),
            ("municipality_code", _("코드")),
            ("children_0_5", _("0~5세 인구")),
            ("population_as_of", _("인구 기준월")),
            ("facilities", _("시설 수")),
            ("places", _("정원")),
            ("children_per_place", _("정원 1명당 아동")),
        ]
        response = HttpResponse(table_csv(Table("supply", _("수요 대비 공급"), columns, rows)), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="dolbom-supply.csv"'
        return response
    from dolbom.operations.statistics import supply_demand_dong

    sgg = (request.GET.get("sgg") or "")[:5]
    dongs = supply_demand_dong(user=request.user, sgg_code=sgg) if sgg else []
    name = next((r["municipality"] for r in rows if r["municipality_code"] == sgg), "")
    from django.conf import settings

    from dolbom.core.permissions import scope_prefixes
    from dolbom.operations.statistics import supply_map_points

    prefixes = scope_prefixes(request.user) or []
    sidos = {p[:2] for p in prefixes}
    return render(
        request,
        "console/supply.html",
        {
            "rows": rows,
            "scope": _scope_label(request.user),
            "dongs": dongs,
            "sgg": sgg,
            "sgg_name": name,
            "map_points": supply_map_points(dongs, dong=True) if sgg else supply_map_points(rows, dong=False),
            "map_sido": sidos.pop() if len(sidos) == 1 else "",
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@official_only
def monitoring(request: HttpRequest) -> HttpResponse:
    from dolbom.operations.statistics import monitoring as monitoring_lists

    data = monitoring_lists(user=request.user)
    return render(
        request, "console/monitoring.html", {**data, "scope": _scope_label(request.user), "today": timezone.localdate()}
    )
