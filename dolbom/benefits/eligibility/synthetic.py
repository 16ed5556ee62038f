"""Seeded synthetic households for the benchmark and the answer-stability check (no Django).

0–4 children aged 0–13, a quarter expecting (1–3 fetuses), half with an income band, a mix of regions with and
without local programmes. The same seed and date always give the same households.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from .engine import Engine, year_total
from .model import Child, Household, Parent, Pregnancy

REGIONS = [
    ("41", frozenset({"4111100000", "4111000000", "4100000000"})),  # 수원 장안구
    ("41", frozenset({"4119200000", "4119000000", "4100000000"})),  # 부천
    ("29", frozenset({"2917000000", "2900000000"})),  # 광주 북구
    ("52", frozenset({"5214000000", "5200000000"})),  # 익산
    ("11", frozenset({"1165000000", "1100000000"})),  # 서초
    ("11", frozenset({"1168000000", "1100000000"})),  # 강남
    ("26", frozenset({"2611000000", "2600000000"})),  # 부산 중구
]


def synthetic_household(rng: random.Random, as_of: date) -> Household:
    sido, codes = rng.choice(REGIONS)
    n_children = rng.choices([0, 1, 2, 3, 4], weights=[15, 40, 30, 10, 5])[0]
    children = tuple(
        Child(
            birth_date=as_of - timedelta(days=rng.randint(0, 13 * 365)),
            attends_daycare=rng.choice([None, True, False]),
        )
        for _ in range(n_children)
    )
    pregnancy = None
    if rng.random() < 0.25:
        pregnancy = Pregnancy(
            due_date=as_of + timedelta(days=rng.randint(1, 280)), fetuses=rng.choices([1, 2, 3], [90, 9, 1])[0]
        )
    return Household(
        as_of=as_of,
        region_codes=codes,
        sido_code=sido,
        income_pct_of_median=None if rng.random() < 0.5 else float(rng.randint(30, 300)),
        single_parent=rng.choice([None, False, False, True]),
        multicultural=rng.choice([None, False, False, True]),
        disability_in_household=rng.choice([None, False]),
        parents=None if rng.random() < 0.3 else tuple(Parent(employed=rng.random() < 0.7) for _ in range(2)),
        pregnancy=pregnancy,
        children=children if (children or pregnancy is None) else (),
    )


def synthetic_households(n: int, *, seed: int, as_of: date) -> list[Household]:
    rng = random.Random(seed)
    return [synthetic_household(rng, as_of) for _ in range(n)]


def full_answer(engine: Engine, hh: Household) -> dict[str, Any]:
    """Everything a check answers for one household: each programme's full answer (status, amount, reasons,
    missing, per-child detail, dated changes), the answers without the timeline, and this year's total."""
    results = engine.check(hh)
    return {
        "answers": [{"programme": r.spec.key, **r.answer.as_dict()} for r in results],
        "decisions": [
            {"programme": r.spec.key, **r.answer.as_dict()} for r in engine.check(hh, changes=False, information="none")
        ],
        "year_total": year_total(results, hh.as_of),
    }


def answers_digest(engine: Engine, households: Iterable[Household]) -> str:
    """SHA-256 over the canonical JSON of every household's full answer, in order."""
    h = hashlib.sha256()
    for hh in households:
        h.update(json.dumps(full_answer(engine, hh), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
