"""Rate limits for the expensive public endpoints: a fixed-window counter in Django's cache, keyed by client IP.

Signed-in callers are accountable and are not counted; anonymous callers get `settings.RATE_LIMITS[scope]`
requests per window (`(limit, window_seconds)`), then a 429 in the one error shape with `Retry-After`.
The cache is LocMem in the embedded default (per process) and Redis when REDIS_URL is set (shared by workers).
Login throttling for wrong passwords is django-axes' job; this limit caps the volume of attempts per IP.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .errors import RateLimited


def _limit_for(scope: str) -> tuple[int, int] | None:
    limits: dict[str, tuple[int, int]] = getattr(settings, "RATE_LIMITS", {})
    value = limits.get(scope)
    if not value:
        return None
    limit, window = value
    return int(limit), max(1, int(window))


def rate_limit_hit(*, scope: str, key: str, now: float | None = None) -> None:
    """Count one request for `key` in `scope`; raise RateLimited once the window's allowance is spent."""
    configured = _limit_for(scope)
    if configured is None:
        return
    limit, window = configured
    now = time.time() if now is None else now
    bucket = int(now // window)
    # The client key is hashed so the cache never holds raw IP addresses.
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        retry_after = max(1, int((bucket + 1) * window - now))
        raise RateLimited(detail={"scope": scope, "limit": limit, "window_seconds": window, "retry_after": retry_after})


def limited_client(meta: dict) -> str:
    """The address to count: REMOTE_ADDR, or the hop our own proxies appended to X-Forwarded-For.

    The left-most X-Forwarded-For entry is whatever the client wrote, so counting it would let anyone
    escape the limit; with N trusted proxies in front (RATE_LIMIT_TRUSTED_PROXIES), the N-th entry from
    the right is the address the outermost proxy saw.
    """
    proxies = int(getattr(settings, "RATE_LIMIT_TRUSTED_PROXIES", 0))
    if proxies > 0:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(meta.get("REMOTE_ADDR") or "unknown")


def rate_limit_anonymous(request: HttpRequest, *, scope: str) -> None:
    """Apply `scope`'s limit to an anonymous caller, keyed by client IP; signed-in users pass."""
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return
    rate_limit_hit(scope=scope, key=limited_client(request.META))
