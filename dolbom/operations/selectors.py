"""Reads of operations: participation tables for the console, the approved parameter overlay the benefits engine
lays over its YAML, the audit log in an official's scope, and monitoring lists.

Dashboard figures live in `statistics.py`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from dolbom.accounts.models import Role, User
from dolbom.core.models import AuditEntry
from dolbom.core.permissions import region_in_scope, scope_prefixes

from .models import ParameterChange

# ---------------------------------------------------------------- parameter overlay


def parameter_overlay_version() -> tuple[Any, ...]:
    agg = ParameterChange.objects.filter(status=ParameterChange.Status.APPROVED).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    # a withdrawn value leaves the approved set: count every status change too
    everything = ParameterChange.objects.aggregate(last=Max("updated_at"))
    return (agg["n"], agg["last"], everything["last"])


def parameter_overlay() -> dict[str, dict[str, dict[date, Any]]]:
    """Approved dated values: {programme_key: {parameter: {effective_from: value}}}; the latest approval wins."""
    out: dict[str, dict[str, dict[date, Any]]] = defaultdict(lambda: defaultdict(dict))
    rows = ParameterChange.objects.filter(status=ParameterChange.Status.APPROVED).order_by("decided_at", "pk")
    for row in rows.values("programme_key", "parameter", "effective_from", "value"):
        out[row["programme_key"]][row["parameter"]][row["effective_from"]] = row["value"]
    return {k: dict(v) for k, v in out.items()}


def parameter_changes(*, programme_key: str | None = None) -> QuerySet[ParameterChange]:
    qs = ParameterChange.objects.select_related("proposed_by", "decided_by")
    if programme_key:
        qs = qs.filter(programme_key=programme_key)
    return qs.order_by("-created_at", "-pk")


def parameter_catalogue() -> list[dict[str, Any]]:
    """Every parameter of every programme file (merged with approved changes), for the change form."""
    from dolbom.benefits.eligibility.parameters import NotInForce
    from dolbom.benefits.models import Programme
    from dolbom.benefits.selectors import _parameters

    names = dict(Programme.objects.values_list("key", "name"))
    today = timezone.localdate()
    out = []
    for key, group in sorted(_parameters().items()):
        for name, p in group.items():
            try:
                value = p.at(today)
            except NotInForce:
                value = None
            out.append(
                {
                    "programme_key": key,
                    "programme_name": names.get(key, key),
                    "name": name,
                    "description": p.description,
                    "unit": p.unit,
                    "value": value,
                    "history": list(zip(p.dates, p.values, strict=True)),
                }
            )
    return out


# ---------------------------------------------------------------- participation


def _editable(user: User, code: str) -> bool:
    return region_in_scope(user, code.ljust(10, "0"))


def service_participation_table(*, user: User, on: date | None = None) -> list[dict[str, Any]]:
    """Each care service with its participating municipalities, current count and the rows this user may edit."""
    from dolbom.booking.models import CareService

    on = on or timezone.localdate()
    out = []
    for service in CareService.objects.prefetch_related("participations").order_by("name"):
        rows = []
        for p in service.participations.all():
            current = (p.starts_on is None or p.starts_on <= on) and (p.ends_on is None or on <= p.ends_on)
            rows.append({"row": p, "current": current, "editable": _editable(user, p.region_prefix)})
        out.append({"service": service, "rows": rows, "current_count": sum(1 for r in rows if r["current"])})
    return out


def programme_region_table(*, user: User, on: date | None = None) -> list[dict[str, Any]]:
    from dolbom.benefits.models import Programme

    on = on or timezone.localdate()
    out = []
    programmes = (
        Programme.objects.filter(is_active=True)
        .exclude(provider_level=Programme.ProviderLevel.NATIONAL)
        .prefetch_related("regions")
        .order_by("name")
    )
    for programme in programmes:
        rows = []
        for r in programme.regions.all():
            current = (r.starts_on is None or r.starts_on <= on) and (r.ends_on is None or on <= r.ends_on)
            rows.append({"row": r, "current": current, "editable": _editable(user, r.region_code)})
        out.append({"programme": programme, "rows": rows, "current_count": sum(1 for r in rows if r["current"])})
    return out


# ---------------------------------------------------------------- audit log


def _scope_q(user: User) -> Q | None:
    """Entries an official may read: those whose actor is scoped inside the official's region (staff of the
    region's facilities, its coordinators and officials), plus entries about facilities in the region.
    Citizens' own actions are not shown to officials (they concern a household, not the programme's
    staff); administrators see everything. None = no restriction."""
    prefixes = scope_prefixes(user)
    if prefixes is None:
        return None
    if not prefixes:
        return Q(pk__in=[])
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from dolbom.directory.models import Facility

    actor_q = Q()
    facility_q = Q()
    for p in prefixes:
        actor_q |= Q(actor__scope_region__code__startswith=p) | Q(actor__facility__region__code__startswith=p)
        facility_q |= Q(region__code__startswith=p)
    facilities = Facility.objects.filter(facility_q).annotate(sid=Cast("pk", CharField())).values("sid")
    return actor_q | Q(object_type="directory.facility", object_id__in=facilities)


def audit_entries(
    *,
    user: User,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    scope = _scope_q(user)
    if scope is not None:
        qs = qs.filter(scope)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        qs = qs.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz))
    return qs.order_by("-at", "-id")


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()[:200])


def audit_object_types() -> list[str]:
    return list(AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()[:200])


def is_official(user: Any) -> bool:
    role = getattr(user, "role", None)
    return bool(getattr(user, "is_authenticated", False)) and (
        role in (Role.CITY_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.ADMIN) or getattr(user, "is_superuser", False)
    )
