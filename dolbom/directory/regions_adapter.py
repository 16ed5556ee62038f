"""Region resolution for the directory, through the regions app's resolver.

`dolbom.regions.services.RegionResolver` knows old and new names and codes (강원특별자치도, the merged
전남광주통합특별시, the 화성시 구 …). Should it be unavailable, a plain lookup by exact names and codes
stands in, so the directory keeps working on a minimal region table (tests with a handful of regions).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from dolbom.regions.models import Region


class Resolver(Protocol):
    def from_parts(self, *, sido: str | None = None, sigungu: str | None = None) -> Region | None: ...

    def from_address(self, address_text: str, sido: str | None = None) -> Region | None: ...

    def resolve(self, query: str) -> Region | None: ...


class _PlainResolver:
    """Exact names and codes only. Loaded once; every lookup is a dict access."""

    def __init__(self) -> None:
        regions = list(Region.objects.filter(is_active=True).exclude(level=Region.Level.EUPMYEONDONG))
        self.by_code = {r.code: r for r in regions}
        self.sidos = {r.name: r for r in regions if r.level == Region.Level.SIDO}
        self.by_full_name = {r.full_name: r for r in regions}
        self.sgg_by_sido: dict[str, dict[str, Region]] = {}
        for r in regions:
            if r.level == Region.Level.SIGUNGU:
                self.sgg_by_sido.setdefault(r.sido_code, {}).setdefault(r.name, r)
                # 수원시 장안구 is found by "장안구" and by "수원시 장안구".
                parent_name = r.full_name.split(" ")[1:-1]
                if parent_name:
                    self.sgg_by_sido[r.sido_code].setdefault(" ".join([*parent_name, r.name]), r)

    def _sido(self, name: str | None) -> Region | None:
        if not name:
            return None
        name = name.strip()
        if name in self.sidos:
            return self.sidos[name]
        for sido_name, region in self.sidos.items():
            if sido_name.startswith(name) or name.startswith(sido_name[:2]):
                return region
        return None

    def from_parts(self, *, sido: str | None = None, sigungu: str | None = None) -> Region | None:
        sido_region = self._sido(sido)
        sgg = (sigungu or "").strip()
        if not sgg:
            return sido_region
        sido_codes = [sido_region.sido_code] if sido_region else list(self.sgg_by_sido)
        matches = [self.sgg_by_sido.get(code, {}).get(sgg) for code in sido_codes]
        found = [m for m in matches if m is not None]
        if len(found) == 1:
            return found[0]
        if not found and sido:
            # A merged 시도 (전남광주통합특별시) the table does not know: look through every 시도.
            everywhere = [m for m in (d.get(sgg) for d in self.sgg_by_sido.values()) if m is not None]
            if len(everywhere) == 1:
                return everywhere[0]
        return None

    def from_address(self, address_text: str, sido: str | None = None) -> Region | None:
        parts = re.split(r"\s+", (address_text or "").strip())
        if len(parts) < 2:
            return None
        for take in (3, 2):
            region = self.from_parts(sido=sido or parts[0], sigungu=" ".join(parts[1:take]))
            if region is not None:
                return region
        return None

    def resolve(self, query: str) -> Region | None:
        q = (query or "").strip()
        if q.isdigit():
            return self.by_code.get(q.ljust(10, "0"))
        return self.by_full_name.get(q) or self._sido(q)


def region_resolver() -> Resolver:
    """A fresh resolver (load it once per import, not per row)."""
    from dolbom.regions import services

    shared = getattr(services, "region_resolver", None)
    if shared is None:
        return _PlainResolver()
    return _Tolerant(shared())


class _Tolerant:
    """The real resolver may raise for an unknown name; the importer wants None and reports the row."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Region | None:
        from dolbom.core.errors import ApplicationError

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
