"""The hard-constraint check and the soft costs for one request against every nearby caregiver at once, as
numpy array operations. The batch builds its candidate pairs with this (a province-sized day has millions of
request × caregiver pairs to consider, too many for a per-pair Python check); `constraints.check` stays the
reference and the explanation (why not), and a test keeps the two in agreement pair for pair.

Per 시군구 served, the caregivers' credentials are kept as arrays: background check and qualification expiry
as day ordinals, age range, group size, availability blocks as minutes. The rare parts that do not fit arrays
well (a language need, an earlier assignment to travel from or to) fall back to the per-pair check for the
few caregivers concerned."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .constraints import clash_reasons, required_qualifications
from .geo import EARTH_RADIUS_KM, GridIndex, minutes_since_epoch
from .types import Caregiver, MatchingPolicy, Request

_NO_QUAL = -1  # no such qualification on file
_NEVER = 10**8  # a qualification without expiry (day ordinals stay below 4 million)
_QUALS = ("infant_care", "illness_care", "special_needs")


@dataclass
class RegionArrays:
    """The caregivers serving one 시군구, as parallel arrays (row k is `caregivers[k]`)."""

    caregivers: list[Caregiver]
    pos: np.ndarray  # index into GridIndex.caregivers
    lat: np.ndarray  # radians
    lng: np.ndarray  # degrees (the scalar formula takes the difference in degrees first)
    check_ord: np.ndarray  # background check expiry (day ordinal; -1: none on file)
    qual_ord: dict[str, np.ndarray]  # longest-valid expiry per qualification (_NO_QUAL, _NEVER)
    min_age: np.ndarray
    max_age: np.ndarray
    max_children: np.ndarray
    avail_s: np.ndarray  # (n, k) merged availability blocks in minutes, padded with +inf / -inf
    avail_e: np.ndarray
    has_booked: np.ndarray  # bool: holds an earlier assignment (checked per pair)
    fairness: np.ndarray  # the fairness cost term, per caregiver


def _qual_ord(c: Caregiver, code: str) -> int:
    q = c.qualification(code)
    if q is None:
        return _NO_QUAL
    return _NEVER if q.expires is None else q.expires.toordinal()


def region_arrays(index: GridIndex, region: str, policy: MatchingPolicy) -> RegionArrays | None:
    """Arrays for the caregivers serving `region` (5-digit 시군구), built once per index and policy."""
    cache = index.cache.setdefault(("screen", policy), {})
    if region in cache:
        return cache[region]
    cs = index.by_region(region)
    if not cs:
        cache[region] = None
        return None
    pos_of = index.position
    width = max(1, max(len(c.merged_availability) for c in cs))
    avail_s = np.full((len(cs), width), np.inf)
    avail_e = np.full((len(cs), width), -np.inf)
    for k, c in enumerate(cs):
        for j, iv in enumerate(c.merged_availability):
            avail_s[k, j] = minutes_since_epoch(iv.start)
            avail_e[k, j] = minutes_since_epoch(iv.end)
    arr = RegionArrays(
        caregivers=cs,
        pos=np.asarray([pos_of[c.id] for c in cs], dtype=np.int64),
        lat=np.radians([c.lat for c in cs]),
        lng=np.asarray([c.lng for c in cs], dtype=np.float64),
        check_ord=np.asarray(
            [-1 if c.background_check_expires is None else c.background_check_expires.toordinal() for c in cs],
            dtype=np.int64,
        ),
        qual_ord={code: np.asarray([_qual_ord(c, code) for c in cs], dtype=np.int64) for code in _QUALS},
        min_age=np.asarray([c.min_child_age_months for c in cs], dtype=np.int64),
        max_age=np.asarray([c.max_child_age_months for c in cs], dtype=np.int64),
        max_children=np.asarray([c.max_children for c in cs], dtype=np.int64),
        avail_s=avail_s,
        avail_e=avail_e,
        has_booked=np.asarray([bool(c.assignments) for c in cs]),
        fairness=np.round(
            policy.w_fairness
            * np.clip(np.asarray([c.recent_workload_hours for c in cs]) / policy.workload_ref_hours, 0.0, 1.0),
            9,
        ),
    )
    cache[region] = arr
    return arr


def road_km_many(
    lat_rad: np.ndarray, lng_deg: np.ndarray, lat: float, lng: float, policy: MatchingPolicy
) -> np.ndarray:
    """`geo.road_km` from many points (latitude in radians, longitude in degrees) to one, the same formula,
    operation for operation, and the same rounding."""
    p2 = math.radians(lat)
    dl = np.radians(lng - lng_deg)
    a = np.sin((p2 - lat_rad) / 2) ** 2 + np.cos(lat_rad) * math.cos(p2) * np.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return np.round(km * policy.detour_factor, 2)


def road_km_pairs(
    lat1_rad: np.ndarray, lng1: np.ndarray, lat2_rad: np.ndarray, lng2: np.ndarray, policy: MatchingPolicy
) -> np.ndarray:
    """`geo.road_km` pair by pair (latitudes in radians, longitudes in degrees)."""
    dl = np.radians(lng2 - lng1)
    a = np.sin((lat2_rad - lat1_rad) / 2) ** 2 + np.cos(lat1_rad) * np.cos(lat2_rad) * np.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return np.round(km * policy.detour_factor, 2)


def travel_minutes_many(km: np.ndarray, policy: MatchingPolicy) -> np.ndarray:
    return np.where(km > 0, np.ceil(km / policy.speed_kmh * 60.0) + policy.travel_buffer_min, 0.0)


@dataclass
class Screened:
    """Eligible caregivers for one request: positions into `GridIndex.caregivers`, road km and total cost."""

    pos: np.ndarray
    km: np.ndarray
    cost: np.ndarray


def screen(
    index: GridIndex,
    request: Request,
    policy: MatchingPolicy,
    *,
    forbidden: frozenset[str] = frozenset(),
    previous_caregiver_id: str | None = None,
    ratings: Mapping[str, Mapping[int, float]] | None = None,
) -> Screened:
    """Every caregiver of the index passing every hard constraint for `request` (as `constraints.check`
    decides), with the same road distance and the same total soft cost as `ranking.cost_of`. `ratings`:
    family id -> {caregiver position: rating}, built once by `ratings_by_family`."""
    empty = Screened(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
    arr = region_arrays(index, request.region_code[:5], policy)
    if arr is None:
        return empty
    km = road_km_many(arr.lat, arr.lng, request.lat, request.lng, policy)
    ok = km <= policy.max_travel_km
    day = request.end.date().toordinal()
    ok &= arr.check_ord >= day
    for code in required_qualifications(request, policy):
        q = arr.qual_ord.get(code)
        if q is None:
            q = arr.qual_ord[code] = np.asarray([_qual_ord(c, code) for c in arr.caregivers], dtype=np.int64)
        ok &= q >= day
    ages = request.children_ages_months
    if ages:
        ok &= (arr.min_age <= min(ages)) & (max(ages) <= arr.max_age)
    ok &= len(ages) <= arr.max_children
    need_from = minutes_since_epoch(request.start) - travel_minutes_many(km, policy)
    end = minutes_since_epoch(request.end)
    ok &= ((arr.avail_s <= need_from[:, None]) & (end <= arr.avail_e)).any(axis=1)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return empty
    # the rare cases, per pair: a language need, an earlier assignment, a declined offer
    lang_need = "language" in request.needs and bool(request.language)
    if lang_need or forbidden or arr.has_booked[idx].any():
        keep = []
        for k in idx.tolist():
            c = arr.caregivers[k]
            if c.id in forbidden or (lang_need and request.language not in c.languages):
                continue
            if arr.has_booked[k] and clash_reasons(c, request, policy, first_only=True):
                continue
            keep.append(k)
        idx = np.asarray(keep, dtype=np.int64)
        if idx.size == 0:
            return empty
    d = km[idx]
    pos = arr.pos[idx]
    # the terms of `ranking.cost_of`, rounded alike and added in the same order, so totals agree exactly
    travel = np.round(policy.w_travel * np.minimum(1.0, d / policy.max_travel_km), 9)
    continuity = np.full(idx.size, round(policy.w_continuity * 0.5, 9))
    fam = (ratings or {}).get(request.family_id)
    if fam:
        for j, p in enumerate(pos.tolist()):
            r = fam.get(p)
            if r is not None:
                continuity[j] = round(policy.w_continuity * min(1.0, max(0.0, (5.0 - r) / 4.0)), 9)
    language = np.zeros(idx.size)
    if request.language:
        spoken = np.asarray([request.language in arr.caregivers[k].languages for k in idx.tolist()])
        language = np.where(spoken, 0.0, round(policy.w_language * 1.0, 9))
    stability = np.zeros(idx.size)
    if previous_caregiver_id is not None:
        prev = index.position.get(previous_caregiver_id)
        if prev is not None:
            stability = np.where(pos == prev, -policy.w_stability, 0.0)
    cost = travel + continuity + language + arr.fairness[idx] + stability
    return Screened(pos, d, cost)


def ratings_by_family(index: GridIndex) -> dict[str, dict[int, float]]:
    """family id -> {caregiver position: the family's rating of that caregiver}."""
    out: dict[str, dict[int, float]] = {}
    for k, c in enumerate(index.caregivers):
        for fam, r in c.ratings.items():
            out.setdefault(fam, {})[k] = r
    return out
