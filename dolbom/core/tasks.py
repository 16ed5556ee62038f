from celery import shared_task

from .notifications import notification_deliver, notifications_retry_stale


@shared_task(name="core.notification_deliver", acks_late=True)
def notification_deliver_task(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@shared_task(name="core.notifications_retry_stale")
def notifications_retry_stale_task() -> int:
    return notifications_retry_stale()
