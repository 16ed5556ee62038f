import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from .request_context import client_ip, current_ip


class RequestContextMiddleware:
    """Makes the client IP available to the audit log; expires idle staff sessions early."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request.META))
        try:
            self._expire_staff_session(request)
            return self.get_response(request)
        finally:
            current_ip.reset(token)

    @staticmethod
    def _expire_staff_session(request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "is_citizen", True):
            return
        now = int(time.time())
        last = request.session.get("staff_last_seen", now)
        if now - last > settings.STAFF_SESSION_AGE:
            logout(request)
            return
        request.session["staff_last_seen"] = now


class ContentSecurityPolicyMiddleware:
    """Same-origin only: no CDN, no inline script. Map tiles may come from the configured tile host."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        tile_host = ""
        if settings.MAP_TILE_URL:
            from urllib.parse import urlsplit

            parts = urlsplit(settings.MAP_TILE_URL.replace("{s}", "a"))
            tile_host = f" {parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}"
        self.policy = (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:{tile_host}; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'self'; form-action 'self'; object-src 'none'"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        return response


class ApiErrorShapeMiddleware:
    """Under /api/, an error answered outside the API's exception handlers still leaves in the one error shape.

    django-ninja answers a wrong method with a plain-text 405, and Django's own 404/400/403 pages are HTML;
    an API client must see {"code", "message", "detail"} with a Korean message for every error.
    """

    MESSAGES = {
        400: ("bad_request", "요청 형식이 올바르지 않습니다."),
        401: ("authentication_required", "로그인이 필요합니다."),
        403: ("permission_denied", "이 작업을 할 권한이 없습니다."),
        404: ("not_found", "요청한 정보를 찾을 수 없습니다."),
        405: ("method_not_allowed", "허용되지 않는 요청입니다."),
        413: ("payload_too_large", "요청이 너무 큽니다."),
        429: ("rate_limited", "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."),
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        from django.http import JsonResponse

        status = response.status_code
        if status >= 500:
            code, message = "server_error", "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."
        else:
            code, message = self.MESSAGES.get(status, ("http_error", "요청을 처리할 수 없습니다."))
        shaped = JsonResponse({"code": code, "message": message, "detail": {}}, status=status)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if response.has_header(header):
                shaped[header] = response[header]
        return shaped
