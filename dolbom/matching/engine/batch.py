"""Batch mode: assign all open requests of a day at once.

Objective (lexicographic): fill as many requests as possible, then minimise the total soft cost. A caregiver
may take several requests in a day when they do not overlap and leave time to travel between them.

What "optimal" covers, honestly:
- The problem splits into independent components (requests and caregivers linked by eligibility); each is
  solved on its own, which loses nothing.
- Where, for every caregiver of a component, the requests they could take fall into groups of mutually
  exclusive requests with no conflict across groups (typical when services use fixed slots such as 09–13,
  13–18, 18–22), a caregiver-by-slot expansion turns the component into a plain assignment problem, solved
  exactly by scipy's sparse min-weight full bipartite matching.
- Otherwise the component is an integer program: x[request, caregiver] in {0, 1}; each request at most once;
  per caregiver, at most one of each maximal set of time-overlapping requests (exact for interval conflicts)
  and at most one of each pair too close to travel between. One objective does both goals: every fill earns
  M, more than any difference in total cost, so fills come first. Components up to `milp_max_edges` edges
  are solved by HiGHS (scipy.optimize.milp) to a zero gap: proven optimal.
- Larger components (a dense metropolitan area in a province-sized day) get the linear relaxation of that
  program, rounded (LP values then cost, while feasible), repaired (augmenting moves for unfilled requests)
  and improved (cheaper single moves). The LP also gives an upper bound on the fills any solution can
  reach; `stats["fill_upper_bound"]` reports it, so the distance to the optimum fill is known, not hoped.
  `exact=True` solves every component by MILP instead (slower; the benchmark's reference).
- `proven_optimal` is True only when every component was solved by an exact method to completion; notes
  name the components that were not. A time limit that strikes makes a result depend on machine speed;
  without one the result is a function of the input only (inputs are sorted by id first).
The travel model is straight-line distance times a detour factor at a fixed speed; "optimal" is relative
to that model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, linprog, milp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .geo import GridIndex
from .problem import Problem, build_problem, components, longest_trip_minutes
from .types import Assignment, BatchResult, Caregiver, MatchingPolicy, Request


def assign_batch(
    requests: Sequence[Request],
    caregivers: Sequence[Caregiver] | GridIndex,
    policy: MatchingPolicy | None = None,
    *,
    previous: Mapping[str, str] | None = None,
    forbidden: AbstractSet[tuple[str, str]] = frozenset(),
    milp_max_edges: int = 8_000,
    exact: bool = False,
    time_limit_s: float = 300.0,
) -> BatchResult:
    """Assign every open request it can. `previous` (request id -> caregiver id) from an earlier run makes a
    re-run (after supply changed) keep earlier choices when nothing better appears; `forbidden` (request id,
    caregiver id) pairs are never proposed (a declined offer)."""
    policy = policy or MatchingPolicy()
    t0 = time.perf_counter()
    problem = build_problem(requests, caregivers, policy, previous=previous, forbidden=forbidden)
    t_build = time.perf_counter() - t0
    chosen: list[int] = []  # edge indices
    methods: dict[str, int] = {}
    notes: list[str] = []
    proven = True
    bound = 0
    deadline = t0 + time_limit_s
    for k, (reqs, edges) in enumerate(components(problem)):
        limit = max(1.0, deadline - time.perf_counter())
        sol, method, ok, ub = _solve_component(problem, edges, math.inf if exact else milp_max_edges, limit)
        methods[method] = methods.get(method, 0) + 1
        bound += ub
        if not ok:
            proven = False
            notes.append(f"component {k} ({reqs.size} requests, {edges.size} edges): {method}, not proven optimal")
        chosen.extend(sol)
    result = _result(problem, chosen, "+".join(f"{m}×{n}" for m, n in sorted(methods.items())) or "empty", proven)
    result.notes.extend(notes)
    result.stats.update(
        {
            "build_s": t_build,
            "total_s": time.perf_counter() - t0,
            "edges": problem.n_edges,
            "components": sum(methods.values()),
            "fill_upper_bound": bound,
        }
    )
    return result


def _result(problem: Problem, chosen: Sequence[int], method: str, proven: bool) -> BatchResult:
    chosen = sorted(chosen, key=lambda e: int(problem.edge_r[e]))
    assignments = [
        Assignment(
            request_id=problem.requests[int(problem.edge_r[e])].id,
            caregiver_id=problem.caregivers[int(problem.edge_c[e])].id,
            distance_km=float(problem.edge_km[e]),
            cost=float(problem.edge_cost[e]),
        )
        for e in chosen
    ]
    filled = {int(problem.edge_r[e]) for e in chosen}
    n_edges = np.bincount(problem.edge_r, minlength=len(problem.requests)) if problem.n_edges else None
    unfilled: dict[str, list[str]] = {}
    for i, r in enumerate(problem.requests):
        if i in filled:
            continue
        if i in problem.no_edge_reasons:
            unfilled[r.id] = problem.no_edge_reasons[i]
        else:
            n = int(n_edges[i]) if n_edges is not None else 0
            unfilled[r.id] = [
                f"조건을 만족하는 돌보미 {n}명이 모두 다른 요청에 배정됨 (하루 전체 채움을 최대로 한 결과)"
            ]
    return BatchResult(assignments=assignments, unfilled=unfilled, method=method, proven_optimal=proven)


# --- per component -----------------------------------------------------------------------------------------


def _solve_component(
    problem: Problem, edges: np.ndarray, milp_max_edges: float, time_limit_s: float
) -> tuple[list[int], str, bool, int]:
    """(chosen edges, method, proven optimal, upper bound on this component's fills)."""
    slots = _slot_expansion(problem, edges)
    if slots is not None:
        sol = _solve_slots(problem, edges, slots)
        return sol, "slot-assignment", True, len(sol)
    n_req = int(np.unique(problem.edge_r[edges]).size)
    if edges.size <= milp_max_edges:
        sol, ok = solve_milp(problem, edges, time_limit_s=time_limit_s)
        if ok:
            return sol, "milp", True, len(sol)
        alt = solve_lp_round(problem, edges, residual_time_limit_s=max(1.0, time_limit_s / 2))
        if alt is None:
            return _better(problem, sol, solve_heuristic(problem, edges)), "milp-timeout+heuristic", False, n_req
        return _better(problem, sol, alt[0]), "milp-timeout+lp-round", False, alt[1]
    # the residual program gets what is left of the run's time limit (a fixed short one would strike on a
    # busy machine and make the answer depend on the machine's load)
    alt = solve_lp_round(problem, edges, residual_time_limit_s=time_limit_s)
    if alt is None:
        return solve_heuristic(problem, edges), "heuristic", False, n_req
    sol, bound = alt
    if len(sol) >= bound:
        # the LP bound is reached: no other method can fill more, so the heuristic is not worth its time
        return sol, "lp-round", False, bound
    best = _better(problem, sol, solve_heuristic(problem, edges))
    # even when the fills reach the bound, the cost is not proven minimal
    return best, "lp-round" if best is sol else "heuristic", False, bound


def _better(problem: Problem, a: list[int], b: list[int]) -> list[int]:
    ka = (len(a), -float(problem.edge_cost[a].sum()) if a else 0.0)
    kb = (len(b), -float(problem.edge_cost[b].sum()) if b else 0.0)
    return a if ka >= kb else b


def _slot_expansion(problem: Problem, edges: np.ndarray) -> np.ndarray | None:
    """Per edge, the slot (group of mutually exclusive requests) it belongs to for its caregiver, or None when
    some caregiver's conflicts are not a disjoint union of cliques (then slots would be wrong)."""
    slot = np.full(edges.size, -1, dtype=np.int64)
    order = np.lexsort((problem.edge_r[edges], problem.edge_c[edges]))
    ec = problem.edge_c[edges][order]
    bounds = np.flatnonzero(np.diff(ec)) + 1
    for grp in np.split(order, bounds):
        reqs = problem.edge_r[edges[grp]]
        k = reqs.size
        if k == 1:
            slot[grp] = 0
            continue
        conflict = np.zeros((k, k), dtype=bool)
        for a, b in problem.conflict_pairs(reqs):
            conflict[a, b] = conflict[b, a] = True
        np.fill_diagonal(conflict, True)
        label = np.full(k, -1, dtype=np.int64)
        for a in range(k):
            if label[a] >= 0:
                continue
            members = np.flatnonzero(conflict[a])
            # a cluster must be a clique whose members conflict with nothing outside it
            if not conflict[np.ix_(members, members)].all() or (conflict[members].sum(axis=1) != members.size).any():
                return None
            label[members] = a
        slot[grp] = label
    return slot


def _solve_slots(problem: Problem, edges: np.ndarray, slot: np.ndarray) -> list[int]:
    """Exact: each (caregiver, slot) takes at most one request, each request at most one caregiver."""
    r_local, r_idx = np.unique(problem.edge_r[edges], return_inverse=True)
    key = problem.edge_c[edges] * (slot.max() + 1) + slot
    _, col = np.unique(key, return_inverse=True)
    n_r, n_col = r_local.size, int(col.max()) + 1
    # weights are made positive; a request left unfilled uses its own dummy column at a cost larger than any
    # full set of real edges, so the matching maximises fills first, then minimises cost
    w = problem.edge_cost[edges] - problem.edge_cost[edges].min() + 1.0
    big = float(w.max()) * n_r + 1.0
    rows = np.concatenate([r_idx, np.arange(n_r)])
    cols = np.concatenate([col, n_col + np.arange(n_r)])
    data = np.concatenate([w, np.full(n_r, big)])
    m = sparse.csr_matrix((data, (rows, cols)), shape=(n_r, n_col + n_r))
    row_ind, col_ind = min_weight_full_bipartite_matching(m)
    by_rc = {(int(r), int(c)): int(e) for e, r, c in zip(edges, r_idx, col, strict=True)}
    return [by_rc[(int(r), int(c))] for r, c in zip(row_ind, col_ind, strict=True) if c < n_col]


def _caregiver_constraints(problem: Problem, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sets of edge positions (into `edges`) of which at most one may be chosen: per caregiver, each maximal
    set of requests overlapping in time, and each pair that leaves too little time to travel. Returned flat:
    (the positions of every set one after another, the size of each set). Plain lists per caregiver (a few
    dozen requests each) and one array computation for every pair's travel time."""
    er = problem.edge_r[edges]
    order = np.lexsort((problem.start[er], problem.edge_c[edges]))
    bounds = [*(np.flatnonzero(np.diff(problem.edge_c[edges][order])) + 1).tolist(), order.size]
    starts = problem.start[er[order]].tolist()
    ends = problem.end[er[order]].tolist()
    req_of = er[order].tolist()
    longest = longest_trip_minutes(problem.policy)
    cliques: list[list[int]] = []  # positions into `order`
    pairs: list[tuple[int, int]] = []
    owner: list[int] = []  # per clique or pair: its caregiver's group number, to keep rows grouped
    lo = 0
    for g, hi in enumerate(bounds):
        k = hi - lo
        if k >= 2:
            s, e = starts[lo:hi], ends[lo:hi]
            # maximal cliques of an interval graph: at each start, the active set is a clique; keep those
            # followed by an end before the next start (otherwise a later active set contains it)
            last: list[int] | None = None
            for a in range(k):
                t = s[a]
                nxt = s[a + 1] if a + 1 < k else math.inf
                if nxt == t:
                    continue  # the last of equal starts sees the whole active set
                active = [x for x in range(a + 1) if e[x] > t]
                if len(active) >= 2 and min(e[x] for x in active) <= nxt and active != last:
                    cliques.append([lo + x for x in active])
                    owner.append(g)
                    last = active
            # pairs that do not overlap but may be too close to travel between (checked below, at once)
            for a in range(k):
                ea = e[a]
                for b in range(a + 1, k):
                    if s[b] >= ea + longest:
                        break
                    if s[b] >= ea:
                        pairs.append((lo + a, lo + b))
                        owner.append(~g)
        lo = hi
    bad = problem.travel_conflicts([req_of[a] for a, _ in pairs], [req_of[b] for _, b in pairs])
    # rows in a fixed order: per caregiver, its cliques, then its travel pairs; as one flat list of positions
    # (into `order`) and the row sizes, since a province-sized day has hundreds of thousands of rows
    by_group: dict[int, list[list[int]]] = {}
    ci = pi = 0
    for o in owner:
        if o >= 0:
            by_group.setdefault(o, []).append(cliques[ci])
            ci += 1
        else:
            if bad[pi]:
                by_group.setdefault(~o, []).append(list(pairs[pi]))
            pi += 1
    rows = [row for g in sorted(by_group) for row in by_group[g]]
    flat = np.fromiter((x for row in rows for x in row), dtype=np.int64, count=sum(len(r) for r in rows))
    return order[flat] if flat.size else flat, np.asarray([len(r) for r in rows], dtype=np.int64)


def _constraint_matrix(problem: Problem, edges: np.ndarray) -> sparse.csr_matrix:
    """Rows: one per request (at most one caregiver), then the caregiver conflict sets; every row <= 1."""
    n = edges.size
    r_local, r_idx = np.unique(problem.edge_r[edges], return_inverse=True)
    flat, sizes = _caregiver_constraints(problem, edges)
    base = r_local.size
    rows = np.concatenate([r_idx, base + np.repeat(np.arange(sizes.size), sizes)])
    cols = np.concatenate([np.arange(n), flat])
    n_rows = base + sizes.size
    return sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_rows, n))


