from datetime import datetime

from ninja import Schema
from pydantic import Field


class TokenIn(Schema):
    username: str = Field(max_length=254, description="사용자 이름, 이메일 또는 휴대전화 번호")
    password: str = Field(max_length=200)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 — the scheme name, not a secret
    expires_at: datetime


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    scope_region: str | None
    facility_id: int | None
    identity_verified: bool
