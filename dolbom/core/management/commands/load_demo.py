"""load_demo: everything a newcomer needs to try Dolbom. Idempotent: running it twice changes nothing."""

import importlib
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

# Each step is a module with `load(stdout) -> list[str] | None`; the returned lines are printed at the end.
DEMO_STEPS = [
    "dolbom.regions.demo",
    "dolbom.directory.demo",
    "dolbom.accounts.demo",
    "dolbom.households.demo",
    "dolbom.benefits.demo",
    "dolbom.booking.demo",
    "dolbom.matching.demo",
    "dolbom.counselling.demo",
    "dolbom.operations.demo",
]


class Command(BaseCommand):
    help = (
        "Load the demo: regions, facilities, one account per role, a household with children, benefits, "
        "care services and slots, caregivers, a counselling queue and a year of activity."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary: list[str] = []
        for step in DEMO_STEPS:
            module = importlib.import_module(step)
            with transaction.atomic():
                lines = module.load(self.stdout)
            summary.extend(lines or [])
        self.stdout.write("")
        for line in summary:
            self.stdout.write(line)
