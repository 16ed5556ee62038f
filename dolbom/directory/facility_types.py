"""The facility types Dolbom knows from the start. They are rows in FacilityType (data, not code): an
official can add a type or an alias in the admin, and `facility_types_ensure` only adds what is missing.

Ages are in months: 어린이집 만 0–5세 (0–71), 초등돌봄 6–12세 (72–155), 공동육아 영유아 with a guardian (0–71).
"""

from typing import TypedDict


class TypeSeed(TypedDict):
    code: str
    name: str
    category: str
    aliases: list[str]
    min_age: int
    max_age: int


SCHOOL_AGE = (72, 155)

TYPE_SEEDS: list[TypeSeed] = [
    {
        "code": "daycare-public",
        "name": "국공립어린이집",
        "category": "childcare",
        "aliases": ["국공립", "국공립어린이집", "어린이집(국공립)"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "daycare-welfare",
        "name": "사회복지법인어린이집",
        "category": "childcare",
        "aliases": ["사회복지법인", "사회복지법인어린이집"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "daycare-corporate",
        "name": "법인·단체등어린이집",
        "category": "childcare",
        "aliases": ["법인·단체등", "법인?단체등", "법인단체등", "법인·단체", "법인단체"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "daycare-private",
        "name": "민간어린이집",
        "category": "childcare",
        "aliases": ["민간", "민간어린이집"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "daycare-home",
        "name": "가정어린이집",
        "category": "childcare",
        "aliases": ["가정", "가정어린이집"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "daycare-coop",
        "name": "협동어린이집",
        "category": "childcare",
        "aliases": ["협동", "부모협동", "협동어린이집"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "daycare-workplace",
        "name": "직장어린이집",
        "category": "childcare",
        "aliases": ["직장", "직장어린이집"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "local-child-center",
        "name": "지역아동센터",
        "category": "after_school",
        "aliases": ["지역아동센터"],
        "min_age": 72,
        "max_age": 155,
    },
    {
        "code": "together-care",
        "name": "다함께돌봄센터",
        "category": "after_school",
        "aliases": ["다함께돌봄센터", "다함께돌봄"],
        "min_age": 72,
        "max_age": 155,
    },
    {
        "code": "kium",
        "name": "우리동네키움센터",
        "category": "after_school",
        "aliases": ["우리동네키움센터", "융합형키움센터", "키움센터"],
        "min_age": 72,
        "max_age": 155,
    },
    {
        "code": "hub-center",
        "name": "거점센터",
        "category": "after_school",
        "aliases": ["거점센터", "거점형키움센터"],
        "min_age": 72,
        "max_age": 155,
    },
    {
        "code": "shared-childcare",
        "name": "공동육아나눔터",
        "category": "parenting",
        "aliases": ["공동육아나눔터"],
        "min_age": 0,
        "max_age": 155,
    },
    {
        "code": "shared-room",
        "name": "공동육아방",
        "category": "parenting",
        "aliases": ["공동육아방", "열린육아방"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "support-center",
        "name": "육아종합지원센터",
        "category": "parenting",
        "aliases": ["육아종합지원센터"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "anytime-daycare",
        "name": "언제나 어린이집",
        "category": "childcare",
        "aliases": ["언제나어린이집", "언제나 어린이집"],
        "min_age": 0,
        "max_age": 71,
    },
    {
        "code": "hourly-childcare",
        "name": "시간제보육 제공기관",
        "category": "childcare",
        "aliases": ["시간제보육", "시간제보육제공기관", "시간제보육 제공기관"],
        "min_age": 6,
        "max_age": 35,
    },
]


def normalize_type_label(value: str) -> str:
    """`법인?단체등`, `법인·단체 등` and `법인단체등` are one label: drop spaces, dots and the lost middle dot."""
    return "".join(ch for ch in (value or "") if ch not in " ·?.ㆍ・‧-_()")
