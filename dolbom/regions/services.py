"""Region writes and the shared resolver.

The import itself lives in `importer.py` (`manage.py import_regions`); this module holds `region_resolve`,
which every other app uses to turn user or file input into a current `Region`.
"""

from __future__ import annotations

import threading

from django.db.models import Count, Max

from .models import Region, RegionAlias
from .resolver import RegionResolver

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], RegionResolver] | None = None


def _version() -> tuple[object, ...]:
    regions = Region.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    aliases = RegionAlias.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (regions["n"], regions["last"], regions["top"], aliases["n"], aliases["last"], aliases["top"])


def region_resolver() -> RegionResolver:
    """A shared in-memory resolver, rebuilt when the region tables change (two cheap aggregate queries)."""
    global _cached
    version = _version()
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, RegionResolver.load())
        return _cached[1]


def region_resolve(*, query: str) -> Region:
    """Turn a code (10-digit 법정동/행정동, 5-digit 시군구, 2-digit 시도, old codes) or a name (full, partial,
    short or former; "전남광주통합특별시 광산구") into the current unit.

    Raises InvalidInput with code `unknown_region`, `abolished_region` (abolished, successor unknown) or
    `ambiguous_region` (candidates in detail["candidates"]); all answer HTTP 422. See `resolver.py`.
    """
    return region_resolver().resolve(query)
