"""Region resolution for the directory, through the regions app's shared resolver.

`dolbom.regions.services.region_resolver()` knows old and new names and codes (강원특별자치도, the merged
전남광주통합특별시, the 화성시 구 …). The importer wants None for an unknown or ambiguous name (it reports
the row), never an exception, so the resolver is wrapped here.
"""

from __future__ import annotations

from typing import Any, Protocol

from dolbom.core.errors import ApplicationError
from dolbom.regions.models import Region


class Resolver(Protocol):
    def from_parts(self, *, sido: str | None = None, sigungu: str | None = None) -> Region | None: ...

    def from_address(self, address_text: str, sido: str | None = None) -> Region | None: ...

    def resolve(self, query: str) -> Region | None: ...


class _Tolerant:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Region | None:
        try:
            result = getattr(self.inner, name)(*args, **kwargs)
        except (ApplicationError, LookupError, ValueError):
            return None
        return result if isinstance(result, Region) else None

    def from_parts(self, *, sido: str | None = None, sigungu: str | None = None) -> Region | None:
        return self._call("from_parts", sido=sido, sigungu=sigungu)

    def from_address(self, address_text: str, sido: str | None = None) -> Region | None:
        return self._call("from_address", address_text, sido=sido)

    def resolve(self, query: str) -> Region | None:
        return self._call("resolve", query)


def region_resolver() -> Resolver:
    """The shared in-memory resolver (rebuilt by the regions app when its tables change)."""
    from dolbom.regions.services import region_resolver as shared

    return _Tolerant(shared())
