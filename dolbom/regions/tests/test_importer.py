import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dolbom.regions.importer import MERGED_CODE, RegionFileError, import_regions
from dolbom.regions.models import Region, RegionAlias, RegionPopulation

SMALL = Path(__file__).parent / "fixtures" / "small"


@pytest.fixture
def empty_regions(db):
    """No regions at all (the session-wide real import is removed inside this test's transaction)."""
    RegionPopulation.objects.all().delete()
    RegionAlias.objects.all().delete()
    Region.objects.update(parent=None, successor=None)
    Region.objects.all()._raw_delete(Region.objects.db)
    return None


@pytest.fixture
def small_dir(tmp_path):
    target = tmp_path / "regions"
    shutil.copytree(SMALL, target)
    return target


def _state():
    return sorted(
        Region.objects.values_list(
            "code", "is_active", "name", "full_name", "level", "lat", "lng", "parent__code", "successor__code"
        )
    )


# ------------------------------------------------------------------ the full real files


def test_full_import_counts_are_sane(real_regions):
    active_sido = set(Region.objects.filter(level="sido", is_active=True).values_list("name", flat=True))
    assert {"강원특별자치도", "전북특별자치도", "세종특별자치시", "제주특별자치도", "서울특별시"} <= active_sido
    assert "강원도" not in active_sido and "전라북도" not in active_sido
    real_sido = Region.objects.filter(level="sido", is_active=True, covers="").count()
    assert real_sido == 17
    assert Region.objects.get(code=MERGED_CODE).covered_sido_codes == ["29", "46"]
    sgg = Region.objects.filter(level="sigungu", is_active=True).count()
    assert 250 <= sgg <= 290
    # Every 행정동 of the population file is a unit with its population (읍/면 codes are shared with 법정동).
    assert RegionPopulation.objects.filter(region__level="emd", region__is_active=True).count() > 3400
    assert Region.objects.filter(level="emd", is_active=True, code_system="legal").count() > 3000
    # 리 are not stored: a 리 code resolves to its 읍/면.
    assert not Region.objects.exclude(code__endswith="00").exists()
    # Every current 시도 and 시군구 has a centroid (the 2026 화성 구 and 전북 52 included).
    assert not Region.objects.filter(is_active=True, lat__isnull=True).exclude(level="emd").exists()
    assert RegionPopulation.objects.filter(region__code="1111051500").get().total_0to5 == 245


def test_full_import_is_idempotent(real_regions):
    before = _state()
    summary = import_regions()
    assert (summary.created, summary.updated, summary.populations_written, summary.aliases_written) == (0, 0, 0, 0)
    assert summary.unchanged == Region.objects.exclude(code__startswith="99").count()
    assert _state() == before


def test_gangwon_and_jeonbuk_old_codes_are_inactive_with_successors(real_regions):
    old = Region.objects.get(code="4211000000")
    assert (old.is_active, old.successor.code, old.successor.full_name) == (
        False,
        "5111000000",
        "강원특별자치도 춘천시",
    )
    assert Region.objects.get(code="4500000000").successor.code == "5200000000"
    assert Region.objects.get(code="4511100000").successor.full_name == "전북특별자치도 전주시 완산구"
    # 군위군 moved from 경상북도 to 대구광역시 in 2023.
    assert Region.objects.get(code="4772000000").successor.code == "2772000000"


def test_hwaseong_2026_gu_are_current_units(real_regions):
    gus = Region.objects.filter(parent__code="4159000000", level="sigungu", is_active=True)
    assert sorted(gus.values_list("name", flat=True)) == ["동탄구", "만세구", "병점구", "효행구"]
    assert set(gus.values_list("code_system", flat=True)) == {"admin"}
    # 법정동 of 화성시 hang under the 구 whose 행정동 share their name.
    assert Region.objects.get(code="4159025900").parent.name == "만세구"  # 향남읍
    assert Region.objects.get(code="4159011700").parent.name == "병점구"  # 병점동 ~ 병점1동/병점2동
    # 반송동 was made from 동탄면 반송리; 동탄면's 행정동 (동탄1동 … 동탄9동) are all in 동탄구.
    assert Region.objects.get(code="4159012700").parent.name == "동탄구"
    # 송산동 came from 태안읍, whose name no 행정동 carries: it stays under 화성시 rather than a guessed 구.
    assert Region.objects.get(full_name="경기도 화성시 송산동", is_active=True).parent.code == "4159000000"


