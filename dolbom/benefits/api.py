"""/api/v1/benefits: the eligibility check and the programme catalogue. Open to everyone."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from dolbom.core.errors import InvalidInput
from dolbom.core.ratelimit import rate_limit_anonymous

from .eligibility.catalogue import MAIN_STAGES, SITUATIONS, STAGES
from .models import Programme
from .schemas import CheckIn, CheckOut, ProgrammeDetailOut, ProgrammePageOut
from .selectors import (
    programme_get,
    programme_list,
    programme_parameters,
    programme_rank,
    programme_test_cases,
)
from .services import _resolve_region, benefit_check

# Public and identical for everyone (nothing is stored, nothing depends on who asks): no authentication, so API
# clients need neither a token nor a CSRF cookie.
router = Router(tags=["지원사업"], auth=None)


@router.post("/check", response=CheckOut, summary="우리 가구 지원사업 확인", by_alias=True)
def check(request: HttpRequest, payload: CheckIn) -> dict:
    """지역과 가구 정보로 적용되는 모든 지원사업의 대상 여부(eligible/ineligible/unknown), 금액, 이유, 부족한 입력,
    신청 방법과 앞으로의 변화를 답합니다. 자녀별 사업(부모급여·아동수당·첫만남이용권 등)은 사업당 한 줄이며
    금액은 자녀 합계, 자녀별 결과는 `per_child`에 있습니다."""
    rate_limit_anonymous(request, scope="benefits_check")
    return benefit_check(data=payload)


class ProgrammeFilter(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: str | None = Field(default=None, max_length=20)
    situation: str | None = Field(default=None, max_length=20)
    region: str | None = Field(default=None, max_length=60)
    q: str | None = Field(default=None, max_length=100)
    kind: str | None = Field(default=None, max_length=20)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=100000)


def programme_row(p: Programme) -> dict[str, Any]:
    return {
        "id": p.pk,
        "key": p.key,
        "name": p.name,
        "kind": p.kind,
        "provider_level": p.provider_level,
        "agency": p.agency,
        "stages": p.stages,
        "situations": p.situations,
        "support_type": p.support_type,
        "summary": p.summary,
        "how_to_apply": p.how_to_apply,
        "contact": p.contact,
        "legal_reference": p.legal_reference,
        "source": p.source,
        "checked_on": p.checked_on,
        "regions": [
            {"code": r.region_code, "name": r.region_name, "starts_on": r.starts_on, "ends_on": r.ends_on}
            for r in p.regions.all()
        ],
    }


@router.get("/programs", response=ProgrammePageOut, summary="지원사업 목록·검색")
def programs(request: HttpRequest, filters: Query[ProgrammeFilter]) -> dict:
    """`stage` (youth, pregnancy, infant, school, worklife, …), `situation` (single_parent, multicultural, …),
    `region` (코드 또는 이름: 그 지역에 적용되는 사업만), `q` (한국어 검색, 띄어쓰기 무시),
    `kind` (rule, information)."""
    if filters.stage and filters.stage not in STAGES:
        raise InvalidInput(
            _("알 수 없는 생애주기입니다."),
            detail={"fields": {"stage": _("%(choices)s 중 하나") % {"choices": ", ".join(MAIN_STAGES)}}},
        )
    if filters.situation and filters.situation not in SITUATIONS:
        raise InvalidInput(_("알 수 없는 가구 상황입니다."), detail={"fields": {"situation": ", ".join(SITUATIONS)}})
    if filters.kind and filters.kind not in Programme.Kind.values:
        raise InvalidInput(_("알 수 없는 종류입니다."), detail={"fields": {"kind": _("rule 또는 information")}})
    region = _resolve_region(filters.region) if filters.region else None
    found = programme_rank(
        list(
            programme_list(
                stage=filters.stage, situation=filters.situation, region=region, q=filters.q, kind=filters.kind
            )
        ),
        q=filters.q,
    )
    page = found[filters.offset : filters.offset + filters.limit]
    return {"count": len(found), "results": [programme_row(p) for p in page]}


@router.get("/programs/{ident}", response=ProgrammeDetailOut, summary="지원사업 상세 (id 또는 코드)")
def program(request: HttpRequest, ident: str) -> dict:
    p = programme_get(ident=ident)
    row = programme_row(p)
    row["description"] = p.description
    row["parameters"] = programme_parameters(programme=p, on=timezone.localdate())
    row["test_cases"] = programme_test_cases(programme=p)
    return row
