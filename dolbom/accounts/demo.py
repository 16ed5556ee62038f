"""Demo accounts, one per role, each with its scope. The passwords are public: demo only."""

from typing import Any

from dolbom.directory.models import Facility
from dolbom.regions.models import Region

from .models import Role, User

DEMO_PASSWORD = "dolbom-demo-2026"  # noqa: S105 — printed for the demo on purpose
SUWON = "4111000000"  # 경기도 수원시
GYEONGGI = "4100000000"

DEMO_ACCOUNTS: list[dict[str, Any]] = [
    {"username": "citizen", "name": "김보호", "role": Role.CITIZEN, "phone": "01012345678"},
    {"username": "citizen2", "name": "이보호", "role": Role.CITIZEN, "phone": "01087654321"},
    {"username": "coordinator", "name": "박코디", "role": Role.COORDINATOR, "region": SUWON},
    {"username": "provider", "name": "최시설", "role": Role.PROVIDER, "facility": True},
    {"username": "caregiver", "name": "정돌보미", "role": Role.CAREGIVER, "region": SUWON},
    {"username": "city", "name": "한수원", "role": Role.CITY_OFFICIAL, "region": SUWON},
    {"username": "province", "name": "윤경기", "role": Role.PROVINCE_OFFICIAL, "region": GYEONGGI},
    {"username": "admin", "name": "관리자", "role": Role.ADMIN},
]


def demo_facility() -> Facility:
    """The facility the demo provider account works at: the first demo facility, or a placeholder."""
    import importlib

    try:
        directory_demo = importlib.import_module("dolbom.directory.demo")
    except ModuleNotFoundError:
        directory_demo = None
    facility = getattr(directory_demo, "provider_facility", lambda: None)()
    if facility is None:
        facility, _ = Facility.objects.get_or_create(name="돌봄 시범 어린이집")
    return facility


def load(stdout: Any) -> list[str]:
    lines = [f"데모 계정 (비밀번호는 모두 {DEMO_PASSWORD}):"]
    for spec in DEMO_ACCOUNTS:
        user = User.objects.filter(username=spec["username"]).first() or User(username=spec["username"])
        user.first_name = spec["name"]
        user.role = spec["role"]
        user.phone = spec.get("phone")
        user.email = f"{spec['username']}@demo.dolbom.kr"
        if "region" in spec:
            user.scope_region = Region.objects.get(code=spec["region"])
        if spec.get("facility"):
            user.facility = demo_facility()
        if spec["role"] == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        scope = str(user.facility or user.scope_region or "")
        lines.append(f"  {user.get_role_display():<12} {spec['username']:<12} {scope}")
    return lines