def _objective(problem: Problem, edges: np.ndarray) -> tuple[np.ndarray, float]:
    """Lexicographic objective as one linear one: each fill earns M, larger than any possible difference in
    total cost (costs are shifted to be >= 0, so a day's total lies in [0, n·spread] < M)."""
    c = problem.edge_cost[edges]
    shifted = c - c.min()
    n_req = np.unique(problem.edge_r[edges]).size
    big = float(shifted.max()) * n_req + 1.0
    return shifted - big, big


def solve_milp(problem: Problem, edges: np.ndarray, *, time_limit_s: float = 60.0) -> tuple[list[int], bool]:
    """Exact integer program on the given edges, solved by HiGHS to a zero gap. Returns (chosen edge indices,
    proven optimal); when the time limit strikes, the best solution found so far and False."""
    n = edges.size
    if n == 0:
        return [], True
    a = _constraint_matrix(problem, edges)
    obj, _ = _objective(problem, edges)
    res = milp(
        obj,
        constraints=[LinearConstraint(a, -np.inf, np.ones(a.shape[0]))],
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), np.ones(n)),
        options={"time_limit": max(0.5, time_limit_s), "mip_rel_gap": 0.0},
    )
    if res.x is None:
        return [], False
    return [int(e) for e in edges[np.flatnonzero(res.x > 0.5)]], res.status == 0


