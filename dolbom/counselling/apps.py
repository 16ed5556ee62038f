from typing import Any

from django.apps import AppConfig


class CounsellingConfig(AppConfig):
    name = "dolbom.counselling"
    label = "counselling"
    verbose_name = "상담"

    def export_citizen_data(self, user: Any) -> dict[str, Any]:
        from .selectors import citizen_counselling_export

        return citizen_counselling_export(user=user)
