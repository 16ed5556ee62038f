"""Audit log writer. Services call audit_log for every state change and every staff read of a child."""

from typing import Any

from django.db import models

from .models import AuditEntry
from .request_context import current_ip


def _label(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return f"{user.get_username()} ({getattr(user, 'role', '')})"


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    acting_for: Any = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_label=_label(actor),
        acting_for=acting_for,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        ip=current_ip.get(),
    )
