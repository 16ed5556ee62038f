"""The facility file formats, one alias table for their column names, and row → record mapping.

The same field carries different names in different files (`정원` / `정원수`, `상세주소` / `주소`,
`시설 위도(좌표값)` / `위도`); `ALIASES` lists them once. A format names the canonical fields it needs;
the header of a file picks the format (see `detect_format`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from dolbom.directory import hours as H

#: canonical field → the column names seen in the public files, most specific first.
ALIASES: dict[str, list[str]] = {
    "daycare_code": ["어린이집코드", "어린이집 코드", "시설코드"],
    "facility_id": ["시설ID", "시설아이디"],
    "name": ["어린이집명", "시설명", "기관명"],
    "type": ["어린이집유형", "어린이집유형구분", "시설유형", "서비스분류명", "서비스분류"],
    "status": ["운영현황", "운영상태"],
    "sido": ["시도", "시도명"],
    "sigungu": ["시군구명", "시군구", "자치구명"],
    "sgg_code": ["자치구코드", "시군구코드"],
    "postcode": ["우편번호"],
    "address": ["기본주소", "소재지도로명주소", "도로명주소", "상세주소", "주소"],
    "address_detail": ["상세주소"],
    "phone": ["전화번호", "어린이집전화번호", "연락처"],
    "fax": ["팩스번호", "어린이집팩스번호"],
    "homepage": ["홈페이지주소", "사이트URL", "홈페이지"],
    "capacity": ["정원", "정원수", "상시돌봄정원수"],
    "enrolment": ["현원", "현원수"],
    "temp_capacity": ["일시돌봄정원수"],
    "lat": ["시설 위도(좌표값)", "위도", "Y좌표값", "시설위도"],
    "lng": ["시설 경도(좌표값)", "경도", "X좌표값", "시설경도"],
    "school_bus": ["통학차량운영여부"],
    "approved_on": ["인가일자", "설립일"],
    "suspended_from": ["휴지시작일자"],
    "suspended_until": ["휴지종료일자"],
    "closed_on": ["폐지일자"],
    "source_date": ["데이터기준일자", "수정일시", "등록일시"],
    "services": ["제공서비스"],
    "age_group": ["연령구분"],
    "term_open": ["학기시작시간", "평일시작시간"],
    "term_close": ["학기종료시간", "평일종료시간"],
    "vacation_open": ["방학시작시간"],
    "vacation_close": ["방학종료시간"],
    "saturday": ["토요일운영여부"],
    "saturday_open": ["토요일운영시작시간"],
    "saturday_close": ["토요일운영종료시간"],
    "fee": ["사용료"],
    "fee_free": ["사용료무료여부"],
    "monthly_fee": ["월사용료"],
    "monthly_fee_free": ["월사용료무료여부"],
    "daily_fee": ["일사용료"],
    "daily_fee_free": ["일사용료무료여부"],
    "session_kind": ["사용시간구분"],
    "session1_open": ["시작시간1"],
    "session1_close": ["종료시간1"],
    "session2_open": ["시작시간2"],
    "session2_close": ["종료시간2"],
    "session3_open": ["시작시간3"],
    "session3_close": ["종료시간3"],
    "rooms": ["보육실수"],
    "cctv": ["CCTV총설치수", "CCTV설치수"],
    "staff": ["보육교직원수"],
    "area_m2": ["보육실 면적", "보육실면적", "전용면적(m2)"],
    **{f"classes_{n}": [f"반수-만{n}세"] for n in range(6)},
    "classes_infant_mixed": ["반수-영아혼합(만0~2세)"],
    "classes_toddler_mixed": ["반수-유아혼합(만3~5세)"],
    "classes_special": ["반수-특수장애"],
}


@dataclass(frozen=True)
class Format:
    code: str
    label: str
    source_name: str
    required: tuple[str, ...]
    family: str  # "childcare" or "seoul_list"
    # Where a canonical field must come from a particular column in this format (the Seoul lists split
    # the address into 기본주소 + 상세주소, while the 어린이집 file calls the whole address 상세주소).
    overrides: dict[str, list[str]] = field(default_factory=dict)
    # Fields whose presence rules the format out (the 키움센터 list also has 사용료, as the 지역아동센터 list).
    excluded: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {
    f.code: f
    for f in [
        Format(
            "seoul-standard",
            "서울시 어린이집 정보(표준 데이터)",
            "서울 열린데이터광장 · 서울시 어린이집 정보(표준 데이터)",
            ("daycare_code", "name", "type", "status", "sigungu", "address", "classes_0"),
            "childcare",
            {"address": ["상세주소", "주소", "소재지도로명주소"]},
        ),
        Format(
            "childcare-portal",
            "어린이집정보공개포털 어린이집기본정보조회",
            "어린이집정보공개포털 · 어린이집기본정보조회",
            ("sido", "sigungu", "name", "type", "status", "address"),
            "childcare",
            {"address": ["주소", "상세주소", "소재지도로명주소"]},
        ),
        Format(
            "seoul-local-center",
            "서울시 지역아동센터",
            "서울 열린데이터광장 · 서울시 지역아동센터",
            ("facility_id", "name", "type", "sgg_code", "term_open", "vacation_open", "fee"),
            "seoul_list",
            excluded=("temp_capacity", "monthly_fee"),
        ),
        Format(
            "seoul-kium",
            "서울시 우리동네키움센터",
            "서울 열린데이터광장 · 서울시 우리동네키움센터",
            ("facility_id", "name", "type", "sgg_code", "capacity", "temp_capacity", "monthly_fee"),
            "seoul_list",
        ),
        Format(
            "seoul-open-room",
            "서울시 공동육아방",
            "서울 열린데이터광장 · 서울시 공동육아방(열린육아방)",
            ("facility_id", "name", "type", "sgg_code", "term_open", "session1_open"),
            "seoul_list",
        ),
    ]
}


def column_map(headers: list[str], fmt: Format | None = None) -> dict[str, int]:
    """canonical field → column index, through the format's overrides and then the alias table."""
    index = {h.strip(): i for i, h in enumerate(headers)}
    found: dict[str, int] = {}
    for canonical, aliases in ALIASES.items():
        names = (fmt.overrides.get(canonical) if fmt else None) or aliases
        for name in names:
            if name in index:
                found[canonical] = index[name]
                break
    return found