def solve_lp_round(
    problem: Problem, edges: np.ndarray, *, residual_time_limit_s: float = 20.0
) -> tuple[list[int], int] | None:
    """Large components: solve the linear relaxation of the same program, which is integral for most edges in
    practice; keep the edges the LP sets to 1 (they are mutually compatible, since every conflict is a row
    of the program), then solve what is left — the requests not yet covered, with the caregivers' remaining
    room — exactly as a small MILP; finally repair and improve (see `_repair`, `_improve`). Returns (chosen
    edges, an upper bound on the fills any solution can reach), or None when the LP solver fails. The bound
    follows from the objective: M·F − C ≤ LP value with 0 ≤ C < M, so an integer solution fills at most
    ceil(LP fills)."""
    n = edges.size
    if n == 0:
        return [], 0
    a = _constraint_matrix(problem, edges)
    obj, _ = _objective(problem, edges)
    res = linprog(obj, A_ub=a, b_ub=np.ones(a.shape[0]), bounds=(0, 1), method="highs")
    if res.status != 0 or res.x is None:
        return None
    x = res.x
    bound = int(np.ceil(float(x.sum()) - 1e-6))
    by_r = _edges_by_request(problem, edges)
    sched = _Schedules(problem)
    assigned: dict[int, int] = {}
    for pos in np.flatnonzero(x > 1 - 1e-6).tolist():
        e = int(edges[pos])
        r, c = int(problem.edge_r[e]), int(problem.edge_c[e])
        if r not in assigned and sched.fits(c, r):
            assigned[r] = e
            sched.add(c, r)
    residual = np.asarray(
        [e for r, es in by_r.items() if r not in assigned for e in es if sched.fits(int(problem.edge_c[e]), r)],
        dtype=np.int64,
    )
    if residual.size:
        sol, _ok = solve_milp(problem, residual, time_limit_s=residual_time_limit_s)
        if not sol:  # the residual MILP found nothing in time: take the LP's order instead
            keep = np.flatnonzero(x > 1e-6)
            sol = [int(edges[p]) for p in keep[np.lexsort((edges[keep], -np.round(x[keep], 6)))]]
        for e in sol:
            r, c = int(problem.edge_r[e]), int(problem.edge_c[e])
            if r not in assigned and sched.fits(c, r):
                assigned[r] = e
                sched.add(c, r)
    _repair(problem, by_r, sched, assigned)
    _improve(problem, by_r, sched, assigned)
    return sorted(assigned.values()), bound


