"""Matching benchmark: a province-sized day of home-visit requests in 경기도.

Requests and caregivers are placed on real geography: each 읍면동 of 경기도 is drawn in proportion to its
0–5-year-old population (주민등록 인구, 2026-06) and placed around its centroid (통계청 SGIS via
vuski/admdongkor), both from the bundled files in data/regions/. Reports, as JSON, for the engine's batch
mode, a greedy first-come baseline and the exact optimum (one integer program over the whole day): fill
rate, total travel distance, run time; and the latency of ranking candidates for single urgent requests.

    .venv/bin/python bench/matching.py [--requests 3000] [--caregivers 2200] [--seed 7] [--exact-time-limit 900]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dolbom.matching.engine import (  # noqa: E402
    Caregiver,
    GridIndex,
    Interval,
    MatchingPolicy,
    Qualification,
    Request,
    assign_batch,
    assign_exact,
    assign_greedy,
    rank_candidates,
)
from dolbom.matching.engine.constraints import check  # noqa: E402
from dolbom.matching.engine.types import Booked  # noqa: E402

DATA = ROOT / "data" / "regions"
DAY = date(2026, 11, 24)
SERVICES = ["아이돌봄 시간제", "방문형 긴급돌봄", "질병감염아동 돌봄"]
LANGS = ["vi", "zh", "en", "tl", "th"]


def load_dongs(sido_prefix: str = "41") -> list[tuple[str, str, float, float, int]]:
    """(10-digit code, name, lat, lng, population aged 0–5) of every 읍면동 of the 시도 with a centroid."""
    cent_path = DATA / "admin_centroids_10digit.tsv"
    pop_path = DATA / "resident_pop_age0to5_by_admdong_202606.csv"
    if not cent_path.exists() or not pop_path.exists():
        sys.exit(f"missing {cent_path} or {pop_path}: run the regions import that bundles them first")
    by_code: dict[str, tuple[float, float]] = {}
    by_name: dict[str, tuple[float, float]] = {}
    with cent_path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            ll = (float(row["LAT_WGS84"]), float(row["LON_WGS84"]))
            by_code[row["ADMCD"]] = ll
            by_name[_name_key(row["ADMNM"])] = ll
    out = []
    with pop_path.open(encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            m = re.match(r"^(.*?)\s*\((\d{10})\)$", row[0].strip())
            if not m:
                continue
            name, code = m.group(1).strip(), m.group(2)
            if not code.startswith(sido_prefix) or code.endswith("00000"):
                continue  # 시도 / 시군구 totals
            pop = int(row[2].replace(",", ""))
            ll = by_code.get(code) or by_name.get(_name_key(name))
            if ll is None or pop <= 0:
                continue
            out.append((code, name, ll[0], ll[1], pop))
    return out


def _name_key(name: str) -> str:
    """시 + 읍면동, dropping a 구 level, so 2026 화성시 만세구 우정읍 finds the older 화성시 우정읍 centroid."""
    parts = name.split()
    if len(parts) >= 4 and parts[2].endswith("구"):
        parts = parts[:2] + parts[3:]
    return " ".join(parts)


def _jitter(rng: random.Random, lat: float, lng: float, km: float) -> tuple[float, float]:
    return lat + rng.gauss(0, km) / 111.0, lng + rng.gauss(0, km) / 88.0


def generate(n_requests: int, n_caregivers: int, seed: int):
    rng = random.Random(seed)
    dongs = load_dongs()
    weights = [d[4] for d in dongs]
    # 시군구 centroids (mean of their 읍면동) for "neighbouring 시군구 served"
    sgg_pts: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, _n, lat, lng, _p in dongs:
        sgg_pts[code[:5]].append((lat, lng))
    sgg_c = {k: (statistics.fmean(p[0] for p in v), statistics.fmean(p[1] for p in v)) for k, v in sgg_pts.items()}
    t0 = datetime(DAY.year, DAY.month, DAY.day)
    requests = []
    starts = [h * 2 for h in range(7, 21)]  # half-hour index 07:00–20:30
    start_w = [3 if 16 <= s <= 19 else 2 if 26 <= s <= 36 else 1 for s in starts]
    for i in range(n_requests):
        code, _name, lat, lng, _p = rng.choices(dongs, weights)[0]
        lat, lng = _jitter(rng, lat, lng, 0.8)
        s = rng.choices(starts, start_w)[0] + rng.choice([0, 1])
        dur = rng.choice([4, 4, 5, 6, 6, 8])  # half-hours: 2–4 h
        n_child = 1 if rng.random() < 0.8 else 2
        ages = tuple(sorted(rng.randint(3, 144) for _ in range(n_child)))
        needs = set()
        if n_child > 1:
            needs.add("sibling_group")
        svc = rng.choices(SERVICES, [0.75, 0.17, 0.08])[0]
        if svc == "질병감염아동 돌봄":
            needs.add("illness")
        lang = None
        if rng.random() < 0.04:
            lang = rng.choice(LANGS)
            needs.add("language")
        requests.append(
            Request(
                id=f"R{i:05d}",
                family_id=f"F{rng.randrange(n_requests * 2):05d}",
                lat=lat,
                lng=lng,
                region_code=code,
                start=t0 + timedelta(minutes=30 * s),
                end=t0 + timedelta(minutes=30 * (s + dur)),
                children_ages_months=ages,
                needs=frozenset(needs),
                language=lang,
                created_at=t0 - timedelta(hours=24) + timedelta(seconds=rng.randrange(36 * 3600)),
                urgency=1 if svc == "방문형 긴급돌봄" else 0,
                service=svc,
            )
        )
    caregivers = []
    shifts = [(7, 15), (8, 17), (9, 18), (10, 19), (12, 21), (13, 22), (7, 13), (14, 22), (8, 20)]
    for j in range(n_caregivers):
        code, _name, lat, lng, _p = rng.choices(dongs, weights)[0]
        lat, lng = _jitter(rng, lat, lng, 1.0)
        home = code[:5]
        near = sorted(sgg_c, key=lambda k: math.dist(sgg_c[k], sgg_c[home]))
        regions = frozenset([home, *[k for k in near[1:3] if math.dist(sgg_c[k], sgg_c[home]) * 100 < 12]])
        quals = [Qualification("first_aid", DAY + timedelta(days=rng.randint(-60, 700)))]
        if rng.random() < 0.6:
            quals.append(Qualification("infant_care", DAY + timedelta(days=rng.randint(-30, 900))))
        if rng.random() < 0.25:
            quals.append(Qualification("illness_care", DAY + timedelta(days=rng.randint(-30, 900))))
        infant_only = rng.random() < 0.08
        a, b = rng.choice(shifts)
        avail = [Interval(t0 + timedelta(hours=a), t0 + timedelta(hours=b))]
        langs = {"ko"} | ({rng.choice(LANGS)} if rng.random() < 0.06 else set())
        ratings = {f"F{rng.randrange(n_requests * 2):05d}": float(rng.randint(1, 5)) for _ in range(rng.randint(0, 3))}
        booked: tuple[Booked, ...] = ()
        if rng.random() < 0.1:  # an assignment made earlier, e.g. a regular booking
            bs = rng.randint(a, max(a, b - 3))
            booked = (Booked(t0 + timedelta(hours=bs), t0 + timedelta(hours=bs + 2), *_jitter(rng, lat, lng, 2.0)),)
        caregivers.append(
            Caregiver(
                id=f"C{j:05d}",
                lat=lat,
                lng=lng,
                regions=regions,
                qualifications=tuple(quals),
                background_check_expires=DAY + timedelta(days=rng.randint(-20, 1000)),
                languages=frozenset(langs),
                min_child_age_months=0,
                max_child_age_months=36 if infant_only else 155,
                max_children=2 if rng.random() < 0.8 else 1,
                availability=tuple(avail),
                assignments=booked,
                recent_workload_hours=float(rng.randint(0, 50)),
                ratings=ratings,
            )
        )
    return requests, caregivers, len(dongs)


def verify(result, requests, caregivers, policy) -> int:
    """Count violations: double-booked caregivers or assignments breaking a hard constraint."""
    req = {r.id: r for r in requests}
    cg = {c.id: c for c in caregivers}
    jobs: dict[str, list[str]] = defaultdict(list)
    for a in result.assignments:
        jobs[a.caregiver_id].append(a.request_id)
    bad = 0
    for cid, rids in jobs.items():
        for rid in rids:
            others = tuple(Booked(req[o].start, req[o].end, req[o].lat, req[o].lng, o) for o in rids if o != rid)
            if check(cg[cid], req[rid], policy, extra_booked=others):
                bad += 1
    return bad


def summary(name, res, requests, caregivers, policy, seconds, cpu_seconds):
    n = len(requests)
    return {
        "method": res.method,
        "filled": res.filled,
        "fill_rate": round(res.filled / n, 4),
        "total_travel_km": round(res.total_distance_km, 1),
        "mean_travel_km": round(res.total_distance_km / max(1, res.filled), 2),
        "total_cost": round(res.total_cost, 3),
        "run_time_s": round(seconds, 2),
        "cpu_time_s": round(cpu_seconds, 2),
        "proven_optimal": res.proven_optimal,
        "violations": verify(res, requests, caregivers, policy),
        "caregivers_used": len({a.caregiver_id for a in res.assignments}),
        "notes": res.notes[:5],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--caregivers", type=int, default=2200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-travel-km", type=float, default=15.0)
    ap.add_argument("--exact-time-limit", type=float, default=900.0)
    ap.add_argument("--skip-exact", action="store_true")
    ap.add_argument("--latency-samples", type=int, default=300)
    args = ap.parse_args()
    policy = MatchingPolicy(max_travel_km=args.max_travel_km)
    t = time.perf_counter()
    requests, caregivers, n_dongs = generate(args.requests, args.caregivers, args.seed)
    gen_s = time.perf_counter() - t
    out: dict = {
        "instance": {
            "province": "경기도",
            "day": DAY.isoformat(),
            "requests": len(requests),
            "caregivers": len(caregivers),
            "emd_used": n_dongs,
            "requested_hours": round(sum(r.hours for r in requests), 1),
            "available_caregiver_hours": round(
                sum((iv.end - iv.start).total_seconds() / 3600 for c in caregivers for iv in c.availability), 1
            ),
            "max_travel_km": policy.max_travel_km,
            "seed": args.seed,
            "generate_s": round(gen_s, 2),
        }
    }
    index = GridIndex(caregivers)
    t, c = time.perf_counter(), time.process_time()
    engine = assign_batch(requests, index, policy)
    out["engine_batch"] = summary(
        "engine", engine, requests, caregivers, policy, time.perf_counter() - t, time.process_time() - c
    )
    print("engine done", file=sys.stderr, flush=True)
    out["engine_batch"]["build_s"] = round(engine.stats.get("build_s", 0), 2)
    out["engine_batch"]["components"] = engine.stats.get("components")
    ub = int(engine.stats.get("fill_upper_bound", len(requests)))
    out["engine_batch"]["fill_upper_bound"] = ub
    out["engine_batch"]["certified_fill_gap_pct"] = round(100 * (ub - engine.filled) / len(requests), 3)
    t, c = time.perf_counter(), time.process_time()
    greedy = assign_greedy(requests, index, policy)
    out["greedy_first_come"] = summary(
        "greedy", greedy, requests, caregivers, policy, time.perf_counter() - t, time.process_time() - c
    )
    if not args.skip_exact:
        t, c = time.perf_counter(), time.process_time()
        exact = assign_exact(requests, index, policy, time_limit_s=args.exact_time_limit)
        out["exact_optimum"] = summary(
            "exact", exact, requests, caregivers, policy, time.perf_counter() - t, time.process_time() - c
        )
        ex = out["exact_optimum"]
        for k in ("engine_batch", "greedy_first_come"):
            out[k]["fill_gap_vs_exact_pct"] = round(100 * (ex["fill_rate"] - out[k]["fill_rate"]), 3)
            out[k]["cost_gap_vs_exact_pct"] = round(
                100 * (out[k]["total_cost"] - ex["total_cost"]) / max(ex["total_cost"], 1e-9), 2
            )
            out[k]["distance_gap_vs_exact_pct"] = round(
                100 * (out[k]["total_travel_km"] - ex["total_travel_km"]) / max(ex["total_travel_km"], 1e-9), 2
            )
    rng = random.Random(args.seed + 1)
    sample = rng.sample(requests, min(args.latency_samples, len(requests)))
    lat_ms = []
    sizes = []
    for r in sample:
        t = time.perf_counter()
        cands = rank_candidates(r, index, policy, limit=10)
        lat_ms.append((time.perf_counter() - t) * 1000)
        sizes.append(len(cands))
    lat_ms.sort()
    out["urgent_ranking"] = {
        "samples": len(sample),
        "median_ms": round(statistics.median(lat_ms), 2),
        "p95_ms": round(lat_ms[int(0.95 * (len(lat_ms) - 1))], 2),
        "max_ms": round(lat_ms[-1], 2),
        "mean_candidates_returned": round(statistics.fmean(sizes), 1),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
