"""load_demo gives a newcomer a working system, and running it again changes nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from dolbom.accounts.models import User


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.app_label != "axes"}


@pytest.mark.django_db(transaction=True)
def test_load_demo_is_complete_and_idempotent():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    for username in ("citizen", "citizen2", "coordinator", "provider", "caregiver", "city", "province", "admin"):
        assert User.objects.filter(username=username, is_active=True).exists()
        assert username in printed
    assert "dolbom-demo-2026" in printed
    first = row_counts()
    call_command("load_demo", stdout=io.StringIO())
    second = row_counts()
    # Logs of actions may grow (a re-run is an action: audit entries, notifications, the import-run log that
    # records "nothing changed"); the demo's own records may not.
    ignored = {"core.AuditEntry", "core.Notification", "sessions.Session", "directory.ImportRun"}
    changed = {
        label: (first[label], second[label])
        for label in first
        if label not in ignored and first[label] != second[label]
    }
    assert not changed, f"load_demo is not idempotent: {changed}"
