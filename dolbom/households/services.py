from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dolbom.accounts.models import User
from dolbom.core.audit import audit_log
from dolbom.core.errors import InvalidInput, NotFound
from dolbom.core.permissions import require_login

from .ages import age_in_months
from .models import Child, Consent, Household

MAX_CHILD_AGE_YEARS = 18
MAX_CHILDREN = 12
MAX_PREGNANCY_DAYS = 300


def today() -> date:
    return timezone.localdate()


def household_for(*, user: User) -> Household:
    require_login(user)
    household, _created = Household.objects.get_or_create(guardian=user)
    return household


def _validate_child_dates(*, birth_date: date | None, due_date: date | None) -> None:
    now = today()
    if (birth_date is None) == (due_date is None):
        raise InvalidInput(
            _("생년월일 또는 출산 예정일 중 하나만 입력해 주세요."), detail={"fields": {"birth_date": _("하나만 입력")}}
        )
    if birth_date is not None:
        if birth_date > now:
            raise InvalidInput(
                _("생년월일이 오늘 이후일 수 없습니다."), detail={"fields": {"birth_date": _("미래 날짜")}}
            )
        if age_in_months(birth_date, now) >= (MAX_CHILD_AGE_YEARS + 1) * 12:
            raise InvalidInput(
                _("만 %(age)s세 이하 아동만 등록할 수 있습니다.") % {"age": MAX_CHILD_AGE_YEARS},
                detail={"fields": {"birth_date": _("범위 초과")}},
            )
    if due_date is not None:
        if due_date < now:
            raise InvalidInput(
                _("출산 예정일이 지났습니다. 출생 후에는 생년월일로 등록해 주세요."),
                detail={"fields": {"due_date": _("지난 날짜")}},
            )
        if due_date > now + timedelta(days=MAX_PREGNANCY_DAYS):
            raise InvalidInput(_("출산 예정일이 너무 먼 날짜입니다."), detail={"fields": {"due_date": _("범위 초과")}})


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise InvalidInput(
            _("아동 이름(또는 태명)을 50자 이내로 입력해 주세요."), detail={"fields": {"name": _("필수")}}
        )
    return name


def _child_snapshot(child: Child) -> dict[str, Any]:
    # Sensitive notes are never copied into the audit log; only whether they are present.
    return {
        "name": child.name,
        "birth_date": child.birth_date.isoformat() if child.birth_date else None,
        "due_date": child.due_date.isoformat() if child.due_date else None,
        "has_sensitive_notes": bool(child.health_notes or child.allergies or child.disability_notes),
    }


@transaction.atomic
def child_register(
    *,
    actor: User,
    name: str,
    birth_date: date | None = None,
    due_date: date | None = None,
    health_notes: str = "",
    allergies: str = "",
    disability_notes: str = "",
) -> Child:
    """사전 아동등록 by the guardian."""
    household = household_for(user=actor)
    _validate_child_dates(birth_date=birth_date, due_date=due_date)
    if household.children.count() >= MAX_CHILDREN:
        raise InvalidInput(_("아동은 %(n)s명까지 등록할 수 있습니다.") % {"n": MAX_CHILDREN})
    child = Child.objects.create(
        household=household,
        name=_clean_name(name),
        birth_date=birth_date,
        due_date=due_date,
        health_notes=(health_notes or "")[:2000],
        allergies=(allergies or "")[:1000],
        disability_notes=(disability_notes or "")[:2000],
    )
    audit_log(actor=actor, action="child.register", obj=child, after=_child_snapshot(child))
    return child


@transaction.atomic
def child_update(*, actor: User, child_id: int, **changes: Any) -> Child:
    child = Child.objects.select_for_update().filter(pk=child_id, household__guardian=actor).first()
    if child is None:
        raise NotFound(_("등록된 아동을 찾을 수 없습니다."))
    before = _child_snapshot(child)
    allowed = {"name", "birth_date", "due_date", "health_notes", "allergies", "disability_notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            _("바꿀 수 없는 항목입니다."), detail={"fields": dict.fromkeys(sorted(unknown), _("알 수 없음"))}
        )
    for field, value in changes.items():
        setattr(child, field, value)
    child.name = _clean_name(child.name)
    if {"birth_date", "due_date"} & set(changes):
        _validate_child_dates(birth_date=child.birth_date, due_date=child.due_date)
    child.save()
    audit_log(actor=actor, action="child.update", obj=child, before=before, after=_child_snapshot(child))
    return child


@transaction.atomic
def child_delete(*, actor: User, child_id: int) -> None:
    child = Child.objects.filter(pk=child_id, household__guardian=actor).first()
    if child is None:
        raise NotFound(_("등록된 아동을 찾을 수 없습니다."))
    audit_log(actor=actor, action="child.delete", obj=child, before=_child_snapshot(child))
    child.delete()


@transaction.atomic
def household_update(
    *,
    actor: User,
    home_region_code: str | None = None,
    home_address: str | None = None,
    benefit_alerts: bool | None = None,
) -> Household:
    household = household_for(user=actor)
    before = {
        "home_region": household.home_region.code if household.home_region else None,
        "benefit_alerts": household.benefit_alerts,
    }
    if home_region_code is not None:
        from dolbom.regions.services import region_resolve

        region = region_resolve(query=home_region_code)
        household.home_region = region
        if region.lat is not None:
            household.home_lat, household.home_lng = region.lat, region.lng
    if home_address is not None:
        household.home_address = home_address.strip()[:200]
    if benefit_alerts is not None:
        household.benefit_alerts = benefit_alerts
        if benefit_alerts:
            consent_grant(actor=actor, purpose=Consent.Purpose.BENEFIT_ALERTS)
        else:
            consent_withdraw(actor=actor, purpose=Consent.Purpose.BENEFIT_ALERTS)
    household.save()
    after = {
        "home_region": household.home_region.code if household.home_region else None,
        "benefit_alerts": household.benefit_alerts,
    }
    audit_log(actor=actor, action="household.update", obj=household, before=before, after=after)
    return household


def _require_known_purpose(purpose: str) -> None:
    if purpose not in Consent.Purpose.values:
        raise InvalidInput(_("알 수 없는 동의 목적입니다."), detail={"fields": {"purpose": purpose}})


@transaction.atomic
def consent_grant(*, actor: User, purpose: str, recipient: str = "돌봄") -> Consent:
    require_login(actor)
    _require_known_purpose(purpose)
    existing = Consent.objects.filter(
        user=actor, purpose=purpose, recipient=recipient, withdrawn_at__isnull=True
    ).first()
    if existing:
        return existing
    consent = Consent.objects.create(user=actor, purpose=purpose, recipient=recipient[:120], granted_at=timezone.now())
    audit_log(actor=actor, action="consent.grant", obj=consent, after={"purpose": purpose, "recipient": recipient})
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, purpose: str, recipient: str = "돌봄") -> int:
    require_login(actor)
    _require_known_purpose(purpose)
    withdrawn = Consent.objects.filter(
        user=actor, purpose=purpose, recipient=recipient, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if withdrawn:
        audit_log(
            actor=actor,
            action="consent.withdraw",
            object_type="households.consent",
            object_id=purpose,
            before={"active": True},
            after={"active": False, "recipient": recipient},
        )
    return withdrawn
