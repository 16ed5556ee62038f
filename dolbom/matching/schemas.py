from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class VisitRequestIn(Schema):
    child_ids: list[int] = Field(min_length=1)
    service: str
    region_code: str = Field(min_length=5, max_length=10)
    address: str = Field(max_length=200)
    lat: float
    lng: float
    starts_at: datetime
    ends_at: datetime
    needs: list[str] = []
    language: str = Field(default="", max_length=8)
    note: str = Field(default="", max_length=1000)
    income_tier: str | None = Field(default=None, max_length=8)  # 가형..마형, stored encrypted; None: unknown
    consent_share: bool = False  # consent to share the needed details with the caregiver


class WaitOut(Schema):
    position: int | None
    minutes: int | None
    low_minutes: int | None
    high_minutes: int | None
    message: str


class FeeOut(Schema):
    total: int
    base_amount: int
    surcharge_amount: int
    government_share: int
    family_share: int
    income_tier: str | None
    notes: list[str]


class AssignmentOut(Schema):
    id: int
    caregiver_id: int
    caregiver_name: str
    status: str
    distance_km: float
    explanation: list[str]


class VisitRequestOut(Schema):
    id: int
    status: str
    status_label: str
    service: str
    region_code: str
    starts_at: datetime
    ends_at: datetime
    needs: list[str]
    queue: WaitOut | None
    fee: FeeOut
    assignment: AssignmentOut | None


class CandidateOut(Schema):
    caregiver_id: int
    caregiver_name: str
    distance_km: float
    travel_minutes: int
    total_cost: float
    cost: dict[str, float]
    reasons: list[str]


class CandidatesOut(Schema):
    candidates: list[CandidateOut]
    not_offered: dict[str, list[str]]


class BatchIn(Schema):
    date: date
    region_code: str = Field(min_length=5, max_length=10)


class BatchOut(Schema):
    filled: int
    open: int
    method: str
    proven_optimal: bool
    fill_upper_bound: int
    unfilled: dict[str, list[str]]


class EndIn(Schema):
    notes: str = Field(default="", max_length=2000)


class RateIn(Schema):
    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)
    problem: str = Field(default="", max_length=2000)


class ReportIn(Schema):
    detail: str = Field(min_length=1, max_length=2000)


class CloseIn(Schema):
    notes: str = Field(min_length=1, max_length=2000)


class VisitOut(Schema):
    assignment_id: int
    request_id: int
    status: str
    request_status: str
    service: str
    starts_at: datetime
    ends_at: datetime
    address: str
    children_ages_months: list[int]
    needs: list[str]
    distance_km: float
    arrived_at: datetime | None
    ended_at: datetime | None
    actual_hours: float | None
    fee_total: int | None


class FollowUpOut(Schema):
    id: int
    request_id: int
    reason: str
    reason_label: str
    detail: str
    status: str
    caregiver_name: str | None
    assignee: str | None
    due_date: date
    notes: str


class RatingOut(Schema):
    id: int
    stars: int
    followup_opened: bool
