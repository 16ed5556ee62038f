"""The batch problem as arrays: eligible (request, caregiver) edges with their costs, and which requests one
caregiver cannot do together. Built once, shared by the engine, the greedy baseline and the exact reference."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from .constraints import check, jobs_compatible
from .geo import GridIndex, minutes_since_epoch, travel_minutes
from .screen import ratings_by_family, road_km_pairs, screen, travel_minutes_many
from .types import Caregiver, MatchingPolicy, Request


def longest_trip_minutes(policy: MatchingPolicy) -> int:
    """The longest trip between two requests one caregiver could both take: each lies within the travel
    limit of the caregiver's home, so they are at most twice that apart (plus rounding)."""
    return travel_minutes(policy.max_travel_km * 2 + 0.05, policy)


@dataclass
class Problem:
    requests: list[Request]  # sorted by id
    caregivers: list[Caregiver]  # sorted by id
    policy: MatchingPolicy
    edge_r: np.ndarray  # request index per edge
    edge_c: np.ndarray  # caregiver index per edge
    edge_cost: np.ndarray
    edge_km: np.ndarray
    start: np.ndarray  # request start, minutes
    end: np.ndarray
    no_edge_reasons: dict[int, list[str]] = field(default_factory=dict)
    _pair_cache: dict[tuple[int, int], bool] = field(default_factory=dict)
    _lat_rad: np.ndarray = field(init=False, repr=False)
    _lng: np.ndarray = field(init=False, repr=False)
    _start_l: list[float] = field(init=False, repr=False)
    _end_l: list[float] = field(init=False, repr=False)
    _longest_trip: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lat_rad = np.radians([r.lat for r in self.requests])
        self._lng = np.asarray([r.lng for r in self.requests], dtype=np.float64)
        self._start_l: list[float] = self.start.tolist()
        self._end_l: list[float] = self.end.tolist()
        self._longest_trip = longest_trip_minutes(self.policy)

    @property
    def n_edges(self) -> int:
        return int(self.edge_r.size)

    def edges_of_caregiver(self) -> list[np.ndarray]:
        order = np.lexsort((self.start[self.edge_r], self.edge_c))
        bounds = np.searchsorted(self.edge_c[order], np.arange(len(self.caregivers) + 1))
        return [order[bounds[i] : bounds[i + 1]] for i in range(len(self.caregivers))]

    def compatible(self, i: int, j: int) -> bool:
        """Can one caregiver do requests i and j both (the same rule as the hard constraint check). Asked only
        of requests one caregiver could both reach (see `longest_trip_minutes`)."""
        key = (i, j) if i < j else (j, i)
        hit = self._pair_cache.get(key)
        if hit is None:
            s, e = self._start_l, self._end_l
            gap = max(s[j] - e[i], s[i] - e[j])
            if gap < 0:
                hit = False  # overlap
            elif gap >= self._longest_trip:
                hit = True  # no trip within reach takes that long
            else:
                a, b = self.requests[key[0]], self.requests[key[1]]
                hit = jobs_compatible(a.start, a.end, (a.lat, a.lng), b.start, b.end, (b.lat, b.lng), self.policy)
            self._pair_cache[key] = hit
        return hit

    def travel_conflicts(self, first: Sequence[int], then: Sequence[int]) -> list[bool]:
        """For pairs of requests that do not overlap in time (`first[k]` ends before `then[k]` starts): is the
        gap too short to travel between them? One array computation, the same rule as `jobs_compatible`;
        the answers are remembered for `compatible`."""
        if not first:
            return []
        i, j = np.asarray(first, dtype=np.int64), np.asarray(then, dtype=np.int64)
        km = road_km_pairs(self._lat_rad[i], self._lng[i], self._lat_rad[j], self._lng[j], self.policy)
        bad = (self.start[j] - self.end[i]) < travel_minutes_many(km, self.policy)
        out = bad.tolist()
        for a, b, x in zip(first, then, out, strict=True):
            self._pair_cache[(a, b) if a < b else (b, a)] = not x
        return out

    def conflict_pairs(self, reqs: np.ndarray, *, travel_only: bool = False) -> list[tuple[int, int]]:
        """Pairs (positions into `reqs`) one caregiver cannot do together. Time overlap decides most pairs at
        numpy speed; only pairs separated by less than the longest possible trip need the distance.
        `travel_only` leaves out the pairs that overlap in time (the caller covers those otherwise)."""
        s, e = self.start[reqs], self.end[reqs]
        longest = longest_trip_minutes(self.policy)
        # gap[i, j] = how long after i ends j starts; negative both ways means overlap
        gap = s[None, :] - e[:, None]
        gap_min = np.maximum(gap, gap.T)  # the larger of the two orders is the usable gap
        iu, ju = np.triu_indices(len(reqs), k=1)
        g = gap_min[iu, ju]
        sure = g < 0
        unsure = (g >= 0) & (g < longest)
        out = [] if travel_only else [(int(a), int(b)) for a, b in zip(iu[sure], ju[sure], strict=True)]
        ua, ub = iu[unsure], ju[unsure]
        # order each pair as (earlier, later)
        swap = s[ub] < s[ua]
        first, then = np.where(swap, reqs[ub], reqs[ua]), np.where(swap, reqs[ua], reqs[ub])
        bad = self.travel_conflicts(first.tolist(), then.tolist())
        out.extend((int(a), int(b)) for a, b, x in zip(ua, ub, bad, strict=True) if x)
        return out


