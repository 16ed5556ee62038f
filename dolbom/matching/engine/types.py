"""Plain data the matching engine takes and returns. No Django here: the engine is reused by the API, the
batch job and the benchmark alike, and is tested on its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

# Children younger than this need a caregiver holding the infant-care qualification (영아돌봄).
INFANT_MAX_MONTHS = 36

QUALIFICATION_LABELS = {
    "infant_care": "영아돌봄",
    "illness_care": "질병감염아동돌봄",
    "first_aid": "응급처치",
    "special_needs": "특수돌봄",
}

NEED_LABELS = {
    "infant": "영아",
    "illness": "질병·감염",
    "language": "언어",
    "sibling_group": "형제자매 동시돌봄",
    "special_needs": "특수돌봄",
}


def sigungu_of(code: str) -> str:
    """The 5-digit 시군구 part of a 5- or 10-digit region code."""
    return code[:5]


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime

    def covers(self, start: datetime, end: datetime) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Qualification:
    """A qualification or training (e.g. "infant_care"); `expires` None means it does not expire."""

    code: str
    expires: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.expires is None or self.expires >= day


@dataclass(frozen=True, slots=True)
class Booked:
    """An assignment the caregiver already holds; its location is used for travel to and from it."""

    start: datetime
    end: datetime
    lat: float | None = None
    lng: float | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class Caregiver:
    id: str
    lat: float
    lng: float
    regions: frozenset[str]  # 시군구 codes served (5 digits; longer codes are cut to 5)
    qualifications: tuple[Qualification, ...] = ()
    background_check_expires: date | None = None  # None: no check on file, never offered
    languages: frozenset[str] = frozenset({"ko"})
    min_child_age_months: int = 0
    max_child_age_months: int = 155  # up to the end of age 12
    max_children: int = 2
    availability: tuple[Interval, ...] = ()
    assignments: tuple[Booked, ...] = ()
    recent_workload_hours: float = 0.0
    ratings: Mapping[str, float] = field(default_factory=dict)  # family id -> rating 1..5
    merged_availability: tuple[Interval, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # normalised once here, because the batch checks each caregiver against many requests
        object.__setattr__(self, "regions", frozenset(sigungu_of(r) for r in self.regions))
        merged: list[Interval] = []
        for iv in sorted(self.availability, key=lambda i: (i.start, i.end)):
            if merged and iv.start <= merged[-1].end:
                if iv.end > merged[-1].end:
                    merged[-1] = Interval(merged[-1].start, iv.end)
            else:
                merged.append(iv)
        object.__setattr__(self, "merged_availability", tuple(merged))

    def qualification(self, code: str) -> Qualification | None:
        """The longest-valid qualification of that code, if any."""
        found = [q for q in self.qualifications if q.code == code]
        if not found:
            return None
        return max(found, key=lambda q: (q.expires is None, q.expires or date.min))


@dataclass(frozen=True)
class Request:
    id: str
    family_id: str
    lat: float
    lng: float
    region_code: str
    start: datetime
    end: datetime
    children_ages_months: tuple[int, ...]
    needs: frozenset[str] = frozenset()  # "infant", "illness", "language", "sibling_group", "special_needs"
    language: str | None = None  # preferred language; a hard need only with "language" in needs
    created_at: datetime | None = None
    urgency: int = 0  # higher is more urgent; the greedy baseline and tie-breaks use it
    service: str = ""

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0


@dataclass(frozen=True)
class MatchingPolicy:
    max_travel_km: float = 20.0
    speed_kmh: float = 25.0  # door-to-door average, urban public transport or car
    detour_factor: float = 1.3  # road distance / straight-line distance
    travel_buffer_min: int = 10  # margin added to every trip
    w_travel: float = 1.0
    w_continuity: float = 0.3
    w_language: float = 0.3
    w_fairness: float = 0.2
    w_stability: float = 0.1  # keeps a previous batch's choice when a re-run is otherwise indifferent
    workload_ref_hours: float = 40.0  # recent workload at which the fairness term saturates
    infant_max_months: int = INFANT_MAX_MONTHS


@dataclass(frozen=True)
class CostBreakdown:
    travel: float
    continuity: float
    language: float
    fairness: float
    stability: float = 0.0

    @property
    def total(self) -> float:
        return self.travel + self.continuity + self.language + self.fairness + self.stability


@dataclass(frozen=True)
class Candidate:
    caregiver_id: str
    distance_km: float
    travel_minutes: int
    cost: CostBreakdown
    reasons: tuple[str, ...]  # why this caregiver (Korean)

    @property
    def total_cost(self) -> float:
        return self.cost.total


@dataclass(frozen=True)
class Assignment:
    request_id: str
    caregiver_id: str
    distance_km: float
    cost: float


@dataclass
class BatchResult:
    assignments: list[Assignment]
    unfilled: dict[str, list[str]]  # request id -> Korean reasons
    method: str
    proven_optimal: bool
    notes: list[str] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def filled(self) -> int:
        return len(self.assignments)

    @property
    def total_distance_km(self) -> float:
        return sum(a.distance_km for a in self.assignments)

    @property
    def total_cost(self) -> float:
        return sum(a.cost for a in self.assignments)

    def by_request(self) -> dict[str, str]:
        return {a.request_id: a.caregiver_id for a in self.assignments}
