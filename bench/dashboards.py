"""Dashboard benchmark: officials' figures over a province-sized year of activity on PostgreSQL.

Starts a throw-away PostgreSQL cluster (scripts/with_postgres.py), migrates, imports the real regions and
generates one year of activity in every 경기 시·군 with the demo generator (dolbom/operations/demo.py):
facilities offering the two 경기 facility services with hourly slots, bookings with their one-hour occupancy
rows (a million by default), ratings, and home visits. Then measures, after ANALYZE:

- `dashboard_tables(...)` (every table of /console/dashboards/) for the province official and a city official,
  and each figure alone for the province;
- the whole page `/console/dashboards/` in-process through Django's test client: the process's first request,
  the XLSX export right after it, repeated views (figures are cached until any record they read changes) and
  views with the cache emptied before each (a running server's first view of the figures);
- a provider's own figures (`facility_figures`).

    .venv/bin/python bench/dashboards.py                       # ~1,000,000 occupancy rows
    .venv/bin/python bench/dashboards.py --per-sgg 1 --bookings-per-day 3   # a quick run
    .venv/bin/python bench/dashboards.py --database-url postgres://…/dolbom    # a database generated before

With --database-url nothing is generated: the database (one this benchmark generated and kept, for instance) is
migrated to the current schema, its summaries rebuilt, and the same figures measured.

Prints JSON (sizes, generation time, latencies in milliseconds: min and median of --repeat runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import with_postgres  # noqa: E402


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def _timed(fn: Any, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return {"min_ms": round(min(runs), 1), "median_ms": round(statistics.median(runs), 1)}


def generate(
    *, year: int, per_sgg: int, bookings_per_day: float, visits_per_day: float, families: int
) -> dict[str, Any]:
    import random

    from dolbom.booking.demo import services_seed
    from dolbom.booking.models import CareService
    from dolbom.operations import demo
    from dolbom.regions.importer import import_regions
    from dolbom.regions.models import Region

    import_regions()
    services_seed()
    sgg = {
        r.code[:5]: r
        for r in Region.objects.filter(
            code__startswith="41", level=Region.Level.SIGUNGU, is_active=True, code__endswith="000000"
        )
    }
    # 시 with 구 appear once (수원시 41110, not 41111); 31 시·군
    sgg = {code: r for code, r in sgg.items() if code[4] == "0"}
    gen = demo.Generator(start=date(year, 1, 1), end=date(year, 12, 31), seed=11)
    gen.families(sgg, per_sgg=families)
    rng = random.Random(5)
    offers = []
    services = {s.code: s for s in CareService.objects.filter(code__in=["gg-always-daycare", "gg-school-emergency"])}
    for code in services:
        offers += [
            (fs, c, bookings_per_day)
            for fs, c, _ in demo._demo_facilities(sgg, services[code], list(sgg), per_sgg, rng, 6)
        ]
    counts = gen.facility_activity(offers)
    counts.update(gen.visits(sgg, per_day=visits_per_day))
    counts["facility_services"] = len(offers)
    counts["municipalities"] = len(sgg)
    return counts


def measure(*, year: int, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from dolbom.accounts.models import User
    from dolbom.booking.models import Booking, FacilityService, Occupancy, Slot
    from dolbom.matching.models import VisitRequest
    from dolbom.operations import statistics as st
    from dolbom.regions.models import Region
    from tests.factories import UserFactory

    province = User.objects.filter(username="bench-province").first() or UserFactory(
        username="bench-province", role="province_official", scope_region=Region.objects.get(code="4100000000")
    )
    city = User.objects.filter(username="bench-city").first() or UserFactory(
        username="bench-city", role="city_official", scope_region=Region.objects.get(code="4111000000")
    )
    period = st.Period(start=date(year, 1, 1), end=date(year, 12, 31))
    p_scope = st.Scope.of(user=province, period=period)
    c_scope = st.Scope.of(user=city, period=period)
    out: dict[str, Any] = {
        "rows": {
            "bookings": Booking.objects.count(),
            "occupancy": Occupancy.objects.count(),
            "slots": Slot.objects.count(),
            "visits": VisitRequest.objects.count(),
        }
    }
    from dolbom.operations import summaries

    t = time.perf_counter()
    rebuilt = summaries.summaries_rebuild()
    out["summaries_rebuild"] = {"days": rebuilt["days"], "ms": round((time.perf_counter() - t) * 1000)}
    from dolbom.operations.models import DailyChildUse, DailyFillSummary, DailyServiceSummary

    out["rows"].update(
        {
            "summary_service_days": DailyServiceSummary.objects.count(),
            "summary_fill_hours": DailyFillSummary.objects.count(),
            "summary_child_days": DailyChildUse.objects.count(),
        }
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # first computation (nothing cached): from the summaries, including the freshness check before reading
    out["province_all_tables"] = _timed(lambda: st.dashboard_tables(scope=p_scope), repeat)
    out["city_all_tables"] = _timed(lambda: st.dashboard_tables(scope=c_scope), repeat)
    # the same figures from the records alone (how they were computed before the summaries)
    out["province_all_tables_live"] = _timed(lambda: st.dashboard_tables(scope=p_scope, live=True), 2)
    out["city_all_tables_live"] = _timed(lambda: st.dashboard_tables(scope=c_scope, live=True), 2)
    live = st.dashboard_tables(scope=p_scope, live=True)
    summed = st.dashboard_tables(scope=p_scope)
    out["summary_equals_live"] = all(summed[k].rows == live[k].rows for k in live if k != "waiting")
    out["freshness_check_nothing_new"] = _timed(summaries.summaries_refresh, repeat)
    out["periodic_refresh_nothing_new"] = _timed(lambda: summaries.summaries_refresh(thorough=True), repeat)
    # one booking's status changes through an audited path: the next reading recomputes its day
    from dolbom.core.audit import audit_log

    b = Booking.objects.filter(status="attended").order_by("pk").first()

    def change_and_read() -> None:
        to = "no_show" if Booking.objects.get(pk=b.pk).status == "attended" else "attended"
        Booking.objects.filter(pk=b.pk).update(status=to)
        audit_log(actor=None, action=f"booking.{to}", obj=b, after={"status": to})
        st.dashboard_tables(scope=p_scope)

    out["province_all_tables_after_one_change"] = _timed(change_and_read, repeat)
    parts = {
        "service_municipality_table": lambda: st.service_municipality_table(scope=p_scope),
        "unique_children": lambda: st.unique_children(scope=p_scope),
        "satisfaction": lambda: st.satisfaction(scope=p_scope),
        "waiting_times": lambda: st.waiting_times(scope=p_scope),
        "fill_rates": lambda: st.fill_rates(scope=p_scope),
        "monthly": lambda: st.monthly(scope=p_scope),
        "unmet_requests": lambda: st.unmet_requests(scope=p_scope),
        "supply_demand": lambda: st.supply_demand(user=province),
        "monitoring": lambda: st.monitoring(user=province, today=date(year, 12, 31)),
    }
    out["province_parts"] = {name: _timed(fn, repeat) for name, fn in parts.items()}
    client = Client()
    client.force_login(province)
    q = {"start": period.start.isoformat(), "end": period.end.isoformat()}

    def page() -> None:
        assert client.get("/console/dashboards/", q).status_code == 200

    def xlsx() -> None:
        assert client.get("/console/dashboards/export.xlsx", q).status_code == 200

    from django.core.cache import cache

    cache.clear()
    # the process's first request also loads templates, URL patterns and translation catalogues
    out["province_page_first_view_new_process"] = _timed(page, 1)
    out["province_xlsx_export_after_page"] = _timed(xlsx, 1)
    out["province_page_repeat_views"] = _timed(page, repeat)

    def uncached_page() -> None:
        cache.clear()
        page()

    # a running server's first view of the figures: nothing cached, the process warm
    out["province_page_uncached_view"] = _timed(uncached_page, repeat)
    out["data_version_check"] = _timed(st.data_version, repeat)
    fs = FacilityService.objects.order_by("pk").first()
    if fs is not None:
        out["provider_facility_figures"] = _timed(
            lambda: st.facility_figures(facility_id=fs.facility_id, period=period), repeat
        )
    table = st.service_municipality_table(scope=p_scope)
    out["province_totals"] = {
        "uses": sum(r["uses"] for r in table),
        "unique_children": st.unique_children(scope=p_scope),
        "child_hours": round(sum(r["child_hours"] for r in table)),
    }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--per-sgg", type=int, default=2, help="facilities per 시·군 and service")
    parser.add_argument("--bookings-per-day", type=float, default=6.0, help="per facility service")
    parser.add_argument("--visits-per-day", type=float, default=110.0, help="province-wide (about 40,000 a year)")
    parser.add_argument("--families", type=int, default=2500, help="households per 시·군")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="measure this existing database (no cluster, no generation)")
    args = parser.parse_args()

    if args.database_url:
        import subprocess

        env = {**os.environ, "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        env["DEBUG"] = "0"
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        _setup_django(args.database_url)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        result = {
            "database": connection.vendor,
            "machine": {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()]},
            "generated": None,
            **measure(year=args.year, repeat=args.repeat),
            "load_after": [round(x, 2) for x in os.getloadavg()],
        }
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return 0

    bindir = with_postgres.find_bindir()
    if bindir is None:
        print(json.dumps({"skipped": "PostgreSQL server binaries not found"}))
        return 0
    import subprocess

    workdir = tempfile.mkdtemp(prefix="dolbom-bench-dash-")
    stop = None
    try:
        url, stop = with_postgres.start_cluster(bindir, workdir)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "0"}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        _setup_django(url)
        from django.db import connection

        t = time.perf_counter()
        sizes = generate(
            year=args.year,
            per_sgg=args.per_sgg,
            bookings_per_day=args.bookings_per_day,
            visits_per_day=args.visits_per_day,
            families=args.families,
        )
        generation_s = round(time.perf_counter() - t, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        result = {
            "database": "postgresql",
            "machine": {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()]},
            "generated": sizes,
            "generation_s": generation_s,
            **measure(year=args.year, repeat=args.repeat),
        }
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    finally:
        if stop is not None:
            from django.db import connections

            connections.close_all()
            stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
