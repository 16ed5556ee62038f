from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "web.portal"
    label = "portal"
    verbose_name = "시민 포털"
