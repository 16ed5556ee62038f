"""Notification outbox.

`notification_enqueue` writes a row inside the caller's transaction; after commit a task delivers it.
Delivery is idempotent: a row already SENT is never sent again, and a row is claimed (PENDING → SENDING)
before the gateway is called, so two workers cannot both send it. A worker that dies after claiming
leaves the row SENDING; `notifications_retry_stale` hands such rows back after a timeout, and also sends
rows still PENDING whose delivery task was lost (the process died between commit and queueing it).

A worker that dies after the provider accepted the message but before the row was marked SENT cannot be
told apart from one that died before sending, so the retry sends again: delivery to the provider is at
least once. What makes it once for the recipient is the idempotency key, passed unchanged on every attempt:
SMS/알림톡 gateways take it as the client message id and drop a repeat, and e-mail carries it as a stable
Message-ID so a repeat is the same message to the mail system.
"""

import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=10)
#: A PENDING row older than this was never picked up: its delivery task was lost.
LOST_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str
    to_address: str
    subject: str
    body: str
    idempotency_key: str


class MessageGateway(Protocol):
    """SMS / KakaoTalk 알림톡 provider. Real providers implement send() and raise on failure."""

    def send(self, message: OutgoingMessage) -> None: ...


class ConsoleGateway:
    def send(self, message: OutgoingMessage) -> None:
        print(f"[{message.channel}] → {message.to_address}: {message.subject} {message.body}")


class FakeGateway:
    """In-memory gateway for tests; `outbox` collects what would have been sent."""

    outbox: list[OutgoingMessage] = []
    fail_next: int = 0

    def send(self, message: OutgoingMessage) -> None:
        if FakeGateway.fail_next > 0:
            FakeGateway.fail_next -= 1
            raise ConnectionError("fake gateway failure")
        FakeGateway.outbox.append(message)


def _gateway() -> MessageGateway:
    return import_string(settings.NOTIFICATION_SMS_GATEWAY)()


def notification_enqueue(
    *,
    recipient: Any = None,
    channel: str | None = None,
    to_address: str | None = None,
    kind: str,
    subject: str,
    body: str,
    idempotency_key: str,
    payload: dict[str, Any] | None = None,
) -> Notification:
    """Queue a message; the same idempotency_key queues it only once."""
    if recipient is not None and to_address is None:
        if getattr(recipient, "phone", ""):
            channel, to_address = channel or Notification.Channel.SMS, recipient.phone
        else:
            channel, to_address = channel or Notification.Channel.EMAIL, recipient.email
    notification, created = Notification.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "recipient": recipient,
            "channel": channel or Notification.Channel.CONSOLE,
            "to_address": to_address or "",
            "kind": kind,
            "subject": subject,
            "body": body,
            "payload": payload or {},
        },
    )
    if created:
        transaction.on_commit(lambda: _deliver_after_commit(notification.pk))
    return notification


# When delivery is triggered (not how): with a broker (USE_CELERY) the Celery task is queued after commit.
# Without one, Celery runs tasks eagerly, which would make the request that wrote the row wait for the
# gateway; instead one background thread of this process delivers it just after the commit, and the response
# does not wait. A row whose thread never ran (the process was killed) stays PENDING and
# `notifications_retry_stale` sends it. NOTIFICATIONS_DELIVER_INLINE=True (the test settings) delivers in the
# caller, right after the commit, as before. SQLite (the demo database) allows one writer at a time, so a
# background writer would only contend with the request's next transaction ("database is locked"): there the
# delivery also runs in the caller.
_background: tuple[int, Any] | None = None


def _deliver_after_commit(notification_id: int) -> None:
    from django.db import connection

    from .tasks import notification_deliver_task

    inline = getattr(settings, "NOTIFICATIONS_DELIVER_INLINE", False) or connection.vendor == "sqlite"
    if settings.USE_CELERY or inline:
        notification_deliver_task.delay(notification_id)
        return
    global _background
    if _background is None or _background[0] != os.getpid():  # none yet, or inherited through a fork
        _background = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="dolbom-notify"))
    _background[1].submit(_deliver_in_background, notification_id)


def _deliver_in_background(notification_id: int) -> None:
    from django.db import connections

    try:
        notification_deliver(notification_id=notification_id)
    except Exception:  # never let a delivery error kill the worker thread; the row is retried by the sweep
        logger.exception("notification %s: background delivery failed", notification_id)
    finally:
        connections.close_all()  # this thread's own connections only


def notifications_flush(timeout: float = 30.0) -> None:
    """Wait until this process's background deliveries queued so far are done (tests, commands, shutdown)."""
    if _background is not None and _background[0] == os.getpid():
        _background[1].submit(lambda: None).result(timeout=timeout)


def _claim(notification_id: int) -> Notification | None:
    with transaction.atomic():
        claimed = Notification.objects.filter(
            pk=notification_id, status__in=[Notification.Status.PENDING, Notification.Status.FAILED]
        ).update(status=Notification.Status.SENDING, updated_at=timezone.now())
        if not claimed:
            return None
        return Notification.objects.get(pk=notification_id)


def _send_email(notification: Notification) -> None:
    from django.core.mail import EmailMessage

    digest = hashlib.sha256(notification.idempotency_key.encode("utf-8")).hexdigest()[:32]
    domain = (settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "dolbom.local")[:100]
    EmailMessage(
        notification.subject,
        notification.body,
        None,
        [notification.to_address],
        headers={"Message-ID": f"<{digest}@{domain}>"},
    ).send()


def notification_deliver(*, notification_id: int) -> bool:
    """Send one outbox row. Returns True when it is (or already was) sent."""
    notification = _claim(notification_id)
    if notification is None:
        return Notification.objects.filter(pk=notification_id, status=Notification.Status.SENT).exists()
    message = OutgoingMessage(
        channel=notification.channel,
        to_address=notification.to_address,
        subject=notification.subject,
        body=notification.body,
        idempotency_key=notification.idempotency_key,
    )
    try:
        if notification.channel == Notification.Channel.EMAIL:
            _send_email(notification)
        else:
            _gateway().send(message)
    except Exception as exc:  # any provider failure: record it and retry later
        logger.warning("notification %s failed: %s", notification.pk, exc)
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED, attempts=notification.attempts + 1, last_error=str(exc)[:2000]
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, attempts=notification.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return True


def notifications_retry_stale(*, now: Any = None) -> int:
    """Deliver rows that failed or whose worker died mid-delivery. Returns how many were retried."""
    now = now or timezone.now()
    stale = Notification.objects.filter(status=Notification.Status.SENDING, updated_at__lt=now - STALE_AFTER)
    # A died attempt counts as an attempt, so a message that kills its worker every time stops being retried.
    stale.update(status=Notification.Status.FAILED, attempts=F("attempts") + 1, last_error="worker died mid-delivery")
    retried = 0
    due = Q(status=Notification.Status.FAILED) | Q(status=Notification.Status.PENDING, created_at__lt=now - LOST_AFTER)
    for pk in Notification.objects.filter(due, attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True):
        notification_deliver(notification_id=pk)
        retried += 1
    return retried
