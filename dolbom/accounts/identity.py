"""본인인증 (identity verification) adapter.

Real providers (PASS, 카카오 인증 ...) redirect the user and return a CI (연계정보). We keep only a hash of
the CI and the time. The fake provider sends a six-digit code through the notification outbox and is used
by the demo and the tests.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class VerificationStart:
    transaction_id: str
    message: str


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    ci_hash: str = ""


class IdentityProvider(Protocol):
    def start(self, *, phone: str) -> VerificationStart: ...

    def confirm(self, *, transaction_id: str, phone: str, code: str) -> VerificationResult: ...


class FakeIdentityProvider:
    """Derives the code from the transaction id, so nothing secret is stored and tests can compute it."""

    @staticmethod
    def code_for(transaction_id: str) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), transaction_id.encode(), hashlib.sha256).hexdigest()
        return f"{int(digest[:8], 16) % 1_000_000:06d}"

    def start(self, *, phone: str) -> VerificationStart:
        transaction_id = secrets.token_hex(16)
        return VerificationStart(transaction_id, f"[돌봄] 인증번호 {self.code_for(transaction_id)}")

    def confirm(self, *, transaction_id: str, phone: str, code: str) -> VerificationResult:
        if not hmac.compare_digest(self.code_for(transaction_id), code.strip()):
            return VerificationResult(ok=False)
        ci_hash = hashlib.sha256(f"fake-ci:{phone}".encode()).hexdigest()
        return VerificationResult(ok=True, ci_hash=ci_hash)


def identity_provider() -> IdentityProvider:
    return import_string(settings.IDENTITY_PROVIDER)()
