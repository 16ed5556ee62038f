from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class ParticipationOut(Schema):
    region_prefix: str
    region_name: str
    starts_on: date | None
    ends_on: date | None


class ServiceOut(Schema):
    id: int
    code: str
    name: str
    description: str
    delivery: str
    age_min_months: int
    age_max_months: int
    hours: dict
    hours_label: str
    advance_days: int
    same_day_cutoff: str | None
    previous_day_cutoff: str | None
    night_hours: str
    max_consecutive_days: int | None
    min_hours: int
    max_hours: int | None
    hourly_fee: int
    night_surcharge_pct: int
    holiday_surcharge_pct: int
    fee_exemptions: list[str]
    cancel_deadline_hours: int
    cancellation_policy: str
    requires_approval: bool
    hold_minutes: int
    participations: list[ParticipationOut]
    source: str


class SlotOut(Schema):
    id: int
    facility_id: int
    facility: str
    service: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    available: int


class BookingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    slot_ids: list[int] = Field(min_length=1, max_length=336)
    child_ids: list[int] = Field(min_length=1, max_length=6)
    household_id: int | None = None
    exemption: str = Field(default="", max_length=50)


class ChildBrief(Schema):
    id: int
    name: str


class BookingOut(Schema):
    id: int
    status: str
    status_label: str
    service: str
    facility_id: int
    facility: str
    starts_at: datetime
    ends_at: datetime
    fee: int
    fee_exemption: str
    children: list[ChildBrief]
    calendar_url: str
    created_at: datetime


class HoldOut(Schema):
    id: int
    expires_at: datetime
    slot_ids: list[int]
    child_ids: list[int]


class HoldConfirmIn(Schema):
    model_config = ConfigDict(extra="forbid")

    exemption: str = Field(default="", max_length=50)


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accept: bool
    note: str = Field(default="", max_length=300)


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    attended: bool


class CapacityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    capacity: int = Field(ge=0, le=200)


class WaitlistIn(Schema):
    model_config = ConfigDict(extra="forbid")

    slot_ids: list[int] = Field(min_length=1, max_length=336)
    child_ids: list[int] = Field(min_length=1, max_length=6)


class WaitlistOut(Schema):
    id: int
    status: str
    status_label: str
    position: int | None
    offer_expires_at: datetime | None
    service: str
    facility: str
    starts_at: datetime | None
    ends_at: datetime | None
    children: list[str]


class NearestOut(Schema):
    facility_service_id: int
    facility_id: int
    facility: str
    distance_km: float | None
    slot_ids: list[int]
