"""Answer-stability check for the eligibility engine: the full answers of seeded synthetic households on several
dates, written one JSON line per household, so a speed change can be compared byte for byte with the answers
before it.

    .venv/bin/python bench/benefits_golden.py --out before.jsonl          # record
    .venv/bin/python bench/benefits_golden.py --compare before.jsonl      # compare (exit 1 on any difference)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dolbom.benefits.eligibility import Engine, information_specs, load_programme_specs  # noqa: E402
from dolbom.benefits.eligibility.synthetic import full_answer, synthetic_households  # noqa: E402

DATES = [date(2025, 6, 1), date(2025, 12, 20), date(2026, 1, 1), date(2026, 11, 23), date(2027, 2, 28)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000, help="households per date")
    parser.add_argument("--seed", type=int, default=11)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()

    records = json.loads((ROOT / "data" / "benefits" / "welfare_central_services_bokjiro_365.json").read_text("utf-8"))
    specs = load_programme_specs()
    skip = {i for s in specs for i in s.external_ids}
    engine = Engine(specs + information_specs(records, skip_ids=skip))
    lines = []
    for d in DATES:
        for hh in synthetic_households(args.n, seed=args.seed, as_of=d):
            lines.append(json.dumps(full_answer(engine, hh), ensure_ascii=False, sort_keys=True))
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(json.dumps({"households": len(lines), "sha256": digest}))
        return
    before = args.compare.read_text(encoding="utf-8").splitlines()
    differ = [i for i, (a, b) in enumerate(zip(before, lines, strict=False)) if a != b]
    if len(before) != len(lines):
        differ.append(min(len(before), len(lines)))
    print(json.dumps({"households": len(lines), "sha256": digest, "differing": len(differ), "first": differ[:5]}))
    if differ:
        i = differ[0]
        print("before:", before[i][:3000] if i < len(before) else None)
        print("after: ", lines[i][:3000] if i < len(lines) else None)
        sys.exit(1)


if __name__ == "__main__":
    main()
