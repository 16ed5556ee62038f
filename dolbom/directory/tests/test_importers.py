"""import_facilities on the real bundled files, their quirks, and the drift cases."""

import csv
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dolbom.core.errors import InvalidInput
from dolbom.directory.importers.formats import detect_format
from dolbom.directory.importers.readers import read_table
from dolbom.directory.importers.run import facility_import
from dolbom.directory.models import Facility, FacilityChange, ImportRun

SEOUL = "seoul_childcare_standard_20260721.cp949.csv"
PORTAL_XLS = "childcare_portal_export_sample_40rows.xls"
PORTAL_CSV = "childcare_portal_export_sample_40rows.utf8.csv"
LOCAL = "seoul_local_child_centers_2022.csv"
KIUM = "seoul_kium_centers_2022.csv"
ROOMS = "seoul_shared_childcare_rooms_2022.csv"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "fmt", "rows", "encoding"),
    [
        (SEOUL, "seoul-standard", 9487, "cp949"),
        (PORTAL_XLS, "childcare-portal", 40, "xls"),
        (PORTAL_CSV, "childcare-portal", 40, "utf-8"),
        (LOCAL, "seoul-local-center", 430, "utf-8"),
        (KIUM, "seoul-kium", 230, "utf-8"),
        (ROOMS, "seoul-open-room", 86, "utf-8"),
    ],
)
def test_reads_and_detects_every_bundled_format(data_dir, name, fmt, rows, encoding):
    table = read_table(data_dir / name)
    detected, _ = detect_format(table.headers)
    assert detected is not None and detected.code == fmt
    assert len(table.rows) == rows
    assert table.encoding.startswith(encoding)


def test_seoul_standard_import_quirks_and_idempotence(real_regions, data_dir):
    report = facility_import(path=data_dir / SEOUL)
    assert report.counts["created"] == 9487 and report.counts["skipped"] == 0
    assert report.problem_counts["coord_missing"] == 628
    assert report.problem_counts["coord_placeholder"] == 43
    assert Facility.objects.filter(status="closed").count() == 5504
    assert Facility.objects.filter(status="normal").count() == 3839
    assert Facility.objects.filter(status="suspended").count() == 66
    # 법인?단체등 (middle dot lost in the source) is the 법인·단체등 type.
    assert Facility.objects.filter(type__code="daycare-corporate").count() == 245
    # Placeholder at City Hall → placed at the 구 centroid, quality recorded.
    lg = Facility.objects.get(source_key="11440000487")
    assert lg.coord_problem == "placeholder" and lg.coord_quality == "centroid"
    assert lg.region.full_name.startswith("서울특별시 마포구")
    assert (lg.lat, lg.lng) == (lg.region.lat, lg.region.lng)
    assert lg.phone == ""  # 02-0000-0000 is not a phone number
    no_coords = Facility.objects.filter(coord_problem="missing")
    assert no_coords.count() == 628 and not no_coords.filter(lat__isnull=True).exists()
    # Ages from the class counts: 소담어린이집 has classes for 만1세 and 만2세 and an 영아혼합 class.
    sodam = Facility.objects.get(source_key="11470000644")
    assert (sodam.min_age_months, sodam.max_age_months, sodam.ages_basis) == (0, 35, "classes")
    assert sodam.hours_assumed and sodam.hours[0]["opens"] == "07:30"
    night = next(
        f for f in Facility.objects.filter(status="normal") if "night" in f.services and "24h" not in f.services
    )
    assert night.hours[0] == {"kind": "regular", "weekdays": [0, 1, 2, 3, 4], "opens": "07:30", "closes": "24:00"}

    again = facility_import(path=data_dir / SEOUL)
    assert again.counts["unchanged"] == 9487 and again.counts["updated"] == again.counts["created"] == 0
    assert FacilityChange.objects.count() == 0
    assert ImportRun.objects.count() == 2


