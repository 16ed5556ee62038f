"""Hard constraints of the matching engine, each with its Korean reason, and candidate ranking."""

import random
from datetime import timedelta

import pytest

from dolbom.matching.engine import (
    GridIndex,
    Interval,
    MatchingPolicy,
    Qualification,
    eligible,
    explain_rejections,
    rank_candidates,
    required_qualifications,
)

from .engine_builders import DAY, SUWON, at, booked, caregiver, north, request

POLICY = MatchingPolicy()


def test_a_fully_qualified_nearby_caregiver_is_eligible():
    ok, reasons = eligible(caregiver(), request(), POLICY)
    assert ok and reasons == []


def test_expired_background_check_is_never_offered():
    ok, reasons = eligible(caregiver(background_check_expires=DAY - timedelta(days=1)), request(), POLICY)
    assert not ok
    assert reasons == [f"신원조회 만료 {(DAY - timedelta(days=1)).isoformat()}"]


def test_missing_background_check_is_never_offered():
    ok, reasons = eligible(caregiver(background_check_expires=None), request(), POLICY)
    assert not ok and reasons == ["신원조회(범죄경력) 기록 없음"]


def test_check_expiring_on_the_service_day_is_still_valid_but_not_after():
    c = caregiver(background_check_expires=DAY)
    assert eligible(c, request(), POLICY)[0]
    assert not eligible(c, request(), POLICY, on=DAY + timedelta(days=1))[0]


def test_expired_infant_training_blocks_an_infant_request():
    c = caregiver(qualifications=(Qualification("infant_care", DAY - timedelta(days=10)),))
    ok, reasons = eligible(c, request(children_ages_months=(14,)), POLICY)
    assert not ok
    assert reasons == [f"자격(영아돌봄) 만료 {(DAY - timedelta(days=10)).isoformat()}"]
    # the same caregiver may still take an older child
    assert eligible(c, request(children_ages_months=(60,)), POLICY)[0]


def test_infant_without_infant_qualification():
    c = caregiver(qualifications=(Qualification("first_aid", None),))
    ok, reasons = eligible(c, request(children_ages_months=(8,)), POLICY)
    assert not ok and reasons == ["자격(영아돌봄) 없음"]
    assert required_qualifications(request(children_ages_months=(8, 70)), POLICY) == ["infant_care"]


def test_a_later_renewal_counts_even_if_an_older_certificate_expired():
    c = caregiver(
        qualifications=(
            Qualification("infant_care", DAY - timedelta(days=400)),
            Qualification("infant_care", DAY + timedelta(days=30)),
        )
    )
    assert eligible(c, request(children_ages_months=(8,)), POLICY)[0]


def test_illness_need_requires_illness_training():
    c = caregiver(qualifications=(Qualification("infant_care", None),))
    ok, reasons = eligible(c, request(needs=frozenset({"illness"})), POLICY)
    assert not ok and reasons == ["자격(질병감염아동돌봄) 없음"]


def test_infant_only_caregiver_cannot_take_a_school_child():
    c = caregiver(max_child_age_months=36)
    ok, reasons = eligible(c, request(children_ages_months=(100,)), POLICY)
    assert not ok and reasons == ["아동 연령 100개월이 돌봄 가능 연령(0~36개월) 밖"]


def test_language_need_is_hard_but_a_preference_is_not():
    r_need = request(language="vi", needs=frozenset({"language"}))
    r_pref = request(language="vi")
    assert eligible(caregiver(), r_need, POLICY)[1] == ["요청 언어(vi) 사용 불가"]
    assert eligible(caregiver(), r_pref, POLICY)[0]
    assert eligible(caregiver(languages=frozenset({"ko", "vi"})), r_need, POLICY)[0]


def test_region_not_served():
    ok, reasons = eligible(caregiver(regions=frozenset({"41113"})), request(region_code="4111100000"), POLICY)
    assert not ok and reasons == ["활동지역이 아님 (요청 지역 41111)"]


def test_too_far():
    c = caregiver(loc=north(30))
    ok, reasons = eligible(c, request(), POLICY)
    assert not ok
    assert reasons[0].startswith("이동 거리 ") and reasons[0].endswith("km가 한도 20km 초과")


def test_sibling_group_larger_than_the_caregiver_takes():
    ok, reasons = eligible(caregiver(max_children=1), request(children_ages_months=(50, 80)), POLICY)
    assert not ok and reasons == ["아동 2명 동시돌봄 불가 (최대 1명)"]


def test_overlapping_assignment():
    c = caregiver(assignments=(booked(10, 13),))
    ok, reasons = eligible(c, request(start=9, end=12), POLICY)
    assert not ok and reasons == ["요청 시간에 다른 배정과 겹침 (10:00~13:00)"]


def test_travel_time_between_jobs_makes_it_infeasible():
    # previous job ends at 9:00 eight km away: about 10.4 road km, 25 min driving + 10 min buffer
    c = caregiver(assignments=(booked(7, 9, north(8)),))
    assert eligible(c, request(start=9.75, end=12), POLICY)[0]
    ok, reasons = eligible(c, request(start=9.25, end=12), POLICY)
    assert not ok and reasons == ["앞뒤 배정과의 이동시간 부족 (07:00~09:00)"]


