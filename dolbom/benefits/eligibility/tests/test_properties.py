"""Property tests: any sound household gets an answer for every programme, never an exception, never a
silent zero, and the same answer twice."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dolbom.benefits.eligibility import Engine, household_errors, household_from_input, load_programme_specs

ENGINE = Engine(load_programme_specs())
REGIONS = [
    ("41", frozenset({"4111100000", "4111000000", "4100000000"})),
    ("29", frozenset({"2917000000", "2900000000"})),
    ("52", frozenset({"5214000000", "5200000000"})),
    ("11", frozenset({"1165000000", "1100000000"})),
    ("26", frozenset({"2611000000", "2600000000"})),
]

as_of_dates = st.dates(min_value=date(2018, 1, 1), max_value=date(2029, 12, 31))
tri = st.none() | st.booleans()


@st.composite
def households(draw):
    as_of = draw(as_of_dates)
    sido, codes = draw(st.sampled_from(REGIONS))
    children = draw(
        st.none()
        | st.lists(
            st.fixed_dictionaries(
                {
                    "birth_date": st.dates(min_value=as_of - timedelta(days=18 * 365), max_value=as_of),
                    "attends_daycare": tri,
                    "birth_order": st.none() | st.integers(1, 6),
                }
            ),
            max_size=5,
        )
    )
    data = {
        "children": children,
        "income_pct_of_median": draw(st.none() | st.floats(0, 1000)),
        "single_parent": draw(tri),
        "multicultural": draw(tri),
        "disability_in_household": draw(tri),
        "parents": draw(st.none() | st.lists(st.fixed_dictionaries({"employed": tri}), max_size=2)),
    }
    if draw(st.booleans()):
        data["pregnancy"] = {
            "due_date": as_of + timedelta(days=draw(st.integers(0, 300))),
            "fetuses": draw(st.integers(1, 5)),
        }
    return household_from_input(data, as_of=as_of, region_codes=codes, sido_code=sido)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households())
def test_every_sound_household_gets_a_reasoned_answer_for_every_programme(hh):
    assert household_errors(hh) == {}
    first = ENGINE.check(hh, information="all")
    assert len(first) >= 11  # every national programme
    for result in first:
        a = result.answer
        assert a.status in {"eligible", "ineligible", "unknown"}
        assert a.reasons, result.spec.key
        if a.status == "unknown":
            # unknown says what is missing, or why it cannot be decided
            assert a.missing or a.reasons
        if a.amount.value is not None:
            assert a.amount.value > 0 and a.amount.per
        assert [c.on for c in a.changes] == sorted(c.on for c in a.changes)
        assert all(c.on > hh.as_of for c in a.changes)
    again = ENGINE.check(hh, information="all")
    assert [r.answer.as_dict() for r in first] == [r.answer.as_dict() for r in again]
