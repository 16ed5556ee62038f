"""Permission helpers every API endpoint and page uses.

A staff account acts only inside its scope: provider staff in their facility, coordinators and city
officials in their 시군구, province officials in their 시도. Administrators act everywhere. Citizens act
only on what they own.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import AuthenticationRequired, PermissionDenied

ADMIN = "admin"

#: What a page says to a signed-in user of another role (403), by the role the page is for.
PAGE_REFUSALS = {
    "citizen": _("보호자 계정에서만 쓸 수 있는 페이지입니다."),
    "provider": _("시설 담당자만 볼 수 있는 페이지입니다."),
    "caregiver": _("돌보미 계정에서만 쓸 수 있는 페이지입니다."),
    "coordinator": _("돌봄코디네이터만 볼 수 있는 페이지입니다."),
    "city_official": _("시·군·구, 시·도 담당자만 볼 수 있는 페이지입니다."),
    "province_official": _("시·군·구, 시·도 담당자만 볼 수 있는 페이지입니다."),
}


def require_login(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise AuthenticationRequired()


def require_role(user: Any, *roles: str) -> None:
    require_login(user)
    if user.role == ADMIN or user.is_superuser:
        return
    if user.role not in roles:
        raise PermissionDenied(detail={"required_roles": list(roles)})


def scope_prefixes(user: Any) -> list[str] | None:
    """Region-code prefixes the user may act in; None means everywhere (administrators)."""
    if user.role == ADMIN or user.is_superuser:
        return None
    region = getattr(user, "scope_region", None)
    if region is None:
        return []
    from dolbom.regions.selectors import region_scope_prefixes

    return region_scope_prefixes(region=region)


def region_in_scope(user: Any, region_code: str | None) -> bool:
    prefixes = scope_prefixes(user)
    if prefixes is None:
        return True
    return bool(region_code) and any(str(region_code).startswith(p) for p in prefixes)


def require_region_access(user: Any, region_code: str | None) -> None:
    require_login(user)
    if not region_in_scope(user, region_code):
        raise PermissionDenied(_("담당 지역 밖의 정보입니다."), code="out_of_scope")


def facility_in_scope(user: Any, facility: Any) -> bool:
    if user.role == ADMIN or user.is_superuser:
        return True
    if user.role == "provider":
        return user.facility_id is not None and user.facility_id == facility.pk
    if user.role in {"coordinator", "city_official", "province_official"}:
        region = getattr(facility, "region", None)
        return region_in_scope(user, region.code if region else None)
    return False


def require_facility_access(user: Any, facility: Any) -> None:
    require_login(user)
    if not facility_in_scope(user, facility):
        raise PermissionDenied(_("소속 시설의 정보만 볼 수 있습니다."), code="out_of_scope")


def require_owner(user: Any, owner_id: int | None) -> None:
    """Citizens reach only their own records. Callers raise NotFound instead where existence must not leak."""
    require_login(user)
    if owner_id != user.pk:
        raise PermissionDenied()


def role_allowed(user: Any, *roles: str, admin: bool = True) -> bool:
    """`require_role` as a test: signed in and of one of `roles` (administrators too, unless admin=False)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if admin and (user.role == ADMIN or user.is_superuser):
        return True
    return user.role in roles


def page_requires_role(*roles: str, admin: bool = True, message: str | Promise | None = None) -> Callable[[Any], Any]:
    """The pages' counterpart of `require_role`, as a view decorator.

    Anonymous visitors go to the login page (and come back after signing in); a signed-in user of another
    role gets the 403 error page with a Korean sentence (`message`, or the one for the page's first role).
    Administrators pass as they do in `require_role`, unless admin=False: pages built on the role's own
    records (a citizen's household, a provider's facility), which an administrator does not have.
    Scope (which facility, which region, whose record) is still the view's and the service's to check.
    """
    if not roles:
        raise ValueError("page_requires_role needs at least one role")
    refusal = message or PAGE_REFUSALS.get(roles[0], PermissionDenied.default_message)

    def decorate(view: Any) -> Any:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            user = getattr(request, "user", None)
            if user is None or not getattr(user, "is_authenticated", False):
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not role_allowed(user, *roles, admin=admin):
                from django.shortcuts import render

                return render(request, "error.html", {"status": 403, "message": str(refusal)}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
