"""The JSON API: one NinjaAPI under /api/v1/, each domain mounts its router here.

Every error leaves as {"code", "message", "detail"} with the right status; a 500 is a bug.
"""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dolbom.core.errors import ApplicationError, resolve_text
from dolbom.core.validation import describe_validation_errors

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="돌봄 API",
    version="1.0.0",
    description="돌봄 — 임신부터 12세까지 지원사업, 돌봄시설, 예약과 방문돌봄을 한곳에서. 모든 오류는 "
    '`{"code", "message", "detail"}` 형태로 응답합니다.',
    urls_namespace="api-v1",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str, detail: Any = None) -> HttpResponse:
    body = {"code": code, "message": str(message), "detail": resolve_text(detail or {})}
    return api.create_response(request, body, status=status)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = _error(request, exc.status, exc.code, exc.message, exc.detail)
    if exc.status == 429 and exc.detail.get("retry_after"):
        response["Retry-After"] = str(exc.detail["retry_after"])
    return response


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    message, fields = describe_validation_errors(exc.errors)
    return _error(request, 422, "invalid_input", message, {"fields": fields})


@api.exception_handler(DjangoValidationError)
def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"errors": exc.messages}
    return _error(request, 422, "invalid_input", " ".join(str(m) for m in exc.messages), detail)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "authentication_required", _("로그인이 필요합니다."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("요청한 정보를 찾을 수 없습니다."))


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "payload_too_large", _("요청이 너무 큽니다."))


@api.exception_handler(MultiPartParserError)
def malformed_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return _error(request, 400, "bad_request", _("요청 형식이 올바르지 않습니다."))


_HTTP_ERROR_MESSAGES = {
    400: ("http_error", gettext_lazy("요청 형식이 올바르지 않습니다.")),
    403: ("csrf_failed", gettext_lazy("보안 확인에 실패했습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.")),
    405: ("http_error", gettext_lazy("허용되지 않는 요청입니다.")),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises HttpError(403, "CSRF check Failed") for a cookie session without the CSRF token;
    # its own messages are English, so only a Korean message raised by our code is passed through.
    text = str(exc)
    if any("가" <= ch <= "힣" for ch in text):
        return _error(request, exc.status_code, "http_error", _(text))
    fallback = ("http_error", gettext_lazy("요청을 처리할 수 없습니다."))
    code, message = _HTTP_ERROR_MESSAGES.get(exc.status_code, fallback)
    return _error(request, exc.status_code, code, str(message))


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    from django.db import DatabaseError, DataError, InterfaceError

    if isinstance(exc, OverflowError | DataError):
        # A value the database cannot hold (an id past 64 bits, a NUL byte in text on PostgreSQL) is bad input,
        # not an outage: the statement failed before anything was written.
        return _error(
            request, 422, "invalid_input", _("입력값이 허용 범위를 벗어났습니다."), {"reason": type(exc).__name__}
        )
    if isinstance(exc, DatabaseError | InterfaceError):  # InterfaceError: the connection was already closed
        logger.exception("database unavailable")
        message = _("일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해 주세요.")
        response = _error(request, 503, "service_unavailable", message)
        response["Retry-After"] = "5"
        return response
    logger.exception("unhandled API error")
    return _error(request, 500, "server_error", _("일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."))


def _mount() -> None:
    from dolbom.accounts.api import router as accounts_router
    from dolbom.benefits.api import router as benefits_router
    from dolbom.booking.api import router as booking_router
    from dolbom.counselling.api import router as counselling_router
    from dolbom.directory.api import router as directory_router
    from dolbom.households.api import router as households_router
    from dolbom.matching.api import router as matching_router
    from dolbom.regions.api import router as regions_router

    api.add_router("/auth", accounts_router)
    api.add_router("/benefits", benefits_router)
    api.add_router("/regions", regions_router)
    api.add_router("/households", households_router)
    api.add_router("/care", booking_router)
    api.add_router("/facilities", directory_router)
    api.add_router("/counselling", counselling_router)
    api.add_router("/visits", matching_router)


_mount()
