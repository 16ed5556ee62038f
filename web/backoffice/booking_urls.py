from django.urls import path

from . import booking_views as views

app_name = "backoffice_bookings"

urlpatterns = [
    path("", views.bookings_home, name="home"),
    path("<int:booking_id>/action/", views.booking_action, name="action"),
    path("capacity/<int:fs_id>/", views.capacity, name="capacity"),
]
