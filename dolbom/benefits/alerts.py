"""Proactive benefit alerts: tell an opted-in guardian when a registered child reaches an age that opens or
changes a benefit (부모급여 drops at 12 months, ends at 24; 가정양육수당 starts at 24; 아동수당 ends at the age
limit in force ...).

The crossings come from the engine's own `changes`, so alerts and the check never disagree. Each run covers
the days since the last run (at most `MAX_CATCH_UP_DAYS`), so a skipped day is caught up; every message has an
idempotency key per household, programme, child and date, so a rerun sends nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F

from dolbom.core.notifications import notification_enqueue
from dolbom.households.models import Household

from .eligibility import Child, Pregnancy
from .eligibility.model import Household as Profile
from .models import AlertRun
from .selectors import catalogue_engine, region_codes_of

MAX_CATCH_UP_DAYS = 31


def _profile(household: Household, *, as_of: date) -> tuple[Profile, list[Any]]:
    """The engine's household from registered children; the list maps the engine's child index to a Child."""
    born = sorted((c for c in household.children.all() if c.birth_date), key=lambda c: (c.birth_date, c.pk))
    born = [c for c in born if c.birth_date and c.birth_date <= as_of]
    expected = [c for c in household.children.all() if c.due_date and c.due_date > as_of]
    pregnancy = None
    if expected:
        due = min(c.due_date for c in expected if c.due_date)
        twins = [c for c in expected if c.due_date == due]
        pregnancy = Pregnancy(due_date=due, fetuses=len(twins))
        order = born + twins
    else:
        order = list(born)
    codes: frozenset[str] = frozenset()
    sido = ""
    if household.home_region is not None:
        codes, sido = region_codes_of(region=household.home_region)
    profile = Profile(
        as_of=as_of,
        region_codes=codes,
        sido_code=sido,
        pregnancy=pregnancy,
        children=tuple(Child(birth_date=c.birth_date) for c in born if c.birth_date),
    )
    return profile, order


def benefit_alerts_send(*, today: date) -> int:
    """Queue one notification per benefit change that fell due since the last run. Returns how many were new."""
    last = AlertRun.objects.filter(ran_for__lt=today).order_by("-ran_for").values_list("ran_for", flat=True).first()
    start = max(last or today - timedelta(days=1), today - timedelta(days=MAX_CATCH_UP_DAYS))
    engine, _ = catalogue_engine()
    sent = 0
    households = (
        Household.objects.filter(benefit_alerts=True, guardian__is_active=True)
        .select_related("guardian", "home_region")
        .prefetch_related("children")
    )
    for household in households:
        if not household.children.exists():
            continue
        profile, order = _profile(household, as_of=start)
        for result in engine.check(profile, information="none"):
            for change in result.answer.changes:
                if not start < change.on <= today:
                    continue
                index = change.child_index
                child = order[index] if index is not None and index < len(order) else None
                key = f"benefit-alert:{household.pk}:{result.spec.key}:{child.pk if child else '-'}:{change.on}"
                who = f"{child.name} " if child is not None else ""
                with transaction.atomic():
                    created = _enqueue(
                        household=household,
                        key=key,
                        subject=f"[돌봄] {who}{result.spec.name} 변경 안내",
                        body=(
                            f"{change.on.year}년 {change.on.month}월 {change.on.day}일부터 {result.spec.name}: "
                            f"{change.description}. "
                            "받을 수 있는 지원과 신청 방법은 돌봄 '우리 가족 지원 확인'에서 보세요."
                        ),
                        payload={
                            "programme": result.spec.key,
                            "child_id": child.pk if child else None,
                            "date": change.on.isoformat(),
                            "status": change.status,
                            "amount": change.amount.as_dict(),
                        },
                    )
                sent += int(created)
    run, created = AlertRun.objects.get_or_create(ran_for=today, defaults={"sent": sent})
    if not created and sent:
        AlertRun.objects.filter(pk=run.pk).update(sent=F("sent") + sent)
    return sent


def _enqueue(*, household: Household, key: str, subject: str, body: str, payload: dict[str, Any]) -> bool:
    """Queue the message; True when it is new (the outbox keeps one row per idempotency key)."""
    from dolbom.core.models import Notification

    existed = Notification.objects.filter(idempotency_key=key).exists()
    notification_enqueue(
        recipient=household.guardian,
        kind="benefit_alert",
        subject=subject,
        body=body,
        idempotency_key=key,
        payload=payload,
    )
    return not existed
