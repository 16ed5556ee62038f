from datetime import date

from ninja import Schema
from pydantic import Field


class RegionOut(Schema):
    code: str = Field(description="10자리 코드 (법정동 또는 행정동)")
    code_system: str = Field(description="legal(법정동) 또는 admin(행정동)")
    name: str
    full_name: str
    level: str = Field(description="sido / sigungu / emd")
    sido_code: str
    sgg_code: str
    parent_code: str | None = None
    is_active: bool
    lat: float | None
    lng: float | None


class PopulationOut(Schema):
    as_of: date
    total: int
    age_0: int
    age_1: int
    age_2: int
    age_3: int
    age_4: int
    age_5: int
    total_0to5: int


class RegionDetailOut(RegionOut):
    successor: RegionOut | None = Field(default=None, description="폐지된 구역을 이어받은 현재 구역")
    covers: list[str] = Field(default_factory=list, description="통합 구역이 포함하는 시도 코드")
    aliases: list[str] = Field(default_factory=list, description="옛 이름·줄임말")
    children: list[RegionOut] = Field(default_factory=list, description="바로 아래 현존 구역")
    population: PopulationOut | None = Field(default=None, description="주민등록 인구 (행정동 단위, 0–5세)")


class RegionQuery(Schema):
    q: str = Field(default="", max_length=100, description="이름 또는 코드 (예: 수원, 41111, 강원도, 서울 강남구)")
    level: str | None = Field(default=None, pattern="^(sido|sigungu|emd)$", description="sido / sigungu / emd")
    limit: int = Field(default=20, ge=1, le=100)


class ResolveQuery(Schema):
    q: str = Field(min_length=1, max_length=200, description="코드(2·5·10자리) 또는 이름 (옛 이름 포함)")


class BoundaryQuery(Schema):
    sido: str | None = Field(default=None, pattern=r"^\d{2}$", description="시도 코드 2자리로 좁히기 (예: 41)")
