"""Bring the dashboards' daily summaries up to date, or rebuild them from the records."""

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "대시보드 일별 요약을 갱신합니다 (--rebuild: 모든 날짜를 원자료에서 다시 계산)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rebuild", action="store_true", help="recompute every day from the records")

    def handle(self, *args: Any, **options: Any) -> None:
        from dolbom.operations.summaries import summaries_rebuild, summaries_refresh

        if options["rebuild"]:
            result = summaries_rebuild()
            self.stdout.write(f"요약 재계산: {result['days']}일, 버전 {result['version']}")
        else:
            self.stdout.write(f"요약 갱신: 버전 {summaries_refresh(thorough=True)}")
