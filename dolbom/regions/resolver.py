"""One place that turns a region code or name — old or new, 법정동 or 행정동 — into the current unit.

`RegionResolver` loads every unit and alias once and answers from memory, so importers can resolve tens of
thousands of rows quickly::

    resolver = RegionResolver.load()
    resolver.resolve("강원도 춘천시")                      # → 강원특별자치도 춘천시 (raises on unknown/ambiguous)
    resolver.from_parts(sido="전남광주통합특별시", sigungu="광산구")  # → 광주광역시 광산구, or None
    resolver.from_address("서울특별시 마포구 월드컵북로 416 2층(상암동, LGU+상암사옥)")  # → 마포구 상암동, or None

`region_resolve(query=...)` in services uses a shared, automatically refreshed instance.

Rules, in order:

- Codes: 10 digits (법정동 or 행정동), 5 digits (시군구), 2 digits (시도). An abolished code answers its
  successor (강원도 42xxx → 강원특별자치도 51xxx, 전라북도 45xxx → 전북특별자치도 52xxx); a 리 code answers its
  읍/면; an unknown code under a renumbered 시도 is retried under the new 시도 code.
- Names ignore spacing ("수원시장안구" = "수원시 장안구"). A name may be full ("경기도 수원시 장안구"), partial
  ("수원시 장안구", "장안구") or use a short or former 시도 name ("서울 강남구", "강원도 춘천시"). The merged
  "전남광주통합특별시 X" is looked up as "광주광역시 X" and "전라남도 X".
- Several matches: the deepest unit if they nest (세종특별자치시 is a 시도 and a 시군구 → the 시군구), the 법정동 if
  a 법정동 and a 행정동 share the name in the same 시군구; otherwise an `ambiguous_region` error listing the
  candidates ("중구").
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from dolbom.core.errors import InvalidInput

from .importer import SIDO_SUCCESSORS, norm_key
from .models import Region, RegionAlias

MAX_CANDIDATES = 20
_PAREN = re.compile(r"[(（]([^)）]*)[)）]")
_EMD_SUFFIXES = ("동", "읍", "면", "가")


class UnknownRegion(InvalidInput):
    code = "unknown_region"


class AmbiguousRegion(InvalidInput):
    code = "ambiguous_region"


def _unknown(query: str, message: str | None = None, *, code: str = "unknown_region") -> UnknownRegion:
    shown = query[:40]
    return UnknownRegion(
        message
        or _("'%(query)s' 지역을 찾을 수 없습니다. 시도·시군구 이름이나 행정구역 코드를 확인해 주세요.")
        % {"query": shown},
        code=code,
        detail={"fields": {"region": shown}},
    )


class RegionResolver:
    """In-memory index of all units and aliases. Build with `RegionResolver.load()`; read-only afterwards."""

    def __init__(self, regions: Iterable[Region], aliases: Iterable[tuple[str, int]] = ()) -> None:
        self.by_id: dict[int, Region] = {}
        self.by_code: dict[str, Region] = {}
        self._keys: dict[str, list[Region]] = defaultdict(list)  # name key → units (active: full and tails)
        self._inactive_keys: dict[str, list[Region]] = defaultdict(list)
        for region in regions:
            self.by_id[region.pk] = region
            self.by_code[region.code] = region
        for region in self.by_id.values():
            tokens = region.full_name.split()
            if region.is_active:
                for i in range(len(tokens)):
                    self._keys["".join(tokens[i:])].append(region)
            else:
                self._inactive_keys["".join(tokens)].append(region)
        # Prefixes that name a 시도: its own names and every alias, longest first ("강원특별자치도" before "강원").
        prefixes: dict[str, set[int]] = defaultdict(set)
        for region in self.by_id.values():
            if region.level == Region.Level.SIDO and region.is_active:
                prefixes[norm_key(region.full_name)].add(region.pk)
        for key, region_id in aliases:
            if region_id in self.by_id:
                prefixes[key].add(region_id)
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[0]))
        self._sorted_keys = sorted(self._keys)

    @classmethod
    def load(cls) -> RegionResolver:
        regions = Region.objects.all().only(
            "id", "code", "code_system", "level", "name", "full_name", "parent_id", "sido_code", "sgg_code",
            "is_active", "lat", "lng", "successor_id", "covers",
        )  # fmt: skip
        aliases = RegionAlias.objects.values_list("key", "region_id")
        return cls(regions, aliases)

    # ------------------------------------------------------------ public

    def resolve(self, query: str) -> Region:
        """Code or name → current unit. Raises UnknownRegion (`unknown_region`, `abolished_region`) or
        AmbiguousRegion (`ambiguous_region`, candidates in `detail["candidates"]`), both HTTP 422."""
        q = (query or "").strip()
        if not q:
            raise _unknown(q, _("지역 이름이나 코드를 입력해 주세요."))
        compact = norm_key(q).replace("-", "")
        if compact.isdigit():
            return self._resolve_code(compact, q)
        found, candidates = self._resolve_name(norm_key(q))
        if found is not None:
            return found
        if candidates:
            raise AmbiguousRegion(
                _("'%(q)s' 에 해당하는 지역이 여러 곳입니다. 시도나 시군구 이름을 함께 입력해 주세요.") % {"q": q[:40]},
                detail={
                    "fields": {"region": q[:40]},
                    "candidates": [
                        {"code": r.code, "full_name": r.full_name, "level": r.level}
                        for r in sorted(candidates, key=lambda r: r.code)[:MAX_CANDIDATES]
                    ],
                },
            )
        raise _unknown(q)

    def resolve_or_none(self, query: str) -> Region | None:
        try:
            return self.resolve(query)
        except InvalidInput:
            return None

    def from_parts(self, *, sido: str | None = None, sigungu: str | None = None) -> Region | None:
        """A 시도 and/or 시군구 name, as facility lists give them, → the current unit, or None when unknown or
        ambiguous. `from_parts(sido="전남광주통합특별시", sigungu="광산구")` → 광주광역시 광산구;
        `from_parts(sido="강원도", sigungu="춘천시")` → 강원특별자치도 춘천시; a 시군구 already carrying its 시도
        ("서울특별시 강남구") is accepted too."""
        sido_key, sgg_key = norm_key(sido or ""), norm_key(sigungu or "")
        if sgg_key and sido_key and not sgg_key.startswith(sido_key):
            found = self.resolve_or_none(sido_key + sgg_key)
            if found is not None:
                return found
        return self.resolve_or_none(sgg_key or sido_key) if (sgg_key or sido_key) else None

    def from_address(self, address: str, sido: str | None = None) -> Region | None:
        """Find the unit a Korean address lies in: the 읍면동 when the address names one (after the 시군구, or
        in the parentheses of a road address), else the 시군구, else the 시도 when only that is recognised.
        None when the address names no unit at all.

        `sido` helps when the address leaves it out ("마포구 월드컵북로 416") or uses a 시군구 name found in
        several 시도. Examples: "서울특별시 마포구 월드컵북로 416 2층(상암동, LGU+상암사옥)" → 서울특별시 마포구
        상암동; "전남광주통합특별시 광산구 첨단중앙로181번길 88-21 1층" → 광주광역시 광산구;
        "경기도 화성시 향남읍 발안로 1" → 경기도 화성시 향남읍 (under 만세구)."""
        text = (address or "").strip()
        if not text:
            return None
        hints = [part.strip() for group in _PAREN.findall(text) for part in group.split(",")]
        tokens = _PAREN.sub(" ", text).replace(",", " ").split()
        if not tokens:
            return None
        attempts = [tokens]
        if sido and norm_key(sido) and not norm_key(tokens[0]).startswith(norm_key(sido)[:2]):
            attempts.insert(0, [sido, *tokens])
        # With and without the given 시도: the more specific answer wins (a portal row may say 시도
        # "전남광주통합특별시" and address "광주광역시 광산구 ...").
        rank: dict[str, int] = {Region.Level.EUPMYEONDONG: 3, Region.Level.SIGUNGU: 2, Region.Level.SIDO: 1}
        best: Region | None = None
        for attempt in attempts:
            found = self._address_unit(attempt, hints)
            if found is not None and (best is None or self._rank(found, rank) > self._rank(best, rank)):
                best = found
        return best

    @staticmethod
    def _rank(region: Region, rank: dict[str, int]) -> int:
        return 0 if region.covers else rank.get(region.level, 0)

    def search_prefix(self, query: str, *, limit: int = 20) -> list[Region]:
        """Current units whose name, or a tail of their full name, starts with `query` (spacing ignored;
        short and former 시도 names understood: "서울강남" → 서울특별시 강남구, "강원도 춘" → 강원특별자치도 춘천시).
        시도 first, then 시군구, then 읍면동, each by code."""
        key = norm_key(query)
        if not key:
            return []
        found: dict[int, Region] = {}
        for prefix in [key, *self._expansions(key)]:
            start = bisect.bisect_left(self._sorted_keys, prefix)
            for k in self._sorted_keys[start:]:
                if not k.startswith(prefix) or len(found) >= limit * 20:
                    break
                for region in self._keys[k]:
                    found.setdefault(region.pk, region)
        order: dict[str, int] = {Region.Level.SIDO: 0, Region.Level.SIGUNGU: 1, Region.Level.EUPMYEONDONG: 2}
        return sorted(found.values(), key=lambda r: (order.get(r.level, 3), r.code))[:limit]

    def current(self, region: Region) -> Region | None:
        """The current unit for `region`: itself if active, else its successor chain's end (None if unknown)."""
        seen: set[int] = set()
        while region is not None and not region.is_active:
            if region.pk in seen or region.successor_id is None:
                return None
            seen.add(region.pk)
            region = self.by_id.get(region.successor_id)  # type: ignore[assignment]
        return region

    def descendants(self, region: Region) -> list[Region]:
        """Every active unit inside `region` (its 시군구, 구 and 읍면동); a merged unit spans its 시도."""
        if region.covers:
            roots = [self.by_code[c + "00000000"] for c in region.covered_sido_codes if c + "00000000" in self.by_code]
            return [r for root in roots for r in (root, *self.descendants(root))]
        children: dict[int, list[Region]] = self._children_index()
        out: list[Region] = []
        stack = list(children.get(region.pk, []))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(children.get(node.pk, []))
        return sorted(out, key=lambda r: r.code)

    # ------------------------------------------------------------ internals

    def _children_index(self) -> dict[int, list[Region]]:
        index = getattr(self, "_children", None)
        if index is None:
            index = defaultdict(list)
            for r in self.by_id.values():
                if r.is_active and r.parent_id:
                    index[r.parent_id].append(r)
            self._children = index
        return index

    def _resolve_code(self, digits: str, shown: str) -> Region:
        if len(digits) == 2:
            digits += "00000000"
        elif len(digits) == 5:
            digits += "00000"
        elif len(digits) != 10:
            raise _unknown(
                shown,
                _("'%(code)s' 는 올바른 행정구역 코드가 아닙니다. 2·5·10자리 숫자로 입력해 주세요.")
                % {"code": shown[:40]},
            )
        candidates = [digits]
        if digits[8:] != "00":
            candidates.append(digits[:8] + "00")  # 리 → its 읍/면
        if digits[:2] in SIDO_SUCCESSORS:
            candidates += [SIDO_SUCCESSORS[digits[:2]] + c[2:] for c in list(candidates)]
        for code in candidates:
            region = self.by_code.get(code)
            if region is None:
                continue
            current = self.current(region)
            if current is None:
                raise _unknown(
                    shown,
                    _(
                        "'%(name)s'(%(code)s) 은(는) 폐지된 행정구역이며 이어받은 구역을 알 수 없습니다. "
                        "현재 주소의 지역을 입력해 주세요."
                    )
                    % {"name": region.full_name, "code": region.code},
                    code="abolished_region",
                )
            return current
        raise _unknown(shown, _("행정구역 코드 '%(code)s' 를 찾을 수 없습니다.") % {"code": shown[:40]})

    def _pick(self, matches: list[Region]) -> tuple[Region | None, list[Region]]:
        unique = list({r.pk: r for r in matches}.values())
        if len(unique) == 1:
            return unique[0], []
        if not unique:
            return None, []
        # Nested (세종특별자치시 the 시도 and the 시군구): the deepest.
        ordered = sorted(unique, key=self._depth)
        if all(self._is_ancestor(ordered[i], ordered[i + 1]) for i in range(len(ordered) - 1)):
            return ordered[-1], []
        # A 법정동 and a 행정동 of one name in one 시군구: the 법정동 (addresses use it).
        legal = [r for r in unique if r.code_system == Region.CodeSystem.LEGAL]
        if len(legal) == 1 and len({(r.sgg_code, r.name) for r in unique}) == 1:
            return legal[0], []
        return None, unique

    def _depth(self, region: Region) -> int:
        depth, seen = 0, set()
        while region.parent_id and region.parent_id not in seen:
            seen.add(region.parent_id)
            depth += 1
            region = self.by_id[region.parent_id]
        return depth

    def _is_ancestor(self, ancestor: Region, node: Region) -> bool:
        seen: set[int] = set()
        while node.parent_id and node.parent_id not in seen:
            seen.add(node.parent_id)
            if node.parent_id == ancestor.pk:
                return True
            node = self.by_id[node.parent_id]
        return False

    def _expansions(self, key: str) -> list[str]:
        """The key rewritten with each canonical 시도 name its prefix stands for."""
        for prefix, region_ids in self._prefixes:
            if not key.startswith(prefix):
                continue
            rest = key[len(prefix) :]
            out: list[str] = []
            for region_id in region_ids:
                region = self.by_id[region_id]
                targets = (
                    [self.by_code[c + "00000000"] for c in region.covered_sido_codes if c + "00000000" in self.by_code]
                    if region.covers and rest
                    else [region]
                )
                out += [norm_key(t.full_name) + rest for t in targets]
            if out:
                return out
        return []

    def _resolve_name(self, key: str) -> tuple[Region | None, list[Region]]:
        direct = self._keys.get(key, [])
        found, candidates = self._pick(direct)
        if found is not None or candidates:
            return found, candidates
        rewritten: list[Region] = []
        ambiguous: list[Region] = []
        for expanded in self._expansions(key):
            if expanded == key:
                continue
            hit, many = self._pick(self._keys.get(expanded, []))
            if hit is not None:
                rewritten.append(hit)
            ambiguous += many
        if rewritten:
            found, candidates = self._pick(rewritten)
            if found is not None or candidates:
                return found, candidates
        if ambiguous:
            return None, ambiguous
        # A former full name ("전라북도 전주시 완산구" written out, or a merged-away unit): its successor.
        successors = [s for s in (self.current(r) for r in self._inactive_keys.get(key, [])) if s is not None]
        return self._pick(successors)

    def _lookup(self, key: str) -> Region | None:
        if not key:
            return None
        return self._resolve_name(key)[0]

    def _address_unit(self, tokens: list[str], hints: list[str]) -> Region | None:
        # The longest leading run of tokens (up to 4: 시도 시 구 읍면동) that names a unit.
        unit: Region | None = None
        used = 0
        for k in range(min(4, len(tokens)), 0, -1):
            found = self._lookup(norm_key("".join(tokens[:k])))
            if found is None:
                continue
            if found.level == Region.Level.EUPMYEONDONG and k == 1:
                continue  # a lone 동 name is not enough to place an address
            unit, used = found, k
            break
        if unit is None:
            return None
        if unit.level == Region.Level.EUPMYEONDONG:
            return unit
        base = norm_key(unit.full_name)
        followers = tokens[used : used + 1] + hints
        for word in followers:
            w = norm_key(word)
            if not w.endswith(_EMD_SUFFIXES) or w[:-1].isdigit():
                continue
            found = self._lookup(base + w)
            if found is not None and found.level == Region.Level.EUPMYEONDONG:
                return found
        return unit
