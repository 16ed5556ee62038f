from django.urls import path

from . import benefits_views

app_name = "benefits"

urlpatterns = [
    path("", benefits_views.programme_index, name="index"),
    path("check/", benefits_views.benefit_check_page, name="check"),
    path("<int:programme_id>/", benefits_views.programme_detail, name="detail"),
]