# --- heuristic fallback, greedy baseline ----------------------------------------------------------------------


class _Schedules:
    """Tentative jobs per caregiver, checked with the problem's pairwise rule."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.jobs: dict[int, list[int]] = {}

    def fits(self, c: int, r: int) -> bool:
        return all(self.p.compatible(r, o) for o in self.jobs.get(c, ()))

    def blockers(self, c: int, r: int) -> list[int]:
        return [o for o in self.jobs.get(c, ()) if not self.p.compatible(r, o)]

    def add(self, c: int, r: int) -> None:
        self.jobs.setdefault(c, []).append(r)

    def remove(self, c: int, r: int) -> None:
        self.jobs[c].remove(r)


def solve_heuristic(problem: Problem, edges: np.ndarray) -> list[int]:
    """Chronological waves (requests that all overlap in time), each solved as an exact min-cost assignment
    against caregivers still free for it, then augmenting repairs for what is left unfilled: give an unfilled
    request to a caregiver after moving that caregiver's one blocking job to another caregiver."""
    p = problem
    by_r = _edges_by_request(p, edges)
    reqs = sorted(by_r, key=lambda i: (p.start[i], p.end[i], i))
    sched = _Schedules(p)
    assigned: dict[int, int] = {}  # request -> edge
    i = 0
    while i < len(reqs):
        wave = [reqs[i]]
        wave_end = p.end[reqs[i]]
        i += 1
        while i < len(reqs) and p.start[reqs[i]] < wave_end:
            wave_end = min(wave_end, p.end[reqs[i]])
            wave.append(reqs[i])
            i += 1
        cand = [(w, e) for w, r in enumerate(wave) for e in by_r[r] if sched.fits(int(p.edge_c[e]), r)]
        if not cand:
            continue
        cols = sorted({int(p.edge_c[e]) for _, e in cand})
        col_of = {c: k for k, c in enumerate(cols)}
        big = float(p.edge_cost[edges].max()) * len(wave) + 10.0
        m = np.zeros((len(wave), len(cols)))
        edge_at: dict[tuple[int, int], int] = {}
        for w, e in cand:
            k = col_of[int(p.edge_c[e])]
            m[w, k] = p.edge_cost[e] - big
            edge_at[(w, k)] = e
        for w, k in zip(*linear_sum_assignment(m), strict=True):
            hit = edge_at.get((int(w), int(k)))
            if hit is not None:
                assigned[wave[int(w)]] = hit
                sched.add(int(p.edge_c[hit]), wave[int(w)])
    _repair(p, by_r, sched, assigned)
    _improve(p, by_r, sched, assigned)
    return sorted(assigned.values())


