"""One error hierarchy for the whole product.

Services raise these; the API turns them into {"code", "message", "detail"} with the status below,
and pages show the same message. Korean is the source text: messages are wrapped in gettext, so a
request in another language gets them in that language (`message` and `as_dict()` are always `str`).
"""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def resolve_text(value: Any) -> Any:
    """Lazy translations (also inside dicts, lists and tuples) as `str` in the active language."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {k: resolve_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(resolve_text(v) for v in value)
    return value


class ApplicationError(Exception):
    status = 400
    code = "application_error"
    default_message: str | Promise = _("요청을 처리할 수 없습니다.")

    def __init__(
        self, message: str | Promise | None = None, *, code: str | None = None, detail: dict[str, Any] | None = None
    ):
        self._message = message or self.default_message
        if code:
            self.code = code
        self.detail = resolve_text(detail or {})
        super().__init__(self._message)

    @property
    def message(self) -> str:
        """The message in the language active now (a lazy default is resolved when read)."""
        return str(self._message)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": resolve_text(self.detail)}


class InvalidInput(ApplicationError):
    status = 422
    code = "invalid_input"
    default_message = _("입력값을 확인해 주세요.")


class NotFound(ApplicationError):
    status = 404
    code = "not_found"
    default_message = _("요청한 정보를 찾을 수 없습니다.")


class AuthenticationRequired(ApplicationError):
    status = 401
    code = "authentication_required"
    default_message = _("로그인이 필요합니다.")


class PermissionDenied(ApplicationError):
    status = 403
    code = "permission_denied"
    default_message = _("이 작업을 할 권한이 없습니다.")


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
    default_message = _("현재 상태에서는 처리할 수 없습니다.")


class CapacityExhausted(Conflict):
    code = "capacity_exhausted"
    default_message = _("남은 자리가 없습니다.")


class NotEligible(Conflict):
    code = "not_eligible"
    default_message = _("이용 대상이 아닙니다.")


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"
    default_message = _("현재 상태에서는 이 단계로 바꿀 수 없습니다.")


class RateLimited(ApplicationError):
    status = 429
    code = "rate_limited"
    default_message = _("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.")


class PayloadTooLarge(ApplicationError):
    status = 413
    code = "payload_too_large"
    default_message = _("요청이 너무 큽니다.")


class ServiceUnavailable(ApplicationError):
    status = 503
    code = "service_unavailable"
    default_message = _("일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해 주세요.")
