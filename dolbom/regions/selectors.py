from .models import Region


def region_scope_prefixes(*, region: Region) -> list[str]:
    """Code prefixes covered by a scope region: a 시군구 covers its 5 digits, a 시도 its 2."""
    if region.level == Region.Level.SIDO:
        return [region.code[:2]]
    if region.level == Region.Level.SIGUNGU:
        # A 시 with 구 (수원시 41110) covers its 구 (41111, 41113, ...), which carry their own 5 digits.
        child_codes = region.children.filter(level=Region.Level.SIGUNGU).values_list("code", flat=True)
        return [region.code[:5], *(code[:5] for code in child_codes)]
    return [region.code[:8]]


def region_search(*, q: str, limit: int = 20) -> list[Region]:
    """Search current units by name or code prefix (simple version; see region_resolve for exact lookups)."""
    q = q.strip()
    qs = Region.objects.filter(is_active=True)
    if not q:
        return list(qs.exclude(level=Region.Level.EUPMYEONDONG)[:limit])
    if q.isdigit():
        return list(qs.filter(code__startswith=q)[:limit])
    return list(qs.filter(full_name__icontains=q)[:limit])
