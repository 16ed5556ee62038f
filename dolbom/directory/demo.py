"""Demo facilities: the bundled real files (data/facilities, see PROVENANCE.md), imported as they are."""

from pathlib import Path
from typing import Any

from django.conf import settings

from .importers.run import facility_import
from .models import Facility

DEMO_FILES = [
    "seoul_childcare_standard_20260721.cp949.csv",
    "seoul_local_child_centers_2022.csv",
    "seoul_kium_centers_2022.csv",
    "seoul_shared_childcare_rooms_2022.csv",
    "childcare_portal_export_sample_40rows.xls",
]


def data_dir() -> Path:
    return Path(settings.DATA_DIR) / "facilities"


def load(stdout: Any) -> list[str]:
    """Import every bundled file; idempotent (a second run reports everything unchanged)."""
    lines = ["돌봄시설 (출처: 서울 열린데이터광장, 어린이집정보공개포털 · 공공누리 제1유형):"]
    for name in DEMO_FILES:
        path = data_dir() / name
        if not path.is_file():
            lines.append(f"  {name}: 파일 없음")
            continue
        report = facility_import(path=path)
        stdout.write(report.summary())
        lines.append("  " + report.summary())
    listed = Facility.objects.filter(status__in=Facility.LISTED_STATUSES).count()
    lines.append(f"  지도에 보이는 시설 {listed:,}곳 (휴지·폐지 제외), 전체 {Facility.objects.count():,}곳")
    return lines


def provider_facility() -> Facility | None:
    """The demo provider's facility: the first open Seoul 어린이집 (by code) with 야간연장 and real coordinates."""
    candidates = Facility.objects.filter(
        source_format="seoul-standard", status=Facility.Status.NORMAL, coord_quality=Facility.CoordQuality.SOURCE
    ).order_by("source_key")
    for facility in candidates.iterator(chunk_size=500):
        if "night" in facility.services and facility.capacity:
            return facility
    return None
