"""Counselling benchmark: the agent's queue page reads, knowledge-base search and the working-time timer.

Builds a throw-away SQLite database (or uses DATABASE_URL if given) with a province-sized backlog: waiting
questions and scheduled callbacks spread over 31 경기 시군, then times what the queue page does for a 수원
coordinator (first 100 questions, first 100 callbacks, per-topic counts with overdue derived at read time),
a knowledge-base search over the bundled FAQ plus synthetic articles, and the SLA due-time function.

    .venv/bin/python bench/counselling.py [--inquiries 50000] [--articles 1000] [--repeat 30]

Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEOUL = ZoneInfo("Asia/Seoul")


def _timed(fn, repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 3),
    }


def _setup(db_url: str | None) -> str:
    url = db_url or f"sqlite:///{tempfile.mkdtemp()}/bench-counselling.sqlite3"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "0"}
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    return url


def _populate(n_inquiries: int, n_articles: int, seed: int) -> dict[str, object]:
    from django.utils import timezone

    from dolbom.accounts.models import User
    from dolbom.counselling.knowledge import article_upsert, articles_load
    from dolbom.counselling.models import Callback, Case, Inquiry, Topic
    from dolbom.counselling.phones import phone_hash
    from dolbom.counselling.policies import first_reply_due
    from dolbom.regions.models import Region

    rng = random.Random(seed)
    gyeonggi, _ = Region.objects.get_or_create(
        code="4100000000", defaults={"level": "sido", "name": "경기도", "full_name": "경기도", "sido_code": "41"}
    )
    cities = []
    for i in range(31):
        code = f"41{110 + i * 10:03d}00000"
        region, _ = Region.objects.get_or_create(
            code=code,
            defaults={
                "level": "sigungu",
                "name": f"시{i}",
                "full_name": f"경기도 시{i}",
                "parent": gyeonggi,
                "sido_code": "41",
                "sgg_code": code[:5],
            },
        )
        cities.append(region)
    suwon = cities[0]
    agent, _ = User.objects.get_or_create(
        username="bench-agent", defaults={"role": "coordinator", "scope_region": suwon, "first_name": "상담원"}
    )
    now = timezone.now()
    topics = list(Topic.values)
    cases = [
        Case(phone_hash=phone_hash(f"010{i:08d}"), region=rng.choice(cities), caller_name=f"상담자{i}")
        for i in range(n_inquiries)
    ]
    Case.objects.bulk_create(cases, batch_size=2000)
    cases = list(Case.objects.select_related("region").order_by("pk"))
    inquiries, callbacks = [], []
    for case in cases:
        asked = now - timedelta(minutes=rng.randint(0, 60 * 24 * 5))
        topic = rng.choice(topics)
        inquiries.append(
            Inquiry(
                case=case,
                region=case.region,
                topic=topic,
                question="질문 " * 20,
                due_at=first_reply_due(topic=topic, region=None, asked_at=asked),
            )
        )
        if rng.random() < 0.3:
            callbacks.append(
                Callback(
                    case=case, region=case.region, topic=topic, due_at=now + timedelta(minutes=rng.randint(-600, 3000))
                )
            )
    Inquiry.objects.bulk_create(inquiries, batch_size=2000)
    Callback.objects.bulk_create(callbacks, batch_size=2000)
    faq = articles_load()
    words = [
        "부모급여",
        "아동수당",
        "어린이집",
        "돌봄",
        "예약",
        "취소",
        "방문",
        "소득",
        "신청",
        "서류",
        "지원금",
        "야간",
    ]
    for i in range(n_articles):
        picked = rng.sample(words, 4)
        article_upsert(
            slug=f"synthetic-{i}",
            question=f"{picked[0]} {picked[1]} 관련 질문 {i}",
            answer=" ".join(rng.choice(words) for _ in range(60)),
            tags=", ".join(picked),
        )
    return {"agent": agent, "faq": faq, "callbacks": len(callbacks), "suwon_share": round(1 / len(cities), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inquiries", type=int, default=50_000)
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = _setup(os.environ.get("BENCH_DATABASE_URL"))

    from dolbom.counselling import selectors
    from dolbom.counselling.knowledge import article_search
    from dolbom.counselling.sla import add_working_minutes

    started = time.perf_counter()
    setup = _populate(args.inquiries, args.articles, args.seed)
    populate_s = round(time.perf_counter() - started, 1)
    agent = setup["agent"]

    def queue_page() -> None:
        list(selectors.queue_inquiries(actor=agent)[:100])
        list(selectors.callbacks_due(actor=agent)[:100])
        selectors.queue_counts(actor=agent)

    queries = ["아동 수당 나이", "언제나 어린이집 예약 마감", "부모급여 얼마", "콜센터 몇 시", "소득 기준 아이돌봄"]

    def kb_search() -> None:
        for q in queries:
            article_search(q=q, staff=True)

    rng = random.Random(args.seed)
    starts = [
        datetime(2026, 1, 1, tzinfo=SEOUL) + timedelta(minutes=rng.randint(0, 60 * 24 * 365)) for _ in range(10_000)
    ]

    def sla_batch() -> None:
        for start in starts:
            add_working_minutes(start, 540)

    sla = _timed(sla_batch, max(3, args.repeat // 10))
    print(
        json.dumps(
            {
                "benchmark": "counselling",
                "database": url.split(":")[0],
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "backlog": {
                    "inquiries": args.inquiries,
                    "callbacks": setup["callbacks"],
                    "regions": 31,
                    "articles": args.articles + int(setup["faq"]),  # type: ignore[call-overload]
                },
                "populate_s": populate_s,
                "queue_page_one_agent": _timed(queue_page, args.repeat),
                "kb_search_5_queries": _timed(kb_search, args.repeat),
                "sla_due_10000": {**sla, "per_call_us": round(sla["median_ms"] * 1000 / 10_000, 2)},
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
