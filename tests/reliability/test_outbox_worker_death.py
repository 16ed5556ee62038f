"""An outbox entry reaches its recipient exactly once even when a worker dies mid-delivery.

The delivery backend here behaves like a real SMS/알림톡 provider: it records every call it receives and
delivers a message to the phone once per idempotency key (the client message id). A worker "dies" by
raising a BaseException from inside the send — after the provider accepted the message and before the row
is marked SENT — which no `except Exception` in the outbox can swallow, just as SIGKILL leaves the row
behind. The sweep (`notifications_retry_stale`, run by celery beat) then finishes the job. On PostgreSQL
the last test does it for real: a worker process is SIGKILLed after the provider accepted the message.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from dolbom.core import notifications
from dolbom.core.models import Notification
from dolbom.core.notifications import (
    LOST_AFTER,
    MAX_ATTEMPTS,
    STALE_AFTER,
    notification_deliver,
    notification_enqueue,
    notifications_retry_stale,
)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the worker handles it."""


class IdempotentProvider:
    calls: list[str] = []  # idempotency keys of every request the provider received
    delivered: dict[str, list[str]] = {}  # phone → bodies that reached it
    die_after_accepting = 0

    def send(self, message: notifications.OutgoingMessage) -> None:
        IdempotentProvider.calls.append(message.idempotency_key)
        if message.idempotency_key not in IdempotentProvider.calls[:-1]:
            IdempotentProvider.delivered.setdefault(message.to_address, []).append(message.body)
        if IdempotentProvider.die_after_accepting > 0:
            IdempotentProvider.die_after_accepting -= 1
            raise WorkerKilled


PROVIDER = f"{__name__}.IdempotentProvider"


@pytest.fixture
def provider():
    IdempotentProvider.calls = []
    IdempotentProvider.delivered = {}
    IdempotentProvider.die_after_accepting = 0
    with override_settings(NOTIFICATION_SMS_GATEWAY=PROVIDER):
        yield IdempotentProvider


@pytest.fixture
def parent(db):
    from tests.factories import UserFactory

    return UserFactory(username="outbox-parent", role="citizen", phone="01055556666")


def _enqueue(parent, key: str = "booking-1-created") -> Notification:
    return notification_enqueue(recipient=parent, kind="booking", subject="예약", body="예약이 확정되었습니다.",
                                idempotency_key=key)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_worker_dying_between_send_and_mark_delivers_once(provider, parent):
    provider.die_after_accepting = 1
    with pytest.raises(WorkerKilled):
        _enqueue(parent)  # eager task: the "worker" dies inside the after-commit delivery
    row = Notification.objects.get()
    assert row.status == Notification.Status.SENDING and row.sent_at is None
    assert provider.calls == ["booking-1-created"]

    # Another worker running now must not touch a row that may still be in flight.
    assert notifications_retry_stale() == 0
    assert notification_deliver(notification_id=row.pk) is False
    assert len(provider.calls) == 1

    # After the timeout the sweep sends again, with the same key; the provider drops the repeat.
    assert notifications_retry_stale(now=timezone.now() + STALE_AFTER + timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 2
    assert provider.calls == ["booking-1-created", "booking-1-created"]
    assert provider.delivered == {"01055556666": ["예약이 확정되었습니다."]}
    # A later sweep leaves a SENT row alone.
    assert notifications_retry_stale(now=timezone.now() + 2 * STALE_AFTER) == 0
    assert len(provider.calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_row_whose_delivery_task_was_lost_is_still_sent(provider, parent, monkeypatch):
    # The web process died between the commit and queueing the task (or the broker dropped it).
    from dolbom.core import tasks

    monkeypatch.setattr(tasks.notification_deliver_task, "delay", lambda *a, **k: None)
    row = _enqueue(parent, key="lost-task")
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.PENDING
    assert notifications_retry_stale() == 0  # too young: its task may simply not have run yet
    assert notifications_retry_stale(now=timezone.now() + LOST_AFTER + timedelta(seconds=1)) == 1
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.SENT
    assert provider.delivered == {"01055556666": ["예약이 확정되었습니다."]}


@pytest.mark.django_db(transaction=True)
def test_a_message_that_kills_every_worker_stops_being_retried(provider, parent):
    provider.die_after_accepting = 100
    with pytest.raises(WorkerKilled):
        _enqueue(parent, key="poison")
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS + 2):
        later += STALE_AFTER + timedelta(seconds=1)
        try:
            notifications_retry_stale(now=later)
        except WorkerKilled:
            # The sweep's own claim is fresh; age it as if this worker died too.
            Notification.objects.filter(idempotency_key="poison").update(updated_at=later)
    row = Notification.objects.get(idempotency_key="poison")
    assert row.attempts >= MAX_ATTEMPTS and row.status != Notification.Status.SENT
    assert len(provider.calls) <= MAX_ATTEMPTS
    assert provider.delivered == {"01055556666": ["예약이 확정되었습니다."]}


@pytest.mark.django_db(transaction=True)
def test_email_retries_carry_the_same_message_id(parent):
    parent.phone = ""
    parent.email = "family@example.kr"
    parent.save()
    row = _enqueue(parent, key="mail-1")
    # Simulate a worker that died after the mail left: the row is handed back and sent again.
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.FAILED)
    notification_deliver(notification_id=row.pk)
    assert len(mail.outbox) == 2
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert len(ids) == 1 and next(iter(ids)).endswith(">")


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker is another process: it needs the PostgreSQL test database",
)
@pytest.mark.django_db(transaction=True)
def test_worker_process_sigkilled_after_sending_delivers_once(parent, tmp_path, monkeypatch):
    import os
    import signal
    import subprocess
    import sys
    import time

    from dolbom.core import tasks

    from .live import ROOT, database_url

    log = tmp_path / "provider.log"
    monkeypatch.setattr(tasks.notification_deliver_task, "delay", lambda *a, **k: None)  # no in-process delivery
    row = _enqueue(parent, key="booking-7-created")
    worker = (
        "import django, sys; django.setup();"
        "from django.conf import settings; settings.NOTIFICATION_SMS_GATEWAY = sys.argv[1];"
        "from dolbom.core.notifications import notification_deliver;"
        "notification_deliver(notification_id=int(sys.argv[2]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
           "DOLBOM_PROVIDER_LOG": str(log), "DOLBOM_PROVIDER_HANG": "1"}  # fmt: skip
    provider = "tests.reliability.file_provider.FileProvider"
    proc = subprocess.Popen([sys.executable, "-c", worker, provider, str(row.pk)], cwd=ROOT, env=env)
    try:
        deadline = time.time() + 30
        while time.time() < deadline and not (log.exists() and "call" in log.read_text()):
            time.sleep(0.05)
        assert log.exists(), "the worker never reached the provider"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENDING and row.sent_at is None  # died before marking

    monkeypatch.setenv("DOLBOM_PROVIDER_LOG", str(log))
    monkeypatch.delenv("DOLBOM_PROVIDER_HANG", raising=False)
    with override_settings(NOTIFICATION_SMS_GATEWAY=provider):
        assert notifications_retry_stale(now=timezone.now() + STALE_AFTER + timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    lines = log.read_text().splitlines()
    assert lines.count("call booking-7-created") == 2  # sent twice to the provider (at least once)...
    assert lines.count("deliver booking-7-created") == 1  # ...and received once
