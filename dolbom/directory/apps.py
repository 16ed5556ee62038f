from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "dolbom.directory"
    label = "directory"
    verbose_name = "돌봄시설"
