"""Acting for the caller: an agent runs another part of the product for the family on the line.

Each flow calls the owning app's own service with the agent as the actor and the family's household or
guardian as the one acted for (so that app's rules, locks and audit apply unchanged), then records the
result in the family's case history as done on their behalf (`case_action_record`, audited with
`acting_for`). Whatever goes wrong in the other app reaches the agent as that app's own error.
"""

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dolbom.accounts.models import User
from dolbom.core.errors import InvalidInput, NotFound
from dolbom.households.ages import age_in_months
from dolbom.households.models import Child, Household

from .lines import Line
from .models import Case, CaseEvent
from .services import agent_case, case_action_record


def _family(*, actor: User, case_id: int) -> tuple[Case, Household]:
    case = agent_case(actor=actor, case_id=case_id)
    if case.guardian_id is None:
        raise InvalidInput(
            _("회원 가입한 보호자만 대신 신청할 수 있습니다. 보호자에게 가입을 안내해 주세요."),
            code="family_not_registered",
            detail={"fields": {"case_id": _("익명 상담")}},
        )
    household = Household.objects.select_related("home_region", "guardian").filter(guardian_id=case.guardian_id).first()
    if household is None:
        raise NotFound(_("보호자의 가구 정보가 없습니다."))
    return case, household


# ---------------------------------------------------------------- booking


def act_booking_create(
    *, actor: User, case_id: int, slot_ids: Sequence[int], child_ids: Sequence[int], exemption: str = ""
) -> Any:
    """Book care for the family: the booking app checks scope, capacity and rules; created_by is the agent."""
    from dolbom.booking.services import booking_create

    case, household = _family(actor=actor, case_id=case_id)
    with transaction.atomic():
        booking = booking_create(
            actor=actor, slot_ids=slot_ids, child_ids=child_ids, household_id=household.pk, exemption=exemption
        )
        fs = booking.facility_service
        start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
        case_action_record(
            actor=actor,
            case_id=case.pk,
            kind=CaseEvent.Kind.BOOKING,
            summary=Line(
                gettext_noop("돌봄 예약 (%(status)s): %(facility)s %(service)s %(start)s~%(end)s"),
                {"facility": fs.facility.name, "service": fs.service.name},
                labels={"status": ("booking_status", booking.status)},
                times={"start": Line.moment(start, "n월 j일 H:i"), "end": Line.moment(end, "H:i")},
            ),
            object_type="booking.booking",
            object_id=booking.pk,
            data={"status": booking.status, "fee": booking.fee, "children": list(child_ids)},
        )
    return booking


# ---------------------------------------------------------------- benefits


