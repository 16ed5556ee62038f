"""Who gets into the back-office pages, as view decorators built on `page_requires_role`.

Provider and caregiver pages work on the account's own facility or caregiver profile, which an administrator
does not have, so administrators are refused there (admin=False); the view receives that facility or profile.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dolbom.accounts.models import Role
from dolbom.core.permissions import PAGE_REFUSALS, page_requires_role
from dolbom.matching import selectors as matching_selectors


def refuse(request: HttpRequest, message: Any, status: int = 403) -> HttpResponse:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def facility_staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff of a facility only; the view is called as view(request, facility, ...)."""

    @page_requires_role(Role.PROVIDER, admin=False)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "facility_id", None) is None:  # a provider account not yet tied to a facility
            return refuse(request, PAGE_REFUSALS[Role.PROVIDER])
        return view(request, request.user.facility, *args, **kwargs)  # type: ignore[union-attr]

    return wrapper  # type: ignore[no-any-return]


def caregiver_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Caregivers with a profile only; the view is called as view(request, caregiver, ...)."""

    @page_requires_role(Role.CAREGIVER, admin=False)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        caregiver = matching_selectors.caregiver_of(user=request.user)
        if caregiver is None:
            return refuse(request, _("돌보미 프로필이 없습니다. 돌봄코디네이터에게 등록을 요청해 주세요."), 404)
        return view(request, caregiver, *args, **kwargs)

    return wrapper  # type: ignore[no-any-return]


coordinator_page = page_requires_role(Role.COORDINATOR, admin=False)
