"""Writes of operations: participating municipalities (care services and programmes), dated parameter changes,
incident reports. Every write checks role and scope and leaves an audit entry.

Scope: a city official acts on rows whose region lies in their 시·군·구, a province official in their 시·도, an
administrator everywhere. A row covering a wider area (a whole 시·도) is out of a city official's reach.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dolbom.accounts.models import Role, User
from dolbom.core.audit import audit_log
from dolbom.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from dolbom.core.permissions import region_in_scope, require_facility_access, require_role
from dolbom.regions.models import Region

from .models import IncidentReport, ParameterChange

OFFICIAL_ROLES = (Role.CITY_OFFICIAL, Role.PROVINCE_OFFICIAL)


def _require_official(actor: User) -> None:
    require_role(actor, *OFFICIAL_ROLES)


def _require_code_in_scope(actor: User, code: str) -> None:
    if not region_in_scope(actor, code.ljust(10, "0")):
        raise PermissionDenied(_("담당 지역 밖의 참여 지역은 바꿀 수 없습니다."), code="out_of_scope")


def _resolve(query: str) -> Region:
    from dolbom.regions.services import region_resolve

    query = (query or "").strip()
    if not query:
        raise InvalidInput(_("지역 이름이나 코드를 입력해 주세요."), detail={"fields": {"region": _("필수")}})
    try:
        region = region_resolve(query=query)
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message, code=exc.code, detail={**exc.detail, "fields": {"region": exc.message}}
        ) from exc
    if region.level == Region.Level.EUPMYEONDONG:
        raise InvalidInput(
            _("참여 지역은 시·도나 시·군·구 단위로 지정합니다."), detail={"fields": {"region": _("읍·면·동 단위")}}
        )
    return region


def region_prefix_of(*, region: Region) -> str:
    """The shortest code prefix covering exactly this unit: 수원시 (41110 with 구 41111, 41113, ...) → "4111",
    의정부시 → "41150", 경기도 → "41". A 구 (장안구) keeps its own 5 digits."""
    from dolbom.regions.selectors import region_scope_prefixes

    prefixes = region_scope_prefixes(region=region)
    if len(prefixes) == 1:
        return prefixes[0]
    common = os.path.commonprefix(prefixes)  # noqa: RUF071 — codes are compared digit by digit on purpose
    return common if len(common) >= 4 else region.code[:5]


def _dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(_("종료일은 시작일보다 빠를 수 없습니다."), detail={"fields": {"ends_on": _("시작일 이전")}})


# ---------------------------------------------------------------- care services (booking.ServiceParticipation)


def service_participation_add(
    *, actor: User, service_id: int, region_query: str, starts_on: date | None = None, ends_on: date | None = None
) -> Any:
    from dolbom.booking.models import CareService, ServiceParticipation

    _require_official(actor)
    service = CareService.objects.filter(pk=service_id).first()
    if service is None:
        raise NotFound(_("돌봄 서비스를 찾을 수 없습니다."))
    region = _resolve(region_query)
    if not region_in_scope(actor, region.code):
        raise PermissionDenied(_("담당 지역 밖의 시·군은 추가할 수 없습니다."), code="out_of_scope")
    _dates(starts_on, ends_on)
    prefix = region_prefix_of(region=region)
    if ServiceParticipation.objects.filter(service=service, region_prefix=prefix, starts_on=starts_on).exists():
        # NULL start dates are distinct to the unique constraint: check here as well
        raise Conflict(
            _("%(region)s은(는) 같은 시작일로 이미 참여 지역입니다.") % {"region": region.full_name},
            detail={"fields": {"region": _("중복")}},
        )
    try:
        with transaction.atomic():
            row = ServiceParticipation.objects.create(
                service=service,
                region_prefix=prefix,
                region_name=region.full_name,
                starts_on=starts_on,
                ends_on=ends_on,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("%(region)s은(는) 같은 시작일로 이미 참여 지역입니다.") % {"region": region.full_name},
            detail={"fields": {"region": _("중복")}},
        ) from exc
    audit_log(actor=actor, action="participation.add", obj=row, after=_participation_snapshot(row))
    return row


def _participation_snapshot(row: Any) -> dict[str, Any]:
    return {
        "service": getattr(row, "service_id", None),
        "programme": getattr(row, "programme_id", None),
        "region": getattr(row, "region_prefix", None) or getattr(row, "region_code", None),
        "region_name": row.region_name,
        "starts_on": row.starts_on.isoformat() if row.starts_on else None,
        "ends_on": row.ends_on.isoformat() if row.ends_on else None,
    }


def _service_row(actor: User, row_id: int) -> Any:
    from dolbom.booking.models import ServiceParticipation

    _require_official(actor)
    row = ServiceParticipation.objects.select_related("service").filter(pk=row_id).first()
    if row is None:
        raise NotFound(_("참여 지역을 찾을 수 없습니다."))
    _require_code_in_scope(actor, row.region_prefix)
    return row


def service_participation_set_dates(
    *, actor: User, participation_id: int, starts_on: date | None, ends_on: date | None
) -> Any:
    row = _service_row(actor, participation_id)
    _dates(starts_on, ends_on)
    before = _participation_snapshot(row)
    row.starts_on, row.ends_on = starts_on, ends_on
    try:
        with transaction.atomic():
            row.save(update_fields=["starts_on", "ends_on", "updated_at"])
    except IntegrityError as exc:
        raise Conflict(
            _("같은 시작일의 참여 기록이 이미 있습니다."), detail={"fields": {"starts_on": _("중복")}}
        ) from exc
    audit_log(actor=actor, action="participation.dates", obj=row, before=before, after=_participation_snapshot(row))
    return row


def service_participation_remove(*, actor: User, participation_id: int) -> None:
    row = _service_row(actor, participation_id)
    before = _participation_snapshot(row)
    pk = row.pk
    row.delete()
    audit_log(
        actor=actor,
        action="participation.remove",
        object_type="booking.serviceparticipation",
        object_id=pk,
        before=before,
    )


# ---------------------------------------------------------------- programmes (benefits.ProgrammeRegion)


def programme_region_add(
    *,
    actor: User,
    programme_id: int,
    region_query: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    note: str = "",
) -> Any:
    from dolbom.benefits.models import Programme, ProgrammeRegion

    _require_official(actor)
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("지원사업을 찾을 수 없습니다."))
    if programme.is_national:
        raise InvalidInput(_("전국 사업은 참여 지역을 지정하지 않습니다."), code="national_programme")
    region = _resolve(region_query)
    if not region_in_scope(actor, region.code):
        raise PermissionDenied(_("담당 지역 밖의 시·군은 추가할 수 없습니다."), code="out_of_scope")
    _dates(starts_on, ends_on)
    try:
        with transaction.atomic():
            row = ProgrammeRegion.objects.create(
                programme=programme,
                region_code=region.code,
                region_name=region.full_name,
                starts_on=starts_on,
                ends_on=ends_on,
                note=note[:200],
            )
    except IntegrityError as exc:
        raise Conflict(
            _("%(region)s은(는) 이미 이 사업의 참여 지역입니다. 기존 기록의 날짜를 바꿔 주세요.")
            % {"region": region.full_name},
            detail={"fields": {"region": _("중복")}},
        ) from exc
    audit_log(actor=actor, action="programme_region.add", obj=row, after=_participation_snapshot(row))
    return row


def _programme_row(actor: User, row_id: int) -> Any:
    from dolbom.benefits.models import ProgrammeRegion

    _require_official(actor)
    row = ProgrammeRegion.objects.select_related("programme").filter(pk=row_id).first()
    if row is None:
        raise NotFound(_("참여 지역을 찾을 수 없습니다."))
    _require_code_in_scope(actor, row.region_code)
    return row


def programme_region_set_dates(*, actor: User, region_row_id: int, starts_on: date | None, ends_on: date | None) -> Any:
    row = _programme_row(actor, region_row_id)
    _dates(starts_on, ends_on)
    before = _participation_snapshot(row)
    row.starts_on, row.ends_on = starts_on, ends_on
    row.save(update_fields=["starts_on", "ends_on", "updated_at"])
    audit_log(actor=actor, action="programme_region.dates", obj=row, before=before, after=_participation_snapshot(row))
    return row


def programme_region_remove(*, actor: User, region_row_id: int) -> None:
    row = _programme_row(actor, region_row_id)
    before = _participation_snapshot(row)
    pk = row.pk
    row.delete()
    audit_log(
        actor=actor,
        action="programme_region.remove",
        object_type="benefits.programmeregion",
        object_id=pk,
        before=before,
    )


# ---------------------------------------------------------------- dated parameter changes


def _programme_editable(actor: User, programme_key: str) -> None:
    """National programmes: province officials and administrators record the ministry's announced values.
    Local programmes: officials whose scope covers one of the programme's regions."""
    from dolbom.benefits.models import Programme

    programme = Programme.objects.filter(key=programme_key).prefetch_related("regions").first()
    if programme is None:
        # A parameter file without a catalogue entry: only administrators touch it.
        if actor.role != Role.ADMIN and not actor.is_superuser:
            raise PermissionDenied(_("이 사업의 매개변수는 관리자만 바꿀 수 있습니다."), code="out_of_scope")
        return
    if programme.is_national:
        if actor.role == Role.CITY_OFFICIAL:
            raise PermissionDenied(
                _("전국 사업의 금액·기준은 시·도 담당자나 관리자가 기록합니다."), code="national_programme"
            )
        return
    codes = [r.region_code for r in programme.regions.all()]
    if not any(region_in_scope(actor, code) for code in codes):
        raise PermissionDenied(_("담당 지역에서 시행하지 않는 사업입니다."), code="out_of_scope")


