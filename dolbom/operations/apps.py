from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "dolbom.operations"
    label = "operations"
    verbose_name = "운영"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
