"""Property test for the benefit check's input, as the API receives it: any JSON-shaped household — sound,
impossible or of the wrong type — gets either a full answer or a 422 naming fields; never another exception."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dolbom.benefits.services import benefit_check
from dolbom.core.errors import ApplicationError

TODAY = date(2026, 11, 23)

junk = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=True) | st.text(max_size=12)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat)
impossible_dates = st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "26-11-23", "2026/11/23", ""])
date_like = dates | impossible_dates | junk
tri = st.none() | st.booleans() | junk

child = st.fixed_dictionaries(
    {"birth_date": date_like},
    optional={"birth_order": st.none() | st.integers(-3, 12) | junk, "attends_daycare": tri, "disability": tri},
)
household = st.fixed_dictionaries(
    {"region_code": st.sampled_from(["4111100000", "41111", "1168000000", "경기도 수원시 장안구", "9999999999", "x"])},
    optional={
        "as_of": st.none() | dates | impossible_dates,
        "residence_months": st.none() | st.integers(-5, 1500) | junk,
        "income_pct_of_median": st.none() | st.floats(-10, 2000, allow_nan=False) | junk,
        "household_size": st.none() | st.integers(-1, 30) | junk,
        "single_parent": tri,
        "multicultural": tri,
        "disability_in_household": tri,
        "low_income_status": st.none() | st.sampled_from(["basic", "near_poor", "single_parent_support", "?"]),
        "parents": st.none() | st.lists(st.fixed_dictionaries({}, optional={"birth_date": date_like, "employed": tri})),
        "pregnancy": st.none()
        | st.fixed_dictionaries({"due_date": date_like}, optional={"fetuses": st.integers(-1, 9) | junk}),
        "children": st.none() | st.lists(child, max_size=12),
        "unexpected": junk,
    },
)


@pytest.mark.django_db
@settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=household)
def test_any_input_gets_an_answer_or_a_named_refusal(catalogue, regions, data):
    try:
        answer = benefit_check(data=data, today=TODAY)
    except ApplicationError as refused:
        assert refused.status in (404, 422), refused
        assert refused.message
        return
    except Exception as exc:  # pragma: no cover - the property under test
        raise AssertionError(f"{type(exc).__name__}: {exc} for {data!r}") from exc
    programmes = answer["results"]
    assert programmes
    for row in programmes:
        assert row["status"] in {"eligible", "ineligible", "unknown"}
        value = row["amount"]["value"]
        assert value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0), row
        if row["status"] == "unknown":
            # A rule that cannot decide names the inputs it lacks; an information row (a programme decided
            # by its agency, e.g. 난임부부 시술비) is "unknown" by nature and says so in its reasons.
            assert row["missing"] if row["kind"] == "rule" else row["reasons"], row
