from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class InquiryIn(Strict):
    topic: str = Field(max_length=16)
    question: str = Field(max_length=2000)
    reply_by: str = Field(default="message", max_length=10)
    window_start: datetime | None = None
    window_end: datetime | None = None
    # For visitors without an account; a signed-in citizen's contact comes from their account.
    phone: str = Field(default="", max_length=30)
    name: str = Field(default="", max_length=50)
    region_code: str | None = Field(default=None, max_length=20)
    consent: bool = False


class MessageIn(Strict):
    body: str = Field(max_length=2000)


class ReplyIn(Strict):
    body: str = Field(max_length=2000)
    close: bool = False


class AssignIn(Strict):
    assignee_id: int | None = None


class TimerOut(Schema):
    due_at: datetime | None
    overdue: bool
    working_minutes_left: int | None
    label: str


class MessageOut(Schema):
    id: int
    from_staff: bool
    author: str
    body: str
    created_at: datetime


class CallbackOut(Schema):
    id: int
    case_id: int
    inquiry_id: int | None
    caller: str
    region: str
    topic: str
    topic_label: str
    status: str
    window_start: datetime | None
    window_end: datetime | None
    assigned_to: str | None
    timer: TimerOut


class InquiryOut(Schema):
    id: int
    case_id: int
    topic: str
    topic_label: str
    question: str
    channel: str
    reply_by: str
    status: str
    status_label: str
    created_at: datetime
    first_replied_at: datetime | None
    timer: TimerOut
    messages: list[MessageOut] = []


class QueueInquiryOut(InquiryOut):
    caller: str
    region: str
    assigned_to: str | None
    escalated: bool


class QueueOut(Schema):
    inquiries: list[QueueInquiryOut]
    callbacks: list[CallbackOut]
    counts: dict[str, dict[str, int]]


class CallIn(Strict):
    topic: str = Field(max_length=16)
    outcome: str = Field(max_length=12)
    notes: str = Field(default="", max_length=4000)
    case_id: int | None = None
    caller_user_id: int | None = None
    phone: str = Field(default="", max_length=30)
    caller_name: str = Field(default="", max_length=50)
    region_code: str | None = Field(default=None, max_length=20)
    direction: str = Field(default="inbound", max_length=10)
    started_at: datetime | None = None
    duration_seconds: int = Field(default=0, ge=0, le=6 * 3600)
    callback_window_start: datetime | None = None
    callback_window_end: datetime | None = None


class CallOut(Schema):
    id: int
    case_id: int
    topic: str
    outcome: str
    direction: str
    notes: str
    started_at: datetime
    duration_seconds: int


class CallbackIn(Strict):
    topic: str = Field(max_length=16)
    window_start: datetime | None = None
    window_end: datetime | None = None
    note: str = Field(default="", max_length=500)


class CallbackDoneIn(Strict):
    status: str = Field(max_length=10)
    outcome: str = Field(default="informed", max_length=12)
    notes: str = Field(default="", max_length=4000)
    duration_seconds: int = Field(default=0, ge=0, le=6 * 3600)


class CallerOut(Schema):
    kind: str
    label: str
    phone_masked: str
    region_name: str
    case_id: int | None
    user_id: int | None


class ReferralIn(Strict):
    agency_name: str = Field(default="", max_length=120)
    facility_id: int | None = None
    agency_contact: str = Field(default="", max_length=60)
    reason: str = Field(max_length=4000)
    consent: bool = False
    consent_method: str = Field(max_length=10)


class ReferralStatusIn(Strict):
    status: str = Field(max_length=10)
    note: str = Field(default="", max_length=500)


class ReferralOut(Schema):
    id: int
    case_id: int
    agency_name: str
    facility_id: int | None
    reason: str
    status: str
    status_label: str
    consent_at: datetime
    consent_method: str
    created_at: datetime


class EventOut(Schema):
    id: int
    at: datetime
    kind: str
    kind_label: str
    actor: str
    on_behalf: bool
    summary: str
    object_type: str
    object_id: str


class CaseOut(Schema):
    id: int
    status: str
    caller: str
    region: str
    region_code: str | None
    assigned_to: str | None
    guardian_id: int | None
    phone_masked: str
    created_at: datetime
    closed_at: datetime | None


class CaseDetailOut(CaseOut):
    history: list[EventOut]
    inquiries: list[InquiryOut]
    referrals: list[ReferralOut]
    calls: list[CallOut]


class CaseCloseIn(Strict):
    note: str = Field(default="", max_length=500)


class CaseActionIn(Strict):
    kind: str = Field(max_length=20)
    summary: str = Field(min_length=1, max_length=300)
    object_type: str = Field(default="", max_length=80)
    object_id: str = Field(default="", max_length=64)
    data: dict[str, Any] = Field(default_factory=dict)


class ActBookingIn(Strict):
    slot_ids: list[int] = Field(max_length=400)
    child_ids: list[int] = Field(max_length=12)
    exemption: str = Field(default="", max_length=40)


class ActBookingOut(Schema):
    booking_id: int
    status: str
    fee: int


class ActBenefitsIn(Strict):
    income_pct_of_median: float | None = Field(default=None, ge=0, le=1000)
    household_size: int | None = Field(default=None, ge=1, le=20)
    residence_months: int | None = Field(default=None, ge=0, le=1200)
    single_parent: bool | None = None
    multicultural: bool | None = None
    disability_in_household: bool | None = None


class ActBenefitsOut(Schema):
    eligible: list[str]
    unknown: list[str]
    result: Any


class ActFacilitySearchIn(Strict):
    child_id: int | None = None
    types: list[str] = Field(default_factory=list, max_length=10)
    vacancy: bool = False


class FacilityHitOut(Schema):
    id: int
    name: str
    distance_m: float | None


class ActHomeVisitIn(Strict):
    child_ids: list[int] = Field(max_length=12)
    starts_at: datetime
    ends_at: datetime
    service: str = Field(default="urgent", max_length=20)
    needs: list[str] = Field(default_factory=list, max_length=10)
    note: str = Field(default="", max_length=1000)


class ArticleOut(Schema):
    id: int
    slug: str
    question: str
    answer: str
    topic: str
    tags: list[str]
    programme_ids: list[str]
    care_services: list[str]
    source: str
    score: float
