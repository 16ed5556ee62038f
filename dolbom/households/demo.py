"""Demo household: 김보호 in 수원시 with children of several ages and one expected."""

from datetime import date, timedelta
from typing import Any

from dolbom.accounts.models import User
from dolbom.regions.models import Region

from .models import Child, Consent, Household
from .services import today


def load(stdout: Any) -> list[str]:
    guardian = User.objects.get(username="citizen")
    household, _ = Household.objects.get_or_create(guardian=guardian)
    region = Region.objects.filter(code="4111100000").first() or Region.objects.filter(code="4111000000").first()
    household.home_region = region
    household.home_address = "경기도 수원시 장안구 (데모)"
    if region and region.lat:
        household.home_lat, household.home_lng = region.lat, region.lng
    household.benefit_alerts = True
    household.save()
    now = today()
    children = [
        ("김하늘", now - timedelta(days=200), None, "", "땅콩"),  # six and a half months: bookable from 6
        ("김바다", date(now.year - 4, 5, 10), None, "", ""),
        ("김산", date(now.year - 8, 3, 2), None, "천식 — 흡입기 지참", ""),
        ("튼튼이", None, now + timedelta(days=98), "", ""),
    ]
    for name, birth, due, health, allergies in children:
        Child.objects.update_or_create(
            household=household,
            name=name,
            defaults={"birth_date": birth, "due_date": due, "health_notes": health, "allergies": allergies},
        )
    for purpose in (Consent.Purpose.SERVICE_SHARING, Consent.Purpose.BENEFIT_ALERTS):
        if not Consent.objects.filter(user=guardian, purpose=purpose, withdrawn_at__isnull=True).exists():
            from django.utils import timezone

            Consent.objects.create(user=guardian, purpose=purpose, granted_at=timezone.now())
    return [f"데모 가구: citizen 계정, 아동 {household.children.count()}명 (수원시)"]
