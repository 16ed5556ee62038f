"""load_knowledge: load or refresh the bundled frequently-asked-questions entries (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from dolbom.counselling.knowledge import articles_load


class Command(BaseCommand):
    help = "Load the bundled FAQ entries into the knowledge base (keyed by slug; safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = articles_load()
        self.stdout.write(f"자주 묻는 질문 {count}건을 불러왔습니다.")
