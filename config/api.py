"""The JSON API: one NinjaAPI under /api/v1/, each domain mounts its router here.

Every error leaves as {"code", "message", "detail"} with the right status; a 500 is a bug.
"""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dolbom.core.errors import ApplicationError
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
    return api.create_response(request, {"code": code, "message": message, "detail": detail or {}}, status=status)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.detail)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    message, fields = describe_validation_errors(exc.errors)
    return _error(request, 422, "invalid_input", message, {"fields": fields})


@api.exception_handler(DjangoValidationError)
def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"errors": exc.messages}
    return _error(request, 422, "invalid_input", " ".join(exc.messages), detail)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "authentication_required", "로그인이 필요합니다.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "요청한 정보를 찾을 수 없습니다.")


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "payload_too_large", "요청이 너무 큽니다.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {400: "요청 형식이 올바르지 않습니다.", 405: "허용되지 않는 요청입니다."}
    message = messages.get(exc.status_code, str(exc))
    return _error(request, exc.status_code, "http_error", message)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    from django.db import DatabaseError

    if isinstance(exc, DatabaseError):
        logger.exception("database unavailable")
        return _error(
            request, 503, "service_unavailable", "일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해 주세요."
        )
    logger.exception("unhandled API error")
    return _error(request, 500, "server_error", "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.")


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
