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
from .geo import GridIndex, minutes_since_epoch, road_km, travel_minutes
from .ranking import cost_of
from .types import Caregiver, MatchingPolicy, Request


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

    @property
    def n_edges(self) -> int:
        return int(self.edge_r.size)

    def edges_of_caregiver(self) -> list[np.ndarray]:
        order = np.lexsort((self.start[self.edge_r], self.edge_c))
        bounds = np.searchsorted(self.edge_c[order], np.arange(len(self.caregivers) + 1))
        return [order[bounds[i] : bounds[i + 1]] for i in range(len(self.caregivers))]

    def compatible(self, i: int, j: int) -> bool:
        """Can one caregiver do requests i and j both (the same rule as the hard constraint check)."""
        key = (i, j) if i < j else (j, i)
        hit = self._pair_cache.get(key)
        if hit is None:
            a, b = self.requests[key[0]], self.requests[key[1]]
            hit = jobs_compatible(a.start, a.end, (a.lat, a.lng), b.start, b.end, (b.lat, b.lng), self.policy)
            self._pair_cache[key] = hit
        return hit

    def conflict_pairs(self, reqs: np.ndarray, *, travel_only: bool = False) -> list[tuple[int, int]]:
        """Pairs (positions into `reqs`) one caregiver cannot do together. Time overlap decides most pairs at
        numpy speed; only pairs separated by less than the longest possible trip need the distance.
        `travel_only` leaves out the pairs that overlap in time (the caller covers those otherwise)."""
        s, e = self.start[reqs], self.end[reqs]
        longest = travel_minutes(self.policy.max_travel_km * 2, self.policy)
        # gap[i, j] = how long after i ends j starts; negative both ways means overlap
        gap = s[None, :] - e[:, None]
        gap_min = np.maximum(gap, gap.T)  # the larger of the two orders is the usable gap
        iu, ju = np.triu_indices(len(reqs), k=1)
        g = gap_min[iu, ju]
        sure = g < 0
        unsure = (g >= 0) & (g < longest)
        out = [] if travel_only else [(int(a), int(b)) for a, b in zip(iu[sure], ju[sure], strict=True)]
        for a, b in zip(iu[unsure], ju[unsure], strict=True):
            if not self.compatible(int(reqs[a]), int(reqs[b])):
                out.append((int(a), int(b)))
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
    c_pos = {c.id: k for k, c in enumerate(cgs)}
    reqs = sorted(requests, key=lambda r: r.id)
    if len({r.id for r in reqs}) != len(reqs) or len(c_pos) != len(cgs):
        raise ValueError("duplicate request or caregiver id")
    prev = previous or {}
    er: list[int] = []
    ec: list[int] = []
    cost: list[float] = []
    km: list[float] = []
    no_edge: dict[int, list[str]] = {}
    for i, r in enumerate(reqs):
        near = index.candidates(r, policy)
        found = False
        for c in near:
            if (r.id, c.id) in forbidden or check(c, r, policy, first_only=True):
                continue
            d = road_km(c.lat, c.lng, r.lat, r.lng, policy)
            er.append(i)
            ec.append(c_pos[c.id])
            cost.append(cost_of(c, r, policy, distance_km=d, previous_caregiver_id=prev.get(r.id)).total)
            km.append(d)
            found = True
        if not found and explain:
            no_edge[i] = _explain_none(r, index.candidates(r, policy, check_window=False), policy)
    return Problem(
        requests=reqs,
        caregivers=cgs,
        policy=policy,
        edge_r=np.asarray(er, dtype=np.int64),
        edge_c=np.asarray(ec, dtype=np.int64),
        edge_cost=np.asarray(cost, dtype=np.float64),
        edge_km=np.asarray(km, dtype=np.float64),
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
