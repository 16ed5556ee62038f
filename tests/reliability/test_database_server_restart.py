"""The PostgreSQL server itself is stopped and started again under load (pg_ctl, fast and immediate modes).

While the database is down, API and page requests keep running against gunicorn: every one gets an answer
within the client's timeout, and that answer is a 503 in the error shape (the Korean 503 page for pages) —
never a 500, never a stack trace, never a hang. Once the server is back, the same gunicorn (not restarted)
answers every request again within a bounded time, every booking answered 201 exists and is whole, and
availability is consistent.

gunicorn's sessions ask for synchronous commits (the test cluster runs with synchronous_commit=off for speed,
which lets an immediate shutdown lose a commit already acknowledged; production runs with it on) and a
connect_timeout, so a database that does not answer cannot hold a worker. PostgreSQL only, and only under
scripts/with_postgres.py, which says where the cluster lives; the cluster is started again in a finally.
"""

from __future__ import annotations

import faulthandler
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.db import connection

from .live import Client, Cluster, Server, assert_consistent, booking_world, family_requests

ERROR_KEYS = {"code", "message", "detail"}
CLIENT_TIMEOUT = 10.0  # no request may take longer than this, outage or not
RECOVERY_BOUND = 3.0  # every request started this long after the server is back must succeed
HARD_LIMIT = 150  # the whole test, whatever happens (dumps the stacks and exits)


@dataclass
class Record:
    started: float
    ended: float
    method: str
    path: str
    status: int  # 0: no answer within the client's timeout, or the connection dropped
    body: bytes


def _answer_problem(record: Record) -> str | None:
    """None if the answer is acceptable at any time (outage or not), else why not."""
    text = record.body.decode("utf-8", "replace")
    where = f"{record.method} {record.path}"
    if record.status == 0:
        return f"{where}: no answer within {CLIENT_TIMEOUT:.0f} s (hung or dropped)"
    if "Traceback" in text or 'File "/' in text:
        return f"{where}: stack trace in a {record.status}"
    if record.status in (200, 201, 409):
        return None
    if record.status == 503:
        if record.path.startswith("/api/"):
            try:
                payload = json.loads(record.body)
            except ValueError:
                return f"{where}: 503 not JSON: {text[:200]}"
            if not isinstance(payload, dict) or set(payload) != ERROR_KEYS or payload["code"] != "service_unavailable":
                return f"{where}: 503 not in the error shape: {text[:200]}"
        elif "일시적으로 서비스를 이용할 수 없습니다" not in text:
            return f"{where}: 503 page without the Korean message"
        return None
    return f"{where}: unexpected {record.status}: {text[:300]}"


def judge(records: list[Record], *, down_at: float, up_at: float, bound: float = RECOVERY_BOUND) -> dict:
    """Every answer acceptable; the outage seen by clients as 503s; every request `bound` s after the restart OK."""
    problems = [why for r in records if (why := _answer_problem(r))]
    during = [r for r in records if r.started >= down_at and r.ended <= up_at]
    after = [r for r in records if r.started >= up_at + bound]
    if not any(r.status == 503 for r in during):
        problems.append(f"no 503 while the database was down ({len(during)} requests then)")
    problems += [
        f"{r.method} {r.path}: {r.status} at +{r.started - up_at:.1f} s after the restart (not recovered)"
        for r in after
        if r.status not in (200, 201, 409)
    ]
    if not after:
        problems.append("no request after the restart")
    late_503 = [r.ended - up_at for r in records if r.status == 503 and r.started >= up_at]
    return {
        "problems": problems,
        "during": len(during),
        "during_503": sum(r.status == 503 for r in during),
        "statuses_during": dict(Counter(r.status for r in during)),
        "after": len(after),
        "recovered_within_s": round(max(late_503, default=0.0), 2),
        "slowest_s": round(max((r.ended - r.started for r in records), default=0.0), 2),
    }