def household_benefit_input(*, household: Household, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The benefits-check input built from what the family registered, plus what the caller said on the phone."""
    today = timezone.localdate()
    children = []
    pregnancy = None
    for child in Child.objects.filter(household=household).order_by("birth_date", "pk"):
        if child.birth_date is None:
            pregnancy = {"due_date": child.due_date.isoformat() if child.due_date else None, "fetuses": 1}
            continue
        children.append({"birth_date": child.birth_date.isoformat()})
    data: dict[str, Any] = {
        "as_of": today.isoformat(),
        "region_code": household.home_region.code if household.home_region_id else None,  # type: ignore[union-attr]
        "children": children,
    }
    if pregnancy:
        data["pregnancy"] = pregnancy
    for key, value in (extra or {}).items():
        if value is not None and value != "":
            data[key] = value
    return data


@dataclass
class BenefitSummary:
    eligible: list[str]
    unknown: list[str]
    result: Any


def _summarise(result: Any) -> BenefitSummary:
    """Read programme names by status from whatever shape the check returns (dicts or objects)."""
    rows = result.get("programmes", result.get("results", [])) if isinstance(result, dict) else result
    rows = getattr(rows, "programmes", rows)
    eligible, unknown = [], []
    for row in rows or []:
        get = row.get if isinstance(row, dict) else lambda k, r=row: getattr(r, k, None)
        if get("kind") == "information":
            continue  # catalogue entries without a rule always answer "unknown": not news for the family
        status = str(get("status") or "")
        name = str(get("name") or get("title") or get("programme") or get("id") or "")
        if status.endswith("eligible") and not status.endswith("ineligible"):
            eligible.append(name)
        elif status.endswith("unknown"):
            unknown.append(name)
    return BenefitSummary(eligible, unknown, result)


def _benefits_check_service() -> Any:
    from dolbom.core.errors import ServiceUnavailable

    try:
        benefit_services = importlib.import_module("dolbom.benefits.services")
    except ImportError as exc:
        raise ServiceUnavailable(_("지원사업 확인 기능을 아직 쓸 수 없습니다."), code="benefits_unavailable") from exc
    for name in ("benefits_check", "benefit_check", "eligibility_check"):
        function = getattr(benefit_services, name, None)
        if function is not None:
            return function
    raise ServiceUnavailable(_("지원사업 확인 기능을 아직 쓸 수 없습니다."), code="benefits_unavailable")


def act_benefits_check(*, actor: User, case_id: int, extra: dict[str, Any] | None = None) -> BenefitSummary:
    """Run the benefits check on the family's registered children and region, and keep the outcome in the case."""
    import inspect

    case, household = _family(actor=actor, case_id=case_id)
    data = household_benefit_input(household=household, extra=extra)
    if not data.get("region_code"):
        raise InvalidInput(
            _("보호자의 사는 곳이 등록되어 있지 않습니다."), detail={"fields": {"region_code": _("필수")}}
        )
    check = _benefits_check_service()
    params = inspect.signature(check).parameters
    kwargs: dict[str, Any] = {}
    for key in ("data", "payload", "household", "inputs", "request"):
        if key in params:
            kwargs[key] = data
            break
    if "actor" in params:
        kwargs["actor"] = actor
    if "acting_for" in params:
        kwargs["acting_for"] = household.guardian
    result = check(**kwargs)
    summary = _summarise(result)
    beyond_six = len(summary.eligible) - 6
    unknown = (
        Line(gettext_noop(" (추가 정보 필요 %(n)s건)"), {"n": len(summary.unknown)}) if summary.unknown else Line("")
    )
    line = (
        Line(
            gettext_noop("지원사업 확인: 받을 수 있는 지원 %(eligible)s%(more)s%(unknown)s"),
            {"eligible": ", ".join(summary.eligible[:6])},
            parts={
                "more": Line(gettext_noop(" 외 %(n)s건"), {"n": beyond_six}) if beyond_six > 0 else Line(""),
                "unknown": unknown,
            },
        )
        if summary.eligible
        else Line(gettext_noop("지원사업 확인: 받을 수 있는 지원 없음%(unknown)s"), parts={"unknown": unknown})
    )
    case_action_record(
        actor=actor,
        case_id=case.pk,
        kind=CaseEvent.Kind.BENEFITS_CHECK,
        summary=line,
        object_type="benefits.check",
        data={"eligible": summary.eligible, "unknown": summary.unknown, "as_of": data["as_of"]},
    )
    return summary


# ---------------------------------------------------------------- facility search


def act_facility_search(
    *,
    actor: User,
    case_id: int,
    child_id: int | None = None,
    types: Sequence[str] = (),
    vacancy: bool = False,
    limit: int = 10,
) -> list[Any]:
    """Find facilities near the family's home for one of their children, and note the search in the case."""
    from dolbom.core.permissions import scope_prefixes
    from dolbom.directory.selectors import facility_search

    case, household = _family(actor=actor, case_id=case_id)
    age = None
    if child_id is not None:
        child = Child.objects.filter(household=household, pk=child_id).first()
        if child is None:
            raise NotFound(_("등록된 아동을 찾을 수 없습니다."), detail={"fields": {"child_id": _("없는 아동")}})
        if child.birth_date:
            age = age_in_months(child.birth_date, timezone.localdate())
    kwargs: dict[str, Any] = {"types": list(types), "age_months": age, "vacancy": vacancy, "limit": limit}
    if household.home_lat is not None and household.home_lng is not None:
        kwargs.update(lat=household.home_lat, lng=household.home_lng)
    else:
        region = case.region
        kwargs["region_prefixes"] = [region.code[:5]] if region else scope_prefixes(actor)
    result = facility_search(**kwargs)
    hits: list[Any] = list(getattr(result, "hits", []))
    names = [getattr(getattr(h, "facility", h), "name", "") for h in hits]
    case_action_record(
        actor=actor,
        case_id=case.pk,
        kind=CaseEvent.Kind.FACILITY_SEARCH,
        summary=Line(
            gettext_noop("시설 찾기: %(n)s곳 안내 (%(names)s 등)"), {"n": len(hits), "names": ", ".join(names[:3])}
        )
        if names
        else Line(gettext_noop("시설 찾기: %(n)s곳 안내"), {"n": len(hits)}),
        object_type="directory.search",
        data={"facility_ids": [getattr(getattr(h, "facility", h), "pk", None) for h in hits], "age_months": age},
    )
    return hits


# ---------------------------------------------------------------- home visit


def act_home_visit_request(
    *,
    actor: User,
    case_id: int,
    child_ids: Sequence[int],
    starts_at: Any,
    ends_at: Any,
    service: str = "urgent",
    needs: Sequence[str] = (),
    note: str = "",
) -> Any:
    """Request a home visit (방문돌봄) at the family's home through the matching app's request service."""
    from dolbom.core.errors import ServiceUnavailable

    case, household = _family(actor=actor, case_id=case_id)
    try:
        matching_services = importlib.import_module("dolbom.matching.services")
    except ImportError as exc:
        raise ServiceUnavailable(_("방문돌봄 신청 기능을 아직 쓸 수 없습니다."), code="home_visit_unavailable") from exc
    create = getattr(matching_services, "visit_request_create", None)
    if create is None:
        raise ServiceUnavailable(_("방문돌봄 신청 기능을 아직 쓸 수 없습니다."), code="home_visit_unavailable")
    if household.home_region_id is None or household.home_lat is None or household.home_lng is None:
        raise InvalidInput(
            _("보호자의 집 주소(위치)가 등록되어 있지 않아 방문돌봄을 신청할 수 없습니다."),
            code="home_address_missing",
            detail={"fields": {"home_address": _("필수")}},
        )
    ids = list(dict.fromkeys(child_ids))
    children = list(Child.objects.filter(household=household, pk__in=ids))
    if not ids or len(children) != len(ids):
        raise InvalidInput(_("돌봄 받을 이 가정의 아이를 골라 주세요."), detail={"fields": {"child_ids": _("아동")}})
    with transaction.atomic():
        request = create(
            household=household,
            children=children,
            service=service,
            region=household.home_region,
            address=household.home_address or (household.home_region.full_name if household.home_region else ""),
            lat=household.home_lat,
            lng=household.home_lng,
            starts_at=starts_at,
            ends_at=ends_at,
            needs=list(needs),
            note=note,
            actor=actor,
        )
        start, end = timezone.localtime(request.starts_at), timezone.localtime(request.ends_at)
        case_action_record(
            actor=actor,
            case_id=case.pk,
            kind=CaseEvent.Kind.HOME_VISIT,
            summary=Line(
                gettext_noop("방문돌봄 신청 (%(service)s): %(start)s~%(end)s, %(children)s"),
                {"children": ", ".join(c.name for c in children)},
                labels={"service": ("visit_service", request.service)},
                times={"start": Line.moment(start, "n월 j일 H:i"), "end": Line.moment(end, "H:i")},
            ),
            object_type=request._meta.label_lower,
            object_id=request.pk,
            data={"status": request.status},
        )
    return request


def child_choices(*, household: Household) -> list[tuple[int, str]]:
    today: date = timezone.localdate()
    rows = []
    for child in Child.objects.filter(household=household, birth_date__isnull=False):
        months = age_in_months(child.birth_date, today)  # type: ignore[arg-type]
        rows.append((child.pk, _("%(name)s (만 %(months)s개월)") % {"name": child.name, "months": months}))
    return rows