def _coerce_value(raw: Any, current: Any) -> Any:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return raw
    text = str(raw).strip().replace(",", "")
    if text.lower() in ("null", "none", "중단"):
        return None
    if isinstance(current, bool):
        if text.lower() in ("true", "1", "예"):
            return True
        if text.lower() in ("false", "0", "아니오"):
            return False
    try:
        number = float(text)
    except ValueError as exc:
        raise InvalidInput(_("값은 숫자로 입력해 주세요."), detail={"fields": {"value": _("숫자가 아님")}}) from exc
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput(_("값은 숫자로 입력해 주세요."), detail={"fields": {"value": _("숫자가 아님")}})
    return int(number) if number.is_integer() and not isinstance(current, float) else number


def parameter_change_propose(
    *,
    actor: User,
    programme_key: str,
    parameter: str,
    value: Any,
    effective_from: date,
    reason: str,
    today: date | None = None,
) -> ParameterChange:
    """Propose a dated value. A province official's or administrator's proposal is approved at once; a city
    official's waits for a province official or administrator (four eyes)."""
    from dolbom.benefits.eligibility.parameters import NotInForce, load_parameters

    _require_official(actor)
    group = load_parameters().get(programme_key)
    if group is None or parameter not in group:
        raise InvalidInput(
            _("알 수 없는 매개변수입니다."), detail={"fields": {"parameter": f"{programme_key}.{parameter}"}}
        )
    _programme_editable(actor, programme_key)
    today = today or timezone.localdate()
    if effective_from <= today:
        raise InvalidInput(
            _("시행일은 내일 이후여야 합니다. 지난 날짜의 값은 바꾸지 않습니다."),
            detail={"fields": {"effective_from": _("오늘 또는 과거")}},
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("변경 사유나 근거를 적어 주세요."), detail={"fields": {"reason": _("필수")}})
    try:
        current = group[parameter].at(effective_from)
    except NotInForce:
        current = None
    new_value = _coerce_value(value, current)
    if isinstance(new_value, int | float) and not isinstance(new_value, bool) and new_value < 0:
        raise InvalidInput(_("값은 0 이상이어야 합니다."), detail={"fields": {"value": _("음수")}})
    auto_approve = actor.role in (Role.PROVINCE_OFFICIAL, Role.ADMIN) or actor.is_superuser
    with transaction.atomic():
        change = ParameterChange.objects.create(
            programme_key=programme_key,
            parameter=parameter,
            value=new_value,
            previous_value=current,
            effective_from=effective_from,
            reason=reason[:300],
            proposed_by=actor,
            status=ParameterChange.Status.APPROVED if auto_approve else ParameterChange.Status.PROPOSED,
            decided_by=actor if auto_approve else None,
            decided_at=timezone.now() if auto_approve else None,
        )
        audit_log(actor=actor, action="parameter.propose", obj=change, after=_change_snapshot(change))
        if auto_approve:
            audit_log(actor=actor, action="parameter.approve", obj=change, after=_change_snapshot(change))
    return change


