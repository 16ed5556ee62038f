from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "dolbom.households"
    label = "households"
    verbose_name = "가구"
