import pytest

from dolbom.accounts.identity import FakeIdentityProvider
from dolbom.accounts.services import identity_verification_confirm, identity_verification_start
from dolbom.core.errors import InvalidInput
from dolbom.core.notifications import FakeGateway


@pytest.mark.django_db(transaction=True)
def test_identity_verification_with_the_fake_provider(citizen):
    verification = identity_verification_start(user=citizen, phone="010-3333-4444")
    assert FakeGateway.outbox and FakeGateway.outbox[0].to_address == "01033334444"
    with pytest.raises(InvalidInput):
        identity_verification_confirm(user=citizen, transaction_id=verification.transaction_id, code="000000x")
    code = FakeIdentityProvider.code_for(verification.transaction_id)
    user = identity_verification_confirm(user=citizen, transaction_id=verification.transaction_id, code=code)
    assert user.identity_verified_at is not None
    assert len(user.identity_ci_hash) == 64
    field_names = {f.name for f in type(user)._meta.get_fields()}
    assert not any("resident" in n or "jumin" in n or "rrn" in n for n in field_names)
