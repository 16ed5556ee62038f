"""Demo care services (from the programme facts) and the demo provider's facility offering them.

Idempotent: services and participations are updated in place; slots are generated for the next 14 days
without touching existing ones (or their capacity).
"""

from datetime import time
from typing import Any

from django.utils import timezone

from .models import CareService, FacilityService, ServiceParticipation
from .services import slots_generate

ALL_DAY = [["00:00", "24:00"]]
DAYS_24H = {key: ALL_DAY for key in ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday")}
WEEKDAY_NIGHTS_AND_WEEKENDS = {
    **{key: [["18:00", "22:00"]] for key in ("mon", "tue", "wed", "thu", "fri")},
    **{key: [["09:00", "22:00"]] for key in ("sat", "sun", "holiday")},
}
IKSAN_HOURS = {
    **{key: [["18:00", "22:00"]] for key in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [["09:00", "18:00"]],
    "holiday": [["09:00", "18:00"]],
}

GYEONGGI_SOURCE = "경기 아동 언제나돌봄 보고서(2025-04, 2025-07), 제공기관 안내"

SERVICES: list[dict[str, Any]] = [
    {
        "code": "gg-always-daycare",
        "name": "언제나 어린이집",
        "description": "경기도 언제나돌봄: 24시간·365일 문을 여는 어린이집에서 필요한 시간만 맡깁니다.",
        "delivery": CareService.Delivery.FACILITY,
        "age_min_months": 6,
        "age_max_months": 95,  # 6개월 ~ 만 7세
        "hours": DAYS_24H,
        "hours_label": "24시간, 365일",
        "advance_days": 14,
        "same_day_cutoff": time(15, 0),
        "previous_day_cutoff": time(18, 0),
        "max_consecutive_days": 5,
        "min_hours": 1,
        "max_hours": 120,
        "hourly_fee": 3000,
        "cancel_deadline_hours": 2,
        "cancellation_policy": "이용 시작 2시간 전까지 취소할 수 있습니다. 노쇼가 90일 안에 3번이면 예약이 제한됩니다.",
        "no_show_limit": 3,
        "fee_exemptions": ["기초생활수급", "한부모"],
        "requires_approval": False,
        "source": GYEONGGI_SOURCE + " (연령·시간·시군 확인; 예약 규칙·이용료는 담당 기관에 확인하세요)",
        # 10 시군 take part; the reports name 부천·남양주·김포. 수원 is added for the demo household.
        "participants": [("4119", "부천시"), ("4136", "남양주시"), ("4157", "김포시"), ("4111", "수원시 (데모)")],
    },
    {
        "code": "gg-school-emergency",
        "name": "초등 시설형 긴급돌봄",
        "description": "경기도 언제나돌봄: 다함께돌봄센터·지역아동센터에서 평일 밤, 주말, 공휴일에 "
        "초등학생을 돌봅니다.",
        "delivery": CareService.Delivery.FACILITY,
        "age_min_months": 72,
        "age_max_months": 155,  # 만 6세 ~ 12세
        "hours": WEEKDAY_NIGHTS_AND_WEEKENDS,
        "hours_label": "평일 18~22시, 주말·공휴일 9~22시",
        "advance_days": 14,
        "same_day_cutoff": time(15, 0),
        "max_consecutive_days": 5,
        "hourly_fee": 0,
        "cancel_deadline_hours": 2,
        "requires_approval": True,
        "source": GYEONGGI_SOURCE + " (이용료·예약 규칙은 담당 기관에 확인하세요)",
        # 17 시군 take part; the reports name 수원·화성·남양주.
        "participants": [("4111", "수원시"), ("4159", "화성시"), ("4136", "남양주시")],
    },
    {
        "code": "iksan-night-holiday",
        "name": "야간·휴일 시간제 보육",
        "description": "익산시 육아종합지원센터: 평일 저녁과 토요일·공휴일에 시간 단위로 맡깁니다.",
        "delivery": CareService.Delivery.FACILITY,
        "age_min_months": 6,
        "age_max_months": 71,  # 6개월 ~ 만 5세
        "hours": IKSAN_HOURS,
        "hours_label": "평일 18~22시, 토요일·공휴일 9~18시",
        "advance_days": 14,
        "hourly_fee": 3000,
        "cancel_deadline_hours": 3,
        "source": "익산시 보고서(2019), 2024 보도자료 (이용료는 담당 기관에 확인하세요)",
        "participants": [("5214", "익산시"), ("4514", "익산시 (옛 코드)")],
    },
    {
        "code": "gwangju-24h-emergency",
        "name": "24시간 긴급아이돌봄",
        "description": "광주 아이키움: 갑작스러운 일이 생겼을 때 24시간 아이를 맡길 수 있습니다.",
        "delivery": CareService.Delivery.FACILITY,
        "age_min_months": 3,
        "age_max_months": 155,
        "hours": DAYS_24H,
        "hours_label": "24시간",
        "advance_days": 7,
        "hourly_fee": 0,
        "requires_approval": True,
        "source": "광주 아이키움 출범 보고(2020-12) (이용 규칙·이용료는 담당 기관에 확인하세요)",
        "participants": [("29", "광주광역시")],
    },
    {
        "code": "gwangju-hospital-child",
        "name": "입원아동 돌봄",
        "description": "광주 아이키움: 아이가 입원했을 때 병동이나 협력 시설에서 돌봅니다.",
        "delivery": CareService.Delivery.HOSPITAL,
        "age_min_months": 0,
        "age_max_months": 155,
        "hours": DAYS_24H,
        "hours_label": "24시간 (병동·협력시설)",
        "advance_days": 7,
        "hourly_fee": 0,
        "requires_approval": True,
        "source": "광주 아이키움 출범 보고(2020-12) (이용 규칙·이용료는 담당 기관에 확인하세요)",
        "participants": [("29", "광주광역시")],
    },
]


def services_seed() -> list[CareService]:
    services = []
    for spec in SERVICES:
        data = {k: v for k, v in spec.items() if k not in ("code", "participants")}
        service, _ = CareService.objects.update_or_create(code=spec["code"], defaults=data)
        for prefix, name in spec["participants"]:
            ServiceParticipation.objects.update_or_create(
                service=service, region_prefix=prefix, starts_on=None, defaults={"region_name": name}
            )
        services.append(service)
    return services


def load(stdout: Any) -> list[str]:
    from dolbom.accounts.demo import demo_facility

    services = {s.code: s for s in services_seed()}
    facility = demo_facility()
    offered = []
    for code, capacity in (("gg-always-daycare", 3), ("gg-school-emergency", 4)):
        fs, _ = FacilityService.objects.get_or_create(
            facility=facility, service=services[code], defaults={"default_capacity": capacity}
        )
        slots_generate(facility_service=fs, start=timezone.localdate(), days=14)
        offered.append(services[code].name)
    return [f"돌봄 예약: 서비스 {len(services)}종, {facility.name}에서 {', '.join(offered)} (14일치 시간대)"]
