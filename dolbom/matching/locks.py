"""Every row lock the matching domain takes is taken here.

Confirming an assignment is lock → count → write in one transaction (services.py): the caregiver's row is
locked (``SELECT ... FOR UPDATE`` on PostgreSQL), then their accepted assignments are checked for a clash,
then the assignment is accepted. Two coordinators confirming two overlapping visits of one caregiver at
the same moment therefore queue on the caregiver row, and the second sees the first's acceptance. On
SQLite every transaction begins IMMEDIATE (config/settings/base.py), which serialises writers anyway.

``LOCKING_ENABLED`` and ``race_window`` are test-only hooks for the control twin of the concurrency test.
"""

from collections.abc import Callable

from django.db import connection

from .models import Caregiver

#: Test-only: False skips the row lock (never in production code paths).
LOCKING_ENABLED = True
#: Test-only: called between the clash check and the write.
race_window: Callable[[], None] | None = None


def caregiver_lock(*, caregiver_id: int) -> None:
    if LOCKING_ENABLED and connection.vendor != "sqlite":
        list(Caregiver.objects.filter(pk=caregiver_id).select_for_update().values_list("pk"))


def between_check_and_write() -> None:
    if race_window is not None:
        race_window()
