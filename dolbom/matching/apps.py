from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "dolbom.matching"
    label = "matching"
    verbose_name = "방문돌봄"
