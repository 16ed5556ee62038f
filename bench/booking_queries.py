"""Database round trips of one booking over the API, on a throw-away PostgreSQL.

Seeds what bench/booking.py seeds (one family, one child, N one-hour slots of one place), then books the slots
one by one through the API in this process (Django's test client, bearer token, no Redis as in the embedded
default) and records every SQL statement each request sends, BEGIN/COMMIT/SAVEPOINT included. Background
notification deliveries (after the response) run on their own thread and connection, so they are not counted.

Prints JSON: statements per booking (median), the statements of one booking in order (shortened), the
median in-process time per booking, and the median CPU time of the request's own thread (steadier than wall
time on a busy machine; a delivery made inside the request counts, one made after it on its thread does not).

    .venv/bin/python bench/booking_queries.py [--bookings 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import with_postgres  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=30)
    args = parser.parse_args()
    load_before = os.getloadavg()
    bindir = with_postgres.find_bindir()
    if bindir is None:
        print(json.dumps({"skipped": "PostgreSQL server binaries not found"}))
        return 0
    workdir = tempfile.mkdtemp(prefix="dolbom-bench-pg-")
    stop = None
    try:
        url, stop = with_postgres.start_cluster(bindir, workdir)
        os.environ.update(
            {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "0", "REDIS_URL": "",
             "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
             "NOTIFICATION_SMS_GATEWAY": "dolbom.core.notifications.FakeGateway"}
        )  # fmt: skip
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
        import django

        django.setup()
        import booking as bench  # bench/booking.py
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        try:
            from dolbom.core.notifications import notifications_flush
        except ImportError:  # a tree from before deliveries left the request: they run inline

            def notifications_flush() -> None:
                pass

        data = bench.seed(clients=1, slots=args.bookings, capacity=1)
        family = data["families"][0]
        client = Client(HTTP_AUTHORIZATION=f"Bearer {family['token']}")
        counts, times, cpu, sample = [], [], [], []
        for slot_id in data["http"]["slot_ids"]:
            body = json.dumps({"slot_ids": [slot_id], "child_ids": [family["child_id"]]})
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.thread_time()
                response = client.post("/api/v1/care/bookings", data=body, content_type="application/json")
                times.append(time.perf_counter() - started)
                cpu.append(time.thread_time() - started_cpu)
            if response.status_code != 201:
                raise RuntimeError(response.content)
            counts.append(len(queries.captured_queries))
            sample = [q["sql"][:90] for q in queries.captured_queries]
            notifications_flush()  # measure each request alone, not beside the previous one's delivery
        print(
            json.dumps(
                {
                    "benchmark": "booking_queries",
                    "database": "postgresql",
                    "bookings": len(counts),
                    "statements_per_booking": statistics.median(counts),
                    "median_ms_in_process": round(statistics.median(times) * 1000, 2),
                    "median_cpu_ms_request_thread": round(statistics.median(cpu) * 1000, 2),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "statements_of_one_booking": sample,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    finally:
        if stop is not None:
            from django.db import connections

            connections.close_all()
            stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
