"""Officials' catalogue page: every encoded rule with its dated parameters, references, participating regions
and test cases (read-only for now; editing comes later)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dolbom.benefits.models import Programme
from dolbom.benefits.selectors import programme_parameters, programme_test_cases
from web.console.operations_views import official_only


@official_only
def benefits_catalogue(request: HttpRequest) -> HttpResponse:
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
