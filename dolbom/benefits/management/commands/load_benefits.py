from typing import Any

from django.core.management.base import BaseCommand

from dolbom.benefits.services import benefits_catalogue_load


class Command(BaseCommand):
    help = "Load or update the benefit catalogue (encoded programmes + 복지로 central services). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--path", help="directory holding welfare_central_services_bokjiro_365.json")

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        counts = benefits_catalogue_load(data_dir=Path(options["path"]) if options.get("path") else None)
        self.stdout.write(
            f"지원사업 {counts['programmes']}건 (새로 {counts['created']}, 갱신 {counts['updated']}, "
            f"참여 지역 {counts['regions']})"
        )
