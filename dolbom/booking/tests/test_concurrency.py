"""Many clients race for the last places: exactly the capacity is booked.

Each thread has its own database connection (Django opens one per thread). A barrier releases them
together. The control twin switches locking off and widens the count→write gap: on PostgreSQL it must
overbook, which proves the race the locks prevent is real. On SQLite the control twin cannot race,
because every transaction begins IMMEDIATE and takes the database write lock before counting — so it
runs on PostgreSQL only; the real test runs on both.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, close_old_connections, connection

from dolbom.booking import locks
from dolbom.booking.models import Booking, Occupancy, Slot
from dolbom.booking.services import booking_create
from dolbom.core.errors import CapacityExhausted

from .conftest import DAY, at, make_family

CLIENTS = 12
CAPACITY = 3

pytestmark = pytest.mark.django_db(transaction=True)


def _race(fs, regions, *, children_each: int = 1, hours: int = 2) -> tuple[list[str], list[int]]:
    ids = list(
        Slot.objects.filter(
            facility_service=fs, starts_at__gte=at(DAY, 18), starts_at__lt=at(DAY, 18) + timedelta(hours=hours)
        ).values_list("pk", flat=True)
    )
    Slot.objects.filter(pk__in=ids).update(capacity=CAPACITY)
    families = [make_family(f"racer{i}", regions["jangan"], children_each) for i in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(user, children) -> None:
        try:
            barrier.wait()
            for attempt in range(50):
                try:
                    booking_create(actor=user, slot_ids=ids, child_ids=[c.pk for c in children])
                    result = "booked"
                except CapacityExhausted:
                    result = "full"
                except OperationalError:  # SQLite shared-cache "table is locked": a real client retries
                    time.sleep(0.01 * (attempt + 1))
                    continue
                break
            else:
                result = "gave_up"
            with lock:
                outcomes.append(result)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=client, args=family) for family in families]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes, ids


def _max_taken(ids: list[int]) -> int:
    return max(Occupancy.objects.filter(slot_id=pk, active=True).count() for pk in ids)


@pytest.mark.parametrize("window", [0.0, 0.05])
def test_racing_clients_never_overbook(frozen, fs_always, regions, monkeypatch, window):
    # The same widened count→write gap that makes the control twin overbook changes nothing with locks on.
    monkeypatch.setattr(locks, "race_window", lambda: time.sleep(window))
    outcomes, ids = _race(fs_always, regions)
    assert outcomes.count("booked") == CAPACITY
    assert outcomes.count("full") == CLIENTS - CAPACITY
    assert _max_taken(ids) == CAPACITY
    assert Booking.objects.count() == CAPACITY


def test_racing_sibling_bookings_never_split_or_overbook(frozen, fs_always, regions):
    outcomes, ids = _race(fs_always, regions, children_each=2)
    # Capacity 3 fits one pair of siblings (and never half a pair).
    assert outcomes.count("booked") == 1
    assert _max_taken(ids) == 2
    for booking in Booking.objects.all():
        assert Occupancy.objects.filter(booking=booking).count() == 2 * len(ids)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite IMMEDIATE transactions serialise writers")
def test_control_twin_without_locking_overbooks(frozen, fs_always, regions, monkeypatch):
    monkeypatch.setattr(locks, "LOCKING_ENABLED", False)
    monkeypatch.setattr(locks, "race_window", lambda: time.sleep(0.2))
    outcomes, ids = _race(fs_always, regions)
    assert outcomes.count("booked") > CAPACITY
    assert _max_taken(ids) > CAPACITY


def test_same_child_racing_for_six_days_gets_five(frozen, fs_always, regions, monkeypatch):
    """Different days lock different slots; the child's row lock keeps the 5-day run limit under a race."""
    from dolbom.core.errors import NotEligible

    monkeypatch.setattr(locks, "race_window", lambda: time.sleep(0.05))
    frozen.set(at(DAY - timedelta(days=1), 9))
    user, (child,) = make_family("six-days", regions["jangan"])
    day_slots = [
        Slot.objects.get(facility_service=fs_always, starts_at=at(DAY + timedelta(days=d), 10)).pk for d in range(6)
    ]
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    guard = threading.Lock()

    def client(slot_id: int) -> None:
        try:
            barrier.wait()
            for attempt in range(50):
                try:
                    booking_create(actor=user, slot_ids=[slot_id], child_ids=[child.pk])
                    result = "booked"
                except NotEligible as exc:
                    result = exc.code
                except OperationalError:
                    time.sleep(0.01 * (attempt + 1))
                    continue
                break
            with guard:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(pk,)) for pk in day_slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("booked") == 5
    assert outcomes.count("consecutive_day_limit") == 1
