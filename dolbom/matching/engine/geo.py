"""Distances, travel times and a grid index over caregivers' home bases."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .types import Caregiver, MatchingPolicy, Request

EARTH_RADIUS_KM = 6371.0088
_EPOCH = datetime(2000, 1, 1)


def minutes_since_epoch(t: datetime) -> float:
    """Minutes since 2000-01-01 (UTC for aware datetimes), for numpy comparisons of times."""
    if t.tzinfo is not None:
        offset = t.utcoffset()
        t = t.replace(tzinfo=None) - (offset if offset is not None else timedelta(0))
    return (t - _EPOCH).total_seconds() / 60.0


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def road_km(lat1: float, lng1: float, lat2: float, lng2: float, policy: MatchingPolicy) -> float:
    """Estimated road distance: straight line times the policy's detour factor, rounded to 10 m so that
    the same input always gives the same figure on every platform."""
    return round(haversine_km(lat1, lng1, lat2, lng2) * policy.detour_factor, 2)


def travel_minutes(distance_km: float, policy: MatchingPolicy) -> int:
    if distance_km <= 0:
        return 0
    return math.ceil(distance_km / policy.speed_kmh * 60.0) + policy.travel_buffer_min


class GridIndex:
    """Caregivers bucketed by home base on a lat/lng grid of about `cell_km`; a query scans the 3x3 (or
    wider) block of cells around a point, so a ranking touches only nearby caregivers."""

    def __init__(self, caregivers: Iterable[Caregiver], cell_km: float = 10.0) -> None:
        self.cell_km = cell_km
        self._dlat = cell_km / 111.0
        self._dlng = cell_km / 88.0  # ~cos(37.5°) * 111; Korea spans 33–38.6°N, a slightly wide cell is harmless
        self._cells: dict[tuple[int, int], list[Caregiver]] = defaultdict(list)
        self.caregivers: list[Caregiver] = sorted(caregivers, key=lambda c: c.id)
        self.position: dict[str, int] = {c.id: k for k, c in enumerate(self.caregivers)}
        # derived data other modules keep with the index (e.g. `screen`'s arrays), built once per index
        self.cache: dict[object, dict] = {}
        for c in self.caregivers:
            self._cells[self._cell(c.lat, c.lng)].append(c)
        by_region: dict[str, list[Caregiver]] = defaultdict(list)
        for c in self.caregivers:
            for r in c.regions:
                by_region[r].append(c)
        # per region: caregivers, home coordinates, and the hull of each one's availability (earliest start,
        # latest end) — a request outside the hull can never be covered, so it is skipped before the full check
        self._regions = {
            r: (
                cs,
                np.radians([c.lat for c in cs]),
                np.radians([c.lng for c in cs]),
                np.asarray(
                    [minutes_since_epoch(c.merged_availability[0].start) if c.availability else np.inf for c in cs]
                ),
                np.asarray(
                    [minutes_since_epoch(c.merged_availability[-1].end) if c.availability else -np.inf for c in cs]
                ),
            )
            for r, cs in by_region.items()
        }

    def by_region(self, region: str) -> list[Caregiver]:
        """Caregivers serving the 시군구 (5 digits), by id."""
        entry = self._regions.get(region[:5])
        return [] if entry is None else entry[0]

    def _cell(self, lat: float, lng: float) -> tuple[int, int]:
        return (math.floor(lat / self._dlat), math.floor(lng / self._dlng))

    def near(self, lat: float, lng: float, radius_km: float) -> Sequence[Caregiver]:
        """Every caregiver whose home could be within `radius_km` (straight line) of the point, by id."""
        reach = math.ceil(radius_km * 1.1 / self.cell_km)  # 10 % margin for the longitude approximation
        ci, cj = self._cell(lat, lng)
        out: list[Caregiver] = []
        for i in range(ci - reach, ci + reach + 1):
            for j in range(cj - reach, cj + reach + 1):
                out.extend(self._cells.get((i, j), ()))
        out.sort(key=lambda c: c.id)
        return out

    def candidates(self, request: Request, policy: MatchingPolicy, *, check_window: bool = True) -> list[Caregiver]:
        """Caregivers serving the request's 시군구 whose home is within the travel limit (straight line, with a
        small margin) and, with `check_window`, whose availability could cover the visit; by id. Only a
        prefilter: the exact hard-constraint check follows."""
        entry = self._regions.get(request.region_code[:5])
        if entry is None:
            return []
        cs, lat, lng, hull_s, hull_e = entry
        p1, l1 = math.radians(request.lat), math.radians(request.lng)
        a = np.sin((lat - p1) / 2) ** 2 + math.cos(p1) * np.cos(lat) * np.sin((lng - l1) / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        limit = policy.max_travel_km / policy.detour_factor * 1.001 + 0.01
        ok = km <= limit
        if check_window:
            ok &= (hull_s <= minutes_since_epoch(request.start)) & (hull_e >= minutes_since_epoch(request.end))
        return [cs[i] for i in np.flatnonzero(ok)]
