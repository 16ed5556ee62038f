"""facility_import: read a public facility file and bring the directory in line with it.

Idempotent: re-importing the same file changes nothing. A newer file updates the facilities matched by
their source identity (the source's code, or a stable key where it has none) and records what changed.
Rows that cannot be imported are reported (counts by outcome, the first rows of each problem); the good
rows are imported all the same. A file that is not a facility file is refused before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dolbom.core.errors import InvalidInput
from dolbom.directory.facility_types import normalize_type_label
from dolbom.directory.models import Facility, FacilityChange, FacilitySource, FacilityType, ImportRun
from dolbom.directory.regions_adapter import Resolver, region_resolver
from dolbom.directory.services import facility_hours_sync, facility_types_ensure
from dolbom.regions.models import Region

from .formats import (
    FORMATS,
    PLACEHOLDER_COORDS,
    Format,
    Record,
    RowProblem,
    build_record,
    column_map,
    detect_format,
    headers_look_decoded,
    stable_key,
)
from .readers import read_table

#: Fields an import owns and compares; a change in any of them is an update and is recorded.
TRACKED = [
    "name",
    "type_id",
    "region_id",
    "status",
    "approved_on",
    "suspended_from",
    "suspended_until",
    "closed_on",
    "postcode",
    "address",
    "lat",
    "lng",
    "coord_quality",
    "coord_problem",
    "phone",
    "fax",
    "homepage",
    "min_age_months",
    "max_age_months",
    "ages_basis",
    "capacity",
    "enrolment",
    "hours",
    "hours_assumed",
    "services",
    "fees",
    "extra",
    "source_name",
    "source_date",
]
PROBLEM_SAMPLES = 5
#: Changes that rewrite the facility's OpeningInterval rows (they copy these fields).
INTERVAL_FIELDS = {"hours", "lat", "lng", "min_age_months", "max_age_months", "status"}
KOREA_BOUNDS = (33.0, 38.7, 124.5, 131.9)
#: Which source a facility shows when several files describe it: the higher rank is the primary source.
#: The Seoul standard file carries the 어린이집 code, the class counts (ages) and a data date; the portal
#: export has none of them.
SOURCE_RANK = {"seoul-standard": 20, "childcare-portal": 10}
#: What a non-primary source may fill when the primary left it empty.
FILLABLE = [
    "postcode", "address", "phone", "fax", "homepage", "approved_on", "suspended_from", "suspended_until",
    "closed_on", "capacity", "enrolment", "extra",
]  # fmt: skip


@dataclass
class ImportReport:
    file_name: str
    format: str
    rows: int = 0
    counts: Counter = field(default_factory=Counter)
    problems: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problem_counts: Counter = field(default_factory=Counter)
    dry_run: bool = False
    run_id: int | None = None
    seconds: float = 0.0

    def problem(self, kind: str, row: int, message: str) -> None:
        self.problem_counts[kind] += 1
        samples = self.problems.setdefault(kind, [])
        if len(samples) < PROBLEM_SAMPLES:
            samples.append({"row": row, "message": message})

    def summary(self) -> str:
        labels = {
            "created": "추가",
            "updated": "변경",
            "unchanged": "그대로",
            "merged": "다른 출처의 같은 시설과 합침",
            "skipped": "건너뜀",
        }
        parts = [f"{label} {self.counts.get(k, 0):,}" for k, label in labels.items()]
        prefix = "[시험 실행] " if self.dry_run else ""
        return (
            f"{prefix}{self.file_name} ({self.format}): 행 {self.rows:,} — "
            + ", ".join(parts)
            + f" ({self.seconds:.1f}초)"
        )


class _TypeMatcher:
    def __init__(self) -> None:
        self.by_label: dict[str, FacilityType] = {}
        for t in FacilityType.objects.all():
            for label in [t.name, *t.aliases]:
                self.by_label.setdefault(normalize_type_label(label), t)

    def match(self, label: str) -> FacilityType | None:
        return self.by_label.get(normalize_type_label(label))


class _RegionCache:
    """시군구 by (code, 시도, 시군구) once per file; then the 읍면동 from the address when it lies inside it."""

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self.cache: dict[tuple[str, ...], Region | None] = {}

    def _sigungu(self, hint: dict[str, str]) -> Region | None:
        key = (hint.get("code", ""), hint.get("sido", ""), hint.get("sigungu", ""))
        if key not in self.cache:
            region = self.resolver.resolve(hint["code"]) if hint.get("code") else None
            if region is None and hint.get("sigungu"):
                region = self.resolver.from_parts(sido=hint.get("sido") or None, sigungu=hint["sigungu"])
            self.cache[key] = region
        return self.cache[key]

    def resolve(self, hint: dict[str, str]) -> Region | None:
        sigungu = self._sigungu(hint)
        address = hint.get("address", "")
        if not address:
            return sigungu
        found = self.resolver.from_address(address, sido=hint.get("sido") or None)
        if sigungu is None:
            # Only a 시군구 or smaller places a facility; a bare 시도 is not enough.
            return found if found is not None and found.level != Region.Level.SIDO else None
        if found is not None and found.level == Region.Level.EUPMYEONDONG and _inside(found, sigungu):
            return found
        return sigungu


def _inside(unit: Region, sigungu: Region) -> bool:
    code = sigungu.code
    # A 시 with 구 (수원시 4111000000) holds 읍면동 coded under its 구 (41111…, 41113…).
    return unit.code[:5] == code[:5] or (code[4] == "0" and unit.code[:4] == code[:4])


def _centroid(region: Region) -> tuple[float, float] | None:
    node: Region | None = region
    while node is not None:
        if node.lat is not None and node.lng is not None:
            return node.lat, node.lng
        node = node.parent
    return None


def _place(values: dict[str, Any], region: Region) -> None:
    lat, lng = values.pop("source_lat"), values.pop("source_lng")
    problem = ""
    if lat is None or lng is None or (lat == 0 and lng == 0):
        problem = Facility.CoordProblem.MISSING
    elif (round(lat, 6), round(lng, 6)) in PLACEHOLDER_COORDS:
        problem = Facility.CoordProblem.PLACEHOLDER
    elif not (KOREA_BOUNDS[0] <= lat <= KOREA_BOUNDS[1] and KOREA_BOUNDS[2] <= lng <= KOREA_BOUNDS[3]):
        problem = Facility.CoordProblem.OUT_OF_RANGE
    if not problem:
        values.update(lat=lat, lng=lng, coord_quality=Facility.CoordQuality.SOURCE, coord_problem="")
        return
    centroid = _centroid(region)
    if centroid:
        values.update(
            lat=centroid[0], lng=centroid[1], coord_quality=Facility.CoordQuality.CENTROID, coord_problem=problem
        )
    else:
        values.update(lat=None, lng=None, coord_quality=Facility.CoordQuality.MISSING, coord_problem=problem)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def facility_import(
    *,
    path: Path,
    format: str = "auto",
    dry_run: bool = False,
    progress: Callable[[int], Any] | None = None,
    resolver: Resolver | None = None,
) -> ImportReport:
    started = timezone.now()
    if format != "auto" and format not in FORMATS:
        raise InvalidInput(
            _("알 수 없는 형식입니다: %(format)s") % {"format": format},
            code="unknown_format",
            detail={"fields": {"format": format}},
        )
    table = read_table(path)
    if not headers_look_decoded(table.headers):
        raise InvalidInput(
            _("파일의 머리글을 한글로 읽을 수 없습니다 (인코딩이 깨졌거나 시설 파일이 아닙니다). 가져오지 않았습니다."),
            code="not_a_facility_file",
            detail={"headers": table.headers[:10]},
        )
    detected, missing = detect_format(table.headers)
    fmt: Format | None = FORMATS[format] if format != "auto" else detected
    if fmt is None or (format != "auto" and missing[fmt.code]):
        closest = min(missing.items(), key=lambda kv: len(kv[1]))
        raise InvalidInput(
            _("돌봄시설 파일로 보이지 않습니다. 알려진 형식: %(formats)s.")
            % {"formats": ", ".join(f.label for f in FORMATS.values())},
            code="not_a_facility_file",
            detail={"closest_format": closest[0], "missing_fields": closest[1] if fmt is None else missing[fmt.code]},
        )
    columns = column_map(table.headers, fmt)
    report = ImportReport(file_name=path.name, format=fmt.code, rows=len(table.rows), dry_run=dry_run)

    facility_types_ensure()
    types = _TypeMatcher()
    regions = _RegionCache(resolver or region_resolver())
    existing, links = _existing(fmt.code)
    other_sources = set(FacilitySource.objects.exclude(format=fmt.code).values_list("facility_id", flat=True))
    twins = _TwinIndex(fmt, claimed={f.pk for f in existing.values()})
    seen: set[str] = set()
    to_create: list[Facility] = []
    to_update: list[_Update] = []
    header_record = dict(zip(table.headers, range(len(table.headers)), strict=False))

    for n, row in enumerate(table.rows, start=2):  # row 1 is the header
        if progress:
            progress(1)
        try:
            record = build_record(fmt, row, columns, n)
            facility_type = types.match(record.type_label)
            if facility_type is None:
                raise RowProblem("unknown_type", f"알 수 없는 시설 유형 '{record.type_label[:30]}'")
            region = regions.resolve(record.region_hint)
            if region is None:
                hint = record.region_hint
                raise RowProblem(
                    "unresolved_region", f"지역을 찾을 수 없음: {hint.get('sido', '')} {hint.get('sigungu', '')}"
                )
        except RowProblem as problem:
            report.counts["skipped"] += 1
            report.problem(problem.kind, n, problem.message)
            continue
        key = record.source_key or stable_key(
            region_code=region.sgg_code or region.code,
            name=record.name,
            approved=record.region_hint.get("approved", ""),
        )
        if key in seen:
            report.counts["skipped"] += 1
            report.problem("duplicate_key", n, f"같은 식별자가 이미 나왔습니다: {key}")
            continue
        seen.add(key)
        for kind, message in record.warnings:
            report.problem(kind, n, message)
        values = _values(record, facility_type, region, fmt, path)
        if values["coord_problem"]:
            report.problem(f"coord_{values['coord_problem']}", n, record.name)
        values["source_record"] = {h: (row[i] if i < len(row) else "") for h, i in header_record.items()}
        current = existing.get(key)
        merged = False
        if current is None:
            current = twins.match(region=region, values=values)
            merged = current is not None
        if current is None:
            to_create.append(Facility(source_format=fmt.code, source_key=key, **values))
            report.counts["created"] += 1
            continue
        update = _merge(
            current,
            values,
            fmt=fmt.code,
            key=key,
            several=merged or current.pk in other_sources,
            link=links.get(key),
        )
        if merged:
            update.diff["sources"] = [None, fmt.code]
            update.new_link = True
            report.counts["merged"] += 1
        elif update.diff:
            report.counts["updated"] += 1
        else:
            report.counts["unchanged"] += 1
        if update.diff or update.link_changes:
            to_update.append(update)

    report.counts["not_in_file"] = len(set(existing) - seen)
    if not dry_run:
        _write(report, to_create, to_update, table_hash=_sha256(path), started=started)
    report.seconds = (timezone.now() - started).total_seconds()
    return report


def _values(record: Record, facility_type: FacilityType, region: Region, fmt: Format, path: Path) -> dict[str, Any]:
    values = dict(record.values)
    values.setdefault("min_age_months", None)
    values.setdefault("max_age_months", None)
    values.setdefault("ages_basis", "")
    if values["min_age_months"] is None:
        values["min_age_months"] = facility_type.default_min_age_months
        values["ages_basis"] = values["ages_basis"] or "type_default"
    if values["max_age_months"] is None:
        values["max_age_months"] = facility_type.default_max_age_months
        values["ages_basis"] = values["ages_basis"] or "type_default"
    if values["min_age_months"] > values["max_age_months"]:
        values["min_age_months"] = facility_type.default_min_age_months
    for name in ("suspended_from", "suspended_until", "closed_on", "fax"):
        values.setdefault(name, None if name != "fax" else "")
    values.update(
        name=record.name,
        type=facility_type,
        region=region,
        status=record.status,
        source_name=fmt.source_name,
        source_file=path.name[:200],
    )
    _place(values, region)
    return values


def _comparable(facility: Facility, name: str) -> Any:
    return _jsonable(getattr(facility, name))


def _diff(current: Facility, values: dict[str, Any], only: list[str] | None = None) -> dict[str, list[Any]]:
    diff: dict[str, list[Any]] = {}
    for name in TRACKED if only is None else only:
        if name == "type_id":
            new: Any = values["type"].pk
        elif name == "region_id":
            new = values["region"].pk
        else:
            new = values.get(name)
        old = getattr(current, name)
        if isinstance(old, float) and isinstance(new, float):
            if abs(old - new) < 1e-9:
                continue
        elif _jsonable(old) == _jsonable(new):
            continue
        diff[name] = [_jsonable(old), _jsonable(new)]
    return diff


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(
    report: ImportReport,
    to_create: list[Facility],
    to_update: list[_Update],
    *,
    table_hash: str,
    started: dt.datetime,
) -> None:
    with transaction.atomic():
        run = ImportRun.objects.create(
            file_name=report.file_name[:300],
            sha256=table_hash,
            format=report.format,
            rows=report.rows,
            counts=dict(report.counts),
            problems={
                kind: {"count": report.problem_counts[kind], "rows": rows} for kind, rows in report.problems.items()
            },
        )
        Facility.objects.bulk_create(to_create, batch_size=500)
        FacilitySource.objects.bulk_create(
            [
                FacilitySource(
                    facility=f,
                    format=f.source_format,
                    key=f.source_key,
                    name=f.source_name,
                    file=f.source_file,
                    date=f.source_date,
                )
                for f in to_create
            ],
            batch_size=500,
        )
        now = timezone.now()
        # One UPDATE per changed row, naming only the changed columns: far cheaper than bulk_update's
        # CASE WHEN over every tracked column (minutes → about a second for a whole Seoul file).
        for u in to_update:
            facility = u.facility
            changed = {
                name.removesuffix("_id"): getattr(facility, name.removesuffix("_id"))
                for name in u.diff
                if name != "sources"
            }
            if u.primary and changed:
                changed.update(source_file=facility.source_file, source_record=facility.source_record)
            if changed:
                Facility.objects.filter(pk=facility.pk).update(**changed, updated_at=now)
            if u.new_link:
                FacilitySource.objects.create(facility=facility, **u.link_changes)
            elif u.link_changes:
                FacilitySource.objects.filter(format=u.link_changes["format"], key=u.link_changes["key"]).update(
                    **u.link_changes, updated_at=now
                )
            if u.demoted is not None:  # the old primary keeps its raw row on its own link
                FacilitySource.objects.filter(facility=facility, format=u.demoted[0]).update(record=u.demoted[1])
        facility_hours_sync(
            facility_ids=[f.pk for f in to_create] + [u.facility.pk for u in to_update if INTERVAL_FIELDS & set(u.diff)]
        )
        FacilityChange.objects.bulk_create(
            [FacilityChange(facility=u.facility, import_run=run, changes=u.diff) for u in to_update if u.diff],
            batch_size=500,
        )
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
    report.run_id = run.pk


# ------------------------------------------------------------------------------ one facility, many sources


@dataclass
class _Update:
    facility: Facility
    diff: dict[str, list[Any]]
    primary: bool
    link_changes: dict[str, Any] = field(default_factory=dict)
    new_link: bool = False
    demoted: tuple[str, dict[str, Any]] | None = None


def _existing(fmt: str) -> tuple[dict[str, Facility], dict[str, FacilitySource]]:
    """The facilities this format already knows, by its key: its own (primary) and those it was merged into."""
    links = {s.key: s for s in FacilitySource.objects.filter(format=fmt)}
    linked_ids = FacilitySource.objects.filter(format=fmt).values("facility_id")
    facilities = {f.pk: f for f in Facility.objects.filter(Q(source_format=fmt) | Q(pk__in=linked_ids))}
    existing = {key: facilities[s.facility_id] for key, s in links.items() if s.facility_id in facilities}
    for f in facilities.values():
        if f.source_format == fmt and f.source_key:
            existing.setdefault(f.source_key, f)
    return existing, links


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _merge(
    current: Facility,
    values: dict[str, Any],
    *,
    fmt: str,
    key: str,
    several: bool,
    link: FacilitySource | None,
) -> _Update:
    """How a row of `fmt` changes a facility it describes.

    - The facility's primary source (or a higher-ranked one taking over) sets every field; when other
      sources describe it too, an empty value does not erase what they gave.
    - A lower-ranked source only fills fields the primary left empty (and better coordinates).
    Either way re-importing the same file finds nothing to change.
    """
    own = current.source_format == fmt
    takeover = not own and SOURCE_RANK.get(fmt, 0) > SOURCE_RANK.get(current.source_format, 0)
    link_values = {
        "format": fmt,
        "key": key,
        "name": values["source_name"],
        "file": values["source_file"],
        "date": values.get("source_date"),
        "record": {} if own or takeover else values.get("source_record", {}),
    }
    link_changes: dict[str, Any] = {}
    if link is None or any(_jsonable(getattr(link, k)) != _jsonable(v) for k, v in link_values.items()):
        link_changes = link_values
    if own or takeover:
        incoming = {k: v for k, v in values.items() if not (several and k in TRACKED and _empty(v))}
        tracked = [n for n in TRACKED if n in incoming or n.removesuffix("_id") in incoming]
        diff = _diff(current, incoming, only=tracked)
        demoted = None
        if takeover:
            demoted = (current.source_format, current.source_record)
            diff["source_format"] = [current.source_format, fmt]
            diff["source_key"] = [current.source_key, key]
            incoming.update(source_format=fmt, source_key=key)
        for name, value in incoming.items():
            setattr(current, name, value)
        return _Update(current, diff, primary=True, link_changes=link_changes, demoted=demoted)
    fill = {n: values[n] for n in FILLABLE if _empty(getattr(current, n)) and not _empty(values.get(n))}
    if (
        current.coord_quality != Facility.CoordQuality.SOURCE
        and values["coord_quality"] == Facility.CoordQuality.SOURCE
    ):
        fill.update({n: values[n] for n in ("lat", "lng", "coord_quality", "coord_problem")})
    diff = _diff(current, fill, only=list(fill))
    for name, value in fill.items():
        setattr(current, name, value)
    return _Update(current, diff, primary=False, link_changes=link_changes)


_NAME_NOISE = re.compile(r"[\s·ㆍ.,()\[\]{}'\"-]+")
_ROAD = re.compile(r"([가-힣0-9]+(?:로|길))\s*(\d+(?:-\d+)?)")


def _name_key(name: str) -> str:
    return _NAME_NOISE.sub("", name).lower()


def _phone_key(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits if len(digits) >= 8 else ""


def _road_key(address: str | None) -> str:
    found = _ROAD.search(address or "")
    return f"{found.group(1)}{found.group(2)}" if found else ""


class _TwinIndex:
    """The same 어린이집 in another 어린이집 source. The Seoul standard file has an 어린이집코드, the portal
    export has none, so they share no identifier: a twin is a facility of another 어린이집 format in the
    same 시군구 with the same name (spaces and punctuation aside) that also agrees on one of 인가일자,
    phone number or road address (road name + building number). Same-name facilities of one 구 (a closed
    one and its successor) differ on those and stay apart."""

    def __init__(self, fmt: Format, *, claimed: set[int]):
        self.claimed = set(claimed)
        self.by_name: dict[tuple[str, str], list[Facility]] = {}
        if fmt.family != "childcare":
            return
        others = [f.code for f in FORMATS.values() if f.family == "childcare" and f.code != fmt.code]
        linked = FacilitySource.objects.filter(format=fmt.code).values("facility_id")
        rows = (
            Facility.objects.filter(source_format__in=others)
            .exclude(pk__in=linked)
            .select_related("region")
            .only("name", "status", "region__sgg_code", "region__code", "approved_on", "phone", "address")
        )
        for f in rows:
            if f.region is not None:
                sgg = f.region.sgg_code or f.region.code[:5]
                self.by_name.setdefault((sgg, _name_key(f.name)), []).append(f)

    def match(self, *, region: Region, values: dict[str, Any]) -> Facility | None:
        """The best twin: a differing 인가일자 rules a candidate out (a successor at the same place re-registers
        under a new 인가); an equal one counts most, then the phone, then the road address."""
        candidates = self.by_name.get((region.sgg_code or region.code[:5], _name_key(values["name"])))
        if not candidates:
            return None
        approved = values.get("approved_on")
        phone, road = _phone_key(values.get("phone")), _road_key(values.get("address"))
        best: tuple[tuple[int, bool, str], Facility] | None = None
        for f in candidates:
            if f.pk in self.claimed or (approved and f.approved_on and f.approved_on != approved):
                continue
            score = 4 * (approved is not None and f.approved_on == approved)
            score += 2 * bool(phone and _phone_key(f.phone) == phone) + bool(road and _road_key(f.address) == road)
            rank = (score, f.status in Facility.LISTED_STATUSES, str(f.approved_on or ""))
            if score and (best is None or rank > best[0]):
                best = (rank, f)
        if best is None:
            return None
        self.claimed.add(best[1].pk)
        # The index holds only a few columns; the merge needs the whole row.
        return Facility.objects.select_related("region").get(pk=best[1].pk)
