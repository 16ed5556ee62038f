from django.urls import path

from . import visit_views as views

app_name = "visits"

urlpatterns = [
    path("", views.my_visits, name="my"),
    path("new/", views.request_new, name="new"),
    path("<int:pk>/cancel/", views.request_cancel, name="cancel"),
    path("<int:pk>/rate/", views.request_rate, name="rate"),
    path("<int:pk>/report/", views.request_report, name="report"),
]
