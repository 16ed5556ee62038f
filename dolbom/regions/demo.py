"""Demo regions. Replaced by the full import of the bundled region files (import_regions)."""

from typing import Any

from django.core.management import call_command


def load(stdout: Any) -> list[str]:
    call_command("import_regions", stdout=stdout)
    return []
