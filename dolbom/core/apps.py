from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dolbom.core"
    label = "core"
    verbose_name = "공통"
