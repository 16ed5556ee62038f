"""Error pages: the same messages as the API (Korean, or the request's language), never a stack trace."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _respond(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "detail": {}}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(request, 400, "bad_request", _("요청 형식이 올바르지 않습니다."))


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(request, 403, "permission_denied", _("이 페이지를 볼 권한이 없습니다."))


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(request, 404, "not_found", _("찾으시는 페이지가 없습니다."))


def server_error(request: HttpRequest) -> HttpResponse:
    import sys

    from dolbom.core.middleware import database_unavailable, database_unavailable_response

    if database_unavailable(sys.exc_info()[1]):  # the database went away: a retryable 503, not a 500
        return database_unavailable_response(request)
    return _respond(request, 500, "server_error", _("일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."))
