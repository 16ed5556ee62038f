"""A real gunicorn serving the test database, and a booking world for it, for the PostgreSQL fault tests.

The test's own data must be committed (transactional tests) for the server's processes to see it.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Server:
    """gunicorn in its own process group, so SIGKILL takes the master and every worker at once, mid-request.

    Its stderr goes to a file, not a pipe: nobody reads a pipe while the load runs, and once the 64 KiB pipe
    buffer is full of error logs (an outage logs every 503) every worker blocks in its next log write.
    """

    def __init__(self, *, workers: int = 2, conn_max_age: int = 600):
        self.port = free_port()
        self.workers = workers
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
                    "DB_CONN_MAX_AGE": str(conn_max_age), "REDIS_URL": "", "DEBUG": "0"}  # fmt: skip
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    def log_tail(self, chars: int = 2000) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-chars:]

    def start(self, timeout: float = 30) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync", "--log-level", "error", "--timeout", "30"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True,
        )  # fmt: skip
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/v1/care/services")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class Cluster:
    """The PostgreSQL server the tests run on, stopped and started for real (pg_ctl).

    scripts/with_postgres.py exports where it lives (DOLBOM_PG_BINDIR, _DATA, _OPTIONS, _LOG). pg_ctl runs as
    the owner of the data directory ('nobody' when the tests run as root). It is always given a log file and
    no pipe of ours: without -l the postmaster it forks would inherit our stdout and a captured run would wait
    for that pipe to close, that is, forever.
    """

    ENV = ("DOLBOM_PG_BINDIR", "DOLBOM_PG_DATA", "DOLBOM_PG_OPTIONS", "DOLBOM_PG_LOG")

    def __init__(self) -> None:
        self.bindir, self.data, self.options, self.log = (os.environ[name] for name in self.ENV)

    @classmethod
    def available(cls) -> bool:
        return all(os.environ.get(name) for name in cls.ENV)

    def _pg_ctl(self, *args: str, timeout: float = 45) -> subprocess.CompletedProcess:
        owner = os.stat(self.data)

        def demote() -> None:
            if os.geteuid() == 0:
                os.setgid(owner.st_gid)
                os.setuid(owner.st_uid)

        with open(os.devnull, "rb") as devnull, open(self.log + ".pg_ctl", "ab") as out:
            return subprocess.run(
                [f"{self.bindir}/pg_ctl", "-D", self.data, *args], stdin=devnull, stdout=out, stderr=out,
                preexec_fn=demote, cwd=os.path.dirname(self.data), timeout=timeout, check=False,
            )  # fmt: skip

    def running(self) -> bool:
        return self._pg_ctl("status", timeout=10).returncode == 0

    def stop(self, mode: str = "fast") -> None:
        result = self._pg_ctl("stop", "-m", mode, "-w", "-t", "30")
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl stop -m {mode} failed ({result.returncode})")

    def start(self) -> None:
        result = self._pg_ctl("start", "-w", "-t", "30", "-l", self.log, "-o", self.options)
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed ({result.returncode}), see {self.log}")


@dataclass
class Family:
    token: str
    child_ids: list[int]


@dataclass
class World:
    service_code: str
    facility_id: int
    slot_ids: list[int]
    capacity: int
    families: list[Family] = field(default_factory=list)


def family_requests(
    world: World, family: Family, rng: Any, *, pages: tuple[str, ...] = ("/care/",)
) -> list[tuple[str, str, Any]]:
    """One family's round under load: book a random slot, list its bookings, read tomorrow's slots, open pages."""
    from django.utils import timezone

    start = rng.randrange(len(world.slot_ids) - 1)
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    booking = {"slot_ids": world.slot_ids[start : start + 1], "child_ids": family.child_ids}
    return [
        ("POST", "/api/v1/care/bookings", booking),
        ("GET", "/api/v1/care/bookings", None),
        ("GET", f"/api/v1/care/slots?facility={world.facility_id}&service={world.service_code}&date={day}", None),
        *(("GET", page, None) for page in pages),
    ]


def booking_world(*, region, facility, families: int, slots: int, capacity: int) -> World:
    """Tomorrow's hours at one facility, and families (one or two children each) holding API tokens."""
    from django.utils import timezone

    from dolbom.accounts.models import ApiToken
    from dolbom.booking.models import CareService, FacilityService, ServiceParticipation, Slot
    from dolbom.households.models import Child, Household
    from tests.factories import UserFactory

    service = CareService.objects.create(code="fault-care", name="장애 시험 돌봄", advance_days=30, hourly_fee=3000,
                                         min_hours=1, hold_minutes=10)  # fmt: skip
    ServiceParticipation.objects.create(service=service, region_prefix=region.code[:2])
    fs = FacilityService.objects.create(facility=facility, service=service, default_capacity=capacity)
    tomorrow = timezone.localdate() + timedelta(days=1)
    first = timezone.make_aware(datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8))
    created = Slot.objects.bulk_create(
        [Slot(facility_service=fs, starts_at=first + timedelta(hours=i), ends_at=first + timedelta(hours=i + 1),
              capacity=capacity) for i in range(slots)]
    )  # fmt: skip
    world = World(service_code=service.code, facility_id=facility.pk, slot_ids=[s.pk for s in created],
                  capacity=capacity)  # fmt: skip
    for i in range(families):
        user = UserFactory(username=f"fault-family-{i}", role="citizen")
        household = Household.objects.create(guardian=user, home_region=region)
        born = tomorrow - timedelta(days=900)
        kids = [Child.objects.create(household=household, name=f"c{i}-{k}", birth_date=born) for k in range(1 + i % 2)]
        _, key = ApiToken.issue(user=user, name="fault")
        world.families.append(Family(token=key, child_ids=[c.pk for c in kids]))
    return world


