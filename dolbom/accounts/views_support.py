from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

LOCKOUT_MESSAGE = _("로그인 실패가 여러 번 반복되어 잠시 잠겼습니다. 15분 뒤에 다시 시도해 주세요.")


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes lockout: the API gets the one error shape, pages an explanation in the request's language."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "rate_limited", "message": str(LOCKOUT_MESSAGE), "detail": {}}, status=429)
    return render(request, "portal/locked_out.html", {"message": str(LOCKOUT_MESSAGE)}, status=429)
