import pytest
from django.db import transaction

from dolbom.core.models import Notification
from dolbom.core.notifications import FakeGateway, notification_deliver, notification_enqueue, notifications_retry_stale


@pytest.mark.django_db(transaction=True)
def test_outbox_row_is_delivered_after_commit_once(citizen):
    citizen.phone = "01011112222"
    citizen.save()
    with transaction.atomic():
        n = notification_enqueue(recipient=citizen, kind="test", subject="제목", body="본문", idempotency_key="k1")
        assert FakeGateway.outbox == []  # nothing leaves before the transaction commits
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT
    assert [m.to_address for m in FakeGateway.outbox] == ["01011112222"]
    # Delivering again (a retried task) sends nothing more.
    assert notification_deliver(notification_id=n.pk) is True
    assert len(FakeGateway.outbox) == 1
    # Enqueueing with the same key does not create a second message.
    again = notification_enqueue(recipient=citizen, kind="test", subject="제목", body="본문", idempotency_key="k1")
    assert again.pk == n.pk and Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_nothing(citizen):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_enqueue(recipient=citizen, kind="test", subject="s", body="b", idempotency_key="k2")
        raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0
    assert FakeGateway.outbox == []


@pytest.mark.django_db(transaction=True)
def test_failed_delivery_is_retried(citizen):
    citizen.phone = "01011112222"
    citizen.save()
    FakeGateway.fail_next = 1
    n = notification_enqueue(recipient=citizen, kind="test", subject="s", body="b", idempotency_key="k3")
    n.refresh_from_db()
    assert n.status == Notification.Status.FAILED and n.attempts == 1
    assert notifications_retry_stale() == 1
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT and n.attempts == 2
    assert len(FakeGateway.outbox) == 1
