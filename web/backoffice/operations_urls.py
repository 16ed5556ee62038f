from django.urls import path

from . import operations_views as views

app_name = "backoffice_facility"

urlpatterns = [
    path("", views.facility_home, name="home"),
    path("incidents/", views.incident_create, name="incident_create"),
]
