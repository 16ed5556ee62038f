"""Demo caregivers (돌보미) in 수원시, one linked to the demo caregiver account. Idempotent.

The caregiver account (정돌보미) lives in 장안구 like the demo family and works 07–23 every day, so a newcomer can
request a visit for tonight and see it offered to, accepted and carried out by that account."""

import datetime as dt
from typing import Any

from dolbom.accounts.models import User
from dolbom.regions.models import Region

from .models import Caregiver, Qualification, ServiceProvider, WeeklyAvailability

# 수원시 구: 장안, 권선, 팔달, 영통 — with a point near each 구 office as fallback when the region has none
GU = {
    "4111100000": (37.3040, 127.0103),
    "4111300000": (37.2577, 126.9717),
    "4111500000": (37.2826, 127.0198),
    "4111700000": (37.2596, 127.0465),
}

# 서비스제공기관 (demo names): the north 구 (장안, 팔달) and the south 구 (권선, 영통) each have one
PROVIDERS = {
    "north": ("수원 북부 아이돌봄 서비스제공기관(데모)", "4111100000", "031-000-0101"),
    "south": ("수원 남부 아이돌봄 서비스제공기관(데모)", "4111700000", "031-000-0202"),
}
PROVIDER_OF_GU = {"4111100000": "north", "4111500000": "north", "4111300000": "south", "4111700000": "south"}

CAREGIVERS = [
    # name, home 구, infant, illness, languages, shift (start, end), max age months
    ("정돌보미", "4111100000", True, True, ["ko"], (7, 23), 155),  # the caregiver account: every day
    ("한영아", "4111100000", True, False, ["ko"], (7, 16), 36),
    ("오방문", "4111300000", False, True, ["ko", "en"], (12, 22), 155),
    ("윤시간", "4111300000", True, False, ["ko"], (9, 18), 155),
    ("응웬돌봄", "4111500000", True, False, ["ko", "vi"], (10, 21), 155),
    ("서야간", "4111500000", False, False, ["ko"], (15, 23), 155),
    ("강영통", "4111700000", True, True, ["ko", "zh"], (7, 19), 155),
    ("문주말", "4111700000", False, False, ["ko"], (9, 18), 155),
]


def load(stdout: Any) -> list[str]:
    regions = {r.code: r for r in Region.objects.filter(code__in=list(GU))}
    if len(regions) < len(GU):
        return ["방문돌봄 데모: 수원시 구 지역이 없어 돌보미를 만들지 않았습니다."]
    user = User.objects.filter(username="caregiver").first()
    far_future = dt.date.today() + dt.timedelta(days=730)
    providers = {
        key: ServiceProvider.objects.update_or_create(name=name, region=regions[code], defaults={"phone": phone})[0]
        for key, (name, code, phone) in PROVIDERS.items()
    }
    for i, (name, home, infant, illness, langs, (start, end), max_age) in enumerate(CAREGIVERS):
        region = regions[home]
        lat, lng = (region.lat, region.lng) if region.lat and region.lng else GU[home]
        c, _ = Caregiver.objects.update_or_create(
            display_name=name,
            defaults={
                "user": user if i == 0 else None,
                "home_region": region,
                # the account's caregiver lives nearest the demo family (장안구 centre), so she ranks first
                "home_lat": lat + (0.001 if i == 0 else 0.004 * (i % 3 - 1)),
                "home_lng": lng + (0.0 if i == 0 else 0.004 * (i % 2)),
                "background_check_expires": far_future,
                "languages": langs,
                "max_child_age_months": max_age,
                "provider": providers[PROVIDER_OF_GU[home]],
            },
        )
        c.regions_served.set([regions[home], *[r for code, r in regions.items() if code != home][:1]])
        c.qualifications.all().delete()
        Qualification.objects.create(caregiver=c, code="first_aid", expires_on=far_future)
        if infant:
            Qualification.objects.create(caregiver=c, code="infant_care", expires_on=far_future)
        if illness:
            Qualification.objects.create(caregiver=c, code="illness_care", expires_on=far_future)
        c.weekly.all().delete()
        for weekday in range(7 if i == 0 else 6):
            WeeklyAvailability.objects.create(
                caregiver=c, weekday=weekday, start_time=dt.time(start), end_time=dt.time(end)
            )
    return [
        f"방문돌봄 데모: 수원시 돌보미 {len(CAREGIVERS)}명 (정돌보미 = caregiver 계정), "
        f"서비스제공기관 {len(PROVIDERS)}곳"
    ]
