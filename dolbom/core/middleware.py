import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

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
    an API client must see {"code", "message", "detail"} with a message (Korean, or the request's language)
    for every error.
    """

    MESSAGES = {
        400: ("bad_request", _("요청 형식이 올바르지 않습니다.")),
        401: ("authentication_required", _("로그인이 필요합니다.")),
        403: ("permission_denied", _("이 작업을 할 권한이 없습니다.")),
        404: ("not_found", _("요청한 정보를 찾을 수 없습니다.")),
        405: ("method_not_allowed", _("허용되지 않는 요청입니다.")),
        413: ("payload_too_large", _("요청이 너무 큽니다.")),
        429: ("rate_limited", _("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.")),
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
            code, message = "server_error", _("일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.")
        else:
            code, message = self.MESSAGES.get(status, ("http_error", _("요청을 처리할 수 없습니다.")))
        shaped = JsonResponse({"code": code, "message": str(message), "detail": {}}, status=status)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if response.has_header(header):
                shaped[header] = response[header]
        return shaped


#: The message a client sees while the database is unreachable (the same words as the API's 503).
UNAVAILABLE_MESSAGE = _("일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해 주세요.")
UNAVAILABLE_RETRY_AFTER = 5


def database_unavailable(exc: BaseException | None) -> bool:
    """True for a lost or refused database connection (a restart, a failover, a killed backend).

    OperationalError and InterfaceError mean the connection, not the statement, failed: nothing was written
    by this request, and the connection is replaced at the next request (CONN_HEALTH_CHECKS, and Django
    closes a connection that raised them). Data and integrity errors are not outages and are not caught here.
    """
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 in the one error shape for the API, a Korean page otherwise; built without touching the database."""
    from django.http import JsonResponse
    from django.template.loader import render_to_string

    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": "service_unavailable", "message": str(UNAVAILABLE_MESSAGE), "detail": {}}, status=503
        )
    else:
        # Rendered without the request: context processors would load the session and the user from the
        # database that is down.
        html = render_to_string("core/unavailable.html", {"message": str(UNAVAILABLE_MESSAGE)})
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A database that went away mid-request is a 503 the client can retry, never a 500 or a stack trace.

    `process_exception` answers for views (django-ninja answers the API's own views the same way in
    config/api.py). An error raised by an inner middleware (loading the session, saving it on the way out)
    has already become Django's 500 by the time it reaches here, so that path is answered by the 500 handler
    (web/errors.py), which asks `database_unavailable(sys.exc_info()[1])`. Place this middleware outermost
    but after the security headers, so it also catches what escapes a failing 500 handler.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except Exception as exc:
            if database_unavailable(exc):
                return database_unavailable_response(request)
            raise

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_unavailable(exception):
            import logging

            logging.getLogger(__name__).warning("database unavailable: %s", exception)
            return database_unavailable_response(request)
        return None


class PublicFormRateLimitMiddleware:
    """Anonymous POSTs to the public forms (settings.RATE_LIMITED_PAGES: URL name → scope) are rate-limited.

    The same fixed-window counters as the API (dolbom.core.ratelimit), so asking through /ask/ and through
    POST /api/v1/counselling/inquiries share one allowance per address. Runs after the CSRF check, so a
    forged or stale form is refused without being counted. Over the limit: the error page with 429 and
    Retry-After; nothing is written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST" or request.resolver_match is None:
            return None
        scope = getattr(settings, "RATE_LIMITED_PAGES", {}).get(request.resolver_match.view_name)
        if scope is None:
            return None
        from django.shortcuts import render

        from .errors import RateLimited
        from .ratelimit import rate_limit_anonymous

        try:
            rate_limit_anonymous(request, scope=scope)
        except RateLimited as exc:
            response = render(request, "error.html", {"status": exc.status, "message": exc.message}, status=429)
            response["Retry-After"] = str(exc.detail.get("retry_after", 60))
            return response
        return None
