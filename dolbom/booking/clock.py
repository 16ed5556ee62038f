"""The booking domain's clock: one place to read the time, so tests can move it (cut-offs, expiries)."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
