"""Reads: the catalogue (browse, search, one programme), the engine built from it, and the region codes a
household's home belongs to."""

from __future__ import annotations

import re
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from dolbom.regions.models import Region

from .eligibility import Engine, ProgrammeSpec, RegionSpan, load_programme_specs
from .eligibility.catalogue import MAIN_STAGES, SITUATIONS, STAGES
from .eligibility.parameters import load_parameters, with_dated_values
from .models import Programme, ProgrammeRegion

CASES_DIR = Path(__file__).parent / "eligibility" / "tests" / "cases"
_SPACE = re.compile(r"\s+")


def search_normalise(text: str) -> str:
    """Lower-case, spaces removed: "부모 급여" and "부모급여" meet, as do "Wee 클래스" and "wee클래스"."""
    return _SPACE.sub("", text or "").lower()


def programme_facets(*, stages: list[str], situations: list[str]) -> str:
    return "|" + "|".join([*(f"stage:{s}" for s in stages), *(f"situation:{s}" for s in situations)]) + "|"


# ---------------------------------------------------------------------------------------------------------------
# Regions


def region_codes_of(*, region: Region) -> tuple[frozenset[str], str]:
    """The home unit's code and the codes of every unit containing it (시·군·구, 시 of a 구, 시·도)."""
    codes = {region.code}
    node: Region | None = region
    seen = 0
    while node is not None and seen < 6:
        codes.add(node.code)
        node = node.parent
        seen += 1
    if region.sido_code:
        codes.add(region.sido_code.ljust(10, "0"))
    if region.sgg_code:
        codes.add(region.sgg_code.ljust(10, "0"))
        # a 구 of a 시 (장안구 41111) belongs to the 시 (수원시 41110) even where the tree lacks that link
        codes.add((region.sgg_code[:4] + "0").ljust(10, "0"))
    return frozenset(codes), region.sido_code


# ---------------------------------------------------------------------------------------------------------------
# Catalogue


def programme_list(
    *,
    stage: str | None = None,
    situation: str | None = None,
    region: Region | None = None,
    q: str | None = None,
    kind: str | None = None,
) -> QuerySet[Programme]:
    qs = Programme.objects.filter(is_active=True).prefetch_related("regions")
    if stage:
        qs = qs.filter(facets__contains=f"|stage:{stage}|")
    if situation:
        qs = qs.filter(facets__contains=f"|situation:{situation}|")
    if kind:
        qs = qs.filter(kind=kind)
    if region is not None:
        codes, _level = region_codes_of(region=region)
        qs = qs.filter(
            Q(provider_level=Programme.ProviderLevel.NATIONAL) | Q(regions__region_code__in=codes)
        ).distinct()
    if q and q.strip():
        joined = search_normalise(q)[:100]
        tokens = [search_normalise(t) for t in q.split() if t.strip()][:8]
        match = Q(search_text__contains=joined)
        if len(tokens) > 1:
            every = Q()
            for token in tokens:
                every &= Q(search_text__contains=token)
            match |= every
        qs = qs.filter(match)
    return qs


def programme_rank(programmes: list[Programme], *, q: str | None) -> list[Programme]:
    """Encoded programmes and name matches first."""
    key = search_normalise(q or "")

    def rank(p: Programme) -> tuple[int, int, int, str]:
        name_hit = 0 if key and key in search_normalise(p.name) else 1
        return (name_hit, 0 if p.kind == Programme.Kind.RULE else 1, p.sort_order, p.name)

    return sorted(programmes, key=rank)


def programme_get(*, ident: str | int) -> Programme:
    from dolbom.core.errors import NotFound

    ident = str(ident)
    qs = Programme.objects.filter(is_active=True).prefetch_related("regions")
    programme = qs.filter(pk=int(ident)).first() if ident.isdigit() else qs.filter(key=ident).first()
    if programme is None:
        raise NotFound(_("지원사업을 찾을 수 없습니다."))
    return programme


def programme_parameters(*, programme: Programme, on: date) -> list[dict[str, Any]]:
    """Each parameter of the programme's rule: its value on `on`, every dated value, reference and source."""
    group = _parameters().get(programme.key, {})
    out = []
    for p in group.values():
        row = p.describe(on)
        row["history"] = [
            {"since": d.isoformat(), "value": v, "verified": ok}
            for d, v, ok in zip(p.dates, p.values, p.value_verified, strict=True)
        ]
        out.append(row)
    return out


def programme_test_cases(*, programme: Programme) -> list[dict[str, Any]]:
    return _test_cases().get(programme.key, [])


@lru_cache(maxsize=1)
def _file_parameters() -> dict[str, Any]:
    return load_parameters()


_overlaid: tuple[Any, dict[str, Any]] | None = None


def _parameters() -> dict[str, Any]:
    """The YAML parameters with the dated values officials approved laid over them (operations app)."""
    global _overlaid
    from dolbom.operations.selectors import parameter_overlay, parameter_overlay_version

    version = parameter_overlay_version()
    if _overlaid is None or _overlaid[0] != version:
        _overlaid = (version, with_dated_values(_file_parameters(), parameter_overlay()))
    return _overlaid[1]


@lru_cache(maxsize=1)
def _test_cases() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(CASES_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            for doc in yaml.safe_load_all(fh):
                out.setdefault(doc["programme"], []).extend(doc["cases"])
    return out


def stage_label(key: str) -> str:
    return STAGES.get(key, key)


def situation_label(key: str) -> str:
    return SITUATIONS.get(key, key)


def stage_choices() -> list[tuple[str, str]]:
    return [(k, STAGES[k]) for k in MAIN_STAGES]


def situation_choices() -> list[tuple[str, str]]:
    return list(SITUATIONS.items())


# ---------------------------------------------------------------------------------------------------------------
# The engine over the catalogue (rebuilt when the catalogue changes)

_lock = threading.Lock()
_engine: tuple[tuple[Any, ...], Engine, dict[str, int]] | None = None


def _version() -> tuple[Any, ...]:
    a = Programme.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    b = ProgrammeRegion.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    from dolbom.operations.selectors import parameter_overlay_version

    return (a["n"], a["last"], b["n"], b["last"], parameter_overlay_version())


def programme_spec(*, programme: Programme) -> ProgrammeSpec:
    p = programme
    return ProgrammeSpec(
        key=p.key,
        name=p.name,
        rule=p.rule,
        provider_level=p.provider_level,
        agency=p.agency,
        stages=tuple(p.stages),
        situations=tuple(p.situations),
        support_type=p.support_type,
        summary=p.summary,
        description=p.description,
        how_to_apply=p.how_to_apply,
        contact=p.contact,
        legal_reference=p.legal_reference,
        source=p.source,
        checked_on=p.checked_on,
        config=p.config,
        regions=tuple(
            RegionSpan(code=r.region_code, name=r.region_name, starts_on=r.starts_on, ends_on=r.ends_on)
            for r in p.regions.all()
        ),
        external_ids=tuple(p.external_ids),
    )


def catalogue_engine() -> tuple[Engine, dict[str, int]]:
    """The engine over the published catalogue, and each programme's id by key. Before the catalogue is
    loaded, the encoded programmes of the bundled specification answer on their own (without ids)."""
    global _engine
    version = _version()
    with _lock:
        if _engine is None or _engine[0] != version:
            programmes = list(Programme.objects.filter(is_active=True).prefetch_related("regions"))
            specs = [programme_spec(programme=p) for p in programmes] if programmes else load_programme_specs()
            _engine = (version, Engine(specs, _parameters()), {p.key: p.pk for p in programmes})
        return _engine[1], _engine[2]