def test_availability_must_cover_travel_from_home():
    c = caregiver(loc=north(5), availability=(Interval(at(9), at(18)),))
    ok, reasons = eligible(c, request(start=9, end=12), POLICY)
    assert not ok and reasons[0].startswith("가용시간이 08:") and "(이동 " in reasons[0]
    # living at the address, no travel is needed
    assert eligible(caregiver(availability=(Interval(at(9), at(18)),)), request(start=9, end=12), POLICY)[0]


def test_touching_availability_blocks_are_merged():
    c = caregiver(availability=(Interval(at(12), at(18)), Interval(at(7), at(12))))
    assert eligible(c, request(start=11, end=13), POLICY)[0]


def test_all_failures_are_listed_for_explanation():
    c = caregiver(background_check_expires=DAY - timedelta(days=1), regions=frozenset({"41113"}), max_children=1)
    ok, reasons = eligible(c, request(children_ages_months=(30, 40)), POLICY)
    assert not ok and len(reasons) == 3


def test_ranking_prefers_near_then_well_rated_and_explains():
    r = request(family_id="F9")
    near = caregiver("C-near", loc=north(1))
    far = caregiver("C-far", loc=north(6))
    loved = caregiver("C-loved", loc=north(3), ratings={"F9": 5.0})
    expired = caregiver("C-expired", background_check_expires=DAY - timedelta(days=1))
    ranked = rank_candidates(r, [far, loved, near, expired], POLICY)
    assert [c.caregiver_id for c in ranked] == ["C-loved", "C-near", "C-far"]
    assert "이 가정의 이전 평가 5점" in ranked[0].reasons
    assert ranked[0].cost.continuity == 0 and ranked[1].cost.continuity > 0
    assert explain_rejections(r, [far, expired], POLICY) == {
        "C-expired": [f"신원조회 만료 {(DAY - timedelta(days=1))}"]
    }


def test_ranking_ties_break_by_id_whatever_the_input_order():
    cs = [caregiver(f"C{i}") for i in (3, 1, 2)]
    ids = [c.caregiver_id for c in rank_candidates(request(), cs, POLICY)]
    assert ids == ["C1", "C2", "C3"]


def test_ranking_with_grid_index_matches_a_full_scan():
    rng = random.Random(3)
    cs = [
        caregiver(f"C{i:03d}", loc=(SUWON[0] + rng.uniform(-0.3, 0.3), SUWON[1] + rng.uniform(-0.3, 0.3)))
        for i in range(300)
    ]
    index = GridIndex(cs, cell_km=5)
    for k in range(20):
        r = request(f"R{k}", loc=(SUWON[0] + rng.uniform(-0.2, 0.2), SUWON[1] + rng.uniform(-0.2, 0.2)))
        full = rank_candidates(r, cs, POLICY)
        assert full  # the test must exercise something
        assert rank_candidates(r, index, POLICY) == full


def test_engine_imports_nothing_from_django():
    import subprocess
    import sys

    code = "import sys, dolbom.matching.engine; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


HARD_CONSTRAINTS = {
    # name: (caregiver overrides, request overrides)
    "region": ({"regions": frozenset({"41131"})}, {}),
    "distance": ({"loc": (SUWON[0] + 0.2, SUWON[1])}, {}),
    "background check expired": ({"background_check_expires": DAY - timedelta(days=1)}, {}),
    "background check missing": ({"background_check_expires": None}, {}),
    "infant training": ({"qualifications": ()}, {"children_ages_months": (20,)}),
    "illness training": ({"qualifications": ()}, {"needs": frozenset({"illness"})}),
    "age range": ({"max_child_age_months": 36}, {"children_ages_months": (60,)}),
    "language need": ({}, {"needs": frozenset({"language"}), "language": "vi"}),
    "sibling group size": ({"max_children": 1}, {"children_ages_months": (60, 90)}),
    "availability": ({"availability": (Interval(at(10), at(18)),)}, {}),
    "overlapping assignment": ({"assignments": (booked(10, 11),)}, {}),
    "travel between assignments": ({"assignments": (booked(7, 8.9, north(12)),)}, {}),
}


@pytest.mark.parametrize("name", sorted(HARD_CONSTRAINTS))
def test_every_hard_constraint_holds_in_every_path(name):
    """Each hard constraint alone keeps the caregiver out of the check, the urgent ranking (with and without
    the grid index), the batch (built with array operations), the greedy baseline and the exact reference."""
    from dolbom.matching.engine import assign_batch, assign_exact, assign_greedy

    cg_kw, req_kw = HARD_CONSTRAINTS[name]
    cg_kw = dict(cg_kw)
    loc = cg_kw.pop("loc", SUWON)
    bad = caregiver("C1", loc=loc, **cg_kw)
    r = request("R1", **req_kw)
    policy = MatchingPolicy()
    assert not eligible(bad, r, policy)[0]
    assert rank_candidates(r, [bad], policy) == []
    assert rank_candidates(r, GridIndex([bad]), policy) == []
    for res in (assign_batch([r], [bad], policy), assign_greedy([r], [bad], policy), assign_exact([r], [bad], policy)):
        assert res.filled == 0 and res.unfilled["R1"]
    # the control: without the violation the same request is filled
    assert assign_batch([r], [caregiver("C1", languages=frozenset({"ko", "vi"}))], policy).filled == 1
