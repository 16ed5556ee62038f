import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dolbom.core.errors import InvalidInput
from dolbom.regions.importer import MERGED_CODE
from dolbom.regions.models import Region
from dolbom.regions.resolver import RegionResolver
from dolbom.regions.services import region_resolve


@pytest.mark.parametrize(
    ("query", "code"),
    [
        # codes: 10-digit 법정동 and 행정동, 5-digit 시군구, 2-digit 시도, with stray spaces or dashes
        ("4111100000", "4111100000"),
        ("41111", "4111100000"),
        ("11", "1100000000"),
        ("1111051500", "1111051500"),  # 행정동 청운효자동
        (" 41-111 ", "4111100000"),
        # old codes → successors
        ("4211000000", "5111000000"),
        ("42110", "5111000000"),
        ("4511100000", "5211100000"),
        ("45", "5200000000"),
        ("4772000000", "2772000000"),  # 군위군 moved to 대구
        ("2100000000", "2600000000"),  # 부산직할시
        ("4211010100", "5111010100"),  # a 법정동 under 강원도 춘천시
        ("4182025021", "4182025000"),  # a 리 → its 읍
        ("4159052000", "4159011600"),  # pre-2026 화성 행정동 진안동 → 진안동
        # names: full, partial, spacing, short and former 시도 names
        ("경기도 수원시 장안구", "4111100000"),
        ("수원시 장안구", "4111100000"),
        ("수원시장안구", "4111100000"),
        ("장안구", "4111100000"),
        ("수원시", "4111000000"),
        ("서울 강남구", "1168000000"),
        ("서울시 강남구", "1168000000"),
        ("서울특별시", "1100000000"),
        ("경기", "4100000000"),
        ("강원도 춘천시", "5111000000"),
        ("강원도", "5100000000"),
        ("강원", "5100000000"),
        ("전라북도", "5200000000"),
        ("전북 전주시 완산구", "5211100000"),
        ("전라북도 전주시 완산구", "5211100000"),
        ("제주도 제주시", "5011000000"),
        ("광주 북구", "2917000000"),
        ("광주시", "4161000000"),  # 경기도 광주시, not 광주광역시
        ("서울특별시 종로구 사직동", "1111011500"),  # 법정동 preferred over the 행정동 of the same name
        ("세종", "3611000000"),
        ("세종특별자치시", "3611000000"),
        ("경상북도 군위군", "2772000000"),
        # the 2026 화성시 구 (행정 file only) and 화성 법정동
        ("화성시 동탄구", "4159700000"),
        ("경기도 화성시 만세구", "4159100000"),
        ("41597", "4159700000"),
        ("경기도 화성시 향남읍", "4159025900"),
        ("화성시", "4159000000"),
        # the merged 전남광주통합특별시
        ("전남광주통합특별시", MERGED_CODE),
        ("전남광주통합특별시 광산구", "2920000000"),
        ("전남광주통합특별시 여수시", "4613000000"),
        ("전남광주통합특별시광산구", "2920000000"),
    ],
)
def test_resolve(real_regions, query, code):
    region = region_resolve(query=query)
    assert region.code == code
    assert region.is_active


@pytest.mark.parametrize("query", ["중구", "북구", "사직동", "동구"])
def test_ambiguous_names_list_candidates(real_regions, query):
    with pytest.raises(InvalidInput) as info:
        region_resolve(query=query)
    error = info.value
    assert error.code == "ambiguous_region" and error.status == 422
    assert "여러 곳" in error.message
    candidates = error.detail["candidates"]
    assert len(candidates) >= 2
    assert all(set(c) == {"code", "full_name", "level"} for c in candidates)


def test_ambiguous_junggu_names_every_city(real_regions):
    with pytest.raises(InvalidInput) as info:
        region_resolve(query="중구")
    names = {c["full_name"] for c in info.value.detail["candidates"]}
    assert {"서울특별시 중구", "부산광역시 중구", "인천광역시 중구"} <= names


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "unknown_region"),
        ("   ", "unknown_region"),
        ("아무데나", "unknown_region"),
        ("123", "unknown_region"),
        ("9999999999", "unknown_region"),
        ("41999", "unknown_region"),
        ("<script>alert(1)</script>", "unknown_region"),
        ("경기도 없는시", "unknown_region"),
    ],
)
def test_garbage_is_a_clear_korean_error(real_regions, query, code):
    with pytest.raises(InvalidInput) as info:
        region_resolve(query=query)
    assert info.value.code == code
    assert info.value.status == 422
    assert any("\uac00" <= ch <= "\ud7a3" for ch in info.value.message)


def test_abolished_code_without_successor_says_so(real_regions):
    # 마산시 (48160) was merged into 창원시 in 2010: no unit carries its name on.
    masan = Region.objects.get(code="4816000000")
    assert masan.is_active is False and masan.successor is None
    with pytest.raises(InvalidInput) as info:
        region_resolve(query="4816000000")
    assert info.value.code == "abolished_region"
    assert "폐지" in info.value.message


