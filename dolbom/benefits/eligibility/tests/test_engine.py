from datetime import date, timedelta
from pathlib import Path

import pytest

from dolbom.benefits.eligibility import Engine, household_errors, household_from_input, load_programme_specs
from dolbom.benefits.eligibility.catalogue import information_specs
from dolbom.benefits.eligibility.dates import add_months, months_between
from dolbom.benefits.eligibility.engine import year_total
from dolbom.benefits.eligibility.parameters import ParameterError, load_parameter_file, load_parameters
from dolbom.households.ages import age_in_months

SUWON = frozenset({"4111100000", "4111000000", "4100000000"})
ENGINE = Engine(load_programme_specs())


def test_months_agree_with_households_ages_and_add_months_is_the_first_day_of_that_age():
    start = date(2024, 1, 1)
    for offset in range(0, 800, 7):
        birth = start + timedelta(days=offset)
        for m in (1, 11, 12, 24, 96, 108):
            turns = add_months(birth, m)
            assert months_between(birth, turns) == m == age_in_months(birth, turns)
            assert months_between(birth, turns - timedelta(days=1)) == m - 1


def test_every_parameter_has_its_metadata_and_dated_values():
    params = load_parameters()
    assert "parent_benefit" in params
    for group in params.values():
        for p in group.values():
            assert p.description and p.reference and p.unit and p.source
            assert list(p.dates) == sorted(p.dates)


def test_a_parameter_without_a_reference_is_refused(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("x:\n  description: d\n  unit: KRW\n  source: s\n  verified: true\n  values: {2024-01-01: 1}\n")
    with pytest.raises(ParameterError, match="reference"):
        load_parameter_file(bad)


def test_the_parameter_in_force_is_chosen_by_date():
    p = load_parameters()["child_allowance"]["age_limit_months"]
    assert p.at(date(2025, 12, 31)) == 96
    assert p.at(date(2026, 1, 1)) == 108


def test_done_when_household_suwon_six_month_old_expecting_twins():
    hh = household_from_input(
        {"children": [{"birth_date": "2026-05-23"}], "pregnancy": {"due_date": "2027-03-01", "fetuses": 2}},
        as_of=date(2026, 11, 23),
        region_codes=SUWON,
        sido_code="41",
    )
    answers = {r.spec.key: r.answer for r in ENGINE.check(hh)}
    assert answers["parent_benefit"].amount.value == 1_000_000
    assert answers["child_allowance"].amount.value == 100_000
    assert answers["first_meeting_voucher"].amount.value == 2_000_000
    assert answers["pregnancy_medical"].amount.value == 2_000_000
    assert answers["gyeonggi_home_visit"].status == "eligible"
    assert answers["gyeonggi_hotline"].status == "eligible"
    assert "gyeonggi_always_daycare" not in answers  # 수원 is not among its named cities
    assert answers["child_care_service"].status == "unknown"
    assert answers["child_care_service"].missing == ["income_pct_of_median"]
    # the 부모급여 timeline: twins born, the first child turns 12 months, then 24
    dates = [c.on for c in answers["parent_benefit"].changes]
    assert dates[:3] == [date(2027, 3, 1), date(2027, 5, 23), date(2028, 3, 1)]
    assert answers["parent_benefit"].changes[0].amount.value == 3_000_000
    total = year_total(ENGINE.check(hh), hh.as_of)
    # Nov + Dec 부모급여 (2 × 1,000,000) + 아동수당 (2 × 100,000) + 첫만남 2,000,000 + 진료비 2,000,000
    assert total["value"] == 6_200_000


def test_with_an_income_band_child_care_service_is_decided():
    hh = household_from_input(
        {"income_pct_of_median": 140, "children": [{"birth_date": "2026-05-23"}]},
        as_of=date(2026, 11, 23),
        region_codes=SUWON,
        sido_code="41",
    )
    answers = {r.spec.key: r.answer for r in ENGINE.check(hh)}
    answer = answers["child_care_service"]
    assert answer.status == "eligible"
    # 140% of the median: 다형 (over 120%, at most 150%); the amount is the government's share of 12,790원 an hour
    assert answer.amount.per == "hour"
    assert 0 < answer.amount.value < 12_790
    assert any("다형" in r for r in answer.reasons)
    assert answer.verified is False  # tier percentages are to be verified


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"children": [{"birth_date": "2026-12-01"}]}, "children[0].birth_date"),
        ({"pregnancy": {"due_date": "2026-11-01"}}, "pregnancy.due_date"),
        ({"income_pct_of_median": -5}, "income_pct_of_median"),
        ({"household_size": 40}, "household_size"),
        ({"children": [{"birth_date": "2020-01-01"}] * 13}, "children"),
        ({"pregnancy": {"due_date": "2027-01-01", "fetuses": 9}}, "pregnancy.fetuses"),
    ],
)
def test_impossible_input_is_named(data, field):
    hh = household_from_input(data, as_of=date(2026, 11, 23))
    assert field in household_errors(hh)


def test_information_entries_are_filtered_by_the_household_stages_and_situations():
    records = [
        {"servId": "A1", "name": "영유아 일반", "lifeArray": "영유아", "trgterIndvdlArray": "", "agency": "x"},
        {"servId": "A2", "name": "영유아 한부모", "lifeArray": "영유아", "trgterIndvdlArray": "한부모·조손"},
        {"servId": "A3", "name": "노년", "lifeArray": "노년", "trgterIndvdlArray": ""},
    ]
    engine = Engine(information_specs(records))
    hh = household_from_input({"children": [{"birth_date": "2025-01-01"}]}, as_of=date(2026, 11, 23))
    assert [r.spec.name for r in engine.check(hh)] == ["영유아 일반"]
    single = household_from_input(
        {"single_parent": True, "children": [{"birth_date": "2025-01-01"}]}, as_of=date(2026, 11, 23)
    )
    assert [r.spec.name for r in engine.check(single)] == ["영유아 일반", "영유아 한부모"]
    assert all(r.answer.status == "unknown" for r in engine.check(single, information="all"))
    assert len(engine.check(single, information="all")) == 3
