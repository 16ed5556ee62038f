from celery import shared_task

from .services import sla_escalate


@shared_task(name="counselling.sla_escalate")
def sla_escalate_task() -> int:
    """Announce overdue questions and callbacks once each. Overdue itself never depends on this task."""
    return sla_escalate()
