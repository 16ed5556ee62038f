from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import directory_views, views
from .forms import LoginForm

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="portal/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="portal/password_reset.html",
            email_template_name="portal/password_reset_email.txt",
            success_url=reverse_lazy("portal:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="portal/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="portal/password_reset_confirm.html",
            success_url=reverse_lazy("portal:login"),
        ),
        name="password_reset_confirm",
    ),
    path("start/", views.start, name="start"),
    path("my/", views.mypage, name="mypage"),
    path("my/children/add/", views.child_add, name="child_add"),
    path("my/children/<int:child_id>/delete/", views.child_remove, name="child_delete"),
    path("my/home/", views.home_update, name="home_update"),
    path("my/consents/", views.consent_update, name="consent_update"),
    path("my/export.json", views.data_export, name="export"),
    path("my/verify/", views.identity_verify, name="verify"),
    path("my/delete/", views.account_remove, name="account_delete"),
    path("map/", directory_views.facility_map, name="map"),
    path("facilities/<int:facility_id>/", directory_views.facility_page, name="facility"),
]
