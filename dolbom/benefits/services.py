"""Benefits: loading the catalogue (a write) and the eligibility check (a computation over the catalogue)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError

from dolbom.core.errors import InvalidInput
from dolbom.core.validation import describe_validation_errors

from .eligibility import household_errors, household_from_input, information_specs, load_programme_specs, year_total
from .eligibility.catalogue import MAIN_STAGES, SITUATIONS, STAGES, ProgrammeSpec
from .models import Programme, ProgrammeRegion
from .schemas import CheckIn
from .selectors import catalogue_engine, programme_facets, region_codes_of, search_normalise

VERIFY_NOTICE = gettext_lazy("금액·기준은 담당 기관에 확인하세요")
BOKJIRO_FILE = "welfare_central_services_bokjiro_365.json"
EARLIEST_AS_OF = date(2018, 1, 1)
LOW_INCOME_LABELS = {"basic_livelihood": "수급자", "near_poverty": "차상위"}


def benefits_data_dir() -> Path:
    return Path(getattr(settings, "BENEFITS_DATA_DIR", Path(settings.BASE_DIR) / "data" / "benefits"))


def _search_text(spec: ProgrammeSpec) -> str:
    parts = [
        spec.name,
        spec.summary,
        spec.agency,
        *(STAGES.get(s, s) for s in spec.stages),
        *(SITUATIONS.get(s, s) for s in spec.situations),
        *(str(t) for t in spec.config.get("tags", [])),
        *(str(t) for t in spec.config.get("themes", [])),
    ]
    return search_normalise(" ".join(parts))


@transaction.atomic
def benefits_catalogue_load(*, data_dir: Path | None = None) -> dict[str, int]:
    """Create or update every programme from the bundled specification and the 복지로 list. Idempotent.

    Participating regions are seeded only where a programme has none yet: after that they are officials' data.
    """
    specs = load_programme_specs()
    encoded_ids = {i for s in specs for i in s.external_ids}
    path = (data_dir or benefits_data_dir()) / BOKJIRO_FILE
    with path.open(encoding="utf-8") as fh:
        records = json.load(fh)
    specs += information_specs(records, skip_ids=encoded_ids)
    created = updated = regions = 0
    for order, spec in enumerate(specs):
        defaults = {
            "name": spec.name,
            "kind": Programme.Kind.INFORMATION if spec.rule == "information" else Programme.Kind.RULE,
            "rule": spec.rule,
            "provider_level": spec.provider_level,
            "agency": spec.agency,
            "stages": list(spec.stages),
            "situations": list(spec.situations),
            "support_type": spec.support_type,
            "summary": spec.summary,
            "description": spec.description,
            "how_to_apply": spec.how_to_apply,
            "contact": spec.contact,
            "legal_reference": spec.legal_reference,
            "source": spec.source,
            "checked_on": spec.checked_on,
            "config": spec.config,
            "external_ids": list(spec.external_ids),
            "search_text": _search_text(spec),
            "facets": programme_facets(stages=list(spec.stages), situations=list(spec.situations)),
            "sort_order": order,
        }
        programme = Programme.objects.filter(key=spec.key).first()
        if programme is None:
            programme = Programme.objects.create(key=spec.key, **defaults)
            created += 1
        else:
            changed = [k for k, v in defaults.items() if getattr(programme, k) != v]
            if changed:
                for k in changed:
                    setattr(programme, k, defaults[k])
                programme.save(update_fields=[*changed, "updated_at"])
                updated += 1
        if spec.regions and not programme.regions.exists():
            for span in spec.regions:
                ProgrammeRegion.objects.create(
                    programme=programme,
                    region_code=span.code,
                    region_name=span.name,
                    starts_on=span.starts_on,
                    ends_on=span.ends_on,
                )
                regions += 1
    return {"programmes": len(specs), "created": created, "updated": updated, "regions": regions}


# ---------------------------------------------------------------------------------------------------------------
# The check


def _validate(data: dict[str, Any] | CheckIn) -> CheckIn:
    if isinstance(data, CheckIn):
        return data
    if not isinstance(data, dict):
        raise InvalidInput(_("입력 형식이 올바르지 않습니다."), detail={"fields": {"body": _("객체가 필요합니다")}})
    try:
        return CheckIn.model_validate(data)
    except ValidationError as exc:
        message, fields = describe_validation_errors(exc.errors())  # type: ignore[arg-type]
        raise InvalidInput(message, detail={"fields": fields}) from exc


def _resolve_region(query: str) -> Any:
    from dolbom.regions.services import region_resolve

    try:
        return region_resolve(query=query)
    except InvalidInput as exc:
        detail = dict(exc.detail)
        detail["fields"] = {"region_code": exc.message}
        raise InvalidInput(exc.message, code=exc.code, detail=detail) from exc


def benefit_check(*, data: dict[str, Any] | CheckIn, today: date | None = None) -> dict[str, Any]:
    """Answer every programme that applies in the household's region, as of `as_of` (default today).

    Per-child programmes (부모급여, 아동수당, 첫만남이용권, ...) answer once, with the children's amounts summed
    and each child's answer in `per_child`. Raises InvalidInput (422) naming the field for impossible input.
    """
    payload = _validate(data)
    today = today or timezone.localdate()
    as_of = payload.as_of or today
    if not EARLIEST_AS_OF <= as_of <= today + timedelta(days=366 * 3):
        raise InvalidInput(
            _("기준일은 %(earliest)s부터 3년 뒤까지만 확인할 수 있습니다.") % {"earliest": EARLIEST_AS_OF.isoformat()},
            detail={"fields": {"as_of": _("범위 밖의 날짜")}},
        )
    region = _resolve_region(payload.region_code)
    codes, sido = region_codes_of(region=region)
    raw = payload.model_dump()
    if raw.get("low_income_status"):
        raw["low_income_status"] = LOW_INCOME_LABELS.get(raw["low_income_status"], raw["low_income_status"])
    hh = household_from_input(raw, as_of=as_of, region_codes=codes, sido_code=sido)
    errors = household_errors(hh)
    if errors:
        raise InvalidInput(
            _("입력값을 확인해 주세요: %(errors)s") % {"errors": ", ".join(f"{k} — {v}" for k, v in errors.items())},
            detail={"fields": errors},
        )
    engine, ids = catalogue_engine()
    results = engine.check(hh)
    rows = [_result_row(r, ids) for r in results]
    rows.sort(key=lambda r: (_STATUS_ORDER[r["status"]], r["kind"] != "rule"))
    summary = {s: sum(1 for r in rows if r["status"] == s) for s in ("eligible", "unknown", "ineligible")}
    return {
        "as_of": as_of,
        "region": {"code": region.code, "name": region.full_name},
        "total_this_year": year_total(results, as_of),
        "summary": summary,
        "results": rows,
    }


_STATUS_ORDER = {"eligible": 0, "unknown": 1, "ineligible": 2}


def _result_row(result: Any, ids: dict[str, int]) -> dict[str, Any]:
    spec, answer = result.spec, result.answer
    body = answer.as_dict()
    return {
        "id": ids.get(spec.key),
        "key": spec.key,
        "name": spec.name,
        "kind": "information" if spec.rule == "information" else "rule",
        "provider_level": spec.provider_level,
        "agency": spec.agency,
        "stages": list(spec.stages),
        "main_stage": next((s for s in spec.stages if s in MAIN_STAGES), "worklife"),
        "support_type": spec.support_type,
        "status": body["status"],
        "amount": body["amount"],
        "reasons": body["reasons"],
        "missing": body["missing"],
        "legal_reference": spec.legal_reference,
        "how_to_apply": spec.how_to_apply,
        "contact": spec.contact,
        "source": spec.source,
        "verified": body["verified"],
        "verify_notice": None if body["verified"] else str(VERIFY_NOTICE),
        "per_child": body["per_child"],
        "changes": body["changes"],
    }
