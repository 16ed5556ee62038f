"""The database drops every connection during a load (as in a restart or failover): clients see 503 in the
error shape (a Korean page for pages), never a 500 or a stack trace, and the service recovers by itself.

gunicorn keeps persistent connections (DB_CONN_MAX_AGE=600, CONN_HEALTH_CHECKS on), which is what a restart
breaks; the test terminates every server backend of the test database (pg_terminate_backend, exactly what a
client sees when PostgreSQL restarts under it) again and again while API and page requests run, then stops
and requires every following request to succeed without restarting anything. PostgreSQL only.
"""

import json
import random
import threading
import time

import pytest
from django.db import connection

from .live import Client, Server, assert_consistent, booking_world, family_requests

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server shared with gunicorn"),
    pytest.mark.django_db(transaction=True),
]

ERROR_KEYS = {"code", "message", "detail"}


def _terminate_server_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return int(cursor.fetchone()[0])


def _check(status: int, body: bytes, path: str) -> str | None:
    """None if the answer is acceptable during an outage, else why not."""
    text = body.decode("utf-8", "replace")
    if "Traceback" in text or 'File "/' in text:
        return f"{path}: stack trace in a {status}"
    if status in (200, 201, 409):
        return None
    if status == 503:
        if path.startswith("/api/"):
            payload = json.loads(body)
            if set(payload) != ERROR_KEYS or payload["code"] != "service_unavailable":
                return f"{path}: 503 not in the error shape: {text[:200]}"
        elif "일시적으로 서비스를 이용할 수 없습니다" not in text:
            return f"{path}: 503 page without the Korean message"
        return None
    return f"{path}: unexpected {status}: {text[:300]}"


def _run_fault_under_load(regions, facility_x, fault) -> dict[int, int]:
    """Serve, load, inject `fault()` (returns when the fault is over), stop the load, check, check recovery."""
    world = booking_world(region=regions["jangan"], facility=facility_x, families=6, slots=24, capacity=4)
    server = Server(workers=2, conn_max_age=600)
    stop, lock = threading.Event(), threading.Lock()
    seen: dict[int, int] = {}
    problems: list[str] = []
    booked: set[int] = set()

    def load(family, seed: int) -> None:
        rng = random.Random(seed)
        client = Client(server.port, family.token)
        while not stop.is_set():
            for method, path, body in family_requests(world, family, rng):
                status, payload = client.call(method, path, body)
                with lock:
                    seen[status] = seen.get(status, 0) + 1
                    if status == 201:
                        booked.add(json.loads(payload)["id"])
                    elif status and (why := _check(status, payload, path)):
                        problems.append(why)

    threads = [threading.Thread(target=load, args=(f, i)) for i, f in enumerate(world.families)]
    try:
        server.start()
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        fault(seen)
        stop.set()
        for thread in threads:
            thread.join(30)

        # Recovery: the same server, nothing restarted; every request succeeds again.
        failures = []
        for family in world.families:
            client = Client(server.port, family.token)
            for method, path, body in family_requests(world, family, random.Random(7))[1:]:
                status, payload = client.call(method, path, body)
                if status != 200:
                    failures.append((path, status, payload[:200]))
    finally:
        stop.set()
        server.stop()
    print(seen)
    assert seen.get(503, 0) > 0, f"no request was caught by the fault: {seen}"
    assert not problems, problems[:5]
    assert seen.get(0, 0) == 0, "the server itself dropped connections"
    assert not failures, failures
    connection.close()
    assert_consistent(world, confirmed_ids=booked)
    return seen


def test_connections_dropped_under_load_give_503s_then_the_service_recovers(regions, facility_x):
    killed = 0

    def drop_connections(seen) -> None:
        nonlocal killed
        deadline = time.time() + 4
        while time.time() < deadline and (killed < 10 or seen.get(503, 0) == 0):
            killed += _terminate_server_backends()
            time.sleep(0.05)

    _run_fault_under_load(regions, facility_x, drop_connections)
    assert killed >= 10
