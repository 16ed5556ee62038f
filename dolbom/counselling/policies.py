"""Service-level targets as data: which timer a queue runs, in working minutes (weekdays 09–18)."""

from dataclasses import dataclass
from datetime import datetime

from dolbom.regions.models import Region

from .models import SlaPolicy, Topic
from .sla import WORKING_DAY_MINUTES, add_working_minutes


@dataclass(frozen=True)
class Policy:
    first_reply_minutes: int
    callback_minutes: int


#: First reply within one working day; a complaint or an urgent home-visit question within half a day.
#: A callback with no requested window is due within half a working day.
DEFAULT_POLICIES: dict[str, Policy] = {
    Topic.BENEFITS: Policy(WORKING_DAY_MINUTES, 240),
    Topic.BOOKING: Policy(WORKING_DAY_MINUTES, 240),
    Topic.HOME_VISIT: Policy(240, 120),
    Topic.FACILITY: Policy(WORKING_DAY_MINUTES, 240),
    Topic.COMPLAINT: Policy(240, 120),
    Topic.OTHER: Policy(WORKING_DAY_MINUTES, 240),
}


def policy_for(*, topic: str, region: Region | None) -> Policy:
    """The most specific active policy row, else the built-in default for the topic."""
    rows = list(SlaPolicy.objects.filter(active=True, topic__in=[topic, ""]).select_related("region"))
    region_codes: list[str] = []
    node = region
    while node is not None:
        region_codes.append(node.code)
        node = node.parent
    best: tuple[tuple[int, int], SlaPolicy] | None = None
    for row in rows:
        row_code = row.region.code if row.region is not None else None
        if row_code is not None and row_code not in region_codes:
            continue
        # Deeper region beats shallower, a topic row beats the catch-all.
        depth = len(region_codes) - region_codes.index(row_code) if row_code is not None else 0
        rank = (depth, 1 if row.topic else 0)
        if best is None or rank > best[0]:
            best = (rank, row)
    if best is not None:
        return Policy(best[1].first_reply_minutes, best[1].callback_minutes)
    return DEFAULT_POLICIES.get(topic, DEFAULT_POLICIES[Topic.OTHER])


def first_reply_due(*, topic: str, region: Region | None, asked_at: datetime) -> datetime:
    return add_working_minutes(asked_at, policy_for(topic=topic, region=region).first_reply_minutes)


def callback_due(*, topic: str, region: Region | None, requested_at: datetime, window_end: datetime | None) -> datetime:
    """Inside the family's window if they gave one; otherwise by the queue's callback timer."""
    if window_end is not None:
        return window_end
    return add_working_minutes(requested_at, policy_for(topic=topic, region=region).callback_minutes)
