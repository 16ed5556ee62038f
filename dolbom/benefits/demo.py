"""Demo catalogue: every programme, encoded and informational."""

from typing import Any

from .services import benefits_catalogue_load


def load(stdout: Any) -> list[str]:
    counts = benefits_catalogue_load()
    return [f"지원사업: {counts['programmes']}건 (우리 가족 지원 확인: /benefits/check/)"]
