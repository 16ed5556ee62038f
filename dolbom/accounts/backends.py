from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from .models import User
from .phone import normalize_phone


class LoginIdBackend(ModelBackend):
    """Sign in with a user name, an e-mail address or a mobile number."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password:
            return None
        login_id = username.strip()
        query = Q(username=login_id) | Q(email__iexact=login_id)
        phone = normalize_phone(login_id)
        if phone:
            query |= Q(phone=phone)
        user = User.objects.filter(query).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal accounts
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
