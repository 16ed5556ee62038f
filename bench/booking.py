"""Booking benchmark on PostgreSQL: N client processes race over HTTP for M places; never an overbooking.

Starts a throw-away PostgreSQL cluster (scripts/with_postgres.py), migrates, seeds K one-hour slots with
`capacity` places each (M = K × capacity) and N families with one child and a bearer token each, then
serves the app with gunicorn on 127.0.0.1. Every client walks the slots in the same order (the worst
case: all clients fight over the same slot at the same moment) and POSTs /api/v1/care/bookings for each.

Then the same database runs the equivalent raw SQL transaction (lock the slot row, count occupancy and
unexpired holds, insert booking + child + occupancy rows, commit) from N psycopg processes over a second
set of K slots: the physical limit of the database for this transaction at this concurrency.

Prints JSON: bookings/s, requests/s, p50/p95 latency, overbookings (must be 0) and errors for both, and the
ratio of the app's booking throughput to the raw SQL throughput.

    .venv/bin/python bench/booking.py [--clients 16] [--slots 60] [--capacity 4] [--workers 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import with_postgres  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def seed(*, clients: int, slots: int, capacity: int) -> dict[str, Any]:
    """Two identical facility services (one for HTTP, one for raw SQL) and N families with tokens."""
    from django.utils import timezone

    from dolbom.accounts.models import ApiToken, User
    from dolbom.booking.models import CareService, FacilityService, ServiceParticipation, Slot
    from dolbom.directory.models import Facility
    from dolbom.households.models import Child, Household
    from dolbom.regions.models import Region

    gyeonggi, _ = Region.objects.get_or_create(
        code="4100000000", defaults={"level": "sido", "name": "경기도", "full_name": "경기도", "sido_code": "41"}
    )
    suwon, _ = Region.objects.get_or_create(
        code="4111000000",
        defaults={"level": "sigungu", "name": "수원시", "full_name": "경기도 수원시", "parent": gyeonggi,
                  "sido_code": "41", "sgg_code": "41110"},
    )  # fmt: skip
    service, _ = CareService.objects.update_or_create(
        code="bench-care",
        defaults={"name": "벤치마크 돌봄", "age_min_months": 0, "age_max_months": 155, "advance_days": 30,
                  "hourly_fee": 3000, "min_hours": 1, "hold_minutes": 10},
    )  # fmt: skip
    ServiceParticipation.objects.get_or_create(service=service, region_prefix="41", starts_on=None)
    tz = timezone.get_current_timezone()
    tomorrow = timezone.localdate() + timedelta(days=1)
    first = timezone.make_aware(datetime(tomorrow.year, tomorrow.month, tomorrow.day), tz)
    slot_sets = []
    # The raw SQL run books the same children, so its slots come after the HTTP run's (no overlap).
    for offset, name in ((0, "HTTP 벤치 시설"), (slots, "SQL 벤치 시설")):
        facility = Facility.objects.create(name=name, region=suwon)
        fs = FacilityService.objects.create(facility=facility, service=service, default_capacity=capacity)
        created = Slot.objects.bulk_create(
            [
                Slot(
                    facility_service=fs,
                    starts_at=first + timedelta(hours=offset + i),
                    ends_at=first + timedelta(hours=offset + i + 1),
                    capacity=capacity,
                )
                for i in range(slots)
            ]
        )
        slot_sets.append({"facility_service_id": fs.pk, "slot_ids": [s.pk for s in created]})
    families = []
    for i in range(clients):
        user = User.objects.create_user(
            username=f"bench{i}", email=f"bench{i}@bench.invalid", password=None, role="citizen"
        )
        household = Household.objects.create(guardian=user, home_region=suwon)
        child = Child.objects.create(household=household, name=f"아이{i}", birth_date=tomorrow - timedelta(days=800))
        _, key = ApiToken.issue(user=user, name="bench")
        families.append({"token": key, "child_id": child.pk, "household_id": household.pk, "user_id": user.pk})
    return {"http": slot_sets[0], "raw": slot_sets[1], "families": families}


# ------------------------------------------------------------------ HTTP clients


def http_client(port: int, token: str, child_id: int, slot_ids: list[int], barrier: Any, out: Any) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies, codes = [], {}
    barrier.wait()
    for slot_id in slot_ids:
        body = json.dumps({"slot_ids": [slot_id], "child_ids": [child_id]})
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/care/bookings", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
            code = "booked" if status == 201 else json.loads(payload).get("code", str(status))
        except (OSError, http.client.HTTPException, ValueError) as exc:
            code = f"transport:{type(exc).__name__}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies.append(time.perf_counter() - started)
        codes[code] = codes.get(code, 0) + 1
    out.put({"latencies": latencies, "codes": codes})


# ------------------------------------------------------------------ raw SQL clients


def raw_client(url: str, family: dict, slot_ids: list[int], barrier: Any, out: Any) -> None:
    import psycopg

    conn = psycopg.connect(url.replace("postgres://", "postgresql://"))
    latencies, codes = [], {}
    barrier.wait()
    for slot_id in slot_ids:
        started = time.perf_counter()
        try:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(
                    "SELECT capacity, starts_at, ends_at, facility_service_id FROM booking_slot"
                    " WHERE id = %s FOR UPDATE",
                    (slot_id,),
                )
                capacity, starts_at, ends_at, fs_id = cur.fetchone()  # type: ignore[misc]
                cur.execute(
                    "SELECT (SELECT count(*) FROM booking_occupancy WHERE slot_id = %s AND active)"
                    " + (SELECT count(*) FROM booking_holditem WHERE slot_id = %s AND expires_at > now())",
                    (slot_id, slot_id),
                )
                taken = cur.fetchone()[0]  # type: ignore[index]
                if taken >= capacity:
                    code = "capacity_exhausted"
                else:
                    cur.execute(
                        "INSERT INTO booking_booking (created_at, updated_at, household_id, facility_service_id,"
                        " status, starts_at, ends_at, fee, fee_exemption, created_by_id, note)"
                        " VALUES (now(), now(), %s, %s, 'confirmed', %s, %s, 3000, '', %s, '') RETURNING id",
                        (family["household_id"], fs_id, starts_at, ends_at, family["user_id"]),
                    )
                    booking_id = cur.fetchone()[0]  # type: ignore[index]
                    cur.execute(
                        "INSERT INTO booking_bookingchild (booking_id, child_id) VALUES (%s, %s)",
                        (booking_id, family["child_id"]),
                    )
                    cur.execute(
                        "INSERT INTO booking_occupancy (booking_id, slot_id, child_id, starts_at, active)"
                        " VALUES (%s, %s, %s, %s, true)",
                        (booking_id, slot_id, family["child_id"], starts_at),
                    )
                    code = "booked"
        except psycopg.Error as exc:
            code = f"db:{type(exc).__name__}"
        latencies.append(time.perf_counter() - started)
        codes[code] = codes.get(code, 0) + 1
    conn.close()
    out.put({"latencies": latencies, "codes": codes})


# ------------------------------------------------------------------ running and reporting


def race(target: Any, args_per_client: list[tuple]) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(len(args_per_client) + 1)
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, out)) for args in args_per_client]
    for proc in procs:
        proc.start()
    barrier.wait()
    started = time.perf_counter()
    results = [out.get(timeout=900) for _ in procs]
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join()
    latencies = sorted(x for r in results for x in r["latencies"])
    codes: dict[str, int] = {}
    for r in results:
        for code, n in r["codes"].items():
            codes[code] = codes.get(code, 0) + n
    booked = codes.get("booked", 0)
    errors = sum(n for code, n in codes.items() if code not in ("booked", "capacity_exhausted"))
    return {
        "seconds": round(elapsed, 3),
        "requests": len(latencies),
        "bookings": booked,
        "refused_full": codes.get("capacity_exhausted", 0),
        "errors": errors,
        "codes": codes,
        "bookings_per_s": round(booked / elapsed, 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 2),
    }


def overbookings(slot_ids: list[int]) -> dict[str, int]:
    from django.db.models import Count, Q

    from dolbom.booking.models import Slot

    rows = Slot.objects.filter(pk__in=slot_ids).annotate(taken=Count("occupancies", filter=Q(occupancies__active=True)))
    over = sum(max(0, r.taken - r.capacity) for r in rows)
    return {"overbookings": over, "places_filled": sum(r.taken for r in rows)}


def wait_http(port: int, deadline: float) -> None:
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/care/services")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--slots", type=int, default=60)
    parser.add_argument("--capacity", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--order",
        choices=["same", "shuffled"],
        default="same",
        help="same: every client walks the slots in the same order (all fight for one slot at a time); "
        "shuffled: each client in its own random order (contention spread over the slots)",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    load_before = [round(x, 2) for x in os.getloadavg()]
    bindir = with_postgres.find_bindir()
    if bindir is None:
        print(json.dumps({"skipped": "PostgreSQL server binaries not found"}))
        return 0
    workdir = tempfile.mkdtemp(prefix="dolbom-bench-pg-")
    stop = None
    gunicorn = None
    try:
        url, stop = with_postgres.start_cluster(bindir, workdir)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "0",
               "DB_CONN_MAX_AGE": "600", "REDIS_URL": ""}  # fmt: skip
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        _setup_django(url)
        data = seed(clients=args.clients, slots=args.slots, capacity=args.capacity)
        from django.db import connections

        connections.close_all()  # no inherited connection in forked clients

        port = _free_port()
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--worker-class", "sync", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_http(port, time.time() + 60)
        families = data["families"]
        rng = random.Random(args.seed)
        orders = [rng.sample(range(args.slots), args.slots) for _ in families]
        if args.order == "same":
            orders = [list(range(args.slots)) for _ in families]
        http_slots, raw_slots = data["http"]["slot_ids"], data["raw"]["slot_ids"]
        http_args = [
            (port, f["token"], f["child_id"], [http_slots[i] for i in o]) for f, o in zip(families, orders, strict=True)
        ]
        http_result = race(http_client, http_args)
        http_result.update(overbookings(data["http"]["slot_ids"]))
        connections.close_all()
        raw_result = race(
            raw_client, [(url, f, [raw_slots[i] for i in o]) for f, o in zip(families, orders, strict=True)]
        )
        raw_result.update(overbookings(data["raw"]["slot_ids"]))
        connections.close_all()
        report = {
            "benchmark": "booking",
            "database": "postgresql",
            "machine_cpus": os.cpu_count(),
            "clients": args.clients,
            "gunicorn_workers": args.workers,
            "slots": args.slots,
            "capacity_per_slot": args.capacity,
            "order": args.order,
            "load_average_before": load_before,
            "places": args.slots * args.capacity,
            "http": http_result,
            "raw_sql": raw_result,
            "ratio_bookings_per_s_http_to_raw": round(http_result["bookings_per_s"] / raw_result["bookings_per_s"], 3)
            if raw_result["bookings_per_s"]
            else None,
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        ok = http_result["overbookings"] == 0 and raw_result["overbookings"] == 0
        ok = ok and http_result["places_filled"] == report["places"] and http_result["errors"] == 0
        return 0 if ok else 1
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(30)
        if stop is not None:
            stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