def _change_snapshot(change: ParameterChange) -> dict[str, Any]:
    return {
        "parameter": f"{change.programme_key}.{change.parameter}",
        "value": change.value,
        "previous_value": change.previous_value,
        "effective_from": change.effective_from.isoformat(),
        "status": change.status,
        "reason": change.reason,
    }


def parameter_change_decide(
    *, actor: User, change_id: int, approve: bool, now: datetime | None = None
) -> ParameterChange:
    require_role(actor, Role.PROVINCE_OFFICIAL)
    with transaction.atomic():
        change = ParameterChange.objects.select_for_update().filter(pk=change_id).first()
        if change is None:
            raise NotFound(_("변경 제안을 찾을 수 없습니다."))
        _programme_editable(actor, change.programme_key)
        if change.status != ParameterChange.Status.PROPOSED:
            raise TransitionNotAllowed(_("이미 결정된 제안입니다."))
        if approve and change.effective_from <= timezone.localdate():
            raise TransitionNotAllowed(_("시행일이 지난 제안은 승인할 수 없습니다. 새로 제안해 주세요."))
        before = _change_snapshot(change)
        change.status = ParameterChange.Status.APPROVED if approve else ParameterChange.Status.REJECTED
        change.decided_by = actor
        change.decided_at = now or timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit_log(
            actor=actor,
            action="parameter.approve" if approve else "parameter.reject",
            obj=change,
            before=before,
            after=_change_snapshot(change),
        )
    return change


