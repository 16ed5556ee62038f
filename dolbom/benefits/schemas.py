"""Ninja schemas of the benefits API. The check input is the household profile of the design."""

from datetime import date
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from .eligibility.model import MAX_CHILDREN, MAX_FETUSES, MAX_HOUSEHOLD_SIZE, MAX_INCOME_PCT, MAX_PARENTS

LowIncome = Literal["수급자", "차상위", "basic_livelihood", "near_poverty"]


class ParentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth_date: date | None = None
    employed: bool | None = None


class PregnancyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    due_date: date
    fetuses: int = Field(default=1, ge=1, le=MAX_FETUSES)


class ChildIn(Schema):
    model_config = ConfigDict(extra="forbid")

    birth_date: date
    birth_order: int | None = Field(default=None, ge=1, le=20)
    attends_daycare: bool | None = None
    disability: bool | None = None


class CheckIn(Schema):
    """All fields optional except `region_code` (10-digit 법정동/행정동 code, 5-digit 시군구 code, or a name)."""

    model_config = ConfigDict(extra="forbid")

    as_of: date | None = None
    region_code: str = Field(min_length=2, max_length=60)
    residence_months: int | None = Field(default=None, ge=0, le=1200)
    income_pct_of_median: float | None = Field(default=None, ge=0, le=MAX_INCOME_PCT)
    household_size: int | None = Field(default=None, ge=1, le=MAX_HOUSEHOLD_SIZE)
    single_parent: bool | None = None
    multicultural: bool | None = None
    disability_in_household: bool | None = None
    low_income_status: LowIncome | None = None
    parents: list[ParentIn] | None = Field(default=None, max_length=MAX_PARENTS)
    pregnancy: PregnancyIn | None = None
    children: list[ChildIn] | None = Field(default=None, max_length=MAX_CHILDREN)


class AmountOut(Schema):
    value: int | None
    unit: str
    per: str | None
    up_to: bool = False


class ChangeOut(Schema):
    date: date
    description: str
    status: str
    amount: AmountOut
    child_index: int | None


class ChildResultOut(Schema):
    index: int
    birth_date: date
    expected: bool
    status: str
    amount: AmountOut
    reasons: list[str]
    missing: list[str]


class ResultOut(Schema):
    id: int | None
    key: str
    name: str
    kind: str
    provider_level: str
    agency: str
    stages: list[str]
    support_type: str
    status: Literal["eligible", "ineligible", "unknown"]
    amount: AmountOut
    reasons: list[str]
    missing: list[str]
    legal_reference: str
    how_to_apply: dict[str, Any]
    contact: str
    source: str
    verified: bool
    verify_notice: str | None
    per_child: list[ChildResultOut]
    changes: list[ChangeOut]


class RegionOut(Schema):
    code: str
    name: str


class TotalOut(Schema):
    value: int
    unit: str
    from_date: date = Field(alias="from")
    to: date
    by_programme: dict[str, int]


class CheckOut(Schema):
    as_of: date
    region: RegionOut
    total_this_year: dict[str, Any]
    summary: dict[str, int]
    results: list[ResultOut]


class ProgrammeOut(Schema):
    id: int
    key: str
    name: str
    kind: str
    provider_level: str
    agency: str
    stages: list[str]
    situations: list[str]
    support_type: str
    summary: str
    how_to_apply: dict[str, Any]
    contact: str
    legal_reference: str
    source: str
    checked_on: date | None
    regions: list[dict[str, Any]]


class ProgrammeDetailOut(ProgrammeOut):
    description: str
    parameters: list[dict[str, Any]]
    test_cases: list[dict[str, Any]]


class ProgrammePageOut(Schema):
    count: int
    results: list[ProgrammeOut]