def _restart_under_load(regions, facility_x, *, mode: str, down_for: float = 2.5) -> dict:
    cluster = Cluster()
    world = booking_world(region=regions["jangan"], facility=facility_x, families=6, slots=24, capacity=4)
    server = Server(workers=2, conn_max_age=600)
    options = quote("-c synchronous_commit=on")
    server.env["DATABASE_URL"] += f"?connect_timeout=3&options={options}"
    stop, lock = threading.Event(), threading.Lock()
    records: list[Record] = []
    booked: set[int] = set()

    def load(family, seed: int) -> None:
        rng = random.Random(seed)
        client = Client(server.port, family.token, timeout=CLIENT_TIMEOUT)
        while not stop.is_set():
            for method, path, body in family_requests(world, family, rng, pages=("/care/", "/")):
                started = time.monotonic()
                status, payload = client.call(method, path, body)
                record = Record(started, time.monotonic(), method, path, status, payload)
                with lock:
                    records.append(record)
                    if status == 201:
                        booked.add(json.loads(payload)["id"])
                if stop.is_set():
                    break

    threads = [threading.Thread(target=load, args=(f, i), daemon=True) for i, f in enumerate(world.families)]
    faulthandler.dump_traceback_later(HARD_LIMIT, exit=True)
    try:
        server.start()
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        # This process's own connection would be a dead one after the restart: let it go first.
        connection.close()
        down_at = time.monotonic()
        cluster.stop(mode)
        time.sleep(down_for)
        cluster.start()
        up_at = time.monotonic()
        time.sleep(RECOVERY_BOUND + 2.0)
        stop.set()
        for thread in threads:
            thread.join(CLIENT_TIMEOUT + 5)
        assert not any(t.is_alive() for t in threads), "a load thread did not finish"
    finally:
        stop.set()
        try:
            if not cluster.running():
                cluster.start()
        finally:
            server.stop()
            connection.close()
            faulthandler.cancel_dump_traceback_later()
    with lock:
        verdict = judge(list(records), down_at=down_at, up_at=up_at)
    verdict["requests"] = len(records)
    verdict["bookings_201"] = len(booked)
    print(mode, {k: v for k, v in verdict.items() if k != "problems"})
    assert not verdict["problems"], (verdict["problems"][:8], "gunicorn's log ends with:", server.log_tail(3000))
    assert verdict["during_503"] > 0
    verdict.update(assert_consistent(world, confirmed_ids=booked))
    return verdict


@pytest.mark.parametrize("mode", ["fast", "immediate"])
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server shared with gunicorn")
@pytest.mark.skipif(not Cluster.available(), reason="needs the cluster of scripts/with_postgres.py")
@pytest.mark.django_db(transaction=True)
def test_postgres_restart_under_load_gives_503s_then_the_service_recovers(regions, facility_x, mode):
    verdict = _restart_under_load(regions, facility_x, mode=mode)
    assert verdict["bookings_201"] > 0, "no booking went through before or after the outage"


# The checker itself, on made-up records (runs everywhere): it must catch what the live test is there to catch.

API_503 = json.dumps({"code": "service_unavailable", "message": "일시적으로 이용할 수 없습니다", "detail": {}}).encode()
PAGE_503 = "<h1>일시적으로 서비스를 이용할 수 없습니다</h1>".encode()


def _healthy_run() -> list[Record]:
    return [
        Record(0.5, 0.6, "GET", "/api/v1/care/bookings", 200, b"[]"),
        Record(1.2, 1.3, "POST", "/api/v1/care/bookings", 503, API_503),
        Record(1.4, 1.5, "GET", "/care/", 503, PAGE_503),
        Record(3.1, 3.3, "GET", "/care/", 503, PAGE_503),  # in flight at the restart: allowed
        Record(7.0, 7.1, "POST", "/api/v1/care/bookings", 201, b'{"id": 1}'),
    ]


def test_the_checker_accepts_a_clean_outage():
    verdict = judge(_healthy_run(), down_at=1.0, up_at=3.0)
    assert verdict["problems"] == []
    assert verdict["during_503"] == 2 and verdict["recovered_within_s"] == 0.3


@pytest.mark.parametrize(
    ("bad", "caught"),
    [
        (Record(1.6, 1.7, "GET", "/api/v1/care/bookings", 500, b'{"code": "internal"}'), "unexpected 500"),
        (Record(1.6, 1.7, "GET", "/care/", 500, b'Traceback (most recent call last):\n  File "/x.py"'), "stack trace"),
        (Record(1.6, 11.6, "GET", "/api/v1/care/bookings", 0, b""), "no answer"),
        (Record(1.6, 1.7, "GET", "/api/v1/care/bookings", 503, b"Service Unavailable"), "503 not JSON"),
        (Record(1.6, 1.7, "GET", "/api/v1/care/bookings", 503, b'{"error": "db"}'), "not in the error shape"),
        (Record(1.6, 1.7, "GET", "/care/", 503, b"<h1>Service Unavailable</h1>"), "without the Korean message"),
        (Record(6.5, 6.6, "GET", "/care/", 503, PAGE_503), "not recovered"),
    ],
)
def test_the_checker_catches(bad, caught):
    verdict = judge([*_healthy_run(), bad], down_at=1.0, up_at=3.0)
    assert any(caught in why for why in verdict["problems"]), verdict["problems"]


def test_the_checker_requires_the_outage_to_be_seen_and_recovery_to_be_tried():
    ok_only = [r for r in _healthy_run() if r.status != 503]
    assert any("no 503 while" in why for why in judge(ok_only, down_at=1.0, up_at=3.0)["problems"])
    before_only = [r for r in _healthy_run() if r.started < 5]
    assert any("no request after" in why for why in judge(before_only, down_at=1.0, up_at=3.0)["problems"])
