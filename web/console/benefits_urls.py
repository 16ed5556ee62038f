from django.urls import path

from . import benefits_views

app_name = "console_benefits"

urlpatterns = [
    path("", benefits_views.benefits_catalogue, name="catalogue"),
]