@pytest.mark.parametrize(
    ("address", "sido", "code"),
    [
        ("서울특별시 마포구 월드컵북로 416 2층(상암동, LGU+상암사옥)", None, "1144012700"),
        ("전남광주통합특별시 광산구 첨단중앙로181번길 88-21 1층", None, "2920000000"),
        ("전남광주통합특별시 북구 비엔날레로93번길 22 (용봉동)", None, "2917010700"),
        ("전남광주통합특별시 여수시 시청로 1", None, "4613000000"),
        ("경기도 화성시 향남읍 발안로 1", None, "4159025900"),
        ("경기도 화성시 동탄구 동탄대로 1", None, "4159700000"),
        ("경기도 화성시 동탄대로 1", None, "4159000000"),
        ("세종특별자치시 한누리대로 2130", None, "3611000000"),
        ("마포구 월드컵북로 1", "서울특별시", "1144000000"),
        ("중구 세종대로 110", "서울특별시", "1114000000"),
        ("강원도 춘천시 중앙로 1", None, "5111000000"),
        ("경기 수원시 장안구 파장로 1 (파장동)", None, "4111112900"),
        ("서울특별시 종로구 종로1가 1", None, "1111012600"),
        ("광주광역시 광산구 첨단중앙로 1", "전남광주통합특별시", "2920000000"),
        ("경기도 가평군 가평읍 읍내리 123", None, "4182025000"),
        ("경기도 성남시분당구 판교역로 235 (삼평동)", None, "4113510900"),
    ],
)
def test_from_address(real_regions, address, sido, code):
    region = real_regions.from_address(address, sido=sido)
    assert region is not None and region.code == code


@pytest.mark.parametrize("address", ["", "   ", "월드컵북로 416", "중구 세종대로 110", "상암동 1605", "(상암동)"])
def test_from_address_gives_none_when_it_cannot_place_the_address(real_regions, address):
    assert real_regions.from_address(address) is None


@pytest.mark.parametrize(
    ("sido", "sigungu", "code"),
    [
        ("전남광주통합특별시", "광산구", "2920000000"),
        ("전남광주통합특별시", "여수시", "4613000000"),
        ("서울특별시", "중구", "1114000000"),
        ("강원도", "춘천시", "5111000000"),
        ("경기도", "수원시 장안구", "4111100000"),
        ("서울특별시", "서울특별시 강남구", "1168000000"),
        ("강원도", "", "5100000000"),
        (None, "강남구", "1168000000"),
    ],
)
def test_from_parts(real_regions, sido, sigungu, code):
    region = real_regions.from_parts(sido=sido, sigungu=sigungu)
    assert region is not None and region.code == code


def test_from_parts_unknown_or_ambiguous_is_none(real_regions):
    assert real_regions.from_parts(sido="서울특별시", sigungu="없는구") is None
    assert real_regions.from_parts(sigungu="중구") is None
    assert real_regions.from_parts() is None


def test_descendants_of_merged_unit_and_city_with_gu(real_regions):
    merged = real_regions.by_code[MERGED_CODE]
    codes = {r.code for r in real_regions.descendants(merged)}
    assert {"2900000000", "2920000000", "4600000000", "4613000000"} <= codes
    hwaseong = {r.code for r in real_regions.descendants(real_regions.by_code["4159000000"])}
    assert {"4159100000", "4159700000", "4159025900"} <= hwaseong
    assert all(code.startswith("4159") for code in hwaseong)


def test_resolver_works_on_a_tiny_region_table(regions):
    """The conftest fixture's five regions: the resolver needs no full import."""
    resolver = RegionResolver.load()
    assert resolver.resolve("수원시 장안구") == regions["jangan"]
    assert resolver.resolve("서울 강남구") == regions["gangnam"]
    assert resolver.from_address("경기도 수원시 장안구 정조로 1") == regions["jangan"]


def test_shared_resolver_sees_new_rows(regions):
    assert region_resolve(query="41111") == regions["jangan"]
    Region.objects.create(
        code="4111900000", level="sigungu", name="시험새구", full_name="경기도 수원시 시험새구", sido_code="41",
        sgg_code="41119", parent=regions["suwon"],
    )  # fmt: skip
    assert region_resolve(query="수원시 시험새구").code == "4111900000"


_korean_ish = st.text(
    alphabet=st.sampled_from([*"서울특별시강남구중동읍면리가도광역전남북통합 ()-,0123456789", "\x00", "\u200b", "%"]),
    max_size=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=60), _korean_ish))
def test_any_input_gives_a_current_region_or_an_input_error(real_regions, text):
    try:
        region = real_regions.resolve(text)
    except InvalidInput as error:
        assert error.status == 422 and error.code in {"unknown_region", "ambiguous_region", "abolished_region"}
    else:
        assert region.is_active
    found = real_regions.from_address(text, sido=text[:5] or None)
    assert found is None or found.is_active
