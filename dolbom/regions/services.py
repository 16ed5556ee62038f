from dolbom.core.errors import InvalidInput

from .models import Region


def region_resolve(*, query: str) -> Region:
    """Turn a code (10-digit 법정동/행정동, 5-digit 시군구) or a name into the current unit, or raise.

    Minimal version: exact code or exact full name. The complete resolver (old names, code changes,
    merged units) replaces this.
    """
    q = (query or "").strip()
    region = None
    if q.isdigit() and len(q) in (2, 5, 10):
        region = Region.objects.filter(code=q.ljust(10, "0")).first()
    elif q:
        region = Region.objects.filter(full_name=q, is_active=True).first()
    if region is None:
        raise InvalidInput(
            f"'{q[:40]}' 지역을 찾을 수 없습니다.", code="unknown_region", detail={"fields": {"region": q[:40]}}
        )
    return region
