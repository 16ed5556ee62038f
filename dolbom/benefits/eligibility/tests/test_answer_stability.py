"""Speed work must not change answers: the full answers (status, amount, reasons, missing, per-child detail,
dated changes, the answers without the timeline, this year's total) of 300 seeded synthetic households are
compared with a digest recorded from the engine before its look-ahead was optimised.

A deliberate change of rules, parameters or wording changes the digest too: then check the differences with
`bench/benefits_golden.py` (record before, compare after) and record the new digests here.
"""

import json
from datetime import date
from pathlib import Path

import pytest

from dolbom.benefits.eligibility import Engine, information_specs, load_programme_specs
from dolbom.benefits.eligibility.rules import PerChildRule
from dolbom.benefits.eligibility.synthetic import answers_digest, synthetic_households

ROOT = Path(__file__).resolve().parents[4]

DIGESTS = {
    date(2025, 6, 1): "af769bcbf544b96300aadd1437e0d3989e5d57dc911e7807cfae27514bb536f7",
    date(2026, 11, 23): "3a2a6951b18ffe32913b0fb07de158ee0ac00f73b2a1472095db593ba1c8b1a2",
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    records = json.loads((ROOT / "data/benefits/welfare_central_services_bokjiro_365.json").read_text("utf-8"))
    specs = load_programme_specs()
    return Engine(specs + information_specs(records, skip_ids={i for s in specs for i in s.external_ids}))


@pytest.mark.parametrize("as_of", sorted(DIGESTS))
def test_full_answers_of_synthetic_households_are_unchanged(engine: Engine, as_of: date):
    households = synthetic_households(150, seed=2026, as_of=as_of)
    assert answers_digest(engine, households) == DIGESTS[as_of]


def test_the_lean_look_ahead_agrees_with_asking_each_rule_in_full(engine: Engine, monkeypatch: pytest.MonkeyPatch):
    """Independent of the recorded digests: the per-child look-ahead (`PerChildRule.ahead`, results reused per age
    band) gives the same full answers as evaluating the rule from scratch on every date."""
    households = [
        hh for as_of in (date(2025, 6, 1), date(2026, 11, 23)) for hh in synthetic_households(150, seed=99, as_of=as_of)
    ]
    fast = answers_digest(engine, households)
    monkeypatch.setattr(PerChildRule, "ahead", lambda self, hh, ctx: self.evaluate(hh, explain=False))
    assert answers_digest(engine, households) == fast
