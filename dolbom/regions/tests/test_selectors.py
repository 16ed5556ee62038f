import pytest

from dolbom.core.errors import InvalidInput, NotFound
from dolbom.core.permissions import region_in_scope
from dolbom.regions.importer import MERGED_CODE
from dolbom.regions.models import Region
from dolbom.regions.selectors import (
    region_descendant_codes,
    region_get,
    region_latest_population,
    region_scope_prefixes,
    region_search,
)
from tests.factories import UserFactory


def _prefixes(code):
    return region_scope_prefixes(region=Region.objects.get(code=code))


def test_scope_prefixes_of_a_city_with_gu(real_regions):
    assert _prefixes("4111000000") == ["41110", "41111", "41113", "41115", "41117"]


def test_scope_prefixes_of_hwaseong_cover_its_2026_gu(real_regions):
    assert _prefixes("4159000000")[:5] == ["41590", "41591", "41593", "41595", "41597"]


def test_scope_prefixes_of_a_new_gu_include_the_legal_dong_under_it(real_regions):
    manse = _prefixes("4159100000")
    assert manse[0] == "41591"
    assert "4159025900" in manse  # 향남읍 (법정동 code under 41590)
    assert "4159011700" not in manse  # 병점동 belongs to 병점구
    assert "4159011700" in _prefixes("4159500000")
    assert "4159012700" in _prefixes("4159700000")  # 반송동 → 동탄구


def test_scope_prefixes_of_sido_and_merged_unit(real_regions):
    assert _prefixes("4100000000") == ["41"]
    assert _prefixes("5100000000") == ["51"]
    assert _prefixes(MERGED_CODE) == ["29", "46"]
    assert _prefixes("1168000000") == ["11680"]


def test_scoped_officials_see_only_their_region(real_regions):
    merged = UserFactory(
        username="prov-jg", role="province_official", scope_region=Region.objects.get(code=MERGED_CODE)
    )
    assert region_in_scope(merged, "2920010100")  # 광주 광산구
    assert region_in_scope(merged, "4613000000")  # 전남 여수시
    assert not region_in_scope(merged, "1168000000")
    manse = UserFactory(username="city-manse", role="city_official", scope_region=Region.objects.get(code="4159100000"))
    assert region_in_scope(manse, "4159025900")
    assert region_in_scope(manse, "4159125300")
    assert not region_in_scope(manse, "4159700000")
    assert not region_in_scope(manse, "4159012700")


def test_descendant_codes(real_regions):
    gyeonggi = Region.objects.get(code="4100000000")
    sgg = region_descendant_codes(region=gyeonggi, level="sigungu")
    assert "4111100000" in sgg and "4159700000" in sgg
    assert all(code.startswith("41") for code in sgg)
    merged = region_descendant_codes(region=Region.objects.get(code=MERGED_CODE), level="sigungu")
    assert "2920000000" in merged and "4613000000" in merged
    assert not any(code.startswith("11") for code in merged)


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("강원도", "5100000000"),
        ("전라북도", "5200000000"),
        ("수원", "4111000000"),
        ("41111", "4111100000"),
        ("42110", "5111000000"),
        ("서울 강남구", "1168000000"),
        ("동탄구", "4159700000"),
    ],
)
def test_search_puts_the_current_unit_first(real_regions, q, first):
    found = region_search(q=q, limit=10)
    assert found and found[0].code == first
    assert all(r.is_active for r in found)


def test_search_by_level_and_limit(real_regions):
    found = region_search(q="중구", level="sigungu", limit=50)
    assert {r.full_name for r in found} >= {"서울특별시 중구", "부산광역시 중구", "대구광역시 중구"}
    assert all(r.level == "sigungu" for r in found)
    assert len(region_search(q="동", limit=5)) == 5
    top = region_search(q="", limit=100)
    assert [r.level for r in top[:18]] == ["sido"] * 18


def test_region_get(real_regions):
    assert region_get(code="41111").code == "4111100000"
    assert region_get(code="4211000000").is_active is False
    with pytest.raises(NotFound):
        region_get(code="4199900000")
    with pytest.raises(InvalidInput):
        region_get(code="41-1")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("서울 강남", "서울특별시 강남구"),
        ("서울강남", "서울특별시 강남구"),
        ("강원도 춘", "강원특별자치도 춘천시"),
        ("전라북도 전주", "전북특별자치도 전주시"),
        ("광산", "광주광역시 광산구"),
    ],
)
def test_search_understands_spacing_and_old_sido_names_while_typing(real_regions, q, expected):
    assert region_search(q=q, limit=5)[0].full_name == expected


def test_population_of_units_and_of_the_merged_unit(real_regions):
    gwangju = region_latest_population(region=Region.objects.get(code="2900000000"))
    jeonnam = region_latest_population(region=Region.objects.get(code="4600000000"))
    merged = region_latest_population(region=Region.objects.get(code=MERGED_CODE))
    assert gwangju and jeonnam and merged
    assert merged.total_0to5 == gwangju.total_0to5 + jeonnam.total_0to5
    assert gwangju.total == 1_385_460
    hwaseong_gu = [region_latest_population(region=Region.objects.get(code=c)) for c in ("4159100000", "4159700000")]
    assert all(p is not None and p.total_0to5 > 0 for p in hwaseong_gu)
