"""The home-visit matching engine (pure Python; imports nothing from Django).

Plain dataclasses in, plain data out: `eligible` (hard constraints with Korean reasons), `rank_candidates`
(an urgent request's ranked candidates), `assign_batch` (a day's open requests at once, optimally — see
`batch` for what that covers), `assign_greedy` / `assign_exact` (benchmark baselines), `fee_quote`,
`estimate_wait`."""

from .batch import assign_batch, assign_exact, assign_greedy
from .constraints import eligible, jobs_compatible, required_qualifications
from .fees import FeeQuote, FeeSegment, fee_quote
from .geo import GridIndex, haversine_km, road_km, travel_minutes
from .ranking import cost_of, explain_rejections, rank_candidates
from .types import (
    Assignment,
    BatchResult,
    Booked,
    Candidate,
    Caregiver,
    CostBreakdown,
    Interval,
    MatchingPolicy,
    Qualification,
    Request,
)
from .wait import WaitEstimate, estimate_wait

__all__ = [
    "Assignment",
    "BatchResult",
    "Booked",
    "Candidate",
    "Caregiver",
    "CostBreakdown",
    "FeeQuote",
    "FeeSegment",
    "GridIndex",
    "Interval",
    "MatchingPolicy",
    "Qualification",
    "Request",
    "WaitEstimate",
    "assign_batch",
    "assign_exact",
    "assign_greedy",
    "cost_of",
    "eligible",
    "estimate_wait",
    "explain_rejections",
    "fee_quote",
    "haversine_km",
    "jobs_compatible",
    "rank_candidates",
    "required_qualifications",
    "road_km",
    "travel_minutes",
]
