from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "dolbom.booking"
    label = "booking"
    verbose_name = "예약"
