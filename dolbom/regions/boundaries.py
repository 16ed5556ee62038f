"""시군구 boundaries for the map, served from the bundled simplified GeoJSON with codes brought up to date.

The boundary file dates from 2022: 강원 and 전북 still carry 42xxx/45xxx and 군위군 sits in 경상북도. Each
feature is relabelled with the current unit (through the resolver), so the map joins it to current data.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from pathlib import Path

from .importer import BOUNDARY_GLOB, default_path

_lock = threading.Lock()
_cache: dict[tuple[object, ...], bytes] = {}


def boundaries_payload(*, sido: str | None = None, compressed: bool = False) -> tuple[bytes, str]:
    """(body, etag) for the API: the GeoJSON, gzip-compressed when asked (about a quarter of the size)."""
    body = boundaries_geojson(sido=sido)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if not compressed:
        return body, etag
    key = ("gz", etag)
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        cached = gzip.compress(body, compresslevel=6, mtime=0)
        with _lock:
            _cache[key] = cached
    return cached, etag


def _boundary_file() -> Path | None:
    matches = sorted(default_path().glob(BOUNDARY_GLOB))
    return matches[-1] if matches else None


def boundaries_geojson(*, sido: str | None = None) -> bytes:
    """The FeatureCollection as UTF-8 JSON bytes, optionally only one 시도 (2-digit code; 90 = 전남광주통합특별시)."""
    from .services import region_resolver

    file = _boundary_file()
    if file is None:
        return b'{"type":"FeatureCollection","features":[]}'
    resolver = region_resolver()
    key = (str(file), file.stat().st_mtime, id(resolver), sido)
    with _lock:
        if key in _cache:
            return _cache[key]
    wanted: set[str] | None = None
    if sido:
        unit = resolver.by_code.get(sido + "00000000")
        wanted = set(unit.covered_sido_codes) if unit is not None and unit.covers else {sido}
    data = json.loads(file.read_text(encoding="utf-8"))
    features = []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        source = str(props.get("sgg", ""))
        region = resolver.resolve_or_none(source) if source.isdigit() else None
        code = region.code if region is not None else source.ljust(10, "0")
        if wanted is not None and code[:2] not in wanted:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "sgg": code[:5],
                    "name": region.name if region is not None else props.get("SGGNM", ""),
                    "full_name": region.full_name
                    if region is not None
                    else f"{props.get('SIDONM', '')} {props.get('SGGNM', '')}",
                    "source_sgg": source,
                },
                "geometry": feature.get("geometry"),
            }
        )
    body = json.dumps(
        {
            "type": "FeatureCollection",
            "attribution": "통계청 SGIS 행정구역 경계(2022-03-09), github vuski/admdongkor 재배포, 공공누리 제1유형",
            "features": features,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    with _lock:
        if len(_cache) > 40:
            _cache.clear()
        _cache[key] = body
    return body
