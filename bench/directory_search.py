"""Directory search benchmark: nearest-20 open facilities among a national-size set (~60,000).

Generates facilities across Korea weighted by the 0–5 population of each 읍면동 (the bundled 주민등록
population file, through the imported regions), placed at the 읍면동 centroid ± a few hundred metres, with
realistic types, ages, capacity/enrolment and weekly hours. Then measures a nearest-20 query with an age
and an open-at filter (weekday day, weekday evening, Saturday morning, a public holiday):

- in-process: `facility_search(...)` (model instances, as the pages use it) and `facility_search_items(...)`
  (the plain rows the API answers with) called directly;
- over HTTP: `GET /api/v1/facilities?...` on gunicorn, one keep-alive client, against a trivial endpoint
  of the same server (`GET /api/hsds/`, no database) and a one-row detail (`GET /api/v1/facilities/{id}`).

    .venv/bin/python bench/directory_search.py                 # SQLite and, if installed, PostgreSQL
    .venv/bin/python bench/directory_search.py --db sqlite --n 60000 --queries 400

Prints JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

OPEN_AT = {
    "weekday_10": "2026-11-24T10:00:00+09:00",
    "weekday_2030": "2026-11-24T20:30:00+09:00",
    "saturday_10": "2026-11-28T10:00:00+09:00",
    "holiday_10": "2026-12-25T10:00:00+09:00",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stats(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    return {
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        "n": len(ms),
    }


def seed(n: int, rng: random.Random) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import F

    from dolbom.directory.importers.formats import assumed_childcare_hours
    from dolbom.directory.models import Facility, FacilityType
    from dolbom.directory.services import facility_hours_sync, facility_types_ensure
    from dolbom.regions.models import Region, RegionPopulation

    started = time.perf_counter()
    if not Region.objects.filter(code="5100000000").exists():
        call_command("import_regions", stdout=open(os.devnull, "w"))
    regions_s = time.perf_counter() - started
    facility_types_ensure()
    types = {t.code: t for t in FacilityType.objects.all()}

    latest: dict[int, int] = {}
    rows = RegionPopulation.objects.filter(region__lat__isnull=False, region__is_active=True).values_list(
        "region_id", "as_of", F("age_0") + F("age_1") + F("age_2") + F("age_3") + F("age_4") + F("age_5")
    )
    newest: dict[int, Any] = {}
    for region_id, as_of, kids in rows:
        if region_id not in newest or as_of > newest[region_id]:
            newest[region_id], latest[region_id] = as_of, kids
    units = {
        r.pk: r
        for r in Region.objects.filter(pk__in=list(latest), level=Region.Level.EUPMYEONDONG).exclude(lat__isnull=True)
    }
    ids = [pk for pk in latest if pk in units and latest[pk] > 0]
    weights = [latest[pk] for pk in ids]
    mix = [
        ("daycare-home", 28), ("daycare-private", 22), ("daycare-public", 15), ("daycare-workplace", 4),
        ("daycare-corporate", 2), ("daycare-welfare", 1), ("daycare-coop", 1), ("local-child-center", 10),
        ("together-care", 5), ("kium", 3), ("shared-room", 4), ("shared-childcare", 3), ("support-center", 1),
        ("hourly-childcare", 1),
    ]  # fmt: skip
    type_codes, type_weights = zip(*mix, strict=True)
    services_pool = [[], [], [], ["night"], ["night"], ["holiday"], ["24h"], ["night", "holiday"]]
    batch: list[Facility] = []
    chosen = rng.choices(ids, weights=weights, k=n)
    with transaction.atomic():
        for i, region_id in enumerate(chosen):
            unit = units[region_id]
            t = types[rng.choices(type_codes, weights=type_weights)[0]]
            if t.category == "childcare":
                services = rng.choice(services_pool)
                hours = assumed_childcare_hours(services)
                lo = rng.choice([0, 0, 0, 12, 24, 36])
                hi = max(lo + 11, rng.choice([23, 35, 71, 71, 71]))
            else:
                services = []
                opens = rng.choice(["09:00", "10:00", "13:00"])
                hours = [{"kind": "regular", "weekdays": [0, 1, 2, 3, 4], "opens": opens, "closes": "19:00"}]
                if rng.random() < 0.3:
                    hours.append({"kind": "regular", "weekdays": [5], "opens": "10:00", "closes": "15:00"})
                lo, hi = t.default_min_age_months, t.default_max_age_months
            capacity = rng.randint(10, 120)
            batch.append(
                Facility(
                    name=f"시험시설 {i}",
                    type=t,
                    region=unit,
                    status="normal" if rng.random() < 0.9 else rng.choice(["closed", "suspended"]),
                    lat=unit.lat + rng.gauss(0, 0.004),
                    lng=unit.lng + rng.gauss(0, 0.005),
                    coord_quality="source",
                    min_age_months=lo,
                    max_age_months=hi,
                    capacity=capacity,
                    enrolment=rng.randint(0, capacity),
                    hours=hours,
                    hours_assumed=t.category == "childcare",
                    services=services,
                    source_format="bench",
                    source_key=f"b{i}",
                )
            )
            if len(batch) >= 2000:
                Facility.objects.bulk_create(batch)
                batch = []
        Facility.objects.bulk_create(batch)
    facility_hours_sync()
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum / a nightly ANALYZE would give
        cursor.execute("ANALYZE")
    points = [(units[pk].lat, units[pk].lng) for pk in rng.choices(ids, weights=weights, k=2000)]
    return {
        "regions_import_s": round(regions_s, 2),
        "seed_s": round(time.perf_counter() - started - regions_s, 2),
        "facilities": Facility.objects.count(),
        "listed": Facility.objects.filter(status__in=Facility.LISTED_STATUSES).count(),
        "points": points,
        "any_id": Facility.objects.filter(status="normal").values_list("pk", flat=True).first(),
    }


def queries(points: list[tuple[float, float]], k: int, rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for i in range(k):
        lat, lng = points[i % len(points)]
        label = list(OPEN_AT)[i % len(OPEN_AT)]
        out.append(
            {
                "lat": round(lat + rng.gauss(0, 0.003), 6),
                "lng": round(lng + rng.gauss(0, 0.003), 6),
                "age_months": rng.choice([8, 20, 30, 44, 60, 90, 110]),
                "open_at": OPEN_AT[label],
                "label": label,
                "limit": 20,
            }
        )
    return out


def in_process(qs: list[dict[str, Any]], *, items: bool = False) -> dict[str, Any]:
    """`facility_search` (model instances, as the pages use it) or, with items, `facility_search_items`
    (the plain rows the API answers with)."""
    import datetime as dt

    from dolbom.directory.selectors import facility_search, facility_search_items

    def run(q: dict[str, Any]) -> int:
        kwargs = {"lat": q["lat"], "lng": q["lng"], "age_months": q["age_months"], "limit": 20}
        at = dt.datetime.fromisoformat(q["open_at"])
        if items:
            return len(facility_search_items(**kwargs, open_at=at).items)
        return len(facility_search(**kwargs, open_at=at).hits)

    for q in qs[:20]:
        run(q)
    by_label: dict[str, list[float]] = {label: [] for label in OPEN_AT}
    found: list[int] = []
    samples = []
    for q in qs:
        t0 = time.perf_counter()
        found.append(run(q))
        elapsed = time.perf_counter() - t0
        samples.append(elapsed)
        by_label[q["label"]].append(elapsed)
    return {
        **_stats(samples),
        "mean_results": round(statistics.fmean(found), 1),
        "by_open_at": {k: _stats(v) for k, v in by_label.items() if v},
    }


def over_http(qs: list[dict[str, Any]], env: dict[str, str], any_id: int, workers: int) -> dict[str, Any]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.time() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/api/hsds/")
                c.getresponse().read()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get(path: str) -> float:
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Accept": "application/json"})
            res = conn.getresponse()
            res.read()
            if res.status != 200:
                raise RuntimeError(f"{path} → {res.status}")
            return time.perf_counter() - t0

        search_paths = ["/api/v1/facilities?" + urlencode({k: v for k, v in q.items() if k != "label"}) for q in qs]
        for path in search_paths[:20]:
            get(path)
        for _ in range(20):
            get("/api/hsds/")
        trivial = [get("/api/hsds/") for _ in range(len(qs))]
        detail = [get(f"/api/v1/facilities/{any_id}") for _ in range(len(qs))]
        search = [get(path) for path in search_paths]
        return {
            "search": _stats(search),
            "trivial_endpoint": _stats(trivial),
            "detail_endpoint": _stats(detail),
            "search_over_trivial_median": round(statistics.median(search) / statistics.median(trivial), 2),
            "gunicorn_workers": workers,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_one(db: str, n: int, k: int, workers: int) -> dict[str, Any]:
    rng = random.Random(20261123)
    stop = None
    workdir = tempfile.mkdtemp(prefix="dolbom-bench-dir-")
    if db == "postgresql":
        import with_postgres

        bindir = with_postgres.find_bindir()
        if bindir is None:
            return {"database": db, "skipped": "PostgreSQL server binaries not found"}
        url, stop = with_postgres.start_cluster(bindir, workdir)
    else:
        url = f"sqlite:///{workdir}/bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "0",
           "DB_CONN_MAX_AGE": "600", "REDIS_URL": ""}  # fmt: skip
    os.environ.update(env)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        import django

        django.setup()
        data = seed(n, rng)
        qs = queries(data.pop("points"), k, rng)
        report: dict[str, Any] = {"database": db, **{k2: v for k2, v in data.items() if k2 != "any_id"}}
        report["in_process"] = in_process(qs)
        report["in_process_items"] = in_process(qs, items=True)
        from django.db import connections

        connections.close_all()
        report["http"] = over_http(qs, env, data["any_id"], workers)
        return report
    finally:
        if stop is not None:
            stop()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=60_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.db != "both":
        print(json.dumps(run_one(args.db, args.n, args.queries, args.workers), ensure_ascii=False, indent=1))
        return
    results = []
    for db in ("sqlite", "postgresql"):
        cmd = [sys.executable, __file__, "--db", db, "--n", str(args.n), "--queries", str(args.queries),
               "--workers", str(args.workers)]  # fmt: skip
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        try:
            results.append(json.loads(out.stdout))
        except json.JSONDecodeError:
            results.append({"database": db, "error": (out.stderr or out.stdout)[-2000:]})
    print(
        json.dumps(
            {"benchmark": "directory_search", "machine_cpus": os.cpu_count(), "results": results},
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
