from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "dolbom.benefits"
    label = "benefits"
    verbose_name = "지원사업"
