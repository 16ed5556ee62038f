"""The current request's IP, set by middleware, so services can audit without being handed a request."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(meta: dict) -> str | None:
    # Behind the production proxy the first X-Forwarded-For hop is the client.
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else meta.get("REMOTE_ADDR")
    return ip or None