def _edges_by_request(p: Problem, edges: np.ndarray) -> dict[int, list[int]]:
    """Request -> its edges, cheapest first (ties by caregiver index)."""
    by_r: dict[int, list[int]] = {}
    for pos in np.lexsort((p.edge_c[edges], p.edge_cost[edges], p.edge_r[edges])):
        by_r.setdefault(int(p.edge_r[edges[pos]]), []).append(int(edges[pos]))
    return by_r


def _improve(p: Problem, by_r: dict[int, list[int]], sched: _Schedules, assigned: dict[int, int]) -> None:
    """Move single assignments to a cheaper caregiver who is free for them, until no move helps."""
    for _ in range(10):
        moved = False
        for r in sorted(assigned):
            cur = assigned[r]
            c_cur = int(p.edge_c[cur])
            for e in by_r[r]:
                if p.edge_cost[e] >= p.edge_cost[cur] - 1e-12:
                    break  # cheapest first: nothing cheaper left
                c = int(p.edge_c[e])
                if sched.fits(c, r):
                    sched.remove(c_cur, r)
                    sched.add(c, r)
                    assigned[r] = e
                    moved = True
                    break
        if not moved:
            return


def _repair(p: Problem, by_r: dict[int, list[int]], sched: _Schedules, assigned: dict[int, int]) -> None:
    improved = True
    while improved:
        improved = False
        for r in sorted(set(by_r) - set(assigned), key=lambda i: (p.start[i], i)):
            for e in by_r[r]:
                c = int(p.edge_c[e])
                block = sched.blockers(c, r)
                if not block:
                    assigned[r] = e
                    sched.add(c, r)
                    improved = True
                    break
                if len(block) != 1:
                    continue
                b = block[0]
                sched.remove(c, b)
                moved = next(
                    (e2 for e2 in by_r[b] if int(p.edge_c[e2]) != c and sched.fits(int(p.edge_c[e2]), b)), None
                )
                if moved is None:
                    sched.add(c, b)
                    continue
                sched.add(int(p.edge_c[moved]), b)
                assigned[b] = moved
                sched.add(c, r)
                assigned[r] = e
                improved = True
                break


