from django.apps import AppConfig


class CounsellingConfig(AppConfig):
    name = "dolbom.counselling"
    label = "counselling"
    verbose_name = "상담"
