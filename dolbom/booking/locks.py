"""Every row lock the booking domain takes is taken here, always in primary-key order.

Capacity is written as lock → count → write inside one transaction (services.py):

* PostgreSQL: ``SELECT ... FOR UPDATE`` on the Slot rows being consumed, ordered by pk so two transactions
  that want overlapping slots queue instead of deadlocking. READ COMMITTED gives each later statement a new
  snapshot, so the count that follows the lock sees every booking committed by the previous lock holder.
* SQLite: the database is configured with ``transaction_mode="IMMEDIATE"`` (config/settings/base.py), so
  every transaction takes the single database write lock at BEGIN: writers are serialised before they
  count, and ``select_for_update`` (a no-op on SQLite) is not needed.

``LOCKING_ENABLED`` and ``race_window`` are test-only hooks: the control twin of the concurrency tests
switches locking off and widens the gap between count and write to prove that the race is real.
"""

from collections.abc import Callable, Iterable

from django.db import connection

from .models import FacilityService, Slot

#: Test-only: False skips the row locks (never in production code paths).
LOCKING_ENABLED = True
#: Test-only: called between the availability count and the write.
race_window: Callable[[], None] | None = None


def slots_lock(*, slot_ids: Iterable[int]) -> list[Slot]:
    """Lock the given slots (pk order) and return them fresh from the database."""
    queryset = Slot.objects.filter(pk__in=sorted(set(slot_ids))).order_by("pk")
    if LOCKING_ENABLED and connection.vendor != "sqlite":
        queryset = queryset.select_for_update()
    return list(queryset)


def children_lock(*, child_ids: Iterable[int]) -> None:
    """Lock the children being booked (taken after the slots, always in that order, so no deadlock)."""
    from dolbom.households.models import Child

    if LOCKING_ENABLED and connection.vendor != "sqlite":
        list(Child.objects.filter(pk__in=sorted(set(child_ids))).order_by("pk").select_for_update().values_list("pk"))


def facility_service_lock(*, facility_service_id: int) -> None:
    """Serialise waiting-list advances of one facility service (one offer round at a time)."""
    if LOCKING_ENABLED and connection.vendor != "sqlite":
        list(FacilityService.objects.filter(pk=facility_service_id).select_for_update().values_list("pk"))


def between_count_and_write() -> None:
    if race_window is not None:
        race_window()
