from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dolbom.accounts.models import Role, User
from dolbom.core.audit import audit_log
from dolbom.core.errors import NotFound
from dolbom.core.permissions import region_in_scope, require_login

from .models import Child, Consent, Household

STAFF_ROLES_READING_CHILDREN = {Role.COORDINATOR, Role.CITY_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.ADMIN}


def children_of(*, user: User) -> QuerySet[Child]:
    require_login(user)
    return Child.objects.filter(household__guardian=user)


def child_get(*, actor: User, child_id: int) -> Child:
    """A citizen gets their own child; regional staff get children of households in their scope, audited.

    Anyone else gets 404, so the existence of another family's child is not revealed.
    """
    require_login(actor)
    child = Child.objects.select_related("household__home_region", "household__guardian").filter(pk=child_id).first()
    if child is None:
        raise NotFound(_("등록된 아동을 찾을 수 없습니다."))
    if child.household.guardian_id == actor.pk:
        return child
    if actor.role in STAFF_ROLES_READING_CHILDREN or actor.is_superuser:
        region = child.household.home_region
        if region_in_scope(actor, region.code if region else None):
            audit_log(actor=actor, action="child.read", obj=child, acting_for=child.household.guardian)
            return child
    raise NotFound(_("등록된 아동을 찾을 수 없습니다."))


def consents_of(*, user: User) -> QuerySet[Consent]:
    require_login(user)
    return Consent.objects.filter(user=user)


def citizen_data_export(*, user: User) -> dict[str, Any]:
    """Everything Dolbom holds about a citizen, as plain JSON (개인정보 열람·이동)."""
    require_login(user)
    household = Household.objects.filter(guardian=user).select_related("home_region").first()
    children = list(Child.objects.filter(household__guardian=user))
    data: dict[str, Any] = {
        "account": {
            "username": user.username,
            "name": user.first_name,
            "email": user.email,
            "phone": user.phone,
            "joined": user.date_joined.isoformat(),
            "identity_verified_at": user.identity_verified_at.isoformat() if user.identity_verified_at else None,
        },
        "household": None,
        "children": [
            {
                "id": c.pk,
                "name": c.name,
                "birth_date": c.birth_date.isoformat() if c.birth_date else None,
                "due_date": c.due_date.isoformat() if c.due_date else None,
                "health_notes": c.health_notes,
                "allergies": c.allergies,
                "disability_notes": c.disability_notes,
            }
            for c in children
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "recipient": c.recipient,
                "granted_at": c.granted_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in Consent.objects.filter(user=user)
        ],
    }
    if household:
        data["household"] = {
            "home_region": household.home_region.full_name if household.home_region else None,
            "home_address": household.home_address,
            "benefit_alerts": household.benefit_alerts,
        }
    from django.apps import apps

    # Later domains add their own sections (bookings, requests, inquiries) through this hook.
    for app_config in apps.get_app_configs():
        exporter = getattr(app_config, "export_citizen_data", None)
        if exporter:
            data.update(exporter(user))
    return data
