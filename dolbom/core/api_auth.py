"""API authentication: bearer tokens for API clients, the Django session (with CSRF) for pages."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from dolbom.accounts.models import ApiToken

        if not token or len(token) > 200:
            return None
        api_token = (
            ApiToken.objects.select_related("user", "user__scope_region")
            .filter(key_hash=ApiToken.hash_key(token), expires_at__gt=timezone.now(), user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        # Touch at most once a minute: a write per request would serialise readers on SQLite.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            type(api_token).objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


def anonymous(request: HttpRequest) -> Any:
    """Last resort for endpoints open to everyone: the caller is treated as anonymous."""
    return AnonymousUser()


#: Endpoints that need a signed-in user.
AUTH_REQUIRED = [BearerTokenAuth(), SessionAuth()]
#: Endpoints open to everyone that behave better for a signed-in user.
AUTH_OPTIONAL = [BearerTokenAuth(), SessionAuth(), anonymous]


def actor_of(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if auth is not None else request.user
