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
        # The interactive API docs page loads its own bundled assets; keep the policy for everything else.
        if not request.path.startswith("/api/v1/docs"):
            response.setdefault("Content-Security-Policy", self.policy)
        return response
