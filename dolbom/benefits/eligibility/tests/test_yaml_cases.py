"""Runs every YAML case in `cases/`: one test per case, each written from the programme's source facts."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from dolbom.benefits.eligibility import Engine, household_from_input, load_programme_specs

CASES_DIR = Path(__file__).parent / "cases"

#: region presets: the home unit and every unit containing it, as the Django side resolves them
REGIONS = {
    "suwon": ("41", {"4111100000", "4111000000", "4100000000"}),
    "bucheon": ("41", {"4119200000", "4119000000", "4100000000"}),
    "gwangju": ("29", {"2917000000", "2900000000"}),
    "iksan": ("52", {"5214000000", "5200000000"}),
    "seoul": ("11", {"1168000000", "1100000000"}),
    "seocho": ("11", {"1165000000", "1100000000"}),
    "busan": ("26", {"2611000000", "2600000000"}),
}

ENGINE = Engine(load_programme_specs())


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            for doc in yaml.safe_load_all(fh):
                for case in doc["cases"]:
                    params.append(pytest.param(doc["programme"], case, id=f"{doc['programme']}: {case['name']}"))
    return params


CASES = load_cases()


def run_case(programme: str, case: dict[str, Any]):
    sido, codes = REGIONS[case.get("region", "suwon")]
    as_of = case["as_of"]
    assert isinstance(as_of, date)
    hh = household_from_input(case.get("household") or {}, as_of=as_of, region_codes=frozenset(codes), sido_code=sido)
    results = {r.spec.key: r.answer for r in ENGINE.check(hh, information="all")}
    return results.get(programme)


@pytest.mark.parametrize(("programme", "case"), CASES)
def test_yaml_case(programme, case):
    expect = case["expect"]
    answer = run_case(programme, case)
    if expect.get("applies") is False:
        assert answer is None, f"{programme} should not apply in {case.get('region')}"
        return
    assert answer is not None, f"{programme} does not apply in {case.get('region', 'suwon')}"
    assert answer.status == expect["status"], answer.reasons
    if "amount" in expect:
        assert answer.amount.value == expect["amount"], answer.reasons
    if "per" in expect:
        assert answer.amount.per == expect["per"]
    if "missing" in expect:
        assert answer.missing == expect["missing"]
    if "verified" in expect:
        assert answer.verified is expect["verified"]
    for text in expect.get("reasons_contain", []):
        assert any(text in r for r in answer.reasons), (text, answer.reasons)
    changes = list(answer.changes)
    for wanted in expect.get("changes", []):
        # each expected change must appear, in order
        while changes and changes[0].on != wanted["date"]:
            changes.pop(0)
        assert changes, f"no change on {wanted['date']}: {[c.description for c in answer.changes]}"
        got = changes.pop(0)
        if "status" in wanted:
            assert got.status == wanted["status"], got.description
        if "amount" in wanted:
            assert got.amount.value == wanted["amount"], got.description
    assert answer.reasons, "every answer explains itself"


def test_every_encoded_programme_has_eligible_ineligible_and_boundary_cases():
    by_programme: dict[str, list[dict]] = {}
    for param in CASES:
        programme, case = param.values
        by_programme.setdefault(programme, []).append(case)
    encoded = [s.key for s in ENGINE.specs if s.rule != "information"]
    for key in encoded:
        cases = by_programme.get(key, [])
        assert len(cases) >= 3, f"{key}: {len(cases)} cases"
        statuses = {c["expect"].get("status") for c in cases}
        assert "eligible" in statuses, key
        assert "ineligible" in statuses or any(c["expect"].get("applies") is False for c in cases), key
        assert any(c.get("boundary") for c in cases), f"{key}: no boundary case"
