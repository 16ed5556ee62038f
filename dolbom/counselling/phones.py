"""Phone numbers of callers without an account: stored encrypted, found again by a keyed hash.

The hash is an HMAC under the site secret, so the table alone does not reveal which numbers called.
"""

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext as _

from dolbom.accounts.phone import normalize_phone
from dolbom.core.errors import InvalidInput


def clean_phone(value: str, *, field: str = "phone") -> str:
    phone = normalize_phone(value or "")
    if phone is None:
        raise InvalidInput(
            _("휴대전화 번호를 확인해 주세요 (예: 010-1234-5678)."), detail={"fields": {field: _("휴대전화 형식")}}
        )
    return phone


def phone_hash(phone: str) -> str:
    key = ("counselling-phone:" + settings.SECRET_KEY).encode()
    return hmac.new(key, phone.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """010-****-5678: enough to confirm with the caller, not enough to dial."""
    if len(phone) < 8:
        return "***"
    return f"{phone[:3]}-****-{phone[-4:]}"
