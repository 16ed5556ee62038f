from django.urls import path

from . import visit_views as views

app_name = "backoffice_visits"

urlpatterns = [
    path("", views.caregiver_home, name="caregiver_home"),
    path("<int:pk>/action/", views.caregiver_action, name="caregiver_action"),
    path("availability/", views.caregiver_availability, name="caregiver_availability"),
    path("coordinate/", views.coordinator_home, name="coordinator_home"),
    path("coordinate/<int:pk>/", views.coordinator_request, name="coordinator_request"),
    path("coordinate/followups/<int:pk>/", views.coordinator_followup, name="coordinator_followup"),
]
