"""Region writes and the shared resolver.

The import itself lives in `importer.py` (`manage.py import_regions`); this module holds `region_resolve`,
which every other app uses to turn user or file input into a current `Region`.
"""

from __future__ import annotations

import threading

from django.db import connection

from .models import Region, RegionAlias
from .resolver import RegionResolver

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], RegionResolver] | None = None


def _version() -> tuple[object, ...]:
    """The region tables' state, from index lookups only (one round trip, no scan).

    Rows are added and updated, never deleted, so the highest id and the latest update identify the state.
    Each MAX is its own scalar subquery: SQLite answers a lone MIN/MAX from the index but scans for two.
    """
    region, alias = (
        connection.ops.quote_name(Region._meta.db_table),
        connection.ops.quote_name(RegionAlias._meta.db_table),
    )
    # Table names come from model metadata, quoted by the backend; no user input reaches this string.
    sql = (
        f"SELECT (SELECT MAX(updated_at) FROM {region}), (SELECT MAX(id) FROM {region}), "  # noqa: S608  # nosec B608
        f"(SELECT MAX(updated_at) FROM {alias}), (SELECT MAX(id) FROM {alias}), (SELECT COUNT(*) FROM {alias})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(row) if row else ()


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