def test_population_file_drift_cases(real_regions):
    # 세종: a 시도 (36) in the 행정 file, a 시군구 (36110) in the 법정동 file.
    assert Region.objects.get(code="3600000000").level == "sido"
    assert Region.objects.get(code="3611000000").parent.code == "3600000000"
    # 출장소 (branch offices) listed like 시군구 are not units.
    assert not Region.objects.filter(code__in=["4110500000", "2811400000", "5110500000"]).exists()
    # The 행정동 용흥동 reuses the code of the abolished 법정동 대흥동: the current unit wins.
    yongheung = Region.objects.get(code="4711366500")
    assert (yongheung.name, yongheung.is_active, yongheung.code_system) == ("용흥동", True, "admin")


def test_aliases_point_at_current_units(real_regions):
    assert RegionAlias.objects.get(key="강원도").region.code == "5100000000"
    assert RegionAlias.objects.get(key="전라북도").region.code == "5200000000"
    assert RegionAlias.objects.get(key="서울").region.code == "1100000000"


# ------------------------------------------------------------------ a small excerpt (fast)


def test_small_import_then_rerun_changes_nothing(empty_regions, small_dir):
    first = import_regions(path=small_dir)
    assert first.created > 30 and first.updated == 0
    before = _state()
    second = import_regions(path=small_dir)
    assert (second.created, second.updated) == (0, 0)
    assert _state() == before


def test_unit_marked_abolished_becomes_inactive_and_is_kept(empty_regions, small_dir):
    import_regions(path=small_dir)
    legal = small_dir / "bjdong_codes_test.tsv"
    legal.write_text(
        legal.read_text(encoding="utf-8").replace(
            "1111010200\t서울특별시 종로구 신교동\t존재", "1111010200\t서울특별시 종로구 신교동\t폐지"
        ),
        encoding="utf-8",
    )
    summary = import_regions(path=small_dir)
    assert summary.updated == 1
    assert Region.objects.get(code="1111010200").is_active is False


def test_centroids_include_abolished_units_and_old_admin_codes(empty_regions, small_dir):
    import_regions(path=small_dir)
    old = Region.objects.get(code="4211000000")
    assert old.lat == pytest.approx(37.879792)
    # 진안동's pre-2026 행정동 code exists only in the centroid file: kept inactive, pointing at today's 진안동.
    old_jinan = Region.objects.get(code="4159052000")
    assert old_jinan.is_active is False and old_jinan.successor.name == "진안동"
    # The new 행정동 code of 향남읍 has no centroid of its own: it takes the old one of the same name.
    assert Region.objects.get(code="4159125300").lat == pytest.approx(37.108501)


@pytest.mark.parametrize(
    ("filename", "old", "new", "message"),
    [
        ("bjdong_codes_test.tsv", "법정동코드\t법정동명\t폐지여부", "code\tname\tstatus", "머리글"),
        ("bjdong_codes_test.tsv", "1111010200\t서울특별시 종로구 신교동\t존재", "11110102\t신교동\t존재", "10자리"),
        (
            "bjdong_codes_test.tsv",
            "1111010200\t서울특별시 종로구 신교동\t존재",
            "1111010200\t서울특별시 종로구 신교동\t?",
            "폐지여부",
        ),
        ("resident_pop_test.csv", '"서울특별시 종로구 (1111000000)"', '"서울특별시 종로구"', "행정기관코드"),
        (
            "resident_pop_test.csv",
            '"서울특별시 종로구 (1111000000)","136,318"',
            '"서울특별시 종로구 (1111000000)","x"',
            "숫자",
        ),
        ("admin_centroids_test.tsv", "LAT_WGS84", "LAT", "머리글"),
    ],
)
def test_malformed_file_is_refused_and_nothing_changes(empty_regions, small_dir, filename, old, new, message):
    import_regions(path=small_dir)
    before = _state()
    file = small_dir / filename
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RegionFileError, match=message):
        import_regions(path=small_dir)
    assert _state() == before


def test_command_turns_bad_files_into_command_error(empty_regions, tmp_path):
    with pytest.raises(CommandError, match="아무것도 바뀌지 않았습니다"):
        call_command("import_regions", path=tmp_path, stdout=StringIO())
    (tmp_path / "bjdong_codes_x.tsv").write_bytes(
        "법정동코드\t법정동명\t폐지여부\n".encode("cp949") + b"\xb0\xa1\xff\n"
    )
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_regions", path=tmp_path, stdout=StringIO())
    assert not Region.objects.exists()


def test_command_prints_a_summary(empty_regions, small_dir):
    out = StringIO()
    call_command("import_regions", path=small_dir, stdout=out)
    text = out.getvalue()
    assert "새로" in text and "출장소(시군구급) 제외 2" in text and "완료" in text
