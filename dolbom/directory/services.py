"""Writes for the directory: facility types and provider edits of a facility's own profile."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dolbom.core.audit import audit_log
from dolbom.core.errors import InvalidInput
from dolbom.core.permissions import require_facility_access, require_role

from . import hours as H
from .facility_types import TYPE_SEEDS
from .models import Facility, FacilityType


def facility_types_ensure() -> int:
    """Create the seed types that do not exist yet; never overwrite what an official changed. Returns created."""
    existing = set(FacilityType.objects.values_list("code", flat=True))
    missing = [
        FacilityType(
            code=seed["code"],
            name=seed["name"],
            category=seed["category"],
            aliases=seed["aliases"],
            default_min_age_months=seed["min_age"],
            default_max_age_months=seed["max_age"],
            sort_order=i,
        )
        for i, seed in enumerate(TYPE_SEEDS)
        if seed["code"] not in existing
    ]
    FacilityType.objects.bulk_create(missing)
    return len(missing)


PROVIDER_EDITABLE = {"phone", "homepage", "capacity", "enrolment", "hours"}


@transaction.atomic
def facility_update(*, actor: Any, facility_id: int, data: dict[str, Any]) -> Facility:
    """Provider staff keep their own facility's contact, capacity/enrolment and hours; audited."""
    require_role(actor, "provider")
    facility = Facility.objects.select_for_update().filter(pk=facility_id).first()
    if facility is None:
        from dolbom.core.errors import NotFound

        raise NotFound()
    require_facility_access(actor, facility)
    unknown = set(data) - PROVIDER_EDITABLE
    if unknown:
        raise InvalidInput(
            _("수정할 수 없는 항목입니다."), detail={"fields": dict.fromkeys(unknown, _("수정할 수 없는 항목입니다."))}
        )
    changes: dict[str, Any] = {}
    if "hours" in data:
        try:
            data["hours"] = H.validate(data["hours"])
        except ValueError as exc:
            raise InvalidInput(_("운영시간 형식이 올바르지 않습니다."), detail={"fields": {"hours": str(exc)}}) from exc
    capacity = data.get("capacity", facility.capacity)
    enrolment = data.get("enrolment", facility.enrolment)
    if capacity is not None and enrolment is not None and enrolment > capacity * 2:
        raise InvalidInput(
            _("현원이 정원에 비해 너무 큽니다."), detail={"fields": {"enrolment": _("값이 너무 큽니다")}}
        )
    for name, value in data.items():
        before = getattr(facility, name)
        if before != value:
            changes[name] = [before, value]
            setattr(facility, name, value)
    if "hours" in changes:
        facility.hours_assumed = False
    if changes:
        facility.save()
        if "hours" in changes:
            facility_hours_sync(facility_ids=[facility.pk])
        audit_log(
            actor=actor,
            action="facility.update",
            obj=facility,
            before={k: v[0] for k, v in changes.items()},
            after={k: v[1] for k, v in changes.items()},
        )
    return facility


def facility_hours_sync(*, facility_ids: list[int] | None = None) -> int:
    """Rewrite the derived OpeningInterval rows from Facility.hours (all facilities when ids is None)."""
    from .models import OpeningInterval

    qs = Facility.objects.all() if facility_ids is None else Facility.objects.filter(pk__in=facility_ids)
    written = 0
    with transaction.atomic():
        ids_done: list[int] = []
        batch: list[OpeningInterval] = []
        rows = qs.values_list("pk", "hours", "lat", "lng", "min_age_months", "max_age_months", "status")
        for pk, rules, lat, lng, lo, hi, status in rows.iterator(chunk_size=2000):
            ids_done.append(pk)
            if status not in Facility.LISTED_STATUSES:
                continue  # closed and suspended facilities are never "open at" anything
            batch.extend(
                OpeningInterval(
                    facility_id=pk,
                    day_key=k,
                    opens_min=o,
                    closes_min=c,
                    lat=lat,
                    lng=lng,
                    min_age_months=lo,
                    max_age_months=hi,
                )
                for k, o, c in H.opening_intervals(rules or [])
            )
            if len(ids_done) >= 2000:
                written += _replace_intervals(ids_done, batch)
                ids_done, batch = [], []
        written += _replace_intervals(ids_done, batch)
    return written


def _replace_intervals(ids: list[int], batch: list[Any]) -> int:
    from .models import OpeningInterval

    if ids:
        OpeningInterval.objects.filter(facility_id__in=ids).delete()
    OpeningInterval.objects.bulk_create(batch, batch_size=2000)
    return len(batch)
