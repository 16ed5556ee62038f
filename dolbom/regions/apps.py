from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "dolbom.regions"
    label = "regions"
    verbose_name = "행정구역"
