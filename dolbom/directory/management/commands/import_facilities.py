"""import_facilities PATH [--format auto|seoul-standard|childcare-portal|...] [--dry-run]"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dolbom.core.errors import ApplicationError
from dolbom.directory.importers.formats import FORMATS
from dolbom.directory.importers.run import facility_import


class Command(BaseCommand):
    help = "Import care facilities from a public data file (CSV UTF-8/CP949, XLS, XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument("--dry-run", action="store_true", help="read and report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"파일이 없습니다: {path}")
        bar = None
        if sys.stderr.isatty() and options.get("verbosity", 1) > 0:
            from tqdm import tqdm

            bar = tqdm(desc=path.name, unit="행", leave=False)
        try:
            report = facility_import(
                path=path, format=options["format"], dry_run=options["dry_run"], progress=bar.update if bar else None
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if bar is not None:
                bar.close()
        for kind, samples in report.problems.items():
            self.stdout.write(f"  {kind}: {report.problem_counts[kind]:,}건")
            for sample in samples:
                self.stdout.write(f"    {sample['row']}행: {sample['message']}")
        if report.counts.get("not_in_file"):
            self.stdout.write(f"  이번 파일에 없는 기존 시설: {report.counts['not_in_file']:,}건 (삭제하지 않음)")
        self.stdout.write(report.summary())
