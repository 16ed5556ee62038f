from django.urls import path

from . import booking_views as views

app_name = "care"

urlpatterns = [
    path("", views.care_index, name="index"),
    path("nearest/", views.care_nearest, name="nearest"),
    path("book/<int:fs_id>/", views.care_book, name="book"),
    path("holds/<int:hold_id>/", views.care_hold, name="hold"),
    path("my/", views.care_my, name="my"),
    path("bookings/<int:booking_id>/cancel/", views.care_cancel, name="cancel"),
    path("bookings/<int:booking_id>/calendar.ics", views.care_calendar, name="calendar"),
    path("waitlist/<int:entry_id>/<str:action>/", views.care_waitlist_action, name="waitlist_action"),
]
