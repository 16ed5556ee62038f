from datetime import date

import pytest

from dolbom.accounts.models import User
from dolbom.accounts.services import account_delete
from dolbom.core.errors import InvalidInput
from dolbom.core.models import AuditEntry
from dolbom.households.models import Child, Consent
from dolbom.households.services import child_register, consent_grant
from tests.factories import PASSWORD


def test_account_delete_erases_personal_data_and_keeps_the_audit(citizen):
    child_register(actor=citizen, name="하늘", birth_date=date(2022, 5, 1), health_notes="천식")
    consent_grant(actor=citizen, purpose="benefit_alerts")
    with pytest.raises(InvalidInput):
        account_delete(actor=citizen, password="wrong")
    assert Child.objects.count() == 1
    retained = account_delete(actor=citizen, password=PASSWORD)
    assert retained
    user = User.objects.get(pk=citizen.pk)
    assert not user.is_active and user.email is None and user.phone is None and user.first_name == ""
    assert not user.has_usable_password()
    assert Child.objects.count() == 0 and Consent.objects.count() == 0
    assert AuditEntry.objects.filter(action="user.delete", object_id=str(citizen.pk)).exists()
