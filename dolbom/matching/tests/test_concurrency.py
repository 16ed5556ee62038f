"""Coordinators racing to confirm overlapping visits of one caregiver: exactly one is accepted.

Each thread has its own database connection; a barrier releases them together. The control twin switches
the caregiver lock off and widens the check→write gap: on PostgreSQL it must double-book, which proves the
race the lock prevents is real. On SQLite writers are serialised by IMMEDIATE transactions, so the control
twin runs on PostgreSQL only; the real test runs on both.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, close_old_connections, connection

from dolbom.core.errors import Conflict
from dolbom.households.models import Child, Household
from dolbom.matching import locks
from dolbom.matching.models import VisitAssignment
from dolbom.matching.services import visit_assignment_confirm
from tests.factories import UserFactory

from .test_services import make_caregiver, make_request

CLIENTS = 6

pytestmark = pytest.mark.django_db(transaction=True)


def _race(regions) -> list[str]:
    coordinator = UserFactory(username="coord-race", role="coordinator", scope_region=regions["suwon"])
    guardian = UserFactory(username="race-parent", role="citizen")
    household = Household.objects.create(guardian=guardian, home_region=regions["jangan"])
    Child.objects.create(household=household, name="첫째", birth_date=dt.date(2025, 5, 1))
    caregiver = make_caregiver(regions)
    proposals = []
    for k in range(CLIENTS):
        req = make_request(household, regions, guardian, start=9 + 0.25 * k, end=12 + 0.25 * k)
        proposals.append(
            VisitAssignment.objects.create(
                request=req, caregiver=caregiver, starts_at=req.starts_at, ends_at=req.ends_at
            )
        )
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[str] = []
    guard = threading.Lock()

    def client(assignment) -> None:
        try:
            barrier.wait()
            for attempt in range(50):
                try:
                    visit_assignment_confirm(assignment=assignment, actor=coordinator)
                    result = "accepted"
                except Conflict:
                    result = "busy"
                except OperationalError:  # SQLite "database is locked": a real client retries
                    time.sleep(0.01 * (attempt + 1))
                    continue
                break
            else:
                result = "gave_up"
            with guard:
                outcomes.append(result)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=client, args=(a,)) for a in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_racing_confirmations_never_double_book(regions, monkeypatch):
    monkeypatch.setattr(locks, "race_window", lambda: time.sleep(0.05))
    outcomes = _race(regions)
    assert outcomes.count("accepted") == 1
    assert outcomes.count("busy") == CLIENTS - 1
    assert VisitAssignment.objects.filter(status="accepted").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite IMMEDIATE transactions serialise writers")
def test_control_twin_without_locking_double_books(regions, monkeypatch):
    monkeypatch.setattr(locks, "LOCKING_ENABLED", False)
    monkeypatch.setattr(locks, "race_window", lambda: time.sleep(0.2))
    outcomes = _race(regions)
    assert outcomes.count("accepted") > 1
    assert VisitAssignment.objects.filter(status="accepted").count() > 1
