"""When delivery is triggered: without a broker, after the commit on a background thread (the request does not
wait for the gateway); in the test settings, inline after the commit; never before the commit."""

import threading

import pytest
from django.db import connection, transaction

from dolbom.core import notifications
from dolbom.core.models import Notification
from dolbom.core.notifications import FakeGateway, notification_enqueue, notifications_flush


@pytest.fixture
def gateway_threads(monkeypatch):
    """Record which thread the gateway was called from."""
    seen: list[str] = []
    original = FakeGateway.send

    def send(self, message):
        seen.append(threading.current_thread().name)
        return original(self, message)

    monkeypatch.setattr(FakeGateway, "send", send)
    FakeGateway.outbox = []
    return seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite has one writer: delivery stays in the caller")
def test_without_a_broker_delivery_runs_after_commit_on_a_background_thread(settings, gateway_threads):
    settings.USE_CELERY = False
    settings.NOTIFICATIONS_DELIVER_INLINE = False
    with transaction.atomic():
        row = notification_enqueue(
            channel="sms", to_address="01012345678", kind="t", subject="s", body="b", idempotency_key="bg-1"
        )
        assert gateway_threads == []  # nothing leaves before the commit
    notifications_flush()
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 1
    assert len(gateway_threads) == 1 and gateway_threads[0].startswith("dolbom-notify")
    assert [m.idempotency_key for m in FakeGateway.outbox] == ["bg-1"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(settings, gateway_threads):
    settings.USE_CELERY = False
    settings.NOTIFICATIONS_DELIVER_INLINE = False
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_enqueue(channel="sms", to_address="010", kind="t", subject="s", body="b", idempotency_key="bg-2")
        raise RuntimeError
    notifications_flush()
    assert gateway_threads == [] and not Notification.objects.filter(idempotency_key="bg-2").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite rule")
def test_on_sqlite_delivery_stays_in_the_caller_after_commit(settings, gateway_threads):
    settings.USE_CELERY = False
    settings.NOTIFICATIONS_DELIVER_INLINE = False
    with transaction.atomic():
        row = notification_enqueue(
            channel="sms", to_address="010", kind="t", subject="s", body="b", idempotency_key="sq-1"
        )
        assert gateway_threads == []
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert gateway_threads == [threading.current_thread().name]


@pytest.mark.django_db(transaction=True)
def test_inline_setting_delivers_in_the_caller_after_commit(settings, gateway_threads):
    settings.USE_CELERY = False
    settings.NOTIFICATIONS_DELIVER_INLINE = True
    with transaction.atomic():
        row = notification_enqueue(
            channel="sms", to_address="010", kind="t", subject="s", body="b", idempotency_key="in-1"
        )
        assert gateway_threads == []
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert gateway_threads == [threading.current_thread().name]


@pytest.mark.django_db(transaction=True)
def test_with_a_broker_the_task_is_queued_after_commit(settings, monkeypatch):
    from dolbom.core import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.notification_deliver_task, "delay", lambda pk: queued.append(pk))
    settings.USE_CELERY = True
    with transaction.atomic():
        row = notification_enqueue(
            channel="sms", to_address="010", kind="t", subject="s", body="b", idempotency_key="c-1"
        )
        assert queued == []
    assert queued == [row.pk]
    assert notifications._background is None or not notifications._background[1]._work_queue.qsize()