class Client:
    """One HTTP/1.1 connection; a transport error (server killed, refused while down) reconnects."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 20):
        self.port = port
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        """(status, body), or (0, b"") when the connection failed and the outcome is unknown."""
        try:
            self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            return 0, b""


def assert_consistent(world: World, *, confirmed_ids: set[int]) -> dict[str, int]:
    """Every booking answered 201 exists; none is half-written; availability equals capacity minus rows."""
    from django.db.models import Count, Q

    from dolbom.booking.models import Booking, BookingChild, Hold, HoldItem, Occupancy, Slot
    from dolbom.booking.selectors import availability
    from dolbom.core.models import AuditEntry, Notification

    bookings = {b.pk: b for b in Booking.objects.all()}
    missing = confirmed_ids - set(bookings)
    assert not missing, f"answered 201 but not in the database: {sorted(missing)}"
    for booking in bookings.values():
        children = set(BookingChild.objects.filter(booking=booking).values_list("child_id", flat=True))
        occupancy = list(Occupancy.objects.filter(booking=booking))
        hours = int((booking.ends_at - booking.starts_at).total_seconds() // 3600)
        assert children, f"booking {booking.pk} has no children"
        assert len(occupancy) == len(children) * hours, f"booking {booking.pk} half-written"
        assert {o.child_id for o in occupancy} == children
        assert all(o.active == booking.is_active for o in occupancy)
        assert AuditEntry.objects.filter(action="booking.create", object_id=str(booking.pk)).exists()
        key = f"booking-{booking.pk}-created"
        assert Notification.objects.filter(idempotency_key=key).exists(), f"booking {booking.pk}: no outbox entry"
    for hold in Hold.objects.annotate(n=Count("items")):
        assert hold.n > 0, f"hold {hold.pk} has no items"
    now = datetime.now().astimezone()
    taken = availability(slot_ids=world.slot_ids, now=now)
    rows = Slot.objects.filter(pk__in=world.slot_ids).annotate(
        occ=Count("occupancies", filter=Q(occupancies__active=True), distinct=True)
    )
    for slot in rows:
        held = HoldItem.objects.filter(slot=slot, expires_at__gt=now).count()
        assert taken[slot.pk] == slot.occ + held
        assert slot.occ + held <= slot.capacity, f"slot {slot.pk} overbooked"
    return {"bookings": len(bookings), "places_filled": sum(r.occ for r in rows)}