def assign_greedy(
    requests: Sequence[Request], caregivers: Sequence[Caregiver] | GridIndex, policy: MatchingPolicy | None = None
) -> BatchResult:
    """First-come baseline: requests in the order they arrived (created_at, then id), each given the cheapest
    eligible caregiver still free for it. What a coordinator working a queue by hand would do."""
    policy = policy or MatchingPolicy()
    t0 = time.perf_counter()
    p = build_problem(requests, caregivers, policy)
    by_r: dict[int, list[int]] = {}
    for pos in np.lexsort((p.edge_c, p.edge_cost, p.edge_r)):
        by_r.setdefault(int(p.edge_r[pos]), []).append(int(pos))
    order = sorted(
        range(len(p.requests)), key=lambda i: (p.requests[i].created_at or p.requests[i].start, p.requests[i].id)
    )
    sched = _Schedules(p)
    chosen = []
    for r in order:
        for e in by_r.get(r, ()):
            c = int(p.edge_c[e])
            if sched.fits(c, r):
                sched.add(c, r)
                chosen.append(e)
                break
    res = _result(p, chosen, "greedy-first-come", False)
    res.stats["total_s"] = time.perf_counter() - t0
    return res


def assign_exact(
    requests: Sequence[Request],
    caregivers: Sequence[Caregiver] | GridIndex,
    policy: MatchingPolicy | None = None,
    *,
    time_limit_s: float = 3600.0,
) -> BatchResult:
    """Reference: the whole day as one integer program (no decomposition, no slot shortcut, no rounding),
    solved by HiGHS to a zero gap unless the time limit strikes (then `proven_optimal` is False)."""
    policy = policy or MatchingPolicy()
    t0 = time.perf_counter()
    p = build_problem(requests, caregivers, policy)
    sol, ok = solve_milp(p, np.arange(p.n_edges), time_limit_s=time_limit_s)
    res = _result(p, sol, "exact-milp", ok)
    res.stats["total_s"] = time.perf_counter() - t0
    return res
