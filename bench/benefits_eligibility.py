"""Eligibility engine benchmark: the whole catalogue for one household, and a batch of synthetic households.

Pure Python, no database: the encoded programmes plus the 365 복지로 information entries, each household
answered as of 2026-11-23 with its future changes (the timeline) and this year's total, exactly as the check
API computes them. Households are synthetic and seeded: 0–4 children aged 0–13, a quarter expecting (1–3
fetuses), half with an income band, a mix of regions with and without local programmes.

    .venv/bin/python bench/benefits_eligibility.py [--n 100000] [--sample 5000] [--seed 7]
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dolbom.benefits.eligibility import (  # noqa: E402
    Engine,
    Household,
    information_specs,
    load_programme_specs,
    year_total,
)
from dolbom.benefits.eligibility.synthetic import synthetic_household  # noqa: E402

AS_OF = date(2026, 11, 23)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="batch size")
    parser.add_argument("--sample", type=int, default=5000, help="households timed one by one")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    records = json.loads((ROOT / "data" / "benefits" / "welfare_central_services_bokjiro_365.json").read_text("utf-8"))
    specs = load_programme_specs()
    skip = {i for s in specs for i in s.external_ids}
    t0 = time.perf_counter()
    engine = Engine(specs + information_specs(records, skip_ids=skip))
    build_ms = (time.perf_counter() - t0) * 1000

    rng = random.Random(args.seed)
    sample = [synthetic_household(rng, AS_OF) for _ in range(args.sample)]
    batch = [synthetic_household(rng, AS_OF) for _ in range(args.n)]

    def answer(hh: Household) -> int:
        results = engine.check(hh)
        year_total(results, hh.as_of)
        return len(results)

    for hh in sample[:200]:  # warm caches
        answer(hh)
    gc.disable()
    latencies = []
    cpu = []
    answers = 0
    for hh in sample:
        t, c = time.perf_counter(), time.thread_time()
        answers += answer(hh)
        cpu.append((time.thread_time() - c) * 1e6)
        latencies.append((time.perf_counter() - t) * 1e6)
    latencies.sort()
    cpu.sort()

    statuses = {"eligible": 0, "ineligible": 0, "unknown": 0}
    t, c = time.perf_counter(), time.thread_time()
    for hh in batch:
        for r in engine.check(hh):
            statuses[r.answer.status] += 1
    batch_s = time.perf_counter() - t
    batch_cpu_s = time.thread_time() - c

    # decisions only (status, amount, reasons, missing; no timeline of future changes)
    t, c = time.perf_counter(), time.thread_time()
    for hh in batch:
        engine.check(hh, changes=False)
    decide_s = time.perf_counter() - t
    decide_cpu_s = time.thread_time() - c
    gc.enable()

    def pct(p: float, values: list[float] = latencies) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 1)

    try:
        load = [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        load = []

    print(
        json.dumps(
            {
                "benchmark": "benefits_eligibility",
                "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
                "catalogue": {
                    "programmes": len(engine.specs),
                    "encoded_rules": sum(1 for s in engine.specs if s.rule != "information"),
                },
                "load_average_at_end": load,
                "note": "wall-clock figures include time the process waited for a CPU on a shared machine; "
                "cpu figures are this thread's own CPU time",
                "engine_build_ms": round(build_ms, 1),
                "per_household_us": {
                    "households": len(sample),
                    "median": round(statistics.median(latencies), 1),
                    "p95": pct(0.95),
                    "p99": pct(0.99),
                    "max": round(latencies[-1], 1),
                    "cpu_median": round(statistics.median(cpu), 1),
                    "cpu_p95": pct(0.95, cpu),
                    "cpu_p99": pct(0.99, cpu),
                    "mean_answers_per_household": round(answers / len(sample), 1),
                    "includes": "every programme of the region with reasons, per-child detail, dated future changes "
                    "and this year's total",
                },
                "batch_decisions_only": {
                    "households": len(batch),
                    "seconds": round(decide_s, 2),
                    "households_per_second": round(len(batch) / decide_s),
                    "cpu_us_per_household": round(decide_cpu_s / len(batch) * 1e6, 1),
                    "households_per_cpu_second": round(len(batch) / decide_cpu_s),
                },
                "batch_full_answer": {
                    "households": len(batch),
                    "seconds": round(batch_s, 2),
                    "households_per_second": round(len(batch) / batch_s),
                    "cpu_seconds": round(batch_cpu_s, 2),
                    "households_per_cpu_second": round(len(batch) / batch_cpu_s),
                    "answers_by_status": statuses,
                },
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
