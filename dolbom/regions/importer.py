"""Load Korea's administrative units from the bundled public files (see data/regions/PROVENANCE.md).

Three files describe the units, each from its own system, and they drift apart:

- 법정동코드 (legal codes, used in addresses): every 시도/시군구/읍면동/리 ever, marked 존재 (exists) or 폐지
  (abolished). 리 are skipped here (a 리 code resolves to its 읍/면, see the resolver).
- 주민등록 인구 (population by 행정기관코드, administrative codes): the current administrative units, with
  children aged 0–5. It knows units the legal file does not yet list (세종 시도 36, the 2026 화성시 구), lists
  branch offices (출장소) as if they were 시군구 (skipped: they are not units), and reuses the code of an
  abolished 법정동 for a different 행정동 (the current 행정동 wins).
- centroids by 행정기관코드: includes abolished administrative units (kept inactive, pointing at their
  successor where the name shows it), with a few names spaced or repeated oddly.

Everything is parsed and checked before anything is written; the write is one transaction and touches only
rows that change, so a second run changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Region, RegionAlias, RegionPopulation

LEGAL_GLOB = "bjdong_codes_*.tsv"
POPULATION_GLOB = "resident_pop_*.csv"
CENTROID_GLOB = "admin_centroids_*.tsv"
BOUNDARY_GLOB = "sgg_boundaries_*.geojson"

# 시도 whose code changed: 직할시 → 광역시 (1995), 제주도 → 제주특별자치도 (2006), 강원도 → 강원특별자치도 (2023),
# 전라북도 → 전북특별자치도 (2024).
SIDO_SUCCESSORS = {"21": "26", "22": "27", "23": "28", "24": "29", "25": "30", "42": "51", "45": "52", "49": "50"}

# 전남광주통합특별시: the merged unit some 2026 exports use while the code files still list 광주광역시 (29) and
# 전라남도 (46). It has no code space of its own; this synthetic code sits outside every real 시도 code.
MERGED_CODE = "9000000000"
MERGED_NAME = "전남광주통합특별시"
MERGED_COVERS = ("29", "46")

# (alias, 시도 code or MERGED_CODE, kind)
ALIASES: tuple[tuple[str, str, str], ...] = (
    ("서울", "11", "short"),
    ("서울시", "11", "short"),
    ("부산", "26", "short"),
    ("부산시", "26", "short"),
    ("부산직할시", "26", "former"),
    ("대구", "27", "short"),
    ("대구시", "27", "short"),
    ("대구직할시", "27", "former"),
    ("인천", "28", "short"),
    ("인천시", "28", "short"),
    ("인천직할시", "28", "former"),
    ("광주", "29", "short"),
    ("광주직할시", "29", "former"),
    ("대전", "30", "short"),
    ("대전시", "30", "short"),
    ("대전직할시", "30", "former"),
    ("울산", "31", "short"),
    ("울산시", "31", "short"),
    ("세종", "36", "short"),
    ("세종시", "36", "short"),
    ("경기", "41", "short"),
    ("충북", "43", "short"),
    ("충남", "44", "short"),
    ("전남", "46", "short"),
    ("경북", "47", "short"),
    ("경남", "48", "short"),
    ("제주", "50", "short"),
    ("제주도", "50", "former"),
    ("강원", "51", "short"),
    ("강원도", "51", "former"),
    ("전북", "52", "short"),
    ("전라북도", "52", "former"),
    ("전남광주", MERGED_CODE, "merged"),
    ("광주전남통합특별시", MERGED_CODE, "merged"),
)

_POP_NAME = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d{10})\)\s*$")
_POP_MONTH = re.compile(r"^(?P<y>\d{4})년(?P<m>\d{2})월_계_총인구수$")
_DIGITS = re.compile(r"\d+")


class RegionFileError(Exception):
    """A region file is missing or malformed; nothing was imported."""


def default_path() -> Path:
    return Path(settings.DATA_DIR) / "regions"


def norm_key(text: str) -> str:
    """Name key: all whitespace removed (sources disagree on spacing: "서울특별시  다정동", "수원시장안구")."""
    return "".join(text.split())


def level_of(code: str) -> str:
    if code[2:] == "00000000":
        return Region.Level.SIDO
    if code[5:] == "00000":
        return Region.Level.SIGUNGU
    return Region.Level.EUPMYEONDONG


def _clean_name(full: str) -> str:
    tokens = full.split()
    # The centroid file repeats the 시도 for a few 세종 units ("세종특별자치시 세종특별자치시 나성동").
    deduped = [t for i, t in enumerate(tokens) if i == 0 or t != tokens[i - 1]]
    return " ".join(deduped)


@dataclass
class UnitSpec:
    code: str
    code_system: str
    full_name: str
    is_active: bool
    lat: float | None = None
    lng: float | None = None
    covers: str = ""
    parent_code: str | None = None
    successor_code: str | None = None
    population: tuple[int, int, int, int, int, int, int] | None = None  # total, age 0..5

    @property
    def level(self) -> str:
        if self.covers:
            return Region.Level.SIDO
        return level_of(self.code)

    @property
    def name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else ""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    active: int = 0
    inactive: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    populations_written: int = 0
    aliases_written: int = 0
    notes: dict[str, int] = field(default_factory=dict)
    population_month: dt.date | None = None

    def lines(self) -> list[str]:
        levels = ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_level.items()))
        notes = ", ".join(f"{k} {v:,}" for k, v in sorted(self.notes.items()))
        month = f"{self.population_month:%Y-%m}" if self.population_month else "-"
        return [
            f"행정구역: 새로 {self.created:,}, 변경 {self.updated:,}, 그대로 {self.unchanged:,}",
            f"현존 {self.active:,} / 폐지 {self.inactive:,} (현존 단계별: {levels})",
            f"인구({month}) 기록 {self.populations_written:,}, 별칭 기록 {self.aliases_written:,}",
            f"파일 차이 처리: {notes}",
        ]


# ---------------------------------------------------------------- reading


def _find(path: Path, pattern: str, *, required: bool = True) -> Path | None:
    matches = sorted(path.glob(pattern))
    if not matches:
        if required:
            raise RegionFileError(f"{path} 에 {pattern} 파일이 없습니다.")
        return None
    return matches[-1]


def _read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegionFileError(f"{file.name}: UTF-8 로 읽을 수 없습니다 ({exc.reason}).") from exc


def read_legal(file: Path, ri: dict[str, str] | None = None) -> dict[str, tuple[str, bool]]:
    """법정동코드 TSV → {code: (full name, exists)}. 리 are not units here; their names go to `ri` if given."""
    rows = list(csv.reader(_read_text(file).splitlines(), delimiter="\t"))
    if not rows or [c.strip() for c in rows[0][:3]] != ["법정동코드", "법정동명", "폐지여부"]:
        raise RegionFileError(f"{file.name}: 머리글이 '법정동코드, 법정동명, 폐지여부' 가 아닙니다.")
    out: dict[str, tuple[str, bool]] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 3:
            raise RegionFileError(f"{file.name} {lineno}행: 열이 부족합니다.")
        code, name, status = row[0].strip(), " ".join(row[1].split()), row[2].strip()
        if not (code.isdigit() and len(code) == 10):
            raise RegionFileError(f"{file.name} {lineno}행: 법정동코드 '{code[:20]}' 는 10자리 숫자가 아닙니다.")
        if status not in ("존재", "폐지"):
            raise RegionFileError(f"{file.name} {lineno}행: 폐지여부 '{status[:10]}' 는 존재/폐지가 아닙니다.")
        if not name:
            raise RegionFileError(f"{file.name} {lineno}행: 법정동명이 비어 있습니다.")
        if code[8:] != "00":
            if ri is not None:
                ri[code] = name
            continue
        out[code] = (name, status == "존재")
    if not out:
        raise RegionFileError(f"{file.name}: 행정구역이 하나도 없습니다.")
    return out


def _int(text: str, where: str) -> int:
    cleaned = text.replace(",", "").strip()
    if not cleaned.isdigit():
        raise RegionFileError(f"{where}: 숫자가 아닌 값 '{text[:15]}'")
    return int(cleaned)


def read_population(file: Path) -> tuple[dt.date, list[tuple[str, str, tuple[int, ...]]]]:
    """주민등록 인구 CSV → (month, [(code, full name, (total, age0..age5))])."""
    rows = list(csv.reader(_read_text(file).splitlines()))
    if not rows or rows[0][0].strip() != "행정구역":
        raise RegionFileError(f"{file.name}: 첫 열 머리글이 '행정구역' 이 아닙니다.")
    header = [h.strip() for h in rows[0]]
    month_match = _POP_MONTH.match(header[1]) if len(header) > 1 else None
    if not month_match:
        raise RegionFileError(f"{file.name}: 둘째 열 머리글에서 기준월(YYYY년MM월_계_총인구수)을 찾을 수 없습니다.")
    prefix = header[1].removesuffix("총인구수")
    try:
        idx_total = header.index(prefix + "총인구수")
        idx_ages = [header.index(f"{prefix}{a}세") for a in range(6)]
    except ValueError as exc:
        raise RegionFileError(f"{file.name}: 0세~5세 (계) 열이 없습니다.") from exc
    month = dt.date(int(month_match["y"]), int(month_match["m"]), 1)
    out: list[tuple[str, str, tuple[int, ...]]] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        m = _POP_NAME.match(row[0])
        if not m:
            raise RegionFileError(
                f"{file.name} {lineno}행: '{row[0][:40]}' 에서 10자리 행정기관코드를 찾을 수 없습니다."
            )
        if len(row) <= max(idx_total, *idx_ages):
            raise RegionFileError(f"{file.name} {lineno}행: 열이 부족합니다.")
        where = f"{file.name} {lineno}행"
        counts = (_int(row[idx_total], where), *(_int(row[i], where) for i in idx_ages))
        out.append((m["code"], " ".join(m["name"].split()), counts))
    if not out:
        raise RegionFileError(f"{file.name}: 인구 행이 없습니다.")
    return month, out


def read_centroids(file: Path) -> dict[str, tuple[str, float, float]]:
    """Centroid TSV → {행정기관코드: (name, lat, lng)} (WGS84)."""
    rows = list(csv.DictReader(_read_text(file).splitlines(), delimiter="\t"))
    needed = {"ADMCD", "ADMNM", "LON_WGS84", "LAT_WGS84"}
    if not rows or not needed <= set(rows[0].keys()):
        raise RegionFileError(f"{file.name}: 머리글에 {', '.join(sorted(needed))} 이 모두 있어야 합니다.")
    out: dict[str, tuple[str, float, float]] = {}
    for lineno, row in enumerate(rows, start=2):
        code = (row["ADMCD"] or "").strip()
        if not (code.isdigit() and len(code) == 10):
            raise RegionFileError(f"{file.name} {lineno}행: ADMCD '{code[:20]}' 는 10자리 숫자가 아닙니다.")
        try:
            lng, lat = float(row["LON_WGS84"]), float(row["LAT_WGS84"])
        except (TypeError, ValueError) as exc:
            raise RegionFileError(f"{file.name} {lineno}행: 좌표가 숫자가 아닙니다.") from exc
        if not (32.0 <= lat <= 39.5 and 124.0 <= lng <= 132.0):
            raise RegionFileError(f"{file.name} {lineno}행: 좌표 ({lat}, {lng}) 가 대한민국 밖입니다.")
        out[code] = (_clean_name(row["ADMNM"] or ""), lat, lng)
    return out


def check_boundaries(file: Path) -> int:
    try:
        data = json.loads(_read_text(file))
    except json.JSONDecodeError as exc:
        raise RegionFileError(f"{file.name}: GeoJSON 이 아닙니다 ({exc.msg}).") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not all("sgg" in (f.get("properties") or {}) for f in features):
        raise RegionFileError(f"{file.name}: 시군구 경계 FeatureCollection(속성 sgg) 이 아닙니다.")
    return len(features)


# ---------------------------------------------------------------- building


def _tail(full_name: str) -> str:
    return " ".join(full_name.split()[1:])


def build_units(
    legal: dict[str, tuple[str, bool]],
    population: list[tuple[str, str, tuple[int, ...]]],
    centroids: dict[str, tuple[str, float, float]],
    ri: dict[str, str] | None = None,
) -> tuple[dict[str, UnitSpec], dict[str, int]]:
    """Merge the three files into one target state {code: UnitSpec} plus counts of each drift case handled."""
    notes: dict[str, int] = defaultdict(int)
    units: dict[str, UnitSpec] = {
        code: UnitSpec(code=code, code_system=Region.CodeSystem.LEGAL, full_name=name, is_active=exists)
        for code, (name, exists) in legal.items()
    }

    for code, name, counts in population:
        if name.endswith("출장소") and code[5:] == "00000":
            notes["출장소(시군구급) 제외"] += 1
            continue
        existing = units.get(code)
        if existing is not None and existing.name != name.split()[-1]:
            if existing.is_active:
                # Same code, different current units in the two systems: keep the address (legal) unit.
                notes["코드 충돌(법정동 유지)"] += 1
                continue
            notes["코드 충돌(폐지 법정동 → 행정동)"] += 1
            existing = None
        if existing is None:
            units[code] = existing = UnitSpec(
                code=code, code_system=Region.CodeSystem.ADMIN, full_name=name, is_active=True
            )
            if level_of(code) != Region.Level.EUPMYEONDONG:
                notes["행정 파일에만 있는 시도·시군구"] += 1
        elif not existing.is_active:
            existing.is_active = True
            notes["폐지 표시였으나 현존 행정구역"] += 1
        existing.population = (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6])

    for code, (name, lat, lng) in centroids.items():
        unit = units.get(code)
        if unit is None:
            if not name or level_of(code) == Region.Level.SIDO:
                continue
            units[code] = UnitSpec(
                code=code, code_system=Region.CodeSystem.ADMIN, full_name=name, is_active=False, lat=lat, lng=lng
            )
            notes["옛 행정동(중심점 파일)"] += 1
        elif unit.level != Region.Level.EUPMYEONDONG or unit.name == name.split()[-1]:
            unit.lat, unit.lng = lat, lng
        else:
            notes["중심점 이름 불일치(미적용)"] += 1

    merged_center = [units[c + "00000000"] for c in MERGED_COVERS if c + "00000000" in units]
    units[MERGED_CODE] = UnitSpec(
        code=MERGED_CODE,
        code_system=Region.CodeSystem.ADMIN,
        full_name=MERGED_NAME,
        is_active=True,
        covers=",".join(MERGED_COVERS),
    )
    _assign_parents(units, ri or {}, notes)
    _assign_successors(units, notes)
    _fill_missing_centroids(units, notes)
    coords = [(u.lat, u.lng) for u in merged_center if u.lat is not None and u.lng is not None]
    if coords:
        units[MERGED_CODE].lat = round(sum(c[0] for c in coords) / len(coords), 6)
        units[MERGED_CODE].lng = round(sum(c[1] for c in coords) / len(coords), 6)
    return units, dict(notes)


def _assign_parents(units: dict[str, UnitSpec], ri: dict[str, str], notes: dict[str, int]) -> None:
    for code, unit in units.items():
        if unit.covers:
            continue
        level = unit.level
        candidates: list[str] = []
        if level == Region.Level.SIGUNGU:
            if code[4] != "0":
                candidates.append(code[:4] + "0" + "00000")  # 구 of a 시 (41111 → 41110)
            candidates.append(code[:2] + "00000000")
        elif level == Region.Level.EUPMYEONDONG:
            candidates += [code[:5] + "00000", code[:4] + "000000", code[:2] + "00000000"]
        unit.parent_code = next((c for c in candidates if c in units and c != code), None)

    # A 시 whose 구 exist only in the administrative file (화성시, 2026): its 법정동 sit directly under the 시.
    # Hang each under the 구 whose 행정동 carry the same name (향남읍 → 만세구, 병점동 → 병점1동/2동 → 병점구).
    admin_children: dict[str, list[UnitSpec]] = defaultdict(list)
    for unit in units.values():
        if (
            unit.is_active
            and unit.parent_code
            and unit.level == Region.Level.SIGUNGU
            and unit.code[:5] != unit.parent_code[:5]
        ):
            admin_children[unit.parent_code].append(unit)
    for city_code, gus in admin_children.items():
        if not all(g.code_system == Region.CodeSystem.ADMIN for g in gus):
            continue
        gu_codes = {g.code for g in gus}
        names: dict[str, set[str]] = defaultdict(set)
        for unit in units.values():
            if unit.is_active and unit.parent_code in gu_codes and unit.level == Region.Level.EUPMYEONDONG:
                names[unit.name].add(unit.parent_code)  # type: ignore[arg-type]
                names[_DIGITS.sub("", unit.name)].add(unit.parent_code)  # type: ignore[arg-type]
        # A 동 made from the 리 of a former 읍/면 (동탄면 반송리 → 반송동) goes to the one 구 whose 행정동 carry
        # that 읍/면's name (동탄1동 … 동탄9동 → 동탄구).
        former_area: dict[str, set[str]] = defaultdict(set)  # "반송" → {"동탄면"}
        for ri_code, ri_name in ri.items():
            tokens = ri_name.split()
            area = units.get(ri_code[:8] + "00")
            # Only the 리 of an abolished 읍/면: that is where new 동 come from (a living 면 keeps its 리).
            if ri_code[:5] == city_code[:5] and area is not None and not area.is_active and tokens[-1].endswith("리"):
                former_area[tokens[-1][:-1]].add(area.name)
        for unit in units.values():
            if unit.parent_code != city_code or unit.level != Region.Level.EUPMYEONDONG or not unit.is_active:
                continue
            found = names.get(unit.name, set())
            if len(found) != 1 and unit.name.endswith("동"):
                areas = former_area.get(unit.name[:-1], set())
                stems = {a[:-1] for a in areas if a.endswith(("읍", "면")) and len(a) > 2}
                found = {
                    code for name, codes in names.items() for code in codes if any(name.startswith(st) for st in stems)
                }
            if len(found) == 1:
                unit.parent_code = next(iter(found))
                notes["새 구에 배정한 법정동"] += 1


def _assign_successors(units: dict[str, UnitSpec], notes: dict[str, int]) -> None:
    active_by_tail: dict[tuple[str, str], list[str]] = defaultdict(list)  # (sido, tail) → codes
    active_sgg_by_tail: dict[str, list[str]] = defaultdict(list)
    active_emd_by_city_name: dict[tuple[str, str], list[str]] = defaultdict(list)  # (code[:4], name) → codes
    for code, unit in units.items():
        if not unit.is_active or unit.covers:
            continue
        active_by_tail[(code[:2], norm_key(_tail(unit.full_name)))].append(code)
        if unit.level == Region.Level.SIGUNGU:
            active_sgg_by_tail[norm_key(_tail(unit.full_name))].append(code)
        elif unit.level == Region.Level.EUPMYEONDONG:
            active_emd_by_city_name[(code[:4], unit.name)].append(code)

    for code, unit in units.items():
        if unit.is_active:
            continue
        sido = SIDO_SUCCESSORS.get(code[:2], code[:2])
        successor: str | None = None
        if unit.level == Region.Level.SIDO:
            successor = sido + "00000000" if sido != code[:2] else None
        else:
            same = active_by_tail.get((sido, norm_key(_tail(unit.full_name))), [])
            if len(same) == 1:
                successor = same[0]
            elif unit.level == Region.Level.SIGUNGU:
                moved = active_sgg_by_tail.get(norm_key(_tail(unit.full_name)), [])
                successor = moved[0] if len(moved) == 1 else None  # 경상북도 군위군 → 대구광역시 군위군
            else:
                renamed = active_emd_by_city_name.get((sido + code[2:4], unit.name), [])
                successor = renamed[0] if len(renamed) == 1 else None  # old 화성시 행정동 → its 구
        if successor and successor in units and units[successor].is_active:
            unit.successor_code = successor
            notes["폐지 구역 승계 연결"] += 1


def _fill_missing_centroids(units: dict[str, UnitSpec], notes: dict[str, int]) -> None:
    # The centroid file predates 전북특별자치도 (52): a renumbered unit takes its predecessor's centroid.
    for unit in units.values():
        if unit.successor_code and unit.lat is not None:
            successor = units[unit.successor_code]
            if successor.lat is None and successor.name == unit.name:
                successor.lat, successor.lng = unit.lat, unit.lng
                notes["중심점 보완(이전 코드)"] += 1
    located: dict[tuple[str, str], list[UnitSpec]] = defaultdict(list)  # (city code[:4], name) → units with centroid
    for unit in units.values():
        if unit.lat is not None and unit.level == Region.Level.EUPMYEONDONG:
            located[(unit.code[:4], unit.name)].append(unit)
            located[(unit.code[:4], _DIGITS.sub("", unit.name))].append(unit)
    for unit in units.values():
        if unit.lat is not None or unit.level != Region.Level.EUPMYEONDONG:
            continue
        same = located.get((unit.code[:4], unit.name)) or located.get((unit.code[:4], _DIGITS.sub("", unit.name)))
        if same:
            unit.lat = round(sum(u.lat or 0 for u in same) / len(same), 6)
            unit.lng = round(sum(u.lng or 0 for u in same) / len(same), 6)
            notes["중심점 보완(같은 이름 읍면동)"] += 1
    # 시군구 then 시도 without a centroid of their own: the mean of their active children.
    for level in (Region.Level.SIGUNGU, Region.Level.SIDO):
        children: dict[str, list[UnitSpec]] = defaultdict(list)
        for unit in units.values():
            if unit.is_active and unit.parent_code and unit.lat is not None:
                children[unit.parent_code].append(unit)
        for unit in units.values():
            if unit.lat is None and unit.level == level and not unit.covers and children.get(unit.code):
                kids = children[unit.code]
                unit.lat = round(sum(k.lat or 0 for k in kids) / len(kids), 6)
                unit.lng = round(sum(k.lng or 0 for k in kids) / len(kids), 6)
                notes["중심점 보완(하위 구역 평균)"] += 1


# ---------------------------------------------------------------- writing

_SCALAR_FIELDS = (
    "code_system",
    "level",
    "name",
    "full_name",
    "sido_code",
    "sgg_code",
    "is_active",
    "lat",
    "lng",
    "covers",
)


def _scalar_values(unit: UnitSpec) -> dict[str, object]:
    level = unit.level
    return {
        "code_system": unit.code_system,
        "level": level,
        "name": unit.name[:60],
        "full_name": unit.full_name[:150],
        "sido_code": unit.code[:2],
        "sgg_code": "" if level == Region.Level.SIDO else unit.code[:5],
        "is_active": unit.is_active,
        "lat": unit.lat,
        "lng": unit.lng,
        "covers": unit.covers,
    }


def load_files(path: Path) -> tuple[dict[str, UnitSpec], dict[str, int], dt.date]:
    if not path.is_dir():
        raise RegionFileError(f"{path} 은(는) 디렉터리가 아닙니다.")
    ri: dict[str, str] = {}
    legal = read_legal(_find(path, LEGAL_GLOB), ri)  # type: ignore[arg-type]
    month, population = read_population(_find(path, POPULATION_GLOB))  # type: ignore[arg-type]
    centroids = read_centroids(_find(path, CENTROID_GLOB))  # type: ignore[arg-type]
    boundary_file = _find(path, BOUNDARY_GLOB, required=False)
    if boundary_file is not None:
        check_boundaries(boundary_file)
    units, notes = build_units(legal, population, centroids, ri)
    return units, notes, month


def import_regions(*, path: Path | None = None) -> ImportSummary:
    """Bring the Region tables to the state the files describe. Idempotent; one transaction."""
    units, notes, month = load_files(path or default_path())
    summary = ImportSummary(notes=notes, population_month=month)
    now = timezone.now()
    with transaction.atomic():
        # Plain tuples, not model instances: on a re-run this comparison is most of the work.
        existing = {row[1]: row for row in Region.objects.values_list("id", "code", "is_active", *_SCALAR_FIELDS)}
        ids = {code: row[0] for code, row in existing.items()}
        to_create: list[Region] = []
        to_update: list[Region] = []
        for code, unit in units.items():
            values = _scalar_values(unit)
            row = existing.get(code)
            if row is None:
                to_create.append(Region(code=code, **values))  # type: ignore[arg-type]
            elif tuple(row[3:]) != tuple(values[f] for f in _SCALAR_FIELDS):
                to_update.append(Region(id=row[0], code=code, updated_at=now, **values))  # type: ignore[arg-type]
        # New rows go in parents-first (current units before abolished ones, which point at them as successors),
        # so links are set on insert; a per-row UPDATE pass over a whole country is far slower.
        depth = {code: _depth(units, code) for code in units}
        groups: dict[tuple[bool, int], list[Region]] = defaultdict(list)
        for region in to_create:
            groups[(not region.is_active, depth[region.code])].append(region)
        for _key, rows in sorted(groups.items()):
            for region in rows:
                unit = units[region.code]
                region.parent_id = ids.get(unit.parent_code) if unit.parent_code else None
                region.successor_id = ids.get(unit.successor_code) if unit.successor_code else None
            _insert(rows, now)
            ids.update(Region.objects.filter(created_at=now).values_list("code", "id"))
        Region.objects.bulk_update(to_update, [*_SCALAR_FIELDS, "updated_at"], batch_size=500)
        summary.created, summary.updated = len(to_create), len(to_update)

        links = {
            r["code"]: r for r in Region.objects.values("id", "code", "parent_id", "successor_id") if r["code"] in units
        }
        relinked: list[Region] = []
        relinked_codes: set[str] = set()
        for code, unit in units.items():
            parent_id = ids.get(unit.parent_code) if unit.parent_code else None
            successor_id = ids.get(unit.successor_code) if unit.successor_code else None
            row = links[code]
            if row["parent_id"] != parent_id or row["successor_id"] != successor_id:
                relinked.append(Region(id=row["id"], parent_id=parent_id, successor_id=successor_id, updated_at=now))
                relinked_codes.add(code)
        Region.objects.bulk_update(relinked, ["parent_id", "successor_id", "updated_at"], batch_size=500)
        created_codes = {r.code for r in to_create}
        summary.updated = len(({r.code for r in to_update} | relinked_codes) - created_codes)
        summary.unchanged = len(units) - summary.created - summary.updated

        stale = [code for code, row in existing.items() if code not in units and row[2]]
        if stale:
            # Units no longer in any file (a test row, a unit created by hand): left as they are, but reported.
            notes["파일에 없는 기존 구역(그대로 둠)"] = len(stale)
        summary.populations_written = _write_populations(units, ids, month, now)
        summary.aliases_written = _write_aliases(ids)

    for unit in units.values():
        if unit.is_active:
            summary.active += 1
            summary.by_level[unit.level] = summary.by_level.get(unit.level, 0) + 1
        else:
            summary.inactive += 1
    return summary


_INSERT_FIELDS = ("code", *_SCALAR_FIELDS, "parent_id", "successor_id")


def _insert(rows: list[Region], now: dt.datetime) -> None:
    """Plain multi-row INSERT: the ORM's per-object work dominated a fresh import of ~17,000 units."""
    table = connection.ops.quote_name(Region._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("created_at", "updated_at", *_INSERT_FIELDS))
    placeholders = ", ".join(["%s"] * (2 + len(_INSERT_FIELDS)))
    stamp = connection.ops.adapt_datetimefield_value(now)
    params = [(stamp, stamp, *(getattr(r, f) for f in _INSERT_FIELDS)) for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", params)  # noqa: S608  # nosec B608


def _depth(units: dict[str, UnitSpec], code: str) -> int:
    depth, seen = 0, {code}
    parent = units[code].parent_code
    while parent and parent in units and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = units[parent].parent_code
    return depth


def _write_populations(units: dict[str, UnitSpec], ids: dict[str, int], month: dt.date, now: dt.datetime) -> int:
    current = {p.region_id: p for p in RegionPopulation.objects.filter(as_of=month)}
    fields = ("total", "age_0", "age_1", "age_2", "age_3", "age_4", "age_5")
    to_create: list[RegionPopulation] = []
    to_update: list[RegionPopulation] = []
    for code, unit in units.items():
        if unit.population is None:
            continue
        region_id = ids[code]
        values = dict(zip(fields, unit.population, strict=True))
        row = current.get(region_id)
        if row is None:
            to_create.append(RegionPopulation(region_id=region_id, as_of=month, **values))
        elif any(getattr(row, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(row, f, v)
            row.updated_at = now
            to_update.append(row)
    RegionPopulation.objects.bulk_create(to_create, batch_size=2000)
    RegionPopulation.objects.bulk_update(to_update, [*fields, "updated_at"], batch_size=2000)
    return len(to_create) + len(to_update)


def _write_aliases(ids: dict[str, int]) -> int:
    existing = {(a.key, a.region_id): a for a in RegionAlias.objects.all()}
    to_create: list[RegionAlias] = []
    to_update: list[RegionAlias] = []
    for name, target, kind in ALIASES:
        code = target if len(target) == 10 else target + "00000000"
        region_id = ids.get(code)
        if region_id is None:
            continue
        row = existing.get((norm_key(name), region_id))
        if row is None:
            to_create.append(RegionAlias(name=name, key=norm_key(name), region_id=region_id, kind=kind))
        elif row.name != name or row.kind != kind:
            row.name, row.kind = name, kind
            to_update.append(row)
    RegionAlias.objects.bulk_create(to_create)
    RegionAlias.objects.bulk_update(to_update, ["name", "kind"])
    return len(to_create) + len(to_update)
