"""Region import and resolution benchmark on a throw-away SQLite database (or DATABASE_URL if set).

Measures: a fresh `import_regions` of the bundled files, an unchanged re-import (idempotent: 0 writes),
loading the in-memory resolver, and resolution throughput for codes, names (incl. old names) and road
addresses built from the real units ("<시도 시군구> 테스트로 12 (<법정동>)"), with the share placed correctly.

    .venv/bin/python bench/regions.py [--n 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _head(full_name: str) -> str:
    return " ".join(full_name.split()[:-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from dolbom.regions.importer import import_regions
    from dolbom.regions.models import Region
    from dolbom.regions.resolver import RegionResolver

    t = time.perf_counter()
    first = import_regions()
    fresh_s = time.perf_counter() - t
    t = time.perf_counter()
    again = import_regions()
    rerun_s = time.perf_counter() - t
    t = time.perf_counter()
    resolver = RegionResolver.load()
    load_s = time.perf_counter() - t

    rng = random.Random(7)
    active = list(Region.objects.filter(is_active=True, covers="").exclude(level="sido"))
    emds = [r for r in active if r.level == "emd" and r.code_system == "legal" and r.parent_id]
    old = list(Region.objects.filter(is_active=False, successor__isnull=False).values_list("code", flat=True))
    codes = [rng.choice(active).code for _ in range(args.n // 2)] + [rng.choice(old) for _ in range(args.n // 2)]
    names = [rng.choice(active).full_name for _ in range(args.n)]

    def rate(items: list[str], fn) -> tuple[float, int]:
        start = time.perf_counter()
        ok = sum(1 for item in items if fn(item) is not None)
        return len(items) / (time.perf_counter() - start), ok

    code_rate, code_ok = rate(codes, resolver.resolve_or_none)
    name_rate, name_ok = rate(names, resolver.resolve_or_none)
    sample = [rng.choice(emds) for _ in range(args.n)]
    addresses = [f"{_head(r.full_name)} 테스트로 {i % 300 + 1} ({r.name})" for i, r in enumerate(sample)]
    start = time.perf_counter()
    placed = [resolver.from_address(a) for a in addresses]
    address_rate = len(addresses) / (time.perf_counter() - start)
    exact = sum(1 for got, want in zip(placed, sample, strict=True) if got is not None and got.pk == want.pk)
    print(
        json.dumps(
            {
                "import_fresh_s": round(fresh_s, 2),
                "import_rerun_s": round(rerun_s, 2),
                "rerun_writes": again.created + again.updated,
                "units": first.created,
                "resolver_load_s": round(load_s, 2),
                "resolve_codes_per_s": round(code_rate),
                "resolve_codes_ok": round(code_ok / len(codes), 4),
                "resolve_names_per_s": round(name_rate),
                "resolve_names_ok": round(name_ok / len(names), 4),
                "from_address_per_s": round(address_rate),
                "from_address_exact_emd": round(exact / len(addresses), 4),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
