import pytest
from django.db import DatabaseError, connection, transaction

from dolbom.core.audit import audit_log
from dolbom.core.models import AuditEntry


def test_audit_log_refuses_changes(citizen):
    entry = audit_log(actor=citizen, action="test.action", object_type="thing", object_id=1, after={"x": 1})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.action = "tampered"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


def test_the_database_itself_refuses_updates_and_deletes(citizen):
    """Raw SQL bypasses the model layer; the trigger still refuses it."""
    entry = audit_log(actor=citizen, action="test.action", object_type="thing", object_id=1)
    statements = ["UPDATE core_auditentry SET action = 'x' WHERE id = %s"]
    if connection.vendor == "postgresql":
        statements.append("DELETE FROM core_auditentry WHERE id = %s")
    for sql in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


def test_audit_records_actor_and_acting_for(citizen, coordinator_suwon):
    entry = audit_log(
        actor=coordinator_suwon, action="booking.create", object_type="booking", object_id=7, acting_for=citizen
    )
    assert entry.actor == coordinator_suwon
    assert entry.acting_for == citizen
    assert "coordinator" in entry.actor_label