def test_newer_file_updates_by_code_and_records_changes(real_regions, data_dir, tmp_path):
    source = data_dir / SEOUL
    facility_import(path=source)
    text = source.read_bytes().decode("cp949")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    code_i, status_i, enrol_i, closed_i = (header.index(h) for h in ("어린이집코드", "운영현황", "현원", "폐지일자"))
    target = next(r for r in rows[1:] if r[status_i] == "정상" and r[enrol_i] not in ("", "0"))
    target[enrol_i] = str(int(target[enrol_i]) + 1)
    closing = next(r for r in rows[1:] if r[status_i] == "정상" and r is not target)
    closing[status_i], closing[closed_i] = "폐지", "2026-08-01"
    # Drift in the header too: 현원 → 현원수 (alias), and the file now comes as UTF-8 with a BOM.
    header[enrol_i] = "현원수"
    newer = tmp_path / "seoul_newer.csv"
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows(rows)
    newer.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))

    report = facility_import(path=newer)
    assert report.counts["updated"] == 2 and report.counts["unchanged"] == 9485
    changed = Facility.objects.get(source_key=target[code_i])
    assert changed.enrolment == int(target[enrol_i])
    change = FacilityChange.objects.get(facility=changed)
    assert change.changes["enrolment"] == [int(target[enrol_i]) - 1, int(target[enrol_i])]
    closed = Facility.objects.get(source_key=closing[code_i])
    assert closed.status == "closed" and str(closed.closed_on) == "2026-08-01"
    assert FacilityChange.objects.get(facility=closed).changes["status"] == ["normal", "closed"]


def test_portal_xls_and_csv_are_the_same_facilities(real_regions, data_dir):
    first = facility_import(path=data_dir / PORTAL_XLS)
    assert first.counts["created"] == 40
    second = facility_import(path=data_dir / PORTAL_CSV)
    assert second.counts["unchanged"] == 40
    # 전남광주통합특별시 rows land in 광주 구 and 전남 시군.
    regions = set(Facility.objects.values_list("region__sido_code", flat=True))
    assert regions <= {"29", "46"} and len(regions) == 2
    assert Facility.objects.filter(coord_problem="missing").count() == 6
    assert Facility.objects.filter(status="suspended").count() == 4


def test_seoul_lists_hours_fees_ages(real_regions, data_dir):
    for name in (LOCAL, KIUM, ROOMS):
        report = facility_import(path=data_dir / name)
        assert report.counts["skipped"] == 0
    kium = Facility.objects.get(source_format="seoul-kium", source_key="GR221001")
    assert kium.type.code == "kium"
    assert {"kind": "regular", "weekdays": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "20:00"} in kium.hours
    assert {"kind": "regular", "weekdays": [5], "opens": "08:00", "closes": "14:00"} in kium.hours
    assert kium.fees["monthly"] == 50000 and kium.fees["daily"] == 2500
    assert kium.capacity == 30 and kium.extra["temporary_capacity"] == 6
    assert (kium.min_age_months, kium.max_age_months) == (72, 155)
    hub = Facility.objects.filter(source_format="seoul-kium", type__code="hub-center")
    assert hub.count() == 4
    room = Facility.objects.get(source_format="seoul-open-room", source_key="GA220901")
    assert room.type.code == "shared-room" and (room.min_age_months, room.max_age_months) == (0, 71)
    assert room.extra["sessions"] == ["10:00–11:30", "13:00–14:30", "15:30–17:00"]
    assert room.fees["free"] is True
    # Four 지역아동센터 rows have no address or coordinates: placed at their 구's centroid.
    local_missing = Facility.objects.filter(source_format="seoul-local-center", coord_problem="missing")
    assert local_missing.count() == 4 and all(f.coord_quality == "centroid" for f in local_missing)


def test_bad_rows_are_reported_and_good_rows_imported(real_regions, data_dir, tmp_path):
    rows = list(csv.reader((data_dir / PORTAL_CSV).open(encoding="utf-8")))
    header = rows[0]
    rows[1][header.index("어린이집유형구분")] = "우주어린이집"
    rows[2][header.index("시군구")] = "없는구"
    rows[2][header.index("주소")] = "없는시 없는구 어딘가"
    rows[3][header.index("인가일자")] = "2020-13-45"
    rows[4][header.index("정원수")] = "스무명"
    path = tmp_path / "portal_bad.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    report = facility_import(path=path)
    assert report.counts["skipped"] == 2 and report.counts["created"] == 38
    assert report.problems["unknown_type"][0]["row"] == 2
    assert report.problems["unresolved_region"][0]["row"] == 3
    assert report.problems["bad_date"][0]["row"] == 4
    assert report.problems["bad_number"][0]["row"] == 5
    run = ImportRun.objects.get()
    assert run.problems["unknown_type"]["count"] == 1


