"""manage.py import_regions [--path DIR]: load 시도/시군구/읍면동 from the bundled public code files."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dolbom.regions.importer import RegionFileError, default_path, import_regions


class Command(BaseCommand):
    help = "Load Korea's administrative units (법정동/행정동 codes, population 0–5, centroids) from data/regions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=None, help="directory with the region files")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or default_path()
        started = time.perf_counter()
        try:
            summary = import_regions(path=path)
        except RegionFileError as exc:
            raise CommandError(f"행정구역을 가져오지 못했습니다 (아무것도 바뀌지 않았습니다): {exc}") from exc
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"완료 ({time.perf_counter() - started:.1f}초)")
