from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class ChildIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=50)
    birth_date: date | None = None
    due_date: date | None = None
    health_notes: str = Field(default="", max_length=2000)
    allergies: str = Field(default="", max_length=1000)
    disability_notes: str = Field(default="", max_length=2000)


class ChildOut(Schema):
    id: int
    name: str
    birth_date: date | None
    due_date: date | None
    age_months: int | None
    health_notes: str
    allergies: str
    disability_notes: str


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(max_length=32)
    recipient: str = Field(default="돌봄", max_length=120)
    granted: bool


class ConsentOut(Schema):
    purpose: str
    purpose_label: str
    recipient: str
    granted_at: datetime
    withdrawn_at: datetime | None
