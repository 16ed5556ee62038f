import json
from pathlib import Path

import pytest
from django.conf import settings

FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(settings.DATA_DIR) / "facilities"


def _load_small_regions() -> None:
    from dolbom.regions.models import Region

    rows = json.loads((FIXTURES / "regions_seoul_gwangju_jeonnam.json").read_text(encoding="utf-8"))["regions"]
    by_code: dict[str, Region] = {}
    for row in sorted(rows, key=lambda r: r["code"]):
        code = row["code"]
        level = "sido" if code[2:] == "00000000" else "sigungu"
        parent = by_code.get(code[:2] + "00000000") if level == "sigungu" else None
        # 시 with 구 (none in this fixture) would need the 4-digit parent; not needed here.
        region, _ = Region.objects.update_or_create(
            code=code,
            defaults={
                "level": level,
                "name": row["full_name"].split(" ")[-1],
                "full_name": row["full_name"],
                "parent": parent,
                "sido_code": code[:2],
                "sgg_code": code[:5] if level == "sigungu" else "",
                "lat": row["lat"],
                "lng": row["lng"],
            },
        )
        by_code[code] = region


@pytest.fixture
def small_regions(db):
    """서울 (25 구), 광주, 전라남도 with their centroids: enough for the bundled files."""
    _load_small_regions()


@pytest.fixture
def data_dir() -> Path:
    return DATA
