"""Officials' catalogue page: every encoded rule with its dated parameters, references, participating regions
and test cases (read-only for now; editing comes later)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dolbom.benefits.models import Programme
from dolbom.benefits.selectors import programme_parameters, programme_test_cases
from dolbom.core.errors import PermissionDenied
from dolbom.core.permissions import require_role

OFFICIAL_ROLES = ("city_official", "province_official")


@login_required
def benefits_catalogue(request: HttpRequest) -> HttpResponse:
    try:
        require_role(request.user, *OFFICIAL_ROLES)
    except PermissionDenied:
        return render(
            request,
            "error.html",
            {"status": 403, "message": "시·군·구, 시·도 담당자만 볼 수 있는 페이지입니다."},
            status=403,
        )
    today = timezone.localdate()
    rules = Programme.objects.filter(kind=Programme.Kind.RULE).prefetch_related("regions")
    rows = [
        {
            "p": p,
            "parameters": programme_parameters(programme=p, on=today),
            "cases": programme_test_cases(programme=p),
            "regions": list(p.regions.all()),
        }
        for p in rules
    ]
    context = {
        "rows": rows,
        "information_count": Programme.objects.filter(kind=Programme.Kind.INFORMATION).count(),
        "today": today,
    }
    return render(request, "console/benefits.html", context)