def test_not_a_facility_file_is_refused(real_regions, tmp_path):
    path = tmp_path / "budget.csv"
    path.write_text("항목,금액\n인건비,100\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        facility_import(path=path)
    assert exc.value.code == "not_a_facility_file"
    mojibake = tmp_path / "mojibake.csv"
    mojibake.write_text("¾î¸°ÀÌÁý¸í,½Ãµµ\nx,y\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="머리글"):
        facility_import(path=mojibake)
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InvalidInput):
        facility_import(path=binary)
    assert Facility.objects.count() == 0


def test_xlsx_is_read(real_regions, data_dir, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader((data_dir / ROOMS).open(encoding="utf-8-sig")):
        sheet.append(row)
    path = tmp_path / "rooms.xlsx"
    book.save(path)
    report = facility_import(path=path)
    assert report.format == "seoul-open-room" and report.counts["created"] == 86


def test_command_dry_run_writes_nothing_and_prints_summary(real_regions, data_dir, tmp_path):
    out = io.StringIO()
    copy = tmp_path / "rooms.csv"
    shutil.copy(data_dir / ROOMS, copy)
    call_command("import_facilities", str(copy), "--dry-run", stdout=out)
    assert "[시험 실행]" in out.getvalue() and "추가 86" in out.getvalue()
    assert Facility.objects.count() == 0 and ImportRun.objects.count() == 0
    call_command("import_facilities", str(copy), "--format", "seoul-open-room", stdout=out)
    assert Facility.objects.count() == 86
    with pytest.raises(CommandError):
        call_command("import_facilities", str(copy), "--format", "seoul-kium", stdout=out)
    with pytest.raises(CommandError):
        call_command("import_facilities", str(Path(tmp_path / "nope.csv")), stdout=out)


@pytest.mark.parametrize("value", ["2147483648", "1e20", "99999999999999999999999", "-3", "3.5", "inf"])
def test_a_count_the_column_cannot_hold_is_a_reported_problem(value):
    from dolbom.directory.importers.formats import FORMATS, build_record, column_map

    headers = ["시도", "시군구", "어린이집명", "어린이집유형구분", "운영현황", "주소", "정원수"]
    row = ["서울특별시", "마포구", "해님 어린이집", "민간", "정상", "서울특별시 마포구 어딘가 1", value]
    fmt = FORMATS["childcare-portal"]
    record = build_record(fmt, row, column_map(headers, fmt), 2)
    assert record.values["capacity"] is None
    assert any(kind == "bad_number" for kind, _ in record.warnings)


# ------------------------------------------------------------------ the same 어린이집 in two sources

OVERLAP = Path(__file__).parent / "fixtures" / "portal" / "childcare_portal_seoul_overlap.utf8.csv"
TWINS = {"11410000390": "인왕어린이집", "11290000660": "신나는어린이집", "11440000486": "구립공덕삼성어린이집",
         "11620000574": "구립센트씨엘어린이집"}  # fmt: skip


def _sources(facility: Facility) -> set[str]:
    return set(facility.sources.values_list("format", flat=True))


def test_seoul_file_and_portal_export_give_one_facility_per_daycare(real_regions, data_dir, api_client, client):
    """The portal export has no 어린이집코드; name + 시군구 + (인가일자 | phone | road address) finds the twin."""
    facility_import(path=data_dir / SEOUL)
    report = facility_import(path=OVERLAP)
    assert report.counts["merged"] == 4 and report.counts["created"] == 3 and report.counts["skipped"] == 0
    assert Facility.objects.count() == 9487 + 3
    for code, name in TWINS.items():
        twin = Facility.objects.get(source_format="seoul-standard", source_key=code)
        assert twin.name.replace(" ", "") == name
        assert _sources(twin) == {"seoul-standard", "childcare-portal"}
        portal = twin.sources.get(format="childcare-portal")
        assert portal.file == OVERLAP.name and portal.record["시도"] == "서울특별시"
    # The Seoul file stays the primary source: its 현원 (42) is shown, not the portal's (45).
    assert Facility.objects.get(source_key="11290000660").enrolment == 42
    # Of three 인왕어린이집 with one phone and address, the 인가일자 picked the right one; the others have one source.
    assert _sources(Facility.objects.get(source_key="11410000354")) == {"seoul-standard"}
    # Same name in the same 구, other address, phone and 인가일자: a different facility.
    smiles = Facility.objects.filter(name="스마일어린이집", region__sgg_code="11590")
    assert smiles.count() == 3 and smiles.filter(source_format="childcare-portal").count() == 1
    assert FacilityChange.objects.filter(changes__has_key="sources").count() == 4
    # The API and the facility page name both sources.
    twin = Facility.objects.get(source_key="11290000660")
    body = api_client.get(f"/api/v1/facilities/{twin.pk}").json()
    assert [s["format"] for s in body["sources"]] == ["seoul-standard", "childcare-portal"]
    page = client.get(f"/facilities/{twin.pk}/").content.decode()
    assert "어린이집정보공개포털" in page and "서울시 어린이집 정보" in page

    # Idempotent both ways: re-importing either file changes nothing.
    again = facility_import(path=OVERLAP)
    assert again.counts["unchanged"] == 7 and again.counts["merged"] == again.counts["created"] == 0
    seoul_again = facility_import(path=data_dir / SEOUL)
    assert seoul_again.counts["unchanged"] == 9487 and seoul_again.counts["updated"] == 0
    assert Facility.objects.count() == 9490
    # The real 40-row portal sample (전남광주통합특별시) shares nothing with Seoul: all new.
    sample = facility_import(path=data_dir / PORTAL_CSV)
    assert sample.counts["merged"] == 0
    assert Facility.objects.count() == 9490 + sample.counts["created"]


def test_portal_first_then_seoul_file_takes_over(real_regions, data_dir, tmp_path):
    """Imported in the other order, the Seoul file becomes the primary source of the twins (it has the code
    and the class counts); a lower-ranked source only fills what the primary leaves empty."""
    facility_import(path=OVERLAP)
    assert Facility.objects.count() == 7
    before = Facility.objects.get(name="신나는 어린이집")
    assert before.source_format == "childcare-portal" and before.ages_basis == "type_default"
    report = facility_import(path=data_dir / SEOUL)
    assert report.counts["merged"] == 4 and report.counts["created"] == 9487 - 4
    assert Facility.objects.count() == 9490
    after = Facility.objects.get(pk=before.pk)
    assert (after.source_format, after.source_key) == ("seoul-standard", "11290000660")
    assert after.enrolment == 42 and after.ages_basis == "classes"
    assert _sources(after) == {"seoul-standard", "childcare-portal"}
    assert after.sources.get(format="childcare-portal").record["어린이집명"] == "신나는 어린이집"
    assert facility_import(path=OVERLAP).counts["unchanged"] == 7
    assert facility_import(path=data_dir / SEOUL).counts["unchanged"] == 9487

    # Filling: the Seoul row of 구립센트씨엘어린이집 has no homepage; a portal file that has one adds it.
    rows = list(csv.reader(OVERLAP.open(encoding="utf-8")))
    header = rows[0]
    row = next(r for r in rows if r[2] == "구립센트씨엘어린이집")
    row[header.index("홈페이지주소")] = "https://example.org/centcl"
    row[header.index("정원수")] = "999"  # the primary (Seoul) has a 정원: not overwritten
    newer = tmp_path / "portal_newer.csv"
    with newer.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, row])
    filled = facility_import(path=newer)
    assert filled.counts["updated"] == 1
    centcl = Facility.objects.get(source_key="11620000574")
    assert centcl.homepage == "https://example.org/centcl" and centcl.capacity == 45
    assert facility_import(path=newer).counts["unchanged"] == 1
