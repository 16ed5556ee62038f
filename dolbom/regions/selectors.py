from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from dolbom.core.errors import InvalidInput, NotFound

from .importer import norm_key
from .models import Region, RegionAlias, RegionPopulation

_LEVEL_ORDER = Case(
    When(level=Region.Level.SIDO, then=Value(0)),
    When(level=Region.Level.SIGUNGU, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def region_scope_prefixes(*, region: Region) -> list[str]:
    """Code prefixes covered by a scope region.

    A 시도 covers its 2 digits; the merged 전남광주통합특별시 covers each 시도 it spans (29 and 46). A 시군구 covers
    its 5 digits plus those of its 구 (수원시 41110 → 41111, 41113, ...; 화성시 41590 → 41591, 41593, ...). A 구
    created after the 법정동 codes (화성시 동탄구) also covers, by full code, the 법정동 placed under it.
    """
    if region.covers:
        return list(region.covered_sido_codes)
    if region.level == Region.Level.SIDO:
        return [region.code[:2]]
    if region.level == Region.Level.SIGUNGU:
        prefixes = [region.code[:5]]
        for code in region.children.filter(is_active=True).values_list("code", flat=True).order_by("code"):
            if code.startswith(region.code[:5]):
                continue
            prefixes.append(code[:5] if code[5:] == "00000" else code)
        return list(dict.fromkeys(prefixes))
    return [region.code[:8]]


def region_descendant_codes(*, region: Region, level: str | None = None) -> list[str]:
    """Codes of every current unit inside `region` (not itself); a 시도 programme applies in all of them."""
    from .services import region_resolver

    resolver = region_resolver()
    node = resolver.by_code.get(region.code, region)
    return [r.code for r in resolver.descendants(node) if level is None or r.level == level]


def region_get(*, code: str) -> Region:
    """A unit by its exact code (2, 5 or 10 digits), current or abolished; NotFound (404) otherwise."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (2, 5, 10):
        raise InvalidInput(
            _("'%(code)s' 는 올바른 행정구역 코드가 아닙니다. 2·5·10자리 숫자로 입력해 주세요.") % {"code": code[:20]},
            code="invalid_region_code",
            detail={"fields": {"code": code[:20]}},
        )
    region = Region.objects.select_related("parent", "successor").filter(code=code.ljust(10, "0")).first()
    if region is None:
        raise NotFound(
            _("행정구역 코드 '%(code)s' 를 찾을 수 없습니다.") % {"code": code},
            code="unknown_region",
            detail={"code": code},
        )
    return region


def region_latest_population(*, region: Region) -> RegionPopulation | None:
    """The latest 주민등록 인구 row of a unit (시도, 시군구 and 행정동 carry one; 법정동 only when the code is
    shared with a 행정동). For the merged 전남광주통합특별시, an unsaved row summing the 시도 it covers."""
    if region.covers:
        rows = [
            row
            for row in (
                RegionPopulation.objects.filter(region__code=code + "00000000").order_by("-as_of").first()
                for code in region.covered_sido_codes
            )
            if row is not None
        ]
        if not rows:
            return None
        fields = ("total", "age_0", "age_1", "age_2", "age_3", "age_4", "age_5")
        return RegionPopulation(
            region=region, as_of=min(r.as_of for r in rows), **{f: sum(getattr(r, f) for r in rows) for f in fields}
        )
    return region.populations.order_by("-as_of").first()


def region_search(*, q: str, level: str | None = None, limit: int = 20) -> list[Region]:
    """Search by name or code. Current units first: the exact resolution of `q` (old names and codes too),
    units found through an alias (강원도 → 강원특별자치도), then units whose name starts with `q` (spacing ignored,
    "서울 강남" → 서울특별시 강남구), then names containing it; 시도 before 시군구 before 읍면동. Abolished units
    appear only through their successors."""
    from .services import region_resolver

    q = (q or "").strip()
    qs: QuerySet[Region] = Region.objects.filter(is_active=True)
    if level:
        qs = qs.filter(level=level)
    if not q:
        base = qs if level else qs.exclude(level=Region.Level.EUPMYEONDONG)
        return list(base.annotate(lo=_LEVEL_ORDER).order_by("lo", "code")[:limit])

    def wanted(region: Region) -> bool:
        return region.is_active and (not level or region.level == level)

    resolver = region_resolver()
    results: dict[int, Region] = {}
    resolved = resolver.resolve_or_none(q)
    if resolved is not None and wanted(resolved):
        results[resolved.pk] = resolved
    key = norm_key(q)
    if key.isdigit():
        matches = qs.filter(code__startswith=key)
    else:
        alias_ids = set(RegionAlias.objects.filter(key__startswith=key).values_list("region_id", flat=True))
        for region_id in sorted(alias_ids, key=lambda i: resolver.by_id[i].code if i in resolver.by_id else ""):
            region = resolver.by_id.get(region_id)
            if region is not None and wanted(region):
                results.setdefault(region.pk, region)
        for region in resolver.search_prefix(q, limit=limit * 5):
            if len(results) >= limit:
                break
            if wanted(region):
                results.setdefault(region.pk, region)
        matches = qs.filter(full_name__icontains=q)
    if len(results) < limit:
        for region in matches.annotate(lo=_LEVEL_ORDER).order_by("lo", "code")[: limit * 2]:
            results.setdefault(region.pk, region)
            if len(results) >= limit:
                break
    return list(results.values())[:limit]