def detect_format(headers: list[str]) -> tuple[Format | None, dict[str, list[str]]]:
    """The format whose required fields are all present (the most specific wins), and what each lacks."""
    present = set(column_map(headers))
    missing = {code: [c for c in f.required if c not in present] for code, f in FORMATS.items()}
    matching = [
        FORMATS[code] for code, lack in missing.items() if not lack and not (set(FORMATS[code].excluded) & present)
    ]
    if not matching:
        return None, missing
    return max(matching, key=lambda f: len(f.required)), missing


HANGUL = re.compile(r"[가-힣]")


def headers_look_decoded(headers: list[str]) -> bool:
    """A Korean public file has Korean headers; none at all means the text did not decode (mojibake)."""
    return any(HANGUL.search(h) for h in headers)


# ---------------------------------------------------------------------------------------------- records


class RowProblem(Exception):
    """A row that cannot be imported at all (reported, skipped)."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        self.message = message
        super().__init__(message)


@dataclass
class Record:
    """One facility as read from one row, before region resolution and matching."""

    source_key: str
    name: str
    type_label: str
    status: str
    row_number: int
    values: dict[str, Any]
    region_hint: dict[str, str]
    warnings: list[tuple[str, str]] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)


STATUS_LABELS = {"정상": "normal", "휴지": "suspended", "재개": "resumed", "폐지": "closed"}

SERVICE_LABELS: dict[str, str] = {
    "night": "야간연장",
    "24h": "24시간",
    "holiday": "휴일보육",
    "disability_inclusive": "장애아통합",
    "disability_special": "장애아전문",
    "hourly": "시간제보육",
    "after_school": "방과후",
    "infant_only": "영아전담",
    "school_bus": "통학차량",
    "saturday": "토요일 운영",
    "temporary_care": "일시돌봄",
    "session": "시간제 이용",
}

_SERVICE_FROM_SOURCE = {
    "일반": None,
    "야간연장형": "night",
    "야간연장": "night",
    "24시간": "24h",
    "24시간형": "24h",
    "휴일보육": "holiday",
    "휴일": "holiday",
    "장애아통합": "disability_inclusive",
    "장애아전문": "disability_special",
    "시간제보육": "hourly",
    "방과후전담": "after_school",
    "방과후통합": "after_school",
    "영아전담": "infant_only",
}

# 만 N세 → months; 연령구분 of the Seoul lists.
_AGE_GROUPS = {"영유아": (0, 71), "초등학생": (72, 155), "초중생": (72, 191), "중학생": (156, 191)}

INT_MAX = 2**31 - 1  # the integer columns (정원, 현원) on PostgreSQL
PLACEHOLDER_COORDS = {(37.56647, 126.977963), (37.5666805, 126.9784147)}  # 서울시청
FAKE_PHONES = re.compile(r"^0\d{1,2}-?0{3,4}-?0{4}$")


class RowReader:
    """Typed access to one row, collecting warnings (bad numbers, bad dates) instead of failing."""

    def __init__(self, row: list[str], columns: dict[str, int]):
        self.row = row
        self.columns = columns
        self.warnings: list[tuple[str, str]] = []

    def text(self, name: str) -> str:
        i = self.columns.get(name)
        if i is None or i >= len(self.row):
            return ""
        return self.row[i].strip()

    def int(self, name: str) -> int | None:
        raw = self.text(name).replace(",", "")
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.warnings.append(("bad_number", f"{name} '{raw[:20]}'"))
            return None
        if value < 0 or not value.is_integer() or value > INT_MAX:
            self.warnings.append(("bad_number", f"{name} '{raw[:20]}'"))
            return None
        return int(value)

    def float(self, name: str) -> float | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            self.warnings.append(("bad_number", f"{name} '{raw[:20]}'"))
            return None

    def date(self, name: str) -> dt.date | None:
        raw = self.text(name)
        if not raw:
            return None
        digits = re.sub(r"\D", "", raw[:10])
        try:
            if len(digits) != 8:
                raise ValueError
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            self.warnings.append(("bad_date", f"{name} '{raw[:20]}'"))
            return None

    def time(self, name: str) -> str | None:
        try:
            return H.parse_hhmm(self.text(name))
        except ValueError:
            self.warnings.append(("bad_time", f"{name} '{self.text(name)[:10]}'"))
            return None

    def flag(self, name: str) -> bool | None:
        raw = self.text(name).upper()
        if raw in ("Y", "운영", "예", "1"):
            return True
        if raw in ("N", "미운영", "아니오", "0"):
            return False
        return None


def _phone(value: str, warnings: list[tuple[str, str]]) -> str:
    value = value.strip()
    if not value or value.strip("-") == "":
        return ""
    if FAKE_PHONES.match(value):
        warnings.append(("fake_phone", value))
        return ""
    return value[:40]


def _homepage(value: str) -> str:
    value = value.strip()
    if value.lower().startswith(("http://", "https://")):
        return value[:300]
    return ""


def _stable_key(*parts: object) -> str:
    text = "|".join(str(p or "") for p in parts)
    return "k:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:24]  # noqa: S324 — identity, not security


def assumed_childcare_hours(services: list[str]) -> list[H.Rule]:
    """기본 운영시간(추정) for an 어린이집 when the source gives no hours.

    영유아보육법 시행규칙 sets 07:30–19:30 on weekdays; Saturday care depends on demand, so we promise it
    only where the source says 휴일보육 or 24시간. 야간연장 runs to 24:00; 24시간 is all day Mon–Sat;
    휴일보육 covers Saturday, Sunday and public holidays 07:30–19:30.
    """
    closes = "24:00" if "night" in services else "19:30"
    rules = [H.rule(H.REGULAR, H.WEEKDAYS, "07:30", closes)]
    if "24h" in services:
        rules = [H.rule(H.REGULAR, [0, 1, 2, 3, 4, 5], "00:00", "24:00")]
    if "holiday" in services:
        if "24h" not in services:
            rules.append(H.rule(H.REGULAR, [H.SATURDAY], "07:30", "19:30"))
        rules.append(H.rule(H.REGULAR, [H.SUNDAY], "07:30", "19:30"))
        rules.append(H.rule(H.HOLIDAY, range(7), "07:30", "19:30"))
    return rules


def childcare_record(fmt: Format, r: RowReader, row_number: int) -> Record:
    name = r.text("name")
    if not name:
        raise RowProblem("missing_name", "시설명이 없습니다.")
    type_label = r.text("type")
    status_label = r.text("status")
    status = STATUS_LABELS.get(status_label.replace(" ", ""), "unknown")
    if status == "unknown":
        r.warnings.append(("unknown_status", status_label or "(빈 값)"))
    services: list[str] = []
    for label in re.split(r"[,/]", r.text("services")):
        key = label.replace(" ", "")
        if not key:
            continue
        if key in _SERVICE_FROM_SOURCE:
            code = _SERVICE_FROM_SOURCE[key]
            if code and code not in services:
                services.append(code)
        else:
            r.warnings.append(("unknown_service", label[:20]))
    if r.flag("school_bus"):
        services.append("school_bus")

    ages: list[int] = []
    for n in range(6):
        if (r.int(f"classes_{n}") or 0) > 0:
            ages.append(n)
    if (r.int("classes_infant_mixed") or 0) > 0:
        ages += [0, 1, 2]
    if (r.int("classes_toddler_mixed") or 0) > 0:
        ages += [3, 4, 5]
    values: dict[str, Any] = {}
    if ages:
        values.update(min_age_months=min(ages) * 12, max_age_months=max(ages) * 12 + 11, ages_basis="classes")
    if "after_school" in services:
        values["max_age_months"] = 155
        values.setdefault("min_age_months", None)

    lat, lng = r.float("lat"), r.float("lng")
    approved_on = r.date("approved_on")
    values.update(
        postcode=r.text("postcode")[:10],
        address=r.text("address")[:300],
        phone=_phone(r.text("phone"), r.warnings),
        fax=_phone(r.text("fax"), []),
        homepage=_homepage(r.text("homepage")),
        capacity=r.int("capacity"),
        enrolment=r.int("enrolment"),
        approved_on=approved_on,
        suspended_from=r.date("suspended_from"),
        suspended_until=r.date("suspended_until"),
        closed_on=r.date("closed_on"),
        source_date=r.date("source_date"),
        services=services,
        hours=assumed_childcare_hours(services),
        hours_assumed=True,
        fees={},
        extra={
            k: v
            for k, v in {"rooms": r.int("rooms"), "cctv": r.int("cctv"), "staff": r.int("staff")}.items()
            if v is not None
        },
        source_lat=lat,
        source_lng=lng,
    )
    code = r.text("daycare_code")
    sido, sigungu = r.text("sido"), r.text("sigungu")
    if fmt.code == "seoul-standard" and not sido:
        sido = "서울특별시"
    key = code or ""  # the stable key needs the resolved region; see run.py
    return Record(
        source_key=key,
        name=name[:200],
        type_label=type_label,
        status=status,
        row_number=row_number,
        values=values,
        region_hint={"sido": sido, "sigungu": sigungu, "address": values["address"], "approved": str(approved_on)},
        warnings=r.warnings,
    )


def seoul_list_record(fmt: Format, r: RowReader, row_number: int) -> Record:
    name = r.text("name")
    if not name:
        raise RowProblem("missing_name", "시설명이 없습니다.")
    facility_id = r.text("facility_id")
    if not facility_id:
        raise RowProblem("missing_key", "시설ID가 없습니다.")
    services: list[str] = []
    rules: list[H.Rule] = []
    term = (r.time("term_open"), r.time("term_close"))
    if all(term):
        rules.append(H.rule(H.REGULAR, H.WEEKDAYS, term[0], term[1]))  # type: ignore[arg-type]
    vacation = (r.time("vacation_open"), r.time("vacation_close"))
    if all(vacation):
        rules.append(H.rule(H.VACATION, H.WEEKDAYS, vacation[0], vacation[1]))  # type: ignore[arg-type]
    saturday = (r.time("saturday_open"), r.time("saturday_close"))
    if r.flag("saturday"):
        services.append("saturday")
        if all(saturday):
            rules.append(H.rule(H.REGULAR, [H.SATURDAY], saturday[0], saturday[1]))  # type: ignore[arg-type]
            if any(x["kind"] == H.VACATION for x in rules):
                rules.append(H.rule(H.VACATION, [H.SATURDAY], saturday[0], saturday[1]))  # type: ignore[arg-type]
        else:
            r.warnings.append(("missing_hours", "토요일 운영시간"))
    for x in rules:
        if H.minutes(x["opens"]) >= H.minutes(x["closes"]):
            r.warnings.append(("bad_time", f"{x['opens']}–{x['closes']}"))
    rules = [x for x in rules if H.minutes(x["opens"]) < H.minutes(x["closes"])]

    fees: dict[str, Any] = {}
    fee = r.int("fee")
    if fee is not None:
        fees["per_use"] = fee
    if r.flag("fee_free") is not None:
        fees["free"] = bool(r.flag("fee_free"))
    for kind in ("monthly", "daily"):
        amount = r.int(f"{kind}_fee")
        if amount is not None:
            fees[kind] = amount
        free = r.flag(f"{kind}_fee_free")
        if free is not None:
            fees[f"{kind}_free"] = free
    extra: dict[str, Any] = {}
    temp = r.int("temp_capacity")
    if temp is not None:
        extra["temporary_capacity"] = temp
        services.append("temporary_care")
    sessions = [(r.time(f"session{i}_open"), r.time(f"session{i}_close")) for i in (1, 2, 3)]
    sessions = [s for s in sessions if all(s)]
    if sessions and r.text("session_kind") == "시간제운영":
        extra["sessions"] = [f"{a}–{b}" for a, b in sessions]
        services.append("session")
    group = r.text("age_group")
    values: dict[str, Any] = {}
    if group in _AGE_GROUPS:
        values.update(min_age_months=_AGE_GROUPS[group][0], max_age_months=_AGE_GROUPS[group][1], ages_basis="source")
    base, detail = r.text("address"), r.text("address_detail")
    address = f"{base} {detail}".strip() if base else ""
    values.update(
        postcode=r.text("postcode")[:10],
        address=re.sub(r"\s+", " ", address)[:300],
        phone=_phone(r.text("phone"), r.warnings),
        homepage=_homepage(r.text("homepage")),
        capacity=r.int("capacity"),
        enrolment=None,
        approved_on=r.date("approved_on"),
        source_date=r.date("source_date"),
        services=services,
        hours=rules,
        hours_assumed=False,
        fees=fees,
        extra=extra,
        source_lat=r.float("lat"),
        source_lng=r.float("lng"),
    )
    if not rules:
        r.warnings.append(("missing_hours", "운영시간 없음"))
    return Record(
        source_key=facility_id[:120],
        name=name[:200],
        type_label=r.text("type"),
        status="normal",
        row_number=row_number,
        values=values,
        region_hint={"sido": "서울특별시", "sigungu": r.text("sigungu"), "code": r.text("sgg_code"), "address": base},
        warnings=r.warnings,
    )


def build_record(fmt: Format, row: list[str], columns: dict[str, int], row_number: int) -> Record:
    reader = RowReader(row, columns)
    if fmt.family == "childcare":
        return childcare_record(fmt, reader, row_number)
    return seoul_list_record(fmt, reader, row_number)


def stable_key(*, region_code: str, name: str, approved: str) -> str:
    """For a source without an identifier: the 시군구, the name without spaces, and the 인가일자."""
    return _stable_key(region_code[:5], re.sub(r"\s+", "", name), approved)
