from celery import shared_task
from django.utils import timezone

from .alerts import benefit_alerts_send


@shared_task(name="benefits.alerts_daily")
def benefit_alerts_daily_task() -> int:
    """Daily: alert opted-in guardians about benefit changes their children reached (idempotent, catches up)."""
    return benefit_alerts_send(today=timezone.localdate())
