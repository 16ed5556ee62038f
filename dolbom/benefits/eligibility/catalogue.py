"""Programme specifications: what the engine needs to know about each programme besides its rule.

The encoded programmes live in `programmes.yaml`; the 365 central welfare services of 복지로 become
information entries through `information_specs`. The Django catalogue is seeded from the same specs, and
officials' edits there (participating regions, dates) flow back into the engine through `ProgrammeSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PROGRAMMES_FILE = Path(__file__).parent / "programmes.yaml"

STAGES = {
    "youth": "청년·결혼",
    "pregnancy": "임신·출산",
    "infant": "영유아",
    "school": "초등",
    "worklife": "일·생활균형",
    "teen": "청소년",
    "midlife": "중장년",
    "senior": "노년",
}
MAIN_STAGES = ("youth", "pregnancy", "infant", "school", "worklife")
SITUATIONS = {
    "many_children": "다자녀",
    "single_parent": "한부모·조손",
    "multicultural": "다문화·탈북민",
    "disability": "장애",
    "low_income": "저소득",
    "dual_income": "맞벌이",
    "veteran": "보훈대상자",
}
PROVIDER_LEVELS = {"national": "국가", "sido": "시·도", "sigungu": "시·군·구"}
SUPPORT_TYPES = {"cash": "현금", "voucher": "바우처", "service": "서비스", "reduction": "감면", "info": "정보"}

_BOKJIRO_STAGE = {
    "임신 · 출산": "pregnancy",
    "영유아": "infant",
    "아동": "school",
    "청년": "youth",
    "청소년": "teen",
    "중장년": "midlife",
    "노년": "senior",
}
_BOKJIRO_SITUATION = {
    "저소득": "low_income",
    "장애인": "disability",
    "한부모·조손": "single_parent",
    "다문화·탈북민": "multicultural",
    "다자녀": "many_children",
    "보훈대상자": "veteran",
}
_BOKJIRO_SUPPORT = {
    "현금지급": "cash",
    "현금대여(융자)": "cash",
    "전자바우처(바우처)": "voucher",
    "실물바우처": "voucher",
    "감면": "reduction",
    "프로그램/서비스(서비스)": "service",
    "시설입소": "service",
    "현물지급": "service",
    "현물대여": "service",
    "자원봉사": "service",
}


@dataclass(frozen=True)
class RegionSpan:
    """A region where a programme applies, from `starts_on` to `ends_on` (both optional, inclusive)."""

    code: str
    name: str = ""
    starts_on: date | None = None
    ends_on: date | None = None

    def active_on(self, on: date) -> bool:
        return (self.starts_on is None or self.starts_on <= on) and (self.ends_on is None or on <= self.ends_on)


@dataclass
class ProgrammeSpec:
    key: str
    name: str
    rule: str
    provider_level: str = "national"
    agency: str = ""
    stages: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    support_type: str = "info"
    summary: str = ""
    description: str = ""
    how_to_apply: dict[str, Any] = field(default_factory=dict)
    contact: str = ""
    legal_reference: str = ""
    source: str = ""
    checked_on: date | None = None
    config: dict[str, Any] = field(default_factory=dict)
    regions: tuple[RegionSpan, ...] = ()
    external_ids: tuple[str, ...] = ()

    @property
    def is_national(self) -> bool:
        return not self.regions

    def applies_in(self, region_codes: frozenset[str], on: date) -> bool:
        if not self.regions:
            return True
        return any(span.code in region_codes and span.active_on(on) for span in self.regions)


def _spec_from_dict(raw: dict[str, Any]) -> ProgrammeSpec:
    regions = tuple(
        RegionSpan(code=str(r["code"]), name=r.get("name", ""), starts_on=r.get("starts_on"), ends_on=r.get("ends_on"))
        for r in raw.get("regions") or ()
    )
    return ProgrammeSpec(
        key=raw["key"],
        name=raw["name"],
        rule=raw["rule"],
        provider_level=raw.get("provider_level", "national"),
        agency=raw.get("agency", ""),
        stages=tuple(raw.get("stages") or ()),
        situations=tuple(raw.get("situations") or ()),
        support_type=raw.get("support_type", "info"),
        summary=raw.get("summary", ""),
        description=raw.get("description", ""),
        how_to_apply=dict(raw.get("how_to_apply") or {}),
        contact=raw.get("contact", ""),
        legal_reference=raw.get("legal_reference", ""),
        source=raw.get("source", ""),
        checked_on=raw.get("checked_on"),
        config=dict(raw.get("config") or {}),
        regions=regions,
        external_ids=tuple(raw.get("external_ids") or ()),
    )


def load_programme_specs(path: Path = PROGRAMMES_FILE) -> list[ProgrammeSpec]:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return [_spec_from_dict(item) for item in raw]


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def information_specs(records: list[dict[str, Any]], *, skip_ids: set[str] = frozenset()) -> list[ProgrammeSpec]:  # type: ignore[assignment]
    """The 복지로 central services as information entries (no rule: the check answers `unknown`)."""
    specs = []
    for rec in records:
        serv_id = str(rec.get("servId") or "").strip()
        if not serv_id or serv_id in skip_ids:
            continue
        stages = tuple(dict.fromkeys(_BOKJIRO_STAGE[s] for s in _split(rec.get("lifeArray")) if s in _BOKJIRO_STAGE))
        situations = tuple(
            dict.fromkeys(
                _BOKJIRO_SITUATION[s] for s in _split(rec.get("trgterIndvdlArray")) if s in _BOKJIRO_SITUATION
            )
        )
        online = rec.get("onapPsbltYn") == "Y"
        how: dict[str, Any] = {
            "online": "복지로(www.bokjiro.go.kr)에서 온라인 신청" if online else "",
            "visit": "주소지 읍·면·동 행정복지센터 또는 담당 기관 방문",
            "phone": "보건복지상담센터 129",
            "documents": [],
            "note": f"{rec.get('agency', '')} 소관. 지원 주기: {rec.get('sprtCycNm') or '-'}, 제공 방식: "
            f"{rec.get('srvPvsnNm') or '-'}.",
        }
        specs.append(
            ProgrammeSpec(
                key=f"bokjiro-{serv_id}",
                name=str(rec.get("name", "")).strip(),
                rule="information",
                provider_level="national",
                agency=str(rec.get("agency", "")),
                stages=stages,
                situations=situations,
                support_type=_BOKJIRO_SUPPORT.get(str(rec.get("srvPvsnNm") or ""), "info"),
                summary=str(rec.get("description", "")).strip(),
                how_to_apply=how,
                contact="보건복지상담센터 129",
                source="한국사회보장정보원 복지로 중앙부처 복지서비스 목록 (공공누리 제1유형)",
                config={
                    "reason": "가구 정보만으로 판단하지 않는 안내 항목입니다. 대상 여부는 신청 방법을 확인하세요.",
                    "tags": list(rec.get("hashtags") or []),
                    "themes": _split(rec.get("intrsThemaArray")),
                },
                external_ids=(serv_id,),
            )
        )
    return specs