def reason_category(msg: str) -> str:
    return re.sub(r"\d[\d:.\-~]*", "…", msg)


def build_problem(
    requests: Sequence[Request],
    caregivers: Sequence[Caregiver] | GridIndex,
    policy: MatchingPolicy,
    *,
    previous: Mapping[str, str] | None = None,
    forbidden: AbstractSet[tuple[str, str]] = frozenset(),
    explain: bool = True,
) -> Problem:
    """`forbidden` holds (request id, caregiver id) pairs never to propose again, e.g. a declined offer."""
    index = caregivers if isinstance(caregivers, GridIndex) else GridIndex(caregivers)
    cgs = index.caregivers
    reqs = sorted(requests, key=lambda r: r.id)
    if len({r.id for r in reqs}) != len(reqs) or len(index.position) != len(cgs):
        raise ValueError("duplicate request or caregiver id")
    prev = previous or {}
    banned: dict[str, set[str]] = {}
    for rid, cid in forbidden:
        banned.setdefault(rid, set()).add(cid)
    ratings = ratings_by_family(index)
    er: list[np.ndarray] = []
    ec: list[np.ndarray] = []
    cost: list[np.ndarray] = []
    km: list[np.ndarray] = []
    no_edge: dict[int, list[str]] = {}
    for i, r in enumerate(reqs):
        got = screen(
            index,
            r,
            policy,
            forbidden=frozenset(banned.get(r.id, ())),
            previous_caregiver_id=prev.get(r.id),
            ratings=ratings,
        )
        if got.pos.size:
            er.append(np.full(got.pos.size, i, dtype=np.int64))
            ec.append(got.pos)
            cost.append(got.cost)
            km.append(got.km)
        elif explain:
            no_edge[i] = _explain_none(r, index.candidates(r, policy, check_window=False), policy)

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    return Problem(
        requests=reqs,
        caregivers=cgs,
        policy=policy,
        edge_r=cat(er, np.int64),
        edge_c=cat(ec, np.int64),
        edge_cost=cat(cost, np.float64),
        edge_km=cat(km, np.float64),
        start=np.asarray([minutes_since_epoch(r.start) for r in reqs], dtype=np.float64),
        end=np.asarray([minutes_since_epoch(r.end) for r in reqs], dtype=np.float64),
        no_edge_reasons=no_edge,
    )


def _explain_none(r: Request, near: Sequence[Caregiver], policy: MatchingPolicy) -> list[str]:
    counts: Counter[str] = Counter()
    considered = 0
    for c in near:
        reasons = check(c, r, policy)
        if any(x.startswith("활동지역") or x.startswith("이동 거리") for x in reasons):
            continue
        considered += 1
        counts.update({reason_category(x) for x in reasons})
    if considered == 0:
        return [f"반경 {policy.max_travel_km:g}km 안에 이 지역을 맡는 돌보미 없음"]
    top = ", ".join(f"{k} {v}명" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
    return [f"조건을 모두 만족하는 돌보미 없음 (인근 돌보미 {considered}명 중 {top})"]


def components(problem: Problem) -> list[tuple[np.ndarray, np.ndarray]]:
    """Connected components of the request–caregiver edge graph, as (request indices, edge indices), in a
    fixed order (by smallest request index)."""
    n_r, n_c = len(problem.requests), len(problem.caregivers)
    parent = list(range(n_r + n_c))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r, c in zip(problem.edge_r.tolist(), problem.edge_c.tolist(), strict=True):
        a, b = find(r), find(n_r + c)
        if a != b:
            parent[max(a, b)] = min(a, b)
    roots = np.asarray([find(int(r)) for r in problem.edge_r], dtype=np.int64)
    out = []
    for root in sorted(set(roots.tolist())):
        edges = np.flatnonzero(roots == root)
        out.append((np.unique(problem.edge_r[edges]), edges))
    return out