def parameter_change_withdraw(*, actor: User, change_id: int) -> ParameterChange:
    """Withdraw a pending proposal, or an approved value that has not taken effect yet."""
    _require_official(actor)
    with transaction.atomic():
        change = ParameterChange.objects.select_for_update().filter(pk=change_id).first()
        if change is None:
            raise NotFound(_("변경 제안을 찾을 수 없습니다."))
        _programme_editable(actor, change.programme_key)
        if change.status == ParameterChange.Status.APPROVED and actor.role == Role.CITY_OFFICIAL:
            raise PermissionDenied(_("승인된 값은 시·도 담당자나 관리자가 철회합니다."))
        if change.status not in (ParameterChange.Status.PROPOSED, ParameterChange.Status.APPROVED):
            raise TransitionNotAllowed(_("이미 반려되었거나 철회된 제안입니다."))
        if change.effective_from <= timezone.localdate():
            raise TransitionNotAllowed(_("이미 시행된 값은 철회할 수 없습니다. 새 시행일로 값을 바꿔 주세요."))
        before = _change_snapshot(change)
        change.status = ParameterChange.Status.WITHDRAWN
        change.decided_by = actor
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit_log(actor=actor, action="parameter.withdraw", obj=change, before=before, after=_change_snapshot(change))
    return change


# ---------------------------------------------------------------- incident reports (provider back-office)


def incident_report_create(
    *,
    actor: User,
    facility: Any,
    occurred_at: datetime,
    severity: str,
    summary: str,
    description: str = "",
    actions_taken: str = "",
    guardian_informed: bool = False,
) -> IncidentReport:
    require_role(actor, Role.PROVIDER)
    require_facility_access(actor, facility)
    summary = (summary or "").strip()
    fields: dict[str, str] = {}
    if not summary:
        fields["summary"] = _("필수")
    if severity not in IncidentReport.Severity.values:
        fields["severity"] = _("알 수 없는 값")
    if occurred_at > timezone.now():
        fields["occurred_at"] = _("미래 시각")
    if fields:
        raise InvalidInput(_("사고 보고 내용을 확인해 주세요."), detail={"fields": fields})
    report = IncidentReport.objects.create(
        facility=facility,
        occurred_at=occurred_at,
        severity=severity,
        summary=summary[:200],
        description=description,
        actions_taken=actions_taken,
        guardian_informed=guardian_informed,
        reported_by=actor,
    )
    audit_log(
        actor=actor,
        action="incident.report",
        obj=report,
        after={"facility": facility.pk, "severity": severity, "summary": report.summary},
    )
    return report
